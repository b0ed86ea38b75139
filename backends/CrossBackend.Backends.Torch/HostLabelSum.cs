using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The last step of the class-weighted categorical crossentropy, −Σ y·log p over the class axis times the weight of
/// argmax(y), in one managed SIMD pass over two dense CPU tensors' memory seen as (outer, classes, inner). It replaces
/// libtorch's <c>mul_(target)</c>, <c>sum(axis)</c> and <c>neg_</c> and the composed path's arg-max pass over the
/// labels, gather and product: the labels are read once for the sum and the arg-max (issue 13, target 2; measured in
/// benchmarks/README.md, session 26). The product and the sum are the composed path's, in T; the arg-max rule is
/// <see cref="HostArgMax{T}"/>'s (libtorch's <c>max(dim)</c>: the first greatest value, ±0 equal, the first NaN
/// counting as the greatest).
/// </summary>
internal static unsafe class HostLabelSum<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements of one input per parallel task.</summary>
    private const int ElementsPerTask = 1 << 16;

    private static int W => Vector<T>.Count;

    /// <summary>Writes −Σ_c y·logProb × <paramref name="weights"/>[argmax_c y] for every (outer, inner) position into
    /// <paramref name="result"/>.</summary>
    public static void Run(T* logProb, T* y, T* result, int outer, int classes, int inner, T[] weights)
    {
        nint l = (nint)logProb, t = (nint)y, r = (nint)result;
        if (inner == 1)
        {
            int rowsPerTask = Math.Max(1, ElementsPerTask / classes), tasks = (outer + rowsPerTask - 1) / rowsPerTask;
            if (tasks <= 1) Rows((T*)l, (T*)t, (T*)r, classes, weights, 0, outer);
            else
                WorkerPool.For(tasks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (task) =>
                    Rows((T*)l, (T*)t, (T*)r, classes, weights, task * rowsPerTask, Math.Min(outer, (task + 1) * rowsPerTask)));
            return;
        }
        // The classes of one position are `inner` apart: each class plane is added vertically, one contiguous chunk
        // of positions at a time.
        int chunk = Math.Max(W, Math.Min(inner, ElementsPerTask / classes / W * W));
        int chunks = (inner + chunk - 1) / chunk, items = outer * chunks;
        if (items <= 1) for (int i = 0; i < items; i++) Planes((T*)l, (T*)t, (T*)r, classes, inner, weights, chunk, chunks, i);
        else
            WorkerPool.For(items, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (item) =>
                Planes((T*)l, (T*)t, (T*)r, classes, inner, weights, chunk, chunks, item));
    }

    /// <summary>Contiguous rows: Σ y·log p in vector lanes (the overlapping last vector masked to its new lanes), and
    /// the lanes' first greatest label in the same sweep.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(T* l, T* y, T* result, int classes, T[] weights, int first, int end)
    {
        int width = W;
        if (classes < width)
        {
            for (int r = first; r < end; r++) result[r] = ScalarRow(l + (long)r * classes, y + (long)r * classes, classes, 1, weights);
            return;
        }
        int full = classes / width * width, last = classes - width;
        Vector<T> iota = Vector<T>.Indices;
        // Lanes of the last (overlapping) vector that hold elements no full vector has read.
        Vector<T> tailMask = Vector.GreaterThanOrEqual(iota, new Vector<T>(T.CreateTruncating(full - last)));
        for (int r = first; r < end; r++)
        {
            T* lr = l + (long)r * classes, yr = y + (long)r * classes;
            Vector<T> acc = Vector<T>.Zero;
            Vector<T> best = Vector.Load(yr), index = iota;
            for (int c = 0; c < full; c += width)
            {
                Vector<T> yv = Vector.Load(yr + c);
                acc += yv * Vector.Load(lr + c);
                Step(yv, iota + new Vector<T>(T.CreateTruncating(c)), ref best, ref index);
            }
            if (full != classes)
            {
                Vector<T> yv = Vector.Load(yr + last);
                acc += Vector.ConditionalSelect(tailMask, yv * Vector.Load(lr + last), Vector<T>.Zero);
                Step(yv, iota + new Vector<T>(T.CreateTruncating(last)), ref best, ref index);
            }
            result[r] = -Vector.Sum(acc) * weights[FirstGreatest(best, index)];
        }
    }

    /// <summary>One chunk of positions of one outer slice: class planes added vertically (the composed sum's order over
    /// a strided axis), the running first greatest label kept per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Planes(T* l, T* y, T* result, int classes, int inner, T[] weights, int chunk, int chunks, int item)
    {
        int o = item / chunks, start = item % chunks * chunk, stop = Math.Min(inner, start + chunk);
        long offset = (long)o * classes * inner;
        T* ls = l + offset, ys = y + offset, output = result + (long)o * inner;
        int width = W, p = start;
        for (; p + width <= stop; p += width)
        {
            Vector<T> best = Unsafe.ReadUnaligned<Vector<T>>(ys + p);
            Vector<T> acc = best * Unsafe.ReadUnaligned<Vector<T>>(ls + p), index = Vector<T>.Zero;
            for (int c = 1; c < classes; c++)
            {
                Vector<T> yv = Unsafe.ReadUnaligned<Vector<T>>(ys + (long)c * inner + p);
                acc += yv * Unsafe.ReadUnaligned<Vector<T>>(ls + (long)c * inner + p);
                Step(yv, new Vector<T>(T.CreateTruncating(c)), ref best, ref index);
            }
            for (int lane = 0; lane < width; lane++) output[p + lane] = -acc[lane] * weights[int.CreateTruncating(index[lane])];
        }
        for (; p < stop; p++) output[p] = ScalarRow(ls + p, ys + p, classes, inner, weights);
    }

    /// <summary>Lanes where <paramref name="v"/> replaces the best (<see cref="HostArgMax{T}.ReplacesMask"/>: strictly
    /// greater, or a NaN over a number) take its values and the indices <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(Vector<T> v, Vector<T> at, ref Vector<T> best, ref Vector<T> index)
    {
        Vector<T> take = HostArgMax<T>.ReplacesMask(v, best);
        best = Vector.ConditionalSelect(take, v, best);
        index = Vector.ConditionalSelect(take, at, index);
    }

    /// <summary>The smallest index among the lanes holding the row's first greatest value: the NaN lanes when there are
    /// any (each lane keeps its first NaN), else the lanes equal to the maximum (±0 equal).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FirstGreatest(Vector<T> best, Vector<T> index)
    {
        Vector<T> winners = Vector.EqualsAll(best, best)
            ? Vector.Equals(best, new Vector<T>(HostArgMax<T>.Horizontal(best, greatest: true)))
            : ~Vector.Equals(best, best);
        Vector<T> candidates = Vector.ConditionalSelect(winners, index, new Vector<T>(T.PositiveInfinity));
        return int.CreateTruncating(HostArgMax<T>.Horizontal(candidates, greatest: false));
    }

    /// <summary>One position element by element (classes <paramref name="stride"/> apart): rows shorter than a vector
    /// and the positions after the last full vector of a chunk.</summary>
    private static T ScalarRow(T* l, T* y, int classes, long stride, T[] weights)
    {
        T sum = T.Zero, best = y[0];
        int index = 0;
        for (int c = 0; c < classes; c++)
        {
            T v = y[c * stride];
            sum += v * l[c * stride];
            if (HostArgMax<T>.Replaces(v, best))
            {
                best = v;
                index = c;
            }
        }
        return -sum * weights[index];
    }
}
