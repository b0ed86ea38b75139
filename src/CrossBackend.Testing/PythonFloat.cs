using System.Globalization;

namespace CrossBackend.Testing;

/// <summary>
/// Formats numbers as Python's <c>repr(float)</c> does, so reports read like <c>torch.testing</c>'s: the shortest
/// round-trip digits, fixed notation for 1e-4 ≤ |x| &lt; 1e16 (with ".0" on whole numbers), otherwise scientific
/// with a signed two-digit exponent: 0.5, 2.0, 0.0001, 1e-05, 1.3e-06, 1e+16, inf, nan.
/// </summary>
internal static class PythonFloat
{
    public static string Repr(double x)
    {
        if (double.IsNaN(x)) return "nan";
        if (double.IsPositiveInfinity(x)) return "inf";
        if (double.IsNegativeInfinity(x)) return "-inf";
        if (x == 0) return double.IsNegative(x) ? "-0.0" : "0.0";

        // .NET's "R" is the shortest round-trip form too; take its digits and decimal exponent and re-lay them out.
        string r = Math.Abs(x).ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E');
        int exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        string mantissa = e < 0 ? r : r[..e];
        int dot = mantissa.IndexOf('.');
        string digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        int pointAt = (dot < 0 ? mantissa.Length : dot) + exponent;   // value = 0.DIGITS × 10^pointAt
        int leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        pointAt -= leading;

        string sign = x < 0 ? "-" : "";
        int sciExponent = pointAt - 1;
        if (sciExponent < -4 || sciExponent >= 16)
        {
            string m = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return $"{sign}{m}e{(sciExponent < 0 ? "-" : "+")}{Math.Abs(sciExponent):00}";
        }
        if (pointAt <= 0) return $"{sign}0.{new string('0', -pointAt)}{digits}";
        if (pointAt >= digits.Length) return $"{sign}{digits}{new string('0', pointAt - digits.Length)}.0";
        return $"{sign}{digits[..pointAt]}.{digits[pointAt..]}";
    }

    /// <summary>An index as a Python tuple: <c>()</c>, <c>(3,)</c>, <c>(1, 2)</c>.</summary>
    public static string Tuple(IReadOnlyList<long> index) => TensorInfo.FormatShape(index);
}
