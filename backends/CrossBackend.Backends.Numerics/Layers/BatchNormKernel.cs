using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Batch normalisation at inference over one axis (the channels, last, by default), as Keras/TensorFlow compute it.</summary>
internal static class BatchNormKernel
{
    /// <summary>
    /// y = x · s + (β − mean · s) with s = γ / √(var + ε), per channel of the last axis — TensorFlow's
    /// <c>batch_normalization</c> arrangement. ε is the layer's own (Keras's default 1e-3; PyTorch's 1e-5).
    /// </summary>
    /// <param name="input">(…, C, …): C at <paramref name="axis"/>.</param>
    /// <param name="gamma">γ (C).</param>
    /// <param name="beta">β (C).</param>
    /// <param name="mean">The moving mean (C).</param>
    /// <param name="variance">The moving variance (C).</param>
    /// <param name="epsilon">ε, positive.</param>
    /// <param name="axis">The normalised axis of <paramref name="input"/> (negative counts from the end; −1, the last,
    /// by default).</param>
    public static Tensor<T> BatchNorm<T>(Tensor<T> input, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, double epsilon,
        int axis = -1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 1) throw new ArgumentException("Argument `input` must have a channels axis.", nameof(input));
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Argument `epsilon` must be positive.");
        int along = axis < 0 ? axis + input.Rank : axis;
        if (along < 0 || along >= input.Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Argument `axis` must lie in [-{input.Rank}, {input.Rank}).");
        int c = (int)input.Lengths[along];
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
        if (along != input.Rank - 1)
        {
            ScaleBlocks(x, c, checked((int)TensorData.Shape(input.Lengths)[(along + 1)..].Aggregate(1L, (p, q) => p * q)), scale, shift);
            return Tensor.Create(x, input.Lengths);
        }
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

    /// <summary>x · s + shift in place when the axis is not the last: the values form (outer, C, inner) blocks, each run
    /// of <paramref name="inner"/> values shares one channel, so each run takes one fused multiply-add with that channel's
    /// scale and shift spread over the run (the same arithmetic as the last-axis path).</summary>
    private static void ScaleBlocks<T>(T[] x, int c, int inner, T[] scale, T[] shift) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (c == 0 || inner == 0) return;
        int outer = x.Length / (c * inner);
        LayerChecks.ForRanges(c, Math.Max(1, (1 << 15) / Math.Max(1, outer * inner)), (first, end) =>
        {
            var s = new T[inner];
            var b = new T[inner];
            for (int channel = first; channel < end; channel++)
            {
                Array.Fill(s, scale[channel]);
                Array.Fill(b, shift[channel]);
                for (int o = 0; o < outer; o++)
                {
                    Span<T> run = x.AsSpan((o * c + channel) * inner, inner);
                    TensorPrimitives.FusedMultiplyAdd(run, s, b, run);
                }
            }
        });
    }
}
