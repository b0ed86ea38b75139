using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Sums of short contiguous rows (the last axis of (65536, 100)), four rows per step: the issue's "short rows need
/// another vectorisation than long ones (across rows rather than along them)". One row at a time spent most of its
/// time outside the additions (a horizontal sum, a scalar tail and a loop set-up per row of 100); four rows in step
/// give eight independent accumulator chains, one masked load instead of a scalar tail, and one horizontal step that
/// leaves the four sums side by side in one vector (measured single-threaded, in cache: 0.023 → 0.016 ms per 2048 rows of 100).
/// </summary>
/// <remarks>
/// Precision (the engine's policy for float32 sums and means, README "Semantics"): on x86 processors with AVX (AVX-512
/// or not), values are added in pairs in float32 (value k of a run of 16 with value k + 8: one rounding, at most 2⁻²⁴
/// of the pair's sum) and the pairs' sums are widened and added in double, so the sum is within 2⁻²⁴·Σ|x| of the exact
/// one before its final rounding; elsewhere every value is widened as it is read. Widening each value took one
/// conversion per 8 values every 2 cycles, and that bounded these sums (0.224 ms for (65536, 100) on two cores, session
/// 43); pairs halve the conversions (until session 56 only the AVX-512 kernels took pairs). The mean divides the double
/// sum by the length, as the one-row kernel does. Rows shorter than a vector, the last rows that do not make a group of
/// four, and machines without AVX take the one-row kernel (<see cref="RowSum"/>: pairs too with AVX).
/// </remarks>
public sealed unsafe partial class NumericsOps<T>
{
    /// <summary>Σ (or mean) of rows [<paramref name="first"/>, <paramref name="end"/>) of <paramref name="n"/>
    /// values, row <paramref name="first"/> at <paramref name="p"/>, into <paramref name="result"/>.</summary>
    [MethodImpl(Hot)]
    private static void SumRows(T* p, int first, int end, int n, T[] result, bool mean)
    {
        int r = first;
        if (Avx.IsSupported && n >= Vector256<T>.Count)
        {
            var divisor = Vector256.Create((double)n);
            fixed (T* output = result)
                for (; r + 4 <= end; r += 4, p += 4 * n)
                {
                    Vector256<double> sums = typeof(T) == typeof(double) ? SumFourRows((double*)p, n)
                        : Vector512.IsHardwareAccelerated && n >= 16 ? SumFourRows512((float*)p, n) : SumFourRows((float*)p, n);
                    if (mean) sums /= divisor;
                    if (typeof(T) == typeof(float)) Avx.ConvertToVector128Single(sums).Store((float*)output + r);   // rounds to nearest, as (float)
                    else sums.Store((double*)output + r);
                }
        }
        for (; r < end; r++, p += n) result[r] = T.CreateTruncating(mean ? RowSum(p, n) / n : RowSum(p, n));
    }

