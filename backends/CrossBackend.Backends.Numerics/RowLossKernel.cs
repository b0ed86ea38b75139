using System.Numerics;

namespace CrossBackend.Backends.Numerics;

/// <summary>A value of one contiguous row (the last axis) of y_pred and y_true, such as a row's loss or sum; a struct,
/// so each kernel is compiled with it inlined.</summary>
internal interface IRowLoss<T, TResult> where T : unmanaged, IFloatingPointIeee754<T>
{
    TResult Row(ReadOnlySpan<T> p, ReadOnlySpan<T> y);
}

/// <summary>A row loss in T.</summary>
internal interface IRowLoss<T> : IRowLoss<T, T> where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>One value per row of <c>layout.Classes</c> contiguous elements, rows in parallel chunks
/// (<see cref="RowLayout.ForEachChunk"/>).</summary>
internal static class RowLossKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Rows<TLoss, TResult>(ReadOnlySpan<T> p, ReadOnlySpan<T> y, Span<TResult> loss, RowLayout layout, TLoss f)
        where TLoss : struct, IRowLoss<T, TResult> where TResult : unmanaged
    {
        int columns = layout.Classes;
        unsafe
        {
            // Spans cannot cross into the parallel delegate: pin the (dense, already materialised) data and the
            // result (an array or a pooled buffer) for the call.
            fixed (T* pp = p, py = y)
            fixed (TResult* pl = loss)
            {
                nint pAddress = (nint)pp, yAddress = (nint)py, lAddress = (nint)pl;
                layout.ForEachChunk((first, end) =>
                {
                    for (int row = first; row < end; row++)
                        ((TResult*)lAddress)[row] = f.Row(new ReadOnlySpan<T>((T*)pAddress + (long)row * columns, columns),
                            new ReadOnlySpan<T>((T*)yAddress + (long)row * columns, columns));
                });
            }
        }
    }
}
