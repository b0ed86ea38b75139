namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Squared hinge loss, Keras's <c>squared_hinge</c>: mean(max(1 − y_true·y_pred, 0)²) over the axis, then the
    /// reduction, on either engine. Labels as in <see cref="Hinge{TPred,TTrue}"/> (all-{0, 1} tensors become {−1, 1}).
    /// </summary>
    /// <remarks>
    /// <para><b>Example</b> (Keras's tests): y_true = [[0, 1], [0, 0]], y_pred = [[0.6, 0.4], [0.4, 0.6]] give
    /// <b>1.86</b> (per element [1.46, 2.26]; sum 3.72; with sample weights [1, 0], 0.73).</para>
    /// </remarks>
    /// <param name="yPred">Predictions (scores), rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Labels in {−1, 1} (or all in {0, 1}), with y_pred's shape.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis.</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), or a prefix of the loss shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred SquaredHinge<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)SquaredHingeLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.SquaredHinge{TPred,TTrue}"/>.</summary>
internal sealed class SquaredHingeLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("squared_hinge",
        "mean(max(1 − y·p, 0)²) over the axis; labels all in {0, 1} become {−1, 1}", LossLabels.SameShape, [], new SquaredHingeLoss(),
        examples: HingeExamples.Keras([1.86], [3.72], [1.46, 2.26], [0.73], [1.46], [1.46, 0.0]));

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.SquaredHingeKerasLabels, new PointwiseLossParameters()) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        return new(o.Mean(o.Square(HingeLoss.Margin(c)), c.Axis));
    }
}
