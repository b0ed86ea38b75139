using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend;

/// <summary>
/// The float32 probabilities crossentropy's terms y·log clamp(x / s, ε, 1 − ε) summed over classes, for labels that
/// are mostly non-zero (soft labels), with the nearest-float log software-pipelined: each step issues the quotient
/// of vector i, the first half of the log of vector i − 2 (<see cref="VectorLog.NormalLogFirstHalf"/>) and the
/// second half, the product and the sum of vector i − 3. A plain loop (one whole log after another) ran at 1.25 ns
/// per element in cache, this one at 0.86 (one core of the reference VM, 8 lanes per step), because each log is a
/// chain of about 80 cycles that the out-of-order window cannot overlap far enough by itself.
/// </summary>
/// <remarks>
/// The same operations on the same values as the kernels' plain class loops, every vector's term added in class
/// order to the same accumulator, so the same bits. The plain loops skip a vector of labels that is all zero; here
/// it adds ±0, which leaves the sum as it is (it is never −0: it starts at +0 and a rounded sum is −0 only when both
/// terms are). A clamped quotient is a normal float whatever x is (MAXPS returns its second operand, ε, for NaN), so
/// the log's check for other lanes is not needed.
/// </remarks>
internal static unsafe class LabelLogTerms
{
    /// <summary>Whether this path exists on this machine (8-lane float vectors, AVX-512 for the double lanes).</summary>
    public static bool Supported => Avx512F.IsSupported && Vector<float>.Count == 8;

    /// <summary>Fewest classes the pipeline takes: its three stages need three vectors.</summary>
    public const int MinimumAlongRow = 17, MinimumAcrossRows = 3;

    private const float Epsilon = (float)KerasEpsilon.Value, Upper = 1 - Epsilon;

    /// <summary>One row of <paramref name="classes"/> (≥ <see cref="MinimumAlongRow"/>) contiguous values, row sum
    /// <paramref name="sum"/>: the vectors at 0, 8, … and the last one at classes − 8, whose lanes that the vector
    /// before it covered have their labels masked to 0. Returns the accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> AlongRow(float* x, float* y, int classes, float sum)
    {
        int last = classes - 8, vectors = (classes + 7) / 8;
        Vector256<float> lastLabels = Vector256.Load(y + last);
        if (classes % 8 != 0) lastLabels &= RowMath<float>.TailMask(classes).AsVector256();
        var s = Vector256.Create(sum);
        Vector256<float> acc = Vector256<float>.Zero;
        Vector256<float> q0 = Quotient(x, s);
        Vector256<float> q1 = Quotient(x + 8, s);
        Vector512<double> h = VectorLog.NormalLogFirstHalf(q0, out Vector512<double> k);
        Vector256<float> q2 = Quotient(x + Math.Min(16, last), s);
        for (int i = 3; i < vectors; i++)
        {
            Vector256<float> next = Quotient(x + Math.Min(8 * i, last), s);
            Vector512<double> hNext = VectorLog.NormalLogFirstHalf(q1, out Vector512<double> kNext);
            acc += Vector256.Load(y + 8 * (i - 3)) * VectorLog.NormalLogSecondHalf(h, k);
            h = hNext;
            k = kNext;
            q1 = q2;
            q2 = next;
        }
        acc += Vector256.Load(y + 8 * (vectors - 3)) * VectorLog.NormalLogSecondHalf(h, k);
        h = VectorLog.NormalLogFirstHalf(q1, out k);
        acc += Vector256.Load(y + 8 * (vectors - 2)) * VectorLog.NormalLogSecondHalf(h, k);
        h = VectorLog.NormalLogFirstHalf(q2, out k);
        return acc + lastLabels * VectorLog.NormalLogSecondHalf(h, k);
    }

    /// <summary>8 rows at once, one lane each, class c's values at <c>c·classStride</c> (≥ <see cref="MinimumAcrossRows"/>
    /// classes), each lane's row sum in <paramref name="s"/>: even classes into one accumulator, odd into the other.
    /// Returns their sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> AcrossRows(float* x, float* y, int classes, nint classStride, Vector256<float> s)
    {
        Vector256<float> even = Vector256<float>.Zero, odd = Vector256<float>.Zero;
        Vector256<float> q0 = Quotient(x, s);
        Vector256<float> q1 = Quotient(x + classStride, s);
        Vector512<double> h = VectorLog.NormalLogFirstHalf(q0, out Vector512<double> k);
        Vector256<float> q2 = Quotient(x + 2 * classStride, s);
        int c = 3;
        for (; c + 1 < classes; c += 2)
        {
            // Two steps per turn, c odd: the terms of classes c − 3 (even) and c − 2 (odd).
            Vector256<float> next = Quotient(x + c * classStride, s);
            Vector512<double> hNext = VectorLog.NormalLogFirstHalf(q1, out Vector512<double> kNext);
            even += Term(y + (c - 3) * classStride, h, k);
            q1 = q2;
            q2 = next;
            next = Quotient(x + (c + 1) * classStride, s);
            h = VectorLog.NormalLogFirstHalf(q1, out k);
            odd += Term(y + (c - 2) * classStride, hNext, kNext);
            q1 = q2;
            q2 = next;
        }
        if (c < classes)
        {
            Vector256<float> next = Quotient(x + c * classStride, s);
            Vector512<double> hNext = VectorLog.NormalLogFirstHalf(q1, out Vector512<double> kNext);
            even += Term(y + (c - 3) * classStride, h, k);
            h = hNext;
            k = kNext;
            q1 = q2;
            q2 = next;
        }
        // The last three classes: c − 3 is now classes − 3.
        Vector256<float> t0 = Term(y + (classes - 3) * classStride, h, k);
        h = VectorLog.NormalLogFirstHalf(q1, out k);
        Vector256<float> t1 = Term(y + (classes - 2) * classStride, h, k);
        h = VectorLog.NormalLogFirstHalf(q2, out k);
        Vector256<float> t2 = Term(y + (classes - 1) * classStride, h, k);
        if ((classes & 1) == 1)
        {
            even += t0;
            odd += t1;
            even += t2;
        }
        else
        {
            odd += t0;
            even += t1;
            odd += t2;
        }
        return even + odd;
    }

    /// <summary>y·log, the log's second half from <paramref name="h"/> and <paramref name="k"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Term(float* y, Vector512<double> h, Vector512<double> k) =>
        Vector256.Load(y) * VectorLog.NormalLogSecondHalf(h, k);

    /// <summary>clamp(x / s, ε, 1 − ε), in float32 as the composed path computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Quotient(float* x, Vector256<float> s) =>
        Vector256.MinNative(Vector256.MaxNative(Vector256.Load(x) / s, Vector256.Create(Epsilon)), Vector256.Create(Upper));
}
