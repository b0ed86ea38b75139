namespace CrossBackend.Tests;

/// <summary>
/// The documented parity tolerance: |actual − expected| ≤ rtol·|expected| + atol. The absolute floor exists because
/// an element's loss can be arbitrarily close to 0 (a clipped one-hot row gives 1.19e-7 in float32), where a purely
/// relative bound would demand more digits than the dtype has.
/// </summary>
public static class Tolerance
{
    public static (double Rtol, double Atol) For(DType dtype) => dtype switch
    {
        DType.Float64 => (1e-12, 1e-14),
        DType.Float32 => (1e-5, 1e-6),
        // Computed in float32, rounded once to the output dtype: half an ulp is 2^-11 (float16) or 2^-8 (bfloat16).
        DType.Float16 => (1e-3, 1e-5),
        DType.BFloat16 => (8e-3, 1e-5),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    public static void AssertClose(double[] actual, double[] expected, DType dtype, string what)
    {
        (double rtol, double atol) = For(dtype);
        Assert.That(actual, Has.Length.EqualTo(expected.Length), $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = rtol * Math.Abs(expected[i]) + atol;
            Assert.That(Math.Abs(actual[i] - expected[i]), Is.LessThanOrEqualTo(bound),
                $"{what}[{i}]: actual {actual[i]:R}, expected {expected[i]:R} (rtol {rtol}, atol {atol})");
        }
    }
}
