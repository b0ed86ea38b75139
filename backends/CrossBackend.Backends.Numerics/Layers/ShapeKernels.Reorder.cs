using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Copies that crop, repeat or reorder cells (Keras's Cropping, UpSampling, RepeatVector and Permute layers).</summary>
internal static partial class ShapeKernels
{
    /// <summary>Cropping of the spatial axes of (N, s₁ … s_k, C): <paramref name="before"/>[d] cells removed at the
    /// start of axis d + 1 and <paramref name="after"/>[d] at its end; batch and channels kept.</summary>
    /// <param name="input">(N, s₁ … s_k, C).</param>
    /// <param name="before">Cells removed at the start, one per spatial axis.</param>
    /// <param name="after">Cells removed at the end, one per spatial axis.</param>
    public static Tensor<T> Crop<T>(Tensor<T> input, ReadOnlySpan<int> before, ReadOnlySpan<int> after)
    {
        ArgumentNullException.ThrowIfNull(input);
        int k = before.Length;
        if (after.Length != k) throw new ArgumentException($"Arguments `before` and `after` must have one length. Received: {k} and {after.Length}", nameof(after));
        LayerChecks.Rank(input, k + 2, nameof(input), "(batch, spatial…, channels)");
        long[] shape = LayerChecks.Shape(input);
        long[] output = (long[])shape.Clone();
        for (int d = 0; d < k; d++)
        {
            if (before[d] < 0 || after[d] < 0 || before[d] + (long)after[d] > shape[d + 1])
                throw new ArgumentOutOfRangeException(nameof(before), $"Crops ({before[d]}, {after[d]}) on axis {d + 1} must be non-negative and fit its length {shape[d + 1]}.");
            output[d + 1] = shape[d + 1] - before[d] - after[d];
        }
        int channels = checked((int)shape[^1]);
        long rows = output[..^1].Aggregate(1L, (a, b) => a * b);
        ReadOnlySpan<T> x = TensorData.Read(input);
        var result = new T[checked(rows * channels)];
        var index = new long[k + 1];   // the output row's index on the batch and spatial axes
        for (long row = 0; row < rows; row++)
        {
            long offset = index[0];
            for (int d = 1; d <= k; d++) offset = offset * shape[d] + index[d] + before[d - 1];
            x.Slice(checked((int)(offset * channels)), channels).CopyTo(result.AsSpan(checked((int)(row * channels)), channels));
            for (int d = k; d >= 0 && ++index[d] == output[d]; d--) index[d] = 0;
        }
        return LayerChecks.Create(result, output);
    }

    /// <summary>Each cell repeated <paramref name="times"/> times along <paramref name="axis"/> in place (numpy's and
    /// Keras's <c>repeat</c>: a, a, b, b — not the whole axis tiled).</summary>
    /// <param name="input">Any rank.</param>
    /// <param name="axis">The axis, 0-based.</param>
    /// <param name="times">Copies of each cell (≥ 1).</param>
    public static Tensor<T> Repeat<T>(Tensor<T> input, int axis, int times)
    {
        ArgumentNullException.ThrowIfNull(input);
        LayerChecks.Positive(times, nameof(times));
        long[] shape = LayerChecks.Shape(input);
        if (axis < 0 || axis >= shape.Length) throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Argument `axis` must lie in [0, {shape.Length}).");
        long outer = shape[..axis].Aggregate(1L, (a, b) => a * b), length = shape[axis];
        int inner = checked((int)shape[(axis + 1)..].Aggregate(1L, (a, b) => a * b));
        ReadOnlySpan<T> x = TensorData.Read(input);
        var result = new T[checked(outer * length * times * inner)];
        for (long cell = 0; cell < outer * length; cell++)
        {
            ReadOnlySpan<T> source = x.Slice(checked((int)(cell * inner)), inner);
            for (int r = 0; r < times; r++) source.CopyTo(result.AsSpan(checked((int)((cell * times + r) * inner)), inner));
        }
        long[] lengths = (long[])shape.Clone();
        lengths[axis] *= times;
        return LayerChecks.Create(result, lengths);
    }

    /// <summary>The axes reordered: output axis d is input axis <paramref name="axes"/>[d] (numpy's <c>transpose</c>).</summary>
    /// <param name="input">Any rank.</param>
    /// <param name="axes">A permutation of 0 … rank − 1.</param>
    public static Tensor<T> Permute<T>(Tensor<T> input, ReadOnlySpan<int> axes)
    {
        ArgumentNullException.ThrowIfNull(input);
        long[] shape = LayerChecks.Shape(input);
        int rank = shape.Length;
        if (axes.Length != rank || !axes.ToArray().Order().SequenceEqual(Enumerable.Range(0, rank)))
            throw new ArgumentException($"Argument `axes` must be a permutation of 0 to {rank - 1}. Received: ({string.Join(", ", axes.ToArray())})", nameof(axes));
        var strides = new long[rank];
        for (long d = rank - 1, s = 1; d >= 0; s *= shape[d], d--) strides[d] = s;
        long[] output = new long[rank], step = new long[rank];
        for (int d = 0; d < rank; d++) (output[d], step[d]) = (shape[axes[d]], strides[axes[d]]);
        ReadOnlySpan<T> x = TensorData.Read(input);
        var result = new T[x.Length];
        var index = new long[rank];
        long offset = 0;
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = x[checked((int)offset)];
            // Odometer over the output's index, moving the input offset by each axis's input stride.
            for (int d = rank - 1; d >= 0; d--)
            {
                offset += step[d];
                if (++index[d] < output[d]) break;
                offset -= step[d] * output[d];
                index[d] = 0;
            }
        }
        return LayerChecks.Create(result, output);
    }
}
