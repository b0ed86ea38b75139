namespace CrossBackend;

/// <summary>
/// Keras 3's <c>R2Score</c> (<c>regression_metrics.py</c>'s docstring, every case of <c>regression_metrics_test.py</c>'s
/// R2ScoreTest, atol 1e-6) and <c>AUC</c> (<c>confusion_metrics.py</c>'s docstring, every numeric assertion of
/// <c>confusion_metrics_test.py</c>'s AUCTest and MultiAUCTest with the tolerance each uses: 1e-3, 1e-2 or 1e-1).
/// Each is one <c>update_state</c> then <c>result()</c>; MultiAUCTest's <c>test_pr_interpolation_unweighted</c> calls the
/// metric twice on one object (good labels, then bad), so its second value is the two batches concatenated.
/// </summary>
internal static partial class MetricExamples
{
    private static readonly double[] R2True = [0, 0, 1, 0, 1, 0, 1, 0, 0];
    private static readonly double[] R2SklearnPred = [0.4, 0.5, 0.6, 0.1, 0.2, 0.3, 0.5, 0.8, 0.2];
    private static readonly double[] R2TfaPred = [0.4, 0.9, 1.6, 0.1, 1.2, 0.6, 1.5, 0.8, 0.6];

    private static MetricExample R2Case(string source, double[] yPred, long[] shape, double[] yTrue, double[] expected, string? aggregation,
        int regressors = 0, double[]? weights = null, double rounding = 1e-6) =>
        new(source, yPred, shape, yTrue, null, expected,
            Args(("class_aggregation", aggregation), ("num_regressors", regressors), ("sample_weight", weights)), Rounding: rounding);

    public static readonly MetricExample[] R2 =
    [
        new(KerasDoc + ": R2Score", [2, 4, 4], [3, 1], [1, 4, 3], null, [0.57142854], Rounding: Float32Printed),
        R2Case(KerasTest + ": R2 sklearn comparison", R2SklearnPred, [3, 3], R2True, [0.37, -1.295, 0.565], null),
        R2Case(KerasTest + ": R2 sklearn comparison", R2SklearnPred, [3, 3], R2True, [-0.12], "uniform_average"),
        R2Case(KerasTest + ": R2 sklearn comparison", R2SklearnPred, [3, 3], R2True, [-0.12], "variance_weighted_average"),
        .. from c in new (string? Aggregation, int P, double[] Expected)[]
           {
               (null, 0, [0.17305559, -8.836666, -0.521]),
               (null, 1, [0.054920673, -10.241904, -0.7382858]),
               (null, 2, [-0.10259259, -12.115555, -1.0280001]),
               ("uniform_average", 0, [-3.0615367889404297]),
               ("uniform_average", 1, [-3.641756534576416]),
               ("uniform_average", 2, [-4.415382385253906]),
               ("variance_weighted_average", 0, [-1.3710224628448486]),
               ("variance_weighted_average", 1, [-1.7097399234771729]),
               ("variance_weighted_average", 2, [-2.161363363265991]),
           }
           select R2Case(KerasTest + ": R2 tfa comparison", R2TfaPred, [3, 3], R2True, c.Expected, c.Aggregation, c.P, [0.8, 0.1, 0.4]),
    ];

    // AUCTest: y_pred [0, 0.5, 0.3, 0.9], y_true [0, 0, 1, 1], weights [1, 2, 3, 4]; thresholds [−1e-7, 0.5, 1 + 1e-7].
    private static readonly double[] AucPred = [0, 0.5, 0.3, 0.9], AucTrue = [0, 0, 1, 1], AucWeights = [1, 2, 3, 4];

    /// <summary>The test's logits −log(1 / (p + 1e-12) − 1), computed in float32 as the test does (so 0.5 gives exactly
    /// 0, whose sigmoid is 0.5 again; in float64 it would be 4e-12, above the 0.5 threshold).</summary>
    private static readonly double[] AucLogits = [-27.63102149963379, -0.0, -0.8472977876663208, 2.1972241401672363];

    // MultiAUCTest: y_pred (4, 2) [[0, 0.1], [0.5, 0.2], [0.3, 0.3], [0.9, 0.4]], thresholds 0, 0.25, 0.5, 0.75, 1 (± ε).
    private static readonly double[] MultiPred = [0, 0.1, 0.5, 0.2, 0.3, 0.3, 0.9, 0.4];
    private static readonly double[] MultiGood = [0, 0, 0, 0, 1, 1, 1, 1], MultiBad = [0, 1, 0, 1, 1, 0, 1, 0];
    private static readonly double[] MultiLogits =
        [-27.63102149963379, -2.1972246170043945, -0.0, -1.3862943649291992, -0.8472977876663208, -0.8472977876663208, 2.1972241401672363, -0.40546509623527527];

