using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>
/// argmax's tie rule on every engine, on every axis (the class-weight lookup of the crossentropy losses depends on
/// it): the first index of the maximum wins, and a NaN counts as the maximum (the first NaN wins). Held against a
/// plain loop, so an engine whose faster arg-max formulation broke either rule fails here.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class ArgMaxTieTests(string engineName)
{
    private static readonly long[] Shape = [4, 5, 6];

    private static double[] Data(bool withNaN)
    {
        var random = new Random(13);
        // Values from {0, 0.1, 0.3}: most lines hold ties for their maximum.
        var data = Enumerable.Range(0, 120).Select(_ => new[] { 0.0, 0.1, 0.3 }[random.Next(3)]).ToArray();
        if (withNaN)
            foreach (int at in new[] { 7, 9, 40, 41, 77, 100, 119 }) data[at] = double.NaN;
        return data;
    }

    [TestCase(0, false), TestCase(1, false), TestCase(2, false), TestCase(0, true), TestCase(1, true), TestCase(2, true)]
    public void FirstMaximumWinsAndNaNCountsAsTheMaximum(int axis, bool withNaN)
    {
        ITensorEngine engine = TensorEngines.Named(engineName);
        double[] data = Data(withNaN);
        object x = engine.FromArray(data.Select(v => (float)v).ToArray(), Shape);
        double[] actual = engine.ToDoubleArray(Backend.ArgMax(x, axis), out long[] shape);

        long[] strides = [30, 6, 1];
        var expected = new List<double>();
        var outer = Enumerable.Range(0, 3).Where(d => d != axis).ToArray();
        for (long a = 0; a < Shape[outer[0]]; a++)
            for (long b = 0; b < Shape[outer[1]]; b++)
            {
                long start = a * strides[outer[0]] + b * strides[outer[1]];
                int best = 0;
                for (int k = 1; k < Shape[axis]; k++)
                {
                    double v = data[start + k * strides[axis]], m = data[start + best * strides[axis]];
                    if (double.IsNaN(m)) break;
                    if (double.IsNaN(v) || v > m) best = k;
                }
                expected.Add(best);
            }
        Assert.That(shape, Is.EqualTo(Shape.Where((_, d) => d != axis).ToArray()));
        Assert.That(actual, Is.EqualTo(expected.ToArray()), $"axis {axis}, NaN {withNaN}");
    }
}
