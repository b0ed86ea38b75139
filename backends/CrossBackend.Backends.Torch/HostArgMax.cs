using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The first maximum's index along one axis of a dense CPU tensor, computed in one managed SIMD pass over its memory
/// seen as (outer, classes, inner): what class weights need (the weight of argmax(y_true)) at the cost of reading
/// y_true once, where libtorch's reductions read it once and write a values tensor too. The rule is libtorch's
/// <c>max(dim)</c>/<c>argmax</c>: the first index of the greatest value (ties and ±0 keep the earlier index); a NaN
/// counts as the greatest, so the first NaN wins.
/// </summary>
internal static unsafe class HostArgMax<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements per parallel task.</summary>
    private const int ElementsPerTask = 1 << 16;

    /// <summary>Writes argmax over the class axis of <paramref name="x"/> (outer, classes, inner) into
    /// <paramref name="result"/> (outer, inner).</summary>
    public static void Run(T* x, long* result, int outer, int classes, int inner)
    {
        nint source = (nint)x, target = (nint)result;
        if (inner == 1)
        {
            int rowsPerTask = Math.Max(1, ElementsPerTask / classes);
            int tasks = (outer + rowsPerTask - 1) / rowsPerTask;
            if (tasks <= 1) Rows((T*)source, (long*)target, classes, 0, outer);
            else
                Parallel.For(0, tasks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (task) =>
                    Rows((T*)source, (long*)target, classes, task * rowsPerTask, Math.Min(outer, (task + 1) * rowsPerTask)));
            return;
        }
        // Class axis not last (channels-first segmentation): the classes of one position are `inner` apart, so the
        // positions of one plane are compared with the running best vertically, one contiguous chunk at a time.
        int chunk = Math.Max(Vector<T>.Count, Math.Min(inner, ElementsPerTask / classes / Vector<T>.Count * Vector<T>.Count));
        int chunks = (inner + chunk - 1) / chunk;
        int items = outer * chunks;
        if (items <= 1 || (long)outer * classes * inner <= ElementsPerTask) for (int i = 0; i < items; i++) Planes((T*)source, (long*)target, classes, inner, chunk, chunks, i);
        else
            Parallel.For(0, items, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (item) =>
                Planes((T*)source, (long*)target, classes, inner, chunk, chunks, item));
    }

    /// <summary>Whether <paramref name="value"/> replaces <paramref name="best"/>: strictly greater, or a NaN over a
    /// number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Replaces(T value, T best) => value > best || (T.IsNaN(value) && !T.IsNaN(best));

    /// <summary>The vector form of <see cref="Replaces"/>: all-ones lanes where the value wins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> ReplacesMask(Vector<T> value, Vector<T> best) =>
        Vector.GreaterThan(value, best) | Vector.AndNot(Vector.Equals(best, best), Vector.Equals(value, value));

    /// <summary>Contiguous rows: each lane keeps its first greatest value and that value's index, then the lanes are
    /// merged in index order and the tail is scanned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(T* x, long* result, int classes, int first, int end)
    {
        int width = Vector<T>.Count;
        Span<T> laneIndex = stackalloc T[width];
        for (int l = 0; l < width; l++) laneIndex[l] = T.CreateTruncating(l);
        var lanes = new Vector<T>(laneIndex);
        Span<T> bestLanes = stackalloc T[width], indexLanes = stackalloc T[width];
        for (int r = first; r < end; r++)
        {
            T* row = x + (long)r * classes;
            int c = 0;
            T best = row[0];
            int index = 0;
            if (classes >= width)
            {
                var bestV = Unsafe.ReadUnaligned<Vector<T>>(row);
                Vector<T> indexV = lanes;
                for (c = width; c + width <= classes; c += width)
                {
                    var v = Unsafe.ReadUnaligned<Vector<T>>(row + c);
                    Vector<T> take = ReplacesMask(v, bestV);
                    bestV = Vector.ConditionalSelect(take, v, bestV);
                    indexV = Vector.ConditionalSelect(take, lanes + new Vector<T>(T.CreateTruncating(c)), indexV);
                }
                bestV.CopyTo(bestLanes);
                indexV.CopyTo(indexLanes);
                best = bestLanes[0];
                index = int.CreateTruncating(indexLanes[0]);
                for (int l = 1; l < width; l++)
                {
                    int candidate = int.CreateTruncating(indexLanes[l]);
                    // Equal values (or two NaN) resolve to the smaller index; lanes hold different indices.
                    if (Replaces(bestLanes[l], best) || ((bestLanes[l] == best || (T.IsNaN(bestLanes[l]) && T.IsNaN(best))) && candidate < index))
                    {
                        best = bestLanes[l];
                        index = candidate;
                    }
                }
            }
            else c = 1;
            for (; c < classes; c++)
                if (Replaces(row[c], best))
                {
                    best = row[c];
                    index = c;
                }
            result[r] = index;
        }
    }

    /// <summary>One chunk of positions of one outer slice: class planes compared vertically, indices kept as T
    /// (exact: class counts here are far below 2^24).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Planes(T* x, long* result, int classes, int inner, int chunk, int chunks, int item)
    {
        int o = item / chunks, start = item % chunks * chunk, stop = Math.Min(inner, start + chunk);
        T* slice = x + (long)o * classes * inner;
        long* output = result + (long)o * inner;
        int width = Vector<T>.Count, p = start;
        for (; p + width <= stop; p += width)
        {
            var best = Unsafe.ReadUnaligned<Vector<T>>(slice + p);
            Vector<T> index = Vector<T>.Zero;
            for (int c = 1; c < classes; c++)
            {
                var v = Unsafe.ReadUnaligned<Vector<T>>(slice + (long)c * inner + p);
                Vector<T> take = ReplacesMask(v, best);
                best = Vector.ConditionalSelect(take, v, best);
                index = Vector.ConditionalSelect(take, new Vector<T>(T.CreateTruncating(c)), index);
            }
            for (int l = 0; l < width; l++) output[p + l] = long.CreateTruncating(index[l]);
        }
        for (; p < stop; p++)
        {
            T best = slice[p];
            int index = 0;
            for (int c = 1; c < classes; c++)
                if (Replaces(slice[(long)c * inner + p], best))
                {
                    best = slice[(long)c * inner + p];
                    index = c;
                }
            output[p] = index;
        }
    }
}
