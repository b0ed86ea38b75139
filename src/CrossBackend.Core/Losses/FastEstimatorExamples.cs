namespace CrossBackend;

/// <summary>
/// The inputs FastEstimator's docstrings share between <c>mean_squared_error</c>, <c>l1_loss</c>,
/// <c>smooth_l1_loss</c> and <c>huber</c> (fastestimator/backend/*.py). FastEstimator returns one value per
/// sample (no reduction), so the docstring examples run with <see cref="Reduction.None"/>; its loss TensorOps
/// (<c>MeanSquaredError</c>, <c>L1_Loss</c>, <c>Hinge</c>, <c>CrossEntropy</c>, test/PR_test/integration_test/op/tensorop/loss)
/// average those per-sample values (<c>average_loss=True</c>), our default <see cref="Reduction.SumOverBatchSize"/>.
/// </summary>
internal static class FastEstimatorExamples
{
    private static readonly double[] OneHotTrue = [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0];
    private static readonly double[] OneHotPred = [0.1, 0.9, 0.05, 0.05, 0.1, 0.2, 0.0, 0.7, 0.0, 0.15, 0.8, 0.05, 1.0, 0.0, 0.0, 0.0];
    private static readonly double[] ScalarTrue = [1, 3, 2, 0];
    private static readonly double[] ScalarPred = [2.0, 0.0, 2.0, 1.0];

    /// <summary>The docstrings' (4, 4) one-hot example, unreduced; <paramref name="rounding"/> half a unit of the
    /// printed digits.</summary>
    public static LossExample OneHot(Dictionary<string, object?> arguments, double rounding, params double[] expected) =>
        new("FastEstimator docstring", OneHotPred, [4, 4], OneHotTrue, null, Unreduced(arguments), expected, rounding);

    /// <summary>The docstrings' (4, 1) regression example, unreduced.</summary>
    public static LossExample Scalar(Dictionary<string, object?> arguments, double rounding, params double[] expected) =>
        new("FastEstimator docstring", ScalarPred, [4, 1], ScalarTrue, null, Unreduced(arguments), expected, rounding);

    /// <summary>The one-hot example through FastEstimator's loss TensorOp, which averages the per-sample values
    /// (<c>average_loss=True</c>): the default reduction here.</summary>
    public static LossExample OneHotAveraged(Dictionary<string, object?> arguments, double rounding, double expected) =>
        new("FastEstimator test (loss TensorOp, average_loss)", OneHotPred, [4, 4], OneHotTrue, null, arguments, [expected], rounding);

    private static Dictionary<string, object?> Unreduced(Dictionary<string, object?> arguments) =>
        new(arguments) { ["reduction"] = Reduction.None };
}
