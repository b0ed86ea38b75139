using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Kernels for many short contiguous rows (a reduction, arg-max or softmax along the last axis of (65536, 100)): one
/// loop per row with several <see cref="Vector{T}"/> accumulators, no per-row library call for the common case.
/// </summary>
/// <remarks>
/// Every hot method and lambda here is <see cref="MethodImplOptions.AggressiveOptimization"/>: a body that runs only
/// a few times per op (a parallel chunk's lambda) otherwise stays in tier-0 or on-stack-replacement code for a
/// long and process-dependent time (measured: ReduceMean along the last axis 1.3 ms in one process, 7–12 ms in the
/// next, the same binary). Semantics are those of the per-row <see cref="TensorPrimitives"/> calls they replace:
/// where a row holds NaN, or its extreme is a zero (+0 and −0 order), the row falls back to that very call.
/// </remarks>
public sealed unsafe partial class NumericsOps<T>
{
    /// <summary>Shorthand for the attribute value on hot kernels.</summary>
    private const MethodImplOptions Hot = MethodImplOptions.AggressiveOptimization;

    /// <summary>Sum, mean, max or min of each contiguous row of <paramref name="length"/> values; other ops use
    /// <see cref="ReduceRow"/>.</summary>
    [MethodImpl(Hot)]
    private static void ReduceContiguousRows(ReduceOp op, T* source, T[] result, int length)
    {
        if (result.Length == 1 && length > 2 * WholePiece && op is ReduceOp.Sum or ReduceOp.Mean)
        {
            // One long row (a sum over every element): split along it, else one core does all the work.
            double total = SumWhole(source, length);
            result[0] = T.CreateTruncating(op == ReduceOp.Mean ? total / length : total);
            return;
        }
        nint s = (nint)source;
        ParallelSplit.ForEachRows(result.Length, length, [MethodImpl(Hot)] (first, end) =>
        {
            T* p = (T*)s + (long)first * length;
            switch (op)
            {
                case ReduceOp.Sum:
                case ReduceOp.Mean:
                    SumRows(p, first, end, length, result, mean: op == ReduceOp.Mean);
                    break;
                case ReduceOp.Max:
                case ReduceOp.Min:
                    ExtremeRows(p, first, end, length, result, max: op == ReduceOp.Max);
                    break;
                default:
                    for (int r = first; r < end; r++, p += length) result[r] = ReduceRow(op, new ReadOnlySpan<T>(p, length));
                    break;
            }
        });
    }

