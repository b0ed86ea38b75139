using CrossBackend.Keras;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>
/// A Keras model as a TorchSharp module: one submodule per Keras layer (named like the layer, so
/// <c>state_dict()</c> keys read <c>conv2d.conv.weight</c>), run in the graph's order. Input and output are
/// channels-first for tensors of rank ≥ 3 (NCHW, NCL); rank-2 tensors (features) and integer token ids of any rank
/// (an Embedding's input) are as in Keras.
/// </summary>
/// <remarks>Forward follows TorchSharp's convention: intermediate tensors are disposed inside; the result belongs
/// to the caller's dispose scope. A model of several inputs or outputs is a <see cref="KerasTorchMultiModule"/>.</remarks>
public sealed class KerasTorchModule : nn.Module<Tensor, Tensor>
{
    private readonly (string Name, string[] Inbound, TorchLayer Module)[] _nodes;

    /// <param name="graph">The architecture with its weights.</param>
    /// <param name="dtype">The parameters' dtype: the layers are built in it, so float64 weights are never rounded to float32.</param>
    internal KerasTorchModule(KerasGraph graph, ScalarType dtype = ScalarType.Float32) : base(graph.Name)
    {
        KerasNetworkInputs.EnsureWeights(graph);
        if (graph.Inputs.Count != 1 || graph.Outputs.Count != 1)
            throw new NotSupportedException(
                $"model `{graph.Name}` has {graph.Inputs.Count} input(s) ({KerasNetworkInputs.Names(graph.Inputs)}) and {graph.Outputs.Count} output(s) " +
                $"({KerasNetworkInputs.Names(graph.Outputs)}), and a KerasTorchModule takes one tensor and returns one: use KerasTorch.ToMultiModule " +
                "(forward takes a Tensor[] in that input order and returns a Tensor[] in that output order) or KerasRuntimes.Build");
        Graph = graph;
        _nodes = Nodes(graph, dtype);
        foreach ((string name, _, TorchLayer module) in _nodes) register_module(KerasTorchModule.ModuleName(name, graph), module);
    }

    /// <summary>The submodule name of a layer: its Keras name, but a TensorFlow op layer's ("tf.math.add"), where
    /// TorchSharp refuses the dots, with underscores ("tf_math_add"; "_op" appended should another layer hold that
    /// name). Those layers have no parameters, so no <c>state_dict()</c> key changes.</summary>
    internal static string ModuleName(string layer, KerasGraph graph)
    {
        if (!layer.Contains('.')) return layer;
        string name = layer.Replace('.', '_');
        while (graph.Layers.Any(l => l.Name == name)) name += "_op";
        return name;
    }

    /// <summary>Every layer's module, in the graph's order, with the names of the layers it reads.</summary>
    internal static (string Name, string[] Inbound, TorchLayer Module)[] Nodes(KerasGraph graph, ScalarType dtype)
    {
        Dictionary<string, long[]?> flattened = FlattenOrders(graph);
        return graph.Layers.Select(l => (l.Name, l.Inbound.ToArray(), Create(l, flattened, dtype))).ToArray();
    }

    /// <summary>The Keras architecture this module was built from.</summary>
    public KerasGraph Graph { get; }

    /// <summary>The parameters' element type (float32 for a model without parameters).</summary>
    public ScalarType DType => parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;

