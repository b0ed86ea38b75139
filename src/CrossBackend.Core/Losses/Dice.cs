namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Dice loss, Keras 3's <c>dice</c>: 1 − 2·Σ(y_true·y_pred) / (Σ y_true + Σ y_pred + ε) over <paramref name="axes"/>
    /// (ε = 1e-7), on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Axes (Keras's default):</b> without <paramref name="axes"/> the sums run over <i>every</i> axis, the
    /// batch included, so the result is one number for the whole batch (Keras's <c>axis=None</c>); give the non-batch
    /// axes, e.g. <c>[1, 2, 3]</c>, for one loss per sample. Axes refer to the engine's layout (channels-first on
    /// torch); a set of axes holding every non-batch axis means the same on both engines.</para>
    /// <para><b>Examples</b> (Keras's tests): y_true = [[1, 2], [1, 2]], y_pred = [[4, 1], [6, 1]] give
    /// <b>−0.55555546</b> (2·14 / 18 = 1.5556: the loss is not bounded below when the inputs are not in [0, 1]); the
    /// 4×4 binary masks of <c>test_binary_segmentation</c> give <b>0.77777773</b>; per sample with
    /// <c>axis=(1, 2, 3)</c> on (2, 2, 2, 1) masks, <b>[0.5, 0.75757575]</b>.</para>
    /// <para><b>Elsewhere:</b> PyTorch has no Dice loss. FastEstimator's <c>dice_score</c> is a score (no 1 −), per
    /// sample and channel (sums over the spatial axes only), with ε = 1e-6: see
    /// <see cref="DiceScore{TPred,TTrue}"/>.</para>
    /// </remarks>
    /// <param name="yPred">Predictions, any rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape (cast to y_pred's dtype).</param>
    /// <param name="axes">The axes summed over; null: every axis (Keras's default).</param>
    /// <param name="reduction">How the per-sample losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, or a prefix of the loss shape (needs
    /// <paramref name="axes"/> that keep the batch axis).</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred Dice<TPred, TTrue>(TPred yPred, TTrue yTrue, int[]? axes = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)DiceLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axes,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.Dice{TPred,TTrue}"/>.</summary>
internal sealed class DiceLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("dice",
        "1 − 2·Σ(y·p) / (Σy + Σp + 1e-7) over the axes (default: every axis, the batch included)",
        LossLabels.SameShape, [], new DiceLoss(), examples: Examples()) { EveryAxisByDefault = true };

    internal static LossExample[] Examples() =>
    [
        new("Keras test", [4, 1, 6, 1], [2, 2], [1, 2, 1, 2], null, LossExample.Defaults, [-0.55555546]),
        new("Keras test", KerasMasks.SegmentationPred, [4, 4], KerasMasks.SegmentationTrue, null, LossExample.Defaults, [0.77777773]),
        new("Keras test", KerasMasks.AxisPred, [2, 2, 2, 1], KerasMasks.AxisTrue, null,
            new Dictionary<string, object?> { ["axis"] = new[] { 1, 2, 3 }, ["reduction"] = Reduction.None }, [0.5, 0.75757575]),
        // Keras's docstring value over every axis, 0.6164384 (1 − 2.8 / (7.3 + 1e-7)), times (2,) sample weights
        // [0.3, 0.1]: reduce_weighted_values multiplies the rank-0 loss by the weights (shape (2,)) and
        // sum_over_batch_size divides by 2, l·mean(w) = 0.12328767 (float64 by hand).
        new("Keras docstring, weighted (loss.py reduce_weighted_values)", KerasMasks.AxisPred, [2, 2, 2, 1], KerasMasks.AxisTrue, null,
            new Dictionary<string, object?> { ["sample_weights"] = new[] { 0.3, 0.1 } }, [0.12328767],
            TensorShapes: new Dictionary<string, long[]> { ["sample_weights"] = [2] }),
        // FastEstimator's dice_loss (2022, test_dice_loss.py; numpy, TensorFlow and PyTorch alike): one (1, 3, 3, 3) mask
        // pooled over axes (1, 2, 3), 1 − 2·13 / 31 = 0.16129, asserted to 0.161 ± 0.001 (its denominator is
        // max(Σy + Σp, 1) instead of + ε: the same here). Its log_loss (−log of the score, 0.176) has no option here.
        new("FastEstimator test (dice_loss)", FastEstimatorDiceMasks.Pred, [1, 3, 3, 3], FastEstimatorDiceMasks.True, null,
            new Dictionary<string, object?> { ["reduction"] = Reduction.None }, [0.161], Rounding: 0.001),
    ];

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (!c.AxisGiven && SumAndSparseFused.WholeTensor(c, WholeTensorLossKind.Dice) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        int[]? axes = c.AxisGiven ? c.Axes : null;
        T intersection = o.Dot(c.Target, c.YPred, axes, keepDims: false);
        T denominator = o.Add(o.Add(o.Sum(c.Target, axes), o.Sum(c.YPred, axes)), LossContext<T>.Epsilon);
        return new(o.RSub(1, o.Div(o.Mul(intersection, 2), denominator)));
    }
}

/// <summary>The inputs of Keras's Dice and Tversky tests (<c>keras/src/losses/losses_test.py</c>), shared by both
/// losses' examples.</summary>
internal static class KerasMasks
{
    public static readonly double[] SegmentationTrue = [1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1];
    public static readonly double[] SegmentationPred = [0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1];
    public static readonly double[] AxisTrue = [1, 1, 0, 0, 1, 1, 0, 0];
    public static readonly double[] AxisPred = [0, 1, 0, 1, 0.4, 0, 0, 0.9];
}
