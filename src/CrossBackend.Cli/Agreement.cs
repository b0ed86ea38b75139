using System.Globalization;

namespace CrossBackend.Cli;

/// <summary>
/// When two engines' results agree: |a − b| ≤ rtol·|b| + atol per element, with the bound of the results' dtype
/// (the same numbers as the testing kit's <c>ToleranceTable.Default</c>; a test keeps them equal). NaN agrees with
/// NaN and an infinity with the same infinity: the engines propagate them alike, so they are the same result.
/// </summary>
internal static class Agreement
{
    /// <summary>The bound for results of <paramref name="dtype"/>: float32 (1e-5, 1e-6), float64 (1e-12, 1e-14),
    /// float16 (1e-3, 1e-5: computed in float32 and rounded once, so one ulp apart at most), bfloat16 (8e-3, 1e-5);
    /// other dtypes compare exactly.</summary>
    public static (double Rtol, double Atol) For(DType dtype) => dtype switch
    {
        DType.Float64 => (1e-12, 1e-14),
        DType.Float32 => (1e-5, 1e-6),
        DType.Float16 => (1e-3, 1e-5),
        DType.BFloat16 => (8e-3, 1e-5),
        _ => (0, 0),
    };

    /// <summary>The largest |actual − expected| (NaN when only one side is NaN) and whether every element is within
    /// rtol·|expected| + atol. Different lengths never agree.</summary>
    public static (double MaxAbs, bool AllClose) Compare(double[] actual, double[] expected, double rtol, double atol)
    {
        double max = 0;
        bool ok = actual.Length == expected.Length;
        for (int i = 0; i < Math.Min(actual.Length, expected.Length); i++)
        {
            double a = actual[i], b = expected[i];
            if (a.Equals(b)) continue;   // also NaN with NaN, and equal infinities
            double d = Math.Abs(a - b);
            max = double.IsNaN(d) || double.IsNaN(max) ? double.NaN : Math.Max(max, d);
            ok &= double.IsFinite(a) && double.IsFinite(b) && d <= rtol * Math.Abs(b) + atol;
        }
        return (max, ok);
    }

    /// <summary>The rule in words for reports, e.g. <c>|a - b| &lt;= 1e-5*|b| + 1e-6 (float32)</c>.</summary>
    public static string Describe(DType dtype)
    {
        (double rtol, double atol) = For(dtype);
        return rtol == 0 && atol == 0
            ? $"exact ({dtype.Name()})"
            : string.Create(CultureInfo.InvariantCulture, $"|a - b| <= {rtol:0e+0}*|b| + {atol:0e+0} ({dtype.Name()})");
    }
}
