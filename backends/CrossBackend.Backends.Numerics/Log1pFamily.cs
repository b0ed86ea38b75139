using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// log1p, expm1 and softplus of a span, a vector of double lanes at a time, with the scalar definitions'
/// (<c>NumericsOps.Log1p</c>, <c>Expm1</c>, <c>Softplus</c>) special cases lane by lane: Goldberg's and Kahan's ratio
/// tricks in double, float32 widened and rounded once. The scalar loops were one library log or exp per element
/// (softplus both): at (65536, 100) the ops the tape's gradients and the composed losses use most (bce from logits,
/// log_cosh) took 30–100 ms. The vector log and exp are the library's (within an ulp of the scalar ones in double,
/// far below float32's resolution).
/// </summary>
internal static class Log1pFamily
{
    public enum Function { Log1p, Expm1, Softplus }

    /// <summary>destination = f(source) element-wise (the spans may be the same).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Span<T>(Function f, ReadOnlySpan<T> source, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            if (typeof(T) == typeof(double))
            {
                ReadOnlySpan<double> x = MemoryMarshal.Cast<T, double>(source);
                Span<double> d = MemoryMarshal.Cast<T, double>(destination);
                for (int w = Vector<double>.Count; i <= x.Length - w; i += w) Apply(f, new Vector<double>(x[i..])).CopyTo(d[i..]);
            }
            else if (typeof(T) == typeof(float))
            {
                ReadOnlySpan<float> x = MemoryMarshal.Cast<T, float>(source);
                Span<float> d = MemoryMarshal.Cast<T, float>(destination);
                for (int w = Vector<float>.Count; i <= x.Length - w; i += w)
                {
                    Vector.Widen(new Vector<float>(x[i..]), out Vector<double> low, out Vector<double> high);
                    Vector.Narrow(Apply(f, low), Apply(f, high)).CopyTo(d[i..]);
                }
            }
        }
        for (; i < source.Length; i++)
        {
            double v = double.CreateTruncating(source[i]);
            destination[i] = T.CreateTruncating(f switch
            {
                Function.Log1p => NumericsOps<double>.Log1p(v),
                Function.Expm1 => NumericsOps<double>.Expm1(v),
                _ => NumericsOps<double>.Softplus(v),
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Apply(Function f, Vector<double> x) => f switch
    {
        Function.Log1p => Log1p(x),
        Function.Expm1 => Expm1(x),
        _ => Vector.Max(x, Vector<double>.Zero) + Log1p(DoubleExp.Exp(-Vector.Abs(x))),
    };

    /// <summary>u = 1 + x; x where u is 1, u where u is +∞, else log(u)·x / (u − 1) (NaN and x &lt; −1 give NaN, −1 gives
    /// −∞, as the scalar definition does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Log1p(Vector<double> x)
    {
        Vector<double> u = Vector<double>.One + x;
        Vector<double> ratio = Vector.Log(u) * x / (u - Vector<double>.One);
        ratio = Vector.ConditionalSelect(Vector.Equals(u, new Vector<double>(double.PositiveInfinity)), u, ratio);
        return Vector.ConditionalSelect(Vector.Equals(u, Vector<double>.One), x, ratio);
    }

    /// <summary>u = eˣ; x where u is 1, −1 where u − 1 is −1, u where u is +∞, else (u − 1)·(x / log(u)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Expm1(Vector<double> x)
    {
        Vector<double> u = DoubleExp.Exp(x), um1 = u - Vector<double>.One;
        Vector<double> ratio = um1 * (x / Vector.Log(u));   // x / log u ≈ 1: (u − 1)·x overflows near the top of the range
        ratio = Vector.ConditionalSelect(Vector.Equals(u, new Vector<double>(double.PositiveInfinity)), u, ratio);
        ratio = Vector.ConditionalSelect(Vector.Equals(um1, -Vector<double>.One), -Vector<double>.One, ratio);
        return Vector.ConditionalSelect(Vector.Equals(u, Vector<double>.One), x, ratio);
    }
}
