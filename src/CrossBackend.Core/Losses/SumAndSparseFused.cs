namespace CrossBackend;

/// <summary>
/// The doors to an engine's <see cref="IFusedWholeTensorLoss{TTensor}"/> and <see cref="IFusedSparseLoss{TTensor}"/>
/// kernels, used as <see cref="PointwiseFused"/> is: only when the engine offers one and the case is the ordinary one
/// (no sample or class weights, no ignored class); the loss's composed code stays its definition and runs whenever the
/// kernel declines.
/// </summary>
internal static class SumAndSparseFused
{
    /// <summary>Whether the call's reduction of per-element losses is their plain mean (no sample weights).</summary>
    private static bool PlainMean<T>(LossContext<T> c) where T : class =>
        c.Tensor(LossOption.SampleWeights) is null && c.Reduction is Reduction.SumOverBatchSize or Reduction.WeightedMean;

    /// <summary>A whole-tensor loss (one number; every reduction leaves it as it is without sample weights), or null
    /// when the engine has no kernel, declines, or sample weights are given.</summary>
    public static LossTerms<T>? WholeTensor<T>(LossContext<T> c, WholeTensorLossKind kind, double first = 0, double second = 0, bool target = true)
        where T : class
    {
        if (c.Ops is not IFusedWholeTensorLoss<T> fused || c.Tensor(LossOption.SampleWeights) is not null) return null;
        T? loss = fused.WholeTensorLoss(kind, first, second, target ? c.Target : null, c.YPred);
        return loss is null ? null : new LossTerms<T>(loss, Reduced: true);
    }

    /// <summary>A sparse-label loss on the labels as given (the kernel establishes they are class indices or
    /// declines), or null when the engine has no kernel or declines. The kernel gets y_true not yet adopted when the
    /// dispatcher left it so (int64 labels on an engine of float tensors: no float copy), else the labels in the
    /// per-element loss shape.</summary>
    public static LossTerms<T>? Sparse<T>(LossContext<T> c, SparseLossKind kind, double parameter = 0) where T : class
    {
        if (c.Ops is not IFusedSparseLoss<T> fused) return null;
        bool mean = PlainMean(c);
        object labels = c.YTrueNotYetAdopted ?? SparseCategoricalCrossentropyLoss.ShapedLabels(c, c.Axis);
        T? loss = fused.SparseLoss(kind, parameter, labels, c.YPred, c.Axis, mean);
        return loss is null ? null : new LossTerms<T>(loss, Reduced: mean);
    }
}
