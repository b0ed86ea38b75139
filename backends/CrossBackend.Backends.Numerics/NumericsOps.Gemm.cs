using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// A packed, cache-blocked SIMD matrix product for <see cref="MatMul"/>'s large cases (the classic GotoBLAS/BLIS
/// layout). b is packed once into panels two vectors wide, k-major and zero-padded on the right (a panel per parallel
/// item for large products: packed on the calling thread alone, 512³ float32 took 1.60 ms p10 on two threads against
/// 2.61 on one, now 1.45; libtorch 1.32 and 2.61, session 38); each task runs the micro-kernel
/// (NumericsOps.GemmKernel.cs) over the panels of its column chunk for a strip of <see cref="GemmRows"/> rows of a
/// read in place (packing the strips as well cost 0.17 ms of a one-thread 512³ product's 2.7; only a bottom strip of
/// fewer rows is copied, zero-padded). Depth blocks of <see cref="GemmDepth"/> keep a strip's piece of a
/// (6 × 256 values) in L1 and a chunk's block of b (≤ 512 KB) in L2.
/// Tasks are (row group, column chunk) pairs and run in parallel; every output element is summed in the same order
/// whatever the scheduling, the thread count or the vector width.
/// </summary>
/// <remarks>Packing buffers come from <see cref="ArrayPool{T}.Shared"/> (thread-safe), so repeated products do not
/// allocate large arrays.</remarks>
public sealed unsafe partial class NumericsOps<T>
{
    /// <summary>Depth of one block: a strip's piece of a (6 × 256 values) stays in L1.</summary>
    private const int GemmDepth = 256;

    /// <summary>Row strips per task (24 rows): small tasks balance two or more threads well.</summary>
    private const int GemmStripsPerTask = 4;

    /// <summary>Panels per column chunk: a depth block of a chunk of packed b is 256 × 16 × 2 × 64 bytes = 512 KB
    /// at the widest vector.</summary>
    private const int GemmPanelsPerChunk = 16;

    /// <summary>Whether <see cref="Gemm"/> pays for its packing: wide enough results and enough rows.</summary>
    private static bool UseGemm(int m, int k, int n) =>
        Vector.IsHardwareAccelerated && m >= 2 * GemmRows && n >= 2 * Vector<T>.Count && k >= 8 && (long)m * k * n >= 1 << 15;

    /// <summary>c (m × n) = a (m × k) · b (k × n), all dense row-major, at the widest accelerated vector width.</summary>
    private static void Gemm(T* a, T* b, T* c, int m, int k, int n)
    {
        if (Vector512.IsHardwareAccelerated) Gemm<Gemm512, Vector512<T>>(a, b, c, m, k, n);
        else if (Vector256.IsHardwareAccelerated) Gemm<Gemm256, Vector256<T>>(a, b, c, m, k, n);
        else Gemm<Gemm128, Vector128<T>>(a, b, c, m, k, n);
    }

