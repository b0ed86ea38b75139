using CrossBackend.Testing;
using static CrossBackend.Tests.MetricTests.IoUR2AucReference;

namespace CrossBackend.Tests.MetricTests;

/// <summary>
/// The IoU family, R2Score and AUC against the independent float64 reference (<see cref="IoUR2AucReference"/>) on
/// every engine, in float32 and float64: seeded data with ties, out-of-range and fractional ids, ignored classes,
/// weights, rank-3 inputs in each engine's layout, constant targets, uneven thresholds; and the rules where Keras and
/// scikit-learn disagree, as worked examples.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class IoUR2AucReferenceTests(ITensorEngine engine)
{
    private static readonly DType[] DTypes = [DType.Float32, DType.Float64];

    private static double[] As(double[] values, DType dtype) => dtype == DType.Float64 ? values : values.Select(v => (double)(float)v).ToArray();

    /// <summary>Channels-last data moved to the engine's layout.</summary>
    private object Data(double[] values, long[] shape, DType dtype) =>
        engine.FromChannelsLast(dtype == DType.Float64 ? values : values.Select(v => (float)v).ToArray(), shape);

    /// <summary>A tensor without a class axis (ids, weights): the same on every engine.</summary>
    private object Plain(double[] values, long[] shape, DType dtype) =>
        engine.FromArray(dtype == DType.Float64 ? values : values.Select(v => (float)v).ToArray(), shape);

    private void AssertClose(object actual, double[] expected, DType dtype, string what)
    {
        (double rtol, double atol) = Tolerance.For(dtype);
        TensorAssert.AreClose(engine.ToDoubleArray(actual, out _), expected, rtol, atol, equalNan: true, message: $"{what} on {engine.Name} ({dtype.Name()})");
    }

    /// <summary>Values on a 0.1 grid (ties in rows, scores equal to thresholds).</summary>
    private static double[] Grid(int seed, int count, int steps = 10)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(0, steps + 1) / (double)steps).ToArray();
    }

    [Test]
    public void IoUOfScoresAgainstIdsMatchesTheReference([ValueSource(nameof(DTypes))] DType dtype, [Values] bool weighted, [Values(null, 2)] int? ignore)
    {
        const int classes = 4, batch = 6, height = 2;
        double[] scores = As(Grid(1, batch * height * classes), dtype);
        // Out-of-range ids (−1, 4) drop their pairs, 1.7 counts as 1 (Keras's int cast), 2 may be the ignored class.
        double[] ids = new Random(2).GetItems(new double[] { 0, 1, 2, 3 }, batch * height);
        ids[3] = -1;
        ids[5] = 4;
        ids[7] = 1.7;
        double[] weights = Enumerable.Range(0, batch).Select(i => 0.1 * i + 0.3).ToArray();
        double[] elementWeights = Enumerable.Range(0, batch * height).Select(i => weighted ? As(weights, dtype)[i / height] : 1).ToArray();
        int[] targets = [0, 1, 3];
        double expected = IoU(As(ids, dtype), ArgMaxIds(scores, classes), elementWeights, classes, targets, ignore);
        object result = Metrics.IoU(Data(scores, [batch, height, classes], dtype), Plain(ids, [batch, height], dtype), classes, targets,
            weighted ? Plain(weights, [batch], dtype) : null, ignore, sparseYPred: false);
        AssertClose(result, [expected], dtype, $"IoU weighted={weighted} ignore={ignore}");
    }

    [Test]
    public void OneHotMeanIoUInTheEnginesLayoutMatchesTheReference([ValueSource(nameof(DTypes))] DType dtype)
    {
        const int classes = 5, batch = 4, height = 3;
        double[] scores = As(Grid(3, batch * height * classes), dtype);
        double[] ids = new Random(4).GetItems(new double[] { 0, 1, 2, 3 }, batch * height);   // class 4 never occurs
        double[] oneHot = ids.SelectMany(l => Enumerable.Range(0, classes).Select(c => c == l ? 1.0 : 0.0)).ToArray();
        double[] weights = Enumerable.Range(0, batch * height).Select(i => 0.25 * (i % 3) + 0.5).ToArray();
        double expected = IoU(ids, ArgMaxIds(scores, classes), weights, classes, [0, 1, 2, 3, 4]);
        object result = Metrics.OneHotMeanIoU(Data(scores, [batch, height, classes], dtype), Data(oneHot, [batch, height, classes], dtype), classes,
            Plain(weights, [batch, height], dtype));
        AssertClose(result, [expected], dtype, "OneHotMeanIoU (B, H, C)");
        // Class 4, never true and never predicted, is left out: the same as listing only classes 0–3 when none predicts 4.
        if (!ArgMaxIds(scores, classes).Contains(4))
            AssertClose(result, [IoU(ids, ArgMaxIds(scores, classes), weights, classes, [0, 1, 2, 3])], dtype, "absent class left out");
    }

    [Test]
    public void BinaryIoUCountsScoresAtTheThresholdAsClassOne([ValueSource(nameof(DTypes))] DType dtype, [Values(0.3, 0.5)] double threshold)
    {
        double[] scores = As(Grid(5, 24), dtype);
        double[] labels = new Random(6).GetItems(new double[] { 0, 1 }, 24);
        double t = As([threshold], dtype)[0];
        double expected = IoU(labels, scores.Select(s => s >= t ? 1.0 : 0).ToArray(), Enumerable.Repeat(1.0, 24).ToArray(), 2, [0, 1]);
        AssertClose(Metrics.BinaryIoU(Data(scores, [8, 3], dtype), Data(labels, [8, 3], dtype), threshold: threshold), [expected], dtype,
            $"BinaryIoU threshold={threshold}");
    }

    /// <summary>Keras's <c>num_valid_entries</c>: a class absent from y_true and y_pred is left out of the mean. y_true
    /// [0, 0], y_pred [0, 0], MeanIoU of 2 classes: 1 (Keras 0.99999994); scikit-learn's <c>jaccard_score(average="macro",
    /// labels=[0, 1])</c> scores the absent class 0 and gives 0.5.</summary>
    [Test]
    public void AClassAbsentFromBothSidesIsLeftOutOfTheMean([ValueSource(nameof(DTypes))] DType dtype)
    {
        object zeros = Plain([0, 0], [2], dtype);
        AssertClose(Metrics.MeanIoU(zeros, zeros, 2), [1], dtype, "MeanIoU");
        AssertClose(Metrics.IoU(zeros, zeros, 2, [1]), [0], dtype, "IoU of the absent class alone (no valid target)");
        // A class that occurs but is never hit scores 0 and counts.
        AssertClose(Metrics.MeanIoU(Plain([0, 0], [2], dtype), Plain([0, 1], [2], dtype), 2), [0.25], dtype, "MeanIoU with a missed class");
    }

    [Test]
    public void IoUTakesIntegerIds()
    {
        object pred = engine.FromArray(new long[] { 0, 1, 0, 1 }, [4]), truth = engine.FromArray(new long[] { 0, 0, 1, 1 }, [4]);
        object result = Metrics.MeanIoU(pred, truth, 2);
        Assert.That(engine.Describe(result).DType, Is.EqualTo(DType.Float32));
        AssertClose(result, [1.0 / 3], DType.Float32, "MeanIoU of int64 ids");
    }

    public static IEnumerable<TestCaseData> R2Cases() =>
        from aggregation in Enum.GetValues<R2Aggregation>()
        from regressors in new[] { 0, 1, 3, 23, 40 }
        from weighted in new[] { false, true }
        from dtype in DTypes
        select new TestCaseData(aggregation, regressors, weighted, dtype);

    [TestCaseSource(nameof(R2Cases))]
    public void R2ScoreMatchesTheReference(R2Aggregation aggregation, int regressors, bool weighted, DType dtype)
    {
        const int batch = 8, outputs = 3;
        var random = new Random(7);
        double[] y = As(Enumerable.Range(0, batch * outputs).Select(_ => Math.Round(random.NextDouble() * 4 - 1, 2)).ToArray(), dtype);
        double[] p = As(y.Select(v => v + Math.Round(random.NextDouble() - 0.5, 2)).ToArray(), dtype);
        double[] w = As(Enumerable.Range(0, batch).Select(i => weighted ? 0.1 * i + 0.2 : 1).ToArray(), dtype);
        double[] expected = R2(MetricReference.Rows(y, outputs), MetricReference.Rows(p, outputs), w, aggregation, regressors);
        object result = Metrics.R2Score(Data(p, [batch, outputs], dtype), Data(y, [batch, outputs], dtype), aggregation, regressors,
            weighted ? Plain(w, [batch], dtype) : null);
        AssertClose(result, expected, dtype, $"R2 {aggregation} p={regressors} weighted={weighted}");
    }

    /// <summary>
    /// Keras's rule for a constant y_true column (total sum of squares 0): 0 when the predictions miss, NaN when they fit
    /// exactly; scikit-learn's <c>r2_score</c> gives 0.0 and 1.0 (<c>force_finite=True</c>). y_true 0.1 three times is
    /// constant in float32 too (its rounded variance is not 0), and a row of weight 0 does not break constancy.
    /// </summary>
    [Test]
    public void R2ScoreOfAConstantTargetFollowsKeras([ValueSource(nameof(DTypes))] DType dtype)
    {
        AssertClose(Metrics.R2Score(Data([1, 1], [2, 1], dtype), Data([1, 1], [2, 1], dtype)), [double.NaN], dtype, "exact fit of a constant");
        AssertClose(Metrics.R2Score(Data([1, 2], [2, 1], dtype), Data([1, 1], [2, 1], dtype)), [0], dtype, "miss of a constant");
        // Columns: 0.1 constant and missed; 0.1 constant and fitted; constant over the weighted rows only, missed.
        double[] y = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9], p = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.1, 0.1, 0.3];
        object w = Plain([1, 1, 0], [3], dtype);
        AssertClose(Metrics.R2Score(Data(p, [3, 3], dtype), Data(y, [3, 3], dtype), R2Aggregation.PerOutput, sampleWeights: w),
            [0, double.NaN, 0], dtype, "constant columns");
        AssertClose(Metrics.R2Score(Data(p, [3, 3], dtype), Data(y, [3, 3], dtype), sampleWeights: w), [double.NaN], dtype, "a NaN column makes the mean NaN");
        // No weighted row: Keras's mean is 0/0.
        AssertClose(Metrics.R2Score(Data([1, 2], [2, 1], dtype), Data([3, 4], [2, 1], dtype), sampleWeights: Plain([0, 0], [2], dtype)), [double.NaN], dtype,
            "all weights 0");
    }

    [Test]
    public void R2ScoreExpandsAVectorBesideOneOutput([ValueSource(nameof(DTypes))] DType dtype) =>
        AssertClose(Metrics.R2Score(Plain([2, 4, 4], [3], dtype), Data([1, 4, 3], [3, 1], dtype)), [4.0 / 7], dtype, "(3,) beside (3, 1)");

    public static IEnumerable<TestCaseData> AucCases() =>
        from curve in Enum.GetValues<AucCurve>()
        from summation in Enum.GetValues<AucSummation>()
        from multiLabel in new[] { false, true }
        from thresholds in new[] { "default", "even", "uneven" }
        from weighted in new[] { false, true }
        from dtype in DTypes
        select new TestCaseData(curve, summation, multiLabel, thresholds, weighted, dtype);

    [TestCaseSource(nameof(AucCases))]
    public void AucMatchesTheReference(AucCurve curve, AucSummation summation, bool multiLabel, string thresholds, bool weighted, DType dtype)
    {
        const int batch = 12, labels = 3;
        // Scores on a 0.001 grid, never on a bucket edge i/199 (other than 0 and 1), some exactly on the given thresholds.
        var random = new Random(11);
        double[] scores = As(Enumerable.Range(0, batch * labels).Select(_ => random.Next(0, 1001) / 1000.0).ToArray(), dtype);
        scores[4] = As([0.5], dtype)[0];
        double[] truth = new Random(12).GetItems(new double[] { 0, 1 }, batch * labels);
        double[] rowWeights = Enumerable.Range(0, batch).Select(i => weighted ? 0.1 * i + 0.3 : 1).ToArray();
        IReadOnlyList<double>? given = thresholds switch { "even" => [0.75, 0.25, 0.5], "uneven" => [0.13, 0.5, 0.77], _ => null };
        double[] all = As(Metrics.AucThresholds(7, given), dtype);
        bool evenly = thresholds != "uneven";
        double[] w = As(rowWeights, dtype);
        double expected;
        if (multiLabel)
            expected = Enumerable.Range(0, labels).Average(l => Auc(
                Enumerable.Range(0, batch).Select(b => scores[b * labels + l]).ToArray(), Enumerable.Range(0, batch).Select(b => truth[b * labels + l]).ToArray(),
                w, all, evenly, curve, summation));
        else
            expected = Auc(scores, truth, Enumerable.Range(0, batch * labels).Select(i => w[i / labels]).ToArray(), all, evenly, curve, summation);
        object result = Metrics.Auc(Data(scores, [batch, labels], dtype), Data(truth, [batch, labels], dtype), 7, curve, summation, given, multiLabel,
            sampleWeights: weighted ? Plain(rowWeights, [batch], dtype) : null);
        AssertClose(result, [expected], dtype, $"AUC {curve} {summation} multiLabel={multiLabel} thresholds={thresholds} weighted={weighted}");
    }

    /// <summary>A (B, T, L) y_pred in the engine's layout, per-timestep (B, T) weights and label weights over the last
    /// (Keras's) axis: every element is one prediction weighted w[b, t]·lw[l], on every engine.</summary>
    [Test]
    public void AucOfRank3DataWithPerTimestepAndLabelWeights([ValueSource(nameof(DTypes))] DType dtype, [Values] AucCurve curve)
    {
        const int batch = 3, steps = 4, labels = 2;
        var random = new Random(13);
        double[] scores = As(Enumerable.Range(0, batch * steps * labels).Select(_ => random.Next(0, 1001) / 1000.0).ToArray(), dtype);
        double[] truth = new Random(14).GetItems(new double[] { 0, 1 }, batch * steps * labels);
        double[] stepWeights = Enumerable.Range(0, batch * steps).Select(i => 0.2 * (i % 5) + 0.1).ToArray();
        double[] labelWeights = [0.3, 1.7];
        double[] w = As(stepWeights, dtype);
        double[] elementWeights = Enumerable.Range(0, batch * steps * labels).Select(i => w[i / labels] * As(labelWeights, dtype)[i % labels]).ToArray();
        double expected = Auc(scores, truth, elementWeights, As(Metrics.AucThresholds(), dtype), true, curve, AucSummation.Interpolation);
        object result = Metrics.Auc(Data(scores, [batch, steps, labels], dtype), Data(truth, [batch, steps, labels], dtype), curve: curve,
            labelWeights: labelWeights, sampleWeights: Plain(stepWeights, [batch, steps], dtype));
        AssertClose(result, [expected], dtype, $"AUC {curve} (B, T, L)");
    }

    /// <summary>Keras's <c>test_config_manual_thresholds</c> and <c>test_manual_thresholds</c>: the thresholds property
    /// (assertAllClose, atol 1e-6), with the ε ends; the default 200.</summary>
    [Test]
    public void AucThresholdsAreKerasEvenlySpacedOrGivenBetweenEpsilonEnds()
    {
        Assert.That(Metrics.AucThresholds(thresholds: [0.5, 0.3]), Is.EqualTo(new[] { 0.0, 0.3, 0.5, 1.0 }).Within(1e-6));
        Assert.That(Metrics.AucThresholds(2, [0.5]), Is.EqualTo(new[] { 0.0, 0.5, 1.0 }).Within(1e-6));
        double[] all = Metrics.AucThresholds();
        Assert.That((all.Length, all[0], all[1], all[^2], all[^1]), Is.EqualTo((200, -1e-7, 1.0 / 199, 198.0 / 199, 1 + 1e-7)));
        Assert.That(Metrics.AucThresholds(3), Is.EqualTo(new[] { -1e-7, 0.5, 1 + 1e-7 }));
    }

    /// <summary>A batch without positives: every recall is 0 (Keras's divide_no_nan), so the ROC AUC is 0;
    /// scikit-learn's <c>roc_auc_score</c> raises ("Only one class present").</summary>
    [Test]
    public void AucWithoutPositivesIsZero([ValueSource(nameof(DTypes))] DType dtype) =>
        AssertClose(Metrics.Auc(Plain([0.1, 0.6, 0.8], [3], dtype), Plain([0, 0, 0], [3], dtype)), [0], dtype, "no positives");

    /// <summary>Keras's AUC is a thresholded approximation: y_true [0, 1], y_pred [0.6, 0.9] with 3 thresholds (−ε, 0.5,
    /// 1 + ε) puts both scores between the same two thresholds, so the ROC is the diagonal and the AUC 0.5; with the
    /// default 200 thresholds they fall in different buckets: 1.0, the exact rank statistic scikit-learn's
    /// <c>roc_auc_score</c> gives.</summary>
    [Test]
    public void AucIsKerasThresholdedApproximation([ValueSource(nameof(DTypes))] DType dtype)
    {
        object pred = Plain([0.6, 0.9], [2], dtype), truth = Plain([0, 1], [2], dtype);
        AssertClose(Metrics.Auc(pred, truth, numThresholds: 3), [0.5], dtype, "3 thresholds");
        AssertClose(Metrics.Auc(pred, truth), [1.0], dtype, "200 thresholds");
    }
}
