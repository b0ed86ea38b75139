using System.Text.Json.Nodes;

namespace CrossBackend.Keras;

/// <summary>
/// Builds a functional architecture in C# (Keras's <c>keras.Model(inputs, outputs)</c>) for weights-only files:
/// several inputs and outputs, branches, merges and the attention layers. Single-input layers come from the
/// <see cref="KerasArchitecture"/> builder methods through <see cref="Apply"/>; the layers that read several tensors
/// have methods here. Layers are named as a fresh Keras session names them, one counter per class shared by every
/// layer of the model (<c>dense</c>, <c>dense_1</c>, …; a <c>MultiHeadAttention</c> also takes a <c>softmax</c> and a
/// <c>dropout</c> name for the sub-layers Keras makes at its first call), in the order the builder methods are called —
/// Keras names a layer when it is made, so call them in the order the Python code made its layers, or pass
/// <c>name</c> where the Python code did.
/// <see cref="Build"/> lists the layers in Keras's own order (<c>model.layers</c>: deepest first, then in the walk
/// from the outputs), which is the order Keras 3 numbers its weight groups by, so both Keras 2 <c>.h5</c> files (by
/// layer name) and Keras 3 <c>.weights.h5</c> files (<c>layers/dense</c>, <c>layers/multi_head_attention</c>, … by
/// class) load into it.
/// </summary>
/// <example>
/// <code>
/// KerasFunctional f = KerasArchitecture.Functional();
/// KerasSymbol query = f.Input([-1, 6], name: "query"), value = f.Input([-1, 4], name: "value");
/// KerasSymbol att = f.MultiHeadAttention(numHeads: 2, keyDim: 3, query, value);
/// KerasSymbol sum = f.Add([att, query]);
/// KerasSymbol head = f.Apply(l => l.Dense(3, activation: "softmax"), sum);
/// KerasGraph graph = f.Build(outputs: [sum, head]);          // inputs: [query, value], the order they were made in
/// KerasModel model = KerasModel.Load("model.weights.h5", graph);
/// </code>
/// </example>
public sealed class KerasFunctional
{
    /// <summary>One layer: its config entry (<c>class_name</c>, <c>name</c>, <c>config</c>, <c>inbound_nodes</c>) and the
    /// layers it reads in Keras 3's flattened call order (<see cref="KerasLayerOrder"/>), and in tf.keras 2's, which
    /// records a call's first argument apart and so differs for a keyword call (<c>mha(query=q, value=v, key=k)</c>:
    /// q, k, v where Keras 3 has k, q, v).</summary>
    private sealed record Node(JsonObject Entry, IReadOnlyList<string> Parents, IReadOnlyList<string> Keras2Parents);

    private readonly string _name;
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly List<KerasSymbol> _inputs = [];
    private int _inputCount;

    internal KerasFunctional(string name) => _name = name;

