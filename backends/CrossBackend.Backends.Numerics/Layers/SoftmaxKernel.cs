using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Softmax over any axes of a tensor (Keras 3's <c>Softmax(axis=…)</c>); the fused activation path handles the
/// last axis alone in place (<see cref="ActivationKernels.Softmax{T}"/>).</summary>
internal static class SoftmaxKernel
{
    /// <summary>
    /// The softmax of <paramref name="input"/> over <paramref name="axes"/> together. One axis: e^(x − max) / Σ e^(x − max),
    /// as <c>tf.nn.softmax</c>. Several: exp(x − logsumexp(x, axes)), as Keras 3's <c>Softmax</c> layer computes a tuple
    /// of axes, logsumexp as TensorFlow's <c>reduce_logsumexp</c> (max + log Σ e^(x − max)). The normalised axes are
    /// moved last (a copy), each run of their values normalised, and the result moved back.
    /// </summary>
    /// <param name="input">Any tensor.</param>
    /// <param name="axes">Axes of <paramref name="input"/> (negative counts from the end), each at most once.</param>
    public static Tensor<T> Softmax<T>(Tensor<T> input, IReadOnlyList<int> axes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(axes);
        long[] shape = LayerChecks.Shape(input);
        int rank = shape.Length;
        int[] along = axes.Select(a => a < 0 ? a + rank : a).Order().ToArray();
        if (along.Length == 0 || along.Any(a => a < 0 || a >= rank) || along.Distinct().Count() != along.Length)
            throw new ArgumentException($"Argument `axes` must name distinct axes of a rank-{rank} tensor. Received: axes=[{string.Join(", ", axes)}]", nameof(axes));
        int[] order = [.. Enumerable.Range(0, rank).Where(a => !along.Contains(a)), .. along];
        bool moved = order.Select((a, i) => a != i).Any(m => m);
        T[] values = moved ? DensePermute<T>.Permute(TensorData.Read(input), shape, order) : TensorData.ToArray(input);
        int rowLength = checked((int)along.Aggregate(1L, (p, a) => p * shape[a]));
        if (values.Length > 0)
        {
            if (along.Length == 1) ActivationKernels.Softmax<T>(values, rowLength);
            else ExpMinusLogSumExp<T>(values, rowLength);
        }
        if (!moved) return LayerChecks.Create(values, shape);
        long[] movedShape = order.Select(a => shape[a]).ToArray();
        int[] back = Enumerable.Range(0, rank).Select(a => Array.IndexOf(order, a)).ToArray();
        return LayerChecks.Create(DensePermute<T>.Permute(values, movedShape, back), shape);
    }

    /// <summary>exp(x − (m + log Σ e^(x − m))) over each run of <paramref name="rowLength"/>, m the run's maximum, in
    /// TensorFlow's order of operations.</summary>
    private static void ExpMinusLogSumExp<T>(Span<T> values, int rowLength) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shifted = new T[rowLength];
        for (int start = 0; start < values.Length; start += rowLength)
        {
            Span<T> row = values.Slice(start, rowLength);
            T max = TensorPrimitives.Max<T>(row);
            TensorPrimitives.Subtract(row, max, shifted);
            DoubleExp.Span<T>(shifted, shifted);
            T logSumExp = T.Log(TensorPrimitives.Sum<T>(shifted)) + max;
            TensorPrimitives.Subtract(row, logSumExp, row);
            DoubleExp.Span<T>(row, row);
        }
    }
}
