namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Huber loss, Keras's <c>huber</c>: for e = y_pred − y_true, 0.5·e² where |e| ≤ δ and δ·|e| − 0.5·δ² elsewhere,
    /// averaged over the axis, then the reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Keras, PyTorch and FastEstimator</b> (e = 1.0, δ = β = 0.65, per element):</para>
    /// <list type="bullet">
    /// <item>Keras <c>huber(delta=0.65)</c> and PyTorch <c>HuberLoss(delta=0.65)</c>: 0.65·(1 − 0.325) = <b>0.43875</b>
    /// (the same function; PyTorch tests |e| &lt; δ, Keras |e| ≤ δ, which agree in value and slope at |e| = δ).</item>
    /// <item>PyTorch <c>SmoothL1Loss(beta=0.65)</c> is Huber divided by β: 1 − 0.325 = <b>0.675</b> (FastEstimator's
    /// <c>smooth_l1_loss</c>, <see cref="SmoothL1Loss{TPred,TTrue}"/>).</item>
    /// <item>FastEstimator's <c>huber(beta=0.65)</c> is PyTorch's HuberLoss (0.43875) under the name <c>beta</c>,
    /// unreduced, averaged per sample (<see cref="FeHuber{TPred,TTrue}"/>, registered as <c>fe_huber</c>).</item>
    /// </list>
    /// <para>Keras accepts any δ; here δ must be finite and ≥ 0 (δ = 0 gives 0 everywhere, as in Keras; PyTorch
    /// requires δ &gt; 0). PyTorch's <c>HuberLoss</c> averages over every element by default; Keras averages over
    /// the last axis, then reduces.</para>
    /// <para><b>Example</b> (Keras's documentation): y_true = [[0, 1], [0, 0]], y_pred = [[0.6, 0.4], [0.4, 0.6]] give
    /// <b>0.155</b>.</para>
    /// </remarks>
    /// <param name="yPred">Predictions, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape.</param>
    /// <param name="delta">Where the loss turns from quadratic to linear; finite, ≥ 0.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative or not finite.</exception>
    public static TPred Huber<TPred, TTrue>(TPred yPred, TTrue yTrue, double delta = 1.0, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)HuberLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [HuberLoss.Delta.Name] = delta,
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.Huber{TPred,TTrue}"/>.</summary>
internal sealed class HuberLoss : ILossFunction
{
    public static readonly LossOption Delta = LossOption.NonNegative("delta", "delta", 1.0,
        "where the loss turns from quadratic to linear");

    public static readonly LossDefinition Definition = new("huber",
        "0.5·e² where |e| ≤ delta, else delta·|e| − 0.5·delta², averaged over the axis (e = y_pred − y_true)",
        LossLabels.SameShape, [Delta], new HuberLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        // Keras's losses_test.py (HuberLossTest) states its expectations as a NumPy formula; these are that formula
        // evaluated in float64 on its inputs.
        const string Test = "Keras test (its NumPy formula)";
        double[] pred = [0.9, 0.2, 0.2, 0.8, 0.4, 0.6], truth = [1, 0, 1, 1, 0, 0];
        return
        [
            new("Keras docs", [0.6, 0.4, 0.4, 0.6], [2, 2], [0, 1, 0, 0], null, LossExample.Defaults, [0.155], Rounding: 0.0005),
            KerasTestExamples.Example(Test, [], 0, [0.625 / 6], pred, truth),
            KerasTestExamples.Example(Test, new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 0, [0.22766666666666668], pred, truth),
            // |e| = 0.8 = delta exactly for one element: both branches give 0.32 there.
            KerasTestExamples.Example(Test, new() { ["delta"] = 0.8, ["sample_weights"] = new[] { 2.3 } }, 0, [0.23958333333333337], pred, truth),
            // Delta 1 gives the same 2.3 · 0.625 / 6 (every |e| ≤ 0.8 is inside); per-timestep weights of shape (2, 3, 1)
            // on inputs reshaped to (2, 3, 1) give Σ 0.5·e²·w / 6 = 2.415 / 6. Keras checks both to 3 decimals.
            KerasTestExamples.Example(KerasTestExamples.Test("test_scalar_weighted"), new() { ["sample_weights"] = new[] { 2.3 } },
                KerasTestExamples.AlmostEqual, [2.3 * 0.625 / 6], pred, truth),
            new(KerasTestExamples.Test("test_timestep_weighted"), pred, [2, 3, 1], truth, null,
                new Dictionary<string, object?> { ["sample_weights"] = KerasTestExamples.TimestepWeights }, [2.415 / 6],
                KerasTestExamples.AlmostEqual, new Dictionary<string, long[]> { ["sample_weights"] = [2, 3, 1] }),
            KerasTestExamples.Example(KerasTestExamples.Test("test_all_correct"), [], KerasTestExamples.AlmostEqual, [0], truth, truth),
            KerasTestExamples.ZeroWeighted(pred, truth),
            new("FastEstimator docstring (its huber, beta = delta)", [2, 0, 2, 1], [4, 1], [1, 3, 2, 0], null,
                new Dictionary<string, object?> { ["delta"] = 0.65, ["reduction"] = Reduction.None }, [0.4387, 1.7387, 0, 0.4387], Rounding: 0.00005),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        double delta = c.Number(Delta);
        if (PointwiseFused.Try(c, PointwiseLossKind.Huber, delta) is { } fused) return fused;
        return new(c.Ops.Mean(Elementwise(c, delta, quadraticAtDelta: true), c.Axis));
    }

    /// <summary>
    /// The element-wise Huber function of e = y_pred − y_true: 0.5·e² inside, delta·|e| − 0.5·delta² outside. Keras
    /// puts |e| = delta inside (≤), PyTorch outside (&lt;); value and slope agree there, so the choice only decides
    /// which branch the gradient flows through.
    /// </summary>
    public static T Elementwise<T>(LossContext<T> c, double delta, bool quadraticAtDelta) where T : class
    {
        ITensorOps<T> o = c.Ops;
        T error = o.Sub(c.YPred, c.Target);
        T absolute = o.Abs(error);
        T inside = o.Compare(quadraticAtDelta ? CompareOp.LessEqual : CompareOp.Less, absolute, c.Constant(delta));
        T linear = o.Sub(o.Mul(absolute, delta), c.Constant(0.5 * delta * delta));
        return o.Where(inside, o.Mul(o.Square(error), 0.5), linear);
    }
}
