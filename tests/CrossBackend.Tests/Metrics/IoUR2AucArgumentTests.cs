using CrossBackend.Testing;

namespace CrossBackend.Tests.MetricTests;

/// <summary>The IoU family, R2Score and AUC refuse bad arguments naming them, on every engine: Keras's own refusals
/// (out-of-range target ids, num_thresholds ≤ 1, unknown curve, summation method or class aggregation, negative
/// num_regressors, R2 inputs that are not 2-D) and the shapes that do not fit.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class IoUR2AucArgumentTests(ITensorEngine engine)
{
    private object Ids => engine.FromArray(new[] { 0f, 1f, 0f, 1f }, [4]);
    private object Scores => engine.FromChannelsLast(new[] { 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0f }, [2, 3]);
    private object Labels => engine.FromChannelsLast(new[] { 0f, 0f, 1f, 0f, 1f, 0f }, [2, 3]);

    private static void Names(TestDelegate call, string argument, string? text = null)
    {
        var e = Assert.Catch<ArgumentException>(call)!;
        Assert.That(e.ParamName, Is.EqualTo(argument), e.Message);
        Assert.That(e.Message, Does.Contain($"`{argument}`"));
        if (text is not null) Assert.That(e.Message, Does.Contain(text));
    }

    private static Dictionary<string, object?> Args(params (string Name, object? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    [Test]
    public void IoUArgumentsOutOfRangeAreRefused()
    {
        // Keras's "Target class id 2 is out of range, which is [0, 2)".
        Names(() => Metrics.IoU(Ids, Ids, 2, [0, 2]), "targetClassIds", "target class id 2");
        Names(() => Metrics.IoU(Ids, Ids, 2, [-1]), "targetClassIds", "[0, 2)");
        Names(() => Metrics.IoU(Ids, Ids, 2, []), "targetClassIds", "at least one");
        Names(() => Metrics.BinaryIoU(Ids, Ids, [0, 2]), "targetClassIds", "[0, 2)");
        Names(() => Metrics.MeanIoU(Ids, Ids, 0), "numClasses", "Received: numClasses=0");
        Names(() => Metrics.BinaryIoU(Ids, Ids, threshold: double.NaN), "threshold", "NaN");
        Names(() => Metrics.Compute("iou", Ids, Ids, Args(("target_class_ids", new List<double> { 0 }))), "num_classes", "needs argument");
        Names(() => Metrics.Compute("iou", Ids, Ids, Args(("num_classes", 2))), "target_class_ids", "needs argument");
        Names(() => Metrics.Compute("iou", Ids, Ids, Args(("num_classes", 2), ("target_class_ids", new List<double> { 0.5 }))), "target_class_ids", "integers");
    }

    [Test]
    public void IoUShapesThatDoNotFitAreRefused()
    {
        Names(() => Metrics.MeanIoU(Ids, engine.FromArray(new[] { 0f, 1f, 0f }, [3]), 2), "y_true", "one class id each");
        // One-hot y_true needs a class axis; weights must fit the ids.
        Names(() => Metrics.OneHotMeanIoU(Scores, Ids, 3), "y_true", "class axis");
        // Scores (sparse_y_pred=False) need a class axis too, and the message says so (it said only "rank >= 2").
        Names(() => Metrics.MeanIoU(Ids, Ids, 2, sparseYPred: false), "y_pred", "sparse_y_pred=False");
        Names(() => Metrics.MeanIoU(Ids, Ids, 2, engine.FromArray(new[] { 1f, 1f, 1f }, [3])), "sampleWeights");
        Assert.That(engine.ToDoubleArray(Metrics.OneHotMeanIoU(Scores, Labels, 3), out _), Has.Length.EqualTo(1));
    }

    [Test]
    public void R2ScoreArgumentsAreRefusedAsKerasRefusesThem()
    {
        // Keras's test_errors: class_aggregation="wrong", num_regressors=-1, 1-D inputs.
        Names(() => Metrics.Compute("r2_score", Scores, Labels, Args(("class_aggregation", "wrong"))), "class_aggregation", "uniform_average");
        Names(() => Metrics.R2Score(Scores, Labels, (R2Aggregation)7), "aggregation");
        Names(() => Metrics.R2Score(Scores, Labels, numRegressors: -1), "numRegressors", ">= 0");
        Names(() => Metrics.R2Score(engine.FromArray(new[] { 0f, 1f }, [2]), engine.FromArray(new[] { 0f, 1f }, [2])), "y_pred", "expects 2D inputs");
        Names(() => Metrics.R2Score(Scores, engine.FromChannelsLast(new[] { 0f, 1f, 2f, 3f }, [2, 2])), "y_true", "same shape");
        Names(() => Metrics.R2Score(Scores, Labels, sampleWeights: engine.FromArray(new[] { 1f, 1f, 1f }, [3])), "sampleWeights");
    }

    [Test]
    public void AucArgumentsAreRefusedAsKerasRefusesThem()
    {
        // Keras's test_invalid_num_thresholds, test_invalid_curve, test_invalid_summation_method.
        foreach (int n in new[] { -1, 1 })
            Names(() => Metrics.Auc(Scores, Labels, n), "numThresholds", "integer > 1");
        Names(() => Metrics.Compute("auc", Scores, Labels, Args(("curve", "Invalid"))), "curve", "ROC or PR");
        Names(() => Metrics.Compute("auc", Scores, Labels, Args(("summation_method", "Invalid"))), "summation_method", "interpolation, minoring or majoring");
        Names(() => Metrics.Auc(Scores, Labels, curve: (AucCurve)5), "curve");
        Names(() => Metrics.Auc(Scores, Labels, thresholds: [0.5, double.NaN]), "thresholds", "finite");
        Names(() => Metrics.Auc(Scores, Labels, labelWeights: [1, 1]), "labelWeights", "one weight per label");
        Names(() => Metrics.Auc(Scores, Labels, labelWeights: [1, -1, 1]), "labelWeights", ">= 0");
        Names(() => Metrics.Auc(engine.FromArray(new[] { 0.1f, 0.9f }, [2]), engine.FromArray(new[] { 0f, 1f }, [2]), multiLabel: true), "y_pred", "rank 2");
        Names(() => Metrics.Auc(Scores, engine.FromArray(new[] { 0f, 1f }, [2])), "y_true", "same shape");
        // Keras's curve and summation names read in any case, as its from_str takes "ROC"/"roc", "Majoring"/"majoring".
        Assert.That(engine.ToDoubleArray(Metrics.Compute("auc", Scores, Labels, Args(("curve", "pr"), ("summation_method", "Majoring"))), out _),
            Has.Length.EqualTo(1));
    }
}
