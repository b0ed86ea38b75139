namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// FastEstimator's <c>l1_loss</c>: mean(|y_true − y_pred|) per sample, over the axes given (default the class
    /// axis), then the reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>FastEstimator's versions differ in the axes:</b> FastEstimator 1.5 (TensorFlow and PyTorch) averages
    /// over every non-batch axis, FastEstimator 1.6+ (PyTorch only) over the last axis. For (Batch, C) inputs they
    /// agree; for (2, 3, 4) inputs 1.5 gives 2 values and 1.6 gives (2, 3). We follow the class axis (1.6 and Keras's
    /// <c>mean_absolute_error</c>); pass <c>axis: [1, 2, …]</c> for 1.5's per-sample mean. FastEstimator returns the
    /// per-sample values: that is <see cref="Reduction.None"/> here; the default reduction is Keras's sum over batch
    /// size, as for every loss. PyTorch's <c>L1Loss</c> averages over every element.</para>
    /// <para><b>Example</b> (FastEstimator's docstring): y_true = [[0,1,0,0], [0,0,0,1], [0,0,1,0], [1,0,0,0]],
    /// y_pred = [[0.1,0.9,0.05,0.05], [0.1,0.2,0,0.7], [0,0.15,0.8,0.05], [1,0,0,0]] with
    /// <see cref="Reduction.None"/> give <b>[0.075, 0.15, 0.1, 0]</b>; y_true = [[1], [3], [2], [0]],
    /// y_pred = [[2], [0], [2], [1]] give <b>[1, 3, 0, 1]</b>.</para>
    /// </remarks>
    /// <param name="yPred">Predictions, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape.</param>
    /// <param name="axis">The axes averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-sample losses are reduced (<see cref="Reduction.None"/> is FastEstimator's
    /// output).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred L1Loss<TPred, TTrue>(TPred yPred, TTrue yTrue, int[]? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)L1LossFunction.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.L1Loss{TPred,TTrue}"/>.</summary>
internal sealed class L1LossFunction : ILossFunction
{
    public static readonly LossDefinition Definition = new("l1_loss", "FastEstimator: mean(|y_true − y_pred|) per sample over the axes",
        LossLabels.SameShape, [], new L1LossFunction(), examples:
        [
            FastEstimatorExamples.OneHot([], 0.00005, 0.0750, 0.1500, 0.1000, 0.0000),
            FastEstimatorExamples.Scalar([], 0, 1, 3, 0, 1),
            // test_l1_loss.py (L1_Loss TensorOp): TensorFlow 0.081250004, PyTorch printed 0.0813.
            FastEstimatorExamples.OneHotAveraged([], 0, 0.081250004),
            FastEstimatorExamples.OneHotAveraged([], 0.00005, 0.0813),
        ]);

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.AbsoluteError) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        return new(o.Mean(o.Abs(o.Sub(c.YPred, c.Target)), c.Axes));
    }
}