    /// <summary>Σ of one row in double (the engine's precision policy): float32 values in pairs widened to double
    /// lanes with AVX-512 (<see cref="SumWidened512"/>) or AVX (<see cref="SumPairs256"/>), else each value widened as
    /// it is read; float64 values in four vector accumulators.</summary>
    [MethodImpl(Hot)]
    private static double RowSum(T* p, int n)
    {
        if (typeof(T) == typeof(float))
            return Vector512.IsHardwareAccelerated ? SumWidened512((float*)p, n)
                : Avx.IsSupported ? SumPairs256((float*)p, n) : SumWidened(new ReadOnlySpan<float>(p, n));
        double* d = (double*)p;
        int w = Vector<double>.Count, i = 0;
        Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero, s2 = Vector<double>.Zero, s3 = Vector<double>.Zero;
        for (; i + 4 * w <= n; i += 4 * w)
        {
            s0 += Vector.Load(d + i);
            s1 += Vector.Load(d + i + w);
            s2 += Vector.Load(d + i + 2 * w);
            s3 += Vector.Load(d + i + 3 * w);
        }
        for (; i + w <= n; i += w) s0 += Vector.Load(d + i);
        double sum = Vector.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) sum += d[i];
        return sum;
    }

    /// <summary>Max (or min) of one non-empty row, as <see cref="TensorPrimitives.Max{T}(ReadOnlySpan{T})"/>: a row
    /// with NaN, or whose extreme is ±0, is handed to that call (NaN propagation and +0 &gt; −0 exactly as before).</summary>
    [MethodImpl(Hot)]
    private static T RowExtreme(T* p, int n, bool max) => max ? RowExtreme<MaxPick>(p, n) : RowExtreme<MinPick>(p, n);

    /// <summary>The larger (or smaller) of two values or vectors, NaN not considered (rows with NaN are handed on).</summary>
    private interface IPick
    {
        static abstract bool IsMax { get; }
        static abstract bool Better(T candidate, T current);
        static abstract Vector<T> Pick(Vector<T> candidate, Vector<T> current);
        static abstract Vector128<T> Pick(Vector128<T> candidate, Vector128<T> current);
        static abstract T Pick(T a, T b);   // branchless on non-NaN values
    }

    private struct MaxPick : IPick
    {
        public static bool IsMax => true;
        public static bool Better(T candidate, T current) => candidate > current;
        public static Vector<T> Pick(Vector<T> candidate, Vector<T> current) => Vector.ConditionalSelect(Vector.GreaterThan(candidate, current), candidate, current);
        public static Vector128<T> Pick(Vector128<T> candidate, Vector128<T> current) => Vector128.ConditionalSelect(Vector128.GreaterThan(candidate, current), candidate, current);
        public static T Pick(T a, T b) => T.Max(a, b);
    }

    private struct MinPick : IPick
    {
        public static bool IsMax => false;
        public static bool Better(T candidate, T current) => candidate < current;
        public static Vector<T> Pick(Vector<T> candidate, Vector<T> current) => Vector.ConditionalSelect(Vector.LessThan(candidate, current), candidate, current);
        public static Vector128<T> Pick(Vector128<T> candidate, Vector128<T> current) => Vector128.ConditionalSelect(Vector128.LessThan(candidate, current), candidate, current);
        public static T Pick(T a, T b) => T.Min(a, b);
    }

    [MethodImpl(Hot)]
    private static T RowExtreme<TPick>(T* p, int n) where TPick : struct, IPick
    {
        int w = Vector<T>.Count;
        T m;
        if (n < w || !Vector.IsHardwareAccelerated)
        {
            m = p[0];
            for (int i = 1; i < n; i++)
            {
                T v = p[i];
                if (TPick.Better(v, m)) m = v;
                else if (T.IsNaN(v)) m = v;   // any NaN: the fallback below decides
            }
        }
        else
        {
            Vector<T> a0 = Vector.Load(p), a1 = a0, nan = ~Vector.Equals(a0, a0);
            int i = w;
            for (; i + 2 * w <= n; i += 2 * w)
            {
                Vector<T> u = Vector.Load(p + i), v = Vector.Load(p + i + w);
                nan |= ~(Vector.Equals(u, u) & Vector.Equals(v, v));
                a0 = TPick.Pick(u, a0);
                a1 = TPick.Pick(v, a1);
            }
            if (i + w < n)
            {
                Vector<T> v = Vector.Load(p + i);
                nan |= ~Vector.Equals(v, v);
                a1 = TPick.Pick(v, a1);
            }
            if (i < n)
            {
                // The last vector, overlapping the ones before: re-reading values does not change a max or min.
                Vector<T> u = Vector.Load(p + n - w);
                nan |= ~Vector.Equals(u, u);
                a0 = TPick.Pick(u, a0);
            }
            if (!Vector.EqualsAll(Vector.AsVectorUInt64(nan), Vector<ulong>.Zero)) return Fallback(p, n);
            a0 = TPick.Pick(a1, a0);
            // Across the lanes without branches (a compare per lane mispredicts on random data: 3× the row's cost).
            if (Vector<T>.Count == Vector256<T>.Count)
            {
                Vector256<T> v = a0.AsVector256();
                Vector128<T> h = TPick.Pick(v.GetUpper(), v.GetLower());
                m = h[0];
                for (int k = 1; k < Vector128<T>.Count; k++) m = TPick.Pick(m, h[k]);
            }
            else
            {
                m = a0[0];
                for (int k = 1; k < w; k++) m = TPick.Pick(m, a0[k]);
            }
        }
        return T.IsNaN(m) || m == T.Zero ? Fallback(p, n) : m;

        static T Fallback(T* p, int n) =>
            TPick.IsMax ? TensorPrimitives.Max(new ReadOnlySpan<T>(p, n)) : TensorPrimitives.Min(new ReadOnlySpan<T>(p, n));
    }

    /// <summary>Index of the first max (or min) of one non-empty row by the rule of NumPy, TensorFlow and libtorch, the
    /// one arg-max of this engine (its reductions and the crossentropy kernel's class-weight lookup): the extreme
    /// first, then the first index that holds it (−0 and +0 compare equal, so a zero extreme finds the first zero of
    /// either sign, where <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/> would rank +0 above −0); a NaN
    /// extreme is handed to that call (the first NaN).</summary>
    [MethodImpl(Hot)]
    internal static int RowIndexOfExtreme(T* p, int n, bool max)
    {
        T m = RowExtreme(p, n, max);
        if (T.IsNaN(m))
            return max ? TensorPrimitives.IndexOfMax(new ReadOnlySpan<T>(p, n)) : TensorPrimitives.IndexOfMin(new ReadOnlySpan<T>(p, n));
        int w = Vector<T>.Count, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var target = new Vector<T>(m);
            for (; i + w <= n; i += w)
                if (Vector.EqualsAny(Vector.Load(p + i), target)) break;
        }
        for (; i < n; i++)
            if (p[i] == m) return i;
        throw new InvalidOperationException("unreachable: the extreme is an element of the row");
    }

    /// <summary>Arg-max (or arg-min) of each contiguous row, as T values.</summary>
    [MethodImpl(Hot)]
    private static void ArgExtremeContiguousRows(T* source, T[] result, int length, bool max)
    {
        nint s = (nint)source;
        ParallelSplit.ForEachRows(result.Length, length, [MethodImpl(Hot)] (first, end) =>
        {
            T* p = (T*)s + (long)first * length;
            ArgExtremeRows(p, first, end, length, result, max);
        });
    }

    /// <summary>Softmax or log-softmax of each contiguous row, written straight into the result: <see cref="SoftmaxRow"/>
    /// as <see cref="SoftmaxAlong"/>'s strided rows take it, except that a float32 softmax row of at least a vector
    /// takes <see cref="SoftmaxRow512"/> (AVX-512) or <see cref="SoftmaxRowFused"/> where it can.</summary>
    [MethodImpl(Hot)]
    private static void SoftmaxContiguousRows(T* source, T* destination, int rows, int length, bool log)
    {
        nint s = (nint)source, dp = (nint)destination;
        bool wide = !log && typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count;
        bool fused = !log && typeof(T) == typeof(float) && Vector.IsHardwareAccelerated && length >= Vector<float>.Count;
        ParallelSplit.ForEachRows(rows, length, [MethodImpl(Hot)] (first, end) =>
        {
            T[]? work = log ? new T[length] : null;
            for (int r = first; r < end; r++)
            {
                T* row = (T*)s + (long)r * length, output = (T*)dp + (long)r * length;
                T m = RowExtreme(row, length, max: true);   // NaN propagates to every element
                bool done = wide ? SoftmaxRow512((float*)row, (float*)output, length, float.CreateTruncating(m))
                    : fused && SoftmaxRowFused((float*)row, (float*)output, length, float.CreateTruncating(m));
                if (!done)
                    SoftmaxRow(new ReadOnlySpan<T>(row, length), new Span<T>(output, length), m, work, log);
            }
        });
    }

    /// <summary>One row of softmax or log-softmax by library calls, its maximum <paramref name="m"/> given (NaN
    /// propagates to every element through it): x − m, exp, Σ in double, then divide or subtract the log
    /// (<paramref name="work"/>: room for the exps of a log-softmax row).</summary>
    private static void SoftmaxRow(ReadOnlySpan<T> row, Span<T> output, T m, Span<T> work, bool log)
    {
        TensorPrimitives.Subtract(row, m, output);
        if (log)
        {
            DoubleExp.Span<T>(output, work);
            TensorPrimitives.Subtract(output, T.CreateTruncating(Math.Log(SumInDouble(work))), output);
        }
        else
        {
            DoubleExp.Span<T>(output, output);
            TensorPrimitives.Divide(output, T.CreateTruncating(SumInDouble(output)), output);
        }
    }

    /// <summary><see cref="SoftmaxRow512"/> on <see cref="Vector{T}"/> lanes (8 with AVX2), for rows of at least one
    /// vector where 512-bit vectors are not accelerated: the same two sweeps, the same exp lane for lane
    /// (<see cref="RowMath{T}.ExpFloat(Vector{float})"/>, the engine's float exp on its fast range), each e widened to
    /// double for the sum. On an AVX2 EPYC (session 56) the five library calls took the catalogue's softmax at
    /// (65536, 100) to 1.09–1.23× libtorch's time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SoftmaxRowFused(float* x, float* d, int n, float max)
    {
        int w = Vector<float>.Count;
        var m = new Vector<float>(max);
        var lowest = new Vector<float>(ExpFloatConstants.Lowest);
        Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero;
        Vector<int> outside = Vector<int>.Zero;
        int i = 0;
        for (; i + w <= n; i += w)
        {
            Vector<float> v = Vector.Load(x + i) - m;
            outside |= ~Vector.GreaterThanOrEqual(v, lowest);   // below the fast range, or NaN
            Vector<float> e = RowMath<float>.ExpFloat(v);
            e.Store(d + i);
            Vector.Widen(e, out Vector<double> low, out Vector<double> high);
            s0 += low;
            s1 += high;
        }
        Vector<float> fresh = RowMath<float>.TailMask(n);
        if (i < n)
        {
            Vector<float> v = Vector.Load(x + n - w) - m;
            outside |= ~Vector.GreaterThanOrEqual(v, lowest);
            Vector<float> e = RowMath<float>.ExpFloat(v);
            e.Store(d + n - w);
            Vector.Widen(e & fresh, out Vector<double> low, out Vector<double> high);
            s0 += low;
            s1 += high;
        }
        if (outside != Vector<int>.Zero) return false;
        var total = new Vector<float>((float)Vector.Sum(s0 + s1));
        for (i = 0; i + w <= n; i += w) (Vector.Load(d + i) / total).Store(d + i);
        if (i < n)
        {
            Vector<float> e = Vector.Load(d + n - w);
            Vector.ConditionalSelect(fresh, e / total, e).Store(d + n - w);
        }
        return true;
    }

    /// <summary>One float32 softmax row of at least 16 elements in two sweeps instead of five library calls:
    /// e = exp(x − max) stored and summed in double as it goes, then e / Σe. The exp is the engine's float exp
    /// (<see cref="DoubleExp"/>) on its fast range, where that is <see cref="RowMath{T}.ExpFloat(Vector512{float})"/>; a row with an argument outside it (x − max below −87.3, where exp
    /// is subnormal, or NaN) returns false having written only into its own output, and the caller takes the library
    /// path. A remainder of 16 is covered by one more vector loaded at n − 16, whose lanes the whole vectors already
    /// covered are left out of the sum and keep the value written first (the same computation on the same input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SoftmaxRow512(float* x, float* d, int n, float max)
    {
        const int W = 16;
        var m = Vector512.Create(max);
        var lowest = Vector512.Create(ExpFloatConstants.Lowest);
        Vector512<double> s0 = Vector512<double>.Zero, s1 = Vector512<double>.Zero;
        Vector512<float> outside = Vector512<float>.Zero;
        int i = 0;
        for (; i + W <= n; i += W)
        {
            Vector512<float> v = Vector512.Load(x + i) - m;
            outside |= ~Vector512.GreaterThanOrEqual(v, lowest);   // below the fast range, or NaN
            Vector512<float> e = RowMath<float>.ExpFloat(v);
            e.Store(d + i);
            (Vector512<double> low, Vector512<double> high) = Vector512.Widen(e);
            s0 += low;
            s1 += high;
        }
        Vector512<float> fresh = RowMath<float>.TailMask512(n);
        if (i < n)
        {
            Vector512<float> v = Vector512.Load(x + n - W) - m;
            outside |= ~Vector512.GreaterThanOrEqual(v, lowest);
            Vector512<float> e = RowMath<float>.ExpFloat(v);
            e.Store(d + n - W);
            (Vector512<double> low, Vector512<double> high) = Vector512.Widen(e & fresh);
            s0 += low;
            s1 += high;
        }
        if (outside != Vector512<float>.Zero) return false;
        var total = Vector512.Create((float)Vector512.Sum(s0 + s1));
        for (i = 0; i + W <= n; i += W) (Vector512.Load(d + i) / total).Store(d + i);
        if (i < n)
        {
            Vector512<float> e = Vector512.Load(d + n - W);
            Vector512.ConditionalSelect(fresh, e / total, e).Store(d + n - W);
        }
        return true;
    }
}
