using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Sparse logits with few classes and rows contiguous (segmentation, class axis last): eight rows at a time, one per
/// lane, as in <see cref="CategoricalCrossentropyKernel{T}"/>'s across-rows path, instead of four
/// <c>TensorPrimitives</c> calls per 21-value row. The exp is the categorical kernel's float32 one (about 1 ulp).
/// </summary>
internal static unsafe partial class SparseCategoricalCrossentropyKernel<T>
{
    /// <summary>Rows [first, end) in blocks of eight; returns the first row left for the row path.</summary>
    private static int LogitsAcrossRows(float* labels, float* x, float* loss, int classes, int first, int end)
    {
        Vector256<int> offsets = CategoricalCrossentropyKernel<T>.RowOffsets(classes);
        float* lanes = stackalloc float[2 * 8];
        int r = first;
        for (; r + 8 <= end; r += 8)
        {
            float* xb = x + (long)r * classes;
            Vector256<float> m = Avx2.GatherVector256(xb, offsets, 4);
            Vector256<float> nan = Avx.CompareUnordered(m, m);
            for (int c = 1; c < classes; c++)
            {
                Vector256<float> v = Avx2.GatherVector256(xb + c, offsets, 4);
                nan = Avx.Or(nan, Avx.CompareUnordered(v, v));
                m = Avx.Max(m, v);
            }
            Vector256<float> e = Vector256<float>.Zero;
            for (int c = 0; c < classes; c++)
                e += CategoricalCrossentropyKernel<float>.ExpFloat((Avx2.GatherVector256(xb + c, offsets, 4) - m).AsVector()).AsVector256();
            m.Store(lanes);
            e.Store(lanes + 8);
            for (int l = 0; l < 8; l++)
            {
                // The row's value at its label (a label outside the row throws, as on the row path).
                float picked = new ReadOnlySpan<float>(xb + l * classes, classes)[(int)labels[r + l]];
                float max = lanes[l];
                // A NaN, or a max of ±∞ (x − m is NaN somewhere in the row), makes the row NaN, as on the row path.
                loss[r + l] = nan.GetElement(l) != 0 || !float.IsFinite(max)
                    ? float.NaN
                    : (float)(Math.Log(lanes[8 + l]) - (double)(picked - max));
            }
        }
        return r;
    }
}
