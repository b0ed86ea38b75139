using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>Sorting along an axis: the values, and the stable sorting permutation.</summary>
public sealed partial class NumericsOps<T>
{
    /// <inheritdoc/>
    /// <remarks>Each row along <paramref name="axis"/> is copied out, sorted with the span sort (introsort), and
    /// its NaNs moved to the end (the span sort puts them first; NumPy and PyTorch put them last).</remarks>
    public Tensor<T> Sort(Tensor<T> x, int axis)
    {
        long[] shape = ShapeOf(x, nameof(x));
        axis = NormalizeAxis(axis, shape.Length, nameof(axis), nameof(x), shape);
        ReadOnlySpan<T> values = TensorData.Read(x);
        var result = NumericsResultScope.Allocate<T>(values.Length);
        if (result.Length == 0) return Create(result, shape);
        var at = RowLayout.Around(shape, axis);
        var row = new T[at.Classes];
        for (int r = 0; r < at.Rows; r++)
        {
            int start = at.Start(r);
            for (int c = 0; c < at.Classes; c++) row[c] = values[start + c * at.Inner];
            row.AsSpan().Sort();
            int nans = 0;
            while (nans < row.Length && T.IsNaN(row[nans])) nans++;
            for (int c = 0; c < at.Classes; c++)
                result[start + c * at.Inner] = c < at.Classes - nans ? row[c + nans] : T.NaN;
        }
        return Create(result, shape);
    }

    /// <inheritdoc/>
    /// <remarks>Each row's stable order comes from <see cref="StableOrder"/>. Indices are stored as
    /// <typeparamref name="T"/> (the ops' one element type), so a float32 row may hold at most 2²⁴ elements (every index
    /// exact): beyond it the indices themselves cannot be written, and the op refuses. Sort's backward does not come
    /// here: <see cref="Unsort"/> scatters by the integer positions, for rows of any length.</remarks>
    public Tensor<T> ArgSort(Tensor<T> x, int axis)
    {
        long[] shape = ShapeOf(x, nameof(x));
        axis = NormalizeAxis(axis, shape.Length, nameof(axis), nameof(x), shape);
        if (typeof(T) == typeof(float) && shape[axis] > 1 << 24)
            throw new ArgumentException(
                $"Argument `x` must have at most 16777216 (2^24) elements along `axis` for a float32 arg-sort: its indices are float32 values, " +
                $"exact only up to 2^24. Cast x to float64 first. Received: x.shape={TensorInfo.FormatShape(shape)}, axis={axis}", nameof(x));
        return ByStableOrder<WritePositions>(TensorData.Read(x), default, shape, axis);
    }

    /// <inheritdoc/>
    /// <remarks>result[order[c]] = sorted[c] row by row, with the stable order's positions as <see cref="int"/>s: no
    /// index is stored as <typeparamref name="T"/>, so float32 rows longer than 2²⁴ are exact (the default,
    /// ArgSort(ArgSort(x)) then a take, refused them), and one sort per row instead of two.</remarks>
    public Tensor<T> Unsort(Tensor<T> x, Tensor<T> sorted, int axis)
    {
        long[] shape = ShapeOf(x, nameof(x));
        axis = NormalizeAxis(axis, shape.Length, nameof(axis), nameof(x), shape);
        if (!ShapeOf(sorted, nameof(sorted)).AsSpan().SequenceEqual(shape))
            throw new ArgumentException(
                $"Argument `sorted` must have the shape of `x`. Received: x.shape={TensorInfo.FormatShape(shape)}, sorted.shape={TensorInfo.FormatShape(ShapeOf(sorted, nameof(sorted)))}",
                nameof(sorted));
        return ByStableOrder<ScatterSorted>(TensorData.Read(x), TensorData.Read(sorted), shape, axis);
    }

