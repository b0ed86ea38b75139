using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// The non-finite policy for every registered loss, on every engine: a NaN in one element of y_pred makes the
/// per-element loss it feeds NaN (and the reduced loss NaN), and leaves every other element as it was without the
/// NaN. Inputs are each loss's reference cases and examples (<see cref="LossCalls.All"/>, the per-element ones).
/// </summary>
/// <remarks>Which element a y_pred element feeds: Keras losses reduce y_pred's trailing (channels-last) axes, so
/// with n y_pred elements and m per-element losses, channels-last element i feeds loss i / (n / m).</remarks>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class RegisteredLossNonFinitePolicyTests(ITensorEngine engine)
{
    public static IEnumerable<TestCaseData> Cases() =>
        from call in LossCalls.All()
        where call.Loss.NaNStaysInItsElement
        where call.Loss.OwnReduction || Equals(call.Arguments.GetValueOrDefault("reduction"), Reduction.None)
        from dtype in new[] { DType.Float32, DType.Float64 }
        select new TestCaseData(call, dtype).SetArgDisplayNames(call.Name, dtype.Name());

    [Test]
    public void EveryRegisteredLossIsCovered() =>
        Assert.That(Cases().Select(c => ((LossCall)c.Arguments[0]!).Loss).Distinct(), Is.EquivalentTo(LossRegistry.All.Where(l => l.NaNStaysInItsElement)));

    [TestCaseSource(nameof(Cases))]
    public void NaNInOnePredictionPropagatesToItsElementOnly(LossCall call, DType dtype)
    {
        double[] clean = Run(call, dtype);
        int n = call.YPred.Length, m = clean.Length;
        Assert.That(m, Is.GreaterThan(0).And.LessThanOrEqualTo(n), "per-element losses");
        Assert.That(n % m, Is.EqualTo(0), "each loss element reduces the same number of y_pred elements");
        Assert.That(clean.All(double.IsFinite), Is.True, "the clean inputs give finite losses");

        // The middle element of y_pred (channels-last), so neighbours on both sides are checked.
        int poisoned = n / 2, element = poisoned / (n / m);
        double[] p = (double[])call.YPred.Clone();
        p[poisoned] = double.NaN;
        double[] dirty = Run(call with { YPred = p }, dtype);

        Assert.That(dirty, Has.Length.EqualTo(m));
        Assert.That(double.IsNaN(dirty[element]), Is.True, $"loss element {element} (fed by y_pred element {poisoned}) is NaN: {dirty[element]:R}");
        (double rtol, double atol) = Tolerance.For(dtype);
        double[] others = dirty.Where((_, i) => i != element).ToArray(), cleanOthers = clean.Where((_, i) => i != element).ToArray();
        TensorAssert.AreClose(others, cleanOthers, rtol, atol, message: "every other element is as without the NaN");

        if (!call.Loss.OwnReduction)
        {
            var reduced = new Dictionary<string, object?>(call.Arguments) { ["reduction"] = Reduction.SumOverBatchSize };
            double[] mean = Run(call with { YPred = p, Arguments = reduced }, dtype);
            Assert.That(mean.All(double.IsNaN), Is.True, $"the reduced loss is NaN: {string.Join(", ", mean)}");
        }
    }

    private double[] Run(LossCall call, DType dtype)
    {
        (object pred, object? yTrue, LossArguments args) = call.Inputs(engine, dtype);
        object result = call.Invoke(pred, yTrue, args);
        try
        {
            // Per-element results keep y_pred's non-class axes in the engine's order; with the class axis gone, a
            // channels-first engine's order is the channels-last one.
            return engine.ToDoubleArray(result, out _);
        }
        finally { (result as IDisposable)?.Dispose(); }
    }
}
