using System.Runtime.Intrinsics;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// The software-pipelined sums of y·log clamp(x / s, ε, 1 − ε) that the float32 probabilities crossentropy takes for
/// soft labels give, lane for lane, the bits of the plain loop they replace: each lane's terms added one at a time in
/// class order (even and odd classes apart across rows), every product and sum rounded to float, the log the
/// nearest float (float64's log rounded once). Class counts around the pipeline's three stages and the vector width,
/// labels with zero vectors and zero lanes, quotients below ε and above 1 − ε.
/// </summary>
public sealed unsafe class LabelLogTermsTests
{
    private const float Epsilon = 1e-7f, Upper = 1 - Epsilon;

    [TestCase(17)]
    [TestCase(21)]
    [TestCase(24)]
    [TestCase(31)]
    [TestCase(100)]
    [TestCase(103)]
    public void AlongRowMatchesThePlainLoop(int classes)
    {
        Assume.That(LabelLogTerms.Supported, "needs AVX-512 and 8-lane float vectors");
        var random = new Random(classes);
        for (int trial = 0; trial < 50; trial++)
        {
            float[] x = Inputs(random, classes), y = Labels(random, classes);
            float sum = trial % 3 == 0 ? 0.3f : x.Sum();   // 0.3: quotients above 1 − ε clamp
            int full = classes / 8 * 8, last = classes - 8, vectors = (classes + 7) / 8;
            var lastLabels = new float[8];
            for (int lane = 0; lane < 8; lane++) lastLabels[lane] = classes % 8 != 0 && last + lane < full ? 0 : y[last + lane];

            Vector256<float> actual;
            fixed (float* xp = x, yp = y) actual = LabelLogTerms.AlongRow(xp, yp, classes, sum);

            var expected = new float[8];
            for (int v = 0; v < vectors; v++)
            {
                int at = Math.Min(8 * v, last);
                for (int lane = 0; lane < 8; lane++)
                {
                    float label = v == vectors - 1 ? lastLabels[lane] : y[at + lane];
                    expected[lane] += label * NearestLog(Clamp(x[at + lane] / sum));
                }
            }
            AssertSameBits(actual, expected, $"{classes} classes, trial {trial}");
        }
    }

    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(8)]
    [TestCase(21)]
    [TestCase(22)]
    [TestCase(100)]
    public void AcrossRowsMatchesThePlainLoop(int classes)
    {
        Assume.That(LabelLogTerms.Supported, "needs AVX-512 and 8-lane float vectors");
        var random = new Random(1000 + classes);
        const int Stride = 11;   // class c of lane j at c·Stride + j: lanes contiguous, classes apart
        for (int trial = 0; trial < 50; trial++)
        {
            float[] x = Inputs(random, classes * Stride), y = Labels(random, classes * Stride);
            var sums = new float[8];
            for (int lane = 0; lane < 8; lane++)
            {
                for (int c = 0; c < classes; c++) sums[lane] += x[c * Stride + lane];
                if (lane == 3) sums[lane] = 0.3f;
            }

            Vector256<float> actual;
            fixed (float* xp = x, yp = y) actual = LabelLogTerms.AcrossRows(xp, yp, classes, Stride, Vector256.Create(sums));

            var even = new float[8];
            var odd = new float[8];
            for (int c = 0; c < classes; c++)
                for (int lane = 0; lane < 8; lane++)
                {
                    float term = y[c * Stride + lane] * NearestLog(Clamp(x[c * Stride + lane] / sums[lane]));
                    if (c % 2 == 0) even[lane] += term;
                    else odd[lane] += term;
                }
            AssertSameBits(actual, [.. even.Zip(odd, (a, b) => a + b)], $"{classes} classes, trial {trial}");
        }
    }

    /// <summary>Positive values over eight decades, some tiny enough that their quotient clamps to ε.</summary>
    private static float[] Inputs(Random random, int n) =>
        [.. Enumerable.Range(0, n).Select(_ => random.Next(10) == 0 ? 1e-12f : (float)Math.Pow(10, -8 * random.NextDouble()))];

    /// <summary>Soft labels: 0.1-spaced values, a zero now and then and a whole zero run of 9 somewhere.</summary>
    private static float[] Labels(Random random, int n)
    {
        var y = Enumerable.Range(0, n).Select(_ => random.Next(6) == 0 ? 0f : 0.1f * random.Next(1, 10)).ToArray();
        if (n > 10) Array.Clear(y, random.Next(n - 9), 9);
        return y;
    }

    private static float Clamp(float q) => q < Epsilon ? Epsilon : q > Upper ? Upper : q;

    private static float NearestLog(float p) => (float)Math.Log(p);

    private static void AssertSameBits(Vector256<float> actual, float[] expected, string what)
    {
        for (int lane = 0; lane < 8; lane++)
            Assert.That(BitConverter.SingleToInt32Bits(actual[lane]), Is.EqualTo(BitConverter.SingleToInt32Bits(expected[lane])),
                $"{what}, lane {lane}: {actual[lane]:R}, the plain loop {expected[lane]:R}");
    }
}
