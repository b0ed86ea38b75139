namespace CrossBackend;

/// <summary>A reduction along axes (null: all), FastEstimator's <c>reduce_*</c>.</summary>
internal sealed class ReduceFunction(ReduceOp op, int[]? axes, bool keepDims, Func<DType[], DType> result, bool exact, bool integers = false)
    : FunctionProgram(result, exact, integers)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        int[]? resolved = axes is null ? null : Backend.Axes(axes, shape.Length, "axis", "tensor", shape);
        bool[] reduced = new bool[shape.Length];
        foreach (int d in resolved ?? Enumerable.Range(0, shape.Length)) reduced[d] = true;
        if (!shape.Where((n, d) => reduced[d] && n == 0).Any()) return [o.Reduce(op, x, resolved, keepDims)];

        // Nothing to reduce.
        if (op is ReduceOp.Max or ReduceOp.Min)
            throw new ArgumentException(
                $"Argument `tensor` must not be empty along the reduced axes of a reduce_{op.ToString().ToLowerInvariant()} (the " +
                $"{(op == ReduceOp.Max ? "largest" : "smallest")} of no values is undefined; a sum or mean of none is 0 or NaN). " +
                $"Received: tensor.shape={TensorInfo.FormatShape(shape)}, axis={(axes is null ? "null" : "[" + string.Join(", ", axes) + "]")}",
                "tensor");
        if (op is ReduceOp.Std or ReduceOp.Variance)
        {
            // The spread of no values is NaN on every engine; libtorch would also print "std(): degrees of freedom is
            // <= 0" to the app's stderr for each call (an empty result with non-empty reduced axes is the torch
            // engine's own case: TorchEngine.Reduce).
            long[] resultShape = shape.Select((n, d) => reduced[d] ? 1 : n).Where((_, d) => keepDims || !reduced[d]).ToArray();
            return [o.Full(resultShape, double.NaN, o.DTypeOf(x))];
        }
        return [o.Reduce(op, x, resolved, keepDims)];
    }
}

/// <summary>The index of the largest value along an axis, as int64.</summary>
internal sealed class ArgMaxFunction(int axis) : FunctionProgram(ResultDTypes.Fixed(DType.Int64), exact: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        int along = Backend.Axis(axis, shape.Length, "axis", "tensor", shape);
        if (shape[along] == 0)
            throw new ArgumentException(
                $"Argument `tensor` must not be empty along `axis` for an argmax (no index to return). Received: tensor.shape={TensorInfo.FormatShape(shape)}, axis={axis}",
                "tensor");
        return [o.ArgMax(x, along, keepDims: false)];
    }
}

public static partial class Backend
{
    /// <summary>The largest value along <paramref name="axis"/> (null: all axes), FastEstimator's <c>reduce_max</c>;
    /// NaN propagates; the dtype is kept.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] → <b>8</b>; axis 0 →
    /// <b>[[5, 6], [7, 8]]</b>; axis 1 → <b>[[3, 4], [7, 8]]</b>; axes [0, 2] → <b>[6, 8]</b>.</remarks>
    /// <param name="tensor">A tensor of any engine.</param>
    /// <param name="axis">The axes to reduce (negative counts from the end); null reduces all.</param>
    /// <param name="keepdims">Whether reduced axes stay as length 1.</param>
    public static T ReduceMax<T>(T tensor, int[]? axis = null, bool keepdims = false) where T : class =>
        Run<T>(nameof(ReduceMax), new ReduceFunction(ReduceOp.Max, axis, keepdims, ResultDTypes.SameAsInput, exact: true), [tensor], TensorName);

    /// <summary><see cref="ReduceMax{T}(T, int[], bool)"/> along one axis.</summary>
    public static T ReduceMax<T>(T tensor, int axis, bool keepdims = false) where T : class => ReduceMax(tensor, [axis], keepdims);

    /// <summary>The smallest value along <paramref name="axis"/> (null: all axes), FastEstimator's <c>reduce_min</c>.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] → <b>1</b>; axis 0 →
    /// <b>[[1, 2], [3, 4]]</b>; axis 1 → <b>[[1, 2], [5, 6]]</b>; axes [0, 2] → <b>[1, 3]</b>.</remarks>
    public static T ReduceMin<T>(T tensor, int[]? axis = null, bool keepdims = false) where T : class =>
        Run<T>(nameof(ReduceMin), new ReduceFunction(ReduceOp.Min, axis, keepdims, ResultDTypes.SameAsInput, exact: true), [tensor], TensorName);

    /// <summary><see cref="ReduceMin{T}(T, int[], bool)"/> along one axis.</summary>
    public static T ReduceMin<T>(T tensor, int axis, bool keepdims = false) where T : class => ReduceMin(tensor, [axis], keepdims);

