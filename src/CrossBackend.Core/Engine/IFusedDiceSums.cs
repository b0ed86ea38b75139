namespace CrossBackend;

/// <summary>
/// Optional: the three sums a Dice score divides (<c>dice_score</c>), over the same axes, in one pass over both
/// inputs instead of a product tensor and three reductions. The composed definition is
/// <c>Dot(p, y, axes)</c>, <c>Sum(p, axes)</c>, <c>Sum(y, axes)</c> (with <c>squares</c>:
/// <c>Sum(Square(p))</c>, <c>Sum(Square(y))</c>); a kernel gives the same numbers within the dtype's tolerance
/// (products and squares rounded to the dtype, sums as the engine's <see cref="ITensorOps{TTensor}.Reduce"/> sums).
/// </summary>
public interface IFusedDiceSums<TTensor> where TTensor : class
{
    /// <summary>Σ p·y, Σ p (or Σ p²) and Σ y (or Σ y²) over <paramref name="axes"/> (removed from the shape), or null
    /// to decline any case the kernel was not written for (the core then composes them).</summary>
    /// <param name="p">y_pred.</param>
    /// <param name="y">y_true, of p's shape and dtype.</param>
    /// <param name="axes">The summed axes (non-negative).</param>
    /// <param name="squares">Sum the squares of p and y (the soft Dice denominator).</param>
    (TTensor Intersection, TTensor PredSum, TTensor TrueSum)? DiceSums(TTensor p, TTensor y, int[] axes, bool squares);
}
