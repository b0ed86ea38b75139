namespace CrossBackend;

/// <summary>
/// The element-wise losses' door to an engine's <see cref="IFusedPointwiseLoss{TTensor}"/> kernel, used as
/// <c>CategoricalCrossentropy</c> uses its fused kernel: only when the engine offers it and the case qualifies (one
/// axis); the plain mean (no sample weights, the default reductions) comes back already reduced, one native tensor.
/// The loss's composed code stays its definition and runs whenever the kernel declines.
/// </summary>
internal static class PointwiseFused
{
    /// <summary>The fused loss terms, or null when the engine has no kernel or declines the case.</summary>
    /// <param name="c">The loss call.</param>
    /// <param name="kind">The element-wise function.</param>
    /// <param name="parameter">Huber's delta or SmoothL1's beta.</param>
    public static LossTerms<T>? Try<T>(LossContext<T> c, PointwiseLossKind kind, double parameter = 0)
        where T : class
    {
        if (c.Ops is not IFusedPointwiseLoss<T> fused || c.Axes.Length != 1) return null;
        bool mean = c.Tensor(LossOption.SampleWeights) is null && c.Reduction is Reduction.SumOverBatchSize or Reduction.WeightedMean;
        T? loss = fused.PointwiseLoss(kind, parameter, c.Target, c.YPred, c.Axis, mean);
        return loss is null ? null : new LossTerms<T>(loss, Reduced: mean);
    }

    /// <summary>The fused loss terms of a kind with several options (<see cref="PointwiseLossParameters"/>) on
    /// <see cref="LossContext{T}.Target"/>, or null as above.</summary>
    public static LossTerms<T>? Try<T>(LossContext<T> c, PointwiseLossKind kind, PointwiseLossParameters parameters) where T : class
    {
        if (c.Axes.Length != 1) return null;
        bool mean = c.Tensor(LossOption.SampleWeights) is null && c.Reduction is Reduction.SumOverBatchSize or Reduction.WeightedMean;
        T? loss = Kernel(c, kind, parameters, mean);
        return loss is null ? null : new LossTerms<T>(loss, Reduced: mean);
    }

    /// <summary>The engine's kernel along <see cref="LossContext{T}.Axis"/> (per sample, or the mean of the per-sample
    /// values), or null when the engine has none or declines.</summary>
    public static T? Kernel<T>(LossContext<T> c, PointwiseLossKind kind, PointwiseLossParameters parameters, bool meanOverAll) where T : class =>
        c.Ops is IFusedPointwiseLoss<T> fused ? fused.PointwiseLoss(kind, parameters, c.Target, c.YPred, c.Axis, meanOverAll) : null;
}
