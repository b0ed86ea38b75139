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
    /// then names the first bad one.</remarks>
    public Tensor<T>? SparseLoss(SparseLossKind kind, double parameter, Tensor<T> labels, Tensor<T> output, int axis, bool meanOverAll)
    {
        if (!Enum.IsDefined(kind) || (kind == SparseLossKind.GeneralizedCrossEntropy && !(parameter > 0 && parameter <= 1))) return null;
        if (!Rows(output, axis, out long[] shape, out RowLayout layout) || shape.Length < 2) return null;
        long[] perRow = Shapes.Without(shape, NormalizedAxis(axis, shape.Length));
        if (!ShapeOf(labels, nameof(labels)).AsSpan().SequenceEqual(perRow)) return null;
        if (!AllClassIndices(TensorData.Read(labels), layout.Classes)) return null;

        if (kind != SparseLossKind.GeneralizedCrossEntropy)
            return SparseCrossentropy(labels, output, kind == SparseLossKind.CrossentropyFromLogits, axis, meanOverAll);
        T q = T.CreateTruncating(parameter);
        return PerRowOrMean(layout.Rows, perRow, meanOverAll,
            loss => GeneralizedCrossEntropyRows(TensorData.Read(labels), TensorData.Read(output), loss, layout, q));
    }

    /// <summary>Whether every label is an integer in [0, <paramref name="classes"/>) (NaN fails the comparisons).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllClassIndices(ReadOnlySpan<T> labels, int classes)
    {
        T upper = T.CreateTruncating(classes);
        foreach (T label in labels)
            if (!(label >= T.Zero && label < upper && T.IsInteger(label))) return false;
        return true;
    }

    /// <summary>(1 − p^q) / q per row, p = the row's value at its (checked) label, in T as the composed path computes
    /// it: the picked values gathered into <paramref name="loss"/> (contiguous rows by <see cref="GatherOnePerRow"/>,
    /// as the composed take-along-axis), then the engine's own <c>Pow</c> (vectorised; float32 in double, rounded
    /// once), <c>RSub</c> and <c>Div</c> over them in place.</summary>
    private static void GeneralizedCrossEntropyRows(ReadOnlySpan<T> labels, ReadOnlySpan<T> output, Span<T> loss, RowLayout layout, T q)
    {
        if (layout.Inner == 1) GatherOnePerRow(output, labels, loss, layout.Classes);
        else
            for (int r = 0; r < loss.Length; r++)
                loss[r] = output[layout.Start(r) + int.CreateTruncating(labels[r]) * layout.Inner];
        PowScalar(loss, q, loss);
        TensorPrimitives.Subtract(T.One, loss, loss);
        TensorPrimitives.Divide(loss, q, loss);
    }
}