    /// <summary>Runs the model on a channels-first input (NCHW for images; (N, C, L) for sequences; NCDHW for volumes).</summary>
    /// <param name="input">The input, batch first.</param>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Run(_nodes, Graph, [input])[0];
    }

    /// <summary>Runs the layers on one tensor per graph input (in <see cref="KerasGraph.Inputs"/> order) and returns
    /// one per graph output, each moved to the caller's dispose scope; intermediates are disposed here. An output that
    /// is an input or an earlier output comes back as an alias, so that every result can be disposed on its own.</summary>
    internal static Tensor[] Run((string Name, string[] Inbound, TorchLayer Module)[] nodes, KerasGraph graph, IReadOnlyList<Tensor> inputs)
    {
        using DisposeScope scope = NewDisposeScope();
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Inputs.Count; i++) values[graph.Inputs[i]] = inputs[i];
        // Keras's masks beside the tensors (null: none); each layer gets its inputs' masks (the merge layers and
        // Concatenate read them all, the other layers their first input's).
        var masks = new Dictionary<string, Tensor?>(StringComparer.Ordinal);
        foreach ((string name, string[] inbound, TorchLayer module) in nodes)
        {
            Tensor[] args = inbound.Length == 0 ? [values[name]] : inbound.Select(n => values[n]).ToArray();
            Tensor?[] inputMasks = inbound.Select(n => masks[n]).ToArray();
            values[name] = inputMasks.All(m => m is null) ? module.forward(args) : module.ForwardMasks(args, inputMasks);
            masks[name] = TorchMasks.Of(graph[name], args, inputMasks);
        }
        var results = new Tensor[graph.Outputs.Count];
        for (int i = 0; i < results.Length; i++)
        {
            Tensor result = values[graph.Outputs[i]];
            if (inputs.Any(x => ReferenceEquals(x, result)) || results.Take(i).Any(r => ReferenceEquals(r, result))) result = result.alias();
            results[i] = result.MoveToOuterDisposeScope();
        }
        return results;
    }

    /// <summary>The TorchSharp module of one layer (<paramref name="flattened"/>: <see cref="FlattenOrders"/>).</summary>
    internal static TorchLayer Create(KerasLayer layer, Dictionary<string, long[]?> flattened, ScalarType dtype) => layer.Spec switch
    {
        InputSpec => new InputTorchLayer(layer),
        ConvSpec => new ConvTorchLayer(layer, dtype),
        DenseSpec => new DenseTorchLayer(layer, flattened.GetValueOrDefault(layer.Inbound[0]), dtype),
        FlattenSpec => new FlattenTorchLayer(layer.Name, flattened.GetValueOrDefault(layer.Name) is not null),
        ReshapeSpec => new ReshapeTorchLayer(layer.Name, layer.OutputShape.Any(v => v < 0) ? ((ReshapeSpec)layer.Spec).TargetShape : layer.OutputShape),
        PermuteSpec p => new PermuteTorchLayer(layer.Name, p),
        RepeatVectorSpec r => new RepeatVectorTorchLayer(layer.Name, r.N),
        PoolingSpec => new PoolTorchLayer(layer),
        GlobalPoolingSpec g => new GlobalPoolTorchLayer(layer.Name, g),
        BatchNormSpec => new BatchNormTorchLayer(layer, dtype),
        DropoutSpec d => layer.ClassName switch
        {
            // GaussianDropout's rate is a drop probability; its multiplicative noise has standard deviation √(rate / (1 − rate)).
            "GaussianDropout" => new GaussianNoiseTorchLayer(layer.Name, d.Rate <= 0 ? 0 : Math.Sqrt(d.Rate / (1 - d.Rate)), multiplicative: true),
            "GaussianNoise" => new GaussianNoiseTorchLayer(layer.Name, d.Rate, multiplicative: false),   // Rate holds the stddev
            _ => new DropoutTorchLayer(layer.Name, layer.ClassName, d.Rate),
        },
        ActivationSpec a => new ActivationTorchLayer(layer.Name, a.Activation, layer.InputShapes[0].Length),
        PReLUSpec => new PReLUTorchLayer(layer, dtype),
        ZeroPaddingSpec z => new ZeroPadTorchLayer(layer.Name, z),
        CroppingSpec => new CropTorchLayer(layer),
        UpSamplingSpec u => new UpSampleTorchLayer(layer.Name, u),
        MergeSpec => new MergeTorchLayer(layer),
        ConcatenateSpec c => new ConcatTorchLayer(layer, TorchAxes.ChannelsFirst(c.Axis, layer.OutputShape.Length, layer.Name)),
        EmbeddingSpec => new EmbeddingTorchLayer(layer, dtype),
        DepthwiseConv2DSpec { Rank: 1 } or Conv2DTransposeSpec { Rank: 1 } => new Conv1DAs2DTorchLayer(layer, dtype),
        DepthwiseConv2DSpec => new DepthwiseConvTorchLayer(layer, dtype),
        Conv2DTransposeSpec => new ConvTransposeTorchLayer(layer, dtype),
        LayerNormSpec => new LayerNormTorchLayer(layer, dtype),
        GroupNormSpec => new GroupNormTorchLayer(layer, dtype),
        UnitNormSpec => new UnitNormTorchLayer(layer),
        DotSpec => new DotTorchLayer(layer),
        RecurrentSpec => new RecurrentTorchLayer(layer, dtype),
        BidirectionalSpec => new BidirectionalTorchLayer(layer, dtype),
        TimeDistributedSpec => new TimeDistributedTorchLayer(layer, dtype),
        MaskingSpec m => new MaskingTorchLayer(layer.Name, m.MaskValue),
        MultiHeadAttentionSpec => new MultiHeadAttentionTorchLayer(layer, dtype),
        AttentionSpec => new AttentionTorchLayer(layer, dtype),
        RescalingSpec => new RescalingTorchLayer(layer, dtype),
        NormalizationSpec => new NormalizationTorchLayer(layer, dtype),
        CenterCropSpec => new CropTorchLayer(KerasPreprocessing.AsCropping(layer)),
        IdentitySpec => new IdentityTorchLayer(layer.Name),
        ResizingSpec r => new ResizingTorchLayer(layer.Name, r),
        TFOpSpec => new TFOpTorchLayer(layer, dtype),
        _ => throw new NotSupportedException($"layer `{layer.Name}` ({layer.ClassName}) has no TorchSharp implementation"),
    };

    /// <summary>
    /// Which tensors are flattened in PyTorch's (c, h, w) order: the output of a Flatten of a channels-first tensor
    /// whose every consumer (through Dropout and element-wise activations) is a Dense — those Dense kernels get
    /// their rows permuted once (the Dense-after-Flatten trap) and no transpose runs per call. Maps a layer to the
    /// channels-last shape before its Flatten, or is absent for tensors in Keras's order.
    /// </summary>
    internal static Dictionary<string, long[]?> FlattenOrders(KerasGraph graph)
    {
        var consumers = graph.Layers.ToDictionary(l => l.Name, _ => new List<KerasLayer>(), StringComparer.Ordinal);
        foreach (KerasLayer l in graph.Layers) foreach (string s in l.Inbound) consumers[s].Add(l);
        bool Transparent(KerasLayer l) => l.Spec is DropoutSpec or IdentitySpec || (l.Spec is ActivationSpec a && a.Activation.Kind is not (KerasActivationKind.Softmax or KerasActivationKind.LogSoftmax or
            KerasActivationKind.Glu or KerasActivationKind.SparsemaxKeras3));
        bool OnlyDense(KerasLayer l) => !graph.Outputs.Contains(l.Name) && consumers[l.Name].Count > 0 &&
            consumers[l.Name].All(c => c.Spec is DenseSpec || (Transparent(c) && OnlyDense(c)));
        var result = new Dictionary<string, long[]?>(StringComparer.Ordinal);
        foreach (KerasLayer l in graph.Layers)
        {
            if (l.Spec is FlattenSpec && l.InputShapes[0].Length >= 2 && l.InputShapes[0].All(v => v > 0) && OnlyDense(l))
                result[l.Name] = l.InputShapes[0];
            else if (Transparent(l) && result.GetValueOrDefault(l.Inbound[0]) is { } shape)
                result[l.Name] = shape;
        }
        return result;
    }
}
