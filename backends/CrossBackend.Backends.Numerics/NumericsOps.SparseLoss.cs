using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>The fused sparse-label losses (<see cref="IFusedSparseLoss{TTensor}"/>): the labels are checked in one
/// pass with no temporaries — the composed path's check (floor, compare, cast, min, max) made three (65536,) arrays
/// per call, each a fresh large-object-heap allocation (see <see cref="PerRowOrMean"/>) — and the plain mean is
/// taken from a pooled per-row buffer.</summary>
public sealed partial class NumericsOps<T> : IFusedSparseLoss<Tensor<T>>
{
    /// <inheritdoc/>
    /// <remarks>Declines (null) labels that are not all integers in [0, C) (NaN included): the core's composed path
    /// then names the first bad one. int64 and int32 labels as given are converted into a pooled buffer, never into a
    /// fresh array: a (65536,) float32 copy is a 256 KB large-object-heap allocation, 65 page faults per call
    /// (measured 1.5–2.1 ms per sparse call with int64 labels against 0.55–0.65 ms with float labels).</remarks>
    public Tensor<T>? SparseLoss(SparseLossKind kind, double parameter, object labels, Tensor<T> output, int axis, bool meanOverAll)
    {
        if (!Enum.IsDefined(kind) || (kind == SparseLossKind.GeneralizedCrossEntropy && !(parameter > 0 && parameter <= 1))) return null;
        if (!Rows(output, axis, out long[] shape, out RowLayout layout) || shape.Length < 2) return null;
        int normalized = NormalizedAxis(axis, shape.Length);
        long[] perRow = Shapes.Without(shape, normalized);
        return labels switch
        {
            Tensor<T> same when SameLengths(same.Lengths, perRow) =>
                ClassIndexLabels.AllIn(TensorData.Read(same), layout.Classes) ? Compute(kind, parameter, same, output, axis, layout, perRow, meanOverAll) : null,
            Tensor<long> wide when PerRowShape(wide.Lengths, shape, normalized, perRow) => Pooled(TensorData.Read(wide)),
            Tensor<int> narrow when PerRowShape(narrow.Lengths, shape, normalized, perRow) => Pooled(TensorData.Read(narrow)),
            _ => null,
        };

        Tensor<T>? Pooled<TLabel>(ReadOnlySpan<TLabel> given) where TLabel : unmanaged, IBinaryInteger<TLabel>
        {
            T[] buffer = System.Buffers.ArrayPool<T>.Shared.Rent(Math.Max(1, given.Length));
            try
            {
                // An integer beyond T's exact range could round into [0, C): the check refuses it before conversion.
                if (!ClassIndexLabels.TryConvert(given, buffer.AsSpan(0, given.Length), layout.Classes)) return null;
                // Every label is a class index now. A view of the buffer in the per-row shape; no result keeps it
                // (results are fresh or pooled means).
                Tensor<T> indices = Tensor.Create(buffer, 0, perRow.Select(d => (nint)d).ToArray(), []);
                return Compute(kind, parameter, indices, output, axis, layout, perRow, meanOverAll);
            }
            finally
            {
                System.Buffers.ArrayPool<T>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Whether labels as given, of <paramref name="lengths"/>, hold one label per row: the per-row shape, or
    /// y_pred's shape with the class axis of length 1 (the same order in memory, as the composed path squeezes it).</summary>
    private static bool PerRowShape(ReadOnlySpan<nint> lengths, long[] shape, int axis, long[] perRow)
    {
        if (lengths.Length == perRow.Length) return SameLengths(lengths, perRow);
        if (lengths.Length != shape.Length || lengths[axis] != 1) return false;
        for (int d = 0; d < shape.Length; d++)
            if (d != axis && lengths[d] != shape[d]) return false;
        return true;
    }

    private static bool SameLengths(ReadOnlySpan<nint> lengths, long[] shape)
    {
        if (lengths.Length != shape.Length) return false;
        for (int d = 0; d < shape.Length; d++)
            if (lengths[d] != shape[d]) return false;
        return true;
    }

    private static Tensor<T>? Compute(SparseLossKind kind, double parameter, Tensor<T> labels, Tensor<T> output, int axis, RowLayout layout,
        long[] perRow, bool meanOverAll)
    {
        if (kind != SparseLossKind.GeneralizedCrossEntropy)
            return SparseCrossentropy(labels, output, kind == SparseLossKind.CrossentropyFromLogits, axis, meanOverAll);
        T q = T.CreateTruncating(parameter);
        return PerRowOrMean(layout.Rows, perRow, meanOverAll,
            loss => GeneralizedCrossEntropyRows(TensorData.Read(labels), TensorData.Read(output), loss, layout, q));
    }

    /// <summary>(1 − p^q) / q per row, p Keras's Σ y_pred·one_hot(label): the row's value at its (checked) label, or NaN
    /// where another class of the row is NaN or ±∞ (0·∞ in that sum). In T as the composed path computes it: the
    /// picked values gathered into <paramref name="loss"/> (contiguous rows by <see cref="GatherOnePerRow"/>), each
    /// row checked for non-finite values, then the engine's own <c>Pow</c> (vectorised; float32 in double, rounded
    /// once), <c>RSub</c> and <c>Div</c> over them in place. Every step is per row, so pieces of rows run in parallel
    /// with the same values.</summary>
    private static unsafe void GeneralizedCrossEntropyRows(ReadOnlySpan<T> labels, ReadOnlySpan<T> output, Span<T> loss, RowLayout layout, T q)
    {
        int rows = loss.Length, outputLength = output.Length;
        fixed (T* l0 = labels, o0 = output, r0 = loss)
        {
            nint pl = (nint)l0, po = (nint)o0, pr = (nint)r0;
            ParallelSplit.ForEachRows(rows, layout.Classes, [MethodImpl(Hot)] (first, end) =>
                GeneralizedRows(new ReadOnlySpan<T>((T*)pl, rows), new ReadOnlySpan<T>((T*)po, outputLength), new Span<T>((T*)pr, rows),
                    layout, q, first, end));
        }
    }

    /// <summary>Whether every class of row <paramref name="r"/> but <paramref name="label"/> is finite (a contiguous row
    /// in two vectorised sweeps).</summary>
    private static bool OthersFinite(ReadOnlySpan<T> output, RowLayout layout, int r, int label)
    {
        int start = layout.Start(r);
        if (layout.Inner == 1)
        {
            ReadOnlySpan<T> row = output.Slice(start, layout.Classes);
            return AllFinite(row[..label]) && AllFinite(row[(label + 1)..]);
        }
        for (int k = 0; k < layout.Classes; k++)
            if (k != label && !T.IsFinite(output[start + k * layout.Inner])) return false;
        return true;
    }

    /// <summary>Whether every value is finite; true for none (<see cref="TensorPrimitives.IsFiniteAll{T}"/> answers false
    /// for an empty span).</summary>
    private static bool AllFinite(ReadOnlySpan<T> values) => values.IsEmpty || TensorPrimitives.IsFiniteAll(values);

    /// <summary>Rows [<paramref name="first"/>, <paramref name="end"/>) of <see cref="GeneralizedCrossEntropyRows"/>.</summary>
    [MethodImpl(Hot)]
    private static unsafe void GeneralizedRows(ReadOnlySpan<T> labels, ReadOnlySpan<T> output, Span<T> loss, RowLayout layout, T q, int first, int end)
    {
        if (layout.Inner == 1 && System.Runtime.Intrinsics.X86.Sse.IsSupported)   // the prefetch is an x86 hint
            fixed (T* v0 = output, i0 = labels, r0 = loss) GatherRows(v0, i0, r0, layout.Classes, first, end);
        else
            for (int r = first; r < end; r++)
                loss[r] = output[layout.Start(r) + int.CreateTruncating(labels[r]) * layout.Inner];
        for (int r = first; r < end; r++)
            if (!OthersFinite(output, layout, r, int.CreateTruncating(labels[r]))) loss[r] = T.NaN;
        Span<T> piece = loss[first..end];
        PowScalar(piece, q, piece);
        TensorPrimitives.Subtract(T.One, piece, piece);
        TensorPrimitives.Divide(piece, q, piece);
    }
}
