using CrossBackend;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The fused crossentropy, focal, KL and Keras-label hinge losses (<see cref="PointwiseLossParameters"/> kinds): at
/// most as many native tensors as the benchmarks' hand-written TorchSharp code (<c>LossCatalogueCases.HandWritten</c>)
/// for the same maths, by working in place on one or two B×C temporaries.
/// </summary>
/// <remarks>
/// <para>Declined (null, the core composes the loss): autograd (the chains overwrite tensors autograd would save),
/// float16/bfloat16, and inputs of different shapes or dtypes.</para>
/// <para>Rounding, within the dtype's tolerance of the composed definitions (PointwiseFusedTests): the binary kinds'
/// crossentropy is Keras's −(y·log p + (1 − y)·log(1 − p)) term by term (<see cref="KerasBinaryCrossentropy"/>; from
/// logits TensorFlow's form, see <see cref="BinaryCrossentropyFromLogits"/>); the focal 1 − p_t is p + y·(1 − 2p) (Keras spells it
/// 1 − (y·p + (1 − y)·(1 − p)): equal for hard labels, both about one unit of 1's last place off for soft ones);
/// constant factors (α, −1, 1/B) are applied once to the sums; KL's y / p is y·(1 / p).</para>
/// </remarks>
public sealed partial class TorchEngine
{
    /// <inheritdoc/>
    public Tensor? PointwiseLoss(PointwiseLossKind kind, PointwiseLossParameters parameters, Tensor target, Tensor output, int axis, bool meanOverAll)
    {
        if (target.dtype != output.dtype || output.dtype is not (ScalarType.Float32 or ScalarType.Float64)) return null;
        if (!SameShape(target, output) || output.numel() == 0) return null;
        int rank = (int)output.ndim;
        if (rank == 0 || axis < -rank || axis >= rank) return null;
        if (torch.is_grad_enabled() && (output.requires_grad || target.requires_grad)) return null;
        if (!(parameters.Gamma >= 0) || parameters.Alpha is double a && !double.IsFinite(a)) return null;
        if (axis < 0) axis += rank;
        long rows = output.numel() / output.size(axis);
        return kind switch
        {
            PointwiseLossKind.BinaryCrossentropy => BinaryCrossentropy(parameters, target, output, axis, meanOverAll),
            PointwiseLossKind.BinaryFocalCrossentropy => MeanOf(BinaryFocal(parameters, target, output), axis, meanOverAll),
            PointwiseLossKind.FocalLoss => FocalLoss(parameters, target, output, axis, meanOverAll),
            PointwiseLossKind.CategoricalFocalCrossentropy => CategoricalFocal(parameters, target, output, axis, rows, meanOverAll),
            PointwiseLossKind.KLDivergence => KLDivergence(target, output, axis, rows, meanOverAll),
            PointwiseLossKind.HingeKerasLabels => KerasHinge(target, output, axis, meanOverAll, squared: false),
            PointwiseLossKind.SquaredHingeKerasLabels => KerasHinge(target, output, axis, meanOverAll, squared: true),
            PointwiseLossKind.CategoricalHinge => CategoricalHinge(target, output, axis, meanOverAll),
            PointwiseLossKind.CosineSimilarity => CosineSimilarity(target, output, axis, meanOverAll),
            _ => null,
        };
    }

    /// <summary>y·(1 − ls) + ls·<paramref name="share"/>, or y itself without smoothing (then not to be disposed).</summary>
    private static Tensor Smoothed(Tensor target, double smoothing, double share)
    {
        if (!(smoothing > 0)) return target;
        using Scalar kept = (1 - smoothing).ToScalar(), added = (smoothing * share).ToScalar();
        return target.mul(kept).add_(added, alpha: HeldScalars.One);
    }

    private static Tensor? BinaryCrossentropy(PointwiseLossParameters o, Tensor target, Tensor output, int axis, bool meanOverAll)
    {
        Tensor y = Smoothed(target, o.LabelSmoothing, 0.5);
        try
        {
            if (o.FromLogits) return BinaryCrossentropyFromLogits(y, output, axis, meanOverAll);
            using Tensor p = output.clamp(HeldScalars.Epsilon, HeldScalars.OneMinusEpsilon);
            Tensor loss = KerasBinaryCrossentropy(p, y);
            if (!meanOverAll) return Functional(loss, axis, meanOverAll: false);
            using (loss) return loss.mean();
        }
        finally
        {
            if (!ReferenceEquals(y, target)) y.Dispose();
        }
    }

