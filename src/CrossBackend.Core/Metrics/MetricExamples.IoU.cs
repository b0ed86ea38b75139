namespace CrossBackend;

/// <summary>
/// Keras 3's IoU family: every numeric assertion of <c>keras/src/metrics/iou_metrics_test.py</c> and the docstrings of
/// <c>iou_metrics.py</c>. Each is one <c>update_state</c> then <c>result()</c>. The tests compare with atol 1e-3 against
/// exact expressions, written here as they are (the results here divide exactly, so they hold to float32 precision);
/// the docstrings print float32 values, or 0.071 and 0.048 (half a unit of the last digit allowed).
/// <c>test_zero_valid_entries</c> calls <c>result()</c> before any update, an all-zero confusion matrix: here a batch
/// whose weights are all 0.
/// </summary>
internal static partial class MetricExamples
{
    private static MetricExample IoUCase(string source, double[] yPred, double[] yTrue, double expected, Dictionary<string, object?> args,
        double[]? weights = null, long[]? shape = null, double rounding = 0)
    {
        if (weights is not null) args["sample_weight"] = weights;
        long[] dataShape = shape ?? [yPred.Length];
        return new(source, yPred, dataShape, yTrue, null, [expected], args, Rounding: rounding,
            ArgumentShapes: weights is not null && shape is not null ? new Dictionary<string, long[]> { ["sample_weight"] = shape } : null);
    }

    /// <summary>A value printed to float32 precision: within one float32 unit in the last place (about 6e-8 near 0.5),
    /// the most Keras's float32 arithmetic is off from the exact value in these examples.</summary>
    private const double Float32Printed = 6e-8;

    private static readonly double[] IoUTrue = [0, 0, 1, 1], IoUPred = [0, 1, 0, 1];

    private static Dictionary<string, object?> Classes(int numClasses, params double[] targets) =>
        targets.Length == 0 ? Args(("num_classes", numClasses)) : Args(("num_classes", numClasses), ("target_class_ids", new List<double>(targets)));

