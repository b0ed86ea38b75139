using CrossBackend;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// Circle loss after the matrix product (<see cref="IFusedCircleLoss{TTensor}"/>): the positive and negative terms
/// as two (Batch, N) tensors updated in place (the negative ones in the distances' own buffer), the pairs of the other
/// kind (and the diagonal) filled with −∞, libtorch's <c>logsumexp</c> of each row and <c>softplus</c> — 10 native
/// tensors per query loss where the composed path makes about 90, 12 with Keras's masked mean (the sum and the count
/// of nonzero losses).
/// </summary>
/// <remarks>
/// The arithmetic is the composed path's, in the same order: d = max(1 − s, 0); (max(d + m, 0)·(m − d))·(−γ);
/// (max((1 + m) − d, 0)·((1 − m) − d))·γ. softplus: libtorch's log1p(eᵡ), and x itself above a threshold where
/// x + log1p(e⁻ᵡ) rounds to x in the dtype (20 in float32 as libtorch's default, 40 in float64); the composed path's
/// max(x, 0) + log1p(e^−|x|) is the same function, the two a few units of the last place apart. A row with no pair of
/// a kind has a log-sum-exp of −∞ and a softplus of exactly 0, the composed path's value. The masked mean is the sum
/// of the losses over the count of nonzero ones (every loss is ≥ 0 here; 0 when none), as the composed reduction
/// divides Σ loss·mask by Σ mask. Declined: autograd (the terms are updated in place), dtypes other than
/// float32/float64, and any result that is not finite (NaN or ±∞ similarities: the composed path defines those, e.g. a
/// NaN among the negatives of a query with no positive still gives 0 there).
/// </remarks>
public sealed partial class TorchEngine : IFusedCircleLoss<Tensor>
{
    /// <inheritdoc/>
    public Tensor? CircleLoss(Tensor similarities, Tensor labels, Tensor refLabels, bool removeDiagonal, double gamma, double margin, bool maskedMean)
    {
        if (similarities.dim() != 2 || similarities.dtype is not (ScalarType.Float32 or ScalarType.Float64) || similarities.numel() == 0) return null;
        if (torch.is_grad_enabled() && similarities.requires_grad) return null;
        if (labels.dim() != 1 || refLabels.dim() != 1 || labels.size(0) != similarities.size(0) || refLabels.size(0) != similarities.size(1)) return null;
        if (!double.IsFinite(gamma) || !double.IsFinite(margin)) return null;

        using Scalar one = 1.0.ToScalar(), zero = 0.0.ToScalar(), excluded = double.NegativeInfinity.ToScalar();
        using Scalar m = margin.ToScalar(), onePlus = (1 + margin).ToScalar(), oneMinus = (1 - margin).ToScalar();
        using Scalar g = gamma.ToScalar(), minusG = (-gamma).ToScalar();

        using Tensor distances = similarities.neg().add_(one, one).clamp_min_(zero);   // −s + 1 = 1 − s exactly
        using Tensor queries = labels.unsqueeze(1);
        using Tensor same = queries.eq(refLabels);   // (Batch, 1) against (N,): broadcast to (Batch, N)
        using Tensor other = same.logical_not();

        // The factor (m − d), then (1 − m) − d, in one buffer: −d + c = c − d exactly.
        using Tensor factor = distances.neg().add_(m, one);
        Tensor x;
        using (Tensor positive = distances.add(m, one).clamp_min_(zero).mul_(factor).mul_(minusG).masked_fill_(other, excluded))
        {
            if (removeDiagonal)
            {
                using Tensor diagonal = positive.diagonal();
                diagonal.fill_(excluded);   // a query is not its own positive
            }
            x = positive.logsumexp(1);
        }
        factor.copy_(distances).neg_().add_(oneMinus, one);
        // The distances are not needed after this: the negative terms in their place.
        distances.neg_().add_(onePlus, one).clamp_min_(zero).mul_(factor).mul_(g).masked_fill_(same, excluded);
        using (Tensor negativeLse = distances.logsumexp(1)) x.add_(negativeLse, one);

        Tensor loss;
        using (x) loss = KeptScalarSoftplus.Apply(x, 1, similarities.dtype == ScalarType.Float64 ? 40 : 20);
        Tensor total = loss.sum();
        if (!double.IsFinite(total.ToDouble()))   // every entry finite (or a sum past the range: declined too)
        {
            total.Dispose();
            loss.Dispose();
            return null;
        }
        if (!maskedMean)
        {
            total.Dispose();
            return loss;
        }
        long count;
        using (loss)
        using (Tensor nonzero = loss.count_nonzero()) count = nonzero.ToInt64();
        if (count == 0) return total;   // every loss 0: the sum is 0, the composed divide-no-nan's 0
        using Scalar queriesCounted = ((double)count).ToScalar();
        return total.div_(queriesCounted);
    }
}
