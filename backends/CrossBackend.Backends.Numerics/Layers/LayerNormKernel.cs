using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Layer normalisation over any axes of a tensor, as Keras's <c>LayerNormalization</c> computes it on TensorFlow.</summary>
internal static class LayerNormKernel
{
    /// <summary>
    /// Per run of the normalised axes: mean = Σx / n, var = Σ(x − mean)² / n (<c>tf.nn.moments</c>: biased, two passes,
    /// in <typeparamref name="T"/>), inv = γ / √(var + ε), y = x · inv + (β − mean · inv) — Keras 3's
    /// <c>LayerNormalization.call</c> (keras/src/layers/normalization/layer_normalization.py; tf.keras 2's
    /// <c>tf.nn.batch_normalization</c> is the same arrangement). The normalised axes are moved last (a copy), each run
    /// normalised, and the result moved back.
    /// </summary>
    /// <param name="input">Any tensor.</param>
    /// <param name="axes">The normalised axes of <paramref name="input"/>, distinct and increasing (γ and β are laid out
    /// in this order).</param>
    /// <param name="gamma">γ over the normalised axes (their lengths' product), or null for 1.</param>
    /// <param name="beta">β over the normalised axes, or null for 0.</param>
    /// <param name="epsilon">ε, added to the variance.</param>
    public static Tensor<T> LayerNorm<T>(Tensor<T> input, IReadOnlyList<int> axes, T[]? gamma, T[]? beta, double epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(axes);
        long[] shape = LayerChecks.Shape(input);
        int rank = shape.Length;
        int[] along = axes.ToArray();
        bool increasing = along.Length > 0 && along.Zip(along.Skip(1)).All(p => p.First < p.Second);
        if (!increasing || along[0] < 0 || along[^1] >= rank)
            throw new ArgumentException($"Argument `axes` must name distinct axes of a rank-{rank} tensor in increasing order. Received: axes=[{string.Join(", ", axes)}]", nameof(axes));
        int rowLength = checked((int)along.Aggregate(1L, (p, a) => p * shape[a]));
        if (gamma is not null) LayerChecks.Length<T>(gamma, rowLength, nameof(gamma));
        if (beta is not null) LayerChecks.Length<T>(beta, rowLength, nameof(beta));
        int[] order = [.. Enumerable.Range(0, rank).Where(a => !along.Contains(a)), .. along];
        bool moved = order.Select((a, i) => a != i).Any(m => m);
        T[] values = moved ? DensePermute<T>.Permute(TensorData.Read(input), shape, order) : TensorData.ToArray(input);
        T eps = T.CreateChecked(epsilon);
        int rows = rowLength == 0 ? 0 : values.Length / rowLength;
        LayerChecks.ForRanges(rows, Math.Max(1, (1 << 14) / Math.Max(1, rowLength)), (first, end) =>
        {
            var scale = new T[rowLength];
            var shift = new T[rowLength];
            T n = T.CreateChecked(rowLength);
            for (int r = first; r < end; r++)
            {
                Span<T> row = values.AsSpan(r * rowLength, rowLength);
                T mean = TensorPrimitives.Sum<T>(row) / n;
                TensorPrimitives.Subtract(row, mean, shift);
                T variance = TensorPrimitives.SumOfSquares<T>(shift) / n;
                T inv = T.One / T.Sqrt(variance + eps);
                if (gamma is null) scale.AsSpan().Fill(inv);
                else TensorPrimitives.Multiply(gamma, inv, scale);
                // shift = β − mean · inv, then y = x · inv + shift: Keras's `res = -mean * inv (+ beta)`, `inputs * inv + res`.
                TensorPrimitives.Multiply(scale, -mean, shift);
                if (beta is not null) TensorPrimitives.Add(shift, beta, shift);
                TensorPrimitives.Multiply(row, scale, row);
                TensorPrimitives.Add(row, shift, row);
            }
        });
        if (!moved) return LayerChecks.Create(values, shape);
        long[] movedShape = order.Select(a => shape[a]).ToArray();
        int[] back = Enumerable.Range(0, rank).Select(a => Array.IndexOf(order, a)).ToArray();
        return LayerChecks.Create(DensePermute<T>.Permute(values, movedShape, back), shape);
    }
}
