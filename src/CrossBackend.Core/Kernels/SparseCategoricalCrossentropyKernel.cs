using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend;

/// <summary>
/// Sparse categorical crossentropy, one row per (outer, inner) position, rows in parallel; run by both first-party
/// engines over dense memory (the channels-last engine's arrays; a contiguous CPU torch tensor without autograd whose
/// classes lie on its last axis), the labels already checked and converted to T. A contiguous row of at
/// least one vector's width runs a hand-written <see cref="Vector{T}"/> loop (no per-row library calls: at 10–100
/// classes their fixed cost was most of the time): from logits, one sweep from memory for the maximum and one from L1
/// for Σ exp(x − max) (float32 exp by <see cref="RowMath{T}.ExpFloat(System.Numerics.Vector{float})"/>; float32 rows from logits on AVX-512 hardware
/// with 512-bit vectors, <see cref="WideLogitsRow"/>); from probabilities, one sweep for Σx.
/// Short float32 rows from logits go across rows (<see cref="SparseCategoricalCrossentropyShortRows"/>). Shorter rows,
/// strided rows (class axis not last) and rows holding NaN or ±∞ run element by element.
/// </summary>
/// <remarks>Every method with a loop is compiled fully optimised at once
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): each is called only a few hundred times per op (once
/// per parallel chunk), so under tiered compilation a process could keep timing its tier-0/OSR code — measured 2–3×
/// slower, and bimodal across processes.</remarks>
internal static unsafe class SparseCategoricalCrossentropyKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(ReadOnlySpan<T> labels, ReadOnlySpan<T> output, Span<T> loss, RowLayout layout, bool fromLogits, T epsilon, T upper)
    {
        fixed (T* k = labels, x = output, l = loss)
        {
            nint kp = (nint)k, xp = (nint)x, lp = (nint)l;
            layout.ForEachChunk([MethodImpl(MethodImplOptions.AggressiveOptimization)] (first, end) =>
                Rows((T*)kp, (T*)xp, (T*)lp, layout, fromLogits, epsilon, upper, first, end));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Rows(T* labels, T* x, T* loss, RowLayout layout, bool fromLogits, T epsilon, T upper, int first, int end)
    {
        int classes = layout.Classes;
        bool vectorRows = Vector.IsHardwareAccelerated && classes >= Vector<T>.Count;
        Vector<T> tailMask = vectorRows ? RowMath<T>.TailMask(classes) : Vector<T>.Zero;
        if (fromLogits && typeof(T) == typeof(float) && CategoricalCrossentropyAcrossRows<T>.TakesShortRows(layout))
        {
            SparseCategoricalCrossentropyShortRows.Logits((float*)labels, (float*)x, (float*)loss, classes, layout.Rows, first, end);
            return;
        }
        if (layout.Inner == 1 && vectorRows)
        {
            if (fromLogits) LogitsRows(labels, x, loss, classes, tailMask, first, end);
            else ProbabilitiesRows(labels, x, loss, classes, tailMask, epsilon, upper, first, end);
            return;
        }

        // Strided rows: a wide one is gathered into a small buffer for the vector loop; a short one is read in place.
        T[]? copy = layout.Inner != 1 && vectorRows ? GC.AllocateUninitializedArray<T>(classes, pinned: true) : null;
        T* row = copy is null ? null : (T*)Unsafe.AsPointer(ref copy[0]);
        for (int r = first; r < end; r++)
        {
            T* xs = x + layout.Start(r);
            int label = int.CreateTruncating(labels[r]);
            if (copy is not null)
            {
                for (int c = 0; c < classes; c++) row[c] = xs[(nint)c * layout.Inner];
                loss[r] = fromLogits
                    ? LogitsRow(row, classes, label, tailMask)
                    : ProbabilitiesRow(row, classes, label, tailMask, epsilon, upper);
            }
            else
            {
                loss[r] = fromLogits
                    ? ScalarLogits(xs, layout.Inner, classes, label)
                    : ScalarProbabilities(xs, layout.Inner, classes, label, epsilon, upper);
            }
        }
    }

    /// <summary>Rows per block of <see cref="LogitsRows"/>: their log-sum-exps are taken together.</summary>
    private const int Block = 64;

    /// <summary>
    /// Contiguous rows from logits, a block at a time: each row's Σ exp(x − m) and x_label − m (<see cref="LogitsParts"/>),
    /// then one vectorised double log over the block's sums. A scalar <see cref="Math.Log(double)"/> per row cost as
    /// much as the rest of a 21-class row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void LogitsRows(T* labels, T* x, T* loss, int classes, Vector<T> tailMask, int first, int end)
    {
        double* sums = stackalloc double[Block];
        double* shifts = stackalloc double[Block];
        int lanes = Vector<double>.Count;
        bool wide = typeof(T) == typeof(float) && WideLogitsRow.Takes(classes);
        var wideMask = wide ? RowMath<float>.TailMask512(classes) : default;
        for (int r0 = first; r0 < end; r0 += Block)
        {
            int n = Math.Min(Block, end - r0);
            for (int j = 0; j < n; j++)
            {
                int r = r0 + j;
                int label = int.CreateTruncating(labels[r]);
                T* row = x + (nint)r * classes;
                if (!wide) LogitsParts(row, classes, label, tailMask, sums + j, shifts + j);
                else if (!WideLogitsRow.Parts((float*)row, classes, label, wideMask, sums + j, shifts + j))
                {
                    sums[j] = 1;
                    shifts[j] = -double.CreateTruncating(ScalarLogits(row, 1, classes, label));
                }
            }
            int k = 0;
            if (Vector.IsHardwareAccelerated)
                for (; k + lanes <= n; k += lanes)
                    Vector.Store(RowMath<T>.LogOfSum(Vector.Load(sums + k)) - Vector.Load(shifts + k), sums + k);
            for (; k < n; k++) sums[k] = Math.Log(sums[k]) - shifts[k];
            for (int j = 0; j < n; j++) loss[r0 + j] = T.CreateTruncating(sums[j]);
        }
    }

    /// <summary>−log_softmax(x)[label] = log Σ exp(x − m) − (x_label − m), m = max x: no term overflows.</summary>
    private static T LogitsRow(T* x, int classes, int label, Vector<T> tailMask)
    {
        double sum, shift;
        LogitsParts(x, classes, label, tailMask, &sum, &shift);
        return T.CreateTruncating(Math.Log(sum) - shift);
    }

    /// <summary>The two parts of −log_softmax(x)[label] = log <paramref name="sum"/> − <paramref name="shift"/>:
    /// Σ exp(x − m) and x_label − m. A row holding NaN or ±∞ is computed element by element and its loss v comes back
    /// as sum = 1, shift = −v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void LogitsParts(T* x, int classes, int label, Vector<T> tailMask, double* sum, double* shift)
    {
        int w = Vector<T>.Count, last = classes - w;

        // Sweep 1 (from memory): the maximum (overlapping vectors are harmless for it), and x·0 + check, which is
        // non-zero exactly when the row holds NaN or ±∞ (MaxNative may drop a NaN).
        Vector<T> m0 = Vector.Load(x + last), m1 = Vector.Load(x);
        Vector<T> check = RowMath<T>.NonFinite(m0, RowMath<T>.NonFinite(m1, Vector<T>.Zero));
        int i = w;
        for (; i + 2 * w <= classes; i += 2 * w)
        {
            Vector<T> a = Vector.Load(x + i), b = Vector.Load(x + i + w);
            m0 = Vector.MaxNative(m0, a);
            m1 = Vector.MaxNative(m1, b);
            check = RowMath<T>.NonFinite(a, check);
            check = RowMath<T>.NonFinite(b, check);
        }
        if (i + w <= classes)
        {
            Vector<T> a = Vector.Load(x + i);
            m0 = Vector.MaxNative(m0, a);
            check = RowMath<T>.NonFinite(a, check);
        }
        if (!Vector.EqualsAll(check, Vector<T>.Zero))
        {
            *sum = 1;
            *shift = -double.CreateTruncating(ScalarLogits(x, 1, classes, label));
            return;
        }
        T max = RowMath<T>.HorizontalMaxNative(Vector.MaxNative(m0, m1));

        // Sweep 2 (from L1): Σ exp(x − m); every x − m is finite and ≤ 0. One accumulator is enough: the exps of
        // successive vectors are independent, only the adds chain. (Two exp sites: each one is ~20 instructions
        // inlined, and more would exhaust the JIT's inlining budget.)
        var mv = new Vector<T>(max);
        Vector<T> e = Vector<T>.Zero;
        for (i = 0; i + w <= classes; i += w) e += RowMath<T>.Exp(Vector.Load(x + i) - mv);
        if (i != classes) e += Vector.ConditionalSelect(tailMask, RowMath<T>.Exp(Vector.Load(x + last) - mv), Vector<T>.Zero);
        *sum = double.CreateTruncating(Vector.Sum(e));
        *shift = double.CreateTruncating(x[label] - max);
    }

    /// <summary>
    /// Contiguous rows from probabilities, a block at a time: each row's clipped renormalised probability at its label
    /// (<see cref="ClippedRatio"/>), then one vectorised log over the block. A scalar log per row was a quarter of
    /// the time at (65536, 100).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ProbabilitiesRows(T* labels, T* x, T* loss, int classes, Vector<T> tailMask, T epsilon, T upper, int first, int end)
    {
        int lanes = Vector<T>.Count;
        for (int r0 = first; r0 < end; r0 += Block)
        {
            int n = Math.Min(Block, end - r0);
            T* ratios = loss + r0;   // the block's losses are written over their ratios
            for (int j = 0; j < n; j++)
            {
                int r = r0 + j;
                ratios[j] = ClippedRatio(x + (nint)r * classes, classes, int.CreateTruncating(labels[r]), tailMask, epsilon, upper);
            }
            int k = 0;
            for (; k + lanes <= n; k += lanes) Vector.Store(-RowMath<T>.Log(Vector.Load(ratios + k)), ratios + k);
            for (; k < n; k++) ratios[k] = -RowMath<T>.Log(ratios[k]);
        }
    }

    /// <summary>Keras's policy, as in the categorical loss: renormalise, clip in T, log.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T ProbabilitiesRow(T* x, int classes, int label, Vector<T> tailMask, T epsilon, T upper) =>
        -RowMath<T>.Log(ClippedRatio(x, classes, label, tailMask, epsilon, upper));

    /// <summary>clip(x[label] / Σx, ε, 1 − ε) in T: the argument of the row's log.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T ClippedRatio(T* x, int classes, int label, Vector<T> tailMask, T epsilon, T upper)
    {
        int w = Vector<T>.Count;
        Vector<T> s0 = Vector<T>.Zero, s1 = Vector<T>.Zero;
        int i = 0;
        for (; i + 2 * w <= classes; i += 2 * w)
        {
            s0 += Vector.Load(x + i);
            s1 += Vector.Load(x + i + w);
        }
        if (i + w <= classes) s0 += Vector.Load(x + i);
        if (classes % w != 0) s1 += Vector.ConditionalSelect(tailMask, Vector.Load(x + classes - w), Vector<T>.Zero);
        T sum = Vector.Sum(s0 + s1);
        return T.Clamp(x[label] / sum, epsilon, upper);
    }

    /// <summary>A row element by element (<paramref name="stride"/> apart): short rows, and rows holding NaN or ±∞,
    /// where NaN propagates as in the composed log-softmax (an +∞ logit gives ∞ − ∞ = NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static T ScalarLogits(T* x, int stride, int classes, int label)
    {
        T max = x[0];
        for (int c = 1; c < classes; c++)
        {
            T v = x[(nint)c * stride];
            if (T.IsNaN(v)) return v;
            if (v > max) max = v;
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) sum += double.CreateTruncating(T.Exp(x[(nint)c * stride] - max));
        return T.CreateTruncating(Math.Log(sum) - double.CreateTruncating(x[(nint)label * stride] - max));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T ScalarProbabilities(T* x, int stride, int classes, int label, T epsilon, T upper)
    {
        T sum = T.Zero;
        for (int c = 0; c < classes; c++) sum += x[(nint)c * stride];
        return -RowMath<T>.Log(T.Clamp(x[(nint)label * stride] / sum, epsilon, upper));
    }
}
