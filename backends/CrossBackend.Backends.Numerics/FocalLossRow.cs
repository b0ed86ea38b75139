using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// FastEstimator's <c>focal_loss</c> (shape_reduction 'sum') on one row of the last axis: Σ of the binary focal terms
/// (<see cref="BinaryFocalFunction{T}"/>), each divided in T by max(Σ y, 1) when normalising, accumulated in double
/// and rounded to T once; Σ y in double rounded to T, then the maximum with 1 in T. The composed path's order: the
/// per-element loss, its division by the row's normaliser, the sum along the row.
/// </summary>
internal readonly struct FocalLossRow<T>(PointwiseLossParameters parameters) : IRowLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly BinaryFocalFunction<T> _focal = new(parameters);
    private readonly bool _normalize = parameters.Normalize;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T Row(ReadOnlySpan<T> p, ReadOnlySpan<T> y)
    {
        int width = Vector<T>.Count, n = p.Length, i = 0;
        T normaliser = _normalize ? T.Max(T.CreateTruncating(NumericsOps<T>.SumInDouble(y)), T.One) : T.One;
        var divisor = new Vector<T>(normaliser);
        Vector<double> low = Vector<double>.Zero, high = Vector<double>.Zero;
        for (; i <= n - width; i += width)
        {
            Vector<T> term = _focal.Invoke(new Vector<T>(p.Slice(i, width)), new Vector<T>(y.Slice(i, width)));
            RowMath<T>.AddWidened(ref low, ref high, _normalize ? term / divisor : term);
        }
        if (i < n)
        {
            // The tail in one padded vector (p = ½, y = 0 past the row: finite terms), its extra lanes masked out.
            Span<T> pt = stackalloc T[width], yt = stackalloc T[width];
            pt.Fill(T.CreateTruncating(0.5));
            yt.Clear();
            p[i..].CopyTo(pt);
            y[i..].CopyTo(yt);
            Vector<T> term = _focal.Invoke(new Vector<T>(pt), new Vector<T>(yt));
            if (_normalize) term /= divisor;
            Vector<T> inRow = Vector.LessThan(Vector<T>.Indices, new Vector<T>(T.CreateTruncating(n - i)));
            RowMath<T>.AddWidened(ref low, ref high, Vector.ConditionalSelect(inRow, term, Vector<T>.Zero));
        }
        return T.CreateTruncating(Vector.Sum(low + high));
    }
}
