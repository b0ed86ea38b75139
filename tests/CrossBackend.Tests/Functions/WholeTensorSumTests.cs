using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>
/// ReduceSum and ReduceMean over every element of tensors large enough that an engine splits the sum into pieces
/// (the numerics engine's pieces are 65,536 elements; the sizes here leave a ragged last piece), in float32 and
/// float64, held against a float64 loop written here: the split must neither drop nor repeat a piece, and NaN and
/// ±∞ must reach the result whichever piece holds them.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class WholeTensorSumTests(string engineName)
{
    private static IEnumerable<TestCaseData> Cases() =>
        from size in new[] { 131_073, 300_007, 1_000_003 }
        from float32 in new[] { true, false }
        select new TestCaseData(size, float32);

    private static double[] Data(int size, bool float32)
    {
        var random = new Random(size + (float32 ? 1 : 2));
        var data = new double[size];
        for (int i = 0; i < size; i++) data[i] = float32 ? (float)(random.NextDouble() * 0.6 - 0.1) : random.NextDouble() * 0.6 - 0.1;
        return data;
    }

    private double Reduce(double[] data, bool float32, bool mean)
    {
        ITensorEngine engine = TensorEngines.Named(engineName);
        long[] shape = [data.Length / 7, 7];
        double[] kept = data[..(int)(shape[0] * 7)];
        object x = float32 ? engine.FromArray(kept.Select(v => (float)v).ToArray(), shape) : engine.FromArray(kept, shape);
        double[] values = engine.ToDoubleArray(mean ? Backend.ReduceMean(x) : Backend.ReduceSum(x), out _);
        Assert.That(values, Has.Length.EqualTo(1));
        return values[0];
    }

    [TestCaseSource(nameof(Cases))]
    public void SumAndMeanMatchAFloat64Loop(int size, bool float32)
    {
        double[] data = Data(size, float32)[..(size / 7 * 7)];
        double expected = 0, scale = 0;
        foreach (double v in data) { expected += v; scale += Math.Abs(v); }
        double tolerance = float32 ? 2e-6 : 1e-12;
        Assert.That(Reduce(data, float32, mean: false), Is.EqualTo(expected).Within(tolerance * scale), "sum");
        Assert.That(Reduce(data, float32, mean: true), Is.EqualTo(expected / data.Length).Within(tolerance * scale / data.Length), "mean");
    }

    [TestCaseSource(nameof(Cases))]
    public void NaNAndInfinityInTheLastPieceReachTheSum(int size, bool float32)
    {
        double[] data = Data(size, float32)[..(size / 7 * 7)];
        data[^2] = double.PositiveInfinity;
        Assert.That(Reduce(data, float32, mean: false), Is.EqualTo(double.PositiveInfinity), "+∞");
        data[3] = double.NegativeInfinity;
        Assert.That(Reduce(data, float32, mean: false), Is.NaN, "+∞ + −∞");
        data[^2] = 0.3;
        data[3] = double.NaN;
        Assert.That(Reduce(data, float32, mean: true), Is.NaN, "NaN in the first piece");
    }
}
