namespace CrossBackend.Keras;

/// <summary>One layer of a <see cref="KerasGraph"/>: its parsed settings, where its inputs come from, its shapes in
/// Keras's channels-last layout (batch axis excluded, −1 unknown) and, once loaded, its weights.</summary>
public sealed class KerasLayer
{
    internal KerasLayer(string name, string className, LayerSpec spec, IReadOnlyList<string> inbound,
        IReadOnlyList<long[]> inputShapes, long[] outputShape, IReadOnlyList<KerasWeight> weights,
        KerasMaskRole maskRole = KerasMaskRole.None, bool outputMasked = false)
    {
        MaskRole = maskRole;
        OutputMasked = outputMasked;
        Name = name;
        ClassName = className;
        Spec = spec;
        Inbound = inbound;
        InputShapes = inputShapes;
        OutputShape = outputShape;
        Weights = weights;
    }

    /// <summary>The layer's name in the model.</summary>
    public string Name { get; }

    /// <summary>The Keras class (<c>Conv2D</c>, <c>Dense</c>, …).</summary>
    public string ClassName { get; }

    /// <summary>The parsed settings.</summary>
    public LayerSpec Spec { get; }

    /// <summary>The layers feeding this one, in argument order.</summary>
    public IReadOnlyList<string> Inbound { get; }

    /// <summary>The shape of each input, channels-last, batch excluded.</summary>
    public IReadOnlyList<long[]> InputShapes { get; }

    /// <summary>The output shape, channels-last, batch excluded.</summary>
    public long[] OutputShape { get; }

    /// <summary>The weights in Keras's layout and order (empty for layers without variables, or before loading).</summary>
    public IReadOnlyList<KerasWeight> Weights { get; }

    /// <summary>What the layer does with Keras's mask (see <see cref="KerasMaskRole"/>).</summary>
    public KerasMaskRole MaskRole { get; }

    /// <summary>Whether the layer's output carries a mask to the layers after it.</summary>
    public bool OutputMasked { get; }

    /// <summary>The weight names and shapes this layer must receive.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> ExpectedWeights => Keras.ExpectedWeights.For(Spec, InputShapes);

    internal KerasLayer WithWeights(IReadOnlyList<KerasWeight> weights) =>
        new(Name, ClassName, Spec, Inbound, InputShapes, OutputShape, weights, MaskRole, OutputMasked);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({ClassName}) -> {FormatBatchShape(OutputShape)}";

    /// <summary>A shape with the batch axis, as Keras prints it: <c>(None, 28, 28, 1)</c>.</summary>
    public static string FormatBatchShape(long[] shape) => "(" + string.Join(", ", new[] { "None" }.Concat(shape.Select(v => v < 0 ? "None" : v.ToString()))) + ")";
}
