namespace CrossBackend;

/// <summary>
/// Optional: <c>dice_score</c>'s ratio 2·Σ p·y / (Σ p + Σ y + ε) over the same axes (with <c>squares</c>, Σ p² + Σ y²
/// in the denominator) in one call that finishes in place on the small sums, for an engine whose general ops make one
/// tensor each (TorchSharp: four native tensors, as hand-written code, instead of eight). The composed definition in
/// <c>DiceScore.cs</c> defines the numbers; the fused-vs-composed tests (<c>DiceSumsFusedTests</c>) hold this to it.
/// </summary>
public interface IFusedDiceRatio<TTensor> where TTensor : class
{
    /// <summary>The ratio over <paramref name="axes"/> (removed from the shape), or null to decline any case the kernel
    /// was not written for (the core then composes it).</summary>
    /// <param name="p">y_pred, after the score's own masking and thresholding.</param>
    /// <param name="y">y_true, of p's shape and dtype.</param>
    /// <param name="axes">The summed (spatial) axes, non-negative.</param>
    /// <param name="squares">Sum the squares of p and y in the denominator (soft Dice).</param>
    /// <param name="epsilon">Added to the denominator.</param>
    TTensor? DiceRatio(TTensor p, TTensor y, int[] axes, bool squares, double epsilon);
}
