using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// FastEstimator's <c>focal_loss</c> (shape_reduction 'sum') on one row of the last axis: Σ of the binary focal terms
/// (<see cref="BinaryFocalFunction{T}"/>), each divided in T by max(Σ y, 1) when normalising, summed by
/// <see cref="PointwiseLossKernel{T}.Sum"/> and rounded to T once; Σ y in double rounded to T, then the maximum with 1
/// in T. The composed path's order: the per-element loss, its division by the row's normaliser, the sum along the row.
/// </summary>
internal readonly struct FocalLossRow<T>(PointwiseLossParameters parameters) : IRowLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly BinaryFocalFunction<T> _focal = new(parameters);
    private readonly bool _normalize = parameters.Normalize;

    public T Row(ReadOnlySpan<T> p, ReadOnlySpan<T> y) => T.CreateTruncating(_normalize
        ? PointwiseLossKernel<T>.Sum(p, y, new Divided(_focal, T.Max(T.CreateTruncating(NumericsOps<T>.SumInDouble(y)), T.One)))
        : PointwiseLossKernel<T>.Sum(p, y, _focal));

    /// <summary>The focal term divided by the row's normaliser.</summary>
    private readonly struct Divided(BinaryFocalFunction<T> focal, T normaliser) : IPointwiseFunction<T>
    {
        private readonly BinaryFocalFunction<T> _focal = focal;
        private readonly Vector<T> _normaliser = new(normaliser);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Invoke(Vector<T> p, Vector<T> y) => _focal.Invoke(p, y) / _normaliser;
    }
}
