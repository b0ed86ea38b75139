namespace CrossBackend;

/// <summary>
/// Every metric, declared once with its published examples. The tests enumerate this list (every example on every
/// engine and dtype) and <c>crossbackend metric</c> takes its names and options from it: adding a metric is one method in
/// <see cref="Metrics"/> and one entry here.
/// </summary>
public static class MetricRegistry
{
    private static readonly string[] None = [];

    /// <summary>Every registered metric.</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        new("accuracy", "1 where y_pred equals y_true, per element", MetricLabels.SameShape, true, None,
            (p, t, _) => Metrics.Accuracy(p, t), MetricExamples.Accuracy) { IntegerPredictions = true },
        new("binary_accuracy", "1 where y_pred > threshold matches the 0/1 label, per element", MetricLabels.SameShape, true,
            ["threshold"], (p, t, a) => Metrics.BinaryAccuracy(p, t, a.Number("threshold", 0.5)), MetricExamples.BinaryAccuracy) { IntegerPredictions = true },
        new("categorical_accuracy", "arg-max of y_pred equals arg-max of one-hot y_true", MetricLabels.SameShape, true, None,
            (p, t, _) => Metrics.CategoricalAccuracy(p, t), MetricExamples.CategoricalAccuracy),
        new("sparse_categorical_accuracy", "arg-max of y_pred equals the integer label", MetricLabels.ClassIndices, true, None,
            (p, t, _) => Metrics.SparseCategoricalAccuracy(p, t), MetricExamples.SparseCategoricalAccuracy),
        new("top_k_categorical_accuracy", "the one-hot target's class is among the k highest scores", MetricLabels.SameShape, true,
            ["k"], (p, t, a) => Metrics.TopKCategoricalAccuracy(p, t, a.Int("k", 5)), MetricExamples.TopK),
        new("sparse_top_k_categorical_accuracy", "the integer label is among the k highest scores", MetricLabels.ClassIndices, true,
            ["k"], (p, t, a) => Metrics.SparseTopKCategoricalAccuracy(p, t, a.Int("k", 5)), MetricExamples.SparseTopK),
        new("dice_score", "FastEstimator's Dice score per sample and channel, 2·Σpy / (Σp + Σy + ε)", MetricLabels.SameShape, false,
            ["soft_dice", "sample_average", "channel_average", "channel_weights", "mask_overlap", "threshold", "empty_nan", "epsilon"],
            (p, t, a) => Metrics.DiceScore(p, t, a.Bool("soft_dice", false), a.Bool("sample_average", false), a.Bool("channel_average", false),
                a.Tensor("channel_weights"), a.Bool("mask_overlap", true), a.Number("threshold", (double?)null), a.Bool("empty_nan", false),
                a.Number("epsilon", 1e-6)),
            MetricExamples.Dice)
        {
            ScalarWhen = a => a.Bool("sample_average", false) && a.Bool("channel_average", false), IntegerPredictions = true,
        },
        Counting("precision", "TP / (TP + FP) over the batch; 0 when TP + FP = 0", Metrics.ConfusionKind.Precision, MetricExamples.Precision),
        Counting("recall", "TP / (TP + FN) over the batch; 0 when TP + FN = 0", Metrics.ConfusionKind.Recall, MetricExamples.Recall),
        Confusion("f1_score", "2·TP / (2·TP + FP + FN) over the batch; 0 when that denominator is 0", None,
            (p, t, a) => Metrics.F1Score(p, t, a.Average(ClassAverage.PerClass), a.Number("threshold", (double?)null), a.Tensor("sample_weight")),
            MetricExamples.F1, ClassAverage.PerClass),
        Confusion("fbeta_score", "(1 + β²)·TP / ((1 + β²)·TP + FP + β²·FN) over the batch; 0 when that denominator is 0", ["beta"],
            (p, t, a) => Metrics.FBetaScore(p, t, a.Number("beta", 1.0), a.Average(ClassAverage.PerClass), a.Number("threshold", (double?)null),
                a.Tensor("sample_weight")),
            MetricExamples.FBeta, ClassAverage.PerClass),
        IoU("iou", "TP / (TP + FP + FN) of class ids, averaged over target_class_ids (classes absent from both left out)",
            ["num_classes", "target_class_ids", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis"],
            (p, t, a) => Metrics.IoU(p, t, a.RequiredInt("num_classes", "iou"), TargetIds(a, "iou"), a.Tensor("sample_weight"), a.OptionalInt("ignore_class"),
                a.Bool("sparse_y_true", true), a.Bool("sparse_y_pred", true), a.OptionalInt("axis")), MetricExamples.IoU),
        IoU("binary_iou", "IoU of y_pred >= threshold against 0/1 labels, averaged over target_class_ids (default [0, 1])",
            ["target_class_ids", "threshold"],
            (p, t, a) => Metrics.BinaryIoU(p, t, a.Ints("target_class_ids"), a.Number("threshold", 0.5), a.Tensor("sample_weight")), MetricExamples.BinaryIoU),
        IoU("mean_iou", "IoU averaged over every class 0 … num_classes − 1 (classes absent from both left out)",
            ["num_classes", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis"],
            (p, t, a) => Metrics.MeanIoU(p, t, a.RequiredInt("num_classes", "mean_iou"), a.Tensor("sample_weight"), a.OptionalInt("ignore_class"),
                a.Bool("sparse_y_true", true), a.Bool("sparse_y_pred", true), a.OptionalInt("axis")), MetricExamples.MeanIoU),
        IoU("one_hot_iou", "IoU of one-hot y_true (arg-max) against scores, averaged over target_class_ids",
            ["num_classes", "target_class_ids", "ignore_class", "sparse_y_pred", "axis"],
            (p, t, a) => Metrics.OneHotIoU(p, t, a.RequiredInt("num_classes", "one_hot_iou"), TargetIds(a, "one_hot_iou"), a.Tensor("sample_weight"),
                a.OptionalInt("ignore_class"), a.Bool("sparse_y_pred", false), a.OptionalInt("axis")), MetricExamples.OneHotIoU),
        IoU("one_hot_mean_iou", "mean IoU of one-hot y_true (arg-max) against scores over every class",
            ["num_classes", "ignore_class", "sparse_y_pred", "axis"],
            (p, t, a) => Metrics.OneHotMeanIoU(p, t, a.RequiredInt("num_classes", "one_hot_mean_iou"), a.Tensor("sample_weight"),
                a.OptionalInt("ignore_class"), a.Bool("sparse_y_pred", false), a.OptionalInt("axis")), MetricExamples.OneHotMeanIoU),
        new("r2_score", "1 − Σw(y − ŷ)² / Σw(y − ȳ)² per output of (batch, outputs), aggregated; Keras's rules for a constant y_true",
            MetricLabels.SameShape, false, ["class_aggregation", "num_regressors", "sample_weight"],
            (p, t, a) => Metrics.R2Score(p, t, Aggregation(a), a.Int("num_regressors", 0), a.Tensor("sample_weight")), MetricExamples.R2)
        {
            ScalarWhen = a => Aggregation(a) != R2Aggregation.PerOutput, IntegerPredictions = true,
        },
        new("auc", "area under the ROC or PR curve traced by TP, FP, TN, FN at num_thresholds thresholds (Keras's approximation)",
            MetricLabels.SameShape, false,
            ["num_thresholds", "curve", "summation_method", "thresholds", "multi_label", "label_weights", "from_logits", "sample_weight"],
            (p, t, a) => Metrics.Auc(p, t, a.Int("num_thresholds", 200), Curve(a), Summation(a), a.Numbers("thresholds"), a.Bool("multi_label", false),
                a.Numbers("label_weights"), a.Bool("from_logits", false), a.Tensor("sample_weight")), MetricExamples.Auc)
        {
            ScalarWhen = _ => true,
        },
    ];

    /// <summary>The metric with this name; throws <see cref="ArgumentException"/> listing the known names otherwise.</summary>
    public static MetricDefinition Get(string name) =>
        All.FirstOrDefault(d => d.Name == (name ?? throw new ArgumentNullException(nameof(name),
            $"Argument `name` must name a registered metric, e.g. \"categorical_accuracy\". Received: name=null"))) ?? throw new ArgumentException(
            $"Argument `name` must name a registered metric. Received: name='{name}'. Known metrics: {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));

    /// <summary>An IoU metric: one value for the batch, with Keras's <c>sample_weight</c> besides its own options; y_pred may
    /// hold integer class ids.</summary>
    private static MetricDefinition IoU(string name, string summary, string[] options, Func<object, object, MetricCall, object> compute,
        IReadOnlyList<MetricExample> examples) =>
        new(name, summary, MetricLabels.SameShape, false, [.. options, "sample_weight"], compute, examples) { ScalarWhen = _ => true, IntegerPredictions = true };

    private static int[] TargetIds(MetricCall a, string metric) => a.Ints("target_class_ids") ?? throw new ArgumentException(
        $"Metric `{metric}` needs argument `target_class_ids` (a list of class ids, e.g. [0, 2]).", "target_class_ids");

    /// <summary>A word option as a spelling of one of <paramref name="names"/> (any case, underscores ignored).</summary>
    private static int Choice(MetricCall a, string option, string? fallback, string expected, params string[][] names)
    {
        string? given = a.Word(option, fallback);
        string key = (given ?? "none").Replace("_", "").ToLowerInvariant();
        for (int i = 0; i < names.Length; i++)
            if (names[i].Contains(key)) return i;
        throw new ArgumentException($"Argument `{option}` must be {expected}. Received: {option}={given ?? "None"}", option);
    }

    /// <summary>Keras's <c>class_aggregation</c>: "uniform_average" (default), "variance_weighted_average", or None.</summary>
    private static R2Aggregation Aggregation(MetricCall a) => (R2Aggregation)Choice(a, "class_aggregation", "uniform_average",
        "one of uniform_average, variance_weighted_average or None (per output)",
        ["uniformaverage"], ["varianceweightedaverage"], ["none", "peroutput"]);

    /// <summary>Keras's AUC <c>curve</c>: "ROC" (default) or "PR", any case.</summary>
    private static AucCurve Curve(MetricCall a) => (AucCurve)Choice(a, "curve", "ROC", "ROC or PR (Keras's AUC curves)", ["roc"], ["pr"]);

    /// <summary>Keras's AUC <c>summation_method</c>: "interpolation" (default), "minoring" or "majoring", any case.</summary>
    private static AucSummation Summation(MetricCall a) => (AucSummation)Choice(a, "summation_method", "interpolation",
        "interpolation, minoring or majoring", ["interpolation"], ["minoring"], ["majoring"]);

    /// <summary>Keras's <c>thresholds</c> (Precision/Recall: a number or a list, binary counting), or null when not given;
    /// refused beside <c>threshold</c> or another <c>average</c>.</summary>
    private static double[]? Thresholds(MetricCall a)
    {
        double[]? list = a.Numbers("thresholds");
        if (list is null) return null;
        if (a.Has("threshold"))
            throw new ArgumentException("Give `threshold` (one number) or `thresholds` (Keras's list), not both.", "thresholds");
        if (a.Average() != ClassAverage.Binary)
            throw new ArgumentException($"Argument `thresholds` counts binary predictions; it needs average=binary. Received: average={a.Average()}", "thresholds");
        return list;
    }

    /// <summary>Keras's Precision or Recall: its <c>thresholds</c> (one number or a list), <c>top_k</c> and
    /// <c>class_id</c> besides the confusion metrics' arguments.</summary>
    private static MetricDefinition Counting(string name, string summary, Metrics.ConfusionKind kind, IReadOnlyList<MetricExample> examples) =>
        Confusion(name, summary, ["thresholds", "top_k", "class_id"],
            (p, t, a) => Thresholds(a) is { } list
                ? Metrics.AtThresholds(kind, p, t, list, a.Tensor("sample_weight"), a.OptionalInt("top_k"), a.OptionalInt("class_id"))
                : Metrics.ConfusionMetric(kind, p, t, a.Average(), a.Number("threshold", (double?)null), a.Tensor("sample_weight"), 1.0,
                    a.OptionalInt("top_k"), a.OptionalInt("class_id")),
            examples);

    /// <summary>A batch confusion metric: Keras's <c>average</c> (<paramref name="defaultAverage"/> when not given: binary
    /// counting for Precision/Recall, per class for F1Score/FBetaScore, as in Keras), <c>threshold</c> and
    /// <c>sample_weight</c>, plus its own <paramref name="options"/>.</summary>
    private static MetricDefinition Confusion(string name, string summary, string[] options, Func<object, object, MetricCall, object> compute,
        IReadOnlyList<MetricExample> examples, ClassAverage defaultAverage = ClassAverage.Binary) =>
        new(name, summary, MetricLabels.SameShape, false, ["average", "threshold", "sample_weight", .. options], compute, examples)
        {
            ScalarWhen = a => a.Average(defaultAverage) != ClassAverage.PerClass && (a.Numbers("thresholds")?.Length ?? 1) == 1,
        };
}
