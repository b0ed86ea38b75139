using CrossBackend;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The fused element-wise losses (<see cref="IFusedPointwiseLoss{TTensor}"/>): libtorch's own loss functionals where
/// their maths is the composed definition's, otherwise one B×C temporary updated in place — the formulations of the
/// benchmarks' hand-written baselines (<c>LossCatalogueCases.HandWritten</c>), so our call makes as few native tensors.
/// </summary>
/// <remarks>
/// <para>Autograd: libtorch's functionals (mse, l1, huber, smooth L1) carry their own backward and serve
/// gradients too. The in-place formulations overwrite tensors autograd would save, so they decline (null) whenever
/// an input requires grad with grad mode on, and the core composes those losses from the general ops.</para>
/// <para>Declined: float16/bfloat16 (the composed path's rounding is the definition there), inputs of different
/// shapes or dtypes (broadcasting), and Huber with delta ≤ 0 (libtorch refuses it).</para>
/// </remarks>
public sealed partial class TorchEngine
{
    /// <inheritdoc/>
    public Tensor? PointwiseLoss(PointwiseLossKind kind, double parameter, Tensor target, Tensor output, int axis, bool meanOverAll)
    {
        if (target.dtype != output.dtype || output.dtype is not (ScalarType.Float32 or ScalarType.Float64)) return null;
        if (!SameShape(target, output) || output.numel() == 0) return null;
        int rank = (int)output.ndim;
        if (axis < -Math.Max(rank, 1) || axis >= Math.Max(rank, 1)) return null;
        bool grad = torch.is_grad_enabled() && (output.requires_grad || target.requires_grad);
        var reduction = meanOverAll ? nn.Reduction.Mean : nn.Reduction.None;
        // A functional's per-element result (reduction None) is averaged along the axis; its mean is already final.
        Tensor Functional(Tensor loss) => meanOverAll ? loss : loss.mean([axis]);
        switch (kind)
        {
            case PointwiseLossKind.SquaredError:
                return Functional(nn.functional.mse_loss(output, target, reduction));
            case PointwiseLossKind.AbsoluteError:
                return Functional(nn.functional.l1_loss(output, target, reduction));
            case PointwiseLossKind.Huber:
                // huber_loss: |e| < delta quadratic (Keras: ≤); both branches meet with the same value and slope.
                return parameter > 0 ? Functional(nn.functional.huber_loss(output, target, parameter, reduction)) : null;
            case PointwiseLossKind.SmoothL1:
                return parameter >= 0 ? Functional(nn.functional.smooth_l1_loss(output, target, reduction, parameter)) : null;
        }
        if (grad) return null;
        Tensor perElement;
        switch (kind)
        {
            case PointwiseLossKind.Poisson:
                // Not poisson_nll_loss: TorchSharp's P/Invoke passes its eps as a float where the native function takes
                // a double, so libtorch does not see ε (p = y = 0 gives NaN, where p − y·log(p + ε) is 0).
                perElement = output.add(HeldScalars.Epsilon, alpha: HeldScalars.One).log_().mul_(target).neg_().add_(output, alpha: HeldScalars.One);
                break;
            case PointwiseLossKind.SquaredLogarithmicError:
                // Keras's log(max(x, ε) + 1) (not log1p): the composed path's rounding.
                perElement = output.clamp_min(HeldScalars.Epsilon).add_(HeldScalars.One, alpha: HeldScalars.One).log_()
                    .sub_(target.clamp_min(HeldScalars.Epsilon).add_(HeldScalars.One, alpha: HeldScalars.One).log_()).pow_(HeldScalars.Two);
                break;
            case PointwiseLossKind.AbsolutePercentageError:
            {
                Tensor mean = Mean(target.sub(output).div_(target.abs().clamp_min_(HeldScalars.Epsilon)).abs_(), axis, meanOverAll);
                return mean.mul_(HeldScalars.Hundred);
            }
            case PointwiseLossKind.LogCosh:
            {
                // |e| + log1p(exp(−2|e|)) − log 2, the constant taken off the mean.
                Tensor absolute = output.sub(target).abs_();
                Tensor mean = Mean(absolute.mul(HeldScalars.MinusTwo).exp_().log1p_().add_(absolute, alpha: HeldScalars.One), axis, meanOverAll);
                return mean.sub_(HeldScalars.Log2);
            }
            default:
                return null;
        }
        return Mean(perElement, axis, meanOverAll);
    }

    private static Tensor Mean(Tensor perElement, int axis, bool overAll) => overAll ? perElement.mean() : perElement.mean([axis]);
}
