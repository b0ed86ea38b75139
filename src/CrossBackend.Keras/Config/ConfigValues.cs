using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>Typed reads from one layer's config, with Keras's defaults and messages that name the layer.</summary>
internal sealed class ConfigValues(JsonElement config, string layer)
{
    public string Layer => layer;

    public bool Has(string key) => config.ValueKind == JsonValueKind.Object && config.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>Whether the key is present at all, even with a null value.</summary>
    public bool HasKey(string key) => config.ValueKind == JsonValueKind.Object && config.TryGetProperty(key, out _);

    private JsonElement Get(string key) => config.GetProperty(key);

    public int Int(string key, int? fallback = null) =>
        Has(key) ? AsInt(Get(key), key) : fallback ?? throw Missing(key);

    public double Double(string key, double fallback) =>
        Has(key) ? Get(key).ValueKind == JsonValueKind.Number ? Get(key).GetDouble() : throw Bad(key, "a number") : fallback;

    public double? NullableDouble(string key) => Has(key) ? Double(key, 0) : null;

    public bool Bool(string key, bool fallback) =>
        Has(key) ? Get(key).ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Bad(key, "true or false") } : fallback;

    public string? String(string key) => Has(key) ? Get(key).ValueKind == JsonValueKind.String ? Get(key).GetString() : throw Bad(key, "a string") : null;

    /// <summary>An int or a list of <paramref name="rank"/> ints (Keras accepts both for kernel sizes and strides).</summary>
    public int[] Ints(string key, int rank, int[]? fallback = null)
    {
        if (!Has(key)) return fallback ?? throw Missing(key);
        JsonElement v = Get(key);
        if (v.ValueKind == JsonValueKind.Number) return Enumerable.Repeat(AsInt(v, key), rank).ToArray();
        if (v.ValueKind != JsonValueKind.Array) throw Bad(key, $"an int or a list of {rank} ints");
        int[] values = v.EnumerateArray().Select(e => AsInt(e, key)).ToArray();
        return values.Length == rank ? values : throw Bad(key, $"a list of {rank} ints");
    }

    /// <summary>A shape list where <c>null</c> means unknown (−1).</summary>
    public long[] Shape(string key)
    {
        JsonElement v = Has(key) ? Get(key) : throw Missing(key);
        if (v.ValueKind != JsonValueKind.Array) throw Bad(key, "a list");
        return v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? -1L : AsInt(e, key)).ToArray();
    }

    public JsonElement Raw(string key) => Has(key) ? Get(key) : throw Missing(key);

    /// <summary>The layer's dtype: a string (Keras 2) or a DTypePolicy object (Keras 3).</summary>
    public string? DTypeName()
    {
        if (!Has("dtype")) return null;
        JsonElement v = Get("dtype");
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object &&
            c.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String) return n.GetString();
        return null;
    }

    private int AsInt(JsonElement e, string key) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int i) ? i : throw Bad(key, "an integer");

    private InvalidDataException Missing(string key) => new($"layer `{layer}`: the config has no `{key}`");

    private InvalidDataException Bad(string key, string what) => new($"layer `{layer}`: config `{key}` must be {what}");
}
