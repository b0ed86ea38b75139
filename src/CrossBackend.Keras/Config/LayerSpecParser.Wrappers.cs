using System.Text.Json;

namespace CrossBackend.Keras;

internal static partial class LayerSpecParser
{
    /// <summary>Inner layers <c>TimeDistributed</c> may wrap: each treats the items of a batch independently (no
    /// statistics across the batch, no state across calls), so applying it per step equals applying it once to
    /// (batch·time, …), which is what the runtimes do.</summary>
    private static readonly HashSet<string> TimeDistributable =
    [
        "Dense", "Conv1D", "Conv2D", "Flatten", "MaxPooling1D", "AveragePooling1D", "MaxPooling2D", "AveragePooling2D",
        "GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Dropout",
        "Activation", "ReLU", "LeakyReLU", "ELU",
        // Over (batch, time, depth, height, width, channels): each step a volume, run as (batch·time, d, h, w, c).
        "Conv3D", "MaxPooling3D", "AveragePooling3D", "GlobalAveragePooling3D", "GlobalMaxPooling3D",
    ];

    /// <summary>
    /// <c>Bidirectional</c> (Keras 3 keras/src/layers/rnn/bidirectional.py, tf.keras 2 keras/layers/rnn/bidirectional.py).
    /// Its config nests the wrapped layer under <c>layer</c> (tf.keras 2: the layer as given; Keras 3: the forward copy,
    /// named <c>forward_…</c>) and, when one was given (Keras 3 always writes it), the backward layer under
    /// <c>backward_layer</c>; without one, the backward layer is the wrapped layer with <c>go_backwards</c> flipped (tf.keras
    /// 2's <c>_recreate_layer_from_config</c>; Keras 3 sets it to True, the same for every layer Keras 3 accepts). Keras's
    /// own checks are repeated: different <c>go_backwards</c>, equal <c>return_sequences</c> and <c>return_state</c>.
    /// <c>merge_mode=None</c> (a list of two outputs) is refused. A mask reaches both halves as it is (see
    /// <see cref="KerasMasking"/> and <see cref="KerasWrappedLayers.Bidirectional"/>).
    /// </summary>
    private static BidirectionalSpec Bidirectional(ConfigValues c, int? kerasMajor)
    {
        // Absent: Keras's default "concat"; null: merge_mode=None.
        string mode = !c.HasKey("merge_mode") ? "concat" : c.String("merge_mode") ?? "";
        KerasBidirectionalMerge merge = mode switch
        {
            "concat" => KerasBidirectionalMerge.Concat,
            "sum" => KerasBidirectionalMerge.Sum,
            "mul" => KerasBidirectionalMerge.Mul,
            "ave" => KerasBidirectionalMerge.Ave,
            "" => throw new NotSupportedException(
                $"layer `{c.Layer}` (Bidirectional) has merge_mode=None: Keras then returns the forward and backward outputs as two tensors, " +
                "and only layers with one output are supported. Save the model with merge_mode \"concat\", \"sum\", \"mul\" or \"ave\""),
            _ => throw new InvalidDataException($"layer `{c.Layer}` (Bidirectional): merge_mode \"{mode}\" is not one of Keras's \"concat\", \"sum\", \"mul\", \"ave\" or None"),
        };
        (RecurrentSpec forward, string forwardName) = Wrapped(c, "layer", kerasMajor);
        RecurrentSpec backward;
        string backwardName;
        if (c.Has("backward_layer")) (backward, backwardName) = Wrapped(c, "backward_layer", kerasMajor);
        else (backward, backwardName) = (forward with { GoBackwards = !forward.GoBackwards }, forwardName);
        if (forward.GoBackwards == backward.GoBackwards)
            throw new InvalidDataException(
                $"layer `{c.Layer}` (Bidirectional): the forward and backward layers both have go_backwards={forward.GoBackwards.ToString().ToLowerInvariant()}; " +
                "Keras requires different values (it raises the same ValueError)");
        if (forward.ReturnSequences != backward.ReturnSequences || forward.ReturnState != backward.ReturnState)
            throw new InvalidDataException(
                $"layer `{c.Layer}` (Bidirectional): the forward and backward layers differ in return_sequences or return_state; Keras requires equal values");
        return new BidirectionalSpec(forward, backward, merge, Prefixed("forward_", forwardName), Prefixed("backward_", backwardName));
    }

