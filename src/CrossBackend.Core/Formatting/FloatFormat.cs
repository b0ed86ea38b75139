using System.Globalization;

namespace CrossBackend;

/// <summary>
/// NumPy's <c>FloatingFormat</c> (numpy/core/arrayprint.py, NumPy 1.24): every value with the digits its
/// <c>floatmode</c> asks for (by default the fewest that identify it in its dtype, at most <c>precision</c> after the
/// point), all aligned to one width; scientific notation when the magnitudes call for it; the <c>sign</c> option's
/// <c>+</c> or space.
/// </summary>
internal sealed class FloatFormat
{
    private readonly DType _dtype;
    private readonly int _precision;   // the cut-off after the point; int.MaxValue in unique mode (NumPy's precision=None)
    private readonly TensorFloatMode _mode;
    private readonly TensorSign _sign;
    private readonly bool _scientific;
    private int _padLeft, _padRight, _fractionDigits, _exponentDigits;
    private bool _equalDigits;   // positional fixed / maxprec_equal: every value with _padRight digits, zeros kept

    private FloatFormat(DType dtype, TensorFormatOptions options, bool scientific)
    {
        _dtype = dtype;
        _mode = options.FloatMode;
        _precision = options.FloatMode == TensorFloatMode.Unique ? int.MaxValue : options.Precision;
        _sign = options.Sign;
        _scientific = scientific;
    }

    public static Func<double, string> Create(double[] shown, DType dtype, TensorFormatOptions options)
    {
        double[] finite = shown.Where(double.IsFinite).ToArray();
        double[] nonZero = finite.Where(v => v != 0).Select(Math.Abs).ToArray();
        // NumPy divides max_val / min_val in the array's dtype (FloatingFormat.fillFormat, numpy/core/arrayprint.py),
        // so the ratio is rounded to it: float16 100 / 0.1 is 1000.0 there (1000.244 in float64), not > 1000.
        // suppress keeps small magnitudes and wide ranges positional, but not a magnitude >= 1e8 (NumPy 1.24; NumPy
        // 2.3+ lowers that cut-off to 1e3 for float16 and 1e6 for float32, numpy/_core/arrayprint.py).
        bool scientific = nonZero.Length > 0 &&
            (nonZero.Max() >= 1e8 ||
             (!options.Suppress && (nonZero.Min() < 1e-4 || dtype.RoundTo(nonZero.Max() / nonZero.Min()) > 1000)));
        var format = new FloatFormat(dtype, options, scientific);
        format.Fill(finite, shown);
        return format.Format;
    }

    private void Fill(double[] finite, double[] shown)
    {
        if (finite.Length > 0)
        {
            var parts = finite.Select(v => Split(v)).ToArray();
            _padLeft = parts.Max(p => p.Int.Length);
            if (_scientific)
            {
                _fractionDigits = parts.Max(p => p.Fraction.Length);
                _exponentDigits = parts.Max(p => p.Exponent.Length);
                // NumPy's pad_right = exp_size + 2 + precision, with exp_size = len(exp) − 1: the exponent's digits
                // without its sign ("+10" → 2); "e" and the sign are the 2. Only the nan/inf width depends on it.
                _padRight = (_exponentDigits - 1) + 2 + _fractionDigits;
            }
            else
            {
                _padRight = parts.Max(p => p.Fraction.Length);
                // fillFormat: 'fixed' and 'maxprec_equal' then print every value with pad_right digits (min_digits).
                _equalDigits = _mode is TensorFloatMode.Fixed or TensorFloatMode.MaxPrecEqual;
            }
        }
        // sign=' ': one more column on the left when no printed value has its sign bit set (-0.0 has).
        if (_sign == TensorSign.Space && !finite.Any(double.IsNegative)) _padLeft++;
        if (finite.Length != shown.Length)
        {
            // inf needs room for a sign when one is printed: '-inf', or '+inf'/' inf' with sign '+'/' '.
            bool signedInfinity = _sign != TensorSign.Minus || shown.Any(double.IsNegativeInfinity);
            int offset = _padRight + 1;
            _padLeft = Math.Max(_padLeft, Math.Max(3 - offset, 3 + (signedInfinity ? 1 : 0) - offset));
        }
    }

    private string Format(double v)
    {
        if (!double.IsFinite(v))
        {
            string plus = _sign == TensorSign.Plus ? "+" : "";
            string text = double.IsNaN(v) ? plus + "nan" : v < 0 ? "-inf" : plus + "inf";
            int width = _padLeft + _padRight + 1;
            return text.PadLeft(width);
        }
        if (_scientific)
        {
            // NumPy pads to the common digit count with the value's own further digits (Dragon4's min_digits), i.e. the
            // exact value rounded to that many places: 0.3f prints 3.00000012e-01 beside a value that needs 8 digits.
            string exact = Math.Abs(v).ToString("E" + _fractionDigits, CultureInfo.InvariantCulture);
            int e = exact.IndexOf('E');
            string mantissa = exact[..e];
            int exponent = int.Parse(exact[(e + 1)..], CultureInfo.InvariantCulture);
            int dot = mantissa.IndexOf('.');
            string integerPart = dot < 0 ? mantissa : mantissa[..dot], fractionPart = dot < 0 ? "" : mantissa[(dot + 1)..];
            return (Sign(v) + integerPart).PadLeft(_padLeft) + "." + fractionPart + "e" + (exponent < 0 ? "-" : "+") +
                   Math.Abs(exponent).ToString(CultureInfo.InvariantCulture).PadLeft(_exponentDigits - 1, '0');
        }
        if (_equalDigits)
        {
            // Every value with exactly pad_right digits: the exact value rounded there, zeros kept (trim='k').
            (string whole, string digits) = Fixed(v, _padRight);
            return whole.PadLeft(_padLeft) + "." + digits;
        }
        (string integer, string fraction, _) = Split(v);
        return integer.PadLeft(_padLeft) + "." + fraction.PadRight(_padRight);
    }

