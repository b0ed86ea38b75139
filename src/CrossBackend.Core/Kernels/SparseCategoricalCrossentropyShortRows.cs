using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CrossBackend;

/// <summary>
/// Sparse categorical crossentropy from logits for contiguous short float32 rows (a channels-last segmentation map's
/// pixels), vectorised ACROSS rows as <see cref="CategoricalCrossentropyAcrossRows{T}"/> does for one-hot labels: a
/// block of 8 rows is transposed into a stack buffer (one lane per row, one vector per class), then the row maximum,
/// Σ exp(x − m) and the logit at each row's label are taken with vertical vector ops. Along the row a 21-class row
/// fills 3 partly masked vectors and needs horizontal reductions per row. Where the CPU has 512-bit vectors, blocks of
/// 16 rows (two transposed 8-row halves, one 512-bit vector per class): each lane's operations are the same.
/// </summary>
/// <remarks>The formula and its rounding steps are <see cref="SparseCategoricalCrossentropyKernel{T}"/>'s:
/// log Σ exp(x − m) − (x_label − m), the sum and x_label − m in T, the log and the difference in double. A row holding
/// NaN or ±∞ is computed element by element there. Labels are truncated to integers as that kernel reads them; the
/// engine checked them against the class count before.</remarks>
internal static unsafe class SparseCategoricalCrossentropyShortRows
{
    /// <summary>Losses of rows [<paramref name="first"/>, <paramref name="end"/>) of <paramref name="rows"/> contiguous
    /// rows of <paramref name="classes"/> logits (<see cref="CategoricalCrossentropyAcrossRows{T}.TakesShortRows"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Logits(float* labels, float* x, float* loss, int classes, int rows, int first, int end)
    {
        bool wide = Vector512.IsHardwareAccelerated;
        int lanes = wide ? 16 : 8;
        float* xt = stackalloc float[(CategoricalCrossentropyAcrossRows<float>.MaxClasses + 8) * 16];
        float* blockLabels = stackalloc float[16];
        float* checks = stackalloc float[16];
        double* sums = stackalloc double[16];
        long total = (long)rows * classes;
        for (int r0 = first; r0 < end; r0 += lanes)
        {
            int n = Math.Min(lanes, end - r0);
            long offset = (long)r0 * classes;
            // The tile loads read 8 values from each of the block's rows: allowed while they stay in the tensor (rows
            // past `end` belong to another chunk; their lanes are computed and dropped).
            if (offset + (lanes - 1L) * classes + Math.Max(8, classes) <= total)
            {
                if (wide) CategoricalCrossentropyAcrossRows<float>.TransposeTiles16(x + offset, xt, classes);
                else CategoricalCrossentropyAcrossRows<float>.TransposeTiles(x + offset, xt, classes);
            }
            else
                for (int j = 0; j < lanes; j++)
                    for (int c = 0; c < classes; c++) xt[c * lanes + j] = j < n ? x[offset + j * classes + c] : 0f;
            for (int j = 0; j < lanes; j++) blockLabels[j] = j < n ? labels[r0 + j] : 0f;
            if (wide) Block512(xt, blockLabels, classes, checks, sums);
            else Block(xt, blockLabels, classes, checks, sums);
            for (int j = 0; j < n; j++)
                loss[r0 + j] = float.IsNaN(checks[j])
                    ? SparseCategoricalCrossentropyKernel<float>.ScalarLogits(x + offset + j * classes, 1, classes, (int)labels[r0 + j])
                    : (float)sums[j];
        }
    }

    /// <summary>One block of 8 transposed rows (class c of row j at <paramref name="xt"/>[8c + j]): each row's loss into
    /// <paramref name="sums"/>, and into <paramref name="checks"/> NaN where the row holds NaN or ±∞ (0 elsewhere).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block(float* xt, float* blockLabels, int classes, float* checks, double* sums)
    {
        const int Lanes = 8;
        Vector<int> label = Vector.ConvertToInt32(Vector.Load(blockLabels));   // truncated, as the row kernel reads it
        Vector<float> m = Vector.Load(xt), check = RowMath<float>.NonFinite(m, Vector<float>.Zero);
        for (int c = 1; c < classes; c++)
        {
            Vector<float> v = Vector.Load(xt + c * Lanes);
            m = Vector.MaxNative(m, v);
            check = RowMath<float>.NonFinite(v, check);
        }
        Vector<float> e = Vector<float>.Zero, picked = Vector<float>.Zero;
        for (int c = 0; c < classes; c++)
        {
            Vector<float> v = Vector.Load(xt + c * Lanes);
            e += RowMath<float>.ExpFloat(v - m);
            picked = Vector.ConditionalSelect(Vector.AsVectorSingle(Vector.Equals(label, new Vector<int>(c))), v, picked);
        }
        Vector.Widen(e, out Vector<double> eLow, out Vector<double> eHigh);
        Vector.Widen(picked - m, out Vector<double> sLow, out Vector<double> sHigh);
        Vector.Store(VectorLog.LogForFloat32(eLow) - sLow, sums);
        Vector.Store(VectorLog.LogForFloat32(eHigh) - sHigh, sums + Vector<double>.Count);
        check.Store(checks);
    }

    /// <summary><see cref="Block"/> for 16 rows with 512-bit vectors (the exp, the costliest step, on twice the lanes
    /// per instruction): the same operations in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block512(float* xt, float* blockLabels, int classes, float* checks, double* sums)
    {
        const int Lanes = 16;
        Vector512<int> label = Vector512.ConvertToInt32(Vector512.Load(blockLabels));   // truncated, as the row kernel reads it
        Vector512<float> m = Vector512.Load(xt), check = RowMath<float>.NonFinite(m, Vector512<float>.Zero);
        for (int c = 1; c < classes; c++)
        {
            Vector512<float> v = Vector512.Load(xt + c * Lanes);
            m = Vector512.MaxNative(m, v);
            check = RowMath<float>.NonFinite(v, check);
        }
        Vector512<float> e = Vector512<float>.Zero, picked = Vector512<float>.Zero;
        for (int c = 0; c < classes; c++)
        {
            Vector512<float> v = Vector512.Load(xt + c * Lanes);
            e += RowMath<float>.ExpFloat(v - m);
            picked = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(c)).AsSingle(), v, picked);
        }
        (Vector512<double> eLow, Vector512<double> eHigh) = Vector512.Widen(e);
        (Vector512<double> sLow, Vector512<double> sHigh) = Vector512.Widen(picked - m);
        Vector512.Store(VectorLog.LogForFloat32(eLow) - sLow, sums);
        Vector512.Store(VectorLog.LogForFloat32(eHigh) - sHigh, sums + Vector512<double>.Count);
        check.Store(checks);
    }
}
