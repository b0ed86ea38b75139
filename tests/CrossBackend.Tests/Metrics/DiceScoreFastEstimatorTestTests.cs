using CrossBackend.Testing;

namespace CrossBackend.Tests.MetricTests;

/// <summary>
/// FastEstimator's <c>test_dice_score.py</c> through <c>Metrics.DiceScore</c>: its other cases are the metric registry's
/// examples; <c>test_empty_nan</c> publishes NaN for the blank slice, which the CLI's JSON (bare <c>NaN</c>, as Python
/// prints it) cannot bring to .NET's JSON parser, so it is checked here on every engine.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class DiceScoreFastEstimatorTestTests(ITensorEngine engine)
{
    [Test]
    public void EmptyNanScoresTheBlankSliceNaN([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        (double[] pred, double[] truth) = DiceScoreLoss.FastEstimatorTestMasks();
        Array Values(double[] v) => dtype == DType.Float64 ? v : v.Select(x => (float)x).ToArray();
        object yPred = engine.FromChannelsLast(Values(pred), [5, 20, 20, 3]), yTrue = engine.FromChannelsLast(Values(truth), [5, 20, 20, 3]);
        object score = Metrics.DiceScore(yPred, yTrue, emptyNan: true);
        Assert.That(engine.Describe(score).Shape, Is.EqualTo(new long[] { 5, 3 }));
        double[] expected = [double.NaN, double.NaN, double.NaN, 0, 0, 0, 0, 0, 0, 0.75472, 0.82353, 0.24, 1, 1, 1];
        // numpy.testing.assert_array_almost_equal(decimal=4): |actual − expected| < 1.5e-4.
        TensorAssert.AreClose(engine.ToDoubleArray(score, out _), expected, 0, 1.5e-4, equalNan: true);
    }
}
