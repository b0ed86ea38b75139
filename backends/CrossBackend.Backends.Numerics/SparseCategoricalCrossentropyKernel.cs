using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Sparse categorical crossentropy, one row per (outer, inner) position: the row is read once (in place when the
/// class axis is last, gathered into a cache-resident buffer otherwise), its reductions go through
/// <see cref="TensorPrimitives"/> (SIMD), and rows run in parallel.
/// </summary>
internal static unsafe class SparseCategoricalCrossentropyKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(ReadOnlySpan<T> labels, ReadOnlySpan<T> output, Span<T> loss, RowLayout layout, bool fromLogits, T epsilon, T upper)
    {
        fixed (T* k = labels, x = output, l = loss)
        {
            nint kp = (nint)k, xp = (nint)x, lp = (nint)l;
            layout.ForEachChunk((first, end) => Rows((T*)kp, (T*)xp, (T*)lp, layout, fromLogits, epsilon, upper, first, end));
        }
    }

    private static void Rows(T* labels, T* x, T* loss, RowLayout layout, bool fromLogits, T epsilon, T upper, int first, int end)
    {
        int classes = layout.Classes;
        T[]? rented = classes > 1024 ? ArrayPool<T>.Shared.Rent(2 * classes) : null;
        Span<T> buffers = rented is null ? stackalloc T[2 * classes] : rented.AsSpan(0, 2 * classes);
        Span<T> work = buffers[..classes], gathered = buffers[classes..];
        for (int r = first; r < end; r++)
        {
            int start = layout.Start(r);
            scoped ReadOnlySpan<T> row;
            if (layout.Inner == 1) row = new ReadOnlySpan<T>(x + start, classes);
            else
            {
                for (int c = 0; c < classes; c++) gathered[c] = x[start + c * layout.Inner];
                row = gathered;
            }
            T picked = row[int.CreateTruncating(labels[r])];
            if (fromLogits)
            {
                // −log_softmax[k] = log Σ exp(x − m) − (x_k − m): no term overflows.
                T max = TensorPrimitives.Max(row);
                TensorPrimitives.Subtract(row, max, work);
                TensorPrimitives.Exp(work, work);
                double logSumExp = Math.Log(double.CreateTruncating(TensorPrimitives.Sum<T>(work)));
                loss[r] = T.CreateTruncating(logSumExp - double.CreateTruncating(picked - max));
            }
            else
            {
                // Keras's policy, as in the categorical loss: renormalise, clip in T, log.
                loss[r] = -T.Log(T.Clamp(picked / TensorPrimitives.Sum(row), epsilon, upper));
            }
        }
        if (rented is not null) ArrayPool<T>.Shared.Return(rented);
    }
}
