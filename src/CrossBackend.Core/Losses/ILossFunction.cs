namespace CrossBackend;

/// <summary>The computation of one loss, written once over the general ops; options, weights and the reduction are
/// applied around it by <see cref="LossProgram"/>.</summary>
internal interface ILossFunction
{
    /// <summary>The per-element loss (and any weights of its own), after validating what only this loss knows.</summary>
    LossTerms<T> Compute<T>(LossContext<T> c) where T : class;
}

/// <summary>What a loss function returns.</summary>
/// <param name="Loss">The per-element loss (shape: y_pred's without the reduced axes), or the final result when
/// <paramref name="Reduced"/>.</param>
/// <param name="Weights">The loss's own per-element weights (class weights, ignore mask), or null.</param>
/// <param name="Valid">1 for counted elements and 0 for ignored ones (already part of <paramref name="Weights"/>): the
/// <see cref="Reduction.SumOverBatchSize"/> denominator is its sum.</param>
/// <param name="Reduced">The loss already applied the requested reduction (a fused kernel, or a loss that reduces by
/// its own options).</param>
/// <param name="WeightsInLoss">The loss already carries its own weights (sparse crossentropy with class weights and
/// label smoothing, where PyTorch weighs each class's term by its own weight): <paramref name="Weights"/> then only give
/// the <see cref="Reduction.WeightedMean"/> denominator and are not multiplied in again.</param>
internal readonly record struct LossTerms<T>(T Loss, T? Weights = null, T? Valid = null, bool Reduced = false, bool WeightsInLoss = false)
    where T : class;
