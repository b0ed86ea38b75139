using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The dense permutation of any element type: the kernel of <see cref="NumericsOps{T}.Permute"/> and of the engine's
/// <c>MoveAxis</c> (every dtype, for <c>Layout</c>). The kernels only move values, so 4-byte types (float32, int32)
/// share the float32 paths and 1-byte types (uint8, int8, bool) the byte path. Output rows are gathered one by one when
/// the output's last axis is the input's. Otherwise a gather row by row touches one input cache line per element
/// written (a (65536, 100) float32 transpose took 11–12 ms that way), so:
/// <list type="bullet">
/// <item>an axis of 3 moved to or from the end (RGB images) of 4-byte values or bytes: 8 or 16 pixels at a time
/// (<see cref="TryPermuteThreeChannels"/>);</item>
/// <item>4-byte values with both moved axes at least 8 long: 8×8 tiles transposed in registers
/// (<see cref="PermuteInRegisters"/>);</item>
/// <item>else, with the axis that holds the input's contiguous one at least 4 long: output rows taken in blocks of
/// <see cref="PermuteBlockBytes"/> along it, so that for each position of those rows the block's input values lie side
/// by side, every input cache line is read once and the block's output rows are written in step.</item>
/// </list>
/// </summary>
internal static unsafe partial class DensePermute<T> where T : unmanaged
{
    private const MethodImplOptions Hot = MethodImplOptions.AggressiveOptimization;

    /// <summary>The values of a dense tensor of <paramref name="shape"/> permuted by <paramref name="axes"/> (already
    /// checked: each axis once), as a new array.</summary>
    public static T[] Permute(ReadOnlySpan<T> values, long[] shape, int[] axes)
    {
        int rank = shape.Length;
        var result = NumericsResultScope.Allocate<T>(values.Length);
        long[] outShape = axes.Select(a => shape[a]).ToArray();
        // Axes of length 1 do not move data: when the others keep their order (a grayscale NHWC → NCHW, an (N, 1)
        // transposed) the result is a copy.
        int[] moving = axes.Where(a => shape[a] > 1).ToArray();
        if (result.Length == 0 || moving.Zip(moving.Skip(1)).All(pair => pair.First < pair.Second))
        {
            values.CopyTo(result);
            return result;
        }
        // Strides of the input along each output axis; walk the output row-major, last output axis innermost.
        var inStride = new long[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= (int)shape[d], d--) inStride[d] = s;
        var stride = axes.Select(a => inStride[a]).ToArray();
        int inner = (int)outShape[rank - 1], innerStride = (int)stride[rank - 1];
        int rows = result.Length / inner;
        fixed (T* source = values)
        {
            if (TryPermuteTiled(source, result, outShape, stride, axes)) return result;
            nint s = (nint)source;
            ParallelSplit.ForEachRows(rows, inner, [MethodImpl(Hot)] (first, end) =>
            {
                for (int r = first; r < end; r++)
                {
                    T* from = (T*)s + InputOffset(r, outShape, stride);
                    Span<T> to = result.AsSpan(r * inner, inner);
                    for (int i = 0; i < inner; i++) to[i] = from[i * innerStride];
                }
            });
        }
        return result;
    }

    /// <summary>The input offset of output row <paramref name="row"/> (its index along every output axis but the last,
    /// times that axis's input stride).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long InputOffset(long row, long[] outShape, long[] stride)
    {
        long offset = 0;
        for (int d = outShape.Length - 2; d >= 0; d--)
        {
            offset += row % outShape[d] * stride[d];
            row /= outShape[d];
        }
        return offset;
    }

    /// <summary>Input bytes read side by side per step: two cache lines.</summary>
    private const int PermuteBlockBytes = 128;