    /// <summary>test_extra_dims: scipy's expit of ∓10 and ∓12 in float32 (labels (2, 2, 3)); default 200 thresholds.</summary>
    private static readonly double[] ExtraDimsPred =
    [
        0.9999545812606812, 4.539786823443137e-05, 0.9999545812606812, 4.539786823443137e-05, 0.9999545812606812, 4.539786823443137e-05,
        0.9999938607215881, 6.144174676592229e-06, 0.9999938607215881, 6.144174676592229e-06, 0.9999938607215881, 6.144174676592229e-06,
    ];

    private static MetricExample AucCase(string source, double[] yPred, long[] shape, double[] yTrue, double expected, double rounding,
        params (string Name, object? Value)[] args)
    {
        Dictionary<string, object?> arguments = Args(args);
        var shapes = arguments.TryGetValue("sample_weight", out object? w) && w is double[] weights && weights.Length == Shapes.Count(shape)
            ? new Dictionary<string, long[]> { ["sample_weight"] = shape } : null;
        return new(source, yPred, shape, yTrue, null, [expected], arguments, Rounding: rounding, ArgumentShapes: shapes);
    }

    public static readonly MetricExample[] Auc =
    [
        AucCase(KerasDoc + ": AUC", AucPred, [4], AucTrue, 0.75, 0, ("num_thresholds", 3)),
        AucCase(KerasDoc + ": AUC", AucPred, [4], AucTrue, 1.0, 0, ("num_thresholds", 3), ("sample_weight", new double[] { 1, 0, 0, 1 })),
        AucCase(KerasTest + ": AUC unweighted all correct", AucTrue, [4], AucTrue, 1, 0),
        // tp [2, 1, 0], fp [2, 0, 0]: recall [1, 0.5, 0], fp rate [1, 0, 0].
        AucCase(KerasTest + ": AUC unweighted", AucPred, [4], AucTrue, 0.75 * 1 + 0.25 * 0, 1e-3, ("num_thresholds", 3)),
        AucCase(KerasTest + ": AUC unweighted from logits", AucLogits, [4], AucTrue, 0.75 * 1 + 0.25 * 0, 1e-3, ("num_thresholds", 3), ("from_logits", true)),
        AucCase(KerasTest + ": AUC manual thresholds", AucPred, [4], AucTrue, 0.75 * 1 + 0.25 * 0, 1e-3, ("num_thresholds", 2),
            ("thresholds", new List<double> { 0.5 })),
        // Weighted: tp [7, 4, 0], fp [3, 0, 0], fn [0, 3, 7], tn [0, 3, 3].
        AucCase(KerasTest + ": AUC weighted ROC interpolation", AucPred, [4], AucTrue, 0.7855 * 1 + 0.2855 * 0, 1e-3, ("num_thresholds", 3),
            ("sample_weight", AucWeights)),
        AucCase(KerasTest + ": AUC weighted ROC majoring", AucPred, [4], AucTrue, 1 * 1 + 0.571 * 0, 1e-3, ("num_thresholds", 3),
            ("summation_method", "majoring"), ("sample_weight", AucWeights)),
        AucCase(KerasTest + ": AUC weighted ROC minoring", AucPred, [4], AucTrue, 0.571 * 1 + 0 * 0, 1e-3, ("num_thresholds", 3),
            ("summation_method", "minoring"), ("sample_weight", AucWeights)),
        AucCase(KerasTest + ": AUC weighted PR majoring", AucPred, [4], AucTrue, 1 * 0.429 + 1 * 0.571, 1e-3, ("num_thresholds", 3), ("curve", "PR"),
            ("summation_method", "majoring"), ("sample_weight", AucWeights)),
        AucCase(KerasTest + ": AUC weighted PR minoring", AucPred, [4], AucTrue, 0.7 * 0.429 + 0 * 0.571, 1e-3, ("num_thresholds", 3), ("curve", "PR"),
            ("summation_method", "minoring"), ("sample_weight", AucWeights)),
        // Davis & Goadrich: slope [0.5, 1], intercept [2, 0], P ratio [2.5, 1] → (0.5·(3 + 2·ln 2.5) + 4) / 7.
        AucCase(KerasTest + ": AUC weighted PR interpolation", AucPred, [4], AucTrue, 2.416 / 7 + 4.0 / 7, 1e-3, ("num_thresholds", 3), ("curve", "PR"),
            ("sample_weight", AucWeights)),
        AucCase(KerasTest + ": AUC weighted PR interpolation negative weights", AucPred, [4], AucTrue, 0, 1e-3, ("num_thresholds", 3), ("curve", "PR"),
            ("sample_weight", new double[] { -1, -2, -3, -4 })),
        AucCase(KerasTest + ": AUC extra dims", ExtraDimsPred, [2, 2, 3], [1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1], 0.5, 0),
        AucCase(KerasTest + ": MultiAUC unweighted all correct", MultiGood, [4, 2], MultiGood, 1, 0, ("multi_label", true)),
        AucCase(KerasTest + ": MultiAUC unweighted all correct flat", MultiGood, [4, 2], MultiGood, 1, 0, ("multi_label", false)),
        AucCase(KerasTest + ": MultiAUC unweighted", MultiPred, [4, 2], MultiGood, (0.875 + 1.0) / 2, 1e-3, ("num_thresholds", 5), ("multi_label", true)),
        AucCase(KerasTest + ": MultiAUC unweighted from logits", MultiLogits, [4, 2], MultiGood, (0.875 + 1.0) / 2, 1e-3, ("num_thresholds", 5),
            ("multi_label", true), ("from_logits", true)),
        AucCase(KerasTest + ": MultiAUC sample weight flat", MultiPred, [4, 2], MultiGood, 1.0 - (0.3333 * (1.0 - 0.2857) / 2.0), 1e-3,
            ("num_thresholds", 5), ("multi_label", false), ("sample_weight", AucWeights)),
        AucCase(KerasTest + ": MultiAUC full sample weight flat", MultiPred, [4, 2], MultiGood, 1.0 - (0.3333 * (1.0 - 0.2727) / 2.0), 1e-3,
            ("num_thresholds", 5), ("multi_label", false), ("sample_weight", new double[] { 0, 1, 2, 3, 4, 5, 6, 7 })),
        AucCase(KerasTest + ": MultiAUC label weights", MultiPred, [4, 2], MultiGood, (0.875 * 0.75 + 1.0 * 0.25) / (0.75 + 0.25), 1e-3,
            ("num_thresholds", 5), ("multi_label", true), ("label_weights", new List<double> { 0.75, 0.25 })),
        AucCase(KerasTest + ": MultiAUC label weights flat", MultiPred, [4, 2], MultiGood, 1.0 - ((1.0 - 0.375) * 0.375 / 2.0), 1e-2,
            ("num_thresholds", 5), ("multi_label", false), ("label_weights", new List<double> { 0.75, 0.25 })),
        AucCase(KerasTest + ": MultiAUC unweighted flat", MultiPred, [4, 2], MultiGood, 1.0 - (3.0 / 32.0), 1e-3, ("num_thresholds", 5), ("multi_label", false)),
        AucCase(KerasTest + ": MultiAUC unweighted flat from logits", MultiLogits, [4, 2], MultiGood, 1.0 - (3.0 / 32.0), 1e-3, ("num_thresholds", 5),
            ("multi_label", false), ("from_logits", true)),
        AucCase(KerasTest + ": MultiAUC manual thresholds", MultiPred, [4, 2], MultiGood, (0.75 + 0.5) / 2.0, 1e-3, ("num_thresholds", 2),
            ("thresholds", new List<double> { 0.5 }), ("multi_label", true)),
        AucCase(KerasTest + ": MultiAUC weighted ROC interpolation", MultiPred, [4, 2], MultiGood, 1.0 - 0.5 * 0.43 * 0.67, 1e-1, ("num_thresholds", 5),
            ("multi_label", true), ("sample_weight", AucWeights)),
        AucCase(KerasTest + ": MultiAUC PR interpolation unweighted, good", MultiPred, [4, 2], MultiGood, (0.91667 + 1.0) / 2.0, 1e-1,
            ("num_thresholds", 5), ("curve", "PR"), ("multi_label", true)),
        AucCase(KerasTest + ": MultiAUC PR interpolation unweighted, bad after good", [.. MultiPred, .. MultiPred], [8, 2], [.. MultiGood, .. MultiBad],
            (0.91667 + 0.5) / 2.0, 1e-1, ("num_thresholds", 5), ("curve", "PR"), ("multi_label", true)),
        AucCase(KerasTest + ": MultiAUC PR interpolation", MultiPred, [4, 2], MultiGood, (0.939 + 1.0) / 2.0, 1e-1, ("num_thresholds", 5), ("curve", "PR"),
            ("multi_label", true), ("sample_weight", AucWeights)),
    ];
}
