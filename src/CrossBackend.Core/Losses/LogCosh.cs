namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Log-cosh loss, Keras's <c>log_cosh</c>: mean(log(cosh(y_pred − y_true))) over the axis, then the reduction, on
    /// either engine. Close to e²/2 for small errors and to |e| − log 2 for large ones.
    /// </summary>
    /// <remarks>
    /// <para>Computed as |e| + log1p(exp(−2|e|)) − log 2, which equals Keras's e + softplus(−2e) − log 2 exactly but
    /// needs no softplus: PyTorch's <c>softplus</c> switches to the identity above 20 (an error of up to 2e-9 that
    /// float64 would show), while this form is exact on every engine and never overflows. The gradient is tanh(e)
    /// (0 at e = 0 on every engine). PyTorch and FastEstimator have no log-cosh loss.</para>
    /// <para><b>Example</b> (Keras's documentation): y_true = [[0, 1], [0, 0]], y_pred = [[1, 1], [0, 0]] give
    /// <b>0.108</b> (log cosh 1 / 4 = 0.10845).</para>
    /// </remarks>
    /// <param name="yPred">Predictions, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred LogCosh<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)LogCoshLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.LogCosh{TPred,TTrue}"/>.</summary>
internal sealed class LogCoshLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("log_cosh", "mean(log(cosh(y_pred − y_true))) over the axis",
        LossLabels.SameShape, [], new LogCoshLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        // Keras's losses_test.py (LogCoshTest) states its expectations as a NumPy formula; these are that formula
        // evaluated in float64 on its inputs.
        const string Test = "Keras test (its NumPy formula)";
        return
        [
            new("Keras docs", [1, 1, 0, 0], [2, 2], [0, 1, 0, 0], null, LossExample.Defaults, [0.108], Rounding: 0.0005),
            KerasTestExamples.Example(Test, [], 0, [4.829245330860459]),
            KerasTestExamples.Example(Test, new() { ["sample_weights"] = new[] { 2.3 } }, 0, [11.107264260979056]),
            KerasTestExamples.Example(Test, new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 0, [12.001114667519486]),
            KerasTestExamples.Timestep(Test, 0, 11.653484271934046),
            KerasTestExamples.ZeroWeighted(),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.LogCosh) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        T absolute = o.Abs(o.Sub(c.YPred, c.Target));
        T logCosh = o.Sub(o.Add(absolute, o.Log1p(o.Exp(o.Mul(absolute, -2)))), c.Constant(Math.Log(2)));
        return new(o.Mean(logCosh, c.Axis));
    }
}
