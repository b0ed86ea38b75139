using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>The fused crossentropy kernels (<see cref="CategoricalCrossentropyKernel{T}"/>,
/// <see cref="SparseCategoricalCrossentropyKernel{T}"/>) offered beside the general ops. Each declines (returns
/// null) a case it was not written for, and the core then composes the loss from the general ops.</summary>
public sealed partial class NumericsOps<T>
{
    /// <inheritdoc/>
    public Tensor<T>? CategoricalCrossentropy(Tensor<T> target, Tensor<T> output, bool fromLogits, int axis, double[]? classWeights) =>
        Crossentropy(target, output, fromLogits, axis, classWeights, mean: false);

    /// <inheritdoc/>
    public Tensor<T>? MeanCategoricalCrossentropy(Tensor<T> target, Tensor<T> output, bool fromLogits, int axis, double[]? classWeights) =>
        Crossentropy(target, output, fromLogits, axis, classWeights, mean: true);

    /// <inheritdoc/>
    public Tensor<T>? SparseCategoricalCrossentropy(Tensor<T> labels, Tensor<T> output, bool fromLogits, int axis) =>
        SparseCrossentropy(labels, output, fromLogits, axis, mean: false);

    /// <inheritdoc/>
    public Tensor<T>? MeanSparseCategoricalCrossentropy(Tensor<T> labels, Tensor<T> output, bool fromLogits, int axis) =>
        SparseCrossentropy(labels, output, fromLogits, axis, mean: true);

    private static Tensor<T>? Crossentropy(Tensor<T> target, Tensor<T> output, bool fromLogits, int axis, double[]? classWeights, bool mean)
    {
        if (!Rows(output, axis, out long[] shape, out RowLayout layout) || !ShapeOf(target, nameof(target)).AsSpan().SequenceEqual(shape)) return null;
        T[]? weights = null;
        if (classWeights is not null)
        {
            if (classWeights.Length != layout.Classes) return null;
            weights = classWeights.Select(T.CreateTruncating).ToArray();
        }
        return PerRowOrMean(layout.Rows, Shapes.Without(shape, NormalizedAxis(axis, shape.Length)), mean,
            loss => RunCrossentropy(TensorData.Read(target), TensorData.Read(output), loss, layout, fromLogits, weights));
    }

    private static unsafe void RunCrossentropy(ReadOnlySpan<T> target, ReadOnlySpan<T> output, Span<T> loss, RowLayout layout, bool fromLogits, T[]? weights)
    {
        fixed (T* y = target, x = output, l = loss) CategoricalCrossentropyKernel<T>.Run(y, x, l, layout, fromLogits, weights);
    }

    private static Tensor<T>? SparseCrossentropy(Tensor<T> labels, Tensor<T> output, bool fromLogits, int axis, bool mean)
    {
        if (!Rows(output, axis, out long[] shape, out RowLayout layout)) return null;
        long[] perRow = Shapes.Without(shape, NormalizedAxis(axis, shape.Length));
        long[] labelShape = ShapeOf(labels, nameof(labels));
        // Labels shaped like the per-row result; a rank-0 result is [1] on this engine.
        if (!labelShape.AsSpan().SequenceEqual(perRow) && !(perRow.Length == 0 && labelShape is [1])) return null;
        return PerRowOrMean(layout.Rows, perRow, mean,
            loss => SparseCategoricalCrossentropyKernel<T>.Run(TensorData.Read(labels), TensorData.Read(output), loss, layout, fromLogits, ClipBounds<T>.Low, ClipBounds<T>.High));
    }

    /// <summary>Fills <paramref name="rows"/> per-row values with <paramref name="kernel"/> and returns them as a tensor
    /// of <paramref name="shape"/>, or with <paramref name="mean"/> their mean as a [1] tensor, the per-row values then
    /// in a pooled buffer: a fresh (65536,) float32 array is a 256 KB large-object-heap allocation, new memory to the
    /// process each time (65 page faults, 0.5–0.9 ms on the benchmark machine — more than the kernel).</summary>
    private static Tensor<T> PerRowOrMean(int rows, long[] shape, bool mean, SpanAction kernel)
    {
        if (!mean)
        {
            var loss = new T[rows];
            kernel(loss);
            return Create(loss, shape);
        }
        T[] pooled = System.Buffers.ArrayPool<T>.Shared.Rent(rows);
        try
        {
            kernel(pooled.AsSpan(0, rows));
            return Tensor.Create([MeanOf(pooled.AsSpan(0, rows))], [1]);
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(pooled);
        }
    }

    /// <summary>A kernel writing one value per row.</summary>
    private delegate void SpanAction(Span<T> perRow);

    /// <summary>The row layout around <paramref name="axis"/>, or false for a case the kernels do not take (axis out
    /// of range, zero classes, no rows).</summary>
    private static bool Rows(Tensor<T> output, int axis, out long[] shape, out RowLayout layout)
    {
        shape = ShapeOf(output, nameof(output));
        layout = default;
        if (axis < -shape.Length || axis >= shape.Length) return false;
        layout = RowLayout.Around(shape, NormalizedAxis(axis, shape.Length));
        return layout.Classes > 0 && layout.Rows > 0;
    }

    private static int NormalizedAxis(int axis, int rank) => axis < 0 ? axis + rank : axis;

    private static T MeanOf(ReadOnlySpan<T> values) => RowLossMean.Of(values);
}
