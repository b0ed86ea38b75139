using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>One layer as the config declares it, before shapes and weights; <c>CausalCall</c>: an attention layer called
/// with <c>use_causal_mask=True</c> (a call argument, not in its config); <c>NullMaskCall</c>: an Attention /
/// AdditiveAttention call recording <c>mask</c> as a list of nulls (<see cref="AttentionSpec.NullMaskInCall"/>);
/// <c>SharedOf</c>: for one call of a layer called several times (a shared layer), the layer's name, the call being
/// <c>Call</c> (its node index; <see cref="KerasConfigReader.CallName"/> names it). <c>CallSpec</c>: the spec of a
/// layer whose settings are its call's arguments (tf.keras 2's TFOpLambda, read by <see cref="KerasOpLambdaCall"/>; a Keras 3
/// functional op, read by <see cref="KerasOpsCall"/>), null for the others.</summary>
internal sealed record LayerDef(string Name, string ClassName, JsonElement Config, IReadOnlyList<string> Inbound, string? RegisteredName, string? Module,
    bool CausalCall = false, bool NullMaskCall = false, string? SharedOf = null, int Call = 0, LayerSpec? CallSpec = null);

/// <summary>
/// Reads a model config — Keras 2's <c>model_config</c> / <c>model.to_json()</c> or Keras 3's <c>config.json</c> —
/// into layer declarations. Both Sequential and functional (Functional / Model) configs are read; inbound
/// connections come from Keras 2's nested lists (<c>[[["conv2d", 0, 0, {}]]]</c>) or Keras 3's
/// <c>{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": [...]}}]}</c>.
/// </summary>
internal static class KerasConfigReader
{
    /// <summary>A model as read: its layers, inputs and outputs (after <see cref="KerasNestedModels.Inline"/>, nested
    /// models expanded and listed in <paramref name="Nested"/>, and each later call of a shared layer mapped to the
    /// layer's first call in <paramref name="SharedCalls"/>, and the layers' names in the config's order — Keras's
    /// <c>model.layers</c> order — in <paramref name="Order"/>, where <paramref name="Layers"/> is in dependency order).</summary>
    public sealed record Declared(string Name, bool IsSequential, List<LayerDef> Layers, List<string> Inputs, List<string> Outputs,
        IReadOnlyList<KerasNestedModel>? Nested = null, IReadOnlyDictionary<string, string>? SharedCalls = null, IReadOnlyList<string>? Order = null);

    /// <summary>Separates the parts of a tensor reference other than <c>[layer, 0, 0]</c> in a <see cref="LayerDef.Inbound"/>
    /// entry until <see cref="KerasNestedModels.Inline"/> resolves it (a nested model's output k); not a character
    /// Keras allows in a layer name.</summary>
    private const char ReferenceSeparator = '\u001F';

    /// <summary>The graph name of call <paramref name="call"/> of a shared layer: the layer's own name for its first call
    /// (node 0), <c>&lt;layer&gt;/call_&lt;k&gt;</c> for the others (Keras forbids <c>/</c> in layer names, so no layer
    /// of the model has it).</summary>
    internal static string CallName(string layer, int call) => call == 0 ? layer : $"{layer}/call_{call}";

    /// <summary>A tensor reference as an inbound entry: the layer's name for <c>[layer, 0, 0]</c>.</summary>
    internal static string Reference(string layer, int node, int tensor) =>
        node == 0 && tensor == 0 ? layer : $"{layer}{ReferenceSeparator}{node}{ReferenceSeparator}{tensor}";

    /// <summary>The parts of an inbound entry written by <see cref="Reference"/>.</summary>
    internal static (string Layer, int Node, int Tensor) ParseReference(string reference)
    {
        string[] parts = reference.Split(ReferenceSeparator);
        return parts.Length == 3 ? (parts[0], int.Parse(parts[1]), int.Parse(parts[2])) : (reference, 0, 0);
    }

    /// <summary>The major version of the Keras that wrote a model config, from the config alone: its top-level
    /// <c>keras_version</c> (tf.keras's <c>model.to_json()</c>), else 3 when the top level carries Keras 3's
    /// serialization keys (<c>module</c>: <c>{"module": "keras", "class_name": "Sequential", …}</c>, which neither
    /// tf.keras's <c>to_json</c> nor its <c>.h5</c> <c>model_config</c> writes); null when the config does not say.</summary>
    public static int? KerasMajor(string json) => Major(KerasVersion(json));

