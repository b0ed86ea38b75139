using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// A cache-blocked SIMD matrix product for <see cref="MatMul"/>'s large cases: b is packed once into panels of two
/// vectors' width (zero-padded on the right), and a micro-kernel keeps a 4 × (2 vectors) tile of c in registers
/// while it runs down a depth block of <see cref="GemmDepth"/>, one fused multiply-add per vector and step. Row blocks
/// run in parallel; every output element is summed in the same order whatever the scheduling.
/// </summary>
public sealed unsafe partial class NumericsOps<T>
{
    /// <summary>Rows of a per micro-kernel call (the tile's height).</summary>
    private const int GemmRows = 4;

    /// <summary>Depth of one pass: a (depth × 2 vectors) piece of a b panel (16 KB in float32) stays in L1.</summary>
    private const int GemmDepth = 256;

    /// <summary>Row blocks per parallel task (32 rows).</summary>
    private const int GemmBlocksPerTask = 8;

    /// <summary>Whether <see cref="Gemm"/> pays for its packing: wide enough results and enough rows.</summary>
    private static bool UseGemm(int m, int k, int n) =>
        Vector.IsHardwareAccelerated && m >= 2 * GemmRows && n >= 2 * Vector<T>.Count && k >= 8 && (long)m * k * n >= 1 << 15;

    /// <summary>c (m × n) = a (m × k) · b (k × n), all dense row-major.</summary>
    [MethodImpl(Hot)]
    private static void Gemm(T* a, T* b, T* c, int m, int k, int n)
    {
        int nr = 2 * Vector<T>.Count, panels = (n + nr - 1) / nr;
        T[] packed = GC.AllocateUninitializedArray<T>(panels * k * nr);
        fixed (T* pp = packed)
        {
            // Panel p holds k rows of nr values: b[kk, p·nr ..], zero beyond the last column.
            for (int p = 0; p < panels; p++)
            {
                int cols = Math.Min(nr, n - p * nr);
                T* to = pp + (long)p * k * nr;
                for (int kk = 0; kk < k; kk++, to += nr)
                {
                    new ReadOnlySpan<T>(b + (long)kk * n + p * nr, cols).CopyTo(new Span<T>(to, cols));
                    if (cols < nr) new Span<T>(to + cols, nr - cols).Clear();
                }
            }
            nint pa = (nint)a, pb = (nint)pp, pc = (nint)c;
            int blocks = (m + GemmRows - 1) / GemmRows, tasks = (blocks + GemmBlocksPerTask - 1) / GemmBlocksPerTask;
            void RunTask(int task)
            {
                int firstBlock = task * GemmBlocksPerTask, endBlock = Math.Min(blocks, firstBlock + GemmBlocksPerTask);
                for (int depth = 0; depth < k; depth += GemmDepth)
                {
                    int kc = Math.Min(GemmDepth, k - depth);
                    for (int p = 0; p < panels; p++)
                    {
                        T* panel = (T*)pb + ((long)p * k + depth) * nr;
                        int cols = Math.Min(nr, n - p * nr);
                        for (int block = firstBlock; block < endBlock; block++)
                        {
                            int row = block * GemmRows, rows = Math.Min(GemmRows, m - row);
                            T* aTile = (T*)pa + (long)row * k + depth, cTile = (T*)pc + (long)row * n + p * nr;
                            if (rows == GemmRows && cols == nr) Tile4(aTile, k, panel, kc, cTile, n, depth == 0);
                            else EdgeTile(aTile, k, panel, kc, cTile, n, rows, cols, depth == 0);
                        }
                    }
                }
            }
            if (tasks == 1 || (long)m * k * n < 1 << 21) for (int t = 0; t < tasks; t++) RunTask(t);
            else Parallel.For(0, tasks, [MethodImpl(Hot)] (t) => RunTask(t));
        }
    }

    /// <summary>x · y + z, fused where the hardware has FMA (one rounding; within float tolerance either way).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> MulAdd(Vector<T> x, Vector<T> y, Vector<T> z)
    {
        if (Fma.IsSupported && typeof(T) == typeof(float))
            return Vector.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), z.As<T, float>()).As<float, T>();
        if (Fma.IsSupported && typeof(T) == typeof(double))
            return Vector.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), z.As<T, double>()).As<double, T>();
        return x * y + z;
    }

    /// <summary>The full 4 × (2 vectors) tile: c (+)= a[0..4, 0..kc] · panel[0..kc, ..].</summary>
    [MethodImpl(Hot)]
    private static void Tile4(T* a, int lda, T* panel, int kc, T* c, int ldc, bool first)
    {
        int w = Vector<T>.Count, nr = 2 * w;
        Vector<T> c00, c01, c10, c11, c20, c21, c30, c31;
        if (first)
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector<T>.Zero;
        }
        else
        {
            c00 = Vector.Load(c); c01 = Vector.Load(c + w);
            c10 = Vector.Load(c + ldc); c11 = Vector.Load(c + ldc + w);
            c20 = Vector.Load(c + 2 * ldc); c21 = Vector.Load(c + 2 * ldc + w);
            c30 = Vector.Load(c + 3 * ldc); c31 = Vector.Load(c + 3 * ldc + w);
        }
        T* a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        for (int kk = 0; kk < kc; kk++, panel += nr)
        {
            Vector<T> b0 = Vector.Load(panel), b1 = Vector.Load(panel + w);
            var x = new Vector<T>(a[kk]);
            c00 = MulAdd(x, b0, c00); c01 = MulAdd(x, b1, c01);
            x = new Vector<T>(a1[kk]);
            c10 = MulAdd(x, b0, c10); c11 = MulAdd(x, b1, c11);
            x = new Vector<T>(a2[kk]);
            c20 = MulAdd(x, b0, c20); c21 = MulAdd(x, b1, c21);
            x = new Vector<T>(a3[kk]);
            c30 = MulAdd(x, b0, c30); c31 = MulAdd(x, b1, c31);
        }
        c00.Store(c); c01.Store(c + w);
        c10.Store(c + ldc); c11.Store(c + ldc + w);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + w);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + w);
    }

    /// <summary>A tile at the bottom or right edge (fewer rows or columns), through a full-width buffer row.</summary>
    [MethodImpl(Hot)]
    private static void EdgeTile(T* a, int lda, T* panel, int kc, T* c, int ldc, int rows, int cols, bool first)
    {
        int w = Vector<T>.Count, nr = 2 * w;
        T* buffer = stackalloc T[nr];
        for (int i = 0; i < rows; i++)
        {
            var line = new Span<T>(buffer, nr);
            line.Clear();
            if (!first) new ReadOnlySpan<T>(c + (long)i * ldc, cols).CopyTo(line);
            Vector<T> s0 = Vector.Load(buffer), s1 = Vector.Load(buffer + w);
            T* aRow = a + (long)i * lda, b = panel;
            for (int kk = 0; kk < kc; kk++, b += nr)
            {
                var x = new Vector<T>(aRow[kk]);
                s0 = MulAdd(x, Vector.Load(b), s0);
                s1 = MulAdd(x, Vector.Load(b + w), s1);
            }
            s0.Store(buffer);
            s1.Store(buffer + w);
            line[..cols].CopyTo(new Span<T>(c + (long)i * ldc, cols));
        }
    }
}
