using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>Sorting along an axis.</summary>
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
}