    /// <summary>
    /// The row walk ArgSort and Unsort share: each row of <paramref name="values"/> along <paramref name="axis"/> gets its
    /// stable order (<see cref="StableOrder"/>), then <typeparamref name="TWriter"/> writes that row of the result from
    /// it (and from <paramref name="placed"/>, where the writer reads one). The writer is a struct's static method, so
    /// each instantiation is compiled with its row loop inlined: no delegate or interface call per row or element.
    /// </summary>
    private Tensor<T> ByStableOrder<TWriter>(ReadOnlySpan<T> values, ReadOnlySpan<T> placed, long[] shape, int axis)
        where TWriter : struct, IOrderWriter
    {
        var result = NumericsResultScope.Allocate<T>(values.Length);
        if (result.Length == 0) return Create(result, shape);
        var at = RowLayout.Around(shape, axis);
        var order = new StableOrder(at.Classes);
        for (int r = 0; r < at.Rows; r++)
        {
            int start = at.Start(r);
            order.Of(values, start, at.Inner);
            TWriter.Write(result, placed, start, at.Inner, order.Positions);
        }
        return Create(result, shape);
    }

    /// <summary>What <see cref="ByStableOrder"/> writes for one row, given the row's stable order.</summary>
    private interface IOrderWriter
    {
        /// <summary>Writes the row starting at <paramref name="start"/>, its elements <paramref name="stride"/> apart;
        /// <paramref name="positions"/>[c] is the row position the stable order puts at place c.</summary>
        static abstract void Write(T[] result, ReadOnlySpan<T> placed, int start, int stride, int[] positions);
    }

    /// <summary>ArgSort: place c holds the position sorted there, as a <typeparamref name="T"/>.</summary>
    private struct WritePositions : IOrderWriter
    {
        public static void Write(T[] result, ReadOnlySpan<T> placed, int start, int stride, int[] positions)
        {
            for (int c = 0; c < positions.Length; c++) result[start + c * stride] = T.CreateTruncating(positions[c]);
        }
    }

    /// <summary>Unsort: result[positions[c]] = sorted[c], the sorted values scattered back where they came from.</summary>
    private struct ScatterSorted : IOrderWriter
    {
        public static void Write(T[] result, ReadOnlySpan<T> placed, int start, int stride, int[] positions)
        {
            for (int c = 0; c < positions.Length; c++) result[start + positions[c] * stride] = placed[start + c * stride];
        }
    }

    /// <summary>
    /// The stable sorting permutation of one row at a time, in reused buffers: the row sorted as (value, position) pairs
    /// by the span sort's primitive comparison (introsort, not stable; it puts NaN first), then the NaNs moved to the end
    /// and every run of equal values (NaNs included) given its positions back in ascending order. The stable order at
    /// the cost of the primitive sort (a comparison delegate on (value, position) took 1.0–2.1× as long, 1.4× typical,
    /// at (256, 4096) float32 on a shared 2-core VM, with distinct values and with 9 levels of ties).
    /// </summary>
    private sealed class StableOrder(int length)
    {
        private readonly T[] _keys = new T[length];
        private readonly int[] _moved = new int[length];

        /// <summary>Positions[c]: the position in the row of the element the stable order puts at place c.</summary>
        public int[] Positions { get; } = new int[length];

        /// <summary>Orders the row of <see cref="Positions"/>'s length starting at <paramref name="start"/>, its elements
        /// <paramref name="stride"/> apart.</summary>
        public void Of(ReadOnlySpan<T> values, int start, int stride)
        {
            T[] keys = _keys;
            int[] order = Positions;
            for (int c = 0; c < keys.Length; c++) { keys[c] = values[start + c * stride]; order[c] = c; }
            keys.AsSpan().Sort(order.AsSpan());
            int nans = 0;
            while (nans < keys.Length && T.IsNaN(keys[nans])) nans++;
            if (nans > 0)
            {
                // NaN last: the numbers move to the front, the NaNs (one run of ties) after them.
                order.AsSpan(0, nans).CopyTo(_moved);
                order.AsSpan(nans).CopyTo(order);
                _moved.AsSpan(0, nans).CopyTo(order.AsSpan(keys.Length - nans));
                keys.AsSpan(nans).CopyTo(keys);
                keys.AsSpan(keys.Length - nans).Fill(T.NaN);
                order.AsSpan(keys.Length - nans).Sort();
            }
            for (int first = 0, end; first < keys.Length - nans; first = end)
            {
                for (end = first + 1; end < keys.Length - nans && keys[end] == keys[first]; end++) { }
                if (end - first > 1) order.AsSpan(first, end - first).Sort();
            }
        }
    }
}
