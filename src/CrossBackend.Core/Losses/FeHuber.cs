namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// FastEstimator's <c>huber</c> (registered as <c>fe_huber</c>, since Keras's <c>huber</c> takes the name):
    /// PyTorch's <c>HuberLoss(delta=beta)</c>, 0.5·e² where |e| &lt; β and β·(|e| − 0.5·β) elsewhere, averaged per
    /// sample over the axes given (default the class axis), then the reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>How it relates to the others</b> (e = 1.0, β = δ = 0.65):</para>
    /// <list type="bullet">
    /// <item>FastEstimator <c>huber(beta=0.65)</c> — PyTorch: <c>HuberLoss(delta=beta)</c>; TensorFlow:
    /// <c>tf.keras.losses.huber(delta=beta)</c> — <b>0.43875</b>; this function.</item>
    /// <item>Keras <c>huber(delta=0.65)</c> (<see cref="Huber{TPred,TTrue}"/>): the same 0.43875 per element; it
    /// accepts δ = 0 where FastEstimator raises, and puts |e| = δ in the quadratic branch (same value and slope).</item>
    /// <item>PyTorch <c>SmoothL1Loss(beta=0.65)</c> and FastEstimator <c>smooth_l1_loss</c>
    /// (<see cref="SmoothL1Loss{TPred,TTrue}"/>): Huber / β = <b>0.675</b>.</item>
    /// </list>
    /// <para>FastEstimator's TensorFlow and PyTorch versions agree in value; they differ in the axes (1.5: every
    /// non-batch axis; 1.6+: the last axis, our default — pass <c>axis: [1, 2, …]</c> for 1.5's) and, for rank-1
    /// inputs, TensorFlow keeps one value per element while PyTorch averages them all. FastEstimator returns
    /// per-sample values: <see cref="Reduction.None"/> here.</para>
    /// <para><b>Example</b> (FastEstimator's docstring, β = 0.65, <see cref="Reduction.None"/>):
    /// y_true = [[1], [3], [2], [0]], y_pred = [[2], [0], [2], [1]] give <b>[0.4387, 1.7387, 0, 0.4387]</b>
    /// (0.43875 and 1.73875 exactly); the (4, 4) one-hot example gives <b>[0.0031, 0.0175, 0.0081, 0]</b>.</para>
    /// </remarks>
    /// <param name="yPred">Predictions, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape.</param>
    /// <param name="beta">Where the loss turns from quadratic to linear; finite, &gt; 0.</param>
    /// <param name="axis">The axes averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-sample losses are reduced (<see cref="Reduction.None"/> is FastEstimator's
    /// output).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is not a finite number &gt; 0.</exception>
    public static TPred FeHuber<TPred, TTrue>(TPred yPred, TTrue yTrue, double beta = 1.0, int[]? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)FeHuberLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [SmoothL1LossFunction.Beta.Name] = beta,
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.FeHuber{TPred,TTrue}"/>.</summary>
internal sealed class FeHuberLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("fe_huber",
        "FastEstimator's huber: 0.5·e² where |e| < beta, else beta·(|e| − 0.5·beta), mean per sample over the axes",
        LossLabels.SameShape, [SmoothL1LossFunction.Beta], new FeHuberLoss(), examples:
        [
            FastEstimatorExamples.OneHot(new() { ["beta"] = 0.65 }, 0.00005, 0.0031, 0.0175, 0.0081, 0.0000),
            FastEstimatorExamples.Scalar(new() { ["beta"] = 0.65 }, 0.00005, 0.4387, 1.7387, 0.0000, 0.4387),
            // test_l1_loss.py (L1_Loss TensorOp, loss_type='Huber', beta=0.65): TensorFlow 0.0071875006, PyTorch printed 0.0072.
            FastEstimatorExamples.OneHotAveraged(new() { ["beta"] = 0.65 }, 0, 0.0071875006),
            FastEstimatorExamples.OneHotAveraged(new() { ["beta"] = 0.65 }, 0.00005, 0.0072),
        ]);

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.Huber, c.Number(SmoothL1LossFunction.Beta)) is { } fused) return fused;
        // PyTorch's HuberLoss: |e| = beta falls in the linear branch.
        return new(c.Ops.Mean(HuberLoss.Elementwise(c, c.Number(SmoothL1LossFunction.Beta), quadraticAtDelta: false), c.Axes));
    }
}
