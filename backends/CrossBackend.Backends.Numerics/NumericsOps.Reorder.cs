using System.Numerics.Tensors;
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
        var result = GC.AllocateUninitializedArray<T>(values.Length);
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
            ForEachRows(rows, (long)along * blockLength, (first, end) =>
            {
                for (int r = first; r < end; r++)
                {
                    long offset = 0;
                    for (int d = last - 1, rest = r; d >= 0; d--)
                    {
                        int i = rest % (int)shape[d];
                        rest /= (int)shape[d];
                        offset += (source[d] is { } map ? map[i] : i) * stride[d];
                    }
                    T* src = (T*)f + offset, dst = (T*)t + (long)r * along * blockLength;
                    if (lastMap is null)
                        new ReadOnlySpan<T>(src, along * blockLength).CopyTo(new Span<T>(dst, along * blockLength));
                    else if (!flip)
                    {
                        // A roll is two block copies: result[0, n − k) = x[k, n) and result[n − k, n) = x[0, k).
                        long k = (long)lastMap[0] * blockLength, n = (long)along * blockLength;
                        new ReadOnlySpan<T>(src + k, (int)(n - k)).CopyTo(new Span<T>(dst, (int)(n - k)));
                        new ReadOnlySpan<T>(src, (int)k).CopyTo(new Span<T>(dst + (n - k), (int)k));
                    }
                    else if (blockLength == 1)
                    {
                        var row = new Span<T>(dst, along);
                        new ReadOnlySpan<T>(src, along).CopyTo(row);
                        row.Reverse();
                    }
                    else
                        for (int i = 0; i < along; i++)
                            new ReadOnlySpan<T>(src + (long)lastMap[i] * blockLength, blockLength).CopyTo(new Span<T>(dst + (long)i * blockLength, blockLength));
                }
            });
        }
        return Create(result, shape);
    }
}
