using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Few classes, many rows (segmentation: 21 classes, class axis last): eight rows at a time, one per lane. Column c
/// of eight rows is gathered into one vector, so the max, Σ exp, Σ y and Σ y·(x − m) are plain vertical sums and the
/// per-row horizontal reductions (three sums and a lane-by-lane max per 21-value row) disappear. Same formula, same
/// non-finite rules and the same class-weight arg-max rule as the row-at-a-time path.
/// </summary>
internal static unsafe partial class CategoricalCrossentropyKernel<T>
{
    /// <summary>Up to this many classes the rows-across-lanes layout wins (measured at 21: see benchmarks/README.md);
    /// longer rows fill whole vectors along the row.</summary>
    internal const int MaxAcrossRowsClasses = 32;

    /// <summary>float32, AVX2 gathers, rows contiguous (class axis last) and short.</summary>
    internal static bool AcrossRows(RowLayout layout) =>
        typeof(T) == typeof(float) && Avx2.IsSupported && Vector<float>.Count == 8 && layout.Inner == 1
        && layout.Classes <= MaxAcrossRowsClasses;

    /// <summary>Lane l reads row l of a block: offsets l · classes.</summary>
    internal static Vector256<int> RowOffsets(int classes) => Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * classes;

    /// <summary>Logits for rows [first, end) in blocks of eight; returns the first row left for the row path.</summary>
    private static int LogitsAcrossRows<TWeights>(float* y, float* x, float* loss, int classes, float[]? weights, int first, int end)
        where TWeights : struct, IMode
    {
        bool weighted = typeof(TWeights) == typeof(Weighted);
        Vector256<int> offsets = RowOffsets(classes);
        float* lanes = stackalloc float[5 * 8];
        int r = first;
        for (; r + 8 <= end; r += 8)
        {
            float* xb = x + (long)r * classes, yb = y + (long)r * classes;
            Vector256<float> m = Avx2.GatherVector256(xb, offsets, 4);
            for (int c = 1; c < classes; c++) m = Avx.Max(m, Avx2.GatherVector256(xb + c, offsets, 4));   // as Vector.MaxNative

            Vector256<float> e = Vector256<float>.Zero, dot = Vector256<float>.Zero, sy = Vector256<float>.Zero;
            Vector256<float> best = Vector256<float>.Zero, at = Vector256<float>.Zero;
            for (int c = 0; c < classes; c++)
            {
                Vector256<float> yv = Avx2.GatherVector256(yb + c, offsets, 4);
                Vector256<float> d = Avx2.GatherVector256(xb + c, offsets, 4) - m;
                e += ExpFloat(d.AsVector()).AsVector256();
                dot += yv * d;
                sy += yv;
                if (weighted)
                {
                    if (c == 0) best = yv;
                    else
                    {
                        Vector256<float> take = FirstMaxTakes(yv, best);
                        best = Avx.BlendVariable(best, yv, take);
                        at = Avx.BlendVariable(at, Vector256.Create((float)c), take);
                    }
                }
            }
            m.Store(lanes);
            e.Store(lanes + 8);
            dot.Store(lanes + 16);
            sy.Store(lanes + 24);
            at.Store(lanes + 32);
            for (int l = 0; l < 8; l++)
            {
                // As the row path: Σy·log Σexp(x − m) − Σ y·(x − m) in double; a NaN max gives NaN.
                float value = float.IsNaN(lanes[l])
                    ? float.NaN
                    : (float)((double)lanes[24 + l] * Math.Log(lanes[8 + l]) - lanes[16 + l]);
                if (weighted) value *= weights![(int)lanes[32 + l]];
                loss[r + l] = value;
            }
        }
        return r;
    }

    /// <summary>
    /// The lanes where <paramref name="v"/> (a later class) replaces <paramref name="best"/> under
    /// <see cref="System.Numerics.Tensors.TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/>'s rule (the row path's
    /// exact scan): strictly greater, or the first NaN, or +0 over −0; equal values keep the earlier class.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> FirstMaxTakes(Vector256<float> v, Vector256<float> best)
    {
        Vector256<float> greater = Avx.CompareGreaterThan(v, best);
        Vector256<float> bestNaN = Avx.CompareUnordered(best, best);
        Vector256<float> firstNaN = Avx.AndNot(bestNaN, Avx.CompareUnordered(v, v));
        Vector256<float> bestNegative = Avx2.CompareGreaterThan(Vector256<int>.Zero, best.AsInt32()).AsSingle();
        Vector256<float> vNegative = Avx2.CompareGreaterThan(Vector256<int>.Zero, v.AsInt32()).AsSingle();
        Vector256<float> plusOverMinus = Avx.And(Avx.CompareEqual(v, best), Avx.AndNot(vNegative, bestNegative));
        return Avx.Or(greater, Avx.Or(firstNaN, plusOverMinus));
    }
}
