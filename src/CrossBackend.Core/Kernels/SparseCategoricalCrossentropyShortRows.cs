using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend;

/// <summary>
/// Sparse categorical crossentropy from logits for contiguous short float32 rows (a channels-last segmentation map's
/// pixels), vectorised ACROSS rows as <see cref="CategoricalCrossentropyAcrossRows{T}"/> does for one-hot labels: a
/// block of 8 rows is transposed into a stack buffer (one lane per row, one vector per class), then the row maximum,
/// Σ exp(x − m) and the logit at each row's label are taken with vertical vector ops. Along the row a 21-class row
/// fills 3 partly masked vectors and needs horizontal reductions per row.
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
        const int Lanes = 8;
        float* xt = stackalloc float[(CategoricalCrossentropyAcrossRows<float>.MaxClasses + 8) * Lanes];
        float* blockLabels = stackalloc float[Lanes];
        double* sums = stackalloc double[Lanes];
        long total = (long)rows * classes;
        for (int r0 = first; r0 < end; r0 += Lanes)
        {
            int n = Math.Min(Lanes, end - r0);
            long offset = (long)r0 * classes;
            // The tile loads read 8 values from each of the block's 8 rows: allowed while they stay in the tensor.
            if (offset + 7L * classes + Math.Max(8, classes) <= total)
                CategoricalCrossentropyAcrossRows<float>.TransposeTiles(x + offset, xt, classes);
            else
                for (int j = 0; j < Lanes; j++)
                    for (int c = 0; c < classes; c++) xt[c * Lanes + j] = j < n ? x[offset + j * classes + c] : 0f;
            for (int j = 0; j < Lanes; j++) blockLabels[j] = j < n ? labels[r0 + j] : 0f;
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
            Vector.Store(Vector.Log(eLow) - sLow, sums);
            Vector.Store(Vector.Log(eHigh) - sHigh, sums + Vector<double>.Count);
            for (int j = 0; j < n; j++)
                loss[r0 + j] = float.IsNaN(check[j])
                    ? SparseCategoricalCrossentropyKernel<float>.ScalarLogits(x + offset + j * classes, 1, classes, (int)labels[r0 + j])
                    : (float)sums[j];
        }
    }
}
