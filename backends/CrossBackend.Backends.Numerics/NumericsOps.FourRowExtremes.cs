using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Max, min and arg-max of short contiguous rows, four rows per step (see NumericsOps.FourRowKernels.cs for why):
/// each row is read to its end with <c>MaxNative</c>/<c>MinNative</c> and a NaN check per vector, then one transpose
/// leaves the four rows' extremes side by side in one vector (the one-row kernel reduced each row's lanes alone).
/// </summary>
/// <remarks>
/// Semantics are exactly those of <see cref="RowExtreme(T*, int, bool)"/> and <see cref="RowIndexOfExtreme"/>: a
/// group of four rows in which any row holds NaN, or any extreme is ±0 (whose order +0 &gt; −0 the native
/// instructions do not keep), is handed row by row to those methods. The arg-max looks for the first element equal
/// to the row's extreme (−0 == +0), which is the rule <see cref="RowIndexOfExtreme"/> states.
/// </remarks>
public sealed unsafe partial class NumericsOps<T>
{
    /// <summary>Whether the four-row extreme kernels serve rows of <paramref name="n"/> values here.</summary>
    private static bool FourRowExtremes(int n) => Avx.IsSupported && n >= Vector256<T>.Count;

    /// <summary>Max (or min) of rows [<paramref name="first"/>, <paramref name="end"/>) of <paramref name="n"/>
    /// values, row <paramref name="first"/> at <paramref name="p"/>.</summary>
    [MethodImpl(Hot)]
    private static void ExtremeRows(T* p, int first, int end, int n, T[] result, bool max)
    {
        if (max) ExtremeRows<NativeMax>(p, first, end, n, result);
        else ExtremeRows<NativeMin>(p, first, end, n, result);
    }

    [MethodImpl(Hot)]
    private static void ExtremeRows<TPick>(T* p, int first, int end, int n, T[] result) where TPick : struct, INativePick
    {
        int r = first;
        if (FourRowExtremes(n))
            fixed (T* output = result)
                for (; r + 4 <= end; r += 4, p += 4 * n)
                {
                    if (!FourExtremes<TPick>(p, n, out Vector256<T> extremes))
                    {
                        for (int k = 0; k < 4; k++) output[r + k] = RowExtreme(p + k * n, n, TPick.IsMax);
                        continue;
                    }
                    if (typeof(T) == typeof(float)) extremes.GetLower().Store(output + r);   // four floats
                    else extremes.Store(output + r);
                }
        for (; r < end; r++, p += n) result[r] = RowExtreme(p, n, TPick.IsMax);
    }

    /// <summary>Arg-max (or arg-min) of rows [<paramref name="first"/>, <paramref name="end"/>), as T values.</summary>
    [MethodImpl(Hot)]
    private static void ArgExtremeRows(T* p, int first, int end, int n, T[] result, bool max)
    {
        if (max) ArgExtremeRows<NativeMax>(p, first, end, n, result);
        else ArgExtremeRows<NativeMin>(p, first, end, n, result);
    }

    /// <summary>One instantiation per direction, each compiled on its own (not inlined into the caller): with both
    /// directions in one body the JIT's inlining budget ran out and left the row loops of
    /// <see cref="FourExtremes{TPick}"/> as calls to tier-0 code for many calls.</summary>
    [MethodImpl(Hot | MethodImplOptions.NoInlining)]
    private static void ArgExtremeRows<TPick>(T* p, int first, int end, int n, T[] result) where TPick : struct, INativePick
    {
        bool max = TPick.IsMax;
        int r = first;
        bool mapped = MapsRows(n);   // see NumericsOps.FirstIndex.cs
        if (FourRowExtremes(n))
            for (; r + 4 <= end; r += 4, p += 4 * n)
            {
                if (FourExtremes<TPick>(p, n, out Vector256<T> extremes))
                {
                    if (mapped) FirstIndicesOfFour(p, n, extremes, result, r);
                    else
                        for (int k = 0; k < 4; k++) result[r + k] = T.CreateTruncating(FirstEqual(p + k * n, n, extremes[k]));
                }
                else
                    for (int k = 0; k < 4; k++) result[r + k] = T.CreateTruncating(RowIndexOfExtreme(p + k * n, n, max));
            }
        for (; r < end; r++, p += n) result[r] = T.CreateTruncating(RowIndexOfExtreme(p, n, max));
    }

    /// <summary>The first index of a row of <paramref name="n"/> ≥ W values equal to <paramref name="m"/>, which
    /// is one of them and not NaN.</summary>
    [MethodImpl(Hot)]   // not inlined into the big four-row loop: without this it ran as tier-0 code for a long while
    private static int FirstEqual(T* p, int n, T m)
    {
        Vector256<T> target = Vector256.Create(m);
        int w = Vector256<T>.Count, i = 0;
        for (; i + w <= n; i += w)
        {
            uint hits = Vector256.Equals(Vector256.Load(p + i), target).ExtractMostSignificantBits();
            if (hits != 0) return i + BitOperations.TrailingZeroCount(hits);
        }
        // The last vector overlaps the ones before, which held no hit: its first hit is the row's first.
        uint last = Vector256.Equals(Vector256.Load(p + n - w), target).ExtractMostSignificantBits();
        if (last != 0) return n - w + BitOperations.TrailingZeroCount(last);
        throw new InvalidOperationException("unreachable: the extreme is an element of the row");
    }