    /// <summary>
    /// Keras's −(y·log p + (1 − y)·log(1 − p)) per element, for p already clipped: the result and one temporary, with
    /// <paramref name="clipped"/>'s memory reused for log(1 − p). 1 − p is rounded to the dtype before its log, as
    /// Keras (and the composed path) compute it, not libtorch's <c>binary_cross_entropy</c> with log1p(−p): at p =
    /// 1e-5, y = 0 float32 gives 1.0013630e-5 there and 1.0000050e-5 here with log1p, and at the clip bound 1e-7,
    /// 1.1920929e-7 against 1.0000001e-7 — a gap the other engine would not share.
    /// </summary>
    private static Tensor KerasBinaryCrossentropy(Tensor clipped, Tensor y)
    {
        Tensor loss = clipped.log().mul_(y);
        using (Tensor notY = y.neg().add_(HeldScalars.One, alpha: HeldScalars.One))
            clipped.neg_().add_(HeldScalars.One, alpha: HeldScalars.One).log_().mul_(notY);
        return loss.add_(clipped, alpha: HeldScalars.One).neg_();
    }

    /// <summary>
    /// TensorFlow's <c>sigmoid_cross_entropy_with_logits</c>, (max(x, 0) − x·y) + log1p(exp(−|x|)) in that order, in
    /// two native tensors. Not libtorch's <c>binary_cross_entropy_with_logits</c>: it computes (1 − y)·x − log σ(x),
    /// which cancels for x ≪ 0 with y = 0 (x = −10: 4.5776e-05 in float32 against 4.5399e-05, 0.8 % off; here exact).
    /// </summary>
    private static Tensor BinaryCrossentropyFromLogits(Tensor y, Tensor x, int axis, bool meanOverAll)
    {
        using Tensor softplus = x.abs();
        softplus.neg_().exp_().log1p_();
        Tensor loss = x.relu();
        loss.addcmul_(x, y, HeldScalars.MinusOne).add_(softplus, alpha: HeldScalars.One);
        if (!meanOverAll) return Functional(loss, axis, meanOverAll: false);
        using (loss) return loss.mean();
    }

    /// <summary>A functional's result: already the mean over every element, or per element (averaged here).</summary>
    private static Tensor Functional(Tensor loss, int axis, bool meanOverAll)
    {
        if (meanOverAll) return loss;
        using (loss) return loss.mean([axis]);
    }

    /// <summary>Keras's binary focal crossentropy per element (α_t applied when Alpha is given): four native tensors,
    /// the result included (five with logits, six with smoothing).</summary>
    private static Tensor BinaryFocal(PointwiseLossParameters o, Tensor target, Tensor output)
    {
        Tensor y = Smoothed(target, o.LabelSmoothing, 0.5);
        Tensor p = o.FromLogits ? output.sigmoid() : output;
        try
        {
            using Tensor clipped = p.clamp(HeldScalars.Epsilon, HeldScalars.OneMinusEpsilon);
            Tensor focal = KerasBinaryCrossentropy(clipped, y);
            if (o.Gamma != 0)
            {
                // (1 − p_t)^γ from the unclipped p, times the crossentropy.
                using Tensor bce = focal;
                using Scalar gamma = o.Gamma.ToScalar();
                focal = p.mul(HeldScalars.MinusTwo).add_(HeldScalars.One, alpha: HeldScalars.One).mul_(y).add_(p, alpha: HeldScalars.One).pow_(gamma).mul_(bce);
            }
            // α_t = (1 − α) + y·(2α − 1), built in the clipped p's (no longer needed) memory.
            if (o.Alpha is double alpha)
            {
                using Scalar slope = (2 * alpha - 1).ToScalar(), offset = (1 - alpha).ToScalar();
                focal.mul_(clipped.copy_(y).mul_(slope).add_(offset, alpha: HeldScalars.One));
            }
            return focal;
        }
        finally
        {
            if (!ReferenceEquals(y, target)) y.Dispose();
            if (!ReferenceEquals(p, output)) p.Dispose();
        }
    }

    /// <summary>FastEstimator's focal_loss (shape_reduction 'sum'): each sample's sum, divided by max(Σ y, 1) when
    /// normalising (the unsmoothed y, as FastEstimator does), then the batch mean or per sample.</summary>
    private static Tensor FocalLoss(PointwiseLossParameters o, Tensor target, Tensor output, int axis, bool meanOverAll)
    {
        using Tensor focal = BinaryFocal(o, target, output);
        Tensor perSample = focal.sum([axis]);
        if (o.Normalize)
        {
            using Tensor positives = target.sum([axis]);
            perSample.div_(positives.clamp_min_(HeldScalars.One));
        }
        if (!meanOverAll) return perSample;
        using (perSample) return perSample.mean();
    }

