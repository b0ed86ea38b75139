using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The fused categorical crossentropy kernel: one sweep over each row's inputs from memory (the row's second look
/// is served from L1), <see cref="Vector{T}"/> SIMD inside the row, rows in parallel. No temporary of size
/// rows × classes is made; the optional class-weight arg-max of y_true is taken in the same sweep.
/// </summary>
/// <remarks>
/// <para>Probabilities: p = clamp(x / Σx, ε, 1 − ε) (bounds in T), loss = −Σ y·log p. When Σx is finite and non-zero
/// every x is finite and every clamped p is a finite positive number, so a vector of y_true that is all zero
/// contributes exactly 0 and is skipped (its logs are never computed): one-hot rows cost one log vector. Otherwise
/// (NaN, ±∞ or zero row sums) the row is computed element by element, so NaN propagates exactly as in Keras.</para>
/// <para>Logits: −Σ y·log_softmax(x) = Σy·log Σexp(x − m) − Σ y·(x − m), m = max x: no term overflows, both parts are
/// non-negative, and the row's few scalar steps run in double.</para>
/// </remarks>
internal static unsafe class CategoricalCrossentropyKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements per parallel task: enough work to amortise scheduling.</summary>
    private const int MinElementsPerTask = 1 << 15;

    private static readonly int W = Vector<T>.Count;

    /// <summary>Lane indices 0, 1, …, W − 1 as T.</summary>
    private static readonly Vector<T> LaneIndex = CreateLaneIndex();

    private static Vector<T> CreateLaneIndex()
    {
        Span<T> lanes = stackalloc T[Vector<T>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = T.CreateChecked(i);
        return new Vector<T>(lanes);
    }

    /// <summary>Computes one loss per row; with <paramref name="classWeights"/>, multiplied by the weight of the row's
    /// argmax(y_true) (first maximum on ties, NaN counts as the maximum as in <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/>).</summary>
    public static void Run(ReadOnlySpan<T> target, ReadOnlySpan<T> output, Span<T> loss, RowLayout layout, bool fromLogits,
        T[]? classWeights = null)
    {
        fixed (T* y = target, x = output, l = loss)
        {
            nint yp = (nint)y, xp = (nint)x, lp = (nint)l;
            int rows = layout.Rows;
            int rowsPerTask = Math.Max(1, MinElementsPerTask / Math.Max(1, layout.Classes));
            int tasks = (rows + rowsPerTask - 1) / rowsPerTask;
            if (tasks <= 1)
            {
                Rows((T*)yp, (T*)xp, (T*)lp, layout, fromLogits, classWeights, 0, rows);
                return;
            }
            Parallel.For(0, tasks, task =>
            {
                int first = task * rowsPerTask;
                Rows((T*)yp, (T*)xp, (T*)lp, layout, fromLogits, classWeights, first, Math.Min(rows, first + rowsPerTask));
            });
        }
    }

    private static void Rows(T* y, T* x, T* loss, RowLayout layout, bool fromLogits, T[]? weights, int first, int end)
    {
        int classes = layout.Classes;
        T[]? copy = null;
        T* xRow = null, yRow = null;
        if (layout.Inner != 1)
        {
            // Strided rows (class axis not last): gather each row into a small reusable buffer first.
            copy = GC.AllocateUninitializedArray<T>(2 * classes, pinned: true);
            xRow = (T*)Unsafe.AsPointer(ref copy[0]);
            yRow = xRow + classes;
        }
        for (int r = first; r < end; r++)
        {
            int start = layout.Start(r);
            T* xs = x + start, ys = y + start;
            if (copy is not null)
            {
                for (int c = 0; c < classes; c++)
                {
                    xRow[c] = xs[c * layout.Inner];
                    yRow[c] = ys[c * layout.Inner];
                }
                xs = xRow;
                ys = yRow;
            }
            int argMax = -1;
            T value = fromLogits
                ? FromLogits(xs, ys, classes, weights is not null, ref argMax)
                : FromProbabilities(xs, ys, classes, weights is not null, ref argMax);
            if (weights is not null)
            {
                if (argMax < 0) argMax = TensorPrimitives.IndexOfMax(new ReadOnlySpan<T>(ys, classes));
                value *= weights[argMax];
            }
            loss[r] = value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Log(Vector<T> v) => typeof(T) == typeof(float)
        ? Vector.As<float, T>(Vector.Log(Vector.As<T, float>(v)))
        : Vector.As<double, T>(Vector.Log(Vector.As<T, double>(v)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Exp(Vector<T> v) => typeof(T) == typeof(float)
        ? Vector.As<float, T>(Vector.Exp(Vector.As<T, float>(v)))
        : Vector.As<double, T>(Vector.Exp(Vector.As<T, double>(v)));

    /// <summary>The mask of the lanes of the overlapping last vector (loaded at <c>classes − W</c>) that the full
    /// vectors did not cover.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> TailMask(int classes) =>
        Vector.GreaterThanOrEqual(LaneIndex, new Vector<T>(T.CreateTruncating(W - classes % W)));

    /// <summary>Per-lane running arg-max of y_true over the vectors visited (strictly greater keeps the first).</summary>
    private struct ArgMaxTracker
    {
        public Vector<T> Best, Index;
        public bool Any;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Visit(Vector<T> y, int offset, Vector<T> mask)
        {
            if (!Any)
            {
                Best = Vector.ConditionalSelect(mask, y, new Vector<T>(T.NegativeInfinity));
                Index = LaneIndex + new Vector<T>(T.CreateTruncating(offset));
                Any = true;
                return;
            }
            Vector<T> greater = Vector.GreaterThan(y, Best) & mask;
            Best = Vector.ConditionalSelect(greater, y, Best);
            Index = Vector.ConditionalSelect(greater, LaneIndex + new Vector<T>(T.CreateTruncating(offset)), Index);
        }

        /// <summary>The first index of the largest value seen, or -1 when nothing (or a -∞) was seen.</summary>
        public readonly int Result(out T best)
        {
            best = T.NegativeInfinity;
            int index = -1;
            if (!Any) return -1;
            for (int l = 0; l < W; l++)
            {
                T v = Best[l];
                int i = int.CreateTruncating(Index[l]);
                if (v > best || (v == best && index >= 0 && i < index)) { best = v; index = i; }
            }
            return best == T.NegativeInfinity ? -1 : index;
        }
    }

    private static T FromProbabilities(T* x, T* y, int classes, bool wantArgMax, ref int argMax)
    {
        T epsilon = T.CreateChecked(1e-7), upper = T.One - epsilon;   // bounds in T, as Keras/TF compute them
        if (classes < W) return ScalarProbabilities(x, y, classes, T.Zero, false, epsilon, upper);

        int last = classes - W, full = classes / W * W;
        bool hasTail = full != classes;
        Vector<T> tailMask = hasTail ? TailMask(classes) : Vector<T>.Zero;

        Vector<T> s0 = Vector<T>.Zero, s1 = Vector<T>.Zero;
        int i = 0;
        for (; i + 2 * W <= full; i += 2 * W)
        {
            s0 += Vector.Load(x + i);
            s1 += Vector.Load(x + i + W);
        }
        if (i < full) s0 += Vector.Load(x + i);
        if (hasTail) s1 += Vector.ConditionalSelect(tailMask, Vector.Load(x + last), Vector<T>.Zero);
        T sum = Vector.Sum(s0 + s1);

        // A non-finite or zero row sum: NaN/∞ reach every element (or 0/0); compute the row exactly as written.
        if (!T.IsFinite(sum) || sum == T.Zero) return ScalarProbabilities(x, y, classes, sum, true, epsilon, upper);

        var s = new Vector<T>(sum);
        var lo = new Vector<T>(epsilon);
        var hi = new Vector<T>(upper);
        Vector<T> acc = Vector<T>.Zero;
        var tracker = new ArgMaxTracker();
        Vector<T> all = Vector<T>.AllBitsSet;
        for (i = 0; i < full; i += W)
        {
            Vector<T> yv = Vector.Load(y + i);
            if (yv == Vector<T>.Zero) continue;   // −0·log p = 0 exactly here: p is finite and positive
            if (wantArgMax) tracker.Visit(yv, i, all);
            Vector<T> p = Vector.Min(Vector.Max(Vector.Load(x + i) / s, lo), hi);
            acc += yv * Log(p);
        }
        if (hasTail)
        {
            Vector<T> yv = Vector.ConditionalSelect(tailMask, Vector.Load(y + last), Vector<T>.Zero);
            if (yv != Vector<T>.Zero)
            {
                if (wantArgMax) tracker.Visit(yv, last, tailMask);
                Vector<T> p = Vector.Min(Vector.Max(Vector.Load(x + last) / s, lo), hi);
                acc += yv * Log(p);
            }
        }
        if (wantArgMax)
        {
            // Only non-zero vectors were visited: a positive maximum there is the row's (skipped lanes hold 0).
            // Anything else (all labels ≤ 0, NaN, ties with skipped zeros) falls back to the exact scan.
            int index = tracker.Result(out T best);
            argMax = best > T.Zero && T.IsFinite(Vector.Sum(acc)) ? index : -1;
        }
        return -Vector.Sum(acc);
    }

    /// <summary>The probabilities row element by element (short rows, and rows whose sum is not finite or is zero).</summary>
    private static T ScalarProbabilities(T* x, T* y, int classes, T sum, bool haveSum, T epsilon, T upper)
    {
        if (!haveSum)
        {
            sum = T.Zero;
            for (int c = 0; c < classes; c++) sum += x[c];
        }
        T acc = T.Zero;
        for (int c = 0; c < classes; c++)
        {
            T p = x[c] / sum;
            p = p < epsilon ? epsilon : p > upper ? upper : p;   // NaN stays NaN
            acc += y[c] * T.Log(p);
        }
        return -acc;
    }

    private static T FromLogits(T* x, T* y, int classes, bool wantArgMax, ref int argMax)
    {
        if (classes < W) return ScalarLogits(x, y, classes);

        int last = classes - W, full = classes / W * W;
        bool hasTail = full != classes;
        Vector<T> tailMask = hasTail ? TailMask(classes) : Vector<T>.Zero;

        // Sweep 1 (from memory): the row maximum, Σy and the label arg-max.
        Vector<T> m = Vector.Load(x);
        Vector<T> sy = Vector<T>.Zero;
        var tracker = new ArgMaxTracker();
        Vector<T> all = Vector<T>.AllBitsSet;
        for (int i = 0; i < full; i += W)
        {
            Vector<T> yv = Vector.Load(y + i);
            m = Vector.Max(m, Vector.Load(x + i));
            sy += yv;
            if (wantArgMax) tracker.Visit(yv, i, all);
        }
        if (hasTail)
        {
            Vector<T> yv = Vector.ConditionalSelect(tailMask, Vector.Load(y + last), Vector<T>.Zero);
            m = Vector.Max(m, Vector.Load(x + last));   // overlapping lanes are harmless for a max
            sy += yv;
            if (wantArgMax) tracker.Visit(yv, last, tailMask);
        }
        T max = HorizontalMax(m);
        T sumY = Vector.Sum(sy);

        // Sweep 2 (from L1): Σ exp(x − m) and Σ y·(x − m).
        var mv = new Vector<T>(max);
        Vector<T> e = Vector<T>.Zero, dot = Vector<T>.Zero;
        for (int i = 0; i < full; i += W)
        {
            Vector<T> d = Vector.Load(x + i) - mv;
            e += Exp(d);
            dot += Vector.Load(y + i) * d;
        }
        if (hasTail)
        {
            Vector<T> d = Vector.Load(x + last) - mv;
            e += Vector.ConditionalSelect(tailMask, Exp(d), Vector<T>.Zero);
            dot += Vector.ConditionalSelect(tailMask, Vector.Load(y + last) * d, Vector<T>.Zero);
        }
        double logSumExp = Math.Log(double.CreateTruncating(Vector.Sum(e)));
        if (wantArgMax)
        {
            // Every vector was visited; NaN labels (never "greater") fall back to the exact scan.
            int index = tracker.Result(out _);
            argMax = T.IsNaN(sumY) ? -1 : index;
        }
        if (T.IsNaN(max)) return T.NaN;
        return T.CreateTruncating(double.CreateTruncating(sumY) * logSumExp - double.CreateTruncating(Vector.Sum(dot)));
    }

    /// <summary>Largest lane; NaN if any lane is NaN.</summary>
    private static T HorizontalMax(Vector<T> v)
    {
        T max = v[0];
        for (int l = 1; l < W; l++)
        {
            T lane = v[l];
            if (T.IsNaN(lane)) return lane;
            if (lane > max) max = lane;
        }
        return max;
    }

    private static T ScalarLogits(T* x, T* y, int classes)
    {
        T max = x[0];
        for (int c = 1; c < classes; c++)
        {
            if (T.IsNaN(x[c])) return x[c];
            if (x[c] > max) max = x[c];
        }
        if (T.IsNaN(max)) return max;
        double sumExp = 0, sumY = 0, dot = 0;
        for (int c = 0; c < classes; c++)
        {
            T d = x[c] - max;
            sumExp += double.CreateTruncating(T.Exp(d));
            sumY += double.CreateTruncating(y[c]);
            dot += double.CreateTruncating(y[c] * d);
        }
        return T.CreateTruncating(sumY * Math.Log(sumExp) - dot);
    }
}
