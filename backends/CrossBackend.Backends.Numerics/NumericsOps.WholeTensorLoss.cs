using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The whole-tensor losses (<see cref="IFusedWholeTensorLoss{TTensor}"/>: dice and tversky over every element,
/// l2_regularization's scaled Σ p²) in one pass over the inputs by the core's <see cref="WholeTensorSums{T}"/>: Σ y·p,
/// Σ y and Σ p (or Σ p²) together, where the composed path reads y_pred three times (a dot product and two sums).
/// </summary>
public sealed unsafe partial class NumericsOps<T> : IFusedWholeTensorLoss<Tensor<T>>
{
    /// <inheritdoc/>
    /// <remarks>Declines (null) an unknown kind, a missing or differently shaped target, empty tensors and a
    /// non-finite parameter.</remarks>
    public Tensor<T>? WholeTensorLoss(WholeTensorLossKind kind, double first, double second, Tensor<T>? target, Tensor<T> output)
    {
        if (!Enum.IsDefined(kind) || !double.IsFinite(first) || !double.IsFinite(second)) return null;
        long[] shape = ShapeOf(output, nameof(output));
        bool squares = kind == WholeTensorLossKind.ScaledSumOfSquares;
        if (!squares && (target is null || !ShapeOf(target, nameof(target)).AsSpan().SequenceEqual(shape))) return null;
        ReadOnlySpan<T> p = TensorData.Read(output);
        if (p.Length == 0) return null;
        ReadOnlySpan<T> y = squares ? p : TensorData.Read(target!);
        fixed (T* pp = p, py = y)
            return Create([WholeTensorSums<T>.Loss(kind, first, second, py, pp, p.Length)], []);
    }
}
