namespace CrossBackend;

/// <summary>
/// The published examples every metric reproduces: Keras 3's docstrings and tests (<c>keras/src/metrics/*.py</c>,
/// <c>*_test.py</c>), TensorFlow's docs and FastEstimator's docstring, with their inputs as published (channels-last).
/// </summary>
internal static partial class MetricExamples
{
    private const string KerasDoc = "Keras docs";
    private const string KerasTest = "Keras test";
    /// <summary>tf.keras's <c>metrics_functional_test.py</c> (Keras 2, keras-team/tf-keras): the same functions, called
    /// directly, with k values, (B,) and (B, 1) labels and rank-3 inputs that Keras 3's tests no longer publish.</summary>
    private const string TfKerasTest = "tf.keras test";

    private static Dictionary<string, object?> Args(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    private static MetricExample Mean(string source, double[] yPred, long[] shape, double[] yTrue, long[]? trueShape,
        double expected, double[]? weights = null, Dictionary<string, object?>? args = null, long[]? weightShape = null) =>
        new(source, yPred, shape, yTrue, trueShape, [expected], args, weights, Mean: true, WeightShape: weightShape);

    // keras.metrics.Accuracy: y_true [[1], [2], [3], [4]], y_pred [[0], [2], [3], [4]]; Keras 3.4's tests add rank-1
    // data and weights of the data's shape or broadcast against it.
    public static readonly MetricExample[] Accuracy =
    [
        new(KerasDoc + ": accuracy", [0, 2, 3, 4], [4, 1], [1, 2, 3, 4], null, [0, 1, 1, 1]),
        Mean(KerasDoc + ": Accuracy", [0, 2, 3, 4], [4, 1], [1, 2, 3, 4], null, 0.75),
        Mean(KerasDoc + ": Accuracy", [0, 2, 3, 4], [4, 1], [1, 2, 3, 4], null, 0.5, weights: [1, 1, 0, 0]),
        new(KerasTest + ": accuracy per element", [0, 2, 3, 4], [2, 2], [1, 2, 3, 4], null, [0, 1, 1, 1]),
        Mean(KerasTest + ": Accuracy weighted rank 1", [0, 2, 3, 4], [4], [1, 2, 3, 4], null, 0.5, weights: [1, 1, 0, 0]),
        Mean(KerasTest + ": Accuracy nd weights", [0, 2, 3, 4], [2, 2], [1, 2, 3, 4], null, 0.5, weights: [1, 0, 0, 1], weightShape: [2, 2]),
        Mean(KerasTest + ": Accuracy nd broadcast weights", [0, 2, 3, 4], [2, 2], [1, 2, 3, 4], null, 0.5, weights: [1, 0], weightShape: [1, 2]),
    ];

    // keras.metrics.BinaryAccuracy: y_true [[1], [1], [0], [0]], y_pred [[0.98], [1], [0], [0.6]].
    public static readonly MetricExample[] BinaryAccuracy =
    [
        new(KerasDoc + ": binary_accuracy", [0.98, 1, 0, 0.6], [4, 1], [1, 1, 0, 0], null, [1, 1, 1, 0]),
        Mean(KerasDoc + ": BinaryAccuracy", [0.98, 1, 0, 0.6], [4, 1], [1, 1, 0, 0], null, 0.75),
        Mean(KerasDoc + ": BinaryAccuracy", [0.98, 1, 0, 0.6], [4, 1], [1, 1, 0, 0], null, 0.5, weights: [1, 0, 0, 1]),
        Mean(KerasTest + ": BinaryAccuracy broadcasting y_true (4,)", [0.98, 1, 0, 0.6], [4, 1], [1, 1, 0, 0], [4], 0.75),
        Mean(KerasTest + ": BinaryAccuracy threshold", [0.98, 0.5, 0.1, 0.2], [4, 1], [1, 1, 0, 0], null, 1.0, args: Args(("threshold", 0.3))),
        Mean(KerasTest + ": BinaryAccuracy threshold", [0.98, 0.5, 0.1, 0.2], [4, 1], [1, 1, 0, 0], null, 0.75, args: Args(("threshold", 0.9))),
        Mean(KerasTest + ": BinaryAccuracy weighted rank 1", [0.98, 1, 0, 0.6], [4], [1, 1, 0, 0], null, 0.5, weights: [1, 0, 0, 1]),
        Mean(KerasTest + ": BinaryAccuracy nd weights", [0.98, 1, 0, 0.6], [2, 2], [1, 1, 0, 0], null, 0.5, weights: [1, 0, 0, 1], weightShape: [2, 2]),
        Mean(KerasTest + ": BinaryAccuracy nd broadcast weights", [0.98, 1, 0, 0.6], [2, 2], [1, 1, 0, 0], null, 1.0, weights: [1, 0], weightShape: [1, 2]),
    ];

    private static readonly double[] TwoRows = [0.1, 0.9, 0.8, 0.05, 0.95, 0];

    /// <summary>tf.keras's top-k tests' y_pred: [[0.3, 0.2, 0.1], [0.1, 0.2, 0.7]] (declared before the arrays that use it:
    /// static fields are initialised in order).</summary>
    private static readonly double[] TfKerasTopKPred = [0.3, 0.2, 0.1, 0.1, 0.2, 0.7];

    // keras.metrics.CategoricalAccuracy: y_true [[0, 0, 1], [0, 1, 0]], y_pred [[0.1, 0.9, 0.8], [0.05, 0.95, 0]].
    public static readonly MetricExample[] CategoricalAccuracy =
    [
        new(KerasDoc + ": categorical_accuracy", TwoRows, [2, 3], [0, 0, 1, 0, 1, 0], null, [0, 1]),
        Mean(KerasDoc + ": CategoricalAccuracy", TwoRows, [2, 3], [0, 0, 1, 0, 1, 0], null, 0.5),
        Mean(KerasDoc + ": CategoricalAccuracy", TwoRows, [2, 3], [0, 0, 1, 0, 1, 0], null, 0.3, weights: [0.7, 0.3]),
    ];

    // keras.metrics.SparseCategoricalAccuracy: y_true [[2], [1]], y_pred [[0.1, 0.6, 0.3], [0.05, 0.95, 0]].
    public static readonly MetricExample[] SparseCategoricalAccuracy =
    [
        new(KerasDoc + ": sparse_categorical_accuracy", [0.1, 0.6, 0.3, 0.05, 0.95, 0], [2, 3], [2, 1], [2, 1], [0, 1]),
        Mean(KerasDoc + ": SparseCategoricalAccuracy", [0.1, 0.6, 0.3, 0.05, 0.95, 0], [2, 3], [2, 1], [2, 1], 0.5),
        Mean(KerasDoc + ": SparseCategoricalAccuracy", [0.1, 0.6, 0.3, 0.05, 0.95, 0], [2, 3], [2, 1], [2, 1], 0.3, weights: [0.7, 0.3]),
        Mean(KerasTest + ": squeeze y_true (3, 1)", [0.9, 0.05, 0.05, 0.05, 0.9, 0.05, 0.05, 0.05, 0.9], [3, 3], [0, 1, 2], [3, 1], 1.0),
        Mean(KerasTest + ": matching shapes without squeeze", [0, 0, 1, 0, 1, 0, 1, 0, 0], [3, 3], [2, 1, 0], [3], 1.0),
        Mean(KerasTest + ": squeeze y_true shape", [1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3], [0, 1, 2], [3, 1], 1.0),
        Mean(KerasTest + ": cast y_pred dtype", [0.9, 0.1, 0.1, 0.9], [2, 2], [0, 1], [2], 1.0),
        Mean(KerasTest + ": cast y_pred to match y_true dtype", [0.9, 0.1, 0, 0, 0.9, 0.1, 0.1, 0, 0.9], [3, 3], [0, 1, 2], [3], 1.0),
        Mean(KerasTest + ": reshape matches to original y_true shape", [0.9, 0.1, 0.1, 0.9], [2, 2], [0, 1], [2, 1], 1.0),
        // test_sparse_categorical_accuracy_int: labels (B,), (B, 1), and (B, T) beside a (B, T, C) y_pred.
        new(TfKerasTest + ": sparse_categorical_accuracy labels (4,)", [0.8, 0.2, 0.6, 0.4, 0.7, 0.3, 0.9, 0.1], [4, 2], [1, 0, 0, 0], [4],
            [0, 1, 1, 1]),
        new(TfKerasTest + ": sparse_categorical_accuracy labels (4, 1)", [0.8, 0.2, 0.6, 0.4, 0.7, 0.3, 0.9, 0.1], [4, 2], [1, 0, 0, 0], [4, 1],
            [0, 1, 1, 1]),
        new(TfKerasTest + ": sparse_categorical_accuracy rank 3", [0.2, 0.3, 0.1, 0.1, 0.2, 0.7, 0.3, 0.2, 0.1, 0.7, 0.2, 0.1], [2, 2, 3],
            [1, 0, 1, 0], [2, 2], [1, 0, 0, 1]),
        // test_sparse_categorical_accuracy_eager (and _float_eager, the same labels as floats): y_true arange(6) (6, 1),
        // y_pred arange(36) (6, 6): every row's arg-max is 5, so only the last row matches.
        new(TfKerasTest + ": sparse_categorical_accuracy arange", Enumerable.Range(0, 36).Select(i => (double)i).ToArray(), [6, 6],
            [0, 1, 2, 3, 4, 5], [6, 1], [0, 0, 0, 0, 0, 1]),
    ];

    // keras.metrics.TopKCategoricalAccuracy(k=1): the CategoricalAccuracy data.
    public static readonly MetricExample[] TopK =
    [
        Mean(KerasDoc + ": TopKCategoricalAccuracy", TwoRows, [2, 3], [0, 0, 1, 0, 1, 0], null, 0.5, args: Args(("k", 1))),
        Mean(KerasDoc + ": TopKCategoricalAccuracy", TwoRows, [2, 3], [0, 0, 1, 0, 1, 0], null, 0.3, weights: [0.7, 0.3], args: Args(("k", 1))),
        new(KerasDoc + ": top_k_categorical_accuracy", TwoRows, [2, 3], [0, 0, 1, 0, 1, 0], null, [0, 1], Args(("k", 1))),
        // tf.keras's test_top_k_categorical_accuracy: the mean over the batch for k = 3, 2, 1.
        .. from c in new[] { (K: 3, Expected: 1.0), (K: 2, Expected: 0.5), (K: 1, Expected: 0.0) }
           select Mean(TfKerasTest + ": top_k_categorical_accuracy", TfKerasTopKPred, [2, 3], [0, 1, 0, 1, 0, 0], null, c.Expected,
               args: Args(("k", c.K))),
    ];

    // keras.metrics.SparseTopKCategoricalAccuracy(k=1): y_true [2, 1]; TF docs: k=3 gives [1, 1], the default k=5 1.0;
    // keras.ops.in_top_k: targets [2, 5, 3] (5 is out of range; the last row has a tie at 0.9), k=3 → [True, False, True].
    public static readonly MetricExample[] SparseTopK =
    [
        Mean(KerasDoc + ": SparseTopKCategoricalAccuracy", TwoRows, [2, 3], [2, 1], [2], 0.5, args: Args(("k", 1))),
        Mean(KerasDoc + ": SparseTopKCategoricalAccuracy", TwoRows, [2, 3], [2, 1], [2], 0.3, weights: [0.7, 0.3], args: Args(("k", 1))),
        new("TensorFlow docs: sparse_top_k_categorical_accuracy", TwoRows, [2, 3], [2, 1], [2], [1, 1], Args(("k", 3))),
        Mean("TensorFlow docs: SparseTopKCategoricalAccuracy", TwoRows, [2, 3], [2, 1], [2], 1.0),
        new(KerasDoc + ": ops.in_top_k", [0.1, 0.4, 0.6, 0.9, 0.5, 0.1, 0.7, 0.9, 0.8, 0.3, 0.1, 0.6, 0.9, 0.9, 0.5], [3, 5],
            [2, 5, 3], [3], [1, 0, 1], Args(("k", 3))),
        // tf.keras's test_sparse_top_k_categorical_accuracy: labels (B, 1), (B,), and (B, T) beside a (B, T, C) y_pred;
        // the mean over every label for k = 3, 2, 1.
        .. from c in new[] { (K: 3, Expected: 1.0), (K: 2, Expected: 0.5), (K: 1, Expected: 0.0) }
           from labels in new[] { (Name: "labels (2, 1)", Pred: TfKerasTopKPred, Shape: new long[] { 2, 3 }, Labels: new double[] { 1, 0 }, LabelShape: new long[] { 2, 1 }),
                                  (Name: "labels (2,)", Pred: TfKerasTopKPred, Shape: new long[] { 2, 3 }, Labels: new double[] { 1, 0 }, LabelShape: new long[] { 2 }),
                                  (Name: "rank 3", Pred: new double[] { 0.3, 0.2, 0.1, 0.1, 0.2, 0.7, 0.1, 0.2, 0.7, 0.3, 0.2, 0.1, 0.1, 0.2, 0.7, 0.3, 0.2, 0.1 },
                                      Shape: new long[] { 2, 3, 3 }, Labels: new double[] { 1, 0, 0, 1, 0, 1 }, LabelShape: new long[] { 2, 3 }) }
           select Mean(TfKerasTest + ": sparse_top_k_categorical_accuracy " + labels.Name, labels.Pred, labels.Shape, labels.Labels, labels.LabelShape,
               c.Expected, args: Args(("k", c.K))),
    ];

    // fe.backend.dice_score's docstring: pred and true (1, 3, 3, 3) integer masks, channels-last (its NumPy example).
    private static readonly double[] DiceTrue =
        [0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1];
    private static readonly double[] DicePred =
        [0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1];

    public static readonly MetricExample[] Dice =
    [
        new("FastEstimator docs: dice_score", DicePred, [1, 3, 3, 3], DiceTrue, null, [0.90909083, 0.79999984, 0.79999995], Rounding: 5e-9),
        new("FastEstimator docs: dice_score", DicePred, [1, 3, 3, 3], DiceTrue, null, [0.90909083, 0.79999984, 0.79999995],
            Args(("soft_dice", true)), Rounding: 5e-9),
        new("FastEstimator docs: dice_score", DicePred, [1, 3, 3, 3], DiceTrue, null, [0.83636354], Args(("channel_average", true)), Rounding: 5e-9),
        new("FastEstimator docs: dice_score", DicePred, [1, 3, 3, 3], DiceTrue, null, [0.90909083, 0.79999984, 0.79999995],
            Args(("sample_average", true)), Rounding: 5e-9),
        // The same raw arrays read channels-first (its PyTorch example): moved to channels-last here.
        new("FastEstimator docs: dice_score (torch)", ChannelsFirstToLast(DicePred), [1, 3, 3, 3], ChannelsFirstToLast(DiceTrue), null,
            [0.8, 0.8, 0.9091], Rounding: 5e-5),
        new("FastEstimator docs: dice_score (torch)", ChannelsFirstToLast(DicePred), [1, 3, 3, 3], ChannelsFirstToLast(DiceTrue), null,
            [0.8364], Args(("channel_average", true)), Rounding: 5e-5),
        new("FastEstimator docs: dice_score (torch)", ChannelsFirstToLast(DicePred), [1, 3, 3, 3], ChannelsFirstToLast(DiceTrue), null,
            [0.8, 0.8, 0.9091], Args(("soft_dice", true)), Rounding: 5e-5),
        new("FastEstimator docs: dice_score (torch)", ChannelsFirstToLast(DicePred), [1, 3, 3, 3], ChannelsFirstToLast(DiceTrue), null,
            [0.8, 0.8, 0.9091], Args(("sample_average", true)), Rounding: 5e-5),
        // test_dice_score.py of 2022 (numpy, TensorFlow and PyTorch alike, assertAlmostEqual(delta=0.001)) on the docstring's
        // masks: channel_average 0.837. Its other cases (0.839) pooled every axis, which today's dice_score no longer does.
        new("FastEstimator test (2022): test_channel_average", DicePred, [1, 3, 3, 3], DiceTrue, null, [0.837], Args(("channel_average", true)),
            Rounding: 0.001),
        .. DiceTests(),
    ];

    /// <summary>
    /// FastEstimator's <c>test_dice_score.py</c>: five (20, 20, 3) slices (blank, total false negative, total false
    /// positive, partial match, perfect match), channels-last, each test's published values;
    /// <c>assert_array_almost_equal(decimal=4)</c> allows 1.5e-4 (decimal=3: 1.5e-3), <c>assertAlmostEqual(places=4)</c>
    /// 5e-5. test_empty_nan's values hold NaN, which the JSON the CLI and the parity report print cannot carry to .NET's
    /// parser: <c>DiceScoreFastEstimatorTestTests</c> holds it.
    /// </summary>
    private static MetricExample[] DiceTests()
    {
        (double[] pred, double[] truth) = DiceScoreLoss.FastEstimatorTestMasks();
        MetricExample Test(string test, double rounding, double[] expected, params (string Name, object? Value)[] arguments) =>
            new("FastEstimator test: " + test, pred, [5, 20, 20, 3], truth, null, expected, Args(arguments), Rounding: rounding,
                ArgumentShapes: new Dictionary<string, long[]> { ["channel_weights"] = [1, 3] });
        double[] Slices(double[] partial, double[] perfect) => [0, 0, 0, 0, 0, 0, 0, 0, 0, .. partial, .. perfect];
        return
        [
            Test("test_dice_score", 1.5e-4, Slices([0.75472, 0.82353, 0.24], [1, 1, 1])),
            Test("test_threshold_score", 1.5e-4, Slices([0.83333, 1, 0], [1, 1, 1]), ("threshold", 0.65)),
            Test("test_exclusive_channels", 1.5e-3, Slices([0.75472, 0.688852, 0.22222], [1, 1, 1]), ("mask_overlap", false)),
            Test("test_soft_dice_loss", 1.5e-4, Slices([0.84388, 0.93960, 0.31579], [1, 1, 1]), ("soft_dice", true)),
            Test("test_channel_weights", 1.5e-4, Slices([0.75472, 0.82353 * 2, 0.24 * 0.5], [1, 2, 0.5]),
                ("channel_weights", new double[] { 1, 2, 0.5 })),
            Test("test_channel_average", 1.5e-4, [0, 0, 0, 0.606083, 1], ("channel_average", true)),
            Test("test_sample_average", 1.5e-4, [0.350944, 0.364706, 0.248], ("sample_average", true)),
            Test("test_full_average", 5e-5, [0.3212166], ("channel_average", true), ("sample_average", true)),
        ];
    }

    /// <summary>A case of Keras's <c>confusion_metrics_test.py</c> (batch precision or recall): its keyword arguments, and
    /// element sample weights of y_pred's shape when it has them.</summary>
    private static MetricExample KerasConfusionCase(string test, double[] pred, long[] shape, double[] labels, double[] expected,
        double[]? weights, params (string Name, object? Value)[] arguments) =>
        new(KerasTest + ": " + test, pred, shape, labels, null, expected, Args([.. arguments, ("sample_weight", weights)]), Rounding: 1e-6,
            ArgumentShapes: weights is null ? null : new Dictionary<string, long[]> { ["sample_weight"] = shape });

    /// <summary>A <see cref="KerasConfusionCase"/> with one threshold (Keras's default 0.5).</summary>
    private static MetricExample Confusion(string test, double[] pred, long[] shape, double[] labels, double expected,
        double? threshold = null, double[]? weights = null) =>
        KerasConfusionCase(test, pred, shape, labels, [expected], weights, ("threshold", threshold ?? 0.5));

    // keras.metrics.Precision / Recall: y_true [0, 1, 1, 1], y_pred [1, 0, 1, 1]; then confusion_metrics_test.py
    // (element weights of the data's shape; thresholds; nothing predicted or nothing positive gives 0).
    public static readonly MetricExample[] Precision =
    [
        new(KerasDoc + ": Precision", [1, 0, 1, 1], [4], [0, 1, 1, 1], null, [0.6666667], Rounding: 5e-8),
        new(KerasDoc + ": Precision", [1, 0, 1, 1], [4], [0, 1, 1, 1], null, [1.0], Args(("sample_weight", new double[] { 0, 0, 1, 0 }))),
        // The docstring's top_k examples: the top k of [1, 1, 1, 1] are its first k (ties go to the lower index).
        new(KerasDoc + ": Precision", [1, 1, 1, 1], [4], [0, 0, 1, 1], null, [0.0], Args(("top_k", 2))),
        new(KerasDoc + ": Precision", [1, 1, 1, 1], [4], [0, 0, 1, 1], null, [0.5], Args(("top_k", 4))),
        Confusion("Precision unweighted", [1, 0, 1, 0], [1, 4], [0, 1, 1, 0], 0.5),
        Confusion("Precision weighted", [1, 0, 1, 0, 1, 0, 1, 0], [2, 4], [0, 1, 1, 0, 1, 0, 0, 1], 0.7, weights: [1, 2, 3, 4, 4, 3, 2, 1]),
        Confusion("Precision div by zero", [0, 0, 0, 0], [1, 4], [0, 0, 0, 0], 0),
        AllIncorrect("Precision"),
        Confusion("Precision thresholds", [1, 0, 0.6, 0], [1, 4], [0, 1, 1, 0], 0.5, threshold: 0.5),
        Confusion("Precision thresholds", [1, 0, 0.6, 0], [1, 4], [0, 1, 1, 0], 0, threshold: 0.7),
        Confusion("Precision weighted with threshold", [1, 0, 0.6, 0], [2, 2], [0, 1, 1, 0], 3.0 / 7, 0.5, [4, 0, 3, 1]),
        Confusion("Precision weighted with threshold", [1, 0, 0.6, 0], [2, 2], [0, 1, 1, 0], 0, 1.0, [4, 0, 3, 1]),
        .. AtK("Precision", 1.0 / 3, 13.0 / 17, [1, 1, 0.5], [1, 1], 1),
        .. AtThresholds("Precision", [4, 0, 3, 1]),
    ];

    /// <summary>Keras's <c>test_unweighted_all_incorrect</c> (thresholds=[0.5]): y_true = 1 − y_pred for random 0/1 inputs of
    /// shape (100, 1) gives 0; here one fixed draw of 10 rows with both labels.</summary>
    private static MetricExample AllIncorrect(string metric)
    {
        double[] inputs = [1, 0, 0, 1, 1, 0, 1, 0, 0, 1];
        return KerasConfusionCase(metric + " unweighted all incorrect", inputs, [10, 1], inputs.Select(v => 1 - v).ToArray(), [0], null,
            ("thresholds", new List<double> { 0.5 }));
    }

    /// <summary>Keras's <c>test_unweighted_with_threshold</c>, <c>test_weighted_with_threshold</c> and
    /// <c>test_multiple_updates</c> (two updates of the same batch, one batch of both copies here): one value per
    /// threshold of Keras's list.</summary>
    private static MetricExample[] AtThresholds(string metric, double[] weights)
    {
        MetricExample Case(string test, double[] pred, long[] shape, double[] labels, double[] expected, double[] thresholds, double[]? w = null) =>
            KerasConfusionCase(metric + " " + test, pred, shape, labels, expected, w, ("thresholds", new List<double>(thresholds)));
        return
        [
            Case("unweighted with threshold", [1, 0, 0.6, 0], [4], [0, 1, 1, 0], [0.5, 0], [0.5, 0.7]),
            Case("weighted with threshold", [1, 0, 0.6, 0], [2, 2], [0, 1, 1, 0], [3.0 / 7, 0], [0.5, 1.0], weights),
            Case("multiple updates", [1, 0, 0.6, 0, 1, 0, 0.6, 0], [4, 2], [0, 1, 1, 0, 0, 1, 1, 0], [3.0 / 7, 0], [0.5, 1.0], [.. weights, .. weights]),
        ];
    }

    /// <summary>
    /// Keras's <c>test_unweighted_top_k</c>, <c>test_weighted_top_k</c>, <c>test_unweighted_class_id</c>,
    /// <c>test_unweighted_top_k_and_class_id</c> and <c>test_unweighted_top_k_and_threshold</c> for Precision or Recall.
    /// Keras's metric objects accumulate over calls; a test's calls are one batch here (top_k and class_id act per row, so
    /// the counts are the same), and the first call's value is checked on its own too. The class_id tests' rows were 1-D
    /// in tf.keras's tests (shape (1, 5) there, then 1-D in Keras 3's before it refused 1-D y_pred): (1, 5) here.
    /// </summary>
    private static MetricExample[] AtK(string metric, double topK, double weightedTopK, double[] classId, double[] topKClassId,
        double topKThreshold)
    {
        MetricExample Case(string test, double[] pred, long[] shape, double[] labels, double expected, int? k, int? id,
            double? threshold = null, double[]? weights = null) =>
            KerasConfusionCase(metric + " " + test, pred, shape, labels, [expected], weights, ("top_k", k), ("class_id", id), ("threshold", threshold));
        double[] classIdPred = [0.2, 0.1, 0.6, 0, 0.2, 0.2, 0.1, 0, 0, 0.2, 0.2, 0.1, 0.6, 0, 0.2];
        double[] classIdTrue = [0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0];
        double[] bothPred = [0.2, 0.6, 0.3, 0, 0.2, 1, 1, 0.9, 1, 1];
        double[] bothTrue = [0, 1, 1, 0, 0, 0, 1, 1, 0, 0];
        return
        [
            Case("unweighted top_k", [0.2, 0.1, 0.5, 0, 0.2], [5], [0, 1, 1, 0, 0], topK, 3, null),
            // Two calls: (1, 5) with element weights, then (5,) with the scalar weight 3.
            Case("weighted top_k", [0.2, 0.1, 0.4, 0, 0.2, 0.2, 0.6, 0.4, 0.2, 0.2], [2, 5], [0, 1, 1, 0, 1, 1, 0, 1, 1, 1],
                weightedTopK, 3, null, weights: [1, 4, 2, 3, 5, 3, 3, 3, 3, 3]),
            Case("unweighted class_id (first call)", classIdPred[..5], [1, 5], classIdTrue[..5], classId[0], null, 2),
            Case("unweighted class_id (two calls)", classIdPred[..10], [2, 5], classIdTrue[..10], classId[1], null, 2),
            Case("unweighted class_id (three calls)", classIdPred, [3, 5], classIdTrue, classId[2], null, 2),
            Case("unweighted top_k and class_id (first call)", bothPred[..5], [1, 5], bothTrue[..5], topKClassId[0], 2, 2),
            Case("unweighted top_k and class_id (two calls)", bothPred, [2, 5], bothTrue, topKClassId[1], 2, 2),
            Case("unweighted top_k and threshold", [0.2, 0.8, 0.6, 0, 0.2], [5], metric == "Precision" ? [0, 1, 1, 0, 1] : [1, 1, 1, 0, 1],
                topKThreshold, 2, null, 0.7),
            Case("unweighted class_id multiclass", [0.1, 0.2, 0.7, 0.5, 0.3, 0.2, 0.2, 0.6, 0.2, 0.7, 0.2, 0.1, 0.1, 0.1, 0.8], [5, 3],
                [0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1], 1.0, null, 1),
        ];
    }

    public static readonly MetricExample[] Recall =
    [
        new(KerasDoc + ": Recall", [1, 0, 1, 1], [4], [0, 1, 1, 1], null, [0.6666667], Rounding: 5e-8),
        new(KerasDoc + ": Recall", [1, 0, 1, 1], [4], [0, 1, 1, 1], null, [1.0], Args(("sample_weight", new double[] { 0, 0, 1, 0 }))),
        Confusion("Recall unweighted", [1, 0, 1, 0], [1, 4], [0, 1, 1, 0], 0.5),
        Confusion("Recall weighted", [1, 0, 1, 0, 0, 1, 0, 1], [2, 4], [0, 1, 1, 0, 1, 0, 0, 1], 0.4, weights: [1, 2, 3, 4, 4, 3, 2, 1]),
        Confusion("Recall div by zero", [0, 0, 0, 0], [1, 4], [0, 0, 0, 0], 0),
        AllIncorrect("Recall"),
        Confusion("Recall thresholds", [1, 0, 0.6, 0], [1, 4], [0, 1, 1, 0], 0.5, threshold: 0.5),
        Confusion("Recall thresholds", [1, 0, 0.6, 0], [1, 4], [0, 1, 1, 0], 0, threshold: 0.7),
        Confusion("Recall weighted with threshold", [1, 0, 0.6, 0], [2, 2], [0, 1, 1, 0], 3.0 / 7, 0.5, [1, 4, 3, 2]),
        Confusion("Recall weighted with threshold", [1, 0, 0.6, 0], [2, 2], [0, 1, 1, 0], 0, 1.0, [1, 4, 3, 2]),
        .. AtK("Recall", 0.5, 13.0 / 23, [1, 0.5, 0.5], [1, 0.5], 0.25),
        .. AtThresholds("Recall", [1, 4, 3, 2]),
    ];

    // keras.metrics.F1Score's docstring and f_score_metrics_test.py (beta = 1). Keras adds ε = 1e-7 to its denominators;
    // its test compares with atol 1e-6, the rounding allowed here.
    private static readonly double[] SixPred = [0.9, 0.1, 0, 0.2, 0.6, 0.2, 0, 0, 1, 0.4, 0.3, 0.3, 0, 0.9, 0.1, 0, 0, 1];
    private static readonly double[] SixTrue = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1];
    private static readonly double[] RandomPred = [0.7, 0.7, 0.7, 1, 0, 0, 0.9, 0.8, 0];
    private static readonly double[] RandomTrue = [0, 0, 1, 1, 1, 0, 1, 1, 1];

