using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

public sealed partial class TorchEngine
{
    /// <inheritdoc/>
    /// <remarks>One axis: <c>torch.linalg.vecdot</c>, libtorch's own (x·y).sum(dim) in one call (the same numbers as the
    /// composed form, one native tensor for .NET instead of two). Several axes or all: the composed form; not
    /// <c>torch.dot</c>, whose BLAS kernel accumulates millions of float32 products in a few float32 lanes (the pairwise
    /// sum of <c>sum</c> stays within the float32 tolerance, that does not).</remarks>
    public override Tensor Dot(Tensor a, Tensor b, int[]? axes, bool keepDims)
    {
        if (axes is not [int axis] || !SameShape(a, b)) return base.Dot(a, b, axes, keepDims);
        long dim = Axis(a, axis);
        Tensor result = linalg.vecdot(a, b, dim);
        return keepDims ? result.unsqueeze(dim) : result;
    }
}
