namespace CrossBackend.Keras;

/// <summary>
/// The output shape of <see cref="KerasTFOp.MatMul"/> (Keras 3's <c>ops.matmul</c>, which runs the backends'
/// <c>numpy.matmul</c>, NumPy's <c>matmul</c>): a 1-D operand is a row (first) or a column (second) whose added axis is
/// dropped again; the last axis of the first operand meets the second-to-last of the second; the axes before the last
/// two are stacked and broadcast from the right. keras/src/ops/numpy.py <c>Matmul.compute_output_spec</c> takes its
/// symbolic shape from operation_utils.py <c>compute_matmul_output_shape</c>, which agrees but for a 1-D operand: it
/// tests <c>len(shape1) == 1</c> after promoting the shape to 2-D, so the symbolic shape keeps the added 1 (x of
/// (None, 4, 6, 5) @ a (5,) vector shows (None, 4, 6, 1)) while every backend returns (None, 4, 6); the shape here is
/// the one the model computes. The Keras tensors carry the batch axis first, so a product is run only where
/// that axis stays the first stacked (or row) axis of the result, met by no axis of the other operand but a 1 or the
/// other tensor's own batch axis: each item's product then reads that item alone.
/// </summary>
internal static class KerasMatMulShapes
{
    /// <summary>The batch axis among the full shapes (never a length; −1 is an unknown one).</summary>
    private const long Batch = long.MinValue;

    /// <summary>The result's shape, batch excluded, from the tensors' shapes (batch excluded, −1 unknown) and the
    /// constant array's, if any.</summary>
    /// <exception cref="NotSupportedException">A product that would contract or move the batch axis, or that hangs on
    /// a length unknown when loading, naming the layer.</exception>
    /// <exception cref="InvalidDataException">Lengths that do not match (Keras raises on them).</exception>
    public static long[] Infer(TFOpSpec op, IReadOnlyList<long[]> inputs, string layer, string className)
    {
        long[] x = [Batch, .. inputs[0]];
        long[] other = op.ConstantArray is { } c ? c.Shape : [Batch, .. inputs[1]];
        (long[] a, long[] b) = op.ConstantFirst ? (other, x) : (x, other);
        // tf.linalg.matmul's transpose of a tensor operand swaps its last two axes first (the batch axis too, for a
        // (batch, k) tensor: the rules below then refuse the product).
        (long[] shownA, long[] shownB) = (a, b);
        if (op.TransposeFirst) a = SwapLastTwo(a);
        if (op.TransposeSecond) b = SwapLastTwo(b);
        string Shapes() => $"{Describe(shownA)}{(op.TransposeFirst ? " transposed" : "")} @ {Describe(shownB)}{(op.TransposeSecond ? " transposed" : "")}";
        NotSupportedException Refuse(string why) => new(
            $"layer `{layer}` ({className}) calls {op.Label} as {Shapes()}: {why}, which is not supported. Give the tensor its batch axis first and " +
            "the product's axes after it (e.g. x of shape (batch, n, k) @ w of shape (k, m)), with fixed lengths where the product meets them");

        bool aVector = a.Length == 1, bVector = b.Length == 1;
        long[] am = aVector ? [1, a[0]] : a, bm = bVector ? [b[0], 1] : b;
        long ka = am[^1], kb = bm[^2];
        if (ka == Batch || kb == Batch) throw Refuse("the product would sum over the batch axis");
        if (ka < 0 || kb < 0) throw Refuse("the summed axis has a length unknown when loading");
        if (ka != kb)
            throw new InvalidDataException($"layer `{layer}` ({className}, {op.Label}): {Shapes()} do not multiply ({ka} against {kb} on the summed axis)");

        long[] sa = am[..^2], sb = bm[..^2];
        int stacked = Math.Max(sa.Length, sb.Length);
        var result = new List<long>();
        for (int i = stacked; i >= 1; i--)
        {
            long? p = i <= sa.Length ? sa[^i] : null, q = i <= sb.Length ? sb[^i] : null;
            result.Add((p, q) switch
            {
                (null, { } only) => only,
                ({ } only, null) => only,
                (Batch, Batch) => Batch,
                (Batch, 1) or (1, Batch) => Batch,
                (Batch, _) or (_, Batch) => throw Refuse("the batch axis would be broadcast against an axis of the other operand"),
                ({ } u, { } v) when u == v && u >= 0 => u,
                (1, { } v) => v,
                ({ } u, 1) => u,
                ({ } u, { } v) when u < 0 || v < 0 => throw Refuse("a stacked axis has a length unknown when loading"),
                _ => throw new InvalidDataException($"layer `{layer}` ({className}, {op.Label}): the stacked axes of {Shapes()} do not broadcast"),
            });
        }
        if (!aVector) result.Add(am[^2]);
        if (!bVector) result.Add(bm[^1]);
        if (result.Count == 0 || result[0] != Batch || result.Count(v => v == Batch) != 1)
            throw Refuse("the batch axis would not stay the result's first axis");
        return [.. result.Skip(1)];
    }

    private static long[] SwapLastTwo(long[] shape) => shape.Length < 2 ? shape : [.. shape[..^2], shape[^1], shape[^2]];

    private static string Describe(long[] shape) =>
        "(" + string.Join(", ", shape.Select(v => v == Batch ? "batch" : v < 0 ? "None" : v.ToString(System.Globalization.CultureInfo.InvariantCulture))) +
        (shape.Length == 1 ? ",)" : ")");
}
