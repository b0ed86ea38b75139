using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Keras's PReLU on a channels-last tensor: relu(x) − α·relu(−x), α broadcast over the batch and over the
/// axes where its length is 1 (Keras's <c>shared_axes</c>).</summary>
internal static class PReLUKernel
{
    /// <summary>Applies PReLU with <paramref name="alpha"/>, whose shape is the input's without the batch axis, with
    /// 1 on shared axes.</summary>
    public static Tensor<T> PReLU<T>(Tensor<T> input, Tensor<T> alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(alpha);
        long[] shape = LayerChecks.Shape(input), alphaShape = LayerChecks.Shape(alpha);
        if (shape.Length != alphaShape.Length + 1 || alphaShape.Where((a, d) => a != 1 && a != shape[d + 1]).Any())
            throw new ArgumentException(
                $"Argument `alpha` must have the input's shape without the batch axis, with 1 on shared axes. Received: alpha.shape={TensorInfo.FormatShape(alphaShape)}, input.shape={TensorInfo.FormatShape(shape)}", nameof(alpha));
        int[] index = AlphaIndex(shape[1..], alphaShape);
        T[] a = TensorData.ToArray(alpha), values = TensorData.ToArray(input);
        for (int start = 0; start < values.Length; start += index.Length)
            for (int i = 0; i < index.Length; i++)
            {
                T x = values[start + i];
                // Keras's order: relu(x) + (−α·relu(−x)); x − 0 and 0 − α·|x| keep its signs of zero.
                values[start + i] = T.Max(x, T.Zero) - a[index[i]] * T.Max(-x, T.Zero);
            }
        return Tensor.Create(values, input.Lengths);
    }

    /// <summary>For each cell of one sample (row-major), the cell of α it reads: coordinates on length-1 axes of α are 0.</summary>
    private static int[] AlphaIndex(long[] sample, long[] alphaShape)
    {
        int size = checked((int)sample.Aggregate(1L, (p, v) => p * v));
        var index = new int[size];
        var coordinate = new long[sample.Length];
        for (int i = 0; i < size; i++)
        {
            long flat = 0;
            for (int d = 0; d < sample.Length; d++) flat = flat * alphaShape[d] + (alphaShape[d] == 1 ? 0 : coordinate[d]);
            index[i] = (int)flat;
            for (int d = sample.Length - 1; d >= 0 && ++coordinate[d] == sample[d]; d--) coordinate[d] = 0;
        }
        return index;
    }
}
