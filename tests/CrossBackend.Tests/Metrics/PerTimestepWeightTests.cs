using CrossBackend.Testing;

namespace CrossBackend.Tests.MetricTests;

/// <summary>
/// Per-timestep sample weights (B, T) beside (B, T, C) data, Keras's temporal <c>sample_weight</c>: the same numbers on
/// every engine for the same channels-last data (moved to the engine's layout), whether T equals C or not.
/// </summary>
/// <remarks>
/// Expected values: NumPy (<c>/usr/bin/python3</c>, float64) running Keras 3's formulas on these float32 arrays —
/// <c>update_confusion_matrix_variables</c> (weights expanded at the last axis and broadcast over the classes) for
/// Precision/Recall, <c>reduce_to_samplewise_values</c> (values averaged over C, weighted per (b, t)) for <c>Mean</c>.
/// Reading the weights per class instead, as the channels-first engine once did when T == C, gives precision 0.8333333
/// and mean 0.8666667 for the first set.
/// </remarks>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class PerTimestepWeightTests(ITensorEngine engine)
{
    /// <summary>T == C == 3: precision 4/9, recall 4/9, binary-accuracy mean 5/9.</summary>
    private static readonly float[] Pred33 =
        [0.81f, 0.81f, 0.52f, 0.29f, 0.05f, 0.38f, 0.41f, 0.05f, 0.05f, 1f, 0.65f, 0.23f, 0.43f, 0.97f, 0.9f, 0.84f, 0.39f, 0.49f];
    private static readonly float[] True33 = [1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0];
    private static readonly float[] Weights23 = [1, 0, 2, 0.5f, 1, 3];

    /// <summary>T = 4, C = 3: precision 5/16, recall 5/11, binary-accuracy mean 25/93.</summary>
    private static readonly float[] Pred43 =
    [
        0.63f, 0.9f, 0.78f, 0.23f, 0.3f, 0.87f, 0.01f, 0.82f, 0.8f, 0.47f, 0.3f, 0.28f,
        0.25f, 0.45f, 0.5f, 0.55f, 1f, 0.79f, 0.62f, 0.99f, 0.22f, 0.16f, 0.61f, 0.04f,
    ];
    private static readonly float[] True43 = [0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0];
    private static readonly float[] Weights24 = [1, 0, 2, 0.5f, 0.25f, 1, 3, 0];

    public static IEnumerable<TestCaseData> Sets()
    {
        yield return new TestCaseData(Pred33, True33, Weights23, 3, 4.0 / 9, 4.0 / 9, 5.0 / 9).SetArgDisplayNames("T == C");
        yield return new TestCaseData(Pred43, True43, Weights24, 4, 5.0 / 16, 5.0 / 11, 25.0 / 93).SetArgDisplayNames("T != C");
    }

    private static void Close(ITensorEngine engine, object actual, double expected, string what) =>
        Assert.That(engine.ToDoubleArray(actual, out _), Is.EqualTo(new[] { expected }).Within(1e-6), $"{what} on {engine.Name}");

    [TestCaseSource(nameof(Sets))]
    public void PrecisionAndRecallWeighEveryClassOfATimestepAlike(float[] pred, float[] truth, float[] weights, int steps,
        double precision, double recall, double mean)
    {
        long[] shape = [2, steps, 3];
        object p = engine.FromChannelsLast(pred, shape), t = engine.FromChannelsLast(truth, shape);
        // Keras's three spellings of the same weights: (B, T); (B, T, 1) moved like the data; every element, moved.
        object perStep = engine.FromArray(weights, [2, steps]);
        object keras = engine.FromChannelsLast(weights, [2, steps, 1]);
        object perElement = engine.FromChannelsLast(weights.SelectMany(w => new[] { w, w, w }).ToArray(), shape);
        foreach ((string form, object w) in new[] { ("(B, T)", perStep), ("(B, T, 1)", keras), ("(B, T, C)", perElement) })
        {
            Close(engine, Metrics.Precision(p, t, sampleWeights: w), precision, $"precision, weights {form}");
            Close(engine, Metrics.Recall(p, t, sampleWeights: w), recall, $"recall, weights {form}");
            Assert.That(engine.ToDoubleArray(Metrics.Precision(p, t, [0.5, 1.0], sampleWeights: w), out _), Is.EqualTo(new[] { precision, 0 }).Within(1e-6),
                $"precision at thresholds, weights {form} on {engine.Name}");
        }
    }

    [TestCaseSource(nameof(Sets))]
    public void MeanOfPerElementValuesWeighsEachTimestep(float[] pred, float[] truth, float[] weights, int steps,
        double precision, double recall, double mean)
    {
        long[] shape = [2, steps, 3];
        object values = Metrics.BinaryAccuracy(engine.FromChannelsLast(pred, shape), engine.FromChannelsLast(truth, shape));
        Close(engine, Metrics.Mean(values, engine.FromArray(weights, [2, steps])), mean, "mean, weights (B, T)");
        Close(engine, Metrics.Mean(values, engine.FromChannelsLast(weights, [2, steps, 1])), mean, "mean, weights (B, T, 1)");
        object computed = Metrics.Compute("binary_accuracy", engine.FromChannelsLast(pred, shape), engine.FromChannelsLast(truth, shape));
        Close(engine, Metrics.Mean(computed, engine.FromArray(weights, [2, steps])), mean, "mean of Compute's result");
    }

    /// <summary>Per-sample values of rank 3 (SparseCategoricalAccuracy of (B, H, W, C) scores) weighted per row (B, H):
    /// values without a class axis, read in the same order on every engine.</summary>
    [Test]
    public void MeanOfPerSampleValuesWithoutAClassAxis()
    {
        var random = new Random(3);
        float[] scores = Enumerable.Range(0, 2 * 2 * 3 * 4).Select(_ => (float)Math.Round(random.NextDouble(), 2)).ToArray();
        long[] labels = Enumerable.Range(0, 12).Select(i => (long)(i % 4)).ToArray();
        object values = Metrics.SparseCategoricalAccuracy(engine.FromChannelsLast(scores, [2, 2, 3, 4]), engine.FromArray(labels, [2, 2, 3]));
        double[] v = engine.ToDoubleArray(values, out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { 2, 2, 3 }));
        double[] w = [1, 0.5, 0, 2];
        // Keras: each (b, h) row of W values averaged, then Σ mean·w / Σ w.
        double expected = Enumerable.Range(0, 4).Sum(r => v.Skip(3 * r).Take(3).Average() * w[r]) / w.Sum();
        Close(engine, Metrics.Mean(values, engine.FromArray(w.Select(x => (float)x).ToArray(), [2, 2]), valuesHaveClassAxis: false), expected,
            "mean of per-sample values, weights (B, H)");
    }

    [Test]
    public void WeightsOfYPredsRankThatDoNotFitSayHowToMoveThem()
    {
        long[] shape = [2, 3, 3];
        object p = engine.FromChannelsLast(Pred33, shape), t = engine.FromChannelsLast(True33, shape);
        object wrong = engine.FromChannelsLast(new float[12], [2, 2, 3]);
        var e = Assert.Throws<ArgumentException>(() => Metrics.Precision(p, t, sampleWeights: wrong))!;
        Assert.That(e.ParamName, Is.EqualTo("sampleWeights"));
        Assert.That(e.Message, Does.Contain("Layout.ToEngineLayout").And.Contain("(Batch, T)"));
        e = Assert.Throws<ArgumentException>(() => Metrics.Recall(p, t, sampleWeights: engine.FromArray(new float[4], [2, 2])))!;
        Assert.That(e.ParamName, Is.EqualTo("sampleWeights"));
        Assert.That(e.Message, Does.Contain("sampleWeights.shape=(2, 2)"));
    }
}
