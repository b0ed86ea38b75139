namespace CrossBackend;

/// <summary>The matrix product over the last two axes, leading axes broadcast.</summary>
internal sealed class MatMulFunction() : BinaryFunctionProgram(ResultDTypes.PromoteFirstTwo, integers: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T a = inputs[0]!, b = Align(o, a, inputs[1]!);
        long[] sa = o.ShapeOf(a), sb = o.ShapeOf(b);
        if (sa.Length < 2 || sb.Length < 2)
            throw new ArgumentException($"Arguments `a` and `b` must have rank ≥ 2 (matrices or batches of them). Received: a.shape={TensorInfo.FormatShape(sa)}, b.shape={TensorInfo.FormatShape(sb)}", sa.Length < 2 ? "a" : "b");
        if (sa[^1] != sb[^2])
            throw new ArgumentException($"Argument `b` must have as many rows as `a` has columns. Received: a.shape={TensorInfo.FormatShape(sa)}, b.shape={TensorInfo.FormatShape(sb)}", "b");
        Backend.RequireBroadcast(sa[..^2], sb[..^2], "a", "b");
        return [o.MatMul(a, b)];
    }
}

public static partial class Backend
{
    /// <summary>The matrix product a · b over the last two axes, leading axes broadcast (FastEstimator's <c>matmul</c>,
    /// NumPy's <c>matmul</c>; rank ≥ 2), in the promoted dtype. On torch one <c>matmul</c> call.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[0, 1, 2], [3, 4, 5]] · [[1], [2], [3]] → <b>[[8], [26]]</b>.</remarks>
    public static T MatMul<T>(T a, T b) where T : class =>
        Run<T>(nameof(MatMul), new MatMulFunction(), [a, b], ["a", "b"]);
}
