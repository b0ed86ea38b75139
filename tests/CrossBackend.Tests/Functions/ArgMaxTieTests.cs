using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>
/// argmax's tie rule on every engine, on every axis (the class-weight lookup of the crossentropy losses depends on
/// it): the first index of the maximum wins (−0 and +0 tie), and a NaN counts as the maximum (the first NaN wins).
/// Held against a plain loop, so an engine whose faster arg-max formulation broke either rule fails here. The large
/// shapes reach the engines' bulk paths (torch's managed one-pass kernel starts at 32,768 elements): rows shorter and
/// longer than a SIMD vector with a ragged tail, and a class axis in the middle (channels-first segmentation).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class ArgMaxTieTests(string engineName)
{
    private static readonly long[] Small = [4, 5, 6];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (bool withNaN in new[] { false, true })
            for (int axis = 0; axis < 3; axis++)
                yield return new TestCaseData(Small, axis, withNaN, false);
        foreach (bool doublePrecision in new[] { false, true })
            foreach (bool withNaN in new[] { false, true })
            {
                yield return new TestCaseData(new long[] { 60, 67 }, 1, withNaN, doublePrecision);   // torch: argmax up to 4,096 elements along the last axis
                yield return new TestCaseData(new long[] { 700, 100 }, 1, withNaN, doublePrecision);
                yield return new TestCaseData(new long[] { 700, 100 }, 0, withNaN, doublePrecision);
                yield return new TestCaseData(new long[] { 12000, 3 }, 1, withNaN, doublePrecision);
                yield return new TestCaseData(new long[] { 1300, 37 }, 1, withNaN, doublePrecision);
                yield return new TestCaseData(new long[] { 2, 21, 40, 41 }, 1, withNaN, doublePrecision);
                yield return new TestCaseData(new long[] { 3, 7, 1999 }, 1, withNaN, doublePrecision);
            }
    }

    private static double[] Data(long count, bool withNaN)
    {
        var random = new Random(13);
        // Values from {−0, 0, 0.1, 0.3}: most lines hold ties for their maximum, ±0 among them.
        var data = Enumerable.Range(0, (int)count).Select(_ => new[] { -0.0, 0.0, 0.1, 0.3 }[random.Next(4)]).ToArray();
        if (withNaN)
            for (int i = 0; i < data.Length; i++)
                if (random.Next(23) == 0) data[i] = double.NaN;
        return data;
    }

    [TestCaseSource(nameof(Cases))]
    public void FirstMaximumWinsAndNaNCountsAsTheMaximum(long[] shape, int axis, bool withNaN, bool doublePrecision)
    {
        ITensorEngine engine = TensorEngines.Named(engineName);
        double[] data = Data(Shapes.Count(shape), withNaN);
        object x = doublePrecision ? engine.FromArray(data, shape) : engine.FromArray(data.Select(v => (float)v).ToArray(), shape);
        double[] actual = engine.ToDoubleArray(Backend.ArgMax(x, axis), out long[] resultShape);

        long inner = shape.Skip(axis + 1).Aggregate(1L, (a, n) => a * n), outer = Shapes.Count(shape) / inner / shape[axis];
        var expected = new double[outer * inner];
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                long start = o * shape[axis] * inner + i;
                int best = 0;
                for (int k = 1; k < shape[axis]; k++)
                {
                    double v = data[start + k * inner], m = data[start + best * inner];
                    if (double.IsNaN(m)) break;
                    if (double.IsNaN(v) || v > m) best = k;
                }
                expected[o * inner + i] = best;
            }
        Assert.That(resultShape, Is.EqualTo(shape.Where((_, d) => d != axis).ToArray()));
        int wrong = Enumerable.Range(0, expected.Length).FirstOrDefault(j => actual[j] != expected[j], -1);
        Assert.That(wrong, Is.EqualTo(-1),
            () => $"{engineName}: shape {TensorInfo.FormatShape(shape)}, axis {axis}, NaN {withNaN}: first wrong index at output {wrong}: {actual[wrong]} instead of {expected[wrong]}");
    }
}
