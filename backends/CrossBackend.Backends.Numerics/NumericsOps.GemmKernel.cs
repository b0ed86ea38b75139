using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The register-blocked micro-kernel of <see cref="Gemm"/>: a <see cref="GemmRows"/> × (2 vectors) tile of c held in
/// registers while it runs down a packed piece of a and of b, one multiply-add per vector and step. It is written
/// once over <see cref="IGemmVector{TV}"/> and specialised by the JIT for 512-, 256- and 128-bit vectors (struct type
/// arguments get their own machine code, and the static calls inline), so the widest accelerated width is used.
/// </summary>
/// <remarks>Each c element is one chain of multiply-adds in T, k ascending (fused where the hardware has FMA): the
/// order of the terms never depends on the tiling, the vector width or the thread count.</remarks>
public sealed unsafe partial class NumericsOps<T>
{
    /// <summary>Rows of c per micro-kernel call (the tile's height): 6 × 2 = 12 accumulators, which leaves registers
    /// for b, the broadcast a value and addresses even with 16 vector registers (AVX2), and covers FMA latency.</summary>
    private const int GemmRows = 6;

    /// <summary>Fused multiply-add when the hardware has it; otherwise a multiply then an add (no slow emulation).</summary>
    private static bool GemmFused => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>The vector operations the micro-kernel needs, at one width.</summary>
    private interface IGemmVector<TV> where TV : struct
    {
        /// <summary>Lanes per vector.</summary>
        static abstract int Count { get; }

        /// <summary>Loads a vector from <paramref name="p"/> (no alignment needed).</summary>
        static abstract TV Load(T* p);

        /// <summary>A vector of one value in every lane.</summary>
        static abstract TV Splat(T value);

        /// <summary>x · y + z.</summary>
        static abstract TV MulAdd(TV x, TV y, TV z);

        /// <summary>Stores a vector at <paramref name="p"/>.</summary>
        static abstract void Store(TV v, T* p);
    }

