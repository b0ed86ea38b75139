namespace CrossBackend;

/// <summary>
/// The options of the <see cref="PointwiseLossKind"/> kinds that take more than one number (the crossentropy and
/// focal kinds); a kind ignores the ones it has no use for.
/// </summary>
/// <param name="Gamma">The focal exponent γ ≥ 0 (0: no modulating factor).</param>
/// <param name="Alpha">The class-balancing weight α (binary focal: α_t = y·α + (1 − y)·(1 − α); categorical focal:
/// every class's weight); null for none.</param>
/// <param name="LabelSmoothing">In [0, 1]: y becomes y·(1 − ls) + ls/2 (binary kinds) or ls/C (categorical).</param>
/// <param name="FromLogits">Whether y_pred holds logits.</param>
/// <param name="Normalize">FastEstimator's focal_loss: divide each sample by max(Σ y, 1).</param>
public readonly record struct PointwiseLossParameters(
    double Gamma = 0, double? Alpha = null, double LabelSmoothing = 0, bool FromLogits = false, bool Normalize = false)
{
    /// <summary>Whether the kind sums along the axis (its per-sample loss is a sum, not a mean).</summary>
    public static bool Sums(PointwiseLossKind kind) =>
        kind is PointwiseLossKind.CategoricalFocalCrossentropy or PointwiseLossKind.FocalLoss or PointwiseLossKind.KLDivergence;
}
