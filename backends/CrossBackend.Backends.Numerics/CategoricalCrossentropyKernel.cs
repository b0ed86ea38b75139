using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The fused categorical crossentropy kernel: one sweep over each row's inputs from memory, the row's arithmetic in
/// a small cache-resident buffer, rows in parallel. No temporary of size rows × classes is made.
/// </summary>
internal static unsafe class CategoricalCrossentropyKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows per parallel task: enough work to amortise scheduling.</summary>
    private const int MinElementsPerTask = 1 << 15;

    public static void Run(ReadOnlySpan<T> target, ReadOnlySpan<T> output, Span<T> loss, RowLayout layout, bool fromLogits)
    {
        fixed (T* y = target, x = output, l = loss)
        {
            nint yp = (nint)y, xp = (nint)x, lp = (nint)l;
            int rows = layout.Rows;
            int rowsPerTask = Math.Max(1, MinElementsPerTask / Math.Max(1, layout.Classes));
            int tasks = (rows + rowsPerTask - 1) / rowsPerTask;
            if (tasks <= 1)
            {
                Rows((T*)yp, (T*)xp, (T*)lp, layout, fromLogits, 0, rows);
                return;
            }
            Parallel.For(0, tasks, task =>
            {
                int first = task * rowsPerTask;
                Rows((T*)yp, (T*)xp, (T*)lp, layout, fromLogits, first, Math.Min(rows, first + rowsPerTask));
            });
        }
    }

    private static void Rows(T* y, T* x, T* loss, RowLayout layout, bool fromLogits, int first, int end)
    {
        int classes = layout.Classes;
        T[]? rented = classes > 512 ? ArrayPool<T>.Shared.Rent(3 * classes) : null;
        Span<T> buffers = rented is null ? stackalloc T[3 * classes] : rented.AsSpan(0, 3 * classes);
        Span<T> work = buffers[..classes];
        Span<T> xRow = buffers.Slice(classes, classes), yRow = buffers.Slice(2 * classes, classes);
        T epsilon = T.CreateChecked(1e-7), upper = T.One - epsilon;   // bounds in T, as Keras/TF compute them
        for (int r = first; r < end; r++)
        {
            ReadOnlySpan<T> xs, ys;
            int start = layout.Start(r);
            if (layout.Inner == 1)
            {
                xs = new ReadOnlySpan<T>(x + start, classes);
                ys = new ReadOnlySpan<T>(y + start, classes);
            }
            else
            {
                for (int c = 0; c < classes; c++)
                {
                    xRow[c] = x[start + c * layout.Inner];
                    yRow[c] = y[start + c * layout.Inner];
                }
                xs = xRow;
                ys = yRow;
            }
            loss[r] = fromLogits ? FromLogits(xs, ys, work) : FromProbabilities(xs, ys, work, epsilon, upper);
        }
        if (rented is not null) ArrayPool<T>.Shared.Return(rented);
    }

    /// <summary>−Σ y·log_softmax(x) = Σy·log Σexp(x − m) − Σ y·(x − m), with m = max x: no term overflows and
    /// both parts are non-negative, so nothing cancels.</summary>
    private static T FromLogits(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> work)
    {
        T max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, work);
        T shiftedDot = TensorPrimitives.Dot(y, work);
        TensorPrimitives.Exp(work, work);
        // The row's few scalar steps run in double: it costs nothing and keeps the result within an ulp.
        double logSumExp = Math.Log(double.CreateTruncating(TensorPrimitives.Sum(work)));
        return T.CreateTruncating(double.CreateTruncating(TensorPrimitives.Sum(y)) * logSumExp - double.CreateTruncating(shiftedDot));
    }

    /// <summary>Keras: p = x / Σx, clipped to [ε, 1 − ε], then −Σ y·log p.</summary>
    private static T FromProbabilities(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> work, T epsilon, T upper)
    {
        T sum = TensorPrimitives.Sum(x);
        TensorPrimitives.Divide(x, sum, work);
        TensorPrimitives.Clamp(work, epsilon, upper, work);
        TensorPrimitives.Log(work, work);
        return -TensorPrimitives.Dot(y, work);
    }
}
