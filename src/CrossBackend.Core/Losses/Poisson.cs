namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Poisson loss, Keras's <c>poisson</c>: mean(y_pred − y_true · log(y_pred + ε)) over the axis, ε = 1e-7, then the
    /// reduction, on either engine. y_pred is the predicted rate (≥ 0).
    /// </summary>
    /// <remarks>
    /// <para>ε keeps y_pred = 0 finite: y_true = 1, y_pred = 0 gives −log(1e-7) = 16.118. PyTorch's
    /// <c>PoissonNLLLoss(log_input=False)</c> uses ε = 1e-8 (18.421 there) and averages over every element;
    /// with its default <c>log_input=True</c> it takes log-rates (exp(x) − y·x) instead. Negative rates give NaN
    /// (log of a negative number), as in Keras. FastEstimator has no Poisson loss.</para>
    /// <para><b>Example</b> (Keras's tests, NumPy formula without ε): y_true = [[4, 8, 12], [8, 1, 3]],
    /// y_pred = [[1, 9, 2], [5, 2, 6]] give <b>−3.30658</b>.</para>
    /// </remarks>
    /// <param name="yPred">Predicted rates, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Observed counts with y_pred's shape.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred Poisson<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)PoissonLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.Poisson{TPred,TTrue}"/>.</summary>
internal sealed class PoissonLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("poisson", "mean(y_pred − y_true · log(y_pred + 1e-7)) over the axis",
        LossLabels.SameShape, [], new PoissonLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        // Keras's losses_test.py (PoissonTest) states its expectations as a NumPy formula without ε, checked to 3
        // decimals; these are that formula in float64 (ε changes them by < 3e-7).
        const string Test = "Keras test (its NumPy formula)";
        double[] pred = [1, 9, 2, 5, 2, 6], truth = [4, 8, 12, 8, 1, 3];
        return
        [
            KerasTestExamples.Example(Test, [], 0.000001, [-3.306581945521002], pred, truth),
            KerasTestExamples.Example(Test, new() { ["sample_weights"] = new[] { 2.3 } }, 0.000001, [-7.605138474698304], pred, truth),
            KerasTestExamples.Example(Test, new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 0.000001, [-6.147338926788071], pred, truth),
            KerasTestExamples.Timestep(Test, 0.000001, -12.263126013890561, pred, truth),
            KerasTestExamples.ZeroWeighted(pred, truth),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.Poisson) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        T log = o.Log(o.Add(c.YPred, LossContext<T>.Epsilon));
        return new(o.Mean(o.Sub(c.YPred, o.Mul(c.Target, log)), c.Axis));
    }
}
