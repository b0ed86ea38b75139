using CrossBackend.Testing;

namespace CrossBackend.Tests.MetricTests;

/// <summary>Bad arguments fail with the argument named and what was received, on every engine.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class MetricArgumentTests(ITensorEngine engine)
{
    private object Pred => engine.FromChannelsLast(new[] { 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0f }, [2, 3]);
    private object OneHot => engine.FromChannelsLast(new[] { 0f, 0f, 1f, 0f, 1f, 0f }, [2, 3]);
    private object Labels => engine.FromArray(new[] { 2L, 1L }, [2]);

    private static void Names(TestDelegate call, string argument, string? text = null)
    {
        var e = Assert.Catch<ArgumentException>(call)!;
        Assert.That(e.ParamName, Is.EqualTo(argument), e.Message);
        Assert.That(e.Message, Does.Contain($"`{argument}`"));
        if (text is not null) Assert.That(e.Message, Does.Contain(text));
    }

    [Test]
    public void KBelowOneIsRefused([Values(0, -1)] int k)
    {
        Names(() => Metrics.TopKCategoricalAccuracy(Pred, OneHot, k), "k", $"Received: k={k}");
        Names(() => Metrics.SparseTopKCategoricalAccuracy(Pred, Labels, k), "k", $"Received: k={k}");
    }

    [Test]
    public void ConfusionOptionsOutOfRangeAreRefused()
    {
        Names(() => Metrics.Precision(Pred, OneHot, topK: 0), "topK", "Received: topK=0");
        Names(() => Metrics.Recall(Pred, OneHot, classId: -1), "classId", "Received: classId=-1");
        Names(() => Metrics.Recall(Pred, OneHot, classId: 3), "classId", "length 3");
        Names(() => Metrics.Precision(Pred, OneHot, ClassAverage.Macro, topK: 2), "topK", "average=Binary");
        Names(() => Metrics.Recall(Pred, OneHot, ClassAverage.PerClass, classId: 1), "classId", "average=Binary");
        // Keras 3's test_unweighted_class_id_should_throw_error_1d.
        Names(() => Metrics.Precision(engine.FromArray(new[] { 0.2f, 0.1f, 0.6f, 0f, 0.2f }, [5]), engine.FromArray(new[] { 0f, 1f, 1f, 0f, 0f }, [5]),
            classId: 2), "y_pred", "shape (1, 5)");
        foreach (double beta in new[] { 0.0, -0.5, double.NaN, double.PositiveInfinity })
            Names(() => Metrics.FBetaScore(Pred, OneHot, beta, ClassAverage.Macro), "beta", "> 0");
        Names(() => Metrics.Compute("precision", Pred, OneHot, new Dictionary<string, object?> { ["top_k"] = 1.5 }), "top_k", "an integer");
        Names(() => Metrics.Precision(Pred, OneHot, Array.Empty<double>()), "thresholds", "at least one");
        Names(() => Metrics.Recall(Pred, OneHot, [0.5, double.NaN]), "thresholds", "NaN");
        Names(() => Metrics.Compute("precision", Pred, OneHot, new Dictionary<string, object?> { ["thresholds"] = new[] { 0.5, 0.7 }, ["threshold"] = 0.5 }),
            "thresholds", "not both");
        Names(() => Metrics.Compute("recall", Pred, OneHot, new Dictionary<string, object?> { ["thresholds"] = new[] { 0.5, 0.7 }, ["average"] = "macro" }),
            "thresholds", "average=binary");
    }

    /// <summary>
    /// Keras refuses thresholds outside the probabilities' range: <c>f_score_metrics_test.py</c>'s
    /// test_threshold_above_one / _zero / _negative_raises_value_error ("It should verify 0 &lt; threshold &lt;= 1" for
    /// FBetaScore, and so F1Score) and <c>confusion_metrics_test.py</c>'s test_threshold_limit ("Threshold values must be
    /// in [0, 1]", thresholds [-1, 0.5, 2], for the confusion counts Precision and Recall are built on). The ends that
    /// Keras allows still compute.
    /// </summary>
    [Test]
    public void ThresholdsOutsideKerasRangeAreRefused()
    {
        foreach (double t in new[] { 1.1, 0.0, -0.5 })
        {
            Names(() => Metrics.FBetaScore(Pred, OneHot, 1.0, ClassAverage.Macro, t), "threshold", $"(0, 1]");
            Names(() => Metrics.F1Score(Pred, OneHot, ClassAverage.Macro, t), "threshold", $"Received: threshold={t}");
            Names(() => Metrics.Compute("fbeta_score", Pred, OneHot, new Dictionary<string, object?> { ["beta"] = 2.0, ["threshold"] = t }), "threshold");
        }
        foreach (double t in new[] { -1.0, 2.0 })
        {
            Names(() => Metrics.Precision(Pred, OneHot, [0.5, t]), "thresholds", "[0, 1]");
            Names(() => Metrics.Recall(Pred, OneHot, threshold: t), "threshold", "[0, 1]");
            Names(() => Metrics.Compute("precision", Pred, OneHot, new Dictionary<string, object?> { ["thresholds"] = new[] { t, 0.5 } }), "thresholds");
        }
        Assert.DoesNotThrow(() => Metrics.FBetaScore(Pred, OneHot, 1.0, ClassAverage.Macro, 1.0));
        Assert.DoesNotThrow(() => Metrics.Precision(Pred, OneHot, [0.0, 1.0]));
    }

    [Test]
    public void ShapesThatDifferAreRefused()
    {
        object wrong = engine.FromChannelsLast(new[] { 0f, 1f, 0f, 1f }, [2, 2]);
        Names(() => Metrics.CategoricalAccuracy(Pred, wrong), "y_true", "y_pred.shape=");
        Names(() => Metrics.TopKCategoricalAccuracy(Pred, wrong, 1), "y_true", "y_true.shape=");
        Names(() => Metrics.BinaryAccuracy(Pred, wrong), "y_true");
        Names(() => Metrics.Accuracy(Pred, wrong), "y_true");
        Names(() => Metrics.Precision(Pred, wrong), "y_true");
        Names(() => Metrics.F1Score(Pred, wrong, ClassAverage.Macro), "y_true");
        object threeLabels = engine.FromArray(new[] { 2L, 1L, 0L }, [3]);
        Names(() => Metrics.SparseCategoricalAccuracy(Pred, threeLabels), "y_true", "(2,)");
        Names(() => Metrics.SparseTopKCategoricalAccuracy(Pred, threeLabels, 1), "y_true");
        object image = engine.FromChannelsLast(new float[12], [1, 2, 2, 3]);
        object otherImage = engine.FromChannelsLast(new float[8], [1, 2, 2, 2]);
        Names(() => Metrics.DiceScore(image, otherImage), "y_true");
    }

    /// <summary>Metrics that never squeeze (Keras's categorical accuracies, FastEstimator's Dice) say so; those that do
    /// (Keras's <c>squeeze_or_expand_to_same_rank</c> in Precision) say that instead.</summary>
    [Test]
    public void ShapeMessagesSayWhetherALengthOneAxisIsSqueezed()
    {
        object mask = engine.FromChannelsLast(new[] { 1f, 0f, 1f, 1f }, [1, 2, 2, 1]), flat = engine.FromArray(new[] { 1f, 0f, 1f, 1f }, [1, 2, 2]);
        Names(() => Metrics.DiceScore(mask, flat), "y_true", "no axis is squeezed");
        Names(() => Metrics.CategoricalAccuracy(Pred, engine.FromChannelsLast(new[] { 0f, 0f, 1f, 0f, 1f, 0f }, [2, 3, 1])), "y_true", "no axis is squeezed");
        Names(() => Metrics.TopKCategoricalAccuracy(Pred, engine.FromChannelsLast(new[] { 0f, 1f, 0f, 1f }, [2, 2]), 1), "y_true", "no axis is squeezed");
        var e = Assert.Throws<ArgumentException>(() => Metrics.Precision(Pred, engine.FromChannelsLast(new[] { 0f, 1f, 0f, 1f }, [2, 2])))!;
        Assert.That(e.Message, Does.Contain("squeezed first").And.Not.Contain("no axis is squeezed"));
        // One-hot labels with the wrong class count for a multi-class score: the message names the one-hot form too.
        Names(() => Metrics.F1Score(Pred, engine.FromChannelsLast(new[] { 0f, 1f, 0f, 1f }, [2, 2]), ClassAverage.Macro), "y_true", "one-hot");
    }

    /// <summary>Keras's <c>SparseCategoricalAccuracyTest.test_reshape_matches</c> (y_true [[0], [0]] (2, 1), y_pred (1, 2, 3)
    /// → 1.0) passes in Keras only because the (2, 1) labels broadcast against the (1, 2) arg-max into a (2, 2) outer
    /// comparison of every label with every sample. Refused here (a documented difference): the labels must have
    /// y_pred's shape without the class axis.</summary>
    [Test]
    public void KerasOuterBroadcastOfLabelsIsRefused()
    {
        object pred = engine.FromChannelsLast(new[] { 0.9f, 0.1f, 0f, 0.8f, 0.15f, 0.05f }, [1, 2, 3]);
        object labels = engine.FromArray(new[] { 0L, 0L }, [2, 1]);
        Names(() => Metrics.SparseCategoricalAccuracy(pred, labels), "y_true", "y_pred's shape without the class axis (1, 2)");
        Names(() => Metrics.SparseTopKCategoricalAccuracy(pred, labels, 1), "y_true", "(1, 2)");
    }

    [Test]
    public void OtherBadArgumentsAreNamed()
    {
        Names(() => Metrics.CategoricalAccuracy(engine.FromArray(new[] { 0.1f, 0.9f }, [2]), engine.FromArray(new[] { 0f, 1f }, [2])), "y_pred", "rank >= 2");
        Names(() => Metrics.BinaryAccuracy(Pred, OneHot, double.NaN), "threshold");
        Names(() => Metrics.Precision(Pred, OneHot, sampleWeights: engine.FromArray(new[] { 1f, 2f, 3f }, [3])), "sampleWeights", "(3,)");
        Names(() => Metrics.DiceScore(engine.FromChannelsLast(new float[12], [1, 2, 2, 3]), engine.FromChannelsLast(new float[12], [1, 2, 2, 3]),
            channelWeights: engine.FromArray(new[] { 1f, 2f }, [2])), "channelWeights");
        Names(() => Metrics.DiceScore(Pred, OneHot), "y_pred", "rank >= 3");
        Names(() => Metrics.Compute("top_k_categorical_accuracy", Pred, OneHot, new Dictionary<string, object?> { ["kk"] = 1 }), "kk", "Its arguments: k");
        Names(() => Metrics.Compute("top_k_categorical_accuracy", Pred, OneHot, new Dictionary<string, object?> { ["k"] = "two" }), "k");
        Names(() => Metrics.Compute("no_such_metric", Pred, OneHot), "name", "Known metrics:");
    }

    [Test]
    public void ATensorOfAnotherEngineIsRefused()
    {
        ITensorEngine? other = TensorEngines.All.FirstOrDefault(e => e != engine);
        if (other is null) Assert.Ignore("Only one engine found.");
        object foreign = other.FromChannelsLast(new[] { 0f, 0f, 1f, 0f, 1f, 0f }, [2, 3]);
        Names(() => Metrics.CategoricalAccuracy(Pred, foreign), "y_true", other.Name);
    }
}
