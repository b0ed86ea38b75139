namespace CrossBackend.Keras;

/// <summary>A dense row-major array with its shape — what the layout converters take and return.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="Data">The elements, row-major.</param>
/// <param name="Shape">The shape.</param>
public sealed record KerasArray<T>(T[] Data, long[] Shape)
{
    /// <summary>Checks that <see cref="Data"/> holds exactly the elements <see cref="Shape"/> describes.</summary>
    internal KerasArray<T> Validated(string name)
    {
        ArgumentNullException.ThrowIfNull(Data, name);
        ArgumentNullException.ThrowIfNull(Shape, name);
        long count = Shape.Aggregate(1L, (a, b) => b < 0 ? -1 : a * b);
        if (count != Data.Length)
            throw new ArgumentException($"Argument `{name}` must hold {count} elements for shape {TensorInfo.FormatShape(Shape)}. Received: {Data.Length} elements", name);
        return this;
    }
}

/// <summary>Row-major transposition (NumPy's <c>transpose</c>) on flat arrays.</summary>
internal static class Permutation
{
    /// <summary>out[i_p0, i_p1, …] = in[i_0, i_1, …]: output axis k is input axis <paramref name="axes"/>[k].</summary>
    public static KerasArray<T> Transpose<T>(KerasArray<T> input, int[] axes)
    {
        int rank = input.Shape.Length;
        long[] outShape = axes.Select(a => input.Shape[a]).ToArray();
        var inStrides = new long[rank];
        for (long s = 1, d = rank - 1; d >= 0; d--) { inStrides[d] = s; s *= input.Shape[d]; }
        long[] strideForOut = axes.Select(a => inStrides[a]).ToArray();
        var output = new T[input.Data.Length];
        var index = new long[rank];
        long source = 0;
        for (long o = 0; o < output.Length; o++)
        {
            output[o] = input.Data[source];
            // Advance the output multi-index (last axis fastest) and the matching input offset.
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                source += strideForOut[d];
                if (index[d] < outShape[d]) break;
                source -= strideForOut[d] * outShape[d];
                index[d] = 0;
            }
        }
        return new KerasArray<T>(output, outShape);
    }
}
