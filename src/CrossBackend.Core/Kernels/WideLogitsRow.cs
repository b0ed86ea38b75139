using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CrossBackend;

/// <summary>
/// <see cref="SparseCategoricalCrossentropyKernel{T}"/>'s contiguous float32 rows from logits with 512-bit vectors
/// where the hardware runs them (AVX-512): .NET keeps <see cref="System.Numerics.Vector{T}"/> 256 bits wide there
/// unless the app opts in, and a row of 100 logits is compute-bound on one exp per element. Same steps as the
/// 256-bit row (a sweep for the maximum and the non-finite check, a sweep for Σ exp(x − m) with the same float exp),
/// so the same terms; only the order of the float additions differs.
/// </summary>
internal static unsafe class WideLogitsRow
{
    private const int Lanes = 16;

    /// <summary>Whether rows of <paramref name="classes"/> float32 logits take this path.</summary>
    public static bool Takes(int classes) => Vector512.IsHardwareAccelerated && classes >= Lanes;

    /// <summary>Σ exp(x − m) and x_label − m of one row, as <c>LogitsParts</c> computes them; false (and nothing
    /// written) when the row holds NaN or ±∞, which the caller computes element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Parts(float* x, int classes, int label, Vector512<float> tailMask, double* sum, double* shift)
    {
        int last = classes - Lanes;
        Vector512<float> m0 = Vector512.Load(x + last), m1 = Vector512.Load(x);
        // x·0 + check is non-zero exactly when some x is NaN or ±∞ (MaxNative may drop a NaN).
        Vector512<float> check = RowMath<float>.NonFinite(m0, RowMath<float>.NonFinite(m1, Vector512<float>.Zero));
        int i = Lanes;
        for (; i + 2 * Lanes <= classes; i += 2 * Lanes)
        {
            Vector512<float> a = Vector512.Load(x + i), b = Vector512.Load(x + i + Lanes);
            m0 = Vector512.MaxNative(m0, a);
            m1 = Vector512.MaxNative(m1, b);
            check = RowMath<float>.NonFinite(a, check);
            check = RowMath<float>.NonFinite(b, check);
        }
        if (i + Lanes <= classes)
        {
            Vector512<float> a = Vector512.Load(x + i);
            m0 = Vector512.MaxNative(m0, a);
            check = RowMath<float>.NonFinite(a, check);
        }
        if (check != Vector512<float>.Zero) return false;
        float max = RowMath<float>.HorizontalMaxNative(Vector512.MaxNative(m0, m1));

        var mv = Vector512.Create(max);
        Vector512<float> e = Vector512<float>.Zero;
        for (i = 0; i + Lanes <= classes; i += Lanes) e += RowMath<float>.ExpFloat(Vector512.Load(x + i) - mv);
        if (i != classes) e += Vector512.ConditionalSelect(tailMask, RowMath<float>.ExpFloat(Vector512.Load(x + last) - mv), Vector512<float>.Zero);
        *sum = Vector512.Sum(e);
        *shift = x[label] - max;
        return true;
    }
}
