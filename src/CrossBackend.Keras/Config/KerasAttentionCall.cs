using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>
/// Reads the call of an attention layer from a functional config: which tensors it reads, in the order
/// [query, value, key?], and the call options that change its numbers, which are refused when set.
/// <para>The tensors come positionally or by keyword, in both formats: tf.keras 2 writes the first argument as the
/// inbound reference and every other argument as a keyword on it (keras/engine/node.py <c>Node.serialize</c>: "Treat
/// everything other than first argument as a kwarg"), so <c>mha(x, y)</c> is <c>[["x", 0, 0, {"value": ["y", 0, 0]}]]</c>;
/// Keras 3 writes <c>{"args": [...], "kwargs": {...}}</c> as called (keras/src/models/functional.py
/// <c>serialize_node</c>), and adds <c>query_mask</c> / <c>value_mask</c> (MultiHeadAttention) or <c>mask</c>
/// (Attention) as null, or a list of nulls, when no mask arrives (<c>Layer.__call__</c>'s mask population).</para>
/// </summary>
internal static class KerasAttentionCall
{
    /// <summary>Whether the class is one whose call this reads.</summary>
    public static bool Handles(string className) => className is "MultiHeadAttention" or "Attention" or "AdditiveAttention";

    /// <summary>The tensors the layer reads, [query, value] or [query, value, key], whether the call sets
    /// <c>use_causal_mask=True</c>, and whether an Attention call records <c>mask</c> as a list of nulls (Keras 3's
    /// Layer.__call__ then leaves it as it is: see <see cref="AttentionSpec.NullMaskInCall"/>).</summary>
    /// <exception cref="NotSupportedException">A mask tensor, <c>return_attention_scores=True</c> or an unknown keyword,
    /// naming the layer and the argument.</exception>
    public static (List<string> Inbound, bool Causal, bool NullMaskList) Read(string className, string layer, JsonElement node)
    {
        (List<JsonElement> positional, Dictionary<string, JsonElement> kwargs) = Split(node);
        var tensors = new List<string>();
        if (className == "MultiHeadAttention")
        {
            string[] names = ["query", "value", "key"];
            foreach (JsonElement arg in positional) tensors.AddRange(References(arg));
            for (int i = 0; i < names.Length; i++)
            {
                if (!kwargs.Remove(names[i], out JsonElement given) || References(given) is not { Count: > 0 } refs) continue;
                if (i < tensors.Count)
                    throw new InvalidDataException($"layer `{layer}` ({className}) receives `{names[i]}` both by position and by keyword");
                if (i > tensors.Count)
                    throw new InvalidDataException($"layer `{layer}` ({className}) receives `{names[i]}` without `{names[i - 1]}`");
                tensors.AddRange(refs);
            }
        }
        else
        {
            // Attention([query, value(, key)]): one list argument, positional or `inputs=`.
            foreach (JsonElement arg in positional) tensors.AddRange(References(arg));
            if (kwargs.Remove("inputs", out JsonElement inputs)) tensors.AddRange(References(inputs));
        }
        bool causal = kwargs.Remove("use_causal_mask", out JsonElement flag) && flag.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new InvalidDataException($"layer `{layer}` ({className}) is called with use_causal_mask={flag.GetRawText()}; Keras takes a bool"),
        };
        bool nullMaskList = className != "MultiHeadAttention" && kwargs.TryGetValue("mask", out JsonElement mask) && mask.ValueKind == JsonValueKind.Array;
        CheckOptions(className, layer, kwargs, className == "MultiHeadAttention" ? ["query_mask", "value_mask", "key_mask", "attention_mask"] : ["mask"]);
        if (tensors.Count is < 2 or > 3)
            throw new InvalidDataException(
                $"layer `{layer}` ({className}) must read a query and a value, and optionally a key; the config connects {tensors.Count} tensor(s)");
        return (tensors, causal, nullMaskList);
    }

    /// <summary>Refuses a mask tensor in <paramref name="masks"/>, <c>return_attention_scores=True</c> and any keyword Keras's call does not take; <c>training</c> is free (dropout
    /// only acts in training and predictions run in inference).</summary>
    private static void CheckOptions(string className, string layer, Dictionary<string, JsonElement> kwargs, string[] masks)
    {
        foreach ((string key, JsonElement value) in kwargs)
        {
            if (key == "training") continue;
            if (masks.Contains(key))
            {
                if (References(value).Count > 0)
                    throw new NotSupportedException(
                        $"layer `{layer}` ({className}) is called with {key}=<tensor>; a mask tensor passed to the call is not supported (a Keras mask from an Embedding with mask_zero=True or a Masking layer before it is): call it without `{key}`");
                continue;
            }
            if (key == "return_attention_scores")
            {
                if (value.ValueKind is JsonValueKind.False or JsonValueKind.Null) continue;
                throw new NotSupportedException(
                    $"layer `{layer}` ({className}) is called with return_attention_scores=True (two outputs); only the attention output can be read: call it without");
            }
            throw new NotSupportedException($"layer `{layer}` ({className}) is called with the argument `{key}`={value.GetRawText()}, which CrossBackend does not know");
        }
    }

    private static List<string> References(JsonElement value)
    {
        var refs = new List<string>();
        KerasConfigReader.CollectReferences(value, refs);
        return refs;
    }

    /// <summary>A node's positional arguments and keyword arguments: Keras 3's <c>args</c> / <c>kwargs</c>; for
    /// tf.keras 2's list of references, the references (each a positional tensor) and the keyword dictionary they carry.</summary>
    private static (List<JsonElement> Positional, Dictionary<string, JsonElement> Kwargs) Split(JsonElement node)
    {
        var positional = new List<JsonElement>();
        var kwargs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (node.ValueKind == JsonValueKind.Object)
        {
            if (node.TryGetProperty("args", out JsonElement args) && args.ValueKind == JsonValueKind.Array) positional.AddRange(args.EnumerateArray());
            if (node.TryGetProperty("kwargs", out JsonElement kw) && kw.ValueKind == JsonValueKind.Object)
                foreach (JsonProperty p in kw.EnumerateObject()) kwargs[p.Name] = p.Value;
            return (positional, kwargs);
        }
        if (node.ValueKind != JsonValueKind.Array) return (positional, kwargs);
        foreach (JsonElement reference in node.EnumerateArray())
        {
            JsonElement[] items = reference.ValueKind == JsonValueKind.Array ? reference.EnumerateArray().ToArray() : [];
            if (items.Length < 3) { positional.Add(reference); continue; }
            positional.Add(JsonDocument.Parse($"[{items[0].GetRawText()}, {items[1].GetRawText()}, {items[2].GetRawText()}]").RootElement);
            if (items.Length > 3 && items[3].ValueKind == JsonValueKind.Object)
                foreach (JsonProperty p in items[3].EnumerateObject()) kwargs[p.Name] = p.Value;
        }
        return (positional, kwargs);
    }
}
