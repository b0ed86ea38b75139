namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Categorical hinge loss, Keras's <c>categorical_hinge</c>: max(neg − pos + 1, 0) with pos = Σ y_true·y_pred and
    /// neg = max((1 − y_true)·y_pred) over the class axis, then the reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para>Labels are one-hot (or {−1, 1}); unlike <see cref="Hinge{TPred,TTrue}"/> nothing is converted. Because neg
    /// is a max over (1 − y)·p, the true class enters it as 0, so with all predictions negative neg is 0 (Keras's
    /// definition, kept). PyTorch's nearest relative is <c>MultiMarginLoss</c> (margin 1, p = 1), which averages
    /// max(0, 1 − p[y] + p[j]) over every j ≠ y instead of taking the largest: for y = [0, 1, 0],
    /// p = [0.3, 0.5, 0.4] Keras and we give 0.9, <c>MultiMarginLoss</c> gives (0.8 + 0.9) / 3 = 0.5667.
    /// FastEstimator has no categorical hinge.</para>
    /// <para><b>Example</b> (Keras's tests): y_true = [[0, 1], [0, 0]], y_pred = [[0.6, 0.4], [0.4, 0.6]] give
    /// <b>1.4</b> (per element [1.2, 1.6]; sum 2.8; with sample weights [1, 0], 0.6).</para>
    /// </remarks>
    /// <param name="yPred">Predictions (scores), rank ≥ 1, floating point.</param>
    /// <param name="yTrue">One-hot labels with y_pred's shape.</param>
    /// <param name="axis">The class axis; default the engine's (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), or a prefix of the loss shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentException">Shapes differ, the class axis is empty, y_pred is not floating point, or
    /// the tensors belong to different engines or devices.</exception>
    public static TPred CategoricalHinge<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)CategoricalHingeLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.CategoricalHinge{TPred,TTrue}"/>.</summary>
internal sealed class CategoricalHingeLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("categorical_hinge",
        "max(max((1 − y)·p) − Σ y·p + 1, 0) over the class axis", LossLabels.SameShape, [], new CategoricalHingeLoss(),
        examples:
        [
            .. HingeExamples.Keras([1.4], [2.8], [1.2, 1.6], [0.6], [1.2], [1.2, 0.0]),
            // The MultiMarginLoss contrast of the XML doc: Keras's definition takes the largest wrong score.
            new("Keras definition (MultiMarginLoss gives 0.5667)", [0.3, 0.5, 0.4], [1, 3], [0, 1, 0], null,
                new Dictionary<string, object?> { ["reduction"] = Reduction.None }, [0.9]),
        ]);

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        c.RequireClasses();
        if (PointwiseFused.Try(c, PointwiseLossKind.CategoricalHinge, new PointwiseLossParameters()) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        T y = c.Target;
        T pos = o.Dot(y, c.YPred, [c.Axis], keepDims: false);
        T neg = o.Max(o.Mul(o.RSub(1, y), c.YPred), c.Axis);
        return new(o.Maximum(o.Add(o.Sub(neg, pos), 1), 0));
    }
}
