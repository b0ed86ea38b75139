using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// How dense row-major operands broadcast to one result (NumPy rules: trailing axes aligned, length-1 axes
/// stretched), cut into <em>blocks</em>: the longest run of trailing result axes over which every operand is either
/// contiguous (stride 1) or constant (stride 0). Same shapes give one block of everything; a row vector against a
/// matrix gives blocks of one row with the vector contiguous; a keep-dims column [B, 1] against [B, C] gives blocks
/// of one row with the column constant. Each block is then one <c>TensorPrimitives</c> call (span with span, span
/// with scalar), and only the outer block index pays for strided addressing.
/// </summary>
internal sealed class BroadcastPlan
{
    /// <summary>The result's shape.</summary>
    public long[] Shape { get; }

    /// <summary>The result's element count.</summary>
    public int Count { get; }

    /// <summary>Elements per block (the result's trailing run described above); at least 1.</summary>
    public int Block { get; }

    /// <summary>Number of blocks.</summary>
    public int Blocks => Block == 0 ? 0 : Count / Block;

    /// <summary>Per operand: true when contiguous inside a block, false when constant inside a block.</summary>
    public bool[] Contiguous { get; }

    private readonly int[] outerLengths;     // result lengths of the axes outside the block
    private readonly int[][] outerStrides;   // per operand, its element stride along each of those axes (0: broadcast)

    private BroadcastPlan(long[] shape, int count, int block, bool[] contiguous, int[] outerLengths, int[][] outerStrides)
    {
        Shape = shape;
        Count = count;
        Block = block;
        Contiguous = contiguous;
        this.outerLengths = outerLengths;
        this.outerStrides = outerStrides;
    }

