using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics;

namespace CrossBackend.Tests.EngineSpecific.Numerics;

/// <summary>
/// The numerics engine's own arg-min (no Backend function calls it; the tape's ops do) for every row length from 1
/// to 130, and its cast of float values to int64/int32 storage values (the step every arg-max result takes), held
/// against plain loops written here: the first minimum wins (−0 and +0 tie), the first NaN wins; the cast truncates
/// toward zero, saturates, maps NaN to 0 and −0 to +0 (the engine's stated rule for integer dtypes).
/// </summary>
public sealed class NumericsArgMinAndIndexCastTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void ArgMinTakesTheFirstMinimumOfEveryRowLength(bool float32)
    {
        var random = new Random(float32 ? 5 : 6);
        for (int length = 1; length <= 130; length++)
        {
            int rows = 4 * 5 + length % 4;
            var data = new double[rows * length];
            for (int r = 0; r < rows; r++)
            {
                Span<double> row = data.AsSpan(r * length, length);
                for (int c = 0; c < length; c++) row[c] = random.NextDouble() * 2 - 1;
                int at = new[] { 0, length - 1, Math.Min(64, length - 1), random.Next(length) }[r % 4];
                switch (r / 4 % 4)   // one kind per group of four rows (see ArgMaxEveryRowLengthTests)
                {
                    case 0: row[at] = -1.5; if (at + 1 < length) row[length - 1] = -1.5; break;                  // tie
                    case 1: for (int c = 0; c < length; c++) row[c] = 0.5 + random.NextDouble(); row[at] = 0.0; row[random.Next(length)] = -0.0; break;
                    case 2: row[at] = double.NaN; break;
                    default: row[at] = -1.0001; break;
                }
                if (float32) for (int c = 0; c < length; c++) row[c] = (float)row[c];
            }
            double[] actual = float32
                ? NumericsOps<float>.Instance.ArgMin(Tensor.Create(data.Select(v => (float)v).ToArray(), [rows, length]), 1, false).ToArray().Select(v => (double)v).ToArray()
                : NumericsOps<double>.Instance.ArgMin(Tensor.Create(data, [rows, length]), 1, false).ToArray();
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<double> row = data.AsSpan(r * length, length);
                int best = 0;
                for (int c = 1; c < length; c++)
                {
                    if (double.IsNaN(row[best])) break;
                    if (double.IsNaN(row[c]) || row[c] < row[best]) best = c;
                }
                Assert.That(actual[r], Is.EqualTo(best), $"length {length}, row {r}");
            }
        }
    }

    private static readonly float[] CastInputs =
        [-0.0f, 0.0f, 0.3f, -0.3f, 2.9f, -2.9f, 1e10f, -1e10f, 3e9f, -3e9f, 1e19f, -1e19f, 9.2233715e18f, float.NaN,
         float.PositiveInfinity, float.NegativeInfinity, 16777217f, 0.7f];

    [TestCase(DType.Int64)]
    [TestCase(DType.Int32)]
    public void CastToIntegerTruncatesAndGivesTheMinimumForNaNAndOutOfRange(DType dtype)
    {
        // As PyTorch and NumPy cast on x86: NaN, ±∞ and values beyond the type give its minimum (2^63 and 2^31 bound).
        (double min, double limit) = dtype == DType.Int64 ? (-9223372036854775808.0, 9223372036854775808.0) : (int.MinValue, 2147483648.0);
        foreach (bool float32 in new[] { true, false })
        {
            double[] expected = CastInputs.Select(v =>
            {
                double t = Math.Truncate(v);
                t = !(t >= min && t < limit) ? min : t + 0.0;   // NaN fails the comparison; + 0.0: −0 → +0
                return float32 ? (double)(float)t : t;
            }).ToArray();
            double[] actual = float32
                ? NumericsOps<float>.Instance.Cast(Tensor.Create(CastInputs, [CastInputs.Length]), dtype).ToArray().Select(v => (double)v).ToArray()
                : NumericsOps<double>.Instance.Cast(Tensor.Create(CastInputs.Select(v => (double)v).ToArray(), [CastInputs.Length]), dtype).ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.That(actual[i], Is.EqualTo(expected[i]), $"{CastInputs[i]} as {dtype} (float32 storage: {float32})");
                Assert.That(double.IsNegative(actual[i]), Is.EqualTo(double.IsNegative(expected[i])), $"sign of {CastInputs[i]} as {dtype}");
            }
        }
    }

    [Test]
    public void Float32IndicesBecomeInt64StorageExactly()
    {
        float[] indices = [0f, 1f, 99f, 16777216f, -3f, 2.9f];
        var result = (Tensor<long>)TensorEngines.Named("numerics").Cast(Tensor.Create(indices, [2, 3]), DType.Int64);
        Assert.That(result.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 3 }));
        Assert.That(result.ToArray(), Is.EqualTo(new long[] { 0, 1, 99, 16777216, -3, 2 }));
        var nan = (Tensor<long>)TensorEngines.Named("numerics").Cast(Tensor.Create(new[] { float.NaN, 1e19f }, [2]), DType.Int64);
        Assert.That(nan.ToArray(), Is.EqualTo(new[] { long.MinValue, long.MinValue }), "NaN and out of range as PyTorch and NumPy cast them");
    }
}
