namespace CrossBackend;

/// <summary>
/// Crossentropy from logits through the engine's fused kernels on the tape: the forward is the engine's
/// <see cref="IFusedCrossentropy{TTensor}"/> kernel and the backward its <see cref="IFusedSoftmaxCrossentropyGradient{TTensor}"/>
/// pass, one gradient array instead of the composed log-softmax graph's temporaries. Everything else (probabilities,
/// class weights, labels that need a gradient, an engine without both kernels) is declined, and the loss is
/// differentiated through its composed general ops.
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
        if (!fromLogits || classWeights is not null || target.Tracked || inner is not IFusedSoftmaxCrossentropyGradient<T> gradient) return null;
        if (Forward(fused, target.Value, output.Value, fromLogits, axis, null, sparse, mean) is not { } loss) return null;
        TensorInfo logits = inner.Describe(output.Value);
        int a = axis < 0 ? axis + logits.Rank : axis;
        double scale = mean ? 1.0 / (Shapes.Count(logits.Shape) / Math.Max(1, logits.Shape[a])) : 1.0;
        return Record(loss, g => Accumulate(output,
            gradient.SoftmaxCrossentropyGradient(target.Value, sparse, output.Value, a, g, scale)
            ?? ComposedGradient(target.Value, sparse, output.Value, a, logits, g, scale)), output);
    }

    /// <summary>The same gradient in general ops, (softmax·Σy − y)·u, for a layout the engine's pass declines.</summary>
    private T ComposedGradient(T target, bool sparse, T logits, int axis, TensorInfo info, T upstream, double scale)
    {
        T softmax = inner.Softmax(logits, axis);
        T d = sparse
            ? Sub(softmax, inner.OneHot(target, (int)info.Shape[axis], axis, info.DType))
            : Sub(Mul(softmax, inner.Reduce(ReduceOp.Sum, target, [axis], keepDims: true)), target);
        long[] perRow = (long[])info.Shape.Clone();
        perRow[axis] = 1;
        T u = Shapes.Count(inner.Describe(upstream).Shape) == 1
            ? inner.Reshape(upstream, [.. Enumerable.Repeat(1L, info.Rank)])
            : inner.Reshape(upstream, perRow);
        return Mul(d, scale == 1 ? u : Mul(u, inner.Full([.. Enumerable.Repeat(1L, info.Rank)], scale, info.DType)));
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