    /// <summary>The sum along <paramref name="axis"/> (null: all axes), FastEstimator's <c>reduce_sum</c>. The dtype is
    /// kept (TensorFlow's rule; PyTorch widens int32 sums to int64), but bools are counted in int32 (Keras 3).</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] → <b>36</b>; axis 0 →
    /// <b>[[6, 8], [10, 12]]</b>; axis 1 → <b>[[4, 6], [12, 14]]</b>; axes [0, 2] → <b>[14, 22]</b>.</remarks>
    public static T ReduceSum<T>(T tensor, int[]? axis = null, bool keepdims = false) where T : class =>
        Run<T>(nameof(ReduceSum), new ReduceFunction(ReduceOp.Sum, axis, keepdims, SumOfBoolsCounts, exact: false, integers: true), [tensor], TensorName);

    /// <summary>The dtype kept, except that a sum of bools counts them in int32 (Keras 3's <c>sum</c> widens bool to
    /// int32; PyTorch counts in int64, NumPy in the default int): a mask's count, not "any".</summary>
    private static readonly Func<DType[], DType> SumOfBoolsCounts = d => d[0] == DType.Bool ? DType.Int32 : d[0];

    /// <summary><see cref="ReduceSum{T}(T, int[], bool)"/> along one axis.</summary>
    public static T ReduceSum<T>(T tensor, int axis, bool keepdims = false) where T : class => ReduceSum(tensor, [axis], keepdims);

    /// <summary>The mean along <paramref name="axis"/> (null: all axes), FastEstimator's <c>reduce_mean</c>.
    /// Integers give float32 (Keras; TensorFlow would truncate, PyTorch refuses).</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] → <b>4.5</b>; axis 0 →
    /// <b>[[3, 4], [5, 6]]</b>; axis 1 → <b>[[2, 3], [6, 7]]</b>; axes [0, 2] → <b>[3.5, 5.5]</b>.</remarks>
    public static T ReduceMean<T>(T tensor, int[]? axis = null, bool keepdims = false) where T : class =>
        Run<T>(nameof(ReduceMean), new ReduceFunction(ReduceOp.Mean, axis, keepdims, ResultDTypes.FloatForIntegers, exact: false), [tensor], TensorName);

    /// <summary><see cref="ReduceMean{T}(T, int[], bool)"/> along one axis.</summary>
    public static T ReduceMean<T>(T tensor, int axis, bool keepdims = false) where T : class => ReduceMean(tensor, [axis], keepdims);

    /// <summary>The population standard deviation along <paramref name="axis"/> (null: all axes), FastEstimator's
    /// <c>reduce_std</c> (NumPy's <c>std</c>, PyTorch's <c>unbiased=False</c>). Integers give float32. One engine call
    /// (torch: <c>torch.std(correction=0)</c>; numerics: two passes, mean then squared deviations, in float64).</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] → <b>2.2913</b>; axis 0 →
    /// <b>[[2, 2], [2, 2]]</b>; axis 1 → <b>[[1, 1], [1, 1]]</b>; axes [0, 2] → <b>[2.06155281, 2.06155281]</b> (NumPy; the docstring prints 2.23606798, a typo).</remarks>
    public static T ReduceStd<T>(T tensor, int[]? axis = null, bool keepdims = false) where T : class =>
        Run<T>(nameof(ReduceStd), new ReduceFunction(ReduceOp.Std, axis, keepdims, ResultDTypes.FloatForIntegers, exact: false), [tensor], TensorName);

    /// <summary><see cref="ReduceStd{T}(T, int[], bool)"/> along one axis.</summary>
    public static T ReduceStd<T>(T tensor, int axis, bool keepdims = false) where T : class => ReduceStd(tensor, [axis], keepdims);

    /// <summary>The index of the largest value along <paramref name="axis"/> (FastEstimator's <c>argmax</c>, default
    /// axis 0; the first on ties), as an int64 tensor of the same engine.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[2, 7, 5], [9, 1, 3], [4, 8, 2]] → axis 0 <b>[1, 2, 0]</b>, axis 1 <b>[1, 0, 1]</b>.</remarks>
    /// <remarks>A float32 (or float16/bfloat16) row longer than 2²⁴ is arg-maxed in float64, widened exactly (order,
    /// ties, ±0 and NaN kept): an engine computing float32 in float32 ops holds the indices as float32 values, exact only
    /// to 2²⁴, and the channels-last engine gave 16777216 for index 16777217 before session 52.</remarks>
    public static object ArgMax(object tensor, int axis = 0)
    {
        if (tensor is not null && Inspect(tensor, nameof(tensor)) is var (engine, info)
            && info.DType is DType.Float32 or DType.Float16 or DType.BFloat16
            && axis >= -info.Shape.Length && axis < info.Shape.Length && info.Shape[axis < 0 ? axis + info.Shape.Length : axis] > 1 << 24)
        {
            object wide = engine.Cast(tensor, DType.Float64);
            try { return RunUntyped(new ArgMaxFunction(axis), [wide], TensorName); }
            finally { (wide as IDisposable)?.Dispose(); }
        }
        return RunUntyped(new ArgMaxFunction(axis), [tensor], TensorName);
    }
}
