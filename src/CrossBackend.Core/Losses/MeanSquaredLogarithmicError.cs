namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Mean squared logarithmic error, Keras's <c>mean_squared_logarithmic_error</c>:
    /// mean((log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))²) over the axis, ε = 1e-7, then the reduction, on
    /// either engine.
    /// </summary>
    /// <remarks>
    /// <para>Values ≤ 0 are replaced by ε before the log (Keras 3), so negative targets count as 0: y_true = −5,
    /// y_pred = 8 gives (log 9 − log(1 + 1e-7))² ≈ 4.8278. PyTorch has no such loss (composing
    /// <c>mse_loss(log1p(p), log1p(y))</c> gives NaN for values below −1). FastEstimator has none.</para>
    /// <para><b>Example</b> (Keras's tests): y_true = [[1, 9, 2], [−5, −2, 6]], y_pred = [[4, 8, 12], [8, 1, 3]] give
    /// <b>1.4370</b> (per sample [1.00028, 1.87381]); with sample weights [[1.2], [3.4]], <b>3.7856</b>.</para>
    /// </remarks>
    /// <param name="yPred">Predictions, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred MeanSquaredLogarithmicError<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)MeanSquaredLogarithmicErrorLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.MeanSquaredLogarithmicError{TPred,TTrue}"/>.</summary>
internal sealed class MeanSquaredLogarithmicErrorLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("mean_squared_logarithmic_error",
        "mean((log(max(y_pred, 1e-7) + 1) − log(max(y_true, 1e-7) + 1))²) over the axis", LossLabels.SameShape, [],
        new MeanSquaredLogarithmicErrorLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        // Keras's losses_test.py (MeanSquaredLogarithmicErrorTest), checked there to 3 decimals; 3.3051 is truncated
        // (3.30520 exactly), so the 4-decimal values get a whole unit of the last digit.
        const string Source = "Keras test";
        return
        [
            KerasTestExamples.Example(Source, [], 0.0001, [1.4370]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 2.3 } }, 0.0001, [3.3051]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 0.0001, [3.7856]),
            KerasTestExamples.Example(Source, new() { ["sample_weights"] = new[] { 1.2, 3.4 }, ["reduction"] = Reduction.WeightedMean }, 0.0005, [1.646]),
            KerasTestExamples.Timestep(Source, 0.0000005, 2.647374),
            KerasTestExamples.ZeroWeighted(),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.SquaredLogarithmicError) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        // Keras's form log(max(x, ε) + 1), not log1p: the same rounding as Keras in float32.
        T LogOnePlus(T x) => o.Log(o.Add(o.Maximum(x, LossContext<T>.Epsilon), 1));
        return new(o.Mean(o.Square(o.Sub(LogOnePlus(c.YPred), LogOnePlus(c.Target))), c.Axis));
    }
}
