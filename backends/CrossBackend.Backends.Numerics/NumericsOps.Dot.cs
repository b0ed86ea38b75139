using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>Σ a·b along trailing axes in one pass over both inputs, without the product tensor.</summary>
public sealed unsafe partial class NumericsOps<T>
{
    /// <summary>Elements of one parallel piece of a long row; pieces' partial sums are added in piece order, so the
    /// result does not depend on scheduling.</summary>
    private const int DotPiece = 1 << 16;

    /// <inheritdoc/>
    /// <remarks>Reduced axes that are the trailing ones (every axis, or the class axis of a channels-last tensor) are
    /// read once, products rounded to T and summed in double as <see cref="Reduce"/> sums; any other axes go through
    /// the composed <c>Reduce(Sum, Binary(Multiply))</c>.</remarks>
    public Tensor<T> Dot(Tensor<T> a, Tensor<T> b, int[]? axes, bool keepDims)
    {
        long[] shape = ShapeOf(a, nameof(a)), other = ShapeOf(b, nameof(b));
        if (!shape.AsSpan().SequenceEqual(other))
            throw new ArgumentException(
                $"Arguments `a` and `b` of Dot must have the same shape. Received: a.shape={TensorInfo.FormatShape(shape)}, b.shape={TensorInfo.FormatShape(other)}", nameof(b));
        int rank = shape.Length;
        bool[] reduced = ReducedAxes(axes, shape, nameof(a));
        // The axes before the first reduced one are kept; the rest must all be reduced for one pass per row.
        int first = Array.IndexOf(reduced, true), kept = first < 0 ? rank : first;
        bool trailing = reduced.AsSpan(kept).IndexOf(false) < 0;
        long rowLength = 1;
        for (int d = kept; d < rank; d++) rowLength *= shape[d];
        if (!trailing || rowLength == 0 || Count(shape, nameof(a)) == 0)
            return Reduce(ReduceOp.Sum, Binary(BinaryOp.Multiply, a, b), axes, keepDims);

        long[] resultShape = keepDims ? shape.Select((n, d) => reduced[d] ? 1L : n).ToArray() : shape[..kept];
        int rows = Count(shape.AsSpan(0, kept), nameof(a)), length = (int)rowLength;
        var result = new T[rows];
        ReadOnlySpan<T> x = TensorData.Read(a), y = TensorData.Read(b);
        fixed (T* px = x, py = y)
        {
            nint sx = (nint)px, sy = (nint)py;
            if (length <= DotPiece)
                ParallelSplit.ForEachRows(rows, length, [MethodImpl(Hot)] (start, end) =>
                {
                    for (int r = start; r < end; r++)
                        result[r] = T.CreateTruncating(DotInDouble((T*)sx + (long)r * length, (T*)sy + (long)r * length, length));
                });
            else
            {
                int pieces = (length + DotPiece - 1) / DotPiece;
                var partial = new double[(long)rows * pieces];
                WorkerPool.For(rows * pieces, [MethodImpl(Hot)] (item) =>
                {
                    int r = item / pieces, at = item % pieces * DotPiece;
                    long offset = (long)r * length + at;
                    partial[item] = DotInDouble((T*)sx + offset, (T*)sy + offset, Math.Min(DotPiece, length - at));
                });
                for (int r = 0; r < rows; r++)
                {
                    double sum = 0;
                    for (int p = 0; p < pieces; p++) sum += partial[(long)r * pieces + p];
                    result[r] = T.CreateTruncating(sum);
                }
            }
        }
        return Create(result, resultShape);
    }

    /// <summary>Σ x[i]·y[i] with each product rounded to T (as the composed multiply rounds it) and summed in double:
    /// float32 products are widened into double lanes, float64 ones added in double lanes.</summary>
    [MethodImpl(Hot)]
    private static double DotInDouble(T* x, T* y, int length)
    {
        int i = 0;
        double sum = 0;
        if (typeof(T) == typeof(float))
        {
            float* fx = (float*)x, fy = (float*)y;
            int width = Vector<float>.Count;
            Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero;
            for (; i + width <= length; i += width)
            {
                Vector<float> product = Unsafe.ReadUnaligned<Vector<float>>(fx + i) * Unsafe.ReadUnaligned<Vector<float>>(fy + i);
                Vector.Widen(product, out Vector<double> lo, out Vector<double> hi);
                s0 += lo;
                s1 += hi;
            }
            sum = Vector.Sum(s0 + s1);
            for (; i < length; i++) sum += fx[i] * fy[i];
            return sum;
        }
        if (typeof(T) == typeof(double))
        {
            double* dx = (double*)x, dy = (double*)y;
            int width = Vector<double>.Count;
            Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero;
            for (; i + 2 * width <= length; i += 2 * width)
            {
                s0 += Unsafe.ReadUnaligned<Vector<double>>(dx + i) * Unsafe.ReadUnaligned<Vector<double>>(dy + i);
                s1 += Unsafe.ReadUnaligned<Vector<double>>(dx + i + width) * Unsafe.ReadUnaligned<Vector<double>>(dy + i + width);
            }
            sum = Vector.Sum(s0 + s1);
            for (; i < length; i++) sum += dx[i] * dy[i];
            return sum;
        }
        for (; i < length; i++) sum += double.CreateTruncating(x[i] * y[i]);
        return sum;
    }
}
