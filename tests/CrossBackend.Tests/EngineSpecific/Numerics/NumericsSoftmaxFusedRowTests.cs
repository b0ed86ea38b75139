using System.Numerics.Tensors;
namespace CrossBackend.Tests.EngineSpecific.Numerics;

/// <summary>
/// The channels-last engine's float32 softmax along a contiguous last axis (rows of at least a vector take a fused
/// two-sweep kernel: exp(x − max) stored and summed in double, then divided) held against the same engine's composed
/// path, which strided rows take (Softmax along axis 0 of the transposed values: x − max, the engine's exp, Σ in
/// double, divide; both exps are the engine's float exp on its fast range) and against a float64 loop written here.
/// Numerics-only: the two paths are this engine's own.
/// </summary>
public sealed class NumericsSoftmaxFusedRowTests
{
    /// <summary>Softmax of <paramref name="values"/> (rows × length) along its last axis, and the same values
    /// transposed to (length, rows) with softmax along axis 0, read back row by row.</summary>
    private static (float[] Contiguous, float[] Composed) BothPaths(float[] values, int rows, int length)
    {
        float[] contiguous = [.. Backend.Softmax(Tensor.Create(values, [rows, length]), -1)];
        var transposed = new float[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < length; c++) transposed[c * rows + r] = values[r * length + c];
        float[] strided = [.. Backend.Softmax(Tensor.Create(transposed, [length, rows]), 0)];
        var composed = new float[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < length; c++) composed[r * length + c] = strided[c * rows + r];
        return (contiguous, composed);
    }

    /// <summary>How far a float32 softmax value may be from the float64 one: x − max rounded in float32 (half a unit
    /// of |x − max|, which exp turns into that relative error), a few units of the result (exp, Σ, the division), and
    /// float's smallest spacing for results below its normal range.</summary>
    private static double Allowed(double exact, double shifted) =>
        exact == 0 ? 0 : exact * (Math.Abs(shifted) + 4) * Math.ScaleB(1.0, -24) + 1.5e-45;   // exp(−∞) is exactly 0

    private static long UlpsApart(float a, float b)
    {
        if (a == b || float.IsNaN(a) && float.IsNaN(b)) return 0;
        int ia = BitConverter.SingleToInt32Bits(a), ib = BitConverter.SingleToInt32Bits(b);
        return Math.Abs((long)ia - ib);   // both ≥ 0 here (softmax values are non-negative)
    }

    [Test]
    public void RandomRowsOfEightToThreeHundredAgreeWithTheComposedPathWithinOneUlp()
    {
        const int Rows = 5;
        var random = new Random(56);
        long largest = 0;
        int differing = 0, total = 0;
        double worstAgainstFloat64 = 0;
        for (int length = 8; length <= 300; length++)
        {
            var values = new float[Rows * length];
            for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 20 - 10) * (i % 5 + 1) * 0.3f;
            (float[] contiguous, float[] composed) = BothPaths(values, Rows, length);
            for (int i = 0; i < values.Length; i++)
            {
                long ulps = UlpsApart(contiguous[i], composed[i]);
                largest = Math.Max(largest, ulps);
                if (ulps != 0) differing++;
                total++;
            }
            for (int r = 0; r < Rows; r++)
            {
                var row = values.AsSpan(r * length, length).ToArray();
                double m = row.Max(), sum = row.Sum(v => Math.Exp(v - (double)m));
                for (int c = 0; c < length; c++)
                {
                    double exact = Math.Exp(row[c] - m) / sum;
                    worstAgainstFloat64 = Math.Max(worstAgainstFloat64, Math.Abs(contiguous[r * length + c] - exact) / Allowed(exact, row[c] - m));
                }
            }
        }
        TestContext.Out.WriteLine($"fused against composed: largest {largest} ulp, {differing} of {total} elements differ; difference from float64 at most {worstAgainstFloat64:G3} of the allowed");
        Assert.That(largest, Is.LessThanOrEqualTo(1), "ulps between the fused and the composed softmax");
        Assert.That(worstAgainstFloat64, Is.LessThanOrEqualTo(1), "difference from a float64 softmax, over the allowed");
    }

    [TestCase(8)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(33)]
    [TestCase(100)]
    public void RowsWithSubnormalOrZeroExpsGiveTheComposedPathsValues(int length)
    {
        // Row 0: one value 100 above the rest (their exps are far below float's normal range: 0 or subnormal);
        // row 1: x − max between −87.3 and −103 (exps subnormal) in every lane position; row 2: just inside the fast
        // range (x − max ≥ −87.3, exps near float's smallest normal); row 3: −∞ among finite values.
        const int Rows = 4;
        var values = new float[Rows * length];
        for (int c = 0; c < length; c++)
        {
            values[c] = c == length / 2 ? 100f : 0.1f * c;
            values[length + c] = c == 0 ? 0f : -87.4f - 0.5f * (c % 32);
            values[2 * length + c] = c == length - 1 ? 0f : -87.3f + 0.01f * c;
            values[3 * length + c] = c == 3 ? float.NegativeInfinity : 0.3f * c;
        }
        (float[] contiguous, float[] composed) = BothPaths(values, Rows, length);
        Assert.That(contiguous, Is.EqualTo(composed), "the same values as the composed path");
        for (int r = 0; r < Rows; r++)
        {
            var row = values.AsSpan(r * length, length).ToArray();
            double m = row.Max(), sum = row.Sum(v => Math.Exp(v - (double)m));
            for (int c = 0; c < length; c++)
            {
                double exact = Math.Exp(row[c] - m) / sum;
                Assert.That(contiguous[r * length + c], Is.EqualTo(exact).Within(Allowed(exact, row[c] - m)), $"row {r}, column {c}");
            }
        }
    }

    [TestCase(8)]
    [TestCase(17)]
    [TestCase(32)]
    public void NaNAndInfinityInAnyLaneGiveTheComposedPathsValues(int length)
    {
        // Per position p: NaN at p (the row all NaN); +∞ at p (exp(∞ − ∞) is NaN); +∞ at p and p + 1.
        int rows = 3 * length;
        var values = new float[rows * length];
        for (int i = 0; i < values.Length; i++) values[i] = 0.1f * (i % 13) - 0.3f;
        for (int p = 0; p < length; p++)
        {
            values[3 * p * length + p] = float.NaN;
            values[(3 * p + 1) * length + p] = float.PositiveInfinity;
            values[(3 * p + 2) * length + p] = float.PositiveInfinity;
            values[(3 * p + 2) * length + (p + 1) % length] = float.PositiveInfinity;
        }
        (float[] contiguous, float[] composed) = BothPaths(values, rows, length);
        for (int p = 0; p < length; p++)
            Assert.That(contiguous.AsSpan(3 * p * length, length).ToArray(), Is.All.NaN, $"NaN at {p}");
        for (int i = 0; i < values.Length; i++)
            Assert.That(BitConverter.SingleToInt32Bits(contiguous[i]) == BitConverter.SingleToInt32Bits(composed[i]) || float.IsNaN(contiguous[i]) && float.IsNaN(composed[i]),
                $"element {i}: {contiguous[i]} against the composed path's {composed[i]}");
    }
}