    /// <summary>The version of the Keras that wrote a model config, from the config alone (see <see cref="KerasMajor"/>):
    /// its <c>keras_version</c>, "3" for Keras 3's serialization keys, null when the config does not say.</summary>
    public static string? KerasVersion(string json)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (root.TryGetProperty("keras_version", out var v) && v.ValueKind == JsonValueKind.String) return v.GetString();
            return root.TryGetProperty("module", out _) ? "3" : null;
        }
        catch (JsonException) { return null; }   // Read reports the bad JSON
    }

    /// <summary>The major of a version string ("2.11.0" → 2, "3.3.3" → 3); null when it does not start with a number.</summary>
    public static int? Major(string? version)
    {
        if (version is null) return null;
        int dot = version.IndexOf('.');
        return int.TryParse(dot < 0 ? version : version[..dot], out int major) ? major : null;
    }

    /// <summary>Whether a Keras 3 version is <paramref name="minor"/> or later, for a change first released in 3.<paramref name="minor"/>:
    /// null when the version does not decide it (not Keras 3, a bare "3", or a development build of 3.<paramref name="minor"/>,
    /// which may predate the change).</summary>
    internal static bool? Keras3AtLeast(string? version, int minor)
    {
        if (Major(version) != 3 || Minor(version) is not int m) return null;
        if (m == minor && version!.Contains("dev", StringComparison.OrdinalIgnoreCase)) return null;
        return m >= minor;
    }

    /// <summary>The minor of a version string ("2.11.0" → 11, "3.4.0.dev2024" → 4); null when there is no number after
    /// the first dot. The version-dependent rules read it beside <see cref="Major"/>.</summary>
    internal static int? Minor(string? version)
    {
        string[] parts = version?.Split('.') ?? [];
        return parts.Length > 1 && int.TryParse(parts[1], out int minor) ? minor : null;
    }

    /// <summary>A writer's version given through the API (an architecture written in C#): null, or one <see cref="Major"/>
    /// reads — the same test every version-dependent rule applies; anything else throws, since the rules would take it
    /// for an unknown writer and refuse later with a misleading reason.</summary>
    /// <exception cref="ArgumentException">The version does not start with a number, naming <paramref name="parameter"/>.</exception>
    public static string? CheckedVersion(string? version, string parameter) =>
        version is null || Major(version) is not null ? version : throw new ArgumentException(
            $"Argument `{parameter}` is \"{version}\", which is not a Keras version: give the writer's version as Keras records it " +
            "(keras.__version__, e.g. \"2.11.0\", \"2.2.4-tf\" or \"3.6.0\"), or null when it is unknown", parameter);

    public static Declared Read(string json)
    {
        JsonElement root;
        try { root = JsonDocument.Parse(json).RootElement; }
        catch (JsonException e) { throw new InvalidDataException($"the model config is not valid JSON ({e.Message})", e); }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("class_name", out var cls) || cls.ValueKind != JsonValueKind.String)
            throw new InvalidDataException("the model config has no `class_name`: expected {\"class_name\": \"Sequential\" | \"Functional\", \"config\": {...}}");
        string className = cls.GetString()!;
        JsonElement config = root.TryGetProperty("config", out var c) ? c : throw new InvalidDataException("the model config has no `config`");
        return className switch
        {
            "Sequential" or "Functional" or "Model" => KerasNestedModels.Inline(ReadModel(className, config, nested: false)),
            _ => throw new NotSupportedException(
                $"the model is a `{className}`: only Sequential and functional (Functional / Model) models can be ported; " +
                "a subclassed model has no saved architecture, so rebuild it with KerasArchitecture and load its weights file"),
        };
    }

    /// <summary>A Sequential or functional model's config, its nested models not yet expanded.</summary>
    /// <param name="className"><c>Sequential</c>, <c>Functional</c> or <c>Model</c>.</param>
    /// <param name="config">The model's <c>config</c>.</param>
    /// <param name="nested">A model used as a layer: its input shape may be missing (a Sequential built when the outer
    /// model called it), since its call gives the shape.</param>
    internal static Declared ReadModel(string className, JsonElement config, bool nested) =>
        className == "Sequential" ? Sequential(config, nested) : Functional(config);

    private static string ModelName(JsonElement config, string fallback) =>
        config.ValueKind == JsonValueKind.Object && config.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : fallback;

    private static Declared Sequential(JsonElement config, bool nested)
    {
        // Keras 2.2 wrote the layer list directly as `config`; later versions under config.layers.
        JsonElement layers = config.ValueKind == JsonValueKind.Array ? config
            : config.TryGetProperty("layers", out var l) ? l : throw new InvalidDataException("the Sequential config has no `layers`");
        var defs = new List<LayerDef>();
        string? previous = null;
        foreach (JsonElement entry in layers.EnumerateArray())
        {
            (string className, JsonElement layerConfig, string name, string? registered, string? module) = Entry(entry, defs.Count);
            if (previous is null && className != "InputLayer")
            {
                // No InputLayer: the first layer carries the input shape (Keras 2), or the model its build shape (Keras 3).
                JsonElement? shape = layerConfig.ValueKind == JsonValueKind.Object && layerConfig.TryGetProperty("batch_input_shape", out var b) ? b
                    : config.ValueKind == JsonValueKind.Object && config.TryGetProperty("build_input_shape", out var bi) && bi.ValueKind == JsonValueKind.Array ? bi
                    : KerasNestedModels.IsModel(className) ? NestedInputShape(className, layerConfig)
                    : null;
                if (shape is null && nested) shape = JsonDocument.Parse("null").RootElement;   // the call gives it
                if (shape is null)
                    throw new InvalidDataException("the Sequential model declares no input shape (no InputLayer, no batch_input_shape): it was never built");
                string inputName = $"{name}_input";
                defs.Add(new LayerDef(inputName, "InputLayer", JsonDocument.Parse($"{{\"batch_input_shape\": {shape.Value.GetRawText()}, \"name\": \"{inputName}\"}}").RootElement, [], null, null));
                previous = inputName;
            }
            defs.Add(new LayerDef(name, className, layerConfig, previous is null ? [] : [previous], registered, module));
            previous = name;
        }
        if (defs.Count == 0) throw new InvalidDataException("the Sequential model has no layers");
        return new Declared(ModelName(config, "sequential"), true, defs, [defs[0].Name], [defs[^1].Name]);
    }

    private static Declared Functional(JsonElement config)
    {
        if (!config.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException("the functional model config has no `layers` list");
        var defs = new List<LayerDef>();
        foreach (JsonElement entry in layers.EnumerateArray())
        {
            (string className, JsonElement layerConfig, string name, string? registered, string? module) = Entry(entry, defs.Count);
            JsonElement[] calls = entry.TryGetProperty("inbound_nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array ? nodes.EnumerateArray().ToArray() : [];
            if (calls.Length == 0) { defs.Add(new LayerDef(name, className, layerConfig, [], registered, module)); continue; }
            // A layer or nested model called several times (shared): one definition per call (node), each reading that
            // call's tensors; the calls share the layer's weights (KerasModel).
            for (int call = 0; call < calls.Length; call++)
            {
                var inbound = new List<string>();
                bool causal = false, nullMask = false;
                LayerSpec? callSpec = null;
                if (CalledInTraining(calls[call]))
                    throw new NotSupportedException(
                        $"layer `{name}` ({className}) is called with training=True{(calls.Length > 1 ? $" (call {call})" : "")}, so Keras's predict runs it as in training " +
                        "(BatchNormalization with the batch's own statistics, dropout and noise layers at random, in a nested model too); " +
                        "only inference is ported: call it without training=True (or with training=False) and save the model again");
                // A Keras 3 op first: its class name can be a layer's (Multiply, Concatenate, Softmax), its module cannot.
                if (KerasOpsCall.Handles(module)) (inbound, callSpec) = KerasOpsCall.Read(className, module!, name, layerConfig, calls[call]);
                else if (KerasAttentionCall.Handles(className)) (inbound, causal, nullMask) = KerasAttentionCall.Read(className, name, calls[call]);
                else if (KerasOpLambdaCall.Handles(className)) (inbound, callSpec) = KerasOpLambdaCall.Read(className, name, layerConfig, calls[call]);
                else CollectReferences(calls[call], inbound);
                defs.Add(new LayerDef(CallName(name, call), className, layerConfig, inbound, registered, module, causal, nullMask,
                    calls.Length > 1 ? name : null, call, callSpec));
            }
        }
        List<string> inputs = config.TryGetProperty("input_layers", out var ins) ? KerasEndpoints.Read(ins, "input_layers") : [];
        List<string> outputs = config.TryGetProperty("output_layers", out var outs) ? KerasEndpoints.Read(outs, "output_layers") : [];
        if (inputs.Count == 0 || outputs.Count == 0)
            throw new InvalidDataException("the functional model config has no `input_layers` / `output_layers`");
        if (inputs.Distinct(StringComparer.Ordinal).Count() != inputs.Count)
            throw new InvalidDataException($"the functional model config lists an input twice: {string.Join(", ", inputs)}");
        return new Declared(ModelName(config, "model"), false, defs, inputs, outputs);
    }

    /// <summary>The batch input shape of a nested model that is the first layer of a Sequential without an InputLayer:
    /// its first input's (a Sequential's first layer's or InputLayer's, a functional model's first input layer's).</summary>
    private static JsonElement? NestedInputShape(string className, JsonElement config)
    {
        Declared inner;
        try { inner = ReadModel(className, config, nested: true); }
        catch (InvalidDataException) { return null; }
        LayerDef input = inner.Layers.First(d => d.Name == inner.Inputs[0]);
        if (input.Config.ValueKind != JsonValueKind.Object) return null;
        foreach (string key in new[] { "batch_input_shape", "batch_shape" })
            if (input.Config.TryGetProperty(key, out JsonElement shape) && shape.ValueKind == JsonValueKind.Array) return shape;
        return null;
    }

    private static (string ClassName, JsonElement Config, string Name, string? Registered, string? Module) Entry(JsonElement entry, int index)
    {
        if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("class_name", out var cls) || cls.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"layer #{index} in the model config has no `class_name`");
        JsonElement config = entry.TryGetProperty("config", out var c) ? c : default;
        string? name = entry.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()
            : config.ValueKind == JsonValueKind.Object && config.TryGetProperty("name", out var cn) && cn.ValueKind == JsonValueKind.String ? cn.GetString()
            : null;
        string? registered = entry.TryGetProperty("registered_name", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        string? module = entry.TryGetProperty("module", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return (cls.GetString()!, config, name ?? throw new InvalidDataException($"layer #{index} ({cls.GetString()}) has no name"), registered, module);
    }

    /// <summary>Whether a call (one entry of <c>inbound_nodes</c>) passes <c>training=True</c>: tf.keras 2 writes the call's
    /// keywords as the fourth item of each inbound reference (<c>["x", 1, 0, {"training": true}]</c>), Keras 3 in the
    /// node's <c>kwargs</c>. Keras records only a value the user passed (keras/src/layers/layer.py fills a missing one
    /// from the signature's default, False, or the outer call's; tf.keras 2 drops one it filled in).</summary>
    private static bool CalledInTraining(JsonElement call)
    {
        static bool True(JsonElement kwargs) =>
            kwargs.ValueKind == JsonValueKind.Object && kwargs.TryGetProperty("training", out JsonElement t) && t.ValueKind == JsonValueKind.True;
        if (call.ValueKind == JsonValueKind.Object) return call.TryGetProperty("kwargs", out JsonElement kwargs) && True(kwargs);
        return call.ValueKind == JsonValueKind.Array && call.EnumerateArray()
            .Any(r => r.ValueKind == JsonValueKind.Array && r.GetArrayLength() >= 4 && True(r[3]));
    }

    /// <summary>Every tensor reference in a structure, in order: Keras 3 <c>__keras_tensor__</c> objects (their
    /// <c>keras_history</c>) or Keras 2 <c>[layer, node, tensor(, kwargs)]</c> lists, nested in lists and dicts.</summary>
    internal static void CollectReferences(JsonElement value, List<string> into)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (value.TryGetProperty("class_name", out var cls) && cls.ValueKind == JsonValueKind.String && cls.GetString() == "__keras_tensor__")
                {
                    if (value.TryGetProperty("config", out var cfg) && cfg.TryGetProperty("keras_history", out var history)) CollectReferences(history, into);
                    return;
                }
                // Keras 3 nodes: {"args": [...], "kwargs": {...}}; only args carry the inputs (kwargs hold e.g. training=False).
                if (value.TryGetProperty("args", out var args)) { CollectReferences(args, into); return; }
                foreach (JsonProperty p in value.EnumerateObject()) CollectReferences(p.Value, into);
                return;
            case JsonValueKind.Array:
                JsonElement[] items = value.EnumerateArray().ToArray();
                if (items.Length >= 3 && items[0].ValueKind == JsonValueKind.String && items[1].ValueKind == JsonValueKind.Number && items[2].ValueKind == JsonValueKind.Number)
                {
                    // Output k of a layer: resolved (a nested model's) or refused by KerasNestedModels.Inline.
                    into.Add(Reference(items[0].GetString()!, items[1].GetInt32(), items[2].GetInt32()));
                    return;
                }
                foreach (JsonElement item in items) CollectReferences(item, into);
                return;
        }
    }
}