    /// <summary>512-bit vectors (AVX-512).</summary>
    private readonly struct Gemm512 : IGemmVector<Vector512<T>>
    {
        public static int Count => Vector512<T>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Load(T* p) => Vector512.Load(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Splat(T value) => Vector512.Create(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<T> v, T* p) => v.Store(p);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> MulAdd(Vector512<T> x, Vector512<T> y, Vector512<T> z)
        {
            if (GemmFused && typeof(T) == typeof(float))
                return Vector512.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), z.As<T, float>()).As<float, T>();
            if (GemmFused && typeof(T) == typeof(double))
                return Vector512.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), z.As<T, double>()).As<double, T>();
            return x * y + z;
        }
    }

    /// <summary>256-bit vectors (AVX2).</summary>
    private readonly struct Gemm256 : IGemmVector<Vector256<T>>
    {
        public static int Count => Vector256<T>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Load(T* p) => Vector256.Load(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Splat(T value) => Vector256.Create(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<T> v, T* p) => v.Store(p);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> MulAdd(Vector256<T> x, Vector256<T> y, Vector256<T> z)
        {
            if (GemmFused && typeof(T) == typeof(float))
                return Vector256.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), z.As<T, float>()).As<float, T>();
            if (GemmFused && typeof(T) == typeof(double))
                return Vector256.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), z.As<T, double>()).As<double, T>();
            return x * y + z;
        }
    }

    /// <summary>128-bit vectors (SSE, ARM64 AdvSimd).</summary>
    private readonly struct Gemm128 : IGemmVector<Vector128<T>>
    {
        public static int Count => Vector128<T>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Load(T* p) => Vector128.Load(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Splat(T value) => Vector128.Create(value);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<T> v, T* p) => v.Store(p);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<T> MulAdd(Vector128<T> x, Vector128<T> y, Vector128<T> z)
        {
            if (GemmFused && typeof(T) == typeof(float))
                return Vector128.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), z.As<T, float>()).As<float, T>();
            if (GemmFused && typeof(T) == typeof(double))
                return Vector128.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), z.As<T, double>()).As<double, T>();
            return x * y + z;
        }
    }

    /// <summary>
    /// c[0..6, 0..2w] (+)= a · b over <paramref name="kc"/> steps: <paramref name="a"/> is six rows of a, read where
    /// they lie (<paramref name="lda"/> apart: a strip of 6 × 256 values stays in L1 while the tiles of its row run,
    /// so packing it first only cost a copy, 6% of a 512³ product), <paramref name="b"/> 2w values per step,
    /// <paramref name="ldb"/> apart (a packed panel, or b's own rows); <paramref name="first"/> starts from zero
    /// instead of c.
    /// </summary>
    [MethodImpl(Hot)]
    private static void GemmTile<TS, TV>(T* a, long lda, T* b, long ldb, int kc, T* c, int ldc, bool first)
        where TS : struct, IGemmVector<TV> where TV : struct
    {
        int w = TS.Count;
        TV c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (first)
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = default;
        }
        else
        {
            T* r = c;
            c00 = TS.Load(r); c01 = TS.Load(r + w); r += ldc;
            c10 = TS.Load(r); c11 = TS.Load(r + w); r += ldc;
            c20 = TS.Load(r); c21 = TS.Load(r + w); r += ldc;
            c30 = TS.Load(r); c31 = TS.Load(r + w); r += ldc;
            c40 = TS.Load(r); c41 = TS.Load(r + w); r += ldc;
            c50 = TS.Load(r); c51 = TS.Load(r + w);
        }
        T* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        for (int kk = 0; kk < kc; kk++, b += ldb)
        {
            TV b0 = TS.Load(b), b1 = TS.Load(b + w);
            TV x = TS.Splat(a0[kk]);
            c00 = TS.MulAdd(x, b0, c00); c01 = TS.MulAdd(x, b1, c01);
            x = TS.Splat(a1[kk]);
            c10 = TS.MulAdd(x, b0, c10); c11 = TS.MulAdd(x, b1, c11);
            x = TS.Splat(a2[kk]);
            c20 = TS.MulAdd(x, b0, c20); c21 = TS.MulAdd(x, b1, c21);
            x = TS.Splat(a3[kk]);
            c30 = TS.MulAdd(x, b0, c30); c31 = TS.MulAdd(x, b1, c31);
            x = TS.Splat(a4[kk]);
            c40 = TS.MulAdd(x, b0, c40); c41 = TS.MulAdd(x, b1, c41);
            x = TS.Splat(a5[kk]);
            c50 = TS.MulAdd(x, b0, c50); c51 = TS.MulAdd(x, b1, c51);
        }
        TS.Store(c00, c); TS.Store(c01, c + w); c += ldc;
        TS.Store(c10, c); TS.Store(c11, c + w); c += ldc;
        TS.Store(c20, c); TS.Store(c21, c + w); c += ldc;
        TS.Store(c30, c); TS.Store(c31, c + w); c += ldc;
        TS.Store(c40, c); TS.Store(c41, c + w); c += ldc;
        TS.Store(c50, c); TS.Store(c51, c + w);
    }

    /// <summary><see cref="GemmTile{TS, TV}"/> one vector wide: c[0..6, 0..w) (+)= a · b, b's first w values of each
    /// step (a partial last panel of at most w columns: half the multiply-adds of a full-width tile).</summary>
    [MethodImpl(Hot)]
    private static void GemmHalfTile<TS, TV>(T* a, long lda, T* b, long ldb, int kc, T* c, int ldc, bool first)
        where TS : struct, IGemmVector<TV> where TV : struct
    {
        TV c0, c1, c2, c3, c4, c5;
        if (first)
        {
            c0 = c1 = c2 = c3 = c4 = c5 = default;
        }
        else
        {
            c0 = TS.Load(c); c1 = TS.Load(c + ldc); c2 = TS.Load(c + 2 * ldc);
            c3 = TS.Load(c + 3 * ldc); c4 = TS.Load(c + 4 * ldc); c5 = TS.Load(c + 5 * ldc);
        }
        T* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        for (int kk = 0; kk < kc; kk++, b += ldb)
        {
            TV b0 = TS.Load(b);
            c0 = TS.MulAdd(TS.Splat(a0[kk]), b0, c0);
            c1 = TS.MulAdd(TS.Splat(a1[kk]), b0, c1);
            c2 = TS.MulAdd(TS.Splat(a2[kk]), b0, c2);
            c3 = TS.MulAdd(TS.Splat(a3[kk]), b0, c3);
            c4 = TS.MulAdd(TS.Splat(a4[kk]), b0, c4);
            c5 = TS.MulAdd(TS.Splat(a5[kk]), b0, c5);
        }
        TS.Store(c0, c); TS.Store(c1, c + ldc); TS.Store(c2, c + 2 * ldc);
        TS.Store(c3, c + 3 * ldc); TS.Store(c4, c + 4 * ldc); TS.Store(c5, c + 5 * ldc);
    }

    /// <summary>A tile at the bottom or right edge of c (fewer rows or columns): the tile is computed in a buffer
    /// (a's rows, <paramref name="lda"/> apart, and the packed b are zero-padded), one vector wide when
    /// <paramref name="cols"/> fits in one, and only the <paramref name="rows"/> × <paramref name="cols"/> part that
    /// exists is read from and written to c.</summary>
    [MethodImpl(Hot)]
    private static void GemmEdgeTile<TS, TV>(T* a, long lda, T* b, long ldb, int kc, T* c, int ldc, int rows, int cols, bool first)
        where TS : struct, IGemmVector<TV> where TV : struct
    {
        // Element loops rather than span copies: a few dozen values, and this method's own optimised code (the
        // library's copies ran as tiering's instrumented code for long after start-up, which doubled a product
        // with a partial panel: (96, 300) · (300, 144) 143 µs against 61 for 160 columns in one process).
        int nr = 2 * TS.Count;
        T* buffer = stackalloc T[GemmRows * 2 * 64 / sizeof(T)];   // room for the widest tile: 6 × 2 × 64 bytes
        for (int i = 0; i < GemmRows * nr; i++) buffer[i] = T.Zero;
        if (!first)
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) buffer[i * nr + j] = c[i * ldc + j];
        if (cols <= TS.Count) GemmHalfTile<TS, TV>(a, lda, b, ldb, kc, buffer, nr, first);
        else GemmTile<TS, TV>(a, lda, b, ldb, kc, buffer, nr, first);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) c[i * ldc + j] = buffer[i * nr + j];
    }
}