    /// <summary>Keras's wrapper naming: <c>prefix + removeprefix(name, prefix)</c> (Keras 3), the same as tf.keras 2's
    /// <c>prefix + name</c> for names that do not already carry it.</summary>
    private static string Prefixed(string prefix, string name) => name.StartsWith(prefix, StringComparison.Ordinal) ? name : prefix + name;

    /// <summary>The LSTM / GRU / SimpleRNN nested under <paramref name="key"/>; other layers are refused by class.</summary>
    private static (RecurrentSpec Spec, string Name) Wrapped(ConfigValues c, string key, int? kerasMajor)
    {
        (string className, JsonElement config, string name, string? registered, string? module) = Nested(c, key, "Bidirectional");
        if (className is not ("LSTM" or "GRU" or "SimpleRNN"))
            throw new NotSupportedException(
                $"layer `{c.Layer}` (Bidirectional) wraps a {className} layer as its {key}; only LSTM, GRU and SimpleRNN can be wrapped (custom RNN cells " +
                "and ConvLSTM layers are not supported)");
        var spec = (RecurrentSpec)Parse(className, config, $"{c.Layer}/{name}", registered, module, kerasMajor);
        return (spec, name);
    }

    /// <summary>
    /// <c>TimeDistributed(layer)</c> (Keras 3 keras/src/layers/rnn/time_distributed.py, tf.keras 2
    /// keras/layers/rnn/time_distributed.py): the inner layer's config is nested under <c>layer</c>. Only the inner
    /// layers in <see cref="TimeDistributable"/> are accepted; others (recurrent layers, normalisations, wrappers, merges)
    /// are refused by class rather than guessed.
    /// </summary>
    private static TimeDistributedSpec TimeDistributed(ConfigValues c, int? kerasMajor)
    {
        (string className, JsonElement config, string name, string? registered, string? module) = Nested(c, "layer", "TimeDistributed");
        if (!TimeDistributable.Contains(className))
            throw new NotSupportedException(
                $"layer `{c.Layer}` (TimeDistributed) wraps a {className} layer, which is not supported inside TimeDistributed; supported inner layers: " +
                $"{string.Join(", ", TimeDistributable)}. A Dense inner layer can also be written as a plain Dense, which Keras applies to the last axis of any rank");
        return new TimeDistributedSpec(Parse(className, config, $"{c.Layer}/{name}", registered, module, kerasMajor), className, name);
    }

    /// <summary>A nested layer entry: <c>{"class_name", "config"}</c> (tf.keras 2) or Keras 3's serialized object
    /// (<c>module</c>, <c>class_name</c>, <c>config</c>, <c>registered_name</c>).</summary>
    private static (string ClassName, JsonElement Config, string Name, string? Registered, string? Module) Nested(ConfigValues c, string key, string wrapper)
    {
        if (!c.Has(key)) throw new InvalidDataException($"layer `{c.Layer}` ({wrapper}): the config has no `{key}` (the wrapped layer)");
        JsonElement entry = c.Raw(key);
        if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("class_name", out var cls) || cls.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"layer `{c.Layer}` ({wrapper}): `{key}` must be a layer object with a class_name");
        JsonElement config = entry.TryGetProperty("config", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner
            : throw new InvalidDataException($"layer `{c.Layer}` ({wrapper}): `{key}` has no config");
        string name = config.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : KerasModel.SnakeCase(cls.GetString()!);
        string? registered = entry.TryGetProperty("registered_name", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        string? module = entry.TryGetProperty("module", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return (cls.GetString()!, config, name, registered, module);
    }
}
