using CrossBackend.Testing;

namespace CrossBackend.Tests.MetricTests;

/// <summary>
/// <see cref="Metrics.Compute"/> takes keyword arguments in the forms .NET and JSON give them — any number type, lists
/// as arrays or object lists, names in any case, null for "not given" — and refuses anything else naming the argument.
/// Values from Keras's <c>confusion_metrics_test.py</c> (<c>test_unweighted_with_threshold</c>: thresholds [0.5, 0.7],
/// y_pred [1, 0, 0.6, 0], y_true [0, 1, 1, 0] → precision [0.5, 0]) and Keras's F1Score docstring (per class
/// [0.5, 0.8, 0.6666667] at threshold 0.5).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class MetricComputeArgumentTests(ITensorEngine engine)
{
    private object Pred => engine.FromArray(new[] { 1f, 0f, 0.6f, 0f }, [1, 4]);
    private object Truth => engine.FromArray(new[] { 0f, 1f, 1f, 0f }, [1, 4]);
    private object F1Pred => engine.FromChannelsLast(new[] { 0.2f, 0.6f, 0.7f, 0.2f, 0.6f, 0.6f, 0.6f, 0.8f, 0f }, [3, 3]);
    private object F1Truth => engine.FromChannelsLast(new[] { 1f, 1f, 1f, 1f, 0f, 0f, 1f, 1f, 0f }, [3, 3]);

    private double[] Run(string name, object pred, object truth, params (string Key, object? Value)[] args) =>
        engine.ToDoubleArray(Metrics.Compute(name, pred, truth, args.ToDictionary(a => a.Key, a => a.Value)), out _);

    public static IEnumerable<object> ThresholdLists() =>
    [
        new[] { 0.5, 0.7 }, new[] { 0.5f, 0.7f }, new object[] { 0.5, 0.7f }, new List<object> { 0.5m, (Half)0.7 }, new List<double> { 0.5, 0.7 },
    ];

    [TestCaseSource(nameof(ThresholdLists))]
    public void ThresholdsAcceptAnyListOfNumbers(object thresholds)
    {
        Assert.That(Run("precision", Pred, Truth, ("thresholds", thresholds)), Is.EqualTo(new[] { 0.5, 0 }).Within(1e-7));
        // Keras's threshold=None beside thresholds, as a forwarded config carries it, is "not given".
        Assert.That(Run("precision", Pred, Truth, ("thresholds", thresholds), ("threshold", null)), Is.EqualTo(new[] { 0.5, 0 }).Within(1e-7));
    }

    [Test]
    public void WholeNumberListsAndEveryNumberTypeAreNumbers()
    {
        // Thresholds 0 and 1 as int[]: [TP/(TP+FP) above 0, nothing above 1 → 0].
        Assert.That(Run("precision", Pred, Truth, ("thresholds", new[] { 0, 1 })), Is.EqualTo(new[] { 0.5, 0 }).Within(1e-7));
        foreach (object half in new object[] { (Half)0.5, 0.5m, 0.5f, 0.5 })
            Assert.That(Run("f1_score", F1Pred, F1Truth, ("threshold", half)), Is.EqualTo(new[] { 0.5, 0.8, 2.0 / 3 }).Within(1e-6), half.GetType().Name);
        foreach (object one in new object[] { (short)1, (byte)1, 1u, 1ul, (Half)1, 1m })
            Assert.That(Run("top_k_categorical_accuracy", F1Pred, F1Truth, ("k", one)), Has.Length.EqualTo(3), one.GetType().Name);
    }

    [Test]
    public void AverageNamesAreReadInAnyCase()
    {
        double[] perClass = Run("f1_score", F1Pred, F1Truth, ("threshold", 0.5), ("average", null));
        Assert.That(perClass, Is.EqualTo(new[] { 0.5, 0.8, 2.0 / 3 }).Within(1e-6));
        foreach (string none in new[] { "None", "none", "NONE", "per_class", "PerClass" })
            Assert.That(Run("f1_score", F1Pred, F1Truth, ("threshold", 0.5), ("average", none)), Is.EqualTo(perClass), none);
        foreach (string macro in new[] { "macro", "Macro", "MACRO" })
            Assert.That(Run("f1_score", F1Pred, F1Truth, ("threshold", 0.5), ("average", macro)), Is.EqualTo(new[] { perClass.Average() }).Within(1e-6), macro);
    }

    [Test]
    public void GarbageIsRefusedNamingTheArgument()
    {
        void Refused(string argument, object? value, string text, string metric = "precision")
        {
            var e = Assert.Catch<ArgumentException>(() => Run(metric, Pred, Truth, (argument, value)))!;
            Assert.That(e.ParamName, Is.EqualTo(argument), e.Message);
            Assert.That(e.Message, Does.Contain($"`{argument}`").And.Contain(text));
        }
        Refused("average", "1", "Received: average=1");
        Refused("average", "macr", "Received: average=macr");
        Refused("average", (ClassAverage)42, "Received: average=42");
        Refused("thresholds", new object[] { 0.5, "x" }, "item 1 is not a number");
        Refused("thresholds", new object?[] { null }, "item 0 is not a number");
        Refused("thresholds", "0.5", "a number or a list of numbers");
        Refused("thresholds", true, "a number or a list of numbers");
        Refused("threshold", "0.5", "must be a number");
        Refused("threshold", true, "must be a number");
    }
}
