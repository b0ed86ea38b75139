using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// log1p, expm1, softplus and tanh of a span, a vector of double lanes at a time, with the scalar definitions'
/// (<c>NumericsOps.Log1p</c>, <c>Expm1</c>, <c>Softplus</c>) special cases lane by lane: Goldberg's and Kahan's ratio
/// tricks in double, float32 widened and rounded once. The scalar loops were one library log or exp per element
/// (softplus both): at (65536, 100) the ops the tape's gradients and the composed losses use most (bce from logits,
/// log_cosh) took 30–100 ms. The vector log and exp are the library's (within an ulp of the scalar ones in double,
/// far below float32's resolution). tanh is here because System.Numerics.Tensors' is far off near 0: in float32
/// tanh(0) = −5.96e-8 and tanh(0.5) = 0.46211708 against the nearest float 0.46211717, in float64 a relative error
/// of 1.2e-13 at 1e-5 and 1.3e-10 at 3e-8 (float64's tolerance is 1e-12), and tanh(0) = −0. From double lanes,
/// float32 tanh is the nearest float for all of 3·2^20 arguments tried (18 against 3.7 ms at (65536, 100):
/// correctness first).
/// </summary>
internal static class Log1pFamily
{
    public enum Function { Log1p, Expm1, Softplus, Tanh, TanhForFloat }

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
                Function.Tanh or Function.TanhForFloat => Math.Tanh(v),
                _ => NumericsOps<double>.Softplus(v),
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Apply(Function f, Vector<double> x) => f switch
    {
        Function.Log1p => Log1p(x),
        Function.Expm1 => Expm1(x),
        Function.Tanh => Tanh(x),
        Function.TanhForFloat => TanhForFloat(x),
        _ => Vector.Max(x, Vector<double>.Zero) + Log1p(VectorExp.Exp(-Vector.Abs(x))),
    };

    /// <summary>tanh |x| = t / (t + 2) with t = expm1(2|x|) (no cancellation near 0: double accuracy), 1 from |x| = 20
    /// on (t + 2 would overflow; tanh is 1 in double there), with x's sign (−0 stays −0); NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Tanh(Vector<double> x)
    {
        Vector<double> a = Vector.Abs(x), t = Expm1(a + a);
        Vector<double> r = Vector.ConditionalSelect(Vector.GreaterThan(a, new Vector<double>(20)), Vector<double>.One, t / (t + new Vector<double>(2)));
        return WithSignOf(r, x);
    }

    /// <summary>The same for float32 lanes with one exp: 1 − 2 / (e^{2|x|} + 1) leaves a relative error near 1e-16 / |x|,
    /// far below float's resolution; below |x| = 1e-4, x itself (x − x³/3 rounds to x in float32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> TanhForFloat(Vector<double> x)
    {
        Vector<double> a = Vector.Abs(x);
        Vector<double> r = Vector<double>.One - new Vector<double>(2) / (VectorExp.Exp(a + a) + Vector<double>.One);
        return WithSignOf(Vector.ConditionalSelect(Vector.LessThan(a, new Vector<double>(1e-4)), a, r), x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> WithSignOf(Vector<double> magnitude, Vector<double> x) =>
        Vector.AsVectorDouble(Vector.AsVectorUInt64(magnitude) | (Vector.AsVectorUInt64(x) & new Vector<ulong>(0x8000_0000_0000_0000UL)));

    /// <summary>u = 1 + x; x where u is 1, u where u is +∞, else log(u)·(x / (u − 1)) (NaN and x &lt; −1 give NaN, −1 gives
    /// −∞, as the scalar definition does; x / (u − 1) ≈ 1 first, as log(u)·x overflows from x ≈ 2.5e305).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Log1p(Vector<double> x)
    {
        Vector<double> u = Vector<double>.One + x;
        Vector<double> ratio = Vector.Log(u) * (x / (u - Vector<double>.One));
        ratio = Vector.ConditionalSelect(Vector.Equals(u, new Vector<double>(double.PositiveInfinity)), u, ratio);
        return Vector.ConditionalSelect(Vector.Equals(u, Vector<double>.One), x, ratio);
    }

    /// <summary>u = eˣ; x where u is 1, −1 where u − 1 is −1, u where u is +∞, else (u − 1)·(x / log(u)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Expm1(Vector<double> x)
    {
        Vector<double> u = VectorExp.Exp(x), um1 = u - Vector<double>.One;
        Vector<double> ratio = um1 * (x / Vector.Log(u));   // x / log u ≈ 1: (u − 1)·x overflows near the top of the range
        ratio = Vector.ConditionalSelect(Vector.Equals(u, new Vector<double>(double.PositiveInfinity)), u, ratio);
        ratio = Vector.ConditionalSelect(Vector.Equals(um1, -Vector<double>.One), -Vector<double>.One, ratio);
        return Vector.ConditionalSelect(Vector.Equals(u, Vector<double>.One), x, ratio);
    }
}
