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
            (p, t, _) => Metrics.Accuracy(p, t), MetricExamples.Accuracy),
        new("binary_accuracy", "1 where y_pred > threshold matches the 0/1 label, per element", MetricLabels.SameShape, true,
            ["threshold"], (p, t, a) => Metrics.BinaryAccuracy(p, t, a.Number("threshold", 0.5)), MetricExamples.BinaryAccuracy),
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
            MetricExamples.Dice) { ScalarWhen = a => a.Bool("sample_average", false) && a.Bool("channel_average", false) },
        Counting("precision", "TP / (TP + FP) over the batch; 0 when TP + FP = 0", Metrics.ConfusionKind.Precision, MetricExamples.Precision),
        Counting("recall", "TP / (TP + FN) over the batch; 0 when TP + FN = 0", Metrics.ConfusionKind.Recall, MetricExamples.Recall),
        Confusion("f1_score", "2·TP / (2·TP + FP + FN) over the batch; 0 when that denominator is 0", None,
            (p, t, a) => Metrics.F1Score(p, t, a.Average(ClassAverage.PerClass), a.Number("threshold", (double?)null), a.Tensor("sample_weight")),
            MetricExamples.F1, ClassAverage.PerClass),
        Confusion("fbeta_score", "(1 + β²)·TP / ((1 + β²)·TP + FP + β²·FN) over the batch; 0 when that denominator is 0", ["beta"],
            (p, t, a) => Metrics.FBetaScore(p, t, a.Number("beta", 1.0), a.Average(ClassAverage.PerClass), a.Number("threshold", (double?)null),
                a.Tensor("sample_weight")),
            MetricExamples.FBeta, ClassAverage.PerClass),
    ];

    /// <summary>The metric with this name; throws <see cref="ArgumentException"/> listing the known names otherwise.</summary>
    public static MetricDefinition Get(string name) =>
        All.FirstOrDefault(d => d.Name == (name ?? throw new ArgumentNullException(nameof(name),
            $"Argument `name` must name a registered metric, e.g. \"categorical_accuracy\". Received: name=null"))) ?? throw new ArgumentException(
            $"Argument `name` must name a registered metric. Received: name='{name}'. Known metrics: {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));

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
