using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>The element-wise activations Keras 3.7 and later added, step by step as Keras's TensorFlow backend writes them
/// (keras/src/backend/tensorflow/nn.py) rather than PyTorch's look-alikes, whose operation order (and for celu, its
/// formula) differ; the numerics engine's <c>ActivationKernels</c> are the same.</summary>
internal static partial class TorchActivation
{
    private static readonly Scalar Four = 4.0.ToScalar(), Quarter = 0.25.ToScalar(), MinusHalf = (-0.5).ToScalar();

    /// <summary>max(x, 0) + α·expm1(min(x, 0) / α).</summary>
    private static Tensor Celu(Tensor x, double alpha)
    {
        using Scalar a = alpha.ToScalar();
        using Tensor negative = x.clamp_max(HeldScalars.Zero).div_(a).expm1_().mul_(a);
        return x.clamp_min(HeldScalars.Zero).add_(negative, alpha: HeldScalars.One);
    }

    /// <summary>(x + √(x·x + 4)) / 2.</summary>
    private static Tensor Squareplus(Tensor x)
    {
        using Tensor root = x.mul(x).add_(Four, alpha: HeldScalars.One).sqrt_();
        return x.add(root, alpha: HeldScalars.One).div_(HeldScalars.Two);
    }

    /// <summary>where(x &gt; 0.5, x − 0.5, where(x &lt; −0.5, x + 0.5, 0)).</summary>
    private static Tensor SoftShrink(Tensor x)
    {
        using Tensor above = x.gt(Half), below = x.lt(MinusHalf);
        using Tensor minus = x.add(MinusHalf, alpha: HeldScalars.One), plus = x.add(Half, alpha: HeldScalars.One), zero = zeros_like(x);
        using Tensor inner = where(below, plus, zero);
        return where(above, minus, inner);
    }

    /// <summary>where(x ≤ −1, 0, where(x &lt; 1, (1/4)·(x + 1)², x)).</summary>
    private static Tensor SparsePlus(Tensor x)
    {
        using Tensor shifted = x.add(HeldScalars.One, alpha: HeldScalars.One);
        using Tensor square = shifted.mul(shifted).mul_(Quarter);
        using Tensor low = x.le(HeldScalars.MinusOne), inside = x.lt(HeldScalars.One), zero = zeros_like(x);
        using Tensor upper = where(inside, square, x);
        return where(low, zero, upper);
    }

    /// <summary>x − tanh(x).</summary>
    private static Tensor TanhShrink(Tensor x)
    {
        using Tensor tanh = x.tanh();
        return x.add(tanh, alpha: HeldScalars.MinusOne);
    }

    /// <summary>where(x ≤ −1, 0, where(x ≥ 1, 1, 0.5·(x + 1))).</summary>
    private static Tensor SparseSigmoid(Tensor x)
    {
        using Tensor line = x.add(HeldScalars.One, alpha: HeldScalars.One).mul_(Half);
        using Tensor low = x.le(HeldScalars.MinusOne), high = x.ge(HeldScalars.One), zero = zeros_like(x), one = ones_like(x);
        using Tensor upper = where(high, one, line);
        return where(low, zero, upper);
    }

    /// <summary>where(|x| &gt; 0.5, x, 0).</summary>
    private static Tensor HardShrink(Tensor x)
    {
        using Tensor magnitude = x.abs();
        using Tensor keep = magnitude.gt(Half), zero = zeros_like(x);
        return where(keep, x, zero);
    }
}
