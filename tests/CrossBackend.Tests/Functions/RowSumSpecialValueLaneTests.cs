using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>
/// ReduceSum and ReduceMean along the last axis with NaN, +∞ and −∞ in every lane position of rows whose lengths sit
/// around the vector widths (8, 15, 16, 17, 24, 31, 32, 33, 100: whole runs of 16 or 32, a group of 8 after them, a masked
/// tail that overlaps values already added, a scalar tail), on every engine, in float32 and float64. The rows come in groups of four (a
/// four-row kernel where an engine has one) and, in a second test, three to a tensor (one row at a time). Expected values are IEEE's: a NaN or
/// +∞ + −∞ anywhere gives NaN, a lone ∞ its sign; the other values are small and finite.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class RowSumSpecialValueLaneTests(string engineName)
{
    private static IEnumerable<TestCaseData> Cases() =>
        from length in new[] { 8, 15, 16, 17, 24, 31, 32, 33, 100 }
        from float32 in new[] { true, false }
        select new TestCaseData(length, float32);

    [TestCaseSource(nameof(Cases))]
    public void EveryLanePositionPropagatesNaNAndInfinity(int length, bool float32)
    {
        // Per position p, four rows: NaN at p; +∞ at p; −∞ at p; +∞ at p with −∞ at the position 8 further on (the
        // value a pair would add it to) or, for rows shorter than that, one before. Then three rows of plain values.
        int rows = 4 * length + 3;
        var data = new double[rows * length];
        var random = new Random(length);
        for (int i = 0; i < data.Length; i++) data[i] = Math.Round(random.NextDouble() * 0.6 - 0.3, 3);
        var expected = new double[rows];
        for (int p = 0; p < length; p++)
        {
            int r = 4 * p;
            data[r * length + p] = double.NaN;
            data[(r + 1) * length + p] = double.PositiveInfinity;
            data[(r + 2) * length + p] = double.NegativeInfinity;
            int partner = p + 8 < length ? p + 8 : (p + length - 1) % length;
            data[(r + 3) * length + p] = double.PositiveInfinity;
            data[(r + 3) * length + partner] = double.NegativeInfinity;
            (expected[r], expected[r + 1], expected[r + 2], expected[r + 3]) = (double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.NaN);
        }
        for (int r = 4 * length; r < rows; r++)
            for (int c = 0; c < length; c++) expected[r] += data[r * length + c];

        ITensorEngine engine = TensorEngines.Named(engineName);
        long[] shape = [rows, length];
        object x = float32 ? engine.FromArray(data.Select(v => (float)v).ToArray(), shape) : engine.FromArray(data, shape);
        double[] sum = engine.ToDoubleArray(Backend.ReduceSum(x, 1), out _), mean = engine.ToDoubleArray(Backend.ReduceMean(x, -1), out _);
        for (int r = 0; r < rows; r++)
        {
            if (double.IsNaN(expected[r]) || double.IsInfinity(expected[r]))
            {
                Assert.That(sum[r], Is.EqualTo(expected[r]), $"sum of row {r} (position {r / 4})");
                Assert.That(mean[r], Is.EqualTo(expected[r]), $"mean of row {r} (position {r / 4})");
                continue;
            }
            double tolerance = float32 ? 1e-6 : 1e-14;
            Assert.That(sum[r], Is.EqualTo(expected[r]).Within(tolerance * length), $"sum of row {r}");
            Assert.That(mean[r], Is.EqualTo(expected[r] / length).Within(tolerance), $"mean of row {r}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void EveryLanePositionPropagatesNaNAndInfinityInRowsSummedOneAtATime(int length, bool float32)
    {
        ITensorEngine engine = TensorEngines.Named(engineName);
        var random = new Random(length + 1);
        for (int p = 0; p < length; p++)
        {
            // Three rows (fewer than a group of four): NaN at p; −∞ at p; +∞ at p with −∞ at its pair's position.
            var data = new double[3 * length];
            for (int i = 0; i < data.Length; i++) data[i] = Math.Round(random.NextDouble() * 0.6 - 0.3, 3);
            int partner = p + 8 < length ? p + 8 : (p + length - 1) % length;
            data[p] = double.NaN;
            data[length + p] = double.NegativeInfinity;
            data[2 * length + p] = double.PositiveInfinity;
            data[2 * length + partner] = double.NegativeInfinity;
            long[] shape = [3, length];
            object x = float32 ? engine.FromArray(data.Select(v => (float)v).ToArray(), shape) : engine.FromArray(data, shape);
            double[] sum = engine.ToDoubleArray(Backend.ReduceSum(x, 1), out _), mean = engine.ToDoubleArray(Backend.ReduceMean(x, 1), out _);
            Assert.That(sum, Is.EqualTo(new[] { double.NaN, double.NegativeInfinity, double.NaN }), $"sums, position {p}");
            Assert.That(mean, Is.EqualTo(new[] { double.NaN, double.NegativeInfinity, double.NaN }), $"means, position {p}");
        }
    }
}
