using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Batch normalisation at inference over the last (channels) axis, as Keras/TensorFlow compute it.</summary>
internal static class BatchNormKernel
{
    /// <summary>
    /// y = x · s + (β − mean · s) with s = γ / √(var + ε), per channel of the last axis — TensorFlow's
    /// <c>batch_normalization</c> arrangement. ε is the layer's own (Keras's default 1e-3; PyTorch's 1e-5).
    /// </summary>
    /// <param name="input">(…, C).</param>
    /// <param name="gamma">γ (C).</param>
    /// <param name="beta">β (C).</param>
    /// <param name="mean">The moving mean (C).</param>
    /// <param name="variance">The moving variance (C).</param>
    /// <param name="epsilon">ε, positive.</param>
    public static Tensor<T> BatchNorm<T>(Tensor<T> input, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, double epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 1) throw new ArgumentException("Argument `input` must have a channels axis.", nameof(input));
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Argument `epsilon` must be positive.");
        int c = (int)input.Lengths[^1];
        LayerChecks.Length(gamma, c, nameof(gamma));
        LayerChecks.Length(beta, c, nameof(beta));
        LayerChecks.Length(mean, c, nameof(mean));
        LayerChecks.Length(variance, c, nameof(variance));
        var scale = new T[c];
        var shift = new T[c];
        T eps = T.CreateChecked(epsilon);
        for (int i = 0; i < c; i++)
        {
            scale[i] = gamma[i] / T.Sqrt(variance[i] + eps);
            shift[i] = beta[i] - mean[i] * scale[i];
        }
        T[] x = TensorData.ToArray(input);
        int rows = c == 0 ? 0 : x.Length / c;
        LayerChecks.ForRanges(rows, Math.Max(1, (1 << 15) / Math.Max(1, c)), (first, end) =>
        {
            for (int r = first; r < end; r++)
            {
                Span<T> row = x.AsSpan(r * c, c);
                TensorPrimitives.FusedMultiplyAdd(row, scale, shift, row);
            }
        });
        return Tensor.Create(x, input.Lengths);
    }
}
