using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>Flip and roll: one pass that maps every result position to its source position, copying contiguous runs
/// of the trailing axes that are not reordered as blocks.</summary>
public sealed unsafe partial class NumericsOps<T>
{
    /// <inheritdoc/>
    public Tensor<T> Flip(Tensor<T> x, int[] axes)
    {
        long[] shape = ShapeOf(x, nameof(x));
        int[] resolved = ReorderAxes(axes, shape);
        var shifts = new long[resolved.Length];
        return Reorder(x, shape, resolved, shifts, flip: true);
    }

    /// <inheritdoc/>
    public Tensor<T> Roll(Tensor<T> x, long[] shifts, int[] axes)
    {
        long[] shape = ShapeOf(x, nameof(x));
        ArgumentNullException.ThrowIfNull(shifts);
        int[] resolved = ReorderAxes(axes, shape);
        if (shifts.Length != resolved.Length)
            throw new ArgumentException(
                $"Arguments `shifts` and `axes` must have the same length. Received: shifts=[{string.Join(", ", shifts)}], axes=[{string.Join(", ", axes)}]", nameof(shifts));
        return Reorder(x, shape, resolved, shifts, flip: false);
    }

    private static int[] ReorderAxes(int[] axes, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(axes);
        int[] resolved = axes.Select(a => NormalizeAxis(a, shape.Length, nameof(axes), "x", shape)).ToArray();
        if (resolved.Distinct().Count() != resolved.Length)
            throw new ArgumentException($"Argument `axes` must not repeat an axis. Received: axes=[{string.Join(", ", axes)}]", nameof(axes));
        return resolved;
    }

