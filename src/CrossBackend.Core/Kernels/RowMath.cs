using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend;

/// <summary>
/// The SIMD building blocks the crossentropy kernels share: exp and log of a <see cref="Vector{T}"/>, horizontal
/// max, and the tail mask of a row whose length is not a multiple of the vector width. All inline into the kernels'
/// loops (which are compiled fully optimised at once: see the kernels' <see cref="MethodImplOptions.AggressiveOptimization"/>).
/// Nothing here reads a static field: a method compiled before a class's static constructor ran could not fold it.
/// </summary>
internal static class RowMath<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>log; float32 the nearest float (<see cref="VectorLog"/>), float64 the library's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log(Vector<T> v) => typeof(T) == typeof(float)
        ? Vector.As<float, T>(VectorLog.Log(Vector.As<T, float>(v)))
        : Vector.As<double, T>(Vector.Log(Vector.As<T, double>(v)));

    /// <summary>log of one value, rounded as <see cref="Log(Vector{T})"/> (float32 through double: MathF.Log misses
    /// the nearest float for 0.08 % of arguments).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log(T v) => T.CreateTruncating(Math.Log(double.CreateTruncating(v)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp(Vector<T> v) => typeof(T) == typeof(float)
        ? Vector.As<float, T>(ExpFloat(Vector.As<T, float>(v)))
        : Vector.As<double, T>(VectorExp.Exp(Vector.As<T, double>(v)));

    /// <summary>
    /// exp in float32 for the log-sum-exp (Cephes' expf: Cody–Waite reduction by ln 2, degree-6 polynomial, 2^n by
    /// exponent bits; about 1 ulp). The library's float exp computes in double, which halves the throughput; the
    /// sum only needs float accuracy. exp(0) is exactly 1; arguments below −87.3 (where exp is below the smallest
    /// normal float) give about 1e-38, which cannot move a sum that contains exp(0) = 1. NaN is not preserved here:
    /// the callers carry it in a separate sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ExpFloat(Vector<float> x)
    {
        x = Vector.MinNative(Vector.MaxNative(x, new Vector<float>(ExpFloatConstants.Lowest)), new Vector<float>(ExpFloatConstants.Highest));
        Vector<float> fx = Vector.Floor(Vector.FusedMultiplyAdd(x, new Vector<float>(ExpFloatConstants.Log2E), new Vector<float>(0.5f)));
        x = Vector.FusedMultiplyAdd(fx, new Vector<float>(ExpFloatConstants.MinusLn2High), x);
        x = Vector.FusedMultiplyAdd(fx, new Vector<float>(ExpFloatConstants.MinusLn2Low), x);
        Vector<float> z = x * x;
        Vector<float> y = new(ExpFloatConstants.P0);
        y = Vector.FusedMultiplyAdd(y, x, new Vector<float>(ExpFloatConstants.P1));
        y = Vector.FusedMultiplyAdd(y, x, new Vector<float>(ExpFloatConstants.P2));
        y = Vector.FusedMultiplyAdd(y, x, new Vector<float>(ExpFloatConstants.P3));
        y = Vector.FusedMultiplyAdd(y, x, new Vector<float>(ExpFloatConstants.P4));
        y = Vector.FusedMultiplyAdd(y, x, new Vector<float>(ExpFloatConstants.P5));
        y = Vector.FusedMultiplyAdd(y, z, x) + Vector<float>.One;
        Vector<int> n = Vector.ConvertToInt32Native(fx) + new Vector<int>(127);   // fx is clamped: the plain conversion's saturation fix-up (3 instructions) is never needed
        return y * Vector.AsVectorSingle(Vector.ShiftLeft(n, 23));
    }

    /// <summary><see cref="ExpFloat(Vector{float})"/> on 16 lanes: the same clamp, reduction, polynomial and exponent bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpFloat(Vector512<float> x)
    {
        x = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(ExpFloatConstants.Lowest)), Vector512.Create(ExpFloatConstants.Highest));
        Vector512<float> fx = Vector512.Floor(Vector512.FusedMultiplyAdd(x, Vector512.Create(ExpFloatConstants.Log2E), Vector512.Create(0.5f)));
        x = Vector512.FusedMultiplyAdd(fx, Vector512.Create(ExpFloatConstants.MinusLn2High), x);
        x = Vector512.FusedMultiplyAdd(fx, Vector512.Create(ExpFloatConstants.MinusLn2Low), x);
        Vector512<float> z = x * x;
        Vector512<float> y = Vector512.Create(ExpFloatConstants.P0);
        y = Vector512.FusedMultiplyAdd(y, x, Vector512.Create(ExpFloatConstants.P1));
        y = Vector512.FusedMultiplyAdd(y, x, Vector512.Create(ExpFloatConstants.P2));
        y = Vector512.FusedMultiplyAdd(y, x, Vector512.Create(ExpFloatConstants.P3));
        y = Vector512.FusedMultiplyAdd(y, x, Vector512.Create(ExpFloatConstants.P4));
        y = Vector512.FusedMultiplyAdd(y, x, Vector512.Create(ExpFloatConstants.P5));
        y = Vector512.FusedMultiplyAdd(y, z, x) + Vector512<float>.One;
        Vector512<int> n = Vector512.ConvertToInt32Native(fx) + Vector512.Create(127);   // fx is clamped: no saturation fix-up needed
        return y * Vector512.ShiftLeft(n, 23).AsSingle();
    }

    /// <summary><see cref="TailMask"/> for 16-lane float32 vectors: the lanes of the vector loaded at
    /// <c>length − 16</c> that the whole vectors before it did not cover.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> TailMask512(int length) =>
        Vector512.GreaterThanOrEqual(Vector512<float>.Indices, Vector512.Create((float)(16 - length % 16)));

    /// <summary>The lane sums of <paramref name="a"/> and <paramref name="b"/>, each in <see cref="Vector.Sum{T}"/>'s
    /// order (the two 128-bit halves each as (v0 + v1) + (v2 + v3), then lower + upper): with 256-bit float32 vectors
    /// two horizontal adds serve both sums (4 instructions for the two, against 10 for one by shuffles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SumBoth(Vector<T> a, Vector<T> b, out T sumA, out T sumB)
    {
        if (typeof(T) == typeof(float) && Vector<T>.Count == 8 && Avx.IsSupported)
        {
            Vector256<float> pairs = Avx.HorizontalAdd(a.AsVector256().AsSingle(), b.AsVector256().AsSingle());
            Vector256<float> quads = Avx.HorizontalAdd(pairs, pairs);   // lanes 0, 1: a's and b's lower half; 4, 5: upper
            Vector128<float> both = quads.GetLower() + quads.GetUpper();
            sumA = T.CreateTruncating(both.ToScalar());
            sumB = T.CreateTruncating(both.GetElement(1));
            return;
        }
        sumA = Vector.Sum(a);
        sumB = Vector.Sum(b);
    }

    /// <summary>a·b + c in one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MultiplyAdd(Vector<T> a, Vector<T> b, Vector<T> c) => typeof(T) == typeof(float)
        ? Vector.As<float, T>(Vector.FusedMultiplyAdd(Vector.As<T, float>(a), Vector.As<T, float>(b), Vector.As<T, float>(c)))
        : Vector.As<double, T>(Vector.FusedMultiplyAdd(Vector.As<T, double>(a), Vector.As<T, double>(b), Vector.As<T, double>(c)));

    /// <summary>0 in every lane where <paramref name="v"/> is finite and NaN where it is NaN or ±∞, added to
    /// <paramref name="check"/> (v·0 + check: one instruction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> NonFinite(Vector<T> v, Vector<T> check) => MultiplyAdd(v, Vector<T>.Zero, check);

    /// <summary><see cref="NonFinite(Vector{T}, Vector{T})"/> on 16 float32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> NonFinite(Vector512<float> v, Vector512<float> check) => Vector512.FusedMultiplyAdd(v, Vector512<float>.Zero, check);

    /// <summary>log Σ exp(x − m) of a block of rows' sums of exps, in double: for float32 losses
    /// <see cref="VectorLog.LogForFloat32(Vector{double})"/> (the library's vector log of doubles took ~20 % of a
    /// segmentation forward), for float64 the library's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> LogOfSum(Vector<double> sum) => typeof(T) == typeof(float) ? VectorLog.LogForFloat32(sum) : Vector.Log(sum);

    /// <summary>The mask of the lanes of the overlapping last vector (loaded at <c>classes − W</c>) that the full
    /// vectors did not cover.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> TailMask(int classes) =>
        Vector.GreaterThanOrEqual(Vector<T>.Indices, new Vector<T>(T.CreateTruncating(Vector<T>.Count - classes % Vector<T>.Count)));

    /// <summary>The largest lane by <c>MaxNative</c> (shuffles, no scalar loop): a NaN lane may or may not win, so a
    /// caller that must propagate NaN checks for it another way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T HorizontalMaxNative(Vector<T> v)
    {
        if (Vector<byte>.Count == 64) return HorizontalMaxNative(v.AsVector512());
        if (Vector<byte>.Count == 32)
        {
            Vector256<T> w = v.AsVector256();
            return Max128(Vector128.MaxNative(w.GetLower(), w.GetUpper()));
        }
        return Max128(v.AsVector128());
    }

    /// <summary>The largest lane of a 512-bit vector, as <see cref="HorizontalMaxNative(Vector{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T HorizontalMaxNative(Vector512<T> w)
    {
        Vector256<T> h = Vector256.MaxNative(w.GetLower(), w.GetUpper());
        return Max128(Vector128.MaxNative(h.GetLower(), h.GetUpper()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Max128(Vector128<T> m)
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<float> f = m.AsSingle();
            f = Vector128.MaxNative(f, Vector128.Shuffle(f, Vector128.Create(2, 3, 0, 1)));
            f = Vector128.MaxNative(f, Vector128.Shuffle(f, Vector128.Create(1, 0, 3, 2)));
            return f.As<float, T>().ToScalar();
        }
        Vector128<double> d = m.AsDouble();
        d = Vector128.MaxNative(d, Vector128.Shuffle(d, Vector128.Create(1L, 0L)));
        return d.As<double, T>().ToScalar();
    }
}

/// <summary>The constants of the float32 exp (<see cref="RowMath{T}.ExpFloat(System.Numerics.Vector{float})"/> and its
/// 512-bit overload): Cephes' expf clamp bounds, ln 2 split for Cody–Waite reduction, and polynomial.</summary>
internal static class ExpFloatConstants
{
    public const float Lowest = -87.33654f, Highest = 88.72283f, Log2E = 1.44269504088896341f;
    public const float MinusLn2High = -0.693359375f, MinusLn2Low = 2.12194440e-4f;
    public const float P0 = 1.9875691500E-4f, P1 = 1.3981999507E-3f, P2 = 8.3334519073E-3f, P3 = 4.1665795894E-2f,
        P4 = 1.6666665459E-1f, P5 = 5.0000001201E-1f;
}
