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
    /// <remarks>Each row is sorted as (value, position) pairs by the span sort's primitive comparison (introsort, not
    /// stable; it puts NaN first), then the NaNs move to the end and every run of equal values (NaNs included) has its
    /// positions put back in ascending order: the stable order, at the cost of the primitive sort (a comparison
    /// delegate on (value, position) took 1.0–2.1× as long, 1.4× typical, at (256, 4096) float32 on a shared 2-core VM,
    /// with distinct values and with 9 levels of ties). Indices are stored as <typeparamref name="T"/>,
    /// so a float32 row may hold at most 2²⁴ elements (every index exact).</remarks>
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
        var keys = new T[at.Classes];
        var order = new int[at.Classes];
        var moved = new int[at.Classes];
        for (int r = 0; r < at.Rows; r++)
        {
            int start = at.Start(r);
            for (int c = 0; c < at.Classes; c++) { keys[c] = values[start + c * at.Inner]; order[c] = c; }
            keys.AsSpan().Sort(order.AsSpan());
            int nans = 0;
            while (nans < keys.Length && T.IsNaN(keys[nans])) nans++;
            if (nans > 0)
            {
                // NaN last: the numbers move to the front, the NaNs (one run of ties) after them.
                order.AsSpan(0, nans).CopyTo(moved);
                order.AsSpan(nans).CopyTo(order);
                moved.AsSpan(0, nans).CopyTo(order.AsSpan(keys.Length - nans));
                keys.AsSpan(nans).CopyTo(keys);
                keys.AsSpan(keys.Length - nans).Fill(T.NaN);
                order.AsSpan(keys.Length - nans).Sort();
            }
            for (int first = 0, end; first < keys.Length - nans; first = end)
            {
                for (end = first + 1; end < keys.Length - nans && keys[end] == keys[first]; end++) { }
                if (end - first > 1) order.AsSpan(first, end - first).Sort();
            }
            for (int c = 0; c < at.Classes; c++) result[start + c * at.Inner] = T.CreateTruncating(order[c]);
        }
        return Create(result, shape);
    }
}
