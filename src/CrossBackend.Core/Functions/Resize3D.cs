namespace CrossBackend;

/// <summary>Nearest or area resizing of the three spatial axes of a 5-D batch, one axis at a time.</summary>
internal sealed class Resize3DFunction(long[] outputShape, bool area) : FunctionProgram(ResultDTypes.SameAsInput, exact: !area)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        if (shape.Length != 5)
            throw new ArgumentException($"Argument `tensor` must be a batch of volumes, rank 5 ((N, C, D, H, W) channels-first, (N, D, H, W, C) channels-last). Received: tensor.shape={TensorInfo.FormatShape(shape)}", "tensor");
        int first = o.Engine.ClassAxis == -1 ? 1 : 2;
        // PyTorch's interpolate refuses an empty volume ("Input and output sizes should be greater than 0"): no source
        // voxel to take. An empty batch is fine (an empty result).
        if (shape[first] == 0 || shape[first + 1] == 0 || shape[first + 2] == 0)
            throw new ArgumentException(
                $"Argument `tensor` must have non-empty depth, height and width (axes {first}, {first + 1}, {first + 2} on the {o.Engine.Name} engine) " +
                $"to be resized: there is no voxel to resize from. Received: tensor.shape={TensorInfo.FormatShape(shape)}, outputShape={TensorInfo.FormatShape(outputShape)}",
                "tensor");
        for (int k = 0; k < 3; k++)
        {
            int axis = first + k;
            long n = o.ShapeOf(x)[axis], m = outputShape[k];
            if (n == m) continue;
            x = area ? Average(o, x, axis, n, m) : o.Take(x, o.FromValues(NearestIndex(n, m), [m], DType.Int64), axis);
        }
        return [x];
    }

    /// <summary>PyTorch's <c>nearest</c>: source = min(⌊dst · (in/out)⌋, in − 1) with the scale in float32.</summary>
    internal static double[] NearestIndex(long n, long m)
    {
        float scale = (float)n / m;
        return Enumerable.Range(0, (int)m).Select(i => (double)Math.Min((long)MathF.Floor(i * scale), n - 1)).ToArray();
    }

    /// <summary>Adaptive average pooling along one axis: output i averages inputs [⌊i·n/m⌋, ⌈(i+1)·n/m⌉), as one
    /// matrix product with a host-made (n, m) averaging matrix.</summary>
    private static T Average<T>(ITensorOps<T> o, T x, int axis, long n, long m) where T : class
    {
        var weights = new double[n * m];
        for (long i = 0; i < m; i++)
        {
            long start = i * n / m, end = ((i + 1) * n + m - 1) / m;
            for (long j = start; j < end; j++) weights[j * m + i] = 1.0 / (end - start);
        }
        T last = o.MoveAxis(x, axis, -1);
        long[] lastShape = o.ShapeOf(last);
        T product = o.MatMul(o.Reshape(last, [Shapes.Count(lastShape) / n, n]), o.FromValues(weights, [n, m], o.DTypeOf(x)));
        return o.MoveAxis(o.Reshape(product, [.. lastShape[..^1], m]), -1, axis);
    }
}

public static partial class Backend
{
    /// <summary>
    /// Resizes the three spatial axes of a batch of volumes to <paramref name="outputShape"/> (FastEstimator's
    /// <c>resize_3d</c>, PyTorch's <c>interpolate</c>): <c>"nearest"</c> (source index ⌊dst · in/out⌋) or <c>"area"</c>
    /// (adaptive average pooling). Layout-aware: (N, C, D, H, W) on channels-first engines, (N, D, H, W, C) on
    /// channels-last ones.
    /// </summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[[[0, 1], [2, 3]], [[4, 5], [6, 7]]]]] to (4, 4, 4), nearest →
    /// <b>[[[[[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]], [[0, 0, 1, 1], …], [[4, 4, 5, 5], …], [[4, 4, 5, 5], …]]]]</b>
    /// (FastEstimator's docstring says output_shape=[3, 3, 3] beside this 4×4×4 result: a typo).</remarks>
    public static T Resize3D<T>(T tensor, long[] outputShape, string resizeMode = "nearest") where T : class
    {
        ArgumentNullException.ThrowIfNull(outputShape);
        if (outputShape.Length != 3 || outputShape.Any(d => d < 1))
            throw new ArgumentException($"Argument `outputShape` must hold three lengths ≥ 1 (depth, height, width). Received: outputShape={TensorInfo.FormatShape(outputShape)}", nameof(outputShape));
        ArgumentNullException.ThrowIfNull(resizeMode);
        if (resizeMode is not ("nearest" or "area"))
            throw new ArgumentException($"Argument `resizeMode` must be \"nearest\" or \"area\". Received: resizeMode=\"{resizeMode}\"", nameof(resizeMode));
        return Run<T>(nameof(Resize3D), new Resize3DFunction(outputShape, resizeMode == "area"), [tensor], TensorName);
    }
}
