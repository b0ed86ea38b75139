using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Keras's cosine similarity loss on rows of the last axis in one pass: Σ y·p, Σ y² and Σ p² together, each product
/// rounded to T and accumulated in double, each sum rounded to T once (the composed Dot's policy); then, in T as the
/// composed path takes it, −(Σ y·p · (1/√max(Σ y², ε²) · 1/√max(Σ p², ε²))), ε = 1e-7. The composed path reads
/// both inputs twice (three dot products).
/// </summary>
internal readonly struct CosineSimilarityRow<T> : IRowLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>ε² with ε = 1e-7, the norm floor squared in double and then rounded to T (as the composed Maximum's
    /// constant is).</summary>
    private static readonly T FloorSquared = T.CreateTruncating(1e-7 * 1e-7);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T Row(ReadOnlySpan<T> p, ReadOnlySpan<T> y)
    {
        int width = Vector<T>.Count, n = p.Length, i = 0;
        Vector<double> yp0 = Vector<double>.Zero, yp1 = Vector<double>.Zero, yy0 = Vector<double>.Zero, yy1 = Vector<double>.Zero,
            pp0 = Vector<double>.Zero, pp1 = Vector<double>.Zero;
        for (; i <= n - width; i += width)
        {
            Vector<T> pv = new(p.Slice(i, width)), yv = new(y.Slice(i, width));
            DoubleLanes<T>.AddWidened(ref yp0, ref yp1, yv * pv);
            DoubleLanes<T>.AddWidened(ref yy0, ref yy1, yv * yv);
            DoubleLanes<T>.AddWidened(ref pp0, ref pp1, pv * pv);
        }
        double dot = Vector.Sum(yp0 + yp1), targetSquares = Vector.Sum(yy0 + yy1), outputSquares = Vector.Sum(pp0 + pp1);
        for (; i < n; i++)
        {
            dot += double.CreateTruncating(y[i] * p[i]);
            targetSquares += double.CreateTruncating(y[i] * y[i]);
            outputSquares += double.CreateTruncating(p[i] * p[i]);
        }
        T inverseNorms = InverseNorm(T.CreateTruncating(targetSquares)) * InverseNorm(T.CreateTruncating(outputSquares));
        return -(T.CreateTruncating(dot) * inverseNorms);
    }

    /// <summary>1/√max(s, ε²) in T; NaN stays NaN (the composed Maximum propagates it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T InverseNorm(T squares) => T.One / T.Sqrt(T.IsNaN(squares) ? squares : T.Max(squares, FloorSquared));
}
