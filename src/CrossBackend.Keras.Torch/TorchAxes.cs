using CrossBackend.Keras;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>Keras's axes on the module's tensors, which are channels-first for rank ≥ 3 (Keras's last axis at
/// dimension 1, the others shifted by one) and as in Keras below that.</summary>
internal static class TorchAxes
{
    /// <summary>The channels-first dimension for a Keras axis (batch counted as 0, negative from the end) of a tensor
    /// with <paramref name="rank"/> non-batch axes.</summary>
    /// <exception cref="NotSupportedException">The batch axis or an axis out of range, naming the layer.</exception>
    public static long ChannelsFirst(int kerasAxis, int rank, string layer)
    {
        int axis = KerasAxes.NonBatch(kerasAxis, rank, layer);
        if (rank < 2) return axis + 1;
        return axis == rank - 1 ? 1 : axis + 2;
    }

    /// <summary>Keras's <c>Permute(dims)</c> (1-based, batch excluded) as the order of one <c>permute</c> of the
    /// channels-first dimensions: output Keras axis j sits at dimension <see cref="ChannelsFirst"/>(j) and takes input
    /// Keras axis dims[j − 1], found at <see cref="ChannelsFirst"/>(dims[j − 1]); the batch stays at 0.</summary>
    public static long[] PermuteOrder(IReadOnlyList<int> dims, string layer)
    {
        int rank = dims.Count;
        var order = new long[rank + 1];
        for (int j = 1; j <= rank; j++) order[ChannelsFirst(j, rank, layer)] = ChannelsFirst(dims[j - 1], rank, layer);
        return order;
    }

    /// <summary>A merge input expanded to <paramref name="rank"/> non-batch axes as Keras 3's <c>Merge.call</c> expands
    /// it (<c>ops.expand_dims(x, axis=1)</c> until the ranks agree), in the channels-first layout: Keras's (N, 1…, a…, c)
    /// is (N, c, 1…, a…) here, so the new axes go at dimension 2 — or at the end when the input has at most one
    /// non-batch axis (its channels axis, or none), which is where (N, c, 1…) puts them.</summary>
    public static Tensor ExpandForMerge(Tensor x, int rank)
    {
        int own = (int)x.ndim - 1;
        if (own >= rank) return x;
        long[] sizes = new long[x.ndim];
        for (int d = 0; d < sizes.Length; d++) sizes[d] = x.size(d);
        long[] ones = Enumerable.Repeat(1L, rank - own).ToArray();
        return x.reshape(own <= 1 ? [.. sizes, .. ones] : [sizes[0], sizes[1], .. ones, .. sizes[2..]]);
    }
}
