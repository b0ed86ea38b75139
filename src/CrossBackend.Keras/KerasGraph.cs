namespace CrossBackend.Keras;

/// <summary>
/// A model's architecture: its layers in an order where every layer follows its inputs, with shapes inferred in
/// Keras's channels-last layout. Read from a Keras config (<see cref="FromJson(string, string?)"/>) or built in C#
/// (<see cref="KerasArchitecture"/>); <see cref="KerasModel"/> attaches the weights.
/// </summary>
public sealed class KerasGraph
{
    private readonly Dictionary<string, KerasLayer> _byName;

    internal KerasGraph(string name, bool isSequential, IReadOnlyList<KerasLayer> layers, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        IReadOnlyList<string>? keras2Order = null, IReadOnlyList<KerasNestedModel>? nested = null, IReadOnlyDictionary<string, string>? sharedCalls = null,
        IReadOnlyList<string>? configOrder = null)
    {
        Name = name;
        ConfigOrder = configOrder;
        Nested = nested ?? [];
        SharedCalls = sharedCalls ?? new Dictionary<string, string>();
        Keras2Order = keras2Order;
        IsSequential = isSequential;
        Layers = layers;
        Inputs = inputs;
        Outputs = outputs;
        _byName = layers.ToDictionary(l => l.Name, StringComparer.Ordinal);
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>Whether the config was a Sequential model (its Keras 3 weights are numbered without the input layer).</summary>
    public bool IsSequential { get; }

    /// <summary>Every layer, each after the layers it reads.</summary>
    public IReadOnlyList<KerasLayer> Layers { get; }

    /// <summary>The input layers' names.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The output layers' names.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>The layers' names in tf.keras 2's <c>model.layers</c> order where it differs from <see cref="Layers"/>
    /// (Keras 3's): a <see cref="KerasFunctional"/> graph with a keyword attention call, which tf.keras 2 walks query
    /// first. A tf.keras 2 file matched by order follows it; null: <see cref="Layers"/>' order.</summary>
    internal IReadOnlyList<string>? Keras2Order { get; }

    /// <summary>The layers' names in the config's order, Keras's <c>model.layers</c> order that its files follow (Keras 3
    /// numbers its groups per class in it, tf.keras 2 lists <c>layer_names</c> in it), where it differs from
    /// <see cref="Layers"/>' dependency order: a shared layer that Keras lists before a layer its first call reads (it
    /// lists a layer at the depth of its deepest call, keras/src/ops/function.py <c>map_graph</c>, tf.keras 2
    /// <c>_map_graph_network</c>). Null: <see cref="Layers"/>' order.</summary>
    internal IReadOnlyList<string>? ConfigOrder { get; }

    /// <summary>The layers in Keras's <c>model.layers</c> order (<see cref="ConfigOrder"/>).</summary>
    internal IEnumerable<KerasLayer> InConfigOrder => ConfigOrder is null ? Layers : ConfigOrder.Select(n => _byName[n]);

    /// <summary>The models nested in this one (used as its layers), inlined: their layers are in <see cref="Layers"/>
    /// as <c>&lt;model&gt;/&lt;layer&gt;</c>; the files keep their weights per nested model.</summary>
    internal IReadOnlyList<KerasNestedModel> Nested { get; }

    /// <summary>A shared layer's later calls (<c>&lt;layer&gt;/call_&lt;k&gt;</c>, each a layer of <see cref="Layers"/>)
    /// mapped to its first call, which is named like the layer and owns the weights they share.</summary>
    internal IReadOnlyDictionary<string, string> SharedCalls { get; }

    /// <summary>The layer with this name; throws <see cref="KeyNotFoundException"/> naming the known layers.</summary>
    public KerasLayer this[string name] => _byName.TryGetValue(name, out KerasLayer? layer) ? layer
        : throw new KeyNotFoundException($"The model has no layer `{name}`. Layers: {string.Join(", ", Layers.Select(l => l.Name))}");

    /// <summary>Whether every layer that has variables has received them.</summary>
    public bool HasWeights => Layers.All(l => l.ExpectedWeights.Count == l.Weights.Count);

    /// <summary>Reads an architecture from a Keras config: <c>model.to_json()</c>, a Keras 2 <c>model_config</c>
    /// attribute, or a Keras 3 <c>config.json</c>.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a Keras model config, or its layers do not connect.</exception>
    /// <exception cref="NotSupportedException">A layer no engine builds (custom layers, channels_first), named in the
    /// message.</exception>
    public static KerasGraph FromJson(string json) => FromJson(json, null);

    /// <summary>Reads an architecture from a Keras config written by a known Keras version.</summary>
    /// <param name="json">The config.</param>
    /// <param name="kerasVersion">The version of the Keras that wrote it ("2.11.0", "3"), or null to take it from the
    /// config (its <c>keras_version</c>, or Keras 3's serialization keys). Two things depend on it, each refused
    /// without a version: <c>hard_sigmoid</c> (0.2x + 0.5 in Keras 2, x/6 + 1/2 in Keras 3), and a mask reaching a layer
    /// without masking support (tf.keras 2 and Keras 3 drop it, standalone Keras before 2.4 raised; see
    /// <see cref="KerasMaskRole.Drops"/>).</param>
    public static KerasGraph FromJson(string json, string? kerasVersion)
    {
        ArgumentNullException.ThrowIfNull(json);
        KerasConfigReader.Declared declared = KerasConfigReader.Read(json);
        string? version = KerasConfigReader.Major(kerasVersion) is null ? KerasConfigReader.KerasVersion(json) : kerasVersion;
        return Build(declared, version);
    }

    private static KerasGraph Build(KerasConfigReader.Declared declared, string? kerasVersion)
    {
        int? kerasMajor = KerasConfigReader.Major(kerasVersion);
        var defs = new Dictionary<string, LayerDef>(StringComparer.Ordinal);
        foreach (LayerDef def in declared.Layers)
            if (!defs.TryAdd(def.Name, def)) throw new InvalidDataException($"two layers are named `{def.Name}`");
        foreach (LayerDef def in declared.Layers)
            foreach (string source in def.Inbound)
                if (!defs.ContainsKey(source)) throw new InvalidDataException($"layer `{def.Name}` reads from `{source}`, which the model does not define");
        foreach (string name in declared.Inputs.Concat(declared.Outputs))
            if (!defs.ContainsKey(name)) throw new InvalidDataException($"the model's inputs/outputs name `{name}`, which it does not define");
        foreach (string input in declared.Inputs)
            if (defs[input].ClassName != "InputLayer") throw new NotSupportedException($"input `{input}` is not an InputLayer");

        var layers = new List<KerasLayer>();
        var done = new Dictionary<string, KerasLayer>(StringComparer.Ordinal);
        var batchIsOne = new HashSet<string>(StringComparer.Ordinal);   // layers whose batch axis has the static length 1
        // Kahn's order, stable in the config's order: every layer after its inputs (Keras writes them so already).
        var pending = new List<LayerDef>(declared.Layers);
        while (pending.Count > 0)
        {
            int index = pending.FindIndex(d => d.Inbound.All(done.ContainsKey));
            if (index < 0) throw new InvalidDataException($"the layers form a cycle or depend on missing layers: {string.Join(", ", pending.Select(d => d.Name))}");
            LayerDef def = pending[index];
            pending.RemoveAt(index);
            LayerSpec spec = def.CallSpec ?? LayerSpecParser.Parse(def.ClassName, def.Config, def.Name, def.RegisteredName, def.Module, kerasMajor);
            KerasUpSamplingRules.Check(spec, def.Name, def.ClassName, kerasVersion);
            spec = KerasDotRules.Resolve(spec, def.Name, def.ClassName, kerasVersion);
            KerasActivationRules.Check(def.Config, def.Name, def.ClassName, kerasVersion);
            // use_causal_mask is an argument of the attention layers' call, read with the call (KerasAttentionCall).
            if (def.CausalCall)
                spec = spec switch
                {
                    MultiHeadAttentionSpec m => m with { Causal = true },
                    AttentionSpec a => a with { Causal = true },
                    _ => spec,
                };
            if (def.NullMaskCall && spec is AttentionSpec nullMask) spec = nullMask with { NullMaskInCall = true };
            if (spec is InputSpec && !declared.Inputs.Contains(def.Name))
                throw new NotSupportedException($"InputLayer `{def.Name}` is not one of the model's inputs");
            if ((spec is RecurrentSpec { ReturnState: true } || spec is BidirectionalSpec { Forward.ReturnState: true }) && declared.IsSequential)
                throw new NotSupportedException(
                    $"layer `{def.Name}` ({def.ClassName}) has return_state=True in a Sequential model, where it then passes a list " +
                    "(output and final states) on; save it with return_state=False, or use a functional model that reads only its output 0");
            IReadOnlyList<long[]> inputShapes = def.Inbound.Select(n => done[n].OutputShape).ToArray();
            KerasPreprocessing.EnsureFloatInputs(spec, def.Name, def.ClassName, def.Inbound.Select(n => done[n]), def.Module);
            bool one = KerasBatchAxisOps.BatchIsOne(spec, def.Inbound.Select(batchIsOne.Contains).ToArray());
            if (def.Inbound.Count > 0) KerasBatchAxisOps.EnsureBatchKept(spec, def.Name, inputShapes[0], one);
            if (one) batchIsOne.Add(def.Name);
            long[] output = ShapeInference.Infer(spec, inputShapes, def.Name, def.ClassName);
            (KerasMaskRole role, bool masked) = KerasMasking.Plan(spec, def.ClassName, def.Name, def.Inbound.Select(n => done[n].OutputMasked).ToArray(), kerasVersion, inputShapes, output, def.Module);
            var layer = new KerasLayer(def.Name, def.ClassName, spec, def.Inbound, inputShapes, output, [], role, masked);
            done[def.Name] = layer;
            layers.Add(layer);
        }
        // Keep only what the outputs depend on (Keras ignores unused layers too), but a nested model whole: a file keeps
        // its variables as one block (tf.keras 2), so a layer feeding only an unused output still takes its share.
        IReadOnlyList<KerasNestedModel> nested = declared.Nested ?? [];
        IReadOnlyDictionary<string, string> shared = declared.SharedCalls ?? new Dictionary<string, string>();
        var owner = new Dictionary<string, KerasNestedModel>(StringComparer.Ordinal);
        foreach (KerasNestedModel model in nested) foreach (string leaf in model.Leaves()) owner[leaf] = model;
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(declared.Outputs);
        while (stack.Count > 0)
        {
            string name = stack.Pop();
            if (!needed.Add(name)) continue;
            foreach (string source in done[name].Inbound) stack.Push(source);
            if (owner.TryGetValue(name, out KerasNestedModel? whole)) foreach (string leaf in whole.Leaves()) stack.Push(leaf);
            // A shared layer's first call holds the weights (and is the layer Keras's files list).
            if (shared.TryGetValue(name, out string? first)) stack.Push(first);
        }
        foreach (string input in declared.Inputs) needed.Add(input);
        KerasLayer[] kept = layers.Where(l => needed.Contains(l.Name)).ToArray();
        string[]? order = declared.Order?.Where(needed.Contains).ToArray();
        if (order is not null && (order.Length != kept.Length || order.SequenceEqual(kept.Select(l => l.Name)))) order = null;
        return new KerasGraph(declared.Name, declared.IsSequential, kept, declared.Inputs, declared.Outputs,
            nested: nested.Where(m => m.Leaves().Any(needed.Contains)).ToArray(),
            sharedCalls: shared.Where(p => needed.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            configOrder: order);
    }

    internal KerasGraph WithWeights(IReadOnlyDictionary<string, IReadOnlyList<KerasWeight>> weights) =>
        new(Name, IsSequential, Layers.Select(l => weights.TryGetValue(l.Name, out var w) ? l.WithWeights(w) : l).ToArray(), Inputs, Outputs, Keras2Order, Nested, SharedCalls, ConfigOrder);

    /// <summary>This graph with <see cref="Keras2Order"/> set (the same layers, listed in tf.keras 2's order).</summary>
    internal KerasGraph WithKeras2Order(IReadOnlyList<string> order)
    {
        if (order.Count != Layers.Count || !order.All(_byName.ContainsKey))
            throw new InvalidOperationException($"tf.keras 2's layer order ({string.Join(", ", order)}) must list the graph's layers ({string.Join(", ", Layers.Select(l => l.Name))})");
        return new(Name, IsSequential, Layers, Inputs, Outputs, order.ToArray(), Nested, SharedCalls, ConfigOrder);
    }
}