    public static readonly MetricExample[] IoU =
    [
        // cm [[1, 1], [1, 1]]: IoU of class 0 = 1 / (2 + 2 − 1).
        IoUCase(KerasDoc + ": IoU", IoUPred, IoUTrue, 0.33333334, Classes(2, 0), rounding: Float32Printed),
        IoUCase(KerasDoc + ": IoU", IoUPred, IoUTrue, 0.33333334, Classes(2, 0), [0.3, 0.3, 0.3, 0.1], rounding: Float32Printed),
        IoUCase(KerasTest + ": IoU unweighted", IoUPred, IoUTrue, (1.0 / (2 + 2 - 1) + 1.0 / (2 + 2 - 1)) / 2, Classes(2, 0, 1)),
        IoUCase(KerasTest + ": IoU weighted", IoUPred, IoUTrue, (0.1 / (0.4 + 0.5 - 0.1) + 0.2 / (0.6 + 0.5 - 0.2)) / 2, Classes(2, 1, 0),
            [0.2, 0.3, 0.4, 0.1]),
        IoUCase(KerasTest + ": IoU multi-dim input", IoUPred, IoUTrue, (0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2, Classes(2, 0, 1),
            [0.2, 0.3, 0.4, 0.1], shape: [2, 2]),
        IoUCase(KerasTest + ": IoU zero valid entries (all weights 0)", IoUPred, IoUTrue, 0, Classes(2, 0, 1), [0, 0, 0, 0]),
        // Class 0 never occurs and is never predicted: left out of the mean.
        IoUCase(KerasTest + ": IoU zero and non-zero entries", [1], [1], 1.0 / (1 + 1 - 1) / 1, Classes(2, 0, 1)),
    ];

    private static readonly double[] BinaryTrue = [0, 1, 0, 1], BinaryPred = [0.1, 0.2, 0.4, 0.7];

    private static Dictionary<string, object?> Binary(double threshold) => Args(("target_class_ids", new List<double> { 0, 1 }), ("threshold", threshold));

    public static readonly MetricExample[] BinaryIoU =
    [
        IoUCase(KerasDoc + ": BinaryIoU", BinaryPred, BinaryTrue, 0.33333334, Binary(0.3), rounding: Float32Printed),
        IoUCase(KerasDoc + ": BinaryIoU", BinaryPred, BinaryTrue, 0.17361112, Binary(0.3), [0.2, 0.3, 0.4, 0.1], rounding: Float32Printed),
        // threshold 0.3: y_pred → [0, 0, 1, 1]; 0.5: → [0, 0, 0, 1].
        IoUCase(KerasTest + ": BinaryIoU different thresholds weighted", BinaryPred, BinaryTrue, (0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2,
            Binary(0.3), [0.2, 0.3, 0.4, 0.1]),
        IoUCase(KerasTest + ": BinaryIoU different thresholds weighted", BinaryPred, BinaryTrue, (0.5 / (0.5 + 0.7 - 0.5) + 0.3 / (0.5 + 0.3 - 0.3)) / 2,
            Binary(0.5), [0.1, 0.2, 0.4, 0.3]),
        IoUCase(KerasTest + ": BinaryIoU different thresholds unweighted", BinaryPred, BinaryTrue, (1.0 / (2 + 2 - 1) + 1.0 / (2 + 2 - 1)) / 2, Binary(0.3)),
        IoUCase(KerasTest + ": BinaryIoU different thresholds unweighted", BinaryPred, BinaryTrue, (2.0 / (2 + 3 - 2) + 1.0 / (2 + 1 - 1)) / 2, Binary(0.5)),
        // threshold 0.4: y_pred → [[0, 1], [1, 0]].
        IoUCase(KerasTest + ": BinaryIoU multi-dim input", [0.1, 0.7, 0.9, 0.3], [0, 1, 0, 1], (0.2 / (0.6 + 0.3 - 0.2) + 0.3 / (0.4 + 0.7 - 0.3)) / 2,
            Binary(0.4), [0.2, 0.3, 0.4, 0.1], shape: [2, 2]),
        IoUCase(KerasTest + ": BinaryIoU zero valid entries (all weights 0)", BinaryPred, BinaryTrue, 0, Args(("target_class_ids", new List<double> { 0, 1 })),
            [0, 0, 0, 0]),
        IoUCase(KerasTest + ": BinaryIoU zero and non-zero entries", [0.6], [1], 1.0 / (1 + 1 - 1), Binary(0.5)),
    ];

    public static readonly MetricExample[] MeanIoU =
    [
        IoUCase(KerasDoc + ": MeanIoU", IoUPred, IoUTrue, 0.33333334, Classes(2), rounding: Float32Printed),
        IoUCase(KerasDoc + ": MeanIoU", IoUPred, IoUTrue, 0.23809525, Classes(2), [0.3, 0.3, 0.3, 0.1], rounding: Float32Printed),
        IoUCase(KerasTest + ": MeanIoU unweighted", IoUPred, IoUTrue, (1.0 / (2 + 2 - 1) + 1.0 / (2 + 2 - 1)) / 2, Classes(2)),
        // The 255 (or −1) label is ignored: cm [[1, 0, 0], [0, 1, 0], [0, 1, 0]].
        IoUCase(KerasTest + ": MeanIoU unweighted ignore_class 255", [0, 1, 1, 1], [0, 1, 2, 255],
            (1.0 / (1 + 1 - 1) + 1.0 / (2 + 1 - 1) + 0.0 / (0 + 1 - 0)) / 3, With(Classes(3), ("ignore_class", 255))),
        IoUCase(KerasTest + ": MeanIoU unweighted ignore_class -1", [0, 1, 1, 1], [0, 1, 2, -1],
            (1.0 / (1 + 1 - 1) + 1.0 / (2 + 1 - 1) + 0.0 / (0 + 1 - 0)) / 3, With(Classes(3), ("ignore_class", -1))),
        IoUCase(KerasTest + ": MeanIoU weighted", IoUPred, IoUTrue, (0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2, Classes(2),
            [0.2, 0.3, 0.4, 0.1]),
        IoUCase(KerasTest + ": MeanIoU weighted ignore_class -1", IoUPred, [0, 0, 1, -1], (0.2 / (0.6 + 0.5 - 0.2) + 0.0 / (0.3 + 0.4 - 0.0)) / 2,
            With(Classes(2), ("ignore_class", -1)), [0.2, 0.3, 0.4, 0.1]),
        IoUCase(KerasTest + ": MeanIoU multi-dim input", IoUPred, IoUTrue, (0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2, Classes(2),
            [0.2, 0.3, 0.4, 0.1], shape: [2, 2]),
        IoUCase(KerasTest + ": MeanIoU zero valid entries (all weights 0)", IoUPred, IoUTrue, 0, Classes(2), [0, 0, 0, 0]),
        IoUCase(KerasTest + ": MeanIoU zero and non-zero entries", [1], [1], (0 + 1.0 / (1 + 1 - 1)) / 1, Classes(2)),
    ];

    // OneHotIoU / OneHotMeanIoU: y_true → ids [2, 0, 1, 0], y_pred → [2, 2, 0, 2].
    private static readonly double[] OneHotTrue = [0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0];
    private static readonly double[] OneHotScores = [0.2, 0.3, 0.5, 0.1, 0.2, 0.7, 0.5, 0.3, 0.1, 0.1, 0.4, 0.5];

    private static MetricExample OneHotCase(string source, double[] yPred, double[] yTrue, double expected, Dictionary<string, object?> args,
        double[]? weights = null, double rounding = 0)
    {
        if (weights is not null) args["sample_weight"] = weights;
        return new(source, yPred, [yPred.Length / 3, 3], yTrue, null, [expected], args, Rounding: rounding);
    }

    public static readonly MetricExample[] OneHotIoU =
    [
        OneHotCase(KerasTest + ": OneHotIoU unweighted", OneHotScores, OneHotTrue, (0.0 / (1 + 2 - 0) + 1.0 / (3 + 1 - 1)) / 2, Classes(3, 0, 2)),
        OneHotCase(KerasTest + ": OneHotIoU weighted", OneHotScores, OneHotTrue, (0 / (0.3 + 0.6 - 0) + 0.1 / (0.7 + 0.1 - 0.1)) / 2, Classes(3, 0, 2),
            [0.1, 0.2, 0.3, 0.4]),
        OneHotCase(KerasDoc + ": OneHotIoU", OneHotScores, OneHotTrue, 0.071, Classes(3, 0, 2), [0.1, 0.2, 0.3, 0.4], rounding: 5e-4),
    ];

    public static readonly MetricExample[] OneHotMeanIoU =
    [
        OneHotCase(KerasTest + ": OneHotMeanIoU unweighted", OneHotScores, OneHotTrue, (0 + 0 + 1.0 / (3 + 1 - 1)) / 3, Classes(3)),
        OneHotCase(KerasDoc + ": OneHotMeanIoU", OneHotScores, OneHotTrue, 0.048, Classes(3), [0.1, 0.2, 0.3, 0.4], rounding: 5e-4),
        // A fifth row: y_true → [2, 0, 1, 0, 0], y_pred → [2, 2, 0, 2, 0].
        OneHotCase(KerasTest + ": OneHotMeanIoU weighted", [.. OneHotScores, 0.6, 0.2, 0.2], [.. OneHotTrue, 1, 0, 0],
            (0.1 / (0.4 + 0.6 - 0.1) + 0 + 0.1 / (0.6 + 0.1 - 0.1)) / 3, Classes(3), [0.1, 0.2, 0.3, 0.3, 0.1]),
    ];

    private static Dictionary<string, object?> With(Dictionary<string, object?> args, params (string Name, object? Value)[] more)
    {
        foreach ((string name, object? value) in more) args[name] = value;
        return args;
    }
}
