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
    /// <remarks>Each row's positions are sorted by (value, position), NaN above every number: a total order, so the
    /// span sort (not stable by itself) gives the stable order. Indices are stored as <typeparamref name="T"/>, so a
    /// float32 row may hold at most 2²⁴ elements (every index exact).</remarks>
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
        var row = new T[at.Classes];
        var order = new int[at.Classes];
        Comparison<int> byValueThenPosition = (i, j) =>
        {
            T a = row[i], b = row[j];
            int c = T.IsNaN(a) ? (T.IsNaN(b) ? 0 : 1) : T.IsNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0;
            return c != 0 ? c : i.CompareTo(j);
        };
        for (int r = 0; r < at.Rows; r++)
        {
            int start = at.Start(r);
            for (int c = 0; c < at.Classes; c++) { row[c] = values[start + c * at.Inner]; order[c] = c; }
            order.AsSpan().Sort(byValueThenPosition);
            for (int c = 0; c < at.Classes; c++) result[start + c * at.Inner] = T.CreateTruncating(order[c]);
        }
        return Create(result, shape);
    }
}
