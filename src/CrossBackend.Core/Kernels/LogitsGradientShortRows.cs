using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend;

/// <summary>
/// The gradient of categorical crossentropy from float32 logits (sparse or dense labels), for short contiguous rows (8 to
/// <see cref="CategoricalCrossentropyAcrossRows{T}.MaxClasses"/> classes: a channels-last segmentation map's pixels),
/// vectorised ACROSS rows as the forward is: 8 rows are transposed into one vector per class (one lane per row), the
/// maximum, exp(x − m), Σ exp and the gradient are vertical vector steps with no horizontal reduction, and the
/// gradient is transposed back into the rows. Along each row a 21-class row is three partly overlapping vectors with two
/// horizontal reductions, and took 27 ns per row on two threads at segmentation (8, 128, 128, 21).
/// </summary>
/// <remarks>Row r's gradient is (e_c / Σe)·u_r for every class c, less u_r at its label (sparse), or
/// (e_c·(Σy / Σe) − y_c)·u_r (dense), with e_c = exp(x_c − max x): the row kernel's steps on the same lanes, Σe and Σy
/// summed over the classes in order rather than by vector lanes, so the last bit can differ from the row kernel's. A
/// block with a NaN or ±∞ logit is declined, and the caller takes its rows one by one (the exact treatment of
/// non-finite rows).</remarks>
internal static unsafe class LogitsGradientShortRows
{
    /// <summary>Rows per block.</summary>
    public const int Lanes = 8;

    /// <summary>Floats of scratch a block needs (<see cref="Block"/>'s <c>buffer</c>).</summary>
    public const int BufferLength = (CategoricalCrossentropyAcrossRows<float>.MaxClasses + 8) * Lanes;

    /// <summary>Whether rows of <paramref name="classes"/> take this kernel: at least one 8×8 tile, no more classes than
    /// the transposed forward takes, 8-lane AVX vectors.</summary>
    public static bool Takes(int classes) =>
        Avx2.IsSupported && Vector<float>.Count == Lanes && classes >= Lanes && classes <= CategoricalCrossentropyAcrossRows<float>.MaxClasses;

    /// <summary>
    /// The gradient of 8 contiguous rows of <paramref name="classes"/> logits at <paramref name="x"/> into
    /// <paramref name="d"/> (same layout), row j's label <paramref name="labels"/>[j] (a class index held as a float)
    /// and its upstream value <paramref name="upstream"/>[j] (already scaled). Returns false, having written nothing,
    /// when a logit of the block is NaN or ±∞.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Block(float* x, float* labels, float* upstream, float* d, int classes, float* buffer)
    {
        if (!Exponentials(x, classes, buffer, out Vector<float> sum)) return false;
        Vector<float> u = Vector.Load(upstream), k = Vector<float>.One / sum * u;
        Vector256<int> label = Avx.ConvertToVector256Int32WithTruncation(Vector256.Load(labels));
        for (int c = 0; c < classes; c++)
        {
            Vector<float> g = Vector.Load(buffer + c * Lanes) * k;
            Vector<float> at = Vector256.Equals(label, Vector256.Create(c)).AsSingle().AsVector();
            Vector.ConditionalSelect(at, g - u, g).Store(buffer + c * Lanes);
        }
        TransposeBack(buffer, d, classes);
        return true;
    }

    /// <summary>
    /// <see cref="Block"/> for dense labels: row j's labels are the 8 rows of <paramref name="y"/> (same layout as
    /// <paramref name="x"/>), transposed into <paramref name="labelBuffer"/>; the gradient is (e_c·(Σy / Σe) − y_c)·u,
    /// the row kernel's steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool DenseBlock(float* x, float* y, float* upstream, float* d, int classes, float* buffer, float* labelBuffer)
    {
        if (!Exponentials(x, classes, buffer, out Vector<float> sum)) return false;
        CategoricalCrossentropyAcrossRows<float>.TransposeTiles(y, labelBuffer, classes);
        Vector<float> labels = Vector<float>.Zero;
        for (int c = 0; c < classes; c++) labels += Vector.Load(labelBuffer + c * Lanes);
        Vector<float> q = labels / sum, u = Vector.Load(upstream);
        for (int c = 0; c < classes; c++)
            ((Vector.Load(buffer + c * Lanes) * q - Vector.Load(labelBuffer + c * Lanes)) * u).Store(buffer + c * Lanes);
        TransposeBack(buffer, d, classes);
        return true;
    }

    /// <summary>The 8 rows at <paramref name="x"/> transposed into <paramref name="buffer"/> and replaced there by
    /// exp(x − max of the row), their sums in <paramref name="sum"/>; false if a logit is NaN or ±∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Exponentials(float* x, int classes, float* buffer, out Vector<float> sum)
    {
        CategoricalCrossentropyAcrossRows<float>.TransposeTiles(x, buffer, classes);
        Vector<float> m = Vector.Load(buffer), check = RowMath<float>.NonFinite(m, Vector<float>.Zero);
        for (int c = 1; c < classes; c++)
        {
            Vector<float> v = Vector.Load(buffer + c * Lanes);
            m = Vector.MaxNative(m, v);
            check = RowMath<float>.NonFinite(v, check);
        }
        sum = Vector<float>.Zero;
        if (!Vector.EqualsAll(check, Vector<float>.Zero)) return false;
        for (int c = 0; c < classes; c++)
        {
            Vector<float> e = RowMath<float>.Exp(Vector.Load(buffer + c * Lanes) - m);
            e.Store(buffer + c * Lanes);
            sum += e;
        }
        return true;
    }

    /// <summary>The inverse of <see cref="CategoricalCrossentropyAcrossRows{T}.TransposeTiles"/>: one vector per class
    /// (lane j: row j) back into 8 rows of <paramref name="classes"/> values. The last tile starts at classes − 8 and
    /// overlaps the one before it, storing the same values again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeBack(float* t, float* d, int classes)
    {
        for (int c0 = 0; ; c0 += 8)
        {
            if (c0 + 8 > classes) c0 = classes - 8;
            RegisterTile8.Transpose(t + Lanes * c0, Lanes,
                out var r0, out var r1, out var r2, out var r3, out var r4, out var r5, out var r6, out var r7);
            float* o = d + c0;
            r0.Store(o);
            r1.Store(o + classes);
            r2.Store(o + 2 * classes);
            r3.Store(o + 3 * classes);
            r4.Store(o + 4 * classes);
            r5.Store(o + 5 * classes);
            r6.Store(o + 6 * classes);
            r7.Store(o + 7 * classes);
            if (c0 + 8 >= classes) break;
        }
    }
}
