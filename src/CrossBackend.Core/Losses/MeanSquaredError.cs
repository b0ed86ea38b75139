namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Mean squared error, Keras's <c>mean_squared_error</c>: mean((y_true − y_pred)²) over the axis, then the
    /// reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Example</b> (Keras's documentation): y_true = [[0, 1], [0, 0]], y_pred = [[1, 1], [1, 0]] give
    /// <b>0.5</b> (per element [0.5, 0.5]); with sample weights [0.7, 0.3], <b>0.25</b>. PyTorch's <c>MSELoss</c>
    /// averages over every element (here also 0.5); FastEstimator's <c>mean_squared_error</c> is Keras's.</para>
    /// </remarks>
    /// <param name="yPred">Predictions, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred MeanSquaredError<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)MeanSquaredErrorLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.MeanSquaredError{TPred,TTrue}"/>.</summary>
internal sealed class MeanSquaredErrorLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("mean_squared_error", "mean((y_true − y_pred)²) over the axis",
        LossLabels.SameShape, [], new MeanSquaredErrorLoss(), examples:
        [
            new("Keras docs", [1, 1, 1, 0], [2, 2], [0, 1, 0, 0], null, LossExample.Defaults, [0.5]),
            new("Keras docs", [1, 1, 1, 0], [2, 2], [0, 1, 0, 0], null, new Dictionary<string, object?> { ["sample_weights"] = new[] { 0.7, 0.3 } }, [0.25]),
            new("Keras docs", [1, 1, 1, 0], [2, 2], [0, 1, 0, 0], null, new Dictionary<string, object?> { ["reduction"] = Reduction.Sum }, [1.0]),
            new("Keras docs", [1, 1, 1, 0], [2, 2], [0, 1, 0, 0], null, new Dictionary<string, object?> { ["reduction"] = Reduction.None }, [0.5, 0.5]),
            // FastEstimator's mean_squared_error docstring (per sample); it prints [0.0063, 0.035, 0.016, 0.0] for
            // [0.00625, 0.035, 0.01625, 0], so the coarsest printed digit sets the rounding.
            FastEstimatorExamples.OneHot([], 0.0005, 0.0063, 0.035, 0.016, 0.0),
            // FastEstimator's test_mean_squared_error: the same one-hot input, allclose to the full values.
            FastEstimatorExamples.OneHot([], 0, 0.00625, 0.035, 0.01625, 0.0) with { Source = "FastEstimator test" },
            FastEstimatorExamples.Scalar([], 0, 1.0, 9.0, 0.0, 1.0),
            // FastEstimator's integration test of the MeanSquaredError TensorOp (TensorFlow and PyTorch): 0.014375001.
            FastEstimatorExamples.OneHotAveraged([], 0, 0.014375001),
            .. KerasTests(),
            .. LossBaseTests(),
        ]);

    /// <summary>Keras's losses_test.py (MeanSquaredErrorTest) on its shared inputs, checked there to 3 decimals.</summary>
    private static LossExample[] KerasTests()
    {
        const double Rounding = KerasTestExamples.AlmostEqual;
        static LossExample Test(string name, Dictionary<string, object?> args, params double[] expected) =>
            KerasTestExamples.Example(KerasTestExamples.Test(name), args, Rounding, expected);
        return
        [
            KerasTestExamples.AllCorrect(),
            Test("test_unweighted", [], 49.5),
            Test("test_scalar_weighted", new() { ["sample_weights"] = new[] { 2.3 } }, 113.85),
            Test("test_sample_weighted", new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 767.8 / 6),
            KerasTestExamples.Timestep(KerasTestExamples.Test("test_timestep_weighted"), Rounding, 97.833336),
            Test("test_zero_weighted", new() { ["sample_weights"] = new[] { 0.0 } }, 0.0),
            Test("test_no_reduction", new() { ["sample_weights"] = new[] { 2.3 }, ["reduction"] = Reduction.None }, 84.3333, 143.3666),
            Test("test_sum_reduction", new() { ["sample_weights"] = new[] { 2.3 }, ["reduction"] = Reduction.Sum }, 227.69998),
            Test("test_mean_with_sample_weight_reduction", new() { ["sample_weights"] = new[] { 1.2, 3.4 }, ["reduction"] = Reduction.WeightedMean },
                (110.0 / 3 * 1.2 + 187.0 / 3 * 3.4) / (1.2 + 3.4)),
        ];
    }

    /// <summary>
    /// Keras's loss_test.py holds the Loss base class to an element-wise squared error on rank-1 data (y_true [1, 0, 1, 0],
    /// y_pred [0.1, 0.2, 0.3, 0.4]); mean_squared_error on the same data shaped (4, 1) is that loss (the mean over a
    /// length-1 axis), so the base class's reductions and sample weights are checked here (assertAllClose).
    /// </summary>
    private static LossExample[] LossBaseTests()
    {
        double[] pred = [0.1, 0.2, 0.3, 0.4], truth = [1, 0, 1, 0];
        LossExample Test(string name, Dictionary<string, object?> args, params double[] expected) =>
            new("Keras test (loss_test.py): " + name, pred, [4, 1], truth, null, args, expected, KerasTestExamples.AllClose,
                new Dictionary<string, long[]> { ["sample_weights"] = [4] });
        return
        [
            Test("test_reduction", new() { ["reduction"] = Reduction.None }, 0.81, 0.04, 0.49, 0.16),
            Test("test_reduction", new() { ["reduction"] = Reduction.Sum }, 1.5),
            Test("test_reduction", new() { ["reduction"] = Reduction.SumOverBatchSize }, 1.5 / 4),
            Test("test_sample_weight", new() { ["sample_weights"] = new[] { 0.4, 0.3, 0.2, 0.1 } }, (0.4 * 0.81 + 0.3 * 0.04 + 0.2 * 0.49 + 0.1 * 0.16) / 4),
            // Every weight 0 gives 0, not NaN.
            Test("test_sample_weight", new() { ["sample_weights"] = new[] { 0.0, 0.0, 0.0, 0.0 } }, 0),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.SquaredError) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        return new(o.Mean(o.Square(o.Sub(c.YPred, c.Target)), c.Axis));
    }
}
