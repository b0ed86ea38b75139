namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Tversky loss, Keras 3's <c>tversky</c>: 1 − TP / (TP + α·Σ(y_true·(1 − y_pred)) + β·Σ(y_pred·(1 − y_true)) + ε)
    /// over <paramref name="axes"/> (TP = Σ y_true·y_pred, ε = 1e-7), on either engine. α = β = 0.5 is Dice.
    /// </summary>
    /// <remarks>
    /// <para><b>Keras's formula, not its docstring:</b> Keras documents α as weighting false positives, but multiplies
    /// it by Σ y_true·(1 − y_pred), the soft <i>false negatives</i> (and β by the false positives). We compute Keras's
    /// formula so ported models train identically. Worked example: y_true = [1, 0], y_pred = [0.2, 0.9], α = 0.2,
    /// β = 0.8: TP = 0.2, Σ y(1 − p) = 0.8, Σ p(1 − y) = 0.9, loss = 1 − 0.2 / (0.2 + 0.16 + 0.72) = 0.8148; with the
    /// docstring's reading (α on false positives) it would be 1 − 0.2 / (0.2 + 0.18 + 0.64) = 0.8039.</para>
    /// <para><b>Axes:</b> as <see cref="Dice{TPred,TTrue}"/>: by default every axis, the batch included.</para>
    /// <para><b>Examples</b> (Keras's tests): y_true = [[1, 2], [1, 2]], y_pred = [[4, 1], [6, 1]] give
    /// <b>−0.55555546</b>, and with α = 0.2, β = 0.8 <b>−0.29629636</b>; the 4×4 binary masks give <b>0.77777773</b>
    /// and, with α = 0.2, β = 0.8, <b>0.7916667</b>; per sample with <c>axis=(1, 2, 3)</c>, <b>[0.5, 0.75757575]</b>
    /// and <b>[0.5, 0.7222222]</b>. PyTorch and FastEstimator have no Tversky loss.</para>
    /// </remarks>
    /// <param name="yPred">Predictions, any rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape (cast to y_pred's dtype).</param>
    /// <param name="alpha">The weight of Σ y_true·(1 − y_pred); a finite number ≥ 0.</param>
    /// <param name="beta">The weight of Σ y_pred·(1 − y_true); a finite number ≥ 0.</param>
    /// <param name="axes">The axes summed over; null: every axis (Keras's default).</param>
    /// <param name="reduction">How the per-sample losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, or a prefix of the loss shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred Tversky<TPred, TTrue>(TPred yPred, TTrue yTrue, double alpha = 0.5, double beta = 0.5,
        int[]? axes = null, Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)TverskyLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [TverskyLoss.Alpha.Name] = alpha,
            [TverskyLoss.Beta.Name] = beta,
            [LossOption.Axis.Name] = axes,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.Tversky{TPred,TTrue}"/>.</summary>
internal sealed class TverskyLoss : ILossFunction
{
    internal static readonly LossOption Alpha = LossOption.NonNegative("alpha", "alpha", 0.5, "the weight of Σ y_true·(1 − y_pred)");
    internal static readonly LossOption Beta = LossOption.NonNegative("beta", "beta", 0.5, "the weight of Σ y_pred·(1 − y_true)");

    public static readonly LossDefinition Definition = new("tversky",
        "1 − TP / (TP + α·Σy(1 − p) + β·Σp(1 − y) + 1e-7) over the axes (default: every axis, the batch included)",
        LossLabels.SameShape, [Alpha, Beta], new TverskyLoss(), examples: Examples()) { EveryAxisByDefault = true };

    private static LossExample[] Examples()
    {
        var custom = new Dictionary<string, object?> { ["alpha"] = 0.2, ["beta"] = 0.8 };
        return
        [
            new("Keras test", [4, 1, 6, 1], [2, 2], [1, 2, 1, 2], null, LossExample.Defaults, [-0.55555546]),
            new("Keras test", [4, 1, 6, 1], [2, 2], [1, 2, 1, 2], null, custom, [-0.29629636]),
            new("Keras test", KerasMasks.SegmentationPred, [4, 4], KerasMasks.SegmentationTrue, null, LossExample.Defaults, [0.77777773]),
            new("Keras test", KerasMasks.SegmentationPred, [4, 4], KerasMasks.SegmentationTrue, null, custom, [0.7916667]),
            new("Keras test", KerasMasks.AxisPred, [2, 2, 2, 1], KerasMasks.AxisTrue, null,
                new Dictionary<string, object?> { ["axis"] = new[] { 1, 2, 3 }, ["reduction"] = Reduction.None }, [0.5, 0.75757575]),
            new("Keras test", KerasMasks.AxisPred, [2, 2, 2, 1], KerasMasks.AxisTrue, null,
                new Dictionary<string, object?> { ["alpha"] = 0.2, ["beta"] = 0.8, ["axis"] = new[] { 1, 2, 3 }, ["reduction"] = Reduction.None },
                [0.5, 0.7222222]),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (!c.AxisGiven && SumAndSparseFused.WholeTensor(c, WholeTensorLossKind.Tversky, c.Number(Alpha), c.Number(Beta)) is { } fused)
            return fused;
        ITensorOps<T> o = c.Ops;
        int[]? axes = c.AxisGiven ? c.Axes : null;
        T y = c.Target, p = c.YPred;
        T truePositives = o.Dot(y, p, axes, keepDims: false);
        // Keras names these fp and fn; they are Σ y·(1 − p) and Σ p·(1 − y), weighted by alpha and beta in that order.
        // Taken as Σy − TP and Σp − TP (the same sums without two (1 − x) tensors and two products; the cancellation
        // error is ε·Σy, far below the float32 tolerance of the ratio).
        T missed = o.Sub(o.Sum(y, axes), truePositives);
        T extra = o.Sub(o.Sum(p, axes), truePositives);
        T denominator = o.Add(o.Add(o.Add(truePositives, o.Mul(missed, c.Number(Alpha))), o.Mul(extra, c.Number(Beta))), LossContext<T>.Epsilon);
        return new(o.RSub(1, o.Div(truePositives, denominator)));
    }
}
