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

    /// <summary>The lanes of the overlapping last vector (loaded at <c>classes − 16</c>) that the full vectors did not
    /// cover.</summary>
    public static Vector512<float> TailMask(int classes) =>
        Vector512.GreaterThanOrEqual(Vector512<float>.Indices, Vector512.Create((float)(Lanes - classes % Lanes)));

    /// <summary>Σ exp(x − m) and x_label − m of one row, as <c>LogitsParts</c> computes them; false (and nothing
    /// written) when the row holds NaN or ±∞, which the caller computes element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Parts(float* x, int classes, int label, Vector512<float> tailMask, double* sum, double* shift)
    {
        int last = classes - Lanes;
        Vector512<float> m0 = Vector512.Load(x + last), m1 = Vector512.Load(x);
        // x·0 + check is non-zero exactly when some x is NaN or ±∞ (MaxNative may drop a NaN).
        Vector512<float> check = Vector512.FusedMultiplyAdd(m0, Vector512<float>.Zero, Vector512.FusedMultiplyAdd(m1, Vector512<float>.Zero, Vector512<float>.Zero));
        int i = Lanes;
        for (; i + 2 * Lanes <= classes; i += 2 * Lanes)
        {
            Vector512<float> a = Vector512.Load(x + i), b = Vector512.Load(x + i + Lanes);
            m0 = Vector512.MaxNative(m0, a);
            m1 = Vector512.MaxNative(m1, b);
            check = Vector512.FusedMultiplyAdd(a, Vector512<float>.Zero, check);
            check = Vector512.FusedMultiplyAdd(b, Vector512<float>.Zero, check);
        }
        if (i + Lanes <= classes)
        {
            Vector512<float> a = Vector512.Load(x + i);
            m0 = Vector512.MaxNative(m0, a);
            check = Vector512.FusedMultiplyAdd(a, Vector512<float>.Zero, check);
        }
        if (check != Vector512<float>.Zero) return false;
        float max = RowMath<float>.HorizontalMaxNative(Vector512.MaxNative(m0, m1));

        var mv = Vector512.Create(max);
        Vector512<float> e = Vector512<float>.Zero;
        for (i = 0; i + Lanes <= classes; i += Lanes) e += Exp(Vector512.Load(x + i) - mv);
        if (i != classes) e += Vector512.ConditionalSelect(tailMask, Exp(Vector512.Load(x + last) - mv), Vector512<float>.Zero);
        *sum = Vector512.Sum(e);
        *shift = x[label] - max;
        return true;
    }

    /// <summary><see cref="RowMath{T}.ExpFloat"/> on 16 lanes: the same reduction, polynomial and exponent bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(ExpFloatConstants.Lowest)), Vector512.Create(ExpFloatConstants.Highest));
        Vector512<float> fx = Vector512.Floor(Vector512.FusedMultiplyAdd(x, Vector512.Create(ExpFloatConstants.Log2E), Vector512.Create(0.5f)));
        x = Vector512.FusedMultiplyAdd(fx, Vector512.Create(ExpFloatConstants.MinusLn2High), x);
        x = Vector512.FusedMultiplyAdd(fx, Vector512.Create(ExpFloatConstants.MinusLn2Low), x);
        Vector512<float> z = x * x;
        Vector512<float> y = Vector512.Create(ExpFloatConstants.P0);
        y = Vector512.FusedMultiplyAdd(y, x, Vector512.Create(ExpFloatConstants.P1));
        y = Vector512.FusedMultiplyAdd(y, x, Vector512.Create(ExpFloatConstants.P2));
        y = Vector512.FusedMultiplyAdd(y, x, Vector512.Create(ExpFloatConstants.P3));
        y = Vector512.FusedMultiplyAdd(y, x, Vector512.Create(ExpFloatConstants.P4));
        y = Vector512.FusedMultiplyAdd(y, x, Vector512.Create(ExpFloatConstants.P5));
        y = Vector512.FusedMultiplyAdd(y, z, x) + Vector512<float>.One;
        Vector512<int> n = Vector512.ConvertToInt32Native(fx) + Vector512.Create(127);   // fx is clamped: the plain conversion's saturation fix-up (3 instructions) is never needed
        return y * Vector512.ShiftLeft(n, 23).AsSingle();
    }
}
