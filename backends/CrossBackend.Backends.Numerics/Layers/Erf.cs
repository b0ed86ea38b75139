namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>
/// The error function in float64, for the exact GELU (.NET has no <c>Math.Erf</c>). Two expansions, each used
/// where it needs no cancellation: below |x| = 3 the series erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ x / (1·3·…·(2n+1)),
/// whose terms are all positive (a few ulps; the alternating Taylor series would lose ~3 digits near 3); from 3 the
/// continued fraction erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))), evaluated by modified Lentz, and
/// erf = 1 − erfc (erfc(3) ≈ 2.2e-5, so the subtraction is exact to the ulp of 1). From 6 erfc is below 2e-17,
/// under half an ulp of 1: erf is ±1.
/// </summary>
internal static class Erf
{
    private const double TwoOverSqrtPi = 1.1283791670955125738961589031215;
    private const double OneOverSqrtPi = 0.56418958354775628694807945156077;

    /// <summary>erf(<paramref name="x"/>); NaN for NaN, ±1 for ±∞.</summary>
    public static double Of(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        double value = a < 3 ? Series(a) : a < 6 ? 1 - ComplementFraction(a) : 1;
        return x < 0 ? -value : value;
    }

    private static double Series(double a)
    {
        double twoA2 = 2 * a * a, term = a, sum = a;
        for (int n = 1; n < 200 && term > 1e-17 * sum; n++)
        {
            term *= twoA2 / (2 * n + 1);
            sum += term;
        }
        return TwoOverSqrtPi * Math.Exp(-a * a) * sum;
    }

    /// <summary>erfc(a) for a ≥ 3: the continued fraction a + K(k/2 / a), k = 1, 2, …, by modified Lentz.</summary>
    private static double ComplementFraction(double a)
    {
        const double Tiny = 1e-300;
        double f = a, c = a, d = 0;
        for (int k = 1; k < 500; k++)
        {
            double numerator = k / 2.0;
            d = a + numerator * d;
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = a + numerator / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-17) break;
        }
        return OneOverSqrtPi * Math.Exp(-a * a) / f;
    }
}
