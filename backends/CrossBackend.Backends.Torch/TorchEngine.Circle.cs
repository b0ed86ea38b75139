using CrossBackend;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// Circle loss after the matrix product (<see cref="IFusedCircleLoss{TTensor}"/>): the positive and negative terms
/// as two (Batch, N) tensors updated in place, the pairs of the other kind (and the diagonal) filled with −∞, and
/// libtorch's <c>logsumexp</c> of each row — about 15 native tensors where the composed path makes about 90.
/// </summary>
/// <remarks>
/// The arithmetic is the composed path's, in the same order: d = max(1 − s, 0); (max(d + m, 0)·(m − d))·(−γ);
/// (max((1 + m) − d, 0)·((1 − m) − d))·γ; softplus as <see cref="Unary"/> computes it. A row with no pair of a kind has
/// a log-sum-exp of −∞ and a softplus of exactly 0, the composed path's value. Declined: autograd (the terms are
/// updated in place), dtypes other than float32/float64, and any result that is not finite (NaN or ±∞ similarities:
/// the composed path defines those, e.g. a NaN among the negatives of a query with no positive still gives 0 there).
/// </remarks>
public sealed partial class TorchEngine : IFusedCircleLoss<Tensor>
{
    /// <inheritdoc/>
    public Tensor? CircleLoss(Tensor similarities, Tensor labels, Tensor refLabels, bool removeDiagonal, double gamma, double margin)
    {
        if (similarities.dim() != 2 || similarities.dtype is not (ScalarType.Float32 or ScalarType.Float64) || similarities.numel() == 0) return null;
        if (torch.is_grad_enabled() && similarities.requires_grad) return null;
        if (labels.dim() != 1 || refLabels.dim() != 1 || labels.shape[0] != similarities.shape[0] || refLabels.shape[0] != similarities.shape[1]) return null;
        if (!double.IsFinite(gamma) || !double.IsFinite(margin)) return null;

        using Scalar one = 1.0.ToScalar(), zero = 0.0.ToScalar(), excluded = double.NegativeInfinity.ToScalar();
        using Scalar m = margin.ToScalar(), onePlus = (1 + margin).ToScalar(), oneMinus = (1 - margin).ToScalar();
        using Scalar g = gamma.ToScalar(), minusG = (-gamma).ToScalar();

        using Tensor distances = similarities.neg().add_(one).clamp_min_(zero);   // −s + 1 = 1 − s exactly
        using Tensor queries = labels.unsqueeze(1), references = refLabels.unsqueeze(0);
        using Tensor same = queries.eq(references);
        using Tensor other = same.logical_not();

        // The factor (m − d), then (1 − m) − d, in one buffer: −d + c = c − d exactly.
        using Tensor factor = distances.neg().add_(m);
        using Tensor positive = distances.add(m).clamp_min_(zero).mul_(factor).mul_(minusG).masked_fill_(other, excluded);
        if (removeDiagonal)
        {
            using Tensor diagonal = positive.diagonal();
            diagonal.fill_(excluded);   // a query is not its own positive
        }
        using Tensor positiveLse = positive.logsumexp(1);

        factor.copy_(distances).neg_().add_(oneMinus);
        using Tensor negative = distances.neg().add_(onePlus).clamp_min_(zero).mul_(factor).mul_(g).masked_fill_(same, excluded);
        using Tensor negativeLse = negative.logsumexp(1);

        // softplus(x) = max(x, 0) + log1p(exp(−|x|)), Unary's formula, on the (Batch,) sums.
        Tensor x = positiveLse.add_(negativeLse);
        using Tensor rectified = x.clamp_min(zero);
        Tensor loss = x.abs().neg_().exp_().log1p_().add_(rectified);
        using (Tensor total = loss.sum())
        {
            if (double.IsFinite(total.ToDouble())) return loss;   // every entry finite (or a sum past the range: declined too)
        }
        loss.Dispose();
        return null;
    }
}
