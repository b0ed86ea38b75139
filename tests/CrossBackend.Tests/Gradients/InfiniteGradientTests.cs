using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Where a loss's gradient is infinite (the generalized crossentropy's −p^(q−1) at p = 0), every engine gives what
/// Keras's definition gives under autograd on each of its backends: p = Σ y_pred·one_hot, so the label's gradient is
/// −∞ and the row's other classes get 0·(−∞) = NaN; rows with a finite gradient give 0 to the classes they do not read.
/// No engine is named.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class InfiniteGradientTests(ITensorEngine engine)
{
    [Test]
    public void OtherClassesOfTheRowGetNaNBesideAnInfiniteOne([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        // Row 0 gives its label (class 0) probability 0; row 1 is ordinary.
        double[] p = [0, 0.7, 0.3, 0.2, 0.5, 0.3];
        Array values = dtype == DType.Float64 ? p : p.Select(v => (float)v).ToArray();
        object yPred = engine.FromChannelsLast(values, [2, 3]);
        object labels = engine.FromArray(new long[] { 0, 1 }, [2]);
        object gradient = Losses.Gradient("categorical_generalized_cross_entropy", yPred, labels,
            new LossArguments { ["q"] = 0.3, ["reduction"] = Reduction.Sum });
        double[] g = engine.ToDoubleArray(gradient, out _);
        Assert.That(g[0], Is.EqualTo(double.NegativeInfinity), "the label's gradient at p = 0");
        Assert.That(new[] { g[1], g[2] }, Is.All.NaN, "0·(−∞) for the other classes of that row");
        Assert.That(new[] { g[3], g[5] }, Is.All.EqualTo(0.0), "0·(finite) for the other classes of the ordinary row");
        // d/dp (1 − p^q)/q = −p^(q−1) at p = 0.5.
        Assert.That(g[4], Is.EqualTo(-Math.Pow(0.5, 0.3 - 1)).Within(1e-6));
    }
}
