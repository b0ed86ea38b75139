using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>Population variance and standard deviation of a row: two passes (the mean, then the sum of squared
/// deviations), both accumulated in double as <see cref="SumInDouble"/> does.</summary>
public sealed partial class NumericsOps<T>
{
    /// <summary>Σ(x − mean)² / n in double (NaN for an empty row, as 0 / 0).</summary>
    [MethodImpl(Hot)]
    internal static double VarianceInDouble(ReadOnlySpan<T> row)
    {
        double mean = SumInDouble(row) / row.Length;
        if (typeof(T) == typeof(float)) return SquaredDeviations(MemoryMarshal.Cast<T, float>(row), mean) / row.Length;
        ReadOnlySpan<double> d = MemoryMarshal.Cast<T, double>(row);
        int width = Vector<double>.Count, i = 0;
        var m = new Vector<double>(mean);
        Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero;
        for (; i + 2 * width <= d.Length; i += 2 * width)
        {
            Vector<double> a = new Vector<double>(d[i..]) - m, b = new Vector<double>(d[(i + width)..]) - m;
            s0 += a * a; s1 += b * b;
        }
        double sum = Vector.Sum(s0 + s1);
        for (; i < d.Length; i++) sum += (d[i] - mean) * (d[i] - mean);
        return sum / row.Length;
    }

    /// <summary>Σ(x − mean)² with float32 values widened to double lanes as they are read.</summary>
    [MethodImpl(Hot)]
    private static double SquaredDeviations(ReadOnlySpan<float> x, double mean)
    {
        int width = Vector<float>.Count, i = 0;
        var m = new Vector<double>(mean);
        Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero;
        for (; i + width <= x.Length; i += width)
        {
            Vector.Widen(new Vector<float>(x[i..]), out Vector<double> a, out Vector<double> b);
            a -= m; b -= m;
            s0 += a * a; s1 += b * b;
        }
        double sum = Vector.Sum(s0 + s1);
        for (; i < x.Length; i++) sum += (x[i] - mean) * (x[i] - mean);
        return sum;
    }
}
