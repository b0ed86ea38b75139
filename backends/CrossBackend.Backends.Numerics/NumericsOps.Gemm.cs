using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// A cache-blocked SIMD matrix product for <see cref="MatMul"/>'s large cases (the GotoBLAS/BLIS layout, without
/// copies where they do not pay). b is read in panels two vectors wide: in place when its rows are at most 2 KB apart
/// (1 KB with 256-bit panels: <see cref="GemmReadsBInPlace"/>; a partial last panel is packed), else packed once, k-major and zero-padded on the
/// right (in parallel, a panel per item, for large products). Each task runs the micro-kernel (NumericsOps.GemmKernel.cs) over the panels
/// of its column chunk for strips of <see cref="GemmRows"/> rows of a, read in place (only a bottom strip of fewer
/// rows is copied, zero-padded). Depth blocks of <see cref="GemmDepth"/> keep a strip's piece of a (6 × 256 values)
/// in L1 and a chunk's block of b (≤ 512 KB) in L2. Tasks are (row group, column chunk) pairs, at least
/// <see cref="GemmTasksPerCore"/> per core, and run in parallel; every output element is summed in the same order
/// whatever the scheduling, the thread count or the vector width. Measured history: benchmarks/README.md, sessions
/// 38 and 43.
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

    /// <summary>Tasks per core a parallel product is cut into at least (fewer strips per task, then narrower column
    /// chunks, when the default task is too large): (64, 3136) · (3136, 256) was 3 tasks for 2 threads.</summary>
    private const int GemmTasksPerCore = 4;

    /// <summary>Whether <see cref="Gemm"/> pays: at least 4 rows (a strip of fewer than 6 is computed as 6,
    /// zero-padded; 8 rows by the row-by-row path took 2.8× libtorch's time at (8, 512) · (512, 512)) and at least 8
    /// columns (a partial panel runs a one-vector tile; narrower results take dot products).</summary>
    private static bool UseGemm(int m, int k, int n) =>
        Vector.IsHardwareAccelerated && m >= 4 && n >= 8 && k >= 8 && (long)m * k * n >= 1 << 15;

    /// <summary>Strips per task and panels per column chunk for a product of <paramref name="strips"/> ×
    /// <paramref name="panels"/> tiles: the defaults, made smaller (strips first, then panels, halving) until there
    /// are <see cref="GemmTasksPerCore"/> tasks per core or nothing is left to split.</summary>
    private static (int StripsPerTask, int PanelsPerChunk) GemmTaskShape(int strips, int panels, bool parallel)
    {
        int perTask = GemmStripsPerTask, perChunk = GemmPanelsPerChunk;
        if (!parallel) return (perTask, perChunk);
        long wanted = (long)GemmTasksPerCore * Environment.ProcessorCount;
        long Tasks() => (long)((strips + perTask - 1) / perTask) * ((panels + perChunk - 1) / perChunk);
        while (perTask > 1 && Tasks() < wanted) perTask = (perTask + 1) / 2;
        while (perChunk > 1 && Tasks() < wanted) perChunk = (perChunk + 1) / 2;
        return (perTask, perChunk);
    }

    /// <summary>Whether <see cref="Gemm"/> reads b's whole panels in place: b's rows at most 2 KB apart with 512-bit
    /// panels, 1 KB with narrower ones (a partial last panel is still packed, zero-padded). Packing all of b cost one
    /// fork-join and a copy of b per product (at (32, 784) · (784, 128) a quarter of the call); reading in place, a
    /// panel's rows at a stride of 4 KB or more would share a few cache sets and each take a page. With 256-bit panels
    /// (one cache line per step) rows 2 KB apart fell into too few sets of a 512 KB L2: 512³ on an AVX2 EPYC in the
    /// catalogue 2.71–3.51 ms in place against 2.06–2.13 packed (libtorch 1.73–2.11 beside them; two runs each,
    /// alternated, session 56). The 2 KB limit for 512-bit panels is session 43's (AVX-512 EPYC, 1 MB L2).</summary>
    private static bool GemmReadsBInPlace(int n, int panelBytes) => (long)n * sizeof(T) <= (panelBytes >= 128 ? 2048 : 1024);

    /// <summary>c (m × n) = a (m × k) · b (k × n), all dense row-major, through the blocked kernel when it pays
    /// (<see cref="UseGemm"/>); false, with c untouched, when it does not. For the Keras layers' products
    /// (<see cref="Layers.MatMulKernel"/>): one matrix product in the engine. <paramref name="mayRunInParallel"/>
    /// false keeps a large product on the calling thread (a caller already running in parallel: a nested fork-join
    /// would fall back to the thread pool).</summary>
    internal static bool TryGemm(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool mayRunInParallel)
    {
        if (!UseGemm(m, k, n)) return false;
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException("TryGemm: a span is shorter than its dimensions require.");
        fixed (T* ap = a, bp = b, cp = c) Gemm(ap, bp, cp, m, k, n, mayRunInParallel);
        return true;
    }

    /// <summary>c (m × n) = a (m × k) · b (k × n), all dense row-major, at the widest accelerated vector width. With
    /// <paramref name="transposeA"/>, <paramref name="a"/> holds aᵀ (k × m) and is read transposed, strip by strip, into
    /// the strip buffer; with <paramref name="transposeB"/>, <paramref name="b"/> holds bᵀ (n × k) and every panel is
    /// packed from it. Each product is the same sum in the same order as on the transposed copy.</summary>
    private static void Gemm(T* a, T* b, T* c, int m, int k, int n, bool mayRunInParallel = true, bool transposeA = false, bool transposeB = false)
    {
        if (Vector512.IsHardwareAccelerated) Gemm<Gemm512, Vector512<T>>(a, b, c, m, k, n, mayRunInParallel, transposeA, transposeB);
        else if (Vector256.IsHardwareAccelerated) Gemm<Gemm256, Vector256<T>>(a, b, c, m, k, n, mayRunInParallel, transposeA, transposeB);
        else Gemm<Gemm128, Vector128<T>>(a, b, c, m, k, n, mayRunInParallel, transposeA, transposeB);
    }

    /// <summary><see cref="Gemm"/> at one vector width.</summary>
    [MethodImpl(Hot)]
    private static void Gemm<TS, TV>(T* a, T* b, T* c, int m, int k, int n, bool mayRunInParallel, bool transposeA, bool transposeB)
        where TS : struct, IGemmVector<TV> where TV : struct
    {
        int nr = 2 * TS.Count, panels = (n + nr - 1) / nr;
        // Panels before `firstPacked` are read in b's own rows; the rest are packed (all of them, or only a partial
        // last one, zero-padded). A transposed b is packed whole.
        int firstPacked = !transposeB && GemmReadsBInPlace(n, nr * sizeof(T)) ? n / nr : 0, packedPanels = panels - firstPacked;
        T[]? packed = packedPanels > 0 ? ArrayPool<T>.Shared.Rent(checked(packedPanels * nr * k)) : null;
        try
        {
            fixed (T* pp = packed)
            {
                nint pa = (nint)a, pb = (nint)pp, pc = (nint)c, bb = (nint)b;
                bool parallel = mayRunInParallel && (long)m * k * n >= 1 << 21;   // smaller products run on the calling thread alone
                if (transposeB)
                {
                    if (parallel) WorkerPool.For(packedPanels, p => GemmPackBTransposed((T*)bb, k, n, nr, p, p + 1, (T*)pb));
                    else GemmPackBTransposed(b, k, n, nr, 0, panels, pp);
                }
                else if (packedPanels > 1 && parallel)
                    WorkerPool.For(packedPanels, p => GemmPackB<TS, TV>((T*)bb, k, n, firstPacked + p, firstPacked + p + 1, (T*)pb, firstPacked));
                else if (packedPanels > 0) GemmPackB<TS, TV>(b, k, n, firstPacked, panels, pp, firstPacked);
                int strips = (m + GemmRows - 1) / GemmRows;
                // Depth blocks of equal length (k = 300: two of 150, not 256 and 44, whose tiles are mostly overhead).
                int depthBlocks = (k + GemmDepth - 1) / GemmDepth, depthBlock = (k + depthBlocks - 1) / depthBlocks;
                (int stripsPerTask, int panelsPerChunk) = GemmTaskShape(strips, panels, parallel);
                int groups = (strips + stripsPerTask - 1) / stripsPerTask;
                int chunks = (panels + panelsPerChunk - 1) / panelsPerChunk, tasks = groups * chunks;
                // Consecutive tasks share a column chunk, so a core's next task finds that block of b in its cache.
                [MethodImpl(Hot)]
                void RunTask(int task)
                {
                    int chunk = task / groups, group = task % groups;
                    int firstStrip = group * stripsPerTask, endStrip = Math.Min(strips, firstStrip + stripsPerTask);
                    int firstPanel = chunk * panelsPerChunk, endPanel = Math.Min(panels, firstPanel + panelsPerChunk);
                    // Only a strip at the bottom edge (fewer than 6 rows) is copied, into six zero-padded rows; a
                    // transposed a is copied strip by strip.
                    T[]? padded = transposeA || m % GemmRows != 0 && endStrip == strips ? ArrayPool<T>.Shared.Rent(GemmRows * GemmDepth) : null;
                    fixed (T* pad = padded)
                    {
                        for (int depth = 0; depth < k; depth += depthBlock)
                        {
                            int kc = Math.Min(depthBlock, k - depth);
                            for (int s = firstStrip; s < endStrip; s++)
                            {
                                int row = s * GemmRows, rows = Math.Min(GemmRows, m - row);
                                T* strip = (T*)pa + (long)row * k + depth;
                                long lda = k;
                                if (transposeA)
                                {
                                    GemmPackATransposed((T*)pa, m, row, depth, rows, kc, pad);
                                    strip = pad;
                                    lda = kc;
                                }
                                else if (rows < GemmRows)
                                {
                                    GemmPadRows(strip, k, rows, kc, pad);
                                    strip = pad;
                                    lda = kc;
                                }
                                for (int p = firstPanel; p < endPanel; p++)
                                {
                                    bool inPlace = p < firstPacked;
                                    T* panel = inPlace ? (T*)bb + (long)depth * n + p * nr : (T*)pb + ((long)(p - firstPacked) * k + depth) * nr;
                                    long ldb = inPlace ? n : nr;
                                    T* tile = (T*)pc + (long)row * n + p * nr;
                                    int cols = Math.Min(nr, n - p * nr);
                                    if (rows == GemmRows && cols == nr) GemmTile<TS, TV>(strip, lda, panel, ldb, kc, tile, n, depth == 0);
                                    else GemmEdgeTile<TS, TV>(strip, lda, panel, ldb, kc, tile, n, rows, cols, depth == 0);
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
            if (packed is not null) ArrayPool<T>.Shared.Return(packed);
        }
    }

    /// <summary>Packs panels [<paramref name="firstPanel"/>, <paramref name="endPanel"/>) of b (k × n), each two vectors
    /// (nr values) wide, into <paramref name="packed"/>: panel p, at (p − <paramref name="origin"/>)·k·nr, holds k rows
    /// of nr values, b[kk, p·nr ..], zero beyond the last column. A full panel's row is two vector loads and stores: a
    /// span copy per row cost 12 ns, the packing of a 512 × 512 b 0.097 ms on one thread (0.086 on two), 6% of a
    /// two-thread 512³ product.</summary>
    [MethodImpl(Hot)]
    private static void GemmPackB<TS, TV>(T* b, int k, int n, int firstPanel, int endPanel, T* packed, int origin)
        where TS : struct, IGemmVector<TV> where TV : struct
    {
        int w = TS.Count, nr = 2 * w;
        for (int p = firstPanel; p < endPanel; p++)
        {
            T* to = packed + (long)(p - origin) * k * nr;
            int cols = Math.Min(nr, n - p * nr);
            T* from = b + p * nr;
            if (cols == nr)
                for (int kk = 0; kk < k; kk++, to += nr, from += n)
                {
                    TS.Store(TS.Load(from), to);
                    TS.Store(TS.Load(from + w), to + w);
                }
            else
                for (int kk = 0; kk < k; kk++, to += nr, from += n)   // a partial panel: element loops (see GemmEdgeTile)
                {
                    int j = 0;
                    for (; j < cols; j++) to[j] = from[j];
                    for (; j < nr; j++) to[j] = T.Zero;
                }
        }
    }

    /// <summary>Packs panels [<paramref name="firstPanel"/>, <paramref name="endPanel"/>) of b (k × n) from its transpose
    /// <paramref name="bt"/> (n × k), as <c>GemmPackB</c> lays them out (panel p at p·k·nr, zero beyond the last
    /// column): each of a panel's columns is one contiguous row of bᵀ.</summary>
    private static void GemmPackBTransposed(T* bt, int k, int n, int nr, int firstPanel, int endPanel, T* packed)
    {
        for (int p = firstPanel; p < endPanel; p++)
        {
            T* to = packed + (long)p * k * nr;
            int cols = Math.Min(nr, n - p * nr);
            for (int j = 0; j < nr; j++)
            {
                if (j >= cols)
                {
                    for (int kk = 0; kk < k; kk++) to[(long)kk * nr + j] = T.Zero;
                    continue;
                }
                T* from = bt + (long)(p * nr + j) * k;
                for (int kk = 0; kk < k; kk++) to[(long)kk * nr + j] = from[kk];
            }
        }
    }

    /// <summary>Copies rows [<paramref name="row"/>, +<paramref name="rows"/>) × columns [<paramref name="depth"/>,
    /// +<paramref name="kc"/>) of a (m × k) from its transpose <paramref name="at"/> (k × m) into six rows of
    /// <paramref name="kc"/> values, zero in rows beyond <paramref name="rows"/>: at each depth the strip's values are
    /// adjacent in aᵀ.</summary>
    private static void GemmPackATransposed(T* at, int m, int row, int depth, int rows, int kc, T* to)
    {
        if (rows < GemmRows) new Span<T>(to + (long)rows * kc, (GemmRows - rows) * kc).Clear();
        for (int kk = 0; kk < kc; kk++)
        {
            T* from = at + (long)(depth + kk) * m + row;
            for (int r = 0; r < rows; r++) to[(long)r * kc + kk] = from[r];
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
