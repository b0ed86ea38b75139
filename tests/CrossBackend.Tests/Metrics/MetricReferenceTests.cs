using CrossBackend.Testing;
using static CrossBackend.Tests.MetricTests.MetricReference;

namespace CrossBackend.Tests.MetricTests;

/// <summary>
/// Every metric against the independent float64 reference (<see cref="MetricReference"/>) on every engine, in float32
/// and float64, on seeded data with ties, rank-3 inputs (B, H, C), NaN scores and out-of-range labels.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class MetricReferenceTests(ITensorEngine engine)
{
    private static readonly DType[] DTypes = [DType.Float32, DType.Float64];

    /// <summary>Scores in steps of 0.1 (so rows have ties), channels-last (B, H, C).</summary>
    private static double[] Scores(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Math.Round(random.Next(0, 8) * 0.1 + 0.1, 1)).ToArray();
    }

    private static double[] OneHot(double[] labels, int classes) =>
        labels.SelectMany(l => Enumerable.Range(0, classes).Select(c => c == l ? 1.0 : 0.0)).ToArray();

    /// <summary>Values as the dtype holds them: the reference compares what the engine compares (Keras casts the
    /// threshold to y_pred's dtype too).</summary>
    private static double[] As(double[] values, DType dtype) => dtype == DType.Float64 ? values : values.Select(v => (double)(float)v).ToArray();

    private static double As(double value, DType dtype) => dtype == DType.Float64 ? value : (float)value;

    private object Floats(double[] values, long[] shape, DType dtype) =>
        engine.FromChannelsLast(dtype == DType.Float64 ? values : values.Select(v => (float)v).ToArray(), shape);

    private object Longs(double[] values, long[] shape) => engine.FromArray(values.Select(v => (long)v).ToArray(), shape);

    private void AssertClose(object actual, double[] expected, DType dtype, string what)
    {
        double[] values = engine.ToDoubleArray(actual, out _);
        Tolerance.AssertClose(values, expected, dtype, $"{what} on {engine.Name} ({dtype.Name()})");
    }

    [Test]
    public void CategoricalAndSparseAccuracy([ValueSource(nameof(DTypes))] DType dtype)
    {
        const int classes = 5;
        double[] scores = Scores(1, 6 * 2 * classes);
        double[] labels = new Random(2).GetItems(new double[] { 0, 1, 2, 3, 4 }, 12);
        double[][] rows = Rows(scores, classes);
        object pred = Floats(scores, [6, 2, classes], dtype);
        AssertClose(Metrics.CategoricalAccuracy(pred, Floats(OneHot(labels, classes), [6, 2, classes], dtype)),
            CategoricalAccuracy(rows, Rows(OneHot(labels, classes), classes)), dtype, "categorical_accuracy");
        AssertClose(Metrics.SparseCategoricalAccuracy(pred, Longs(labels, [6, 2])), SparseCategoricalAccuracy(rows, labels), dtype,
            "sparse_categorical_accuracy");
    }

    [Test]
    public void TopKWithTiesNaNAndOutOfRangeLabels([ValueSource(nameof(DTypes))] DType dtype, [Values(1, 2, 3, 7)] int k)
    {
        const int classes = 5;
        double[] scores = Scores(3, 6 * 2 * classes);
        double[] labels = new Random(4).GetItems(new double[] { 0, 1, 2, 3, 4 }, 12);
        labels[3] = -1;
        labels[7] = 5;
        scores[2 * classes + (int)labels[2]] = double.NaN;   // a NaN true score is never in the top k
        scores[5 * classes + 1] = double.NaN;                // a NaN elsewhere in the row: TensorFlow cannot say, never in
        scores[9 * classes + 4] = double.NegativeInfinity;   // so is −∞ (and +∞)
        double[][] rows = Rows(scores, classes);
        object pred = Floats(scores, [6, 2, classes], dtype);
        AssertClose(Metrics.SparseTopKCategoricalAccuracy(pred, Longs(labels, [6, 2]), k), InTopK(rows, labels, k), dtype,
            $"sparse_top_k_categorical_accuracy k={k}");

        double[] valid = labels.Select(l => l is < 0 or >= classes ? 0.0 : l).ToArray();
        double[] oneHot = OneHot(valid, classes);
        double[] argmaxLabels = Rows(oneHot, classes).Select(r => (double)ArgMax(r)).ToArray();
        AssertClose(Metrics.TopKCategoricalAccuracy(pred, Floats(oneHot, [6, 2, classes], dtype), k), InTopK(rows, argmaxLabels, k), dtype,
            $"top_k_categorical_accuracy k={k}");
    }

    [Test]
    public void TopKTiesAtTheBoundaryAreAllIn()
    {
        // Row [0.5, 0.3, 0.3, 0.1]: with k = 2, both 0.3 classes are in (one class scores strictly higher), 0.1 is not.
        object pred = Floats([0.5, 0.3, 0.3, 0.1, 0.5, 0.3, 0.3, 0.1, 0.5, 0.3, 0.3, 0.1], [3, 4], DType.Float32);
        AssertClose(Metrics.SparseTopKCategoricalAccuracy(pred, Longs([1, 2, 3], [3]), k: 2), [1, 1, 0], DType.Float32, "ties");
    }

    /// <summary>TensorFlow's <c>in_top_k</c> kernel (<c>in_topk_op.h</c>) sets <c>cannot_say</c> when any score of the row
    /// is non-finite, and answers false: <c>[NaN, 0.9, 0.1]</c> with label 1 and k = 1 is 0 there (Keras 3 on TensorFlow
    /// calls it), though class 1 is the highest finite score.</summary>
    [Test]
    public void TopKRowWithANonFiniteScoreIsNeverIn([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        double[] rows = [double.NaN, 0.9, 0.1, double.PositiveInfinity, 0.9, 0.1, 0.2, 0.9, double.NegativeInfinity, 0.2, 0.9, 0.1];
        object pred = Floats(rows, [4, 3], dtype);
        double[] expected = [0, 0, 0, 1];
        foreach (int k in new[] { 1, 2, 5 })
        {
            AssertClose(Metrics.SparseTopKCategoricalAccuracy(pred, Longs([1, 1, 1, 1], [4]), k), expected, dtype, $"sparse top k={k}");
            AssertClose(Metrics.TopKCategoricalAccuracy(pred, Floats(OneHot([1, 1, 1, 1], 3), [4, 3], dtype), k), expected, dtype, $"top k={k}");
        }
    }

    /// <summary>Precision/Recall at k over 60,000 classes (a vocabulary): the top-k selection takes memory of the input's
    /// size (a (C, C) table overflowed from about 46,341 classes). Row 0 ties everywhere, so the lower indices win: with k
    /// = 5 classes 0–4 are kept, and labels on classes 3–7 give TP 2, FP 3, FN 3; row 1 is distinct, its top 5 are
    /// labelled: TP 5.</summary>
    [Test]
    public void TopKOverTensOfThousandsOfClasses()
    {
        const int classes = 60_000;
        double[] scores = new double[2 * classes], truth = new double[2 * classes];
        for (int c = 0; c < classes; c++) scores[classes + c] = (c * 7919 % classes) / (double)classes;
        for (int c = 3; c < 8; c++) truth[c] = 1;
        foreach (int c in Enumerable.Range(0, classes).OrderByDescending(c => scores[classes + c]).Take(5)) truth[classes + c] = 1;
        object pred = Floats(scores, [2, classes], DType.Float32), y = Floats(truth, [2, classes], DType.Float32);
        AssertClose(Metrics.Precision(pred, y, topK: 5), [7.0 / 10], DType.Float32, "precision at 5");
        AssertClose(Metrics.Recall(pred, y, topK: 5), [7.0 / 10], DType.Float32, "recall at 5");
        AssertClose(Metrics.Precision(pred, y, topK: 5, classId: 4), [1.0 / 1], DType.Float32, "precision at 5 of class 4");
    }

    [Test]
    public void BinaryAccuracyAndAccuracy([ValueSource(nameof(DTypes))] DType dtype, [Values(0.3, 0.5)] double threshold)
    {
        double[] scores = As(Scores(5, 8 * 3).Select(v => v - 0.1).ToArray(), dtype);
        double[] truth = new Random(6).GetItems(new double[] { 0, 1 }, 24);
        object pred = Floats(scores, [8, 3], dtype), labels = Floats(truth, [8, 3], dtype);
        AssertClose(Metrics.BinaryAccuracy(pred, labels, threshold), BinaryAccuracy(Rows(scores, 3), Rows(truth, 3), As(threshold, dtype)), dtype,
            "binary_accuracy");
        // Accuracy: exact equality with a copy where about half the values moved (rounded to steps of 0.2).
        double[] other = As(scores.Select(x => Math.Round(x * 5) / 5).ToArray(), dtype);
        double[] equal = scores.Select((v, i) => v == other[i] ? 1.0 : 0.0).ToArray();
        object rounded = Floats(other, [8, 3], dtype);
        AssertClose(Metrics.Accuracy(pred, rounded), equal, dtype, "accuracy");
    }

    public static IEnumerable<TestCaseData> ConfusionCases() =>
        from kind in Enum.GetValues<ConfusionKind>()
        from average in Enum.GetValues<ClassAverage>()
        from threshold in new double?[] { null, 0.3 }
        from weighted in new[] { false, true }
        from dtype in DTypes
        select new TestCaseData(kind, average, threshold, weighted, dtype);

    [TestCaseSource(nameof(ConfusionCases))]
    public void PrecisionRecallF1(ConfusionKind kind, ClassAverage average, double? threshold, bool weighted, DType dtype)
    {
        const int classes = 4, batch = 6, height = 2;
        double[] scores = As(Scores(7, batch * height * classes).Select(v => v - 0.1).ToArray(), dtype);   // includes 0 scores
        double? t32 = threshold is { } given ? As(given, dtype) : null;
        double[] labels = new Random(8).GetItems(new double[] { 0, 1, 2, 3 }, batch * height);
        double[] weights = Enumerable.Range(0, batch).Select(i => 0.1 * i + 0.3).ToArray();
        double[] rowWeights = Enumerable.Range(0, batch * height).Select(i => weights[i / height]).ToArray();
        object? w = weighted ? engine.FromArray(dtype == DType.Float64 ? weights : weights.Select(v => (float)v).ToArray(), [batch]) : null;
        double[] expected;
        object actual;
        if (average == ClassAverage.Binary)
        {
            // Every element is one binary prediction: (B, H, C) probabilities against 0/1 labels.
            double[] truth = OneHot(labels, classes);
            double t = t32 ?? 0.5;
            double[][] p = [scores.Select(v => v > t ? 1.0 : 0.0).ToArray()];
            double[] elementWeights = Enumerable.Range(0, scores.Length).Select(i => weights[i / (height * classes)]).ToArray();
            var n = Counts(p.Select(r => r).ToArray().SelectMany(r => r.Select(v => new[] { v })).ToArray(),
                truth.Select(v => new[] { v }).ToArray(), weighted ? elementWeights : null);
            expected = Averaged(kind, n, ClassAverage.Binary);
            actual = Compute(kind, Floats(scores, [batch, height, classes], dtype), Floats(truth, [batch, height, classes], dtype), average, threshold, w);
        }
        else
        {
            double[][] rows = Rows(scores, classes);
            var n = Counts(Predicted(rows, t32), Rows(OneHot(labels, classes), classes), weighted ? rowWeights : null);
            expected = Averaged(kind, n, average);
            // One-hot labels and class indices give the same counts.
            object pred = Floats(scores, [batch, height, classes], dtype);
            object sparse = Compute(kind, pred, Longs(labels, [batch, height]), average, threshold, w);
            AssertClose(sparse, expected, dtype, $"{kind} {average} threshold={threshold} (class indices)");
            actual = Compute(kind, pred, Floats(OneHot(labels, classes), [batch, height, classes], dtype), average, threshold, w);
        }
        AssertClose(actual, expected, dtype, $"{kind} {average} threshold={threshold}");
    }

    private static object Compute(ConfusionKind kind, object pred, object truth, ClassAverage average, double? threshold, object? w) => kind switch
    {
        ConfusionKind.Precision => Metrics.Precision(pred, truth, average, threshold, w),
        ConfusionKind.Recall => Metrics.Recall(pred, truth, average, threshold, w),
        _ => Metrics.F1Score(pred, truth, average, threshold, w),
    };

    public static IEnumerable<TestCaseData> FBetaCases() =>
        from average in new[] { ClassAverage.Binary, ClassAverage.PerClass, ClassAverage.Macro, ClassAverage.Micro, ClassAverage.Weighted }
        from beta in new[] { 0.3, 2.5 }
        from threshold in new double?[] { null, 0.3 }
        from dtype in DTypes
        select new TestCaseData(average, beta, threshold, dtype);

    /// <summary>F-beta against Keras's own form (1 + β²)·P·R / (β²·P + R) in float64, (B, H, C) data with row weights.</summary>
    [TestCaseSource(nameof(FBetaCases))]
    public void FBetaScore(ClassAverage average, double beta, double? threshold, DType dtype)
    {
        const int classes = 4, batch = 6, height = 2;
        double[] scores = As(Scores(17, batch * height * classes).Select(v => v - 0.1).ToArray(), dtype);
        double[] labels = new Random(18).GetItems(new double[] { 0, 1, 2, 3 }, batch * height);
        double[] weights = Enumerable.Range(0, batch).Select(i => 0.1 * i + 0.3).ToArray();
        object w = engine.FromArray(dtype == DType.Float64 ? weights : weights.Select(v => (float)v).ToArray(), [batch]);
        double[][] rows = Rows(scores, classes);
        double? t = threshold is { } given ? As(given, dtype) : average == ClassAverage.Binary ? As(0.5, dtype) : null;
        // Binary counts every element as its own prediction (one column); the others count per class.
        double[][] predicted = Predicted(rows, t), actual = Rows(OneHot(labels, classes), classes);
        double[] rowWeights = Enumerable.Range(0, batch * height).Select(i => weights[i / height]).ToArray();
        var n = average == ClassAverage.Binary
            ? Counts(predicted.SelectMany(r => r.Select(v => new[] { v })).ToArray(), actual.SelectMany(r => r.Select(v => new[] { v })).ToArray(),
                rowWeights.SelectMany(v => Enumerable.Repeat(v, classes)).ToArray())
            : Counts(predicted, actual, rowWeights);
        object result = Metrics.FBetaScore(Floats(scores, [batch, height, classes], dtype), Floats(OneHot(labels, classes), [batch, height, classes], dtype),
            beta, average, threshold, w);
        AssertClose(result, Averaged(ConfusionKind.F1, n, average, beta), dtype, $"fbeta {average} beta={beta} threshold={threshold}");
    }

    /// <summary>F1Score and FBetaScore default to Keras's average=None: one score per class, the same as PerClass.</summary>
    [Test]
    public void FScoresDefaultToOneScorePerClassAsKeras()
    {
        object pred = Floats([0.2, 0.6, 0.7, 0.2, 0.6, 0.6, 0.6, 0.8, 0.0], [3, 3], DType.Float32);
        object truth = Floats([1, 1, 1, 1, 0, 0, 1, 1, 0], [3, 3], DType.Float32);
        AssertClose(Metrics.F1Score(pred, truth, threshold: 0.5), engine.ToDoubleArray(Metrics.F1Score(pred, truth, ClassAverage.PerClass, 0.5), out _),
            DType.Float32, "F1Score default");
        AssertClose(Metrics.FBetaScore(pred, truth, 2.0, threshold: 0.5), [5.0 / 13, 10.0 / 11, 5.0 / 6], DType.Float32, "FBetaScore default");
        Assert.That(engine.ToDoubleArray(Metrics.Compute("f1_score", pred, truth, new Dictionary<string, object?> { ["threshold"] = 0.5 }), out long[] shape),
            Has.Length.EqualTo(3));
        Assert.That(shape, Is.EqualTo(new long[] { 3 }));
    }

    public static IEnumerable<TestCaseData> AtKCases() =>
        from kind in new[] { ConfusionKind.Precision, ConfusionKind.Recall }
        from k in new int?[] { null, 1, 2, 3 }
        from classId in new int?[] { null, 0, 2 }
        where k is not null || classId is not null
        from threshold in new double?[] { null, 0.3 }
        from dtype in DTypes
        select new TestCaseData(kind, k, classId, threshold, dtype);

    /// <summary>Keras's Precision/Recall with <c>top_k</c> and <c>class_id</c> on (B, H, C) scores in steps of 0.1 (rows with
    /// ties, so the lower-index rule is exercised), weighted per sample.</summary>
    [TestCaseSource(nameof(AtKCases))]
    public void PrecisionRecallAtK(ConfusionKind kind, int? k, int? classId, double? threshold, DType dtype)
    {
        const int classes = 4, batch = 6, height = 3;
        double[] scores = As(Scores(27, batch * height * classes), dtype);
        double[] truth = new Random(28).GetItems(new double[] { 0, 1 }, scores.Length);
        double[] weights = Enumerable.Range(0, batch).Select(i => 0.1 * i + 0.3).ToArray();
        object w = engine.FromArray(dtype == DType.Float64 ? weights : weights.Select(v => (float)v).ToArray(), [batch]);
        double[][] rows = Rows(scores, classes), labels = Rows(truth, classes);
        double? t = threshold is { } given ? As(given, dtype) : null;
        double[][] predicted = k is { } top ? PredictedTopK(rows, top, t) : Predicted(rows, t ?? As(0.5, dtype));
        int[] columns = classId is { } c ? [c] : Enumerable.Range(0, classes).ToArray();
        double[][] Pick(double[][] m) => m.Select(r => columns.Select(c => r[c]).ToArray()).ToArray();
        double[] rowWeights = Enumerable.Range(0, batch * height).Select(i => weights[i / height]).ToArray();
        var n = Counts(Pick(predicted), Pick(labels), rowWeights);
        double[] expected = [Score(kind, n.Tp.Sum(), n.Fp.Sum(), n.Fn.Sum())];
        object pred = Floats(scores, [batch, height, classes], dtype), y = Floats(truth, [batch, height, classes], dtype);
        object result = kind == ConfusionKind.Precision
            ? Metrics.Precision(pred, y, threshold: threshold, sampleWeights: w, topK: k, classId: classId)
            : Metrics.Recall(pred, y, threshold: threshold, sampleWeights: w, topK: k, classId: classId);
        AssertClose(result, expected, dtype, $"{kind} top_k={k} class_id={classId} threshold={threshold}");
    }

    /// <summary>Top k of wide rows (257 classes) with many ties and NaN scores, k small and large: the sort-and-count
    /// selection against the pairwise definition.</summary>
    [Test]
    public void TopKOfWideRowsWithTiesAndNaN([Values(1, 5, 200, 257, 300)] int k, [Values(DType.Float32, DType.Float64)] DType dtype)
    {
        const int batch = 6, classes = 257;
        var random = new Random(47);
        double[] scores = Enumerable.Range(0, batch * classes)
            .Select(_ => random.Next(0, 40) == 0 ? double.NaN : Math.Round(random.Next(0, 12) * 0.1 - 0.3, 1)).ToArray();
        scores = As(scores, dtype);
        double[] truth = new Random(48).GetItems(new double[] { 0, 1 }, scores.Length);
        var n = Counts(PredictedTopK(Rows(scores, classes), k, null), Rows(truth, classes), null);
        object pred = Floats(scores, [batch, classes], dtype), y = Floats(truth, [batch, classes], dtype);
        AssertClose(Metrics.Precision(pred, y, topK: k), [Score(ConfusionKind.Precision, n.Tp.Sum(), n.Fp.Sum(), n.Fn.Sum())], dtype, $"precision top_k={k}");
        AssertClose(Metrics.Recall(pred, y, topK: k), [Score(ConfusionKind.Recall, n.Tp.Sum(), n.Fp.Sum(), n.Fn.Sum())], dtype, $"recall top_k={k}");
    }

    /// <summary>Keras's list of thresholds gives, in order, what each threshold gives alone (with top_k and class_id too);
    /// one threshold in the list gives one value.</summary>
    [Test]
    public void AListOfThresholdsIsEachThresholdInTurn([Values(ConfusionKind.Precision, ConfusionKind.Recall)] ConfusionKind kind,
        [Values(DType.Float32, DType.Float64)] DType dtype)
    {
        double[] scores = As(Scores(37, 6 * 4), dtype), truth = new Random(38).GetItems(new double[] { 0, 1 }, 24);
        object pred = Floats(scores, [6, 4], dtype), y = Floats(truth, [6, 4], dtype);
        double[] thresholds = [0.1, 0.3, 0.55, 0.7];
        foreach ((int? k, int? id) in new (int?, int?)[] { (null, null), (2, null), (null, 1), (3, 2) })
        {
            object Single(double t) => kind == ConfusionKind.Precision
                ? Metrics.Precision(pred, y, threshold: t, topK: k, classId: id) : Metrics.Recall(pred, y, threshold: t, topK: k, classId: id);
            object list = kind == ConfusionKind.Precision
                ? Metrics.Precision(pred, y, thresholds, topK: k, classId: id) : Metrics.Recall(pred, y, thresholds, topK: k, classId: id);
            double[] expected = thresholds.SelectMany(t => engine.ToDoubleArray(Single(t), out _)).ToArray();
            Assert.That(engine.ToDoubleArray(list, out long[] shape), Is.EqualTo(expected), $"{kind} top_k={k} class_id={id}");
            Assert.That(shape, Is.EqualTo(new long[] { thresholds.Length }));
            object one = kind == ConfusionKind.Precision ? Metrics.Precision(pred, y, [0.3], topK: k, classId: id) : Metrics.Recall(pred, y, [0.3], topK: k, classId: id);
            Assert.That(engine.ToDoubleArray(one, out _), Is.EqualTo(engine.ToDoubleArray(Single(0.3), out _)));
        }
    }

    [Test]
    public void ZeroDivisionGivesZero([Values] ConfusionKind kind)
    {
        // Nothing predicted positive and nothing truly positive: every denominator is 0, the result is 0 (not NaN).
        object pred = Floats([0.1, 0.2, 0.3], [3], DType.Float32), truth = Floats([0, 0, 0], [3], DType.Float32);
        AssertClose(Compute(kind, pred, truth, ClassAverage.Binary, null, null), [0], DType.Float32, $"{kind} with zero denominators");
        // Per class: class 2 never occurs and is never predicted → 0, and it still counts in the macro mean.
        object scores = Floats([0.9, 0.1, 0.0, 0.2, 0.8, 0.0], [2, 3], DType.Float32), onehot = Floats([1, 0, 0, 0, 1, 0], [2, 3], DType.Float32);
        AssertClose(Compute(kind, scores, onehot, ClassAverage.PerClass, null, null), [1, 1, 0], DType.Float32, $"{kind} per class");
        AssertClose(Compute(kind, scores, onehot, ClassAverage.Macro, null, null), [2.0 / 3], DType.Float32, $"{kind} macro");
    }

    public static IEnumerable<TestCaseData> DiceCases() =>
        from soft in new[] { false, true }
        from threshold in new double?[] { null, 0.5 }
        from overlap in new[] { true, false }
        from dtype in DTypes
        select new TestCaseData(soft, threshold, overlap, dtype);

    [TestCaseSource(nameof(DiceCases))]
    public void DiceScore(bool soft, double? threshold, bool maskOverlap, DType dtype)
    {
        const int batch = 2, channels = 3, spatial = 12;
        var random = new Random(9);
        double[] pred = Enumerable.Range(0, batch * spatial * channels).Select(_ => Math.Round(random.NextDouble(), 3)).ToArray();
        double[] truth = Enumerable.Range(0, batch * spatial * channels).Select(_ => random.Next(0, 2) * 1.0).ToArray();
        double[] expected = Dice(pred, truth, batch, spatial, channels, soft, threshold, maskOverlap, 1e-6);
        long[] shape = [batch, 3, 4, channels];
        object p = Floats(pred, shape, dtype), y = Floats(truth, shape, dtype);
        AssertClose(Metrics.DiceScore(p, y, softDice: soft, threshold: threshold, maskOverlap: maskOverlap), expected, dtype, "dice (B, C)");
        double[] perSample = Enumerable.Range(0, batch).Select(b => expected.Skip(b * channels).Take(channels).Average()).ToArray();
        AssertClose(Metrics.DiceScore(p, y, softDice: soft, threshold: threshold, maskOverlap: maskOverlap, channelAverage: true), perSample, dtype,
            "dice channel_average");
        AssertClose(Metrics.DiceScore(p, y, softDice: soft, threshold: threshold, maskOverlap: maskOverlap, channelAverage: true, sampleAverage: true),
            [perSample.Average()], dtype, "dice both averages");
        double[] cw = [0.1, 0.3, 0.7];
        object weights = engine.FromArray(dtype == DType.Float64 ? cw : cw.Select(v => (float)v).ToArray(), [channels]);
        AssertClose(Metrics.DiceScore(p, y, softDice: soft, threshold: threshold, maskOverlap: maskOverlap, channelWeights: weights),
            expected.Select((v, i) => v * cw[i % channels]).ToArray(), dtype, "dice channel_weights");
    }

    [Test]
    public void DiceEmptyNanMarksChannelsEmptyInBoth()
    {
        // Channel 1 is empty in both masks → NaN; channel 0 is scored.
        object p = Floats([0.9, 0, 0.8, 0, 0, 0, 0.1, 0], [1, 2, 2, 2], DType.Float64);
        object y = Floats([1, 0, 1, 0, 0, 0, 0, 0], [1, 2, 2, 2], DType.Float64);
        double[] actual = engine.ToDoubleArray(Metrics.DiceScore(p, y, emptyNan: true), out _);
        Assert.That(actual[0], Is.EqualTo(2 * 1.7 / (1.8 + 2 + 1e-6)).Within(1e-12));
        Assert.That(double.IsNaN(actual[1]), Is.True, "empty channel");
    }

    [Test]
    public void MeanIsKerassWeightedMean([ValueSource(nameof(DTypes))] DType dtype)
    {
        double[] values = [1, 0, 1, 1, 0];
        double[] w = [0.1, 0.3, 0.5, 0.7, 0.9];
        object v = engine.FromArray(dtype == DType.Float64 ? values : values.Select(x => (float)x).ToArray(), [5]);
        object weights = engine.FromArray(dtype == DType.Float64 ? w : w.Select(x => (float)x).ToArray(), [5]);
        AssertClose(Metrics.Mean(v), [0.6], dtype, "mean");
        AssertClose(Metrics.Mean(v, weights), [(0.1 + 0.5 + 0.7) / 2.5], dtype, "weighted mean");
        object zero = engine.FromArray(new[] { 0f }, [1]);
        AssertClose(Metrics.Mean(v, engine.Cast(zero, dtype)), [0], dtype, "all-zero weights give 0");
    }

    [Test]
    public void MeanTakesWeightsOfTheValuesShapeAndBroadcastsThem([ValueSource(nameof(DTypes))] DType dtype,
        [Values(new long[] { 6, 3 }, new long[] { 1, 3 }, new long[] { 6, 1 }, new long[] { 6 })] long[] weightShape)
    {
        // Per-element values such as Accuracy's, (6, 3), with weights of 0.1 … that are not exact in float32.
        double[] values = As(new Random(11).GetItems(new double[] { 0, 1 }, 18), dtype);
        double[] w = As(Enumerable.Range(0, (int)weightShape.Aggregate(1L, (a, b) => a * b)).Select(i => 0.1 + 0.3 * (i % 4)).ToArray(), dtype);
        object v = Floats(values, [6, 3], dtype), weights = Floats(w, weightShape, dtype);
        double[][] wRows = weightShape.Length == 1 ? w.Select(x => new[] { x }).ToArray() : Rows(w, (int)weightShape[1]);
        AssertClose(Metrics.Mean(v, weights), [WeightedMean(Rows(values, 3), wRows)], dtype, $"weights {TensorInfo.FormatShape(weightShape)}");
    }

    [Test]
    public void MeanOfManyFloat16SamplesAndOfNone()
    {
        // 70,000 per-sample values of 1 in float16: their sum passes float16's 65,504 (programs run narrow floats in
        // float32), their mean is 1.
        object many = engine.Cast(engine.FromArray(Enumerable.Repeat(1f, 70_000).ToArray(), [70_000]), DType.Float16);
        AssertClose(Metrics.Mean(many), [1], DType.Float16, "float16 mean of 70,000 samples");
        // No samples: Keras's divide_no_nan gives 0.
        AssertClose(Metrics.Mean(engine.FromArray(new float[0], [0, 3])), [0], DType.Float32, "no samples");
    }

    [Test]
    public void MeanRefusesWeightsThatDoNotBroadcast()
    {
        object v = Floats([1, 0, 1, 1, 0, 1], [2, 3], DType.Float32);
        foreach (long[] shape in new long[][] { [2, 2], [3], [2, 3, 2] })
        {
            object w = engine.FromArray(new float[shape.Aggregate(1L, (a, b) => a * b)], shape);
            var ex = Assert.Throws<ArgumentException>(() => Metrics.Mean(v, w));
            Assert.That(ex!.ParamName, Is.EqualTo("sampleWeights"), TensorInfo.FormatShape(shape));
            Assert.That(ex.Message, Does.Contain($"sampleWeights.shape={TensorInfo.FormatShape(shape)}"));
        }
    }
}
