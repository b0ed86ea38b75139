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

    /// <summary>Keras 3.7–3.11's sparsemax over <paramref name="dim"/> (<see cref="KerasActivationKind.SparsemaxKeras3"/>),
    /// step by step as keras/src/backend/tensorflow/nn.py writes it: sort descending, cumsum, support where
    /// sorted − (cumsum − 1) / r &gt; 0 (r = 1…n), τ = (Σ where(support, cumsum, 0) − 1) / Σ support, max(x − τ, 0).</summary>
    private static Tensor SparsemaxKeras3(Tensor x, long dim)
    {
        long n = x.size((int)dim);
        (Tensor sorted, Tensor indices) = x.sort(dim, descending: true);
        using (indices)
        using (sorted)
        {
            using Tensor cumsum = sorted.cumsum(dim);
            var shape = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
            shape[(int)(dim < 0 ? x.dim() + dim : dim)] = n;
            using Scalar first = 1.0.ToScalar(), end = ((double)n + 1).ToScalar();
            using Tensor steps = arange(first, end, HeldScalars.One, x.dtype, x.device);
            using Tensor r = steps.reshape(shape);
            using Tensor excess = cumsum.add(HeldScalars.MinusOne, alpha: HeldScalars.One).div_(r);
            using Tensor margin = sorted.add(excess, alpha: HeldScalars.MinusOne);
            using Tensor support = margin.gt(HeldScalars.Zero);
            using Tensor zero = zeros_like(cumsum);
            using Tensor safe = where(support, cumsum, zero);
            using Tensor count = support.to_type(x.dtype).sum(dim, keepdim: true);
            using Tensor tau = safe.sum(dim, keepdim: true).add_(HeldScalars.MinusOne, alpha: HeldScalars.One).div_(count);
            return x.add(tau, alpha: HeldScalars.MinusOne).clamp_min_(HeldScalars.Zero);
        }
    }

    /// <summary>where(|x| &gt; 0.5, x, 0).</summary>
    private static Tensor HardShrink(Tensor x)
    {
        using Tensor magnitude = x.abs();
        using Tensor keep = magnitude.gt(Half), zero = zeros_like(x);
        return where(keep, x, zero);
    }
}
