using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>Indexing ops: take-along-axis, take, one-hot. Index values are integers stored as T.</summary>
public sealed partial class NumericsOps<T>
{
    /// <summary>The indices as ints, each checked to be a whole number in [−n, n) and wrapped (NumPy: −1 is the last).</summary>
    private static int[] IndicesInto(Tensor<T> indices, long n, string argumentName, string what)
    {
        ReadOnlySpan<T> values = Values(indices, argumentName);
        var result = new int[values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            T v = values[i];
            if (!(v == T.Floor(v) && v >= T.CreateTruncating(-n) && v < T.CreateTruncating(n)))
                throw new ArgumentOutOfRangeException(argumentName, double.CreateTruncating(v),
                    $"Argument `{argumentName}` must hold whole numbers in [{-n}, {n}) ({what}). Received: {argumentName}[{i}]={double.CreateTruncating(v)}");
            int k = int.CreateTruncating(v);
            result[i] = k < 0 ? k + (int)n : k;
        }
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>The other axes of <paramref name="indices"/> must have <paramref name="x"/>'s lengths (no
    /// broadcasting); negative indices count from the end.</remarks>
    public Tensor<T> TakeAlongAxis(Tensor<T> x, Tensor<T> indices, int axis)
    {
        long[] shape = ShapeOf(x, nameof(x)), indexShape = ShapeOf(indices, nameof(indices));
        axis = NormalizeAxis(axis, shape.Length, nameof(axis), nameof(x), shape);
        bool fits = indexShape.Length == shape.Length;
        for (int d = 0; fits && d < shape.Length; d++) fits = d == axis || indexShape[d] == shape[d];
        if (!fits)
            throw new ArgumentException(
                $"Argument `indices` must have the rank of `x` and its lengths except along `axis`. Received: x.shape={TensorInfo.FormatShape(shape)}, indices.shape={TensorInfo.FormatShape(indexShape)}, axis={axis}",
                nameof(indices));
        ReadOnlySpan<T> index = Values(indices, nameof(indices));
        ReadOnlySpan<T> values = TensorData.Read(x);
        var result = NumericsResultScope.Allocate<T>(index.Length);
        var at = RowLayout.Around(indexShape, axis);   // (outer, k, inner) over the result
        int n = (int)shape[axis];
        if (!GatherAlong(values, index, result, at, n))
            IndicesInto(indices, n, nameof(indices), $"positions along axis {axis} of `x`");   // throws, naming the first bad index
        return Create(result, indexShape);
    }

    /// <summary>
    /// result[o, k, j] = values[o, index[o, k, j], j] with each index checked and wrapped as <see cref="IndicesInto"/>
    /// does, in one pass without an int copy of the indices (at (65536, 100) the copy, its separate checking loop and
    /// the index arithmetic were 3× the gather itself). False at the first index that is not a whole number in [−n, n).
    /// </summary>
    [MethodImpl(Hot)]
    private static bool GatherAlong(ReadOnlySpan<T> values, ReadOnlySpan<T> index, Span<T> result, RowLayout at, int n)
    {
        if (at.Inner == 1 && at.Classes == 1 && Sse.IsSupported) return GatherOnePerRow(values, index, result, n);
        int inner = at.Inner;
        ref T v0 = ref MemoryMarshal.GetReference(values);
        for (int o = 0, i = 0; o < at.Outer; o++)
        {
            nint rowStart = (nint)o * n * inner;
            for (int c = 0; c < at.Classes; c++)
                for (int j = 0; j < inner; j++, i++)
                {
                    T v = index[i];
                    int k = int.CreateTruncating(v);
                    if (T.CreateTruncating(k) != v || k < -n || k >= n) return false;   // fractions, NaN and huge values fail the round trip
                    if (k < 0) k += n;
                    result[i] = Unsafe.Add(ref v0, rowStart + (nint)k * inner + j);
                }
        }
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>Negative indices count from the end, as NumPy.</remarks>
    public Tensor<T> Take(Tensor<T> x, Tensor<T> indices, int axis)
    {
        long[] shape = ShapeOf(x, nameof(x)), indexShape = ShapeOf(indices, nameof(indices));
        axis = NormalizeAxis(axis, shape.Length, nameof(axis), nameof(x), shape);
        int[] index = IndicesInto(indices, shape[axis], nameof(indices), $"positions along axis {axis} of `x`");
        long[] resultShape = [.. shape[..axis], .. indexShape, .. shape[(axis + 1)..]];
        var layout = RowLayout.Around(shape, axis);
        var result = NumericsResultScope.Allocate<T>(Count(resultShape, nameof(indices)));
        ReadOnlySpan<T> values = TensorData.Read(x);
        int inner = layout.Inner, n = layout.Classes;
        for (int o = 0, i = 0; o < layout.Outer; o++)
            foreach (int k in index)
            {
                values.Slice((o * n + k) * inner, inner).CopyTo(result.AsSpan(i, inner));
                i += inner;
            }
        return Create(result, resultShape);
    }

    /// <inheritdoc/>
    /// <remarks>As <c>tf.one_hot</c>: an index outside [0, classes) (negative included) gives an all-zero row;
    /// a fractional index is truncated toward zero. <paramref name="axis"/> counts in the result (−1: last).</remarks>
    public Tensor<T> OneHot(Tensor<T> indices, int classes, int axis, DType dtype)
    {
        long[] indexShape = ShapeOf(indices, nameof(indices));
        if (classes < 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, $"Argument `classes` must be non-negative. Received: classes={classes}");
        RoundTo(0, dtype, nameof(dtype));   // 0 and 1 are exact in every dtype; this only validates it
        long[] placeholder = [.. indexShape, classes];
        axis = NormalizeAxis(axis, indexShape.Length + 1, nameof(axis), "the result", placeholder);
        long[] resultShape = [.. indexShape[..axis], classes, .. indexShape[axis..]];
        var layout = RowLayout.Around(resultShape, axis);
        var result = new T[Count(resultShape, nameof(classes))];
        ReadOnlySpan<T> index = TensorData.Read(indices);
        T limit = T.CreateTruncating(classes);
        for (int r = 0; r < index.Length && classes > 0; r++)
        {
            T v = T.Truncate(index[r]);
            if (v >= T.Zero && v < limit) result[layout.Start(r) + int.CreateTruncating(v) * layout.Inner] = T.One;   // NaN fails both
        }
        return Create(result, resultShape);
    }
}
