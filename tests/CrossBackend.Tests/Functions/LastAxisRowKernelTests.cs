using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>
/// Reductions, arg-max and softmax along the last axis, on every engine, for row lengths around the SIMD widths
/// (1, 7, 8, 9, 15, 16, 17, 24, 25, 31, 40, 100, 1000: whole runs of 16, a group of 8 after them, a tail), in float32 and float64, with enough rows that the work is split into
/// parallel chunks. Held against a plain float64 loop written here. Some rows hold NaN (max, min, arg-max and softmax
/// propagate it; the first NaN wins arg-max), some are all zeros of both signs, some hold ties for their maximum, some
/// one value far above the rest.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class LastAxisRowKernelTests(string engineName)
{
    private static readonly int[] Lengths = [1, 7, 8, 9, 15, 16, 17, 24, 25, 31, 40, 100, 1000];

    /// <summary>Rows × length ≥ 150 000 elements, so a chunked parallel path runs where an engine has one.</summary>
    private static int RowsFor(int length) => Math.Max(8, 150_000 / length + 3);

    private static double[] Data(int rows, int length, bool float32)
    {
        var random = new Random(length * 31 + (float32 ? 1 : 2));
        var data = new double[rows * length];
        for (int r = 0; r < rows; r++)
        {
            int kind = r % 11;
            for (int c = 0; c < length; c++)
            {
                int at = r * length + c;
                data[at] = kind switch
                {
                    3 => new[] { 0.1, 0.3, -0.3 }[random.Next(3)],          // ties for the maximum
                    5 => random.Next(2) == 0 ? 0.0 : -0.0,                 // only zeros, both signs
                    7 => -1 - random.NextDouble() * 3,                      // all negative
                    _ => random.NextDouble() * 6 - 3,
                };
                if (float32) data[at] = (float)data[at];
            }
            if (kind == 4 && length > 1)   // one value 100 above the rest: their exp(x − max) is below float's normal range
            {
                int at = r * length + random.Next(length);
                data[at] = float32 ? (float)(data[at] + 100) : data[at] + 100;
            }
            if (kind == 9) data[r * length + random.Next(length)] = double.NaN;
            if (kind == 10 && length > 2)
            {
                data[r * length + length - 1] = double.NaN;   // NaN in the tail
                data[r * length + length / 2] = double.NaN;
            }
        }
        return data;
    }

    private object Tensor(double[] data, int rows, int length, bool float32)
    {
        ITensorEngine engine = TensorEngines.Named(engineName);
        long[] shape = [rows, length];
        return float32 ? engine.FromArray(data.Select(v => (float)v).ToArray(), shape) : engine.FromArray(data, shape);
    }

    private double[] Read(object tensor, long[] expectedShape)
    {
        double[] values = TensorEngines.Named(engineName).ToDoubleArray(tensor, out long[] shape);
        Assert.That(shape, Is.EqualTo(expectedShape));
        return values;
    }

    private static IEnumerable<TestCaseData> LengthsAndTypes() =>
        from length in Lengths from float32 in new[] { true, false } select new TestCaseData(length, float32);

    [TestCaseSource(nameof(LengthsAndTypes))]
    public void SumAndMeanMatchAFloat64Loop(int length, bool float32)
    {
        int rows = RowsFor(length);
        double[] data = Data(rows, length, float32);
        object x = Tensor(data, rows, length, float32);
        double[] sum = Read(Backend.ReduceSum(x, -1), [rows]), mean = Read(Backend.ReduceMean(x, 1), [rows]);
        double tolerance = float32 ? 2e-6 : 1e-12;
        for (int r = 0; r < rows; r++)
        {
            double s = 0, scale = 0;
            for (int c = 0; c < length; c++)
            {
                s += data[r * length + c];
                scale += Math.Abs(data[r * length + c]);
            }
            if (double.IsNaN(s))
            {
                Assert.That(sum[r], Is.NaN, $"sum of row {r}");
                Assert.That(mean[r], Is.NaN, $"mean of row {r}");
                continue;
            }
            Assert.That(sum[r], Is.EqualTo(s).Within(tolerance * (scale + 1)), $"sum of row {r}");
            Assert.That(mean[r], Is.EqualTo(s / length).Within(tolerance * (scale / length + 1e-3)), $"mean of row {r}");
        }
    }

    [TestCaseSource(nameof(LengthsAndTypes))]
    public void MaxAndMinPropagateNaNAndMatchAFloat64Loop(int length, bool float32)
    {
        int rows = RowsFor(length);
        double[] data = Data(rows, length, float32);
        object x = Tensor(data, rows, length, float32);
        double[] max = Read(Backend.ReduceMax(x, -1), [rows]), min = Read(Backend.ReduceMin(x, 1), [rows]);
        for (int r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * length, length).ToArray();
            if (row.Any(double.IsNaN))
            {
                Assert.That(max[r], Is.NaN, $"max of row {r}");
                Assert.That(min[r], Is.NaN, $"min of row {r}");
                continue;
            }
            Assert.That(max[r], Is.EqualTo(row.Max()), $"max of row {r}");   // exact: a max is one of the values
            Assert.That(min[r], Is.EqualTo(row.Min()), $"min of row {r}");
        }
    }

    [TestCaseSource(nameof(LengthsAndTypes))]
    public void ArgMaxTakesTheFirstMaximumOrTheFirstNaN(int length, bool float32)
    {
        int rows = RowsFor(length);
        double[] data = Data(rows, length, float32);
        double[] actual = Read(Backend.ArgMax(Tensor(data, rows, length, float32), 1), [rows]);
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int c = 1; c < length; c++)
            {
                double v = data[r * length + c], m = data[r * length + best];
                if (double.IsNaN(m)) break;
                if (double.IsNaN(v) || v > m) best = c;
            }
            if (data.AsSpan(r * length, length).ToArray().All(v => v == 0)) continue;   // ±0 order: engines differ
            Assert.That(actual[r], Is.EqualTo(best), $"row {r}");
        }
    }

    [TestCaseSource(nameof(LengthsAndTypes))]
    public void SoftmaxMatchesAFloat64Loop(int length, bool float32)
    {
        int rows = RowsFor(length);
        double[] data = Data(rows, length, float32);
        double[] actual = Read(Backend.Softmax(Tensor(data, rows, length, float32), -1), [rows, length]);
        double tolerance = float32 ? 1e-6 : 1e-13;
        for (int r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * length, length).ToArray();
            if (row.Any(double.IsNaN))
            {
                Assert.That(actual.AsSpan(r * length, length).ToArray(), Is.All.NaN, $"row {r}");
                continue;
            }
            double m = row.Max(), total = row.Sum(v => Math.Exp(v - m));
            for (int c = 0; c < length; c++)
            {
                double expected = Math.Exp(row[c] - m) / total;
                // A float32 result below float's normal range is exact only to its absolute spacing (1.4e-45).
                Assert.That(actual[r * length + c], Is.EqualTo(expected).Within(tolerance * expected + (float32 ? 3e-45 : 1e-300)), $"row {r}, column {c}");
            }
        }
    }
}
