namespace CrossBackend;

/// <summary>Percentiles with "lower" interpolation: sort along the flattened reduced axes, then one take.</summary>
internal sealed class PercentileFunction(double[] percentiles, bool single, int[]? axes, bool keepDims)
    : FunctionProgram(ResultDTypes.SameAsInput, exact: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        int rank = shape.Length;
        int[] reduced = axes is null ? Enumerable.Range(0, rank).ToArray() : Backend.Axes(axes, rank, "axis", "tensor", shape).Order().ToArray();
        int[] kept = Enumerable.Range(0, rank).Except(reduced).ToArray();
        int[] order = [.. kept, .. reduced];
        long n = reduced.Aggregate(1L, (p, d) => p * shape[d]);
        if (n == 0)
            throw new ArgumentException($"Argument `tensor` must have elements along `axis` to take percentiles of. Received: tensor.shape={TensorInfo.FormatShape(shape)}", "tensor");
        long[] keptShape = kept.Select(d => shape[d]).ToArray();
        T moved = order.SequenceEqual(Enumerable.Range(0, rank)) ? x : o.Permute(x, order);
        T sorted = o.Sort(o.Reshape(moved, [.. keptShape, n]), -1);

        // numpy 'lower' and FastEstimator's torch kthvalue: index floor(p/100 · (n − 1)) of the sorted values.
        double[] index = percentiles.Select(p => Math.Floor(p / 100.0 * (n - 1))).ToArray();
        // One take at an index tensor, whose values an engine computing in float32 holds as float32 (exact to 2²⁴);
        // beyond that, one slice per percentile, whose start is a long (2²⁴ + 1 was read as 2²⁴ before session 52).
        T picked = index.All(i => i <= 1 << 24)
            ? o.Take(sorted, o.FromValues(index, [index.Length], DType.Int64), keptShape.Length)                  // (kept..., P)
            : o.Concat(index.Select(i => o.Slice(sorted, keptShape.Length, (long)i, 1)).ToArray(), keptShape.Length);
        if (o.DTypeOf(x).IsFloatingPoint())
        {
            // A NaN among a group's values makes each of its percentiles NaN, as FastEstimator's TensorFlow path
            // (tfp.stats.percentile: "Propagate NaNs") and NumPy path (np.percentile) give; its torch path's kthvalue
            // would sort NaN last. The sort puts NaN last here too, so the group's last sorted value tells.
            T last = o.Slice(sorted, keptShape.Length, n - 1, 1);                                              // (kept..., 1)
            picked = o.Where(o.Compare(CompareOp.NotEqual, last, last), last, picked);
        }
        T first = keptShape.Length == 0 ? picked : o.MoveAxis(picked, keptShape.Length, 0);               // (P, kept...)
        long[] resultShape = keepDims ? shape.Select((d, i) => reduced.Contains(i) ? 1 : d).ToArray() : keptShape;
        return [o.Reshape(first, single ? resultShape : [percentiles.Length, .. resultShape])];
    }
}

public static partial class Backend
{
    /// <summary>
    /// The <paramref name="percentiles"/> of <paramref name="tensor"/> over <paramref name="axis"/> (null: all axes),
    /// FastEstimator's <c>percentile</c>: the value p/100 of the way through the sorted values, taking the lower of two
    /// neighbours (NumPy's <c>interpolation='lower'</c>), with the percentiles as a new leading axis and, by default,
    /// the reduced axes kept as length 1. The dtype is kept. A NaN among the values gives NaN for each of their
    /// percentiles (FastEstimator's TensorFlow and NumPy paths; its torch path's <c>kthvalue</c> sorts NaN last).
    /// </summary>
    /// <remarks><b>Example</b> (FastEstimator): [[1, 2, 3], [4, 5, 6], [7, 8, 9]] with [66] → <b>[[[6]]]</b>; axis 0 →
    /// <b>[[[4, 5, 6]]]</b>; axis 1 → <b>[[[2], [5], [8]]]</b>. Cost: one sort along the reduced axes (torch's
    /// <c>sort</c>), one take.</remarks>
    public static T Percentile<T>(T tensor, double[] percentiles, int[]? axis = null, bool keepdims = true) where T : class
    {
        ArgumentNullException.ThrowIfNull(percentiles);
        RequirePercentiles(percentiles);
        return Run<T>(nameof(Percentile), new PercentileFunction(percentiles, single: false, axis, keepdims), [tensor], TensorName);
    }

    /// <summary>One percentile (FastEstimator's <c>percentile</c> with an int in <c>percentiles</c>): no leading
    /// percentile axis.</summary>
    public static T Percentile<T>(T tensor, double percentiles, int[]? axis = null, bool keepdims = true) where T : class
    {
        RequirePercentiles([percentiles]);
        return Run<T>(nameof(Percentile), new PercentileFunction([percentiles], single: true, axis, keepdims), [tensor], TensorName);
    }

    private static void RequirePercentiles(double[] percentiles)
    {
        if (percentiles.Length == 0 || percentiles.Any(p => !(p >= 0 && p <= 100)))
            throw new ArgumentOutOfRangeException(nameof(percentiles), $"Argument `percentiles` must hold values in [0, 100]. Received: percentiles={Format(percentiles)}");
    }
}
