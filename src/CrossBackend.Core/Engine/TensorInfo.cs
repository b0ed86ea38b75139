namespace CrossBackend;

/// <summary>What the losses need to know about a tensor before touching its data.</summary>
/// <param name="Shape">The tensor's lengths, outermost first, in the engine's own layout.</param>
/// <param name="DType">The element type.</param>
/// <param name="Device">Where the data lives ("cpu", "cuda:0", ...).</param>
public sealed record TensorInfo(long[] Shape, DType DType, string Device)
{
    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>The shape as Keras prints it, e.g. <c>(3, 4)</c>.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape as Keras prints it, e.g. <c>(3, 4)</c> or <c>(3,)</c>.</summary>
    public static string FormatShape(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
}
