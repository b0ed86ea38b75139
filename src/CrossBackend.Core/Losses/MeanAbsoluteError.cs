namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Mean absolute error, Keras's <c>mean_absolute_error</c>: mean(|y_true − y_pred|) over the axis, then the
    /// reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Example</b> (Keras's tests): y_true = [[1, 9, 2], [−5, −2, 6]], y_pred = [[4, 8, 12], [8, 1, 3]] give
    /// <b>5.5</b>; with sample weights [[1.2], [3.4]], 81.4 / 6 = <b>13.5667</b>; with
    /// <see cref="Reduction.None"/> and a scalar weight 2.3, <b>[10.7333, 14.5667]</b>. PyTorch's <c>L1Loss</c>
    /// averages over every element (here also 5.5); FastEstimator's <c>l1_loss</c> is this loss unreduced (see
    /// <see cref="L1Loss{TPred,TTrue}"/>). The gradient of |x| at x = 0 is 0 on every engine.</para>
    /// </remarks>
    /// <param name="yPred">Predictions, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred MeanAbsoluteError<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)MeanAbsoluteErrorLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.MeanAbsoluteError{TPred,TTrue}"/>.</summary>
internal sealed class MeanAbsoluteErrorLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("mean_absolute_error", "mean(|y_true − y_pred|) over the axis",
        LossLabels.SameShape, [], new MeanAbsoluteErrorLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        // Keras's losses_test.py (MeanAbsoluteErrorTest). It checks to 3 decimals and prints some values truncated.
        const string Source = "Keras test";
        return
        [
            KerasTestExamples.Example(Source, [], 0, [5.5]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 2.3 } }, 0, [12.65]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 0, [81.4 / 6]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 2.3 }, ["reduction"] = Reduction.None }, 0.0001, [10.7333, 14.5666]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 2.3 }, ["reduction"] = Reduction.Sum }, 0.00001, [25.29999]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 1.2, 3.4 }, ["reduction"] = Reduction.WeightedMean }, 0,
                [(14.0 / 3 * 1.2 + 19.0 / 3 * 3.4) / (1.2 + 3.4)]),
            KerasTestExamples.Timestep(Source, 0.0000005, 13.833333),
            KerasTestExamples.AllCorrect(),
            KerasTestExamples.ZeroWeighted(),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.AbsoluteError) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        return new(o.Mean(o.Abs(o.Sub(c.Target, c.YPred)), c.Axis));
    }
}
