namespace CrossBackend.Keras;

/// <summary>
/// Whether an <c>Embedding</c>'s token ids lie in its vocabulary [0, input_dim). Every engine checks this before the
/// lookup, with one message naming the layer: TensorFlow refuses such ids too (<c>indices[0,2] = 7 is not in [0, 7)</c>),
/// while libtorch's own error names no layer.
/// </summary>
internal static class KerasEmbeddingIds
{
    /// <summary>Throws when an id lies outside [0, input_dim) of <paramref name="layer"/>.</summary>
    /// <param name="layer">The Embedding layer about to run.</param>
    /// <param name="min">The smallest id of the batch.</param>
    /// <param name="max">The largest id of the batch.</param>
    /// <exception cref="ArgumentOutOfRangeException">An id is out of range (parameter <c>input</c>); the message names
    /// the layer, the id and the vocabulary.</exception>
    public static void EnsureInRange(KerasLayer layer, long min, long max)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Spec is not EmbeddingSpec spec || (min >= 0 && max < spec.InputDim)) return;
        long bad = min < 0 ? min : max;
        throw new ArgumentOutOfRangeException("input", bad,
            $"layer `{layer.Name}` (Embedding): token id {bad} is outside its vocabulary [0, {spec.InputDim}) (input_dim={spec.InputDim}); " +
            "Keras refuses it too. Map unknown tokens to an id below input_dim, or load a model whose input_dim covers every id.");
    }
}
