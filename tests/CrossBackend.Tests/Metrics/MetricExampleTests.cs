using CrossBackend.Testing;

namespace CrossBackend.Tests.MetricTests;

/// <summary>Every published example of every registered metric (Keras's docs and tests, TensorFlow's docs,
/// FastEstimator's docstring), on every engine, in float32 and float64. No metric or engine is named here.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class MetricExampleTests(ITensorEngine engine)
{
    public static IEnumerable<TestCaseData> Cases() =>
        from metric in MetricRegistry.All
        from index in Enumerable.Range(0, metric.Examples.Count)
        from dtype in new[] { DType.Float32, DType.Float64 }
        select new TestCaseData(metric.Name, index, dtype).SetArgDisplayNames(metric.Name, metric.Examples[index].ToString(), dtype.Name());

    [Test]
    public void EveryMetricHasAPublishedExample() =>
        Assert.That(MetricRegistry.All.Where(m => m.Examples.Count == 0).Select(m => m.Name), Is.Empty);

    [TestCaseSource(nameof(Cases))]
    public void ReproducesThePublishedValue(string name, int index, DType dtype)
    {
        MetricDefinition metric = MetricRegistry.Get(name);
        MetricExample example = metric.Examples[index];
        double[] actual = engine.ToDoubleArray(example.Run(metric, engine, dtype), out long[] shape);
        (double rtol, double atol) = Tolerance.For(dtype);
        TensorAssert.AreClose(actual, example.Expected, rtol, Math.Max(atol, example.Rounding), equalNan: true,
            message: $"{name}: {example} on {engine.Name} ({dtype.Name()}), result shape {TensorInfo.FormatShape(shape)}");
    }

    [Test]
    public void ResultsKeepTheInputsDType([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        foreach (MetricDefinition metric in MetricRegistry.All)
            Assert.That(engine.Describe(metric.Examples[0].Run(metric, engine, dtype)).DType, Is.EqualTo(dtype), metric.Name);
    }
}
