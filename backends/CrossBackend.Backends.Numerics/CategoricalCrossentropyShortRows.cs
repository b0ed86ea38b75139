using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Categorical crossentropy from logits for contiguous short rows (class axis last, few classes: a segmentation
/// map's pixels), vectorised ACROSS rows: a block of <see cref="Vector{T}.Count"/> rows is transposed into a small
/// stack buffer (one lane per row, one vector per class), and the row maximum, Σ exp(x − m), Σy, Σ y·(x − m) and the
/// class-weight arg-max are taken with one vertical vector op per class for the whole block. Along the row a
/// 21-class row fills 3 partly masked vectors and needs horizontal reductions per row, which cost more than the
/// arithmetic; across rows no lane is wasted and nothing is reduced horizontally.
/// </summary>
/// <remarks>
/// The formula and its rounding steps are those of <see cref="CategoricalCrossentropyKernel{T}"/>'s logits rows:
/// loss = Σy·log Σexp − Σ y·(x − m) with m = max x, the sums in T, the log and the final combination in double, then
/// times the weight of the row's arg-max of y_true (first maximum, ±0 equal, the first NaN wins:
/// <see cref="NumericsOps{T}.RowIndexOfExtreme"/>'s rule). A NaN in x reaches Σ y·(x − m) (0·NaN = NaN) whether or
/// not the vertical max kept it; ±∞ in x gives NaN there too (∞ − ∞, or 0·−∞), as on the along-the-row path.
/// </remarks>
internal static unsafe class CategoricalCrossentropyShortRows<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The most classes this path takes (measured: see benchmarks/README.md, section s18-segrows); longer
    /// rows fill whole vectors along the row and stay with the row kernel.</summary>
    public const int MaxClasses = 32;

    /// <summary>Whether rows of this layout take the across-rows path: float32 with 8-lane AVX vectors (the register
    /// tile transpose). Measured single-threaded (ns per row, before → after): float32 21 classes 20.0 → 16.0,
    /// 8 classes 14.0 → 8.3, 4 classes 45 → 9.9, 32 classes 22.5 → 21.6; float64 took the generic element-wise
    /// transpose and was slower at every class count (21 classes 40 → 46), so it stays along the row.</summary>
    public static bool Takes(RowLayout layout) =>
        typeof(T) == typeof(float) && Vector<T>.Count == 8 && Avx.IsSupported && layout.Inner == 1 && layout.Classes <= MaxClasses;

    private interface IMode;
    private struct Plain : IMode;
    private struct Weighted : IMode;

    /// <summary>Losses of rows [<paramref name="first"/>, <paramref name="end"/>) of a tensor of
    /// <paramref name="rows"/> contiguous rows of <paramref name="classes"/>.</summary>
    public static void Logits(T* y, T* x, T* loss, int classes, int rows, T[]? weights, int first, int end)
    {
        if (weights is null) LogitsRows<Plain>(y, x, loss, classes, rows, null, first, end);
        else LogitsRows<Weighted>(y, x, loss, classes, rows, weights, first, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void LogitsRows<TWeights>(T* y, T* x, T* loss, int classes, int rows, T[]? weights, int first, int end)
        where TWeights : struct, IMode
    {
        bool weighted = typeof(TWeights) == typeof(Weighted);
        int lanes = Vector<T>.Count;
        // Transposed block: class c of the block's row j at [c * lanes + j]; room for a whole 8-column tile past
        // the last class (the tile transpose stores all its columns).
        int stride = (MaxClasses + 8) * lanes;
        T* xt = stackalloc T[stride];
        T* yt = stackalloc T[stride];
        double* parts = stackalloc double[3 * lanes];
        int* argMaxes = stackalloc int[lanes];
        long total = (long)rows * classes;
        bool tiles = typeof(T) == typeof(float) && lanes == 8 && Avx.IsSupported;
        for (int r0 = first; r0 < end; r0 += lanes)
        {
            int n = Math.Min(lanes, end - r0);
            long offset = (long)r0 * classes;
            // The tile loads read 8 values from each of the block's 8 rows: allowed while they stay in the tensor
            // (rows past `end` belong to another chunk or are padding; their lanes are computed and dropped).
            if (tiles && offset + 7L * classes + Math.Max(8, classes) <= total)
            {
                TransposeTiles((float*)x + offset, (float*)xt, classes);
                TransposeTiles((float*)y + offset, (float*)yt, classes);
            }
            else Gather(x + offset, y + offset, xt, yt, classes, n);
            Block<TWeights>(xt, yt, classes, parts, argMaxes);

            double* sumExp = parts, sumY = parts + lanes, dot = parts + 2 * lanes;
            int dl = Vector<double>.Count;
            for (int k = 0; k < lanes; k += dl)
                Vector.Store(Vector.Load(sumY + k) * Vector.Log(Vector.Load(sumExp + k)) - Vector.Load(dot + k), sumExp + k);
            for (int j = 0; j < n; j++)
            {
                T value = T.CreateTruncating(sumExp[j]);
                if (!T.IsFinite(value)) value = T.CreateTruncating(ComposedRow(x + offset + j * classes, y + offset + j * classes, classes, 1));
                if (weighted) value *= weights![argMaxes[j]];
                loss[r0 + j] = value;
            }
        }
    }

    /// <summary>The block's rows column by column (the generic way, and for the last rows of the tensor where a tile
    /// would read past its end); lanes past <paramref name="n"/> are zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Gather(T* x, T* y, T* xt, T* yt, int classes, int n)
    {
        int lanes = Vector<T>.Count;
        for (int j = 0; j < lanes; j++)
        {
            if (j < n)
                for (int c = 0; c < classes; c++)
                {
                    xt[c * lanes + j] = x[j * classes + c];
                    yt[c * lanes + j] = y[j * classes + c];
                }
            else
                for (int c = 0; c < classes; c++)
                {
                    xt[c * lanes + j] = T.Zero;
                    yt[c * lanes + j] = T.Zero;
                }
        }
    }

    /// <summary>
    /// Transposes 8 contiguous rows of <paramref name="classes"/> floats into <paramref name="t"/> (class c of row j
    /// at [8c + j]) by 8×8 register tiles: one load per row and tile, 24 shuffles per tile. The last tile starts at
    /// classes − 8 and overlaps the previous one (rewriting the same values); with fewer than 8 classes the one tile
    /// reads past each row, and its extra columns land in the buffer's spare room.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeTiles(float* source, float* t, int classes)
    {
        for (int c0 = 0; ; c0 += 8)
        {
            if (c0 + 8 > classes) c0 = Math.Max(0, classes - 8);
            Tile(source + c0, t + 8 * c0, classes);
            if (c0 + 8 >= classes) break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(float* s, float* t, int stride)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + stride);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * stride), r3 = Avx.LoadVector256(s + 3 * stride);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * stride), r5 = Avx.LoadVector256(s + 5 * stride);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * stride), r7 = Avx.LoadVector256(s + 7 * stride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(t, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(t + 8, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(t + 16, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(t + 24, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(t + 32, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(t + 40, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(t + 48, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(t + 56, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>The block's parts, one lane per row: Σ exp(x − m), Σy and Σ y·(x − m) as doubles into
    /// <paramref name="parts"/> (three runs of lanes), and each row's label arg-max.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Block<TWeights>(T* xt, T* yt, int classes, double* parts, int* argMaxes) where TWeights : struct, IMode
    {
        bool weighted = typeof(TWeights) == typeof(Weighted);
        int lanes = Vector<T>.Count;
        Vector<T> m = Vector.Load(xt);
        for (int c = 1; c < classes; c++) m = Vector.MaxNative(m, Vector.Load(xt + c * lanes));   // a dropped NaN still reaches the dot

        Vector<T> e = Vector<T>.Zero, dot = Vector<T>.Zero, sy = Vector<T>.Zero;
        Vector<T> best = Vector.Load(yt), bestAt = Vector<T>.Zero, at = Vector<T>.Zero;
        for (int c = 0; c < classes; c++)
        {
            Vector<T> yv = Vector.Load(yt + c * lanes);
            Vector<T> d = Vector.Load(xt + c * lanes) - m;
            e += RowMath<T>.Exp(d);
            dot += yv * d;
            sy += yv;
            if (weighted)
            {
                // First maximum (a later equal value does not win, −0 == +0); the first NaN wins and keeps winning.
                Vector<T> take = Vector.GreaterThan(yv, best) | (Vector.Equals(best, best) & ~Vector.Equals(yv, yv));
                best = Vector.ConditionalSelect(take, yv, best);
                bestAt = Vector.ConditionalSelect(take, at, bestAt);
                at += Vector<T>.One;
            }
        }
        Store(e, parts);
        Store(sy, parts + lanes);
        Store(dot, parts + 2 * lanes);
        if (weighted)
            for (int j = 0; j < lanes; j++) argMaxes[j] = int.CreateTruncating(bestAt[j]);
    }

    /// <summary>
    /// A row computed in the composed path's steps (log_softmax as the engine's LogSoftmax takes it: d = x − m in T,
    /// TensorPrimitives' exp, log of the double sum rounded to T, d − log; then y·that in T, summed in double,
    /// negated), for rows whose fused result is not finite (NaN or ±∞ in x or y). There the fused
    /// Σy·log Σexp − Σ y·(x − m) can meet ∞·0 = NaN where the composed form is ±∞ (an infinite label on the row's
    /// maximum, whose log_softmax the composed exp rounds to a tiny non-zero number); NaN rows stay NaN. Rare, so
    /// written for clarity.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static double ComposedRow(T* x, T* y, int classes, int stride)
    {
        var d = new T[classes];
        var e = new T[classes];
        T m = x[0];
        for (int c = 0; c < classes; c++)
        {
            T v = x[c * stride];
            if (T.IsNaN(v)) return double.NaN;
            if (v > m) m = v;
        }
        for (int c = 0; c < classes; c++) d[c] = x[c * stride] - m;
        DoubleExp.Span<T>(d, e);
        double sum = 0;
        foreach (T v in e) sum += double.CreateTruncating(v);
        T log = T.CreateTruncating(Math.Log(sum));
        double acc = 0;
        for (int c = 0; c < classes; c++) acc += double.CreateTruncating(y[c * stride] * (d[c] - log));
        return -acc;
    }

    /// <summary>Stores a vector of T as doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<T> v, double* to)
    {
        if (typeof(T) == typeof(float))
        {
            Vector.Widen(Vector.As<T, float>(v), out Vector<double> low, out Vector<double> high);
            Vector.Store(low, to);
            Vector.Store(high, to + Vector<double>.Count);
        }
        else Vector.Store(Vector.As<T, double>(v), to);
    }
}