    private static MetricExample F1Case(string source, double[] pred, double[] labels, long rows, double[] expected,
        object? average, double? threshold, double[]? weights = null) =>
        new(source, pred, [rows, 3], labels, null, expected,
            Args(("average", average), ("threshold", threshold), ("sample_weight", weights)), Rounding: 1e-6);

    public static readonly MetricExample[] F1 =
    [
        F1Case(KerasDoc + ": F1Score", [0.2, 0.6, 0.7, 0.2, 0.6, 0.6, 0.6, 0.8, 0.0], [1, 1, 1, 1, 0, 0, 1, 1, 0], 3,
            [0.5, 0.8, 0.6666667], null, 0.5),
        // Keras's docstring calls F1Score(threshold=0.5): its default average=None (per class) is the registry's default too.
        new(KerasDoc + ": F1Score, default average", [0.2, 0.6, 0.7, 0.2, 0.6, 0.6, 0.6, 0.8, 0.0], [3, 3], [1, 1, 1, 1, 0, 0, 1, 1, 0], null,
            [0.5, 0.8, 0.6666667], Args(("threshold", 0.5)), Rounding: 1e-6),
        F1Case(KerasTest + ": random score", RandomPred, RandomTrue, 3, [0.8, 0.5, 0.6666667], null, 0.66),
        F1Case(KerasTest + ": random score", RandomPred, RandomTrue, 3, [0.6666667], "micro", 0.66),
        F1Case(KerasTest + ": random score", RandomPred, RandomTrue, 3, [0.6555555], "macro", 0.66),
        F1Case(KerasTest + ": random score", RandomPred, RandomTrue, 3, [0.6555555], "weighted", 0.66),
        F1Case(KerasTest + ": random score, no threshold", SixPred, SixTrue, 6, [0.8, 0.6666667, 1.0], null, null),
        F1Case(KerasTest + ": random score, no threshold", SixPred, SixTrue, 6, [0.833334], "micro", null),
        F1Case(KerasTest + ": random score, no threshold", SixPred, SixTrue, 6, [0.822222], "macro", null),
        F1Case(KerasTest + ": random score, no threshold", SixPred, SixTrue, 6, [0.844445], "weighted", null),
        // test_fbeta_weighted_random_score_none at β = 1: weights of 1 give the unweighted numbers (0.844444 weighted).
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [0.8, 0.666667, 1.0], null, null, [1, 1, 1, 1, 1, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [0.833333], "micro", null, [1, 1, 1, 1, 1, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [0.822222], "macro", null, [1, 1, 1, 1, 1, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [0.844444], "weighted", null, [1, 1, 1, 1, 1, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [1.0], "micro", null, [1, 0, 1, 1, 0, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [1.0], "weighted", null, [1, 0, 1, 1, 0, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [1.0, 0.0, 1.0], null, null, [1, 0, 1, 1, 0, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [0.857143, 0.8, 1.0], null, null, [0.5, 1, 1, 1, 0.5, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [0.666667], "macro", null, [1, 0, 1, 1, 0, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [0.885714], "macro", null, [0.5, 1, 1, 1, 0.5, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [0.9], "micro", null, [0.5, 1, 1, 1, 0.5, 1]),
        F1Case(KerasTest + ": weighted", SixPred, SixTrue, 6, [0.902857], "weighted", null, [0.5, 1, 1, 1, 0.5, 1]),
        F1Case(KerasTest + ": perfect score", [0.7, 0.7, 0.7, 1, 0, 0, 0.9, 0.8, 0], [1, 1, 1, 1, 0, 0, 1, 1, 0], 3, [1.0], "micro", 0.66),
        F1Case(KerasTest + ": perfect score", [0.7, 0.7, 0.7, 1, 0, 0, 0.9, 0.8, 0], [1, 1, 1, 1, 0, 0, 1, 1, 0], 3, [1.0], "macro", 0.66),
        F1Case(KerasTest + ": perfect score", [0.7, 0.7, 0.7, 1, 0, 0, 0.9, 0.8, 0], [1, 1, 1, 1, 0, 0, 1, 1, 0], 3, [1.0], "weighted", 0.66),
        F1Case(KerasTest + ": worst score", [0.7, 0.7, 0.7, 1, 0, 0, 0.9, 0.8, 0], [0, 0, 0, 0, 1, 0, 0, 0, 1], 3, [0.0], "micro", 0.66),
        F1Case(KerasTest + ": worst score", [0.7, 0.7, 0.7, 1, 0, 0, 0.9, 0.8, 0], [0, 0, 0, 0, 1, 0, 0, 0, 1], 3, [0.0], "macro", 0.66),
        F1Case(KerasTest + ": worst score", [0.7, 0.7, 0.7, 1, 0, 0, 0.9, 0.8, 0], [0, 0, 0, 0, 1, 0, 0, 0, 1], 3, [0.0], "weighted", 0.66),
    ];

    private static MetricExample FBetaCase(string source, double[] pred, double[] labels, long rows, double[] expected,
        object? average, double beta, double? threshold, double[]? weights = null) =>
        new(source, pred, [rows, 3], labels, null, expected,
            Args(("average", average), ("beta", beta), ("threshold", threshold), ("sample_weight", weights)), Rounding: 1e-6);

    private static readonly double[] PerfectPred = [0.7, 0.7, 0.7, 1, 0, 0, 0.9, 0.8, 0];
    private static readonly double[] Unweighted = [1, 1, 1, 1, 1, 1], SomeZero = [1, 0, 1, 1, 0, 1], SomeHalf = [0.5, 1, 1, 1, 0.5, 1];

    // keras.metrics.FBetaScore: f_score_metrics_test.py's cases with beta 0.5 and 2 (beta 1 is F1 above; atol 1e-6).
    public static readonly MetricExample[] FBeta =
    [
        .. from average in new[] { "micro", "macro", "weighted" }
           from beta in new[] { 0.5, 2.0 }
           from c in new[] { (Name: "perfect score", Labels: new double[] { 1, 1, 1, 1, 0, 0, 1, 1, 0 }, Expected: 1.0),
                             (Name: "worst score", Labels: new double[] { 0, 0, 0, 0, 1, 0, 0, 0, 1 }, Expected: 0.0) }
           select FBetaCase(KerasTest + ": fbeta " + c.Name, PerfectPred, c.Labels, 3, [c.Expected], average, beta, 0.66),
        FBetaCase(KerasTest + ": fbeta random score", RandomPred, RandomTrue, 3, [0.71428573, 0.5, 0.833334], null, 0.5, 0.66),
        FBetaCase(KerasTest + ": fbeta random score", RandomPred, RandomTrue, 3, [0.9090904, 0.5, 0.555556], null, 2.0, 0.66),
        FBetaCase(KerasTest + ": fbeta random score", RandomPred, RandomTrue, 3, [0.6666667], "micro", 0.5, 0.66),
        FBetaCase(KerasTest + ": fbeta random score", RandomPred, RandomTrue, 3, [0.6666667], "micro", 2.0, 0.66),
        FBetaCase(KerasTest + ": fbeta random score", RandomPred, RandomTrue, 3, [0.6825397], "macro", 0.5, 0.66),
        FBetaCase(KerasTest + ": fbeta random score", RandomPred, RandomTrue, 3, [0.6548822], "macro", 2.0, 0.66),
        FBetaCase(KerasTest + ": fbeta random score", RandomPred, RandomTrue, 3, [0.6825397], "weighted", 0.5, 0.66),
        FBetaCase(KerasTest + ": fbeta random score", RandomPred, RandomTrue, 3, [0.6548822], "weighted", 2.0, 0.66),
        FBetaCase(KerasTest + ": fbeta random score, no threshold", SixPred, SixTrue, 6, [0.9090904, 0.555556, 1.0], null, 0.5, null),
        FBetaCase(KerasTest + ": fbeta random score, no threshold", SixPred, SixTrue, 6, [0.71428573, 0.833334, 1.0], null, 2.0, null),
        FBetaCase(KerasTest + ": fbeta random score, no threshold", SixPred, SixTrue, 6, [0.833334], "micro", 0.5, null),
        FBetaCase(KerasTest + ": fbeta random score, no threshold", SixPred, SixTrue, 6, [0.833334], "micro", 2.0, null),
        FBetaCase(KerasTest + ": fbeta random score, no threshold", SixPred, SixTrue, 6, [0.821549], "macro", 0.5, null),
        FBetaCase(KerasTest + ": fbeta random score, no threshold", SixPred, SixTrue, 6, [0.849206], "macro", 2.0, null),
        FBetaCase(KerasTest + ": fbeta random score, no threshold", SixPred, SixTrue, 6, [0.880471], "weighted", 0.5, null),
        FBetaCase(KerasTest + ": fbeta random score, no threshold", SixPred, SixTrue, 6, [0.829365], "weighted", 2.0, null),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.909091, 0.555556, 1.0], null, 0.5, null, Unweighted),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [1.0, 0.0, 1.0], null, 0.5, null, SomeZero),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.9375, 0.714286, 1.0], null, 0.5, null, SomeHalf),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.714286, 0.833333, 1.0], null, 2.0, null, Unweighted),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [1.0, 0.0, 1.0], null, 2.0, null, SomeZero),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.789474, 0.909091, 1.0], null, 2.0, null, SomeHalf),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.833333], "micro", 0.5, null, Unweighted),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [1.0], "micro", 0.5, null, SomeZero),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.9], "micro", 0.5, null, SomeHalf),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.833333], "micro", 2.0, null, Unweighted),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [1.0], "micro", 2.0, null, SomeZero),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.9], "micro", 2.0, null, SomeHalf),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.821549], "macro", 0.5, null, Unweighted),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.666667], "macro", 0.5, null, SomeZero),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.883929], "macro", 0.5, null, SomeHalf),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.849206], "macro", 2.0, null, Unweighted),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.666667], "macro", 2.0, null, SomeZero),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.899522], "macro", 2.0, null, SomeHalf),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.880471], "weighted", 0.5, null, Unweighted),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [1.0], "weighted", 0.5, null, SomeZero),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.917857], "weighted", 0.5, null, SomeHalf),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.829365], "weighted", 2.0, null, Unweighted),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [1.0], "weighted", 2.0, null, SomeZero),
        FBetaCase(KerasTest + ": fbeta weighted", SixPred, SixTrue, 6, [0.897608], "weighted", 2.0, null, SomeHalf),
        // keras.metrics.FBetaScore's docstring: FBetaScore(beta=2.0, threshold=0.5), average=None by default.
        new(KerasDoc + ": FBetaScore, default average", [0.2, 0.6, 0.7, 0.2, 0.6, 0.6, 0.6, 0.8, 0.0], [3, 3], [1, 1, 1, 1, 0, 0, 1, 1, 0], null,
            [0.3846154, 0.90909094, 0.8333334], Args(("beta", 2.0), ("threshold", 0.5)), Rounding: 1e-6),
        // test_correctness: FBetaScore(beta=1.0) equals F1Score.
        FBetaCase(KerasTest + ": fbeta beta 1 equals F1", SixPred, SixTrue, 6, [0.8, 0.6666667, 1.0], null, 1.0, null),
    ];

    /// <summary>A (1, 3, 3, 3) array read channels-first, rewritten channels-last.</summary>
    private static double[] ChannelsFirstToLast(double[] v)
    {
        var result = new double[27];
        for (int c = 0; c < 3; c++)
        for (int h = 0; h < 3; h++)
        for (int w = 0; w < 3; w++)
            result[(h * 3 + w) * 3 + c] = v[(c * 3 + h) * 3 + w];
        return result;
    }
}
