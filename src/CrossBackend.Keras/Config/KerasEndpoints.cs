using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>
/// A functional config's <c>input_layers</c> / <c>output_layers</c>, in the order Keras's <c>model.inputs</c> /
/// <c>model.outputs</c> list them. tf.keras 2 (keras/engine/functional.py <c>get_network_config</c>) writes a list of
/// <c>[layer, node, tensor]</c> references, a list of one for a single input; Keras 3 (keras/src/models/functional.py
/// <c>get_config</c>: <c>tree.map_structure</c> over the structure the model was built with) writes that structure
/// itself: one flat reference <c>["in", 0, 0]</c> for a lone tensor, a list of references for a list, a dict of them
/// for a dict. Keras's <c>tree.flatten</c> (and tf.nest) list a dict's values in sorted key order, so a dict is read so.
/// </summary>
internal static class KerasEndpoints
{
    /// <summary>The layer names referenced by <paramref name="value"/> (the config key <paramref name="key"/>), in order.</summary>
    /// <exception cref="InvalidDataException">Something other than references, lists and dicts of them.</exception>
    public static List<string> Read(JsonElement value, string key)
    {
        var names = new List<string>();
        Collect(value, key, names);
        return names;
    }

    private static void Collect(JsonElement value, string key, List<string> into)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array when IsReference(value):
                // A layer with several outputs (tensor index > 0) is refused as everywhere else in the graph.
                KerasConfigReader.CollectReferences(value, into);
                return;
            case JsonValueKind.Array:
                foreach (JsonElement item in value.EnumerateArray()) Collect(item, key, into);
                return;
            case JsonValueKind.Object:
                foreach (JsonProperty p in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)) Collect(p.Value, key, into);
                return;
            default:
                throw new InvalidDataException($"the functional model config's `{key}` holds {value.GetRawText()}, not [layer, node, tensor] references");
        }
    }

    /// <summary>A <c>[layer name, node index, tensor index]</c> triple.</summary>
    private static bool IsReference(JsonElement value)
    {
        if (value.GetArrayLength() != 3) return false;
        JsonElement[] items = value.EnumerateArray().ToArray();
        return items[0].ValueKind == JsonValueKind.String && items[1].ValueKind == JsonValueKind.Number && items[2].ValueKind == JsonValueKind.Number;
    }
}