    /// <summary>The extremes of four rows of <paramref name="n"/> ≥ W values (row k at p + k·n) in the first four
    /// lanes of <paramref name="extremes"/>; false (and no extremes) when a row holds NaN or an extreme is ±0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FourExtremes<TPick>(T* p, int n, out Vector256<T> extremes) where TPick : struct, INativePick
    {
        Vector256<T> nan = Vector256<T>.Zero;
        Vector256<T> e0 = Row(p, n, ref nan), e1 = Row(p + n, n, ref nan), e2 = Row(p + 2 * n, n, ref nan), e3 = Row(p + 3 * n, n, ref nan);
        if (typeof(T) == typeof(float))
        {
            Vector128<float> h0 = Half<float>(e0), h1 = Half<float>(e1), h2 = Half<float>(e2), h3 = Half<float>(e3);
            Vector128<float> t0 = TPick.Pick(Sse.UnpackLow(h0, h1), Sse.UnpackHigh(h0, h1));   // [0₀₂, 1₀₂, 0₁₃, 1₁₃]
            Vector128<float> t1 = TPick.Pick(Sse.UnpackLow(h2, h3), Sse.UnpackHigh(h2, h3));
            extremes = TPick.Pick(Sse.MoveLowToHigh(t0, t1), Sse.MoveHighToLow(t1, t0)).ToVector256Unsafe().As<float, T>();
        }
        else
        {
            Vector128<double> h0 = Half<double>(e0), h1 = Half<double>(e1), h2 = Half<double>(e2), h3 = Half<double>(e3);
            extremes = Vector256.Create(TPick.Pick(Sse2.UnpackLow(h0, h1), Sse2.UnpackHigh(h0, h1)),
                TPick.Pick(Sse2.UnpackLow(h2, h3), Sse2.UnpackHigh(h2, h3))).As<double, T>();
        }
        Vector256<T> zero = Vector256.Equals(extremes, Vector256<T>.Zero);
        if (typeof(T) == typeof(float)) zero = zero.AsUInt64().WithElement(2, 0UL).WithElement(3, 0UL).As<ulong, T>();   // lanes 4–7 are not rows
        return (nan | zero) == Vector256<T>.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector128<TLane> Half<TLane>(Vector256<T> v) where TLane : unmanaged
        {
            Vector256<TLane> u = v.As<T, TLane>();
            return TPick.Pick(u.GetLower(), u.GetUpper());
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<T> Row(T* q, int n, ref Vector256<T> nan)
        {
            int w = Vector256<T>.Count, i = w;
            Vector256<T> a = Vector256.Load(q), b = a, bad = ~Vector256.Equals(a, a);
            for (; i + 2 * w <= n; i += 2 * w)
            {
                Vector256<T> u = Vector256.Load(q + i), v = Vector256.Load(q + i + w);
                bad |= ~(Vector256.Equals(u, u) & Vector256.Equals(v, v));
                a = TPick.Pick(u, a);
                b = TPick.Pick(v, b);
            }
            if (i + w <= n)
            {
                Vector256<T> v = Vector256.Load(q + i);
                bad |= ~Vector256.Equals(v, v);
                b = TPick.Pick(v, b);
                i += w;
            }
            if (i < n)
            {
                // The last vector, overlapping the ones before: re-reading values does not change a max or min.
                Vector256<T> u = Vector256.Load(q + n - w);
                bad |= ~Vector256.Equals(u, u);
                a = TPick.Pick(u, a);
            }
            nan |= bad;
            return TPick.Pick(b, a);
        }
    }

    /// <summary>The native (one-instruction) max or min of vectors: which operand a NaN or a ±0 pair yields is the
    /// instruction's choice, so callers check both cases themselves.</summary>
    private interface INativePick
    {
        static abstract bool IsMax { get; }
        static abstract Vector256<T> Pick(Vector256<T> a, Vector256<T> b);
        static abstract Vector128<TLane> Pick<TLane>(Vector128<TLane> a, Vector128<TLane> b) where TLane : unmanaged;
    }

    private struct NativeMax : INativePick
    {
        public static bool IsMax => true;
        public static Vector256<T> Pick(Vector256<T> a, Vector256<T> b) => Vector256.MaxNative(a, b);
        public static Vector128<TLane> Pick<TLane>(Vector128<TLane> a, Vector128<TLane> b) where TLane : unmanaged => Vector128.MaxNative(a, b);
    }

    private struct NativeMin : INativePick
    {
        public static bool IsMax => false;
        public static Vector256<T> Pick(Vector256<T> a, Vector256<T> b) => Vector256.MinNative(a, b);
        public static Vector128<TLane> Pick<TLane>(Vector128<TLane> a, Vector128<TLane> b) where TLane : unmanaged => Vector128.MinNative(a, b);
    }
}
