using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

public sealed partial class TorchEngine : IFusedDiceRatio<Tensor>
{
    /// <inheritdoc/>
    /// <remarks>The composed path's operations in its order — Σ p·y as the product then its sum (what
    /// <c>linalg.vecdot</c> runs), doubled (n + n there: the same number), Σ p + Σ y, + ε, the quotient — with every
    /// step after the sums in place: four native tensors for hard Dice. Declined (null): autograd (the in-place steps
    /// overwrite what it would save), dtypes other than float32/float64, inputs of different shapes or dtypes, no axes,
    /// empty inputs.</remarks>
    public Tensor? DiceRatio(Tensor p, Tensor y, int[] axes, bool squares, double epsilon)
    {
        if (p.dtype is not (ScalarType.Float32 or ScalarType.Float64) || y.dtype != p.dtype || p.numel() == 0) return null;
        if (axes.Length == 0 || !SameShape(p, y)) return null;
        if (torch.is_grad_enabled() && (p.requires_grad || y.requires_grad)) return null;
        long[] dims = axes.Select(a => (long)a).ToArray();
        Tensor numerator;
        using (Tensor products = p.mul(y)) numerator = products.sum(dims);
        using Tensor denominator = squares ? SumOfSquares(p, dims) : p.sum(dims);
        using Scalar one = 1.0.ToScalar(), two = 2.0.ToScalar(), eps = epsilon.ToScalar();
        using (Tensor truth = squares ? SumOfSquares(y, dims) : y.sum(dims)) denominator.add_(truth, one).add_(eps, one);
        return numerator.mul_(two).div_(denominator);
    }

    private static Tensor SumOfSquares(Tensor x, long[] dims)
    {
        using Tensor squares = x.pow(HeldScalars.Two);
        return squares.sum(dims);
    }
}
