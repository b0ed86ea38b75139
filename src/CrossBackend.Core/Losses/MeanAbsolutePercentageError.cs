namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Mean absolute percentage error, Keras's <c>mean_absolute_percentage_error</c>:
    /// 100 · mean(|(y_true − y_pred) / max(|y_true|, ε)|) over the axis, ε = 1e-7, then the reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para>The denominator max(|y_true|, 1e-7) (Keras 3) keeps a zero target finite: y_true = 0, y_pred = 0.5 gives
    /// 100 · 0.5 / 1e-7 = 5e8, not ∞. PyTorch has no such loss; torchmetrics' <c>MeanAbsolutePercentageError</c>
    /// uses ε = 1.17e-6 and no factor 100. FastEstimator has none.</para>
    /// <para><b>Example</b> (Keras's tests): y_true = [[1, 9, 2], [−5, −2, 6]], y_pred = [[4, 8, 12], [8, 1, 3]] give
    /// <b>211.85185</b> (per sample [270.370, 153.333]); with sample weights [[1.2], [3.4]], <b>422.8889</b>.</para>
    /// </remarks>
    /// <param name="yPred">Predictions, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred MeanAbsolutePercentageError<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)MeanAbsolutePercentageErrorLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.MeanAbsolutePercentageError{TPred,TTrue}"/>.</summary>
internal sealed class MeanAbsolutePercentageErrorLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("mean_absolute_percentage_error",
        "100 · mean(|(y_true − y_pred) / max(|y_true|, 1e-7)|) over the axis", LossLabels.SameShape, [],
        new MeanAbsolutePercentageErrorLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        // Keras's losses_test.py (MeanAbsolutePercentageErrorTest): values printed to 4 decimals, some truncated.
        const string Source = "Keras test";
        return
        [
            KerasTestExamples.Example(Source, [], 0.0001, [211.8518]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 2.3 } }, 0.0005, [487.259]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 0.0001, [422.8888]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 2.3 }, ["reduction"] = Reduction.None }, 0.0001, [621.8518, 352.6666]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 1.2, 3.4 }, ["reduction"] = Reduction.WeightedMean }, 0.0005, [183.865]),
            KerasTestExamples.Timestep(Source, 0.0001, 694.4444),
            KerasTestExamples.AllCorrect(),
            KerasTestExamples.ZeroWeighted(),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.AbsolutePercentageError) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        T y = c.Target;
        T denominator = o.Maximum(o.Abs(y), LossContext<T>.Epsilon);
        return new(o.Mul(o.Mean(o.Abs(o.Div(o.Sub(y, c.YPred), denominator)), c.Axis), 100));
    }
}
