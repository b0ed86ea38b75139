using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend;

/// <summary>8×8 float32 tiles transposed in AVX registers (unpack, shuffle, swap of 128-bit halves: 24 shuffles per 64
/// values), for the kernels that turn rows into columns: the across-rows crossentropy's row blocks and the
/// channels-last engine's permute.</summary>
internal static unsafe class RegisterTile8
{
    /// <summary>The 8×8 tile of 8 rows (<paramref name="stride"/> apart) at <paramref name="s"/>, transposed in
    /// registers: <paramref name="c0"/> holds column 0 of the 8 rows, and so on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(float* s, int stride, out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2,
        out Vector256<float> c3, out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + stride);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * stride), r3 = Avx.LoadVector256(s + 3 * stride);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * stride), r5 = Avx.LoadVector256(s + 5 * stride);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * stride), r7 = Avx.LoadVector256(s + 7 * stride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        c0 = Avx.Permute2x128(u0, u4, 0x20);
        c1 = Avx.Permute2x128(u1, u5, 0x20);
        c2 = Avx.Permute2x128(u2, u6, 0x20);
        c3 = Avx.Permute2x128(u3, u7, 0x20);
        c4 = Avx.Permute2x128(u0, u4, 0x31);
        c5 = Avx.Permute2x128(u1, u5, 0x31);
        c6 = Avx.Permute2x128(u2, u6, 0x31);
        c7 = Avx.Permute2x128(u3, u7, 0x31);
    }

    /// <summary>The tile of 8 rows (<paramref name="sourceStride"/> apart) at <paramref name="s"/> written transposed to 8
    /// rows <paramref name="targetStride"/> apart at <paramref name="t"/>: target row k holds column k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeTo(float* s, int sourceStride, float* t, long targetStride)
    {
        Transpose(s, sourceStride, out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
        Avx.Store(t, c0);
        Avx.Store(t + targetStride, c1);
        Avx.Store(t + 2 * targetStride, c2);
        Avx.Store(t + 3 * targetStride, c3);
        Avx.Store(t + 4 * targetStride, c4);
        Avx.Store(t + 5 * targetStride, c5);
        Avx.Store(t + 6 * targetStride, c6);
        Avx.Store(t + 7 * targetStride, c7);
    }
}