    /// <summary>
    /// Writes the permutation into <paramref name="result"/> when <paramref name="axes"/> moves the input's last axis
    /// away from the output's last; returns false (nothing written) otherwise.
    /// </summary>
    private static bool TryPermuteTiled(T* source, T[] result, long[] outShape, long[] stride, int[] axes)
    {
        int rank = axes.Length;
        int p = Array.IndexOf(axes, rank - 1);   // the output axis that walks the input's contiguous axis
        if (p == rank - 1) return false;
        int inner = (int)outShape[rank - 1], innerStride = (int)stride[rank - 1];
        int lengthP = (int)outShape[p];
        long rowsAfter = 1;   // rows between neighbours along axis p (product of the output axes between p and the last)
        for (int d = p + 1; d < rank - 1; d++) rowsAfter *= outShape[d];
        if (TryPermuteThreeChannels(source, result, outShape, stride, p, rowsAfter)) return true;
        if (lengthP < 4 || inner == 0) return false;

        int block = Math.Max(1, PermuteBlockBytes / Unsafe.SizeOf<T>());
        int chunk = Math.Max(1, 64 / Unsafe.SizeOf<T>());   // output elements written per row per tile: one cache line
        long rowsBefore = result.Length / inner / (lengthP * rowsAfter);
        int blocksP = (lengthP + block - 1) / block;
        long units = rowsBefore * blocksP * rowsAfter;
        if (units > int.MaxValue) return false;

        if (sizeof(T) == sizeof(float) && Avx.IsSupported && lengthP >= 8 && inner >= 8
            && rowsBefore * rowsAfter * ((inner + RegisterBand - 1) / RegisterBand) <= int.MaxValue)
        {
            fixed (T* target = result)
                PermuteInRegisters((float*)source, (float*)target, outShape, stride, inner, innerStride, lengthP, rowsAfter, rowsBefore);
            return true;
        }
        nint s = (nint)source;
        fixed (T* target = result)
        {
            nint t = (nint)target;
            ParallelSplit.ForEachRows((int)units, (long)block * inner, [MethodImpl(Hot)] (first, end) =>
            {
                var tile = new T[chunk * block];
                for (int u = first; u < end; u++)
                {
                    long after = u % rowsAfter, rest = u / rowsAfter;
                    int blockIndex = (int)(rest % blocksP);
                    long before = rest / blocksP;
                    int start = blockIndex * block, count = Math.Min(block, lengthP - start);
                    long row0 = (before * lengthP + start) * rowsAfter + after;
                    T* from = (T*)s + InputOffset(row0, outShape, stride);
                    T* to = (T*)t + row0 * inner;
                    long rowStep = rowsAfter * inner;
                    // A (chunk × count) tile goes through the buffer: the output rows lie a power of two apart in
                    // common shapes, and writing them in step (one element each) thrashed one L1 set (80 ms for the
                    // (65536, 100) transpose); read side by side, written a cache line per row instead.
                    for (int i0 = 0; i0 < inner; i0 += chunk)
                    {
                        int columns = Math.Min(chunk, inner - i0);
                        for (int i = 0; i < columns; i++)
                            new ReadOnlySpan<T>(from + (long)(i0 + i) * innerStride, count).CopyTo(tile.AsSpan(i * block, count));
                        for (int j = 0; j < count; j++)
                        {
                            T* write = to + j * rowStep + i0;
                            for (int i = 0; i < columns; i++) write[i] = tile[i * block + j];
                        }
                    }
                }
            });
        }
        return true;
    }

    /// <summary>Output columns (values along the output's last axis) per unit of <see cref="PermuteInRegisters"/>:
    /// 16 float32 values, one cache line of each output row it writes.</summary>
    private const int RegisterBand = 16;

    /// <summary>
    /// The permutation of 4-byte values (float32, int32: moved as float32 bits) when both the output's last axis and
    /// the output axis that holds the input's contiguous one (<paramref name="lengthP"/> long) are at least 8 long: for a band of 16 output columns, the input rows they come from are read in order
    /// (16 rows of <paramref name="lengthP"/> contiguous values) and written as 8×8 tiles transposed in registers, a
    /// whole cache line per output row. The blocked copy above moved each value through a buffer one at a time and read
    /// 128 bytes of every input row per pass: the (65536, 100) transpose took 6.9–7.7 ms that way and 3.1–3.5 ms here
    /// (p10–p50 in one process; libtorch's <c>permute(1, 0).contiguous()</c> 7.9–8.3 ms). Values past the last whole
    /// tile along either axis are copied one at a time.
    /// </summary>
    private static void PermuteInRegisters(float* source, float* target, long[] outShape, long[] stride,
        int inner, int innerStride, int lengthP, long rowsAfter, long rowsBefore)
    {
        int bands = (inner + RegisterBand - 1) / RegisterBand;
        long units = rowsBefore * rowsAfter * bands;
        long rowStep = rowsAfter * inner;
        nint s = (nint)source, t = (nint)target;
        ParallelSplit.ForEachRows((int)units, (long)RegisterBand * lengthP, [MethodImpl(Hot)] (first, end) =>
        {
            for (int u = first; u < end; u++)
            {
                int band = u % bands;
                long rest = u / bands, after = rest % rowsAfter, before = rest / rowsAfter;
                long row0 = before * lengthP * rowsAfter + after;
                int i0 = band * RegisterBand, width = Math.Min(RegisterBand, inner - i0);
                float* from = (float*)s + InputOffset(row0, outShape, stride) + (long)i0 * innerStride;
                float* to = (float*)t + row0 * inner + i0;
                int j0 = 0;
                int whole = width & ~7;
                for (; j0 + 8 <= lengthP; j0 += 8)
                    for (int i = 0; i < whole; i += 8)
                        RegisterTile8.TransposeTo(from + (long)i * innerStride + j0, innerStride, to + j0 * rowStep + i, rowStep);
                // The rows past the last 8 along p, and the columns past the last 8 of the band, one value at a time.
                for (int j = 0; j < lengthP; j++)
                    for (int i = j < j0 ? whole : 0; i < width; i++)
                        to[j * rowStep + i] = from[(long)i * innerStride + j];
            }
        });
    }
}