    /// <summary>Keras's categorical focal crossentropy with one α: Σ (1 − p)^γ·log p·y along the axis, times −α once.</summary>
    private static Tensor CategoricalFocal(PointwiseLossParameters o, Tensor target, Tensor output, int axis, long rows, bool meanOverAll)
    {
        Tensor y = Smoothed(target, o.LabelSmoothing, 1.0 / output.size(axis));
        Tensor probabilities = o.FromLogits ? output.softmax(axis) : output;
        try
        {
            Tensor p;
            using (Tensor total = probabilities.sum([axis], keepdim: true)) p = probabilities.div(total);
            using (p)
            {
                using Tensor log = p.clamp_(HeldScalars.Epsilon, HeldScalars.OneMinusEpsilon).log();
                using Scalar gamma = o.Gamma.ToScalar(), factor = (-(o.Alpha ?? 1)).ToScalar();
                Tensor terms = o.Gamma == 0 ? log : p.neg_().add_(HeldScalars.One, alpha: HeldScalars.One).pow_(gamma).mul_(log);
                terms.mul_(y);
                return Sum(terms, axis, rows, meanOverAll).mul_(factor);
            }
        }
        finally
        {
            if (!ReferenceEquals(y, target)) y.Dispose();
            if (!ReferenceEquals(probabilities, output)) probabilities.Dispose();
        }
    }

    /// <summary>Σ y·log(y·(1 / p)) along the axis, y and p clipped to [ε, 1]: three native tensors.</summary>
    private static Tensor KLDivergence(Tensor target, Tensor output, int axis, long rows, bool meanOverAll)
    {
        using Tensor y = target.clamp(HeldScalars.Epsilon, HeldScalars.One);
        using Tensor terms = output.clamp(HeldScalars.Epsilon, HeldScalars.One);
        terms.reciprocal_().mul_(y).log_().mul_(y);
        return Sum(terms, axis, rows, meanOverAll);
    }

    /// <summary>
    /// Keras's hinge with its label conversion in one temporary: y·(y − 1) is exactly 0 where y is 0 or 1 (also for
    /// the smallest subnormal y, libtorch not flushing them) and not 0 elsewhere (NaN included), so "no element of it
    /// is nonzero" is Keras's "every label is 0 or 1"; the same memory then holds the signed labels and the margins.
    /// Three native tensors against the hand-written check's six.
    /// </summary>
    private static Tensor KerasHinge(Tensor target, Tensor output, int axis, bool meanOverAll, bool squared)
    {
        using Tensor margin = target.sub(HeldScalars.One).mul_(target);
        bool binary;
        using (Tensor anyOther = margin.any()) binary = !anyOther.item<bool>();
        margin.copy_(target);
        if (binary) margin.mul_(HeldScalars.Two).sub_(HeldScalars.One);
        margin.mul_(output).neg_().add_(HeldScalars.One, alpha: HeldScalars.One).clamp_min_(HeldScalars.Zero);
        if (squared) margin.pow_(HeldScalars.Two);
        return Mean(margin, axis, meanOverAll);
    }

    /// <summary>max(max((p − y·p)) − Σ y·p + 1, 0) per row ((1 − y)·p spelled p − y·p, exact for hard labels), in
    /// one B×C temporary: four native tensors, as the hand-written code.</summary>
    private static Tensor CategoricalHinge(Tensor target, Tensor output, int axis, bool meanOverAll)
    {
        using Tensor products = target.mul(output);
        using Tensor positive = products.sum([axis]);
        Tensor perSample = products.neg_().add_(output, alpha: HeldScalars.One).amax([axis]).sub_(positive).add_(HeldScalars.One, alpha: HeldScalars.One).clamp_min_(HeldScalars.Zero);
        if (!meanOverAll) return perSample;
        using (perSample) return perSample.mean();
    }

    /// <summary>The mean along the axis (or over every element) of a temporary, which is disposed.</summary>
    private static Tensor MeanOf(Tensor perElement, int axis, bool meanOverAll)
    {
        using (perElement) return Mean(perElement, axis, meanOverAll);
    }

    /// <summary>The per-sample sums along the axis, or their mean over the <paramref name="rows"/> samples.</summary>
    private static Tensor Sum(Tensor terms, int axis, long rows, bool meanOverAll)
    {
        if (!meanOverAll) return terms.sum([axis]);
        Tensor total = terms.sum();
        using Scalar count = rows.ToScalar();
        return total.div_(count);
    }
}
