using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend;

/// <summary>
/// log of float32 lanes, the nearest float to the exact value: computed in double lanes and rounded once. Checked
/// against <c>(float)Math.Log</c> over every positive float and every NaN pattern (2^31 arguments): 0 differences.
/// The library's float32 log misses the nearest float for 4.9 % of arguments (log(0.7f) = −0.35667494, nearest
/// −0.35667497), PyTorch 1.13's for 0.13 %, libtorch 2.10's (AVX-512) for 1.85 % (8·10⁶ arguments log-uniform in
/// [e^−30, e^10]); one ulp per row moves a published mean in its last printed digit
/// (FastEstimator's categorical crossentropy example, 0.22839302, came out 0.22839300).
/// </summary>
/// <remarks>
/// x = 2^k·m with m in [√½, √2) (exact bit operations on the widened value), f = m − 1 (exact), s = f / (2 + f),
/// log x = k·ln 2 + 2s + 2s·z·P(z) with z = s² ≤ 0.0295 and P the series of atanh, 1/3 + z/5 + … + z^7/17 (the
/// next term is below 2^−50 of the result; stopping at z^5/13 gave 55 misses over the 2^31 arguments). In cache on
/// this machine: 1.10 ns per element in 256-bit double vectors (0.54 for the library's float log, 1.55 for the
/// library's double log of the widened lanes); with AVX-512 the 8 lanes widen into one 512-bit vector (one
/// conversion each way instead of two and an extract, half the arithmetic instructions): 0.88 ns, the same bits
/// (every step is the same double operation on the same lane; the 512-bit path was checked over all 2^32 bit
/// patterns too). Lanes outside [the smallest normal float, +∞) — subnormal, ±0, negative, ∞, NaN — take the
/// library's double log of the widened lanes, which gives −∞, NaN and +∞ there and the nearest float for
/// subnormals.
/// </remarks>
internal static class VectorLog
{
    private const float SmallestNormal = 1.17549435e-38f;

    /// <summary>log of each lane, the nearest float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log(Vector<float> x)
    {
        Vector<float> result = Vector<float>.Count == 8 && Avx512F.IsSupported
            ? Avx512F.ConvertToVector256Single(NormalLanes(Avx512F.ConvertToVector512Double(x.AsVector256()))).AsVector()
            : NormalLanesNarrowed(x);
        Vector<int> normal = Vector.GreaterThanOrEqual(x, new Vector<float>(SmallestNormal)) & Vector.LessThan(x, new Vector<float>(float.PositiveInfinity));
        if (normal == Vector<int>.AllBitsSet) return result;
        Vector.Widen(x, out Vector<double> low, out Vector<double> high);
        return Vector.ConditionalSelect(normal, result, Vector.Narrow(Vector.Log(low), Vector.Log(high)));
    }

    /// <summary>The smallest positive normal double.</summary>
    private const double SmallestNormalDouble = 2.2250738585072014E-308;

    /// <summary>
    /// log of double lanes for a float32 result: the log of a crossentropy row's Σ exp(x − m), computed in double and
    /// rounded to float once the row's other terms are added. <see cref="NormalLanes(Vector{double})"/>'s series, which
    /// is within 7 ulp of double (1.1e-15 relative) of the library's log over 8 million arguments spread over the double
    /// range, at 1.4 ns per value against the library's 6.2 in cache (its vector log of doubles is a call per vector);
    /// that error moves the float32 result only where the double lands within 1e-15 of a float rounding boundary.
    /// A vector with a lane outside [the smallest normal double, +∞) — 0, negative, ∞, NaN, subnormal: the rows the
    /// kernels recompute element by element — takes the library's log.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> LogForFloat32(Vector<double> x)
    {
        Vector<long> normal = Vector.GreaterThanOrEqual(x, new Vector<double>(SmallestNormalDouble)) & Vector.LessThan(x, new Vector<double>(double.PositiveInfinity));
        return normal == Vector<long>.AllBitsSet ? NormalLanes(x) : Vector.Log(x);
    }

    /// <summary><see cref="LogForFloat32(Vector{double})"/> on 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LogForFloat32(Vector512<double> x)
    {
        Vector512<long> normal = (Vector512.GreaterThanOrEqual(x, Vector512.Create(SmallestNormalDouble)) & Vector512.LessThan(x, Vector512.Create(double.PositiveInfinity))).AsInt64();
        return normal == Vector512<long>.AllBitsSet ? NormalLanes(x) : Vector512.Log(x);   // compared as integers: an all-ones double is NaN
    }

    /// <summary>The normal lanes' logs through two vectors of double (<see cref="Vector{T}"/> wide).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> NormalLanesNarrowed(Vector<float> x)
    {
        Vector.Widen(x, out Vector<double> low, out Vector<double> high);
        return Vector.Narrow(NormalLanes(low), NormalLanes(high));
    }

    /// <summary><see cref="NormalLanes(Vector{double})"/> on 8 lanes at once: the same operations, step for step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> NormalLanes(Vector512<double> x) => Series(Reduce(x, out Vector512<double> k), k);