    /// <summary>The sign NumPy prints before a finite value: '-' for a set sign bit (-0.0 too), '+' for the others
    /// with sign '+' (a space for sign ' ' comes from the padding, not from here).</summary>
    private string Sign(double v) => double.IsNegative(v) ? "-" : _sign == TensorSign.Plus ? "+" : "";

    /// <summary>The exact value rounded to <paramref name="places"/> fraction digits, zeros kept (Dragon4 with
    /// unique=False, or with min_digits): the signed integer part and the fraction digits.</summary>
    private (string Int, string Fraction) Fixed(double v, int places)
    {
        // .NET rounds an exact tie to even here, as NumPy's Dragon4 does (precision 0: 0.5 → "0.", 1.5 → "2.").
        string rounded = Math.Abs(v).ToString("F" + places, CultureInfo.InvariantCulture);
        int dot = rounded.IndexOf('.');   // none with 0 places
        return dot < 0 ? (Sign(v) + rounded, "") : (Sign(v) + rounded[..dot], rounded[(dot + 1)..]);
    }

    /// <summary>The integer part (with its sign), the fraction digits and (scientific) the signed exponent, the exponent
    /// padded to at least two digits as NumPy prints it.</summary>
    private (string Int, string Fraction, string Exponent) Split(double v)
    {
        (string digits, int exponent) = Shortest(v);
        string sign = Sign(v);
        if (_scientific)
        {
            string fraction = digits[1..];
            // 'fixed' prints exactly `precision` digits (unique=False, trim='k'); the other modes round only values
            // with too many digits, then drop trailing zeros.
            if (_mode == TensorFloatMode.Fixed || fraction.Length > _precision)
            {
                string rounded = Math.Abs(v).ToString("E" + _precision, CultureInfo.InvariantCulture);
                int e = rounded.IndexOf('E');
                digits = rounded[..e].Replace(".", "");
                exponent = int.Parse(rounded[(e + 1)..], CultureInfo.InvariantCulture);
                fraction = _mode == TensorFloatMode.Fixed ? digits[1..] : digits[1..].TrimEnd('0');
            }
            string exp = (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
            return (sign + digits[0], fraction, exp);
        }
        if (_mode == TensorFloatMode.Fixed)
        {
            (string whole, string places) = Fixed(v, _precision);
            return (whole, places, "");
        }
        int fractionLength = Math.Max(0, digits.Length - 1 - exponent);
        if (fractionLength > _precision)
        {
            (string whole, string places) = Fixed(v, _precision);
            return (whole, places.TrimEnd('0'), "");
        }
        if (digits == "0") return (sign + "0", "", "");
        // digits d0 d1 … with the point after position exponent + 1.
        int point = exponent + 1;
        // When the shortest digits end before the units digit (a whole number wider than its dtype's digits: float16
        // 8336, float32 67108872), NumPy's array printing writes the exact whole number, not the shortest (8340.,
        // 67108870.): FloatingFormat.__call__ passes min_digits=0, and Dragon4 then generates digits at least down to
        // the units (numpy/core/arrayprint.py, FloatingFormat.__call__; numpy/core/src/multiarray/dragon4.c). The value
        // is a whole number there (its spacing is ≥ 2), so "F0" prints it exactly.
        string intPart = point <= 0 ? "0" : digits.Length >= point ? digits[..point] : Math.Abs(v).ToString("F0", CultureInfo.InvariantCulture);
        string fracPart = point <= 0 ? new string('0', -point) + digits : digits.Length > point ? digits[point..] : "";
        return (sign + intPart, fracPart.TrimEnd('0'), "");
    }

    /// <summary>The fewest significant digits (and the decimal exponent of the first) that read back as the same value
    /// in the dtype (NumPy's Dragon4 in unique mode).</summary>
    private (string Digits, int Exponent) Shortest(double v)
    {
        double a = Math.Abs(v);
        if (a == 0) return ("0", 0);
        for (int p = 1; p <= 17; p++)
        {
            string s = a.ToString("E" + (p - 1), CultureInfo.InvariantCulture);
            double back = double.Parse(s, CultureInfo.InvariantCulture);
            if (RoundToDType(back) == a)
            {
                int e = s.IndexOf('E');
                return (s[..e].Replace(".", "").TrimEnd('0') is { Length: > 0 } d ? d : "0", int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture));
            }
        }
        string r = a.ToString("E16", CultureInfo.InvariantCulture);
        int i = r.IndexOf('E');
        return (r[..i].Replace(".", "").TrimEnd('0'), int.Parse(r[(i + 1)..], CultureInfo.InvariantCulture));
    }

    private double RoundToDType(double v) => _dtype.RoundTo(v);
}
