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
        var result = GC.AllocateUninitializedArray<T>(values.Length);
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
        ReadOnlySpan<T> values = TensorData.Read(x);
        var result = GC.AllocateUninitializedArray<T>(values.Length);
        if (result.Length == 0) return Create(result, shape);
        var at = RowLayout.Around(shape, axis);
        var order = new StableOrder(at.Classes);
        for (int r = 0; r < at.Rows; r++)
        {
            int start = at.Start(r);
            order.Of(values, start, at.Inner);
            for (int c = 0; c < at.Classes; c++) result[start + c * at.Inner] = T.CreateTruncating(order.Positions[c]);
        }
        return Create(result, shape);
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
        ReadOnlySpan<T> values = TensorData.Read(x), placed = TensorData.Read(sorted);
        var result = GC.AllocateUninitializedArray<T>(values.Length);
        if (result.Length == 0) return Create(result, shape);
        var at = RowLayout.Around(shape, axis);
        var order = new StableOrder(at.Classes);
        for (int r = 0; r < at.Rows; r++)
        {
            int start = at.Start(r);
            order.Of(values, start, at.Inner);
            for (int c = 0; c < at.Classes; c++) result[start + order.Positions[c] * at.Inner] = placed[start + c * at.Inner];
        }
        return Create(result, shape);
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
