namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// FastEstimator's <c>smooth_l1_loss</c> (PyTorch's <c>SmoothL1Loss</c>): for a = |y_true − y_pred|,
    /// 0.5·a²/β where a &lt; β and a − 0.5·β elsewhere, averaged per sample over the axes given (default the class
    /// axis), then the reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para>Smooth L1 is Huber divided by β: with a = 1 and β = 0.65 it gives 1 − 0.325 = <b>0.675</b>, Keras's
    /// <c>huber(delta=0.65)</c> and PyTorch's <c>HuberLoss(delta=0.65)</c> give 0.65 · 0.675 = 0.43875 (see
    /// <see cref="Huber{TPred,TTrue}"/>). β must be &gt; 0, as FastEstimator requires (PyTorch treats β = 0 as L1).
    /// FastEstimator returns per-sample values (<see cref="Reduction.None"/>); its 1.5 versions average over every
    /// non-batch axis (<c>axis: [1, 2, …]</c>), 1.6+ over the last (the default here, see
    /// <see cref="L1Loss{TPred,TTrue}"/>).</para>
    /// <para><b>Example</b> (FastEstimator's docstring, β = 0.65, <see cref="Reduction.None"/>):
    /// y_true = [[1], [3], [2], [0]], y_pred = [[2], [0], [2], [1]] give <b>[0.675, 2.675, 0, 0.675]</b>; the (4, 4)
    /// one-hot example gives <b>[0.0048, 0.0269, 0.0125, 0]</b>.</para>
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
    public static TPred SmoothL1Loss<TPred, TTrue>(TPred yPred, TTrue yTrue, double beta = 1.0, int[]? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)SmoothL1LossFunction.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [SmoothL1LossFunction.Beta.Name] = beta,
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.SmoothL1Loss{TPred,TTrue}"/>.</summary>
internal sealed class SmoothL1LossFunction : ILossFunction
{
    /// <summary>FastEstimator's <c>beta</c> of <c>smooth_l1_loss</c> and <c>huber</c>: it raises for beta ≤ 0.</summary>
    public static readonly LossOption Beta = new("beta", "beta", LossOptionKind.Number, 1.0,
        "where the loss turns from quadratic to linear (FastEstimator's beta)", "a finite number > 0",
        v => v is double d && double.IsFinite(d) && d > 0);

    public static readonly LossDefinition Definition = new("smooth_l1_loss",
        "FastEstimator: 0.5·a²/beta where a < beta, else a − 0.5·beta (a = |y_true − y_pred|), mean per sample over the axes",
        LossLabels.SameShape, [Beta], new SmoothL1LossFunction(), examples:
        [
            FastEstimatorExamples.OneHot(new() { ["beta"] = 0.65 }, 0.00005, 0.0048, 0.0269, 0.0125, 0.0000),
            FastEstimatorExamples.Scalar(new() { ["beta"] = 0.65 }, 0.00005, 0.6750, 2.6750, 0.0000, 0.6750),
            // test_l1_loss.py (L1_Loss TensorOp, loss_type='Smooth', beta=0.65): TensorFlow 0.011057693, PyTorch printed 0.0111.
            FastEstimatorExamples.OneHotAveraged(new() { ["beta"] = 0.65 }, 0, 0.011057693),
            FastEstimatorExamples.OneHotAveraged(new() { ["beta"] = 0.65 }, 0.00005, 0.0111),
        ]);

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        ITensorOps<T> o = c.Ops;
        double beta = c.Number(Beta);
        if (PointwiseFused.Try(c, PointwiseLossKind.SmoothL1, beta) is { } fused) return fused;
        T absolute = o.Abs(o.Sub(c.YPred, c.Target));
        T inside = o.Compare(CompareOp.Less, absolute, c.Constant(beta));
        T loss = o.Where(inside, o.Mul(o.Square(absolute), 0.5 / beta), o.Sub(absolute, c.Constant(0.5 * beta)));
        return new(o.Mean(loss, c.Axes));
    }
}