    /// <summary><see cref="Gemm"/> at one vector width.</summary>
    [MethodImpl(Hot)]
    private static void Gemm<TS, TV>(T* a, T* b, T* c, int m, int k, int n)
        where TS : struct, IGemmVector<TV> where TV : struct
    {
        int nr = 2 * TS.Count, panels = (n + nr - 1) / nr;
        T[] packed = ArrayPool<T>.Shared.Rent(checked(panels * nr * k));
        try
        {
            fixed (T* pp = packed)
            {
                nint pa = (nint)a, pb = (nint)pp, pc = (nint)c, bb = (nint)b;
                bool parallel = (long)m * k * n >= 1 << 21;   // smaller products run on the calling thread alone
                if (panels == 1 || !parallel) GemmPackB<TS, TV>(b, k, n, 0, panels, pp);
                else WorkerPool.For(panels, p => GemmPackB<TS, TV>((T*)bb, k, n, p, p + 1, (T*)pb));
                int strips = (m + GemmRows - 1) / GemmRows, groups = (strips + GemmStripsPerTask - 1) / GemmStripsPerTask;
                int chunks = (panels + GemmPanelsPerChunk - 1) / GemmPanelsPerChunk, tasks = groups * chunks;
                // Consecutive tasks share a column chunk, so a core's next task finds that block of b in its cache.
                [MethodImpl(Hot)]
                void RunTask(int task)
                {
                    int chunk = task / groups, group = task % groups;
                    int firstStrip = group * GemmStripsPerTask, endStrip = Math.Min(strips, firstStrip + GemmStripsPerTask);
                    int firstPanel = chunk * GemmPanelsPerChunk, endPanel = Math.Min(panels, firstPanel + GemmPanelsPerChunk);
                    // Only a strip at the bottom edge (fewer than 6 rows) is copied, into six zero-padded rows.
                    T[]? padded = m % GemmRows != 0 && endStrip == strips ? ArrayPool<T>.Shared.Rent(GemmRows * GemmDepth) : null;
                    fixed (T* pad = padded)
                    {
                        for (int depth = 0; depth < k; depth += GemmDepth)
                        {
                            int kc = Math.Min(GemmDepth, k - depth);
                            for (int s = firstStrip; s < endStrip; s++)
                            {
                                int row = s * GemmRows, rows = Math.Min(GemmRows, m - row);
                                T* strip = (T*)pa + (long)row * k + depth;
                                long lda = k;
                                if (rows < GemmRows)
                                {
                                    GemmPadRows(strip, k, rows, kc, pad);
                                    strip = pad;
                                    lda = kc;
                                }
                                for (int p = firstPanel; p < endPanel; p++)
                                {
                                    T* panel = (T*)pb + ((long)p * k + depth) * nr, tile = (T*)pc + (long)row * n + p * nr;
                                    int cols = Math.Min(nr, n - p * nr);
                                    if (rows == GemmRows && cols == nr) GemmTile<TS, TV>(strip, lda, panel, kc, tile, n, depth == 0);
                                    else GemmEdgeTile<TS, TV>(strip, lda, panel, kc, tile, n, rows, cols, depth == 0);
                                }
                            }
                        }
                    }
                    if (padded is not null) ArrayPool<T>.Shared.Return(padded);
                }
                if (tasks == 1 || !parallel) for (int t = 0; t < tasks; t++) RunTask(t);
                else WorkerPool.For(tasks, [MethodImpl(Hot)] (t) => RunTask(t));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packed);
        }
    }

    /// <summary>Packs panels [<paramref name="firstPanel"/>, <paramref name="endPanel"/>) of b (k × n), each two vectors
    /// (nr values) wide, into <paramref name="packed"/>: panel p holds k rows of nr values, b[kk, p·nr ..], zero beyond
    /// the last column. A full panel's row is two vector loads and stores: a span copy per row cost 12 ns, the packing
    /// of a 512 × 512 b 0.097 ms on one thread (0.086 on two), 6% of a two-thread 512³ product.</summary>
    [MethodImpl(Hot)]
    private static void GemmPackB<TS, TV>(T* b, int k, int n, int firstPanel, int endPanel, T* packed)
        where TS : struct, IGemmVector<TV> where TV : struct
    {
        int w = TS.Count, nr = 2 * w;
        for (int p = firstPanel; p < endPanel; p++)
        {
            T* to = packed + (long)p * k * nr;
            int cols = Math.Min(nr, n - p * nr);
            T* from = b + p * nr;
            if (cols == nr)
                for (int kk = 0; kk < k; kk++, to += nr, from += n)
                {
                    TS.Store(TS.Load(from), to);
                    TS.Store(TS.Load(from + w), to + w);
                }
            else
                for (int kk = 0; kk < k; kk++, to += nr, from += n)
                {
                    new ReadOnlySpan<T>(from, cols).CopyTo(new Span<T>(to, cols));
                    new Span<T>(to + cols, nr - cols).Clear();
                }
        }
    }

    /// <summary>Copies the <paramref name="rows"/> (&lt; 6) rows × <paramref name="kc"/> columns of a bottom-edge strip
    /// into six rows of <paramref name="kc"/> values, zero in the missing rows, for the micro-kernel to read as a full
    /// strip.</summary>
    private static void GemmPadRows(T* a, int lda, int rows, int kc, T* to)
    {
        new Span<T>(to + (long)rows * kc, (GemmRows - rows) * kc).Clear();
        for (int i = 0; i < rows; i++)
            new ReadOnlySpan<T>(a + (long)i * lda, kc).CopyTo(new Span<T>(to + (long)i * kc, kc));
    }
}
