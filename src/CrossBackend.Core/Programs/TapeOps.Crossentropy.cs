namespace CrossBackend;

/// <summary>
/// Categorical crossentropy through the engine's fused kernels on the tape: the forward is the engine's
/// <see cref="IFusedCrossentropy{TTensor}"/> kernel and the backward its <see cref="IFusedCrossentropyGradient{TTensor}"/>
/// pass, one gradient array instead of the composed graph's temporaries. Class weights, labels that need a gradient
/// and an engine without both kernels are declined, and the loss is differentiated through its composed general ops.
/// </summary>
internal sealed partial class TapeOps<T> : IFusedCrossentropy<TapeTensor<T>>
{
    /// <inheritdoc/>
    public TapeTensor<T>? CategoricalCrossentropy(TapeTensor<T> target, TapeTensor<T> output, bool fromLogits, int axis, double[]? classWeights) =>
        Crossentropy(target, output, fromLogits, axis, classWeights, sparse: false, mean: false);

    /// <inheritdoc/>
    public TapeTensor<T>? MeanCategoricalCrossentropy(TapeTensor<T> target, TapeTensor<T> output, bool fromLogits, int axis, double[]? classWeights) =>
        Crossentropy(target, output, fromLogits, axis, classWeights, sparse: false, mean: true);

    /// <inheritdoc/>
    public TapeTensor<T>? SparseCategoricalCrossentropy(TapeTensor<T> labels, TapeTensor<T> output, bool fromLogits, int axis) =>
        Crossentropy(labels, output, fromLogits, axis, null, sparse: true, mean: false);

    /// <inheritdoc/>
    public TapeTensor<T>? MeanSparseCategoricalCrossentropy(TapeTensor<T> labels, TapeTensor<T> output, bool fromLogits, int axis) =>
        Crossentropy(labels, output, fromLogits, axis, null, sparse: true, mean: true);

    private TapeTensor<T>? Crossentropy(TapeTensor<T> target, TapeTensor<T> output, bool fromLogits, int axis, double[]? classWeights, bool sparse, bool mean)
    {
        if (HidesFusedKernels || inner is not IFusedCrossentropy<T> fused) return null;
        if (!output.Tracked) return Forward(fused, target.Value, output.Value, fromLogits, axis, classWeights, sparse, mean) is { } plain ? Untracked(plain) : null;
        if (classWeights is not null || target.Tracked || inner is not IFusedCrossentropyGradient<T> gradient) return null;
        if (Forward(fused, target.Value, output.Value, fromLogits, axis, null, sparse, mean) is not { } loss) return null;
        TensorInfo info = inner.Describe(output.Value);
        int a = axis < 0 ? axis + info.Rank : axis;
        double scale = mean ? 1.0 / (Shapes.Count(info.Shape) / Math.Max(1, info.Shape[a])) : 1.0;   // the mean's 1 / rows
        return Record(loss, g => Accumulate(output,
            gradient.CrossentropyGradient(target.Value, sparse, output.Value, fromLogits, a, g, scale)
            ?? ComposedGradient(target.Value, sparse, output.Value, fromLogits, a, info, g, scale)), output);
    }

    /// <summary>The same gradient in general ops, for a layout the engine's pass declines: from logits
    /// (softmax·Σy − y)·u; from probabilities the composed graph's own steps (q = x / Σx, the clip's mask, the division's
    /// two terms).</summary>
    private T ComposedGradient(T target, bool sparse, T output, bool fromLogits, int axis, TensorInfo info, T upstream, double scale)
    {
        T labels = sparse ? inner.OneHot(target, (int)info.Shape[axis], axis, info.DType) : target;
        long[] perRow = (long[])info.Shape.Clone();
        perRow[axis] = 1;
        T u = inner.Reshape(upstream, Shapes.Count(inner.ShapeOf(upstream)) == 1 ? [] : perRow);
        if (scale != 1) u = Mul(u, Scalar(scale, output));
        if (fromLogits)
            return Mul(Sub(Mul(inner.Softmax(output, axis), inner.Reduce(ReduceOp.Sum, labels, [axis], keepDims: true)), labels), u);
        T sum = inner.Reduce(ReduceOp.Sum, output, [axis], keepDims: true);
        T q = Div(output, sum);
        T p = inner.Clip(q, KerasEpsilon.Value, 1 - KerasEpsilon.Value);
        T zero = Scalar(0, output);
        // The clip passes the gradient where ε ≤ q ≤ 1 − ε, its bounds rounded to the dtype (TapeOps.Clip's rule).
        T value = Div(Mul(inner.Unary(UnaryOp.Negate, u), labels), p);
        T belowMax = inner.Where(inner.Compare(CompareOp.LessEqual, q, inner.Clip(q, 1 - KerasEpsilon.Value, 1 - KerasEpsilon.Value)), value, zero);
        T g = inner.Where(inner.Compare(CompareOp.GreaterEqual, q, inner.Clip(q, KerasEpsilon.Value, KerasEpsilon.Value)), belowMax, zero);
        T shared = inner.Reduce(ReduceOp.Sum, inner.Unary(UnaryOp.Negate, Div(Mul(g, q), sum)), [axis], keepDims: true);
        return Add(Div(g, sum), shared);
    }

    private static T? Forward(IFusedCrossentropy<T> fused, T target, T output, bool fromLogits, int axis, double[]? classWeights, bool sparse, bool mean) =>
        (sparse, mean) switch
        {
            (true, true) => fused.MeanSparseCategoricalCrossentropy(target, output, fromLogits, axis),
            (true, false) => fused.SparseCategoricalCrossentropy(target, output, fromLogits, axis),
            (false, true) => fused.MeanCategoricalCrossentropy(target, output, fromLogits, axis, classWeights),
            (false, false) => fused.CategoricalCrossentropy(target, output, fromLogits, axis, classWeights),
        };
}