    /// <summary>
    /// result[i₀, …, i_{r−1}] = x[s₀(i₀), …, s_{r−1}(i_{r−1})] with sₐ(i) = n − 1 − i (flip), (i − shift) mod n (roll) on
    /// the reordered axes and i elsewhere. The axes after the last reordered one form one contiguous block per source
    /// position, copied whole; the rows of the leading axes run in parallel for large tensors.
    /// </summary>
    private static Tensor<T> Reorder(Tensor<T> x, long[] shape, int[] axes, long[] shifts, bool flip)
    {
        ReadOnlySpan<T> values = TensorData.Read(x);
        var result = NumericsResultScope.Allocate<T>(values.Length);
        int rank = shape.Length;
        int last = axes.Length == 0 ? -1 : axes.Max();
        if (result.Length == 0 || last < 0)
        {
            values.CopyTo(result);
            return Create(result, shape);
        }
        // Per axis up to `last`: the source index of each result index (null where unchanged).
        var source = new int[last + 1][];
        for (int k = 0; k < axes.Length; k++)
        {
            int n = (int)shape[axes[k]];
            int shift = flip ? 0 : (int)(((shifts[k] % n) + n) % n);
            if (!flip && shift == 0) continue;
            var map = new int[n];
            for (int i = 0; i < n; i++) map[i] = flip ? n - 1 - i : (i - shift + n) % n;
            source[axes[k]] = map;
        }
        long block = 1;
        for (int d = last + 1; d < rank; d++) block *= shape[d];
        var stride = new long[last + 1];   // in elements, of the source, for axes 0..last
        for (int d = last, s = (int)block; d >= 0; s *= (int)shape[d], d--) stride[d] = s;
        int along = (int)shape[last], blockLength = (int)block;
        int rows = result.Length / (along * blockLength);   // one row: every result index of axis `last`
        int[]? lastMap = source[last];
        fixed (T* from = values, to = result)
        {
            nint f = (nint)from, t = (nint)to;
            long rowLength = (long)along * blockLength;
            ParallelSplit.ForEachRows(rows, rowLength, [MethodImpl(Hot)] (first, end) =>
            {
                // The result index on axes 0 … last − 1 of row `first`, then counted up row by row (no division per row).
                Span<int> index = stackalloc int[Math.Max(last, 1)];
                for (int d = last - 1, rest = first; d >= 0; d--)
                {
                    index[d] = rest % (int)shape[d];
                    rest /= (int)shape[d];
                }
                for (int r = first; r < end; r++)
                {
                    long offset = 0;
                    for (int d = 0; d < last; d++) offset += (source[d] is { } map ? map[index[d]] : index[d]) * stride[d];
                    CopyRow((T*)f + offset, (T*)t + r * rowLength, along, blockLength, lastMap, flip);
                    for (int d = last - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
                }
            });
        }
        return Create(result, shape);
    }

    /// <summary>One row of the result: `along` blocks of `blockLength` elements from <paramref name="src"/>, the source
    /// row, reordered by <paramref name="lastMap"/> (null: unchanged).</summary>
    [MethodImpl(Hot)]
    private static void CopyRow(T* src, T* dst, int along, int blockLength, int[]? lastMap, bool flip)
    {
        int n = along * blockLength;
        if (lastMap is null)
            new ReadOnlySpan<T>(src, n).CopyTo(new Span<T>(dst, n));
        else if (!flip)
        {
            // A roll is two block copies: result[0, n − k) = x[k, n) and result[n − k, n) = x[0, k).
            int k = lastMap[0] * blockLength;
            new ReadOnlySpan<T>(src + k, n - k).CopyTo(new Span<T>(dst, n - k));
            new ReadOnlySpan<T>(src, k).CopyTo(new Span<T>(dst + (n - k), k));
        }
        else if (blockLength == 1)
            ReverseCopy(src, dst, along);
        else
            for (int i = 0; i < along; i++)
                new ReadOnlySpan<T>(src + (long)lastMap[i] * blockLength, blockLength).CopyTo(new Span<T>(dst + (long)i * blockLength, blockLength));
    }

    /// <summary>dst[i] = src[n − 1 − i] for i in [0, n), a vector at a time. Flipping rows of 100 float32 values
    /// (1000 rows, in cache, one thread) took 34 µs as a copy and an in-place reverse per row, 17–19 µs this way (session
    /// 38).</summary>
    /// <remarks>
    /// <para>The source is read in ascending order and the reversed vectors are stored from the row's end down: at
    /// (65536, 100) on two threads 0.86–0.93 ms against 1.11–1.15 for reading each row from its end (descending loads)
    /// and 0.74–0.76 for a plain copy, in one process (session 46); the hardware prefetchers follow ascending loads.</para>
    /// <para>A row of at least one vector is read a vector at a time to its end: the last step starts at n − V,
    /// overlapping what the step before read, and stores the same values over what it wrote (one vector for the row's
    /// last 1 … V − 1 elements, where a scalar loop took most of a 100-element row's time).</para>
    /// </remarks>
    [MethodImpl(Hot)]
    private static void ReverseCopy(T* src, T* dst, int n)
    {
        if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated && n >= 16)
            for (int i = 0; i < n; i += 16)
            {
                int at = Math.Min(i, n - 16);
                Vector512.Shuffle(Vector512.Load((int*)src + at), Vector512.Create(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0))
                    .Store((int*)dst + (n - 16 - at));
            }
        else if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated && n >= 8)
            for (int i = 0; i < n; i += 8)
            {
                int at = Math.Min(i, n - 8);
                Vector256.Shuffle(Vector256.Load((int*)src + at), Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0)).Store((int*)dst + (n - 8 - at));
            }
        else if (typeof(T) == typeof(double) && Vector512.IsHardwareAccelerated && n >= 8)
            for (int i = 0; i < n; i += 8)
            {
                int at = Math.Min(i, n - 8);
                Vector512.Shuffle(Vector512.Load((long*)src + at), Vector512.Create(7L, 6, 5, 4, 3, 2, 1, 0)).Store((long*)dst + (n - 8 - at));
            }
        else if (typeof(T) == typeof(double) && Vector256.IsHardwareAccelerated && n >= 4)
            for (int i = 0; i < n; i += 4)
            {
                int at = Math.Min(i, n - 4);
                Vector256.Shuffle(Vector256.Load((long*)src + at), Vector256.Create(3L, 2, 1, 0)).Store((long*)dst + (n - 4 - at));
            }
        else
            for (int i = 0; i < n; i++) dst[n - 1 - i] = src[i];
    }
}