    /// <summary>The broadcast shape of <paramref name="shapes"/>, or an <see cref="ArgumentException"/> naming them:
    /// "Arguments `a` and `b` must broadcast. Received: a.shape=(2, 3), b.shape=(4,)".</summary>
    public static long[] BroadcastShape(long[][] shapes, string[] names)
    {
        int rank = shapes.Max(s => s.Length);
        var result = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            long length = 1;
            foreach (long[] s in shapes)
            {
                int k = d - (rank - s.Length);
                if (k < 0 || s[k] == 1) continue;
                if (length != 1 && length != s[k]) throw NotBroadcastable(shapes, names);
                length = s[k];
            }
            result[d] = length;
        }
        return result;
    }

    private static ArgumentException NotBroadcastable(long[][] shapes, string[] names)
    {
        string quoted = names.Length == 2
            ? $"`{names[0]}` and `{names[1]}`"
            : string.Join(", ", names[..^1].Select(n => $"`{n}`")) + $" and `{names[^1]}`";
        string received = string.Join(", ", names.Select((n, i) => $"{n}.shape={TensorInfo.FormatShape(shapes[i])}"));
        return new ArgumentException($"Arguments {quoted} must broadcast (NumPy rules: trailing axes equal or 1). Received: {received}", names[0]);
    }

    /// <summary>The plan for operands of <paramref name="shapes"/> broadcast to <paramref name="result"/> (which
    /// each of them must broadcast to).</summary>
    public static BroadcastPlan Create(long[] result, params long[][] shapes)
    {
        int rank = result.Length, operands = shapes.Length;
        long total = 1;
        foreach (long d in result) total *= d;
        // Dense strides of every operand, aligned to the result's axes (0 where the operand is stretched).
        var strides = new long[operands][];
        for (int k = 0; k < operands; k++)
        {
            strides[k] = new long[rank];
            long stride = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                int own = d - (rank - shapes[k].Length);
                long length = own < 0 ? 1 : shapes[k][own];
                strides[k][d] = length == 1 ? 0 : stride;
                stride *= length;
            }
        }
        // Grow the block from the last axis while every operand stays contiguous or constant over it.
        var mode = new int[operands];   // 0 undecided, 1 contiguous, 2 constant
        long block = 1;
        int firstBlockAxis = rank;
        for (int d = rank - 1; d >= 0; d--)
        {
            if (result[d] == 1) { firstBlockAxis = d; continue; }
            bool fits = true;
            for (int k = 0; k < operands && fits; k++)
            {
                long s = strides[k][d];
                fits = (s == 0 && mode[k] != 1) || (s == block && mode[k] != 2);
            }
            if (!fits) break;
            for (int k = 0; k < operands; k++) mode[k] = strides[k][d] == 0 ? 2 : 1;
            block *= result[d];
            firstBlockAxis = d;
        }
        if (total == 0) block = 1;
        var outerLengths = new int[firstBlockAxis];
        var outerStrides = new int[operands][];
        for (int d = 0; d < firstBlockAxis; d++) outerLengths[d] = (int)result[d];
        for (int k = 0; k < operands; k++)
        {
            outerStrides[k] = new int[firstBlockAxis];
            for (int d = 0; d < firstBlockAxis; d++) outerStrides[k][d] = (int)strides[k][d];
        }
        var contiguous = mode.Select(m => m != 2).ToArray();
        return new BroadcastPlan(result, (int)total, (int)block, contiguous, outerLengths, outerStrides);
    }

    /// <summary>Each operand's element offset at the start of block <paramref name="index"/>.</summary>
    public void Offsets(int index, Span<int> offsets)
    {
        offsets.Clear();
        for (int d = outerLengths.Length - 1; d >= 0 && index > 0; d--)
        {
            int coordinate = index % outerLengths[d];
            index /= outerLengths[d];
            for (int k = 0; k < offsets.Length; k++) offsets[k] += coordinate * outerStrides[k][d];
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>(resultOffset, length, operandOffsets) over every block, splitting one large block
    /// into pieces and grouping small blocks, in parallel when the result is large.
    /// </summary>
    public void ForEachBlock(BlockBody body)
    {
        int operands = Contiguous.Length;
        if (Count == 0) return;
        if (Blocks == 1)
        {
            int chunk = ParallelSplit.ElementsPerTask(Count);
            int pieces = (Count + chunk - 1) / chunk;
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            void Piece(int p)
            {
                int start = p * chunk, length = Math.Min(chunk, Count - start);
                Span<int> offsets = stackalloc int[operands];
                for (int k = 0; k < operands; k++) offsets[k] = Contiguous[k] ? start : 0;
                body(start, length, offsets);
            }
            if (pieces == 1) Piece(0);
            else WorkerPool.For(pieces, Piece);
            return;
        }
        int tasks = Math.Min(Blocks, ParallelSplit.Tasks(Count));
        int blocksPerTask = (Blocks + tasks - 1) / tasks;
        tasks = (Blocks + blocksPerTask - 1) / blocksPerTask;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Group(int task)
        {
            Span<int> offsets = stackalloc int[operands];
            int first = task * blocksPerTask, end = Math.Min(Blocks, first + blocksPerTask);
            // Offsets of the first block by division, then carried forward like an odometer (no division per block).
            Span<int> coordinates = stackalloc int[outerLengths.Length];
            Offsets(first, offsets);
            for (int d = outerLengths.Length - 1, rest = first; d >= 0; d--)
            {
                coordinates[d] = rest % outerLengths[d];
                rest /= outerLengths[d];
            }
            for (int b = first; b < end; b++)
            {
                body(b * Block, Block, offsets);
                for (int d = outerLengths.Length - 1; d >= 0; d--)
                {
                    for (int k = 0; k < operands; k++) offsets[k] += outerStrides[k][d];
                    if (++coordinates[d] < outerLengths[d]) break;
                    for (int k = 0; k < operands; k++) offsets[k] -= outerStrides[k][d] * outerLengths[d];
                    coordinates[d] = 0;
                }
            }
        }
        if (tasks == 1) Group(0);
        else WorkerPool.For(tasks, Group);
    }

    /// <summary>One block: where it starts in the result, its length, and where each operand's data starts.</summary>
    public delegate void BlockBody(int resultOffset, int length, ReadOnlySpan<int> operandOffsets);
}