    /// <summary>
    /// The log of 8 normal float lanes in two halves, for a caller that software-pipelines them: the first half of
    /// vector i + 1 issued before the second half of vector i. Each log is a chain of about 80 cycles (a float
    /// division before it, the double division, three levels of the series); one vector after another, the
    /// out-of-order window (its floating-point scheduler) holds too few of them to hide it, so a plain loop ran at
    /// about half the pipes' rate. Same operations as <see cref="Log(Vector{float})"/>'s normal lanes, so the same
    /// bits; the caller guarantees every lane is a normal float (a clamped probability, say).
    /// </summary>
    /// <returns>s = f / (2 + f), with the exponent k: the argument of <see cref="NormalLogSecondHalf"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> NormalLogFirstHalf(Vector256<float> x, out Vector512<double> k) =>
        Reduce(Avx512F.ConvertToVector512Double(x), out k);

    /// <summary>The log from <see cref="NormalLogFirstHalf"/>'s s and k, rounded to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NormalLogSecondHalf(Vector512<double> s, Vector512<double> k) =>
        Avx512F.ConvertToVector256Single(Series(s, k));

    /// <summary>x = 2^k·m, f = m − 1, returns s = f / (2 + f) (see the remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Reduce(Vector512<double> x, out Vector512<double> k)
    {
        Vector512<long> bits = x.AsInt64();
        Vector512<long> shifted = bits - Vector512.Create(0x3FE6A09E667F3BCDL);
        Vector512<long> biasedK = Vector512.ShiftRightLogical(shifted + Vector512.Create(2048L << 52), 52);
        k = (biasedK | Vector512.Create(0x4330000000000000L)).AsDouble() - Vector512.Create(4503599627370496.0 + 2048.0);
        Vector512<double> m = (bits - (shifted & Vector512.Create(unchecked((long)0xFFF0000000000000UL)))).AsDouble();
        Vector512<double> f = m - Vector512<double>.One;
        return f / (Vector512.Create(2.0) + f);
    }

    /// <summary>k·ln 2 + 2s + 2s·z·P(z), z = s² (see the remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Series(Vector512<double> s, Vector512<double> k)
    {
        Vector512<double> z = s * s;
        Vector512<double> z2 = z * z, z4 = z2 * z2;
        Vector512<double> p01 = Vector512.FusedMultiplyAdd(z, Vector512.Create(1.0 / 5), Vector512.Create(1.0 / 3));
        Vector512<double> p23 = Vector512.FusedMultiplyAdd(z, Vector512.Create(1.0 / 9), Vector512.Create(1.0 / 7));
        Vector512<double> p45 = Vector512.FusedMultiplyAdd(z, Vector512.Create(1.0 / 13), Vector512.Create(1.0 / 11));
        Vector512<double> p67 = Vector512.FusedMultiplyAdd(z, Vector512.Create(1.0 / 17), Vector512.Create(1.0 / 15));
        Vector512<double> p = Vector512.FusedMultiplyAdd(z4, Vector512.FusedMultiplyAdd(z2, p67, p45), Vector512.FusedMultiplyAdd(z2, p23, p01));
        Vector512<double> twoS = s + s;
        return Vector512.FusedMultiplyAdd(k, Vector512.Create(0.69314718055994530942), Vector512.FusedMultiplyAdd(twoS * z, p, twoS));
    }

    /// <summary>log of normal double lanes: widened floats, or the sums of exps of <see cref="LogForFloat32(Vector{double})"/>
    /// (other lanes give garbage the caller replaces).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> NormalLanes(Vector<double> x)
    {
        Vector<long> bits = Vector.AsVectorInt64(x);
        Vector<long> shifted = bits - new Vector<long>(0x3FE6A09E667F3BCDL);   // the bits of √½: m below it borrows one from k
        // k + 2048 (positive for every float's exponent, so a logical shift), to double through the exponent trick
        // (2^52 + n as bits, minus 2^52).
        Vector<long> biasedK = Vector.ShiftRightLogical(shifted + new Vector<long>(2048L << 52), 52);
        Vector<double> k = Vector.AsVectorDouble(biasedK | new Vector<long>(0x4330000000000000L)) - new Vector<double>(4503599627370496.0 + 2048.0);
        Vector<double> m = Vector.AsVectorDouble(bits - (shifted & new Vector<long>(unchecked((long)0xFFF0000000000000UL))));
        Vector<double> f = m - Vector<double>.One;
        Vector<double> s = f / (new Vector<double>(2.0) + f);
        Vector<double> z = s * s;
        // P(z) by Estrin's scheme: three levels of independent FMAs instead of eight dependent ones.
        Vector<double> z2 = z * z, z4 = z2 * z2;
        Vector<double> p01 = Vector.FusedMultiplyAdd(z, new Vector<double>(1.0 / 5), new Vector<double>(1.0 / 3));
        Vector<double> p23 = Vector.FusedMultiplyAdd(z, new Vector<double>(1.0 / 9), new Vector<double>(1.0 / 7));
        Vector<double> p45 = Vector.FusedMultiplyAdd(z, new Vector<double>(1.0 / 13), new Vector<double>(1.0 / 11));
        Vector<double> p67 = Vector.FusedMultiplyAdd(z, new Vector<double>(1.0 / 17), new Vector<double>(1.0 / 15));
        Vector<double> p = Vector.FusedMultiplyAdd(z4, Vector.FusedMultiplyAdd(z2, p67, p45), Vector.FusedMultiplyAdd(z2, p23, p01));
        Vector<double> twoS = s + s;
        return Vector.FusedMultiplyAdd(k, new Vector<double>(0.69314718055994530942), Vector.FusedMultiplyAdd(twoS * z, p, twoS));
    }
}
