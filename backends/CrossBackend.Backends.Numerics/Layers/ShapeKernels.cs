using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Layers that move data without arithmetic (padding, concatenation, lookup).</summary>
internal static partial class ShapeKernels
{
    /// <summary>Zero padding of (N, H, W, C): rows before/after, columns before/after.</summary>
    public static Tensor<T> ZeroPad2D<T>(Tensor<T> input, Padding2D padding) where T : unmanaged, INumberBase<T>
    {
        LayerChecks.Rank(input, 4, nameof(input), "(batch, height, width, channels)");
        if (padding.Top < 0 || padding.Bottom < 0 || padding.Left < 0 || padding.Right < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "Argument `padding` must not be negative.");
        int n = (int)input.Lengths[0], h = (int)input.Lengths[1], w = (int)input.Lengths[2], c = (int)input.Lengths[3];
        int oh = h + padding.Top + padding.Bottom, ow = w + padding.Left + padding.Right;
        ReadOnlySpan<T> x = TensorData.Read(input);
        var output = new T[(long)n * oh * ow * c];
        for (int image = 0; image < n; image++)
            for (int y = 0; y < h; y++)
                x.Slice((image * h + y) * w * c, w * c).CopyTo(output.AsSpan(((image * oh + y + padding.Top) * ow + padding.Left) * c, w * c));
        return LayerChecks.Create(output, n, oh, ow, c);
    }

    /// <summary>Concatenation along <paramref name="axis"/> (negative counts from the end); other axes must agree.</summary>
    public static Tensor<T> Concatenate<T>(IReadOnlyList<Tensor<T>> inputs, int axis)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("Argument `inputs` must hold at least one tensor.", nameof(inputs));
        long[] first = LayerChecks.Shape(inputs[0]);
        int rank = first.Length;
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Argument `axis` must lie in [-{rank}, {rank}).");
        foreach (Tensor<T> t in inputs)
        {
            long[] s = LayerChecks.Shape(t);
            if (s.Length != rank || Enumerable.Range(0, rank).Any(d => d != a && s[d] != first[d]))
                throw new ArgumentException(
                    $"Argument `inputs` must agree off axis {axis}. Received shapes: {string.Join(", ", inputs.Select(x => TensorInfo.FormatShape(LayerChecks.Shape(x))))}", nameof(inputs));
        }
        long outer = first[..a].Aggregate(1L, (p, q) => p * q), inner = first[(a + 1)..].Aggregate(1L, (p, q) => p * q);
        long total = inputs.Sum(t => t.Lengths[a]);
        var output = new T[outer * total * inner];
        long offset = 0;
        foreach (Tensor<T> t in inputs)
        {
            ReadOnlySpan<T> x = TensorData.Read(t);
            int block = checked((int)(t.Lengths[a] * inner));
            for (long o = 0; o < outer; o++) x.Slice(checked((int)(o * block)), block).CopyTo(output.AsSpan(checked((int)(o * total * inner + offset)), block));
            offset += block;
        }
        long[] shape = (long[])first.Clone();
        shape[a] = total;
        return LayerChecks.Create(output, shape);
    }

    /// <summary>Embedding lookup: indices (…) → (…, D), row i of <paramref name="table"/> (V, D) for index i.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index outside [0, V), named with its position.</exception>
    public static Tensor<T> Embedding<T>(Tensor<long> indices, Tensor<T> table)
    {
        ArgumentNullException.ThrowIfNull(indices);
        LayerChecks.Rank(table, 2, nameof(table), "(vocabulary, dimension)");
        int vocabulary = (int)table.Lengths[0], d = (int)table.Lengths[1];
        ReadOnlySpan<long> ids = TensorData.Read(indices);
        ReadOnlySpan<T> rows = TensorData.Read(table);
        var output = new T[(long)ids.Length * d];
        for (int i = 0; i < ids.Length; i++)
        {
            long id = ids[i];
            if (id < 0 || id >= vocabulary)
                throw new ArgumentOutOfRangeException(nameof(indices), id, $"Argument `indices` holds {id} at flat position {i}; indices must lie in [0, {vocabulary}).");
            rows.Slice((int)id * d, d).CopyTo(output.AsSpan(i * d, d));
        }
        return LayerChecks.Create(output, [.. LayerChecks.Shape(indices), d]);
    }
}