    /// <summary>The sums of four float32 rows of <paramref name="n"/> ≥ 8 values (row k at p + k·n), in double, with
    /// AVX and without AVX-512: each row 16 values at a time as pairs (<see cref="AddPairs"/>), then a group of 8
    /// widened, then its last 8 values with the lanes already added masked off. Each row is read to its end before the
    /// next (one sequential stream for the prefetcher: four rows read in step were slower on (65536, 100)); the rows'
    /// chains still overlap in the out-of-order core.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> SumFourRows(float* p, int n)
    {
        // The last vector of a row overlaps the ones before it: only its lanes not yet added count.
        Vector256<float> fresh = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(8 - (n & 7))).AsSingle();
        return Across(Row(p, n, fresh), Row(p + n, n, fresh), Row(p + 2 * n, n, fresh), Row(p + 3 * n, n, fresh));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<double> Row(float* q, int n, Vector256<float> fresh)
        {
            Vector256<double> a = default, b = default;
            int i = 0;
            for (; i + 16 <= n; i += 16)
            {
                Sse.Prefetch1(q + i + PrefetchAhead);
                AddPairs(q + i, ref a, ref b);
            }
            if (i + 8 <= n)
            {
                a += Avx.ConvertToVector256Double(Sse.LoadVector128(q + i));
                b += Avx.ConvertToVector256Double(Sse.LoadVector128(q + i + 4));
                i += 8;
            }
            if (i < n)
            {
                Vector256<float> v = Vector256.Load(q + n - 8) & fresh;
                a += Avx.ConvertToVector256Double(v.GetLower());
                b += Avx.ConvertToVector256Double(v.GetUpper());
            }
            return a + b;
        }
    }

    /// <summary>How far ahead (in float32 values: 8 KB) the AVX kernels ask for memory, into L2. On a processor without
    /// AVX-512 (an AVX2 EPYC, session 56) the conversions kept the out-of-order core from running far enough ahead to
    /// keep memory busy. The whole sum's kernel over 26 MB on two threads, p10 (p50) ms in a scratch console: without
    /// prefetch 0.82–0.97 (0.93–1.00), 4 KB ahead into L1 0.40–0.60 (0.64–0.79), 8 KB ahead into L2 0.33 (0.40),
    /// TensorPrimitives.Sum's float32 sum 0.45–0.59 (0.55–0.77) beside them; with L3 flushed before every call 1.28,
    /// 1.19, 1.11 and 1.04 (1.49, 1.59, 1.38, 1.36). The AVX-512 kernels take none: there it cost time
    /// (<see cref="SumWidened512"/>).</summary>
    private const int PrefetchAhead = 2048;

    /// <summary>The 16 float32 values at <paramref name="p"/> as 8 sums of pairs, value k and value k + 8 added in
    /// float32 (one rounding, as <see cref="WidenPairs"/>), widened into <paramref name="low"/> (pairs 0–3) and
    /// <paramref name="high"/> (pairs 4–7): two conversions per 16 values instead of four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddPairs(float* p, ref Vector256<double> low, ref Vector256<double> high)
    {
        Vector256<float> pairs = Avx.LoadVector256(p) + Avx.LoadVector256(p + 8);
        low += Avx.ConvertToVector256Double(pairs.GetLower());
        high += Avx.ConvertToVector256Double(pairs.GetUpper());
    }

    /// <summary>Σ of one row of float32 values in double with AVX and without AVX-512: 16 at a time as pairs
    /// (<see cref="AddPairs"/>), memory asked for <see cref="PrefetchAhead"/> values ahead, the last &lt; 16 values
    /// each widened.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumPairs256(float* p, int n)
    {
        Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            Sse.Prefetch1(p + i + PrefetchAhead);
            Sse.Prefetch1(p + i + PrefetchAhead + 16);
            AddPairs(p + i, ref s0, ref s1);
            AddPairs(p + i + 16, ref s2, ref s3);
        }
        for (; i + 16 <= n; i += 16) AddPairs(p + i, ref s0, ref s1);
        double sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) sum += p[i];
        return sum;
    }

    /// <summary><see cref="SumFourRows(float*, int)"/> with 512-bit conversions for rows of ≥ 16 values: the widening
    /// of float32 to double bounds these sums (a 512-bit widening converts twice the values per instruction: in cache
    /// 0.021 → 0.016 ms per 2048 rows of 100). The four rows are read as one run of 4n values, converted 16 at a time
    /// as pairs (<see cref="WidenPairs"/>) while a row has 16 values left, then 8 at a time: a group of 8 that
    /// straddles the end of a row is converted once and its lanes split between the two rows by a mask (an AND, so a
    /// NaN in one row's lanes never reaches the other's). 26 conversions for four rows of 100 (50 without pairs, 56 with
    /// a masked tail per row). Without pairs ReduceSum(x, 1) at (65536, 100) took 0.340–0.388 ms (session 38); the
    /// pairs took its p10 from 0.293–0.313 to 0.237–0.283 ms (libtorch 0.253–0.291; session 45).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> SumFourRows512(float* p, int n)
    {
        int g = 0, total = 4 * n;
        Vector512<double> carry = default;
        Vector512<double> s0 = Row(p, ref g, n, ref carry), s1 = Row(p, ref g, 2 * n, ref carry), s2 = Row(p, ref g, 3 * n, ref carry);
        // The last row: whole groups, then the run's last 8 values with the lanes already added masked off (reading
        // past the run could leave the tensor).
        Vector512<double> a = carry, b = default;
        WholeGroups(p, ref g, total, ref a, ref b);
        if (g < total)
        {
            Vector512<double> fresh = Vector512.GreaterThanOrEqual(Vector512<long>.Indices, Vector512.Create((long)(8 - (total - g)))).AsDouble();
            b += Widen8(p + total - 8) & fresh;
        }
        Vector512<double> s3 = a + b;
        return Across(s0.GetLower() + s0.GetUpper(), s1.GetLower() + s1.GetUpper(), s2.GetLower() + s2.GetUpper(), s3.GetLower() + s3.GetUpper());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector512<double> Row(float* p, ref int g, int end, ref Vector512<double> carry)
        {
            Vector512<double> a = carry, b = default;
            carry = default;
            WholeGroups(p, ref g, end, ref a, ref b);
            if (g < end)
            {
                Vector512<double> v = Widen8(p + g), mine = Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)(end - g))).AsDouble();
                b += v & mine;
                carry = Vector512.AndNot(v, mine);
                g += 8;
            }
            return a + b;
        }

        // The values from g to `end` (a row's end): pairs of groups of 8 into a and b alternately, then a last group of 8.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void WholeGroups(float* p, ref int g, int end, ref Vector512<double> a, ref Vector512<double> b)
        {
            for (; g + 32 <= end; g += 32)
            {
                a += WidenPairs(p + g);
                b += WidenPairs(p + g + 16);
            }
            if (g + 16 <= end)
            {
                a += WidenPairs(p + g);
                g += 16;
            }
            if (g + 8 <= end)
            {
                a += Widen8(p + g);
                g += 8;
            }
        }
    }

    /// <summary>The 8 float32 values at <paramref name="p"/> in double: one conversion straight from memory. Widening
    /// the halves of a 512-bit load takes an extract besides the two conversions, and the conversions bound these
    /// sums: in cache 0.083 → 0.068 ns per value for one long row, 21.9 → 18.5 µs per 2,048 rows of 100 (same
    /// lanes, same order of additions, same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Widen8(float* p) => Avx512F.ConvertToVector512Double(Avx.LoadVector256(p));

    /// <summary>The 16 float32 values at <paramref name="p"/> as 8 sums of pairs in double: value k and value k + 8
    /// added in float32 (one rounding, at most 2⁻²⁴ of the pair's sum), then widened. One conversion per 16 values
    /// instead of two (the precision this gives is in the class's remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> WidenPairs(float* p) => Avx512F.ConvertToVector512Double(Avx.LoadVector256(p) + Avx.LoadVector256(p + 8));

    /// <summary>The sums of four float64 rows of <paramref name="n"/> ≥ 4 values (row k at p + k·n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> SumFourRows(double* p, int n)
    {
        Vector256<double> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        double* q0 = p, q1 = p + n, q2 = p + 2 * n, q3 = p + 3 * n;
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            a0 += Vector256.Load(q0 + i); b0 += Vector256.Load(q0 + i + 4);
            a1 += Vector256.Load(q1 + i); b1 += Vector256.Load(q1 + i + 4);
            a2 += Vector256.Load(q2 + i); b2 += Vector256.Load(q2 + i + 4);
            a3 += Vector256.Load(q3 + i); b3 += Vector256.Load(q3 + i + 4);
        }
        if (i + 4 <= n)
        {
            a0 += Vector256.Load(q0 + i); a1 += Vector256.Load(q1 + i);
            a2 += Vector256.Load(q2 + i); a3 += Vector256.Load(q3 + i);
            i += 4;
        }
        if (i < n)
        {
            Vector256<double> fresh = Vector256.GreaterThanOrEqual(Vector256<long>.Indices, Vector256.Create((long)(4 - (n - i)))).AsDouble();
            int last = n - 4;
            b0 += Vector256.Load(q0 + last) & fresh; b1 += Vector256.Load(q1 + last) & fresh;
            b2 += Vector256.Load(q2 + last) & fresh; b3 += Vector256.Load(q3 + last) & fresh;
        }
        return Across(a0 + b0, a1 + b1, a2 + b2, a3 + b3);
    }

    /// <summary>[Σ s0, Σ s1, Σ s2, Σ s3]: the lanes of each of four vectors summed, side by side.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Across(Vector256<double> s0, Vector256<double> s1, Vector256<double> s2, Vector256<double> s3)
    {
        Vector256<double> t0 = Avx.HorizontalAdd(s0, s1), t1 = Avx.HorizontalAdd(s2, s3);   // [s0₀₁, s1₀₁, s0₂₃, s1₂₃], …
        return Avx.Permute2x128(t0, t1, 0x20) + Avx.Permute2x128(t0, t1, 0x31);
    }

    /// <summary>Elements per piece of a whole-tensor sum (see <see cref="SumWhole"/>).</summary>
    private const int WholePiece = 1 << 16;

    /// <summary>Σ of one long row (a sum over every element) as pieces of <see cref="WholePiece"/> values summed in
    /// parallel, each in double, then added in piece order: the result does not depend on scheduling.</summary>
    [MethodImpl(Hot)]
    private static double SumWhole(T* p, int n)
    {
        int pieces = (n + WholePiece - 1) / WholePiece;
        var partial = new double[pieces];
        nint s = (nint)p;
        ParallelSplit.ForEachRows(pieces, WholePiece, [MethodImpl(Hot)] (first, end) =>
        {
            for (int k = first; k < end; k++)
            {
                T* piece = (T*)s + (long)k * WholePiece;
                int length = Math.Min(WholePiece, n - k * WholePiece);
                partial[k] = RowSum(piece, length);
            }
        });
        double sum = 0;
        foreach (double v in partial) sum += v;
        return sum;
    }

    /// <summary>Σ of float32 values in double, 16 at a time as 8 pairs (see <see cref="WidenPairs"/>). No software
    /// prefetch: asking for the memory 4 KB ahead made one thread's sum 1.05 → 0.70 ms at (65536, 100) in session 35,
    /// when each 512-bit load was widened in two halves; since the conversion reads memory directly (session 37) it
    /// costs instead: the library's whole sum on two threads 0.310–0.316 ms without against 0.374–0.379 with (median of
    /// 60 alternating batches, two runs; libtorch 0.29–0.30, session 38).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumWidened512(float* p, int n)
    {
        Vector512<double> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i + 64 <= n; i += 64)
        {
            s0 += WidenPairs(p + i); s1 += WidenPairs(p + i + 16);
            s2 += WidenPairs(p + i + 32); s3 += WidenPairs(p + i + 48);
        }
        for (; i + 16 <= n; i += 16) s0 += WidenPairs(p + i);
        double sum = Vector512.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) sum += p[i];
        return sum;
    }
}
