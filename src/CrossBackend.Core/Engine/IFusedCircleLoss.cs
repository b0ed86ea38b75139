namespace CrossBackend;

/// <summary>
/// An optional fused kernel for the part of <c>Losses.Circle</c> after the matrix product: from the query/reference
/// cosine similarities to one loss per query in one pass over each row, where the composed path makes some twenty
/// (Batch, N) temporaries. The composed code in <c>Circle.cs</c> defines the numbers; the fused-vs-composed tests hold
/// a kernel to them. Return null to decline a case (non-finite similarities, a dtype, a shape), and the core composes
/// the loss from the general ops.
/// </summary>
public interface IFusedCircleLoss<TTensor> where TTensor : class
{
    /// <summary>Per-query circle loss, shape (Batch,), in the similarities' dtype; 0 for a query with no positive or
    /// no negative pair. With <paramref name="maskedMean"/>, instead their mean over the queries whose loss is
    /// greater than 0 (0 when there is none), a 0-d tensor: Keras's masked sum-over-batch-size, which the core would
    /// otherwise take from the per-query losses in several more tensors.</summary>
    /// <param name="similarities">y_pred·refᵀ, (Batch, N).</param>
    /// <param name="labels">The queries' labels, (Batch,), integer values in the similarities' tensor type.</param>
    /// <param name="refLabels">The references' labels, (N,), as <paramref name="labels"/>.</param>
    /// <param name="removeDiagonal">Whether the pair i = j is not a positive.</param>
    /// <param name="gamma">The scale γ (finite, ≥ 0).</param>
    /// <param name="margin">The relaxation m (finite, ≥ 0).</param>
    /// <param name="maskedMean">Return the masked mean instead of the per-query losses.</param>
    TTensor? CircleLoss(TTensor similarities, TTensor labels, TTensor refLabels, bool removeDiagonal, double gamma, double margin, bool maskedMean);
}