    /// <summary><c>keras.Input(shape, dtype, name)</c>: a model input.</summary>
    /// <param name="shape">The shape without the batch axis, channels last (−1 for a length known only at predict time).</param>
    /// <param name="dtype">"float32", or "int32" for an <c>Embedding</c> input.</param>
    /// <param name="name">The input's name; null gives tf.keras 2's <c>input_1</c>, <c>input_2</c>, ….</param>
    public KerasSymbol Input(long[] shape, string dtype = "float32", string? name = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0) throw new ArgumentException("Argument `shape` must have at least one axis (the batch axis is implied). Received: ()", nameof(shape));
        name ??= $"input_{++_inputCount}";
        var config = new JsonObject
        {
            ["batch_input_shape"] = new JsonArray([null, .. shape.Select(v => v < 0 ? null : (JsonNode)v)]),
            ["dtype"] = dtype,
            ["name"] = name,
        };
        KerasSymbol input = Add("InputLayer", config, [], [], nameof(name));
        _inputs.Add(input);
        return input;
    }

    /// <summary>Applies single-input layers made by the <see cref="KerasArchitecture"/> builder methods to
    /// <paramref name="input"/>: <c>f.Apply(l => l.Dense(3, activation: "softmax"), x)</c> is Keras's
    /// <c>Dense(3, activation="softmax")(x)</c>. Several layers chain (<c>l => l.Conv2D(8, 3).MaxPooling2D()</c>).</summary>
    /// <param name="layers">Adds one layer or more to the <see cref="KerasArchitecture"/> it is given and returns it.</param>
    /// <param name="input">The tensor the first layer reads.</param>
    /// <returns>The last layer's output.</returns>
    /// <exception cref="ArgumentException">No layer added, another architecture returned, a symbol of another builder,
    /// or a layer name already taken (in the model or earlier in the chain); the builder is then left as it was, none
    /// of the layers recorded and their automatic numbers free again.</exception>
    public KerasSymbol Apply(Func<KerasArchitecture, KerasArchitecture> layers, KerasSymbol input)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Check(input, nameof(input));
        // A refused call changes nothing: the numbers its layers took are given back, and no layer is recorded
        // before every name in the chain is known to be free.
        var countsBefore = new Dictionary<string, int>(_counts, StringComparer.Ordinal);
        JsonObject[] made;
        try { made = MakeLayers(layers); }
        catch
        {
            _counts.Clear();
            foreach ((string className, int count) in countsBefore) _counts[className] = count;
            throw;
        }
        KerasSymbol current = input;
        foreach (JsonObject layer in made)
        {
            string className = layer["class_name"]!.GetValue<string>();
            current = Add(className, layer["config"]!.AsObject().DeepClone().AsObject(), [Reference(current)], [current.Name], nameof(layers));
        }
        return current;
    }

    /// <summary>The layers <paramref name="layers"/> adds to a factory, checked: it returned that factory, added one
    /// layer or more, and every name is free (in the model and along the chain).</summary>
    private JsonObject[] MakeLayers(Func<KerasArchitecture, KerasArchitecture> layers)
    {
        KerasArchitecture factory = KerasArchitecture.LayerFactory(_counts);
        KerasArchitecture returned;
        JsonObject[] made;
        try { returned = layers(factory); }
        finally { made = factory.TakeLayers(); }
        if (!ReferenceEquals(returned, factory))
            throw new ArgumentException(
                "Argument `layers` must return the KerasArchitecture it is given, with the layers added (l => l.Dense(3)); it returned another one", nameof(layers));
        if (made.Length == 0)
            throw new ArgumentException("Argument `layers` added no layer: call a KerasArchitecture builder method on its argument (l => l.Dense(3))", nameof(layers));
        var chain = new Dictionary<string, string>(StringComparer.Ordinal);   // name -> class, of the layers made so far
        foreach (JsonObject layer in made)
        {
            string className = layer["class_name"]!.GetValue<string>(), name = layer["config"]!["name"]!.GetValue<string>();
            if (_nodes.ContainsKey(name)) throw NameTaken(name, ClassOf(name), className, nameof(layers));
            if (!chain.TryAdd(name, className)) throw NameTaken(name, chain[name], className, nameof(layers));
        }
        return made;
    }

    /// <summary><c>Add()(inputs)</c>: the sum, inputs of a lower rank expanded after the batch axis as Keras does.</summary>
    /// <param name="inputs">One tensor or more.</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol Add(KerasSymbol[] inputs, string? name = null) => Merge("Add", inputs, name);

    /// <summary><c>Subtract()([a, b])</c>: a − b.</summary>
    /// <param name="inputs">Exactly two tensors.</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol Subtract(KerasSymbol[] inputs, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != 2)
            throw new ArgumentException($"Argument `inputs` of Subtract must hold exactly 2 tensors (a − b), as Keras requires. Received: {inputs.Length}", nameof(inputs));
        return Merge("Subtract", inputs, name);
    }

    /// <summary><c>Multiply()(inputs)</c>: the element-wise product.</summary>
    /// <param name="inputs">One tensor or more.</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol Multiply(KerasSymbol[] inputs, string? name = null) => Merge("Multiply", inputs, name);

    /// <summary><c>Average()(inputs)</c>: the element-wise mean.</summary>
    /// <param name="inputs">One tensor or more.</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol Average(KerasSymbol[] inputs, string? name = null) => Merge("Average", inputs, name);

    /// <summary><c>Maximum()(inputs)</c>: the element-wise maximum.</summary>
    /// <param name="inputs">One tensor or more.</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol Maximum(KerasSymbol[] inputs, string? name = null) => Merge("Maximum", inputs, name);

    /// <summary><c>Minimum()(inputs)</c>: the element-wise minimum.</summary>
    /// <param name="inputs">One tensor or more.</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol Minimum(KerasSymbol[] inputs, string? name = null) => Merge("Minimum", inputs, name);

    /// <summary><c>Concatenate(axis)(inputs)</c>: inputs of one rank joined along <paramref name="axis"/>.</summary>
    /// <param name="inputs">One tensor or more.</param>
    /// <param name="axis">The axis, counting the batch axis as 0 (−1: the channels, Keras's default).</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol Concatenate(KerasSymbol[] inputs, int axis = -1, string? name = null) =>
        Merge("Concatenate", inputs, name, new JsonObject { ["axis"] = axis });

    /// <summary><c>Dot(axes, normalize)([x, y])</c>: the batch-wise dot product along one axis of each input (batch
    /// counted as 0, negative from the end of each), x's other axes then y's ((batch, 1) when none is left).</summary>
    /// <param name="inputs">Exactly two tensors.</param>
    /// <param name="axes">The dot axis of x and of y.</param>
    /// <param name="normalize">L2-normalise each input along its dot axis first (the cosine); its form depends on the
    /// Keras version given to <see cref="Build"/> (tf.keras 2 or Keras 3.6+).</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol Dot(KerasSymbol[] inputs, (int X, int Y) axes, bool normalize = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != 2)
            throw new ArgumentException($"Argument `inputs` of Dot must hold exactly 2 tensors, as Keras requires. Received: {inputs.Length}", nameof(inputs));
        return Merge("Dot", inputs, name, new JsonObject { ["axes"] = new JsonArray(axes.X, axes.Y), ["normalize"] = normalize });
    }

    /// <summary><c>MultiHeadAttention(num_heads, key_dim, value_dim, use_bias, output_shape)(query, value, key,
    /// use_causal_mask)</c> over (batch, steps, features) tensors; the key is the value when null.</summary>
    /// <param name="numHeads">The number of heads.</param>
    /// <param name="keyDim">Each head's query and key width.</param>
    /// <param name="query">The query tensor.</param>
    /// <param name="value">The value tensor.</param>
    /// <param name="key">The key tensor; null: the value.</param>
    /// <param name="valueDim">Each head's value width; null: <paramref name="keyDim"/>.</param>
    /// <param name="useBias">Whether the four projections have biases.</param>
    /// <param name="outputShape">The output features; null: the query's.</param>
    /// <param name="useCausalMask">The call's <c>use_causal_mask</c>: query step i reads key steps j ≤ i only.</param>
    /// <param name="byKeyword">Whether the Python code passes the tensors by keyword (<c>mha(query=q, value=v, key=k)</c>)
    /// rather than by position (<c>mha(q, v, k)</c>). Keras 3 walks a keyword call's tensors in sorted-name order (key,
    /// query, value), which can change the order of the layers that make them, and so their per-class weight group
    /// names in a Keras 3 file; the numbers are the same. Keras flattens positional arguments first, then keywords by
    /// name: <c>mha(q, v, key=k)</c> walks as the positional call (false), while <c>mha(q, value=v, key=k)</c> walks
    /// q, k, v in Keras 3, which neither setting gives: its Keras 3 file may number equal-depth branches of one
    /// class otherwise than this graph (a refused shape or, with equal shapes, swapped weights); its tf.keras 2
    /// <c>.h5</c> matched by name is unaffected.</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol MultiHeadAttention(int numHeads, int keyDim, KerasSymbol query, KerasSymbol value, KerasSymbol? key = null, int? valueDim = null,
        bool useBias = true, int? outputShape = null, bool useCausalMask = false, bool byKeyword = false, string? name = null)
    {
        Check(query, nameof(query));
        Check(value, nameof(value));
        if (key is not null) Check(key, nameof(key));
        var config = new JsonObject
        {
            ["name"] = name ?? KerasArchitecture.NextName(_counts, "MultiHeadAttention"),
            ["num_heads"] = numHeads, ["key_dim"] = keyDim, ["value_dim"] = valueDim, ["dropout"] = 0.0, ["use_bias"] = useBias,
            ["output_shape"] = outputShape, ["attention_axes"] = null,
        };
        // Keras makes the scores' Softmax and Dropout at the layer's first call, unnamed (keras/src/layers/attention/
        // multi_head_attention.py _build_attention; tf.keras 2's the same): they take the next names of their classes.
        KerasArchitecture.NextName(_counts, "Softmax");
        KerasArchitecture.NextName(_counts, "Dropout");
        // tf.keras 2's serialization (keras/engine/node.py Node.serialize): the query is the inbound reference, every
        // other argument a keyword on it — what KerasAttentionCall reads.
        var keywords = new JsonObject { ["value"] = new JsonArray(value.Name, 0, 0) };   // a keyword tensor: [layer, node, tensor]
        if (key is not null) keywords["key"] = new JsonArray(key.Name, 0, 0);
        if (useCausalMask) keywords["use_causal_mask"] = true;
        string[] parents = byKeyword
            ? (key is null ? [query.Name, value.Name] : [key.Name, query.Name, value.Name])   // tree.flatten of the kwargs dict: sorted keys
            : (key is null ? [query.Name, value.Name] : [query.Name, value.Name, key.Name]);
        // tf.keras 2's Layer.__call__ splits the first argument out (the query, by position or keyword) and records
        // Node((query,) + args, kwargs): a keyword call flattens to query, then key, value by sorted name.
        string[] keras2Parents = byKeyword && key is not null ? [query.Name, key.Name, value.Name] : parents;
        return Add("MultiHeadAttention", config, [Reference(query, keywords)], parents, nameof(name), keras2Parents);
    }

    /// <summary><c>Attention(use_scale, score_mode)([query, value, key], use_causal_mask)</c> (Luong): scores q·kᵀ
    /// (score_mode "dot") or Σ tanh(q + k) (· <c>concat_score_weight</c>, "concat"), softmax over the value steps.</summary>
    /// <param name="query">The query tensor.</param>
    /// <param name="value">The value tensor.</param>
    /// <param name="key">The key tensor; null: the value.</param>
    /// <param name="useScale">Whether the scores are multiplied by a learned scalar <c>scale</c>.</param>
    /// <param name="scoreMode">"dot" or "concat".</param>
    /// <param name="useCausalMask">The call's <c>use_causal_mask</c>.</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol Attention(KerasSymbol query, KerasSymbol value, KerasSymbol? key = null, bool useScale = false, string scoreMode = "dot",
        bool useCausalMask = false, string? name = null) =>
        AttentionLayer("Attention", query, value, key, useCausalMask, name, new JsonObject { ["use_scale"] = useScale, ["score_mode"] = scoreMode });

    /// <summary><c>AdditiveAttention(use_scale)([query, value, key], use_causal_mask)</c> (Bahdanau): scores
    /// Σ <c>scale</c> ⊙ tanh(q + k), softmax over the value steps.</summary>
    /// <param name="query">The query tensor.</param>
    /// <param name="value">The value tensor.</param>
    /// <param name="key">The key tensor; null: the value.</param>
    /// <param name="useScale">Whether the learned (features) vector <c>scale</c> exists (Keras's default: True).</param>
    /// <param name="useCausalMask">The call's <c>use_causal_mask</c>.</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasSymbol AdditiveAttention(KerasSymbol query, KerasSymbol value, KerasSymbol? key = null, bool useScale = true,
        bool useCausalMask = false, string? name = null) =>
        AttentionLayer("AdditiveAttention", query, value, key, useCausalMask, name, new JsonObject { ["use_scale"] = useScale });

    /// <summary>The config as tf.keras 2's <c>model.to_json()</c> writes a functional model, layers in Keras's
    /// <c>model.layers</c> order.</summary>
    /// <param name="outputs">The model's outputs, in <c>model.outputs</c> order.</param>
    /// <param name="inputs">The model's inputs, in <c>model.inputs</c> order; null: every <see cref="Input"/>, in the
    /// order they were made.</param>
    /// <param name="kerasVersion">The Keras version to record (see <see cref="Build"/>), written where tf.keras 2's
    /// <c>to_json()</c> writes it: <c>keras_version</c> at the top level. Null writes none.</param>
    /// <exception cref="ArgumentException">No outputs, a symbol of another builder, an input that no output reads, an
    /// input listed twice or not an <see cref="Input"/>, an output that reads an input not listed, or a
    /// <paramref name="kerasVersion"/> that is not a version (it must start with a number).</exception>
    public string ToJson(KerasSymbol[] outputs, KerasSymbol[]? inputs = null, string? kerasVersion = null) => Write(outputs, inputs, kerasVersion).Json;

    /// <summary>The architecture (shapes inferred, no weights yet): <see cref="ToJson"/> read back. A tf.keras 2 weights
    /// file matched by order (<see cref="KerasWeightMatching.ByOrder"/>) is matched in tf.keras 2's own layer order,
    /// which differs from the listed one for a <see cref="MultiHeadAttention"/> called by keyword with a key (the JSON
    /// of <see cref="ToJson"/> does not carry it).</summary>
    /// <param name="outputs">The model's outputs, in <c>model.outputs</c> order.</param>
    /// <param name="inputs">The model's inputs, in <c>model.inputs</c> order; null: every <see cref="Input"/>, in the
    /// order they were made.</param>
    /// <param name="kerasVersion">The version of the Keras whose model this architecture stands for ("2.11.0", "3.6.0"),
    /// as <see cref="KerasGraph.FromJson(string, string?)"/> takes it; the rules that differ between Keras versions
    /// follow it: <c>hard_sigmoid</c>'s formula, a mask reaching a merge layer, an attention layer, a layer without
    /// masking support or <c>TimeDistributed</c>, <c>sparsemax</c>, bilinear <c>UpSampling2D</c>. Null (unknown):
    /// each of those is refused. The tf.keras 2 layer order is kept either way.</param>
    /// <exception cref="ArgumentException">As <see cref="ToJson"/>.</exception>
    /// <exception cref="InvalidDataException">The layers do not fit together (named in the message).</exception>
    public KerasGraph Build(KerasSymbol[] outputs, KerasSymbol[]? inputs = null, string? kerasVersion = null)
    {
        (string json, List<string> order, List<string> keras2Order) = Write(outputs, inputs, kerasVersion);
        KerasGraph graph = KerasGraph.FromJson(json);
        return keras2Order.SequenceEqual(order) ? graph : graph.WithKeras2Order(keras2Order);
    }

    /// <summary>The config, and the layers in Keras 3's and in tf.keras 2's <c>model.layers</c> order.</summary>
    private (string Json, List<string> Order, List<string> Keras2Order) Write(KerasSymbol[] outputs, KerasSymbol[]? inputs, string? kerasVersion)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        KerasConfigReader.CheckedVersion(kerasVersion, nameof(kerasVersion));
        if (outputs.Length == 0) throw new ArgumentException("Argument `outputs` must hold at least one symbol: the tensors the model returns", nameof(outputs));
        foreach (KerasSymbol output in outputs) Check(output, nameof(outputs));
        KerasSymbol[] modelInputs = inputs ?? [.. _inputs];
        foreach (KerasSymbol input in modelInputs)
        {
            Check(input, nameof(inputs));
            if (!_inputs.Contains(input))
                throw new ArgumentException($"Argument `inputs` holds `{input.Name}`, the output of a {ClassOf(input.Name)} layer; a model's inputs are symbols made by Input(…)", nameof(inputs));
        }
        if (modelInputs.Length == 0) throw new ArgumentException("The model has no inputs: make one with Input(…)", nameof(inputs));
        string? twice = modelInputs.GroupBy(i => i.Name).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (twice is not null) throw new ArgumentException($"Argument `inputs` lists `{twice}` twice", nameof(inputs));

        var inputNames = modelInputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        List<string> order = KerasLayerOrder.Of(outputs.Select(o => o.Name).ToArray(), inputNames, n => _nodes[n].Parents);
        foreach (string layer in order)
            if (ClassOf(layer) == "InputLayer" && !inputNames.Contains(layer))
                throw new ArgumentException(
                    $"the outputs read input `{layer}`, which argument `inputs` does not list ({string.Join(", ", inputNames.Select(n => $"`{n}`"))}); " +
                    "list every input the outputs depend on (Keras: \"Graph disconnected\")", nameof(inputs));
        foreach (KerasSymbol input in modelInputs)
            if (!order.Contains(input.Name))
                throw new ArgumentException(
                    $"input `{input.Name}` is read by no layer that leads to the outputs ({string.Join(", ", outputs.Select(o => $"`{o.Name}`"))}); connect it, " +
                    (inputs is null ? "or pass argument `inputs` without it" : "or leave it out of argument `inputs`"), inputs is null ? nameof(outputs) : nameof(inputs));

        var references = (IEnumerable<KerasSymbol> symbols) => new JsonArray(symbols.Select(s => (JsonNode)new JsonArray(s.Name, 0, 0)).ToArray());
        List<string> keras2Order = KerasLayerOrder.Of(outputs.Select(o => o.Name).ToArray(), inputNames, n => _nodes[n].Keras2Parents);
        var root = new JsonObject
        {
            ["class_name"] = "Functional",
            ["config"] = new JsonObject
            {
                ["name"] = _name,
                ["layers"] = new JsonArray(order.Select(n => (JsonNode)_nodes[n].Entry.DeepClone()).ToArray()),
                ["input_layers"] = references(modelInputs),
                ["output_layers"] = references(outputs),
            },
        };
        if (kerasVersion is not null) root["keras_version"] = kerasVersion;
        string json = root.ToJsonString();
        return (json, order, keras2Order);
    }

    private KerasSymbol Merge(string className, KerasSymbol[] inputs, string? name, JsonObject? config = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0) throw new ArgumentException($"Argument `inputs` of {className} must hold at least one tensor. Received: none", nameof(inputs));
        foreach (KerasSymbol input in inputs) Check(input, nameof(inputs));
        config ??= [];
        config["name"] = name ?? KerasArchitecture.NextName(_counts, className);
        return Add(className, config, inputs.Select(i => Reference(i)), inputs.Select(i => i.Name).ToArray(), nameof(name));
    }

    /// <summary>Attention and AdditiveAttention take one list [query, value(, key)] (Keras's flattened order too); a
    /// causal call carries <c>use_causal_mask</c> on its references, as tf.keras 2 serializes call keywords.</summary>
    private KerasSymbol AttentionLayer(string className, KerasSymbol query, KerasSymbol value, KerasSymbol? key, bool causal, string? name, JsonObject config)
    {
        Check(query, nameof(query));
        Check(value, nameof(value));
        if (key is not null) Check(key, nameof(key));
        config["name"] = name ?? KerasArchitecture.NextName(_counts, className);
        config["dropout"] = 0.0;
        KerasSymbol[] tensors = key is null ? [query, value] : [query, value, key];
        return Add(className, config, tensors.Select(t => Reference(t, causal ? new JsonObject { ["use_causal_mask"] = true } : null)),
            tensors.Select(t => t.Name).ToArray(), nameof(name));
    }

    /// <summary>Records a layer whose config carries its name, reading <paramref name="references"/> (one call).</summary>
    private KerasSymbol Add(string className, JsonObject config, IEnumerable<JsonNode> references, IReadOnlyList<string> parents, string nameArgument,
        IReadOnlyList<string>? keras2Parents = null)
    {
        string name = config["name"]!.GetValue<string>();
        if (_nodes.ContainsKey(name)) throw NameTaken(name, ClassOf(name), className, nameArgument);
        var entry = new JsonObject
        {
            ["class_name"] = className,
            ["name"] = name,
            ["config"] = config,
            ["inbound_nodes"] = className == "InputLayer" ? new JsonArray() : new JsonArray(new JsonArray(references.ToArray())),
        };
        _nodes.Add(name, new Node(entry, parents, keras2Parents ?? parents));
        return new KerasSymbol(this, name);
    }

    private static ArgumentException NameTaken(string name, string takenBy, string className, string nameArgument) => new(
        $"Argument `{nameArgument}`: the model already has a layer named `{name}` ({takenBy}), so this {className} cannot take it (Keras refuses a " +
        "name used twice); give one of them another name — an automatic name is the class's next number in this model", nameArgument);

    private string ClassOf(string layer) => _nodes[layer].Entry["class_name"]!.GetValue<string>();

    /// <summary>A tf.keras 2 inbound reference <c>[layer, 0, 0, {keywords}]</c>.</summary>
    private static JsonArray Reference(KerasSymbol symbol, JsonObject? keywords = null) => new(symbol.Name, 0, 0, keywords ?? []);

    private void Check(KerasSymbol? symbol, string argument)
    {
        ArgumentNullException.ThrowIfNull(symbol, argument);
        if (!ReferenceEquals(symbol.Owner, this))
            throw new ArgumentException(
                $"Argument `{argument}` is `{symbol.Name}`, a symbol of another KerasFunctional builder (model `{symbol.Owner._name}`); a layer reads only " +
                $"symbols of the builder it is made with (model `{_name}`)", argument);
    }
}
