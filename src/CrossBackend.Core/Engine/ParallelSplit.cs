using System.Runtime.CompilerServices;

namespace CrossBackend;

/// <summary>How many parallel tasks a streaming loop over a number of elements is split into.</summary>
/// <remarks>
/// Few, long tasks: a task that streams a long run keeps the hardware prefetchers busy, while each extra task costs a
/// hand-off. Measured on the 2-core reference machine, a (65536, 100) float32 add (26 MB per operand) took 1.43 ms
/// in 100 tasks of 2^16 elements and 1.08–1.15 ms in 8–25 tasks of 2^18–2^20 (benchmarks/README.md, session 21).
/// Four tasks per core leave room to balance a core that is busy with something else; the count grows with the
/// machine, so more cores help with no change here.
/// </remarks>
internal static class ParallelSplit
{
    /// <summary>Below this many elements per task, scheduling costs more than the work.</summary>
    public const int MinElementsPerTask = 1 << 16;

    /// <summary>Tasks per core when the work is large.</summary>
    private const int TasksPerCore = 4;

    /// <summary>The number of tasks for <paramref name="elements"/> elements of streaming work: 1 (run inline) up to
    /// 2 × <see cref="MinElementsPerTask"/>, then no more than <see cref="TasksPerCore"/> per core and no task shorter
    /// than <see cref="MinElementsPerTask"/>.</summary>
    public static int Tasks(long elements)
    {
        if (elements <= 2L * MinElementsPerTask) return 1;
        long byMinimum = elements / MinElementsPerTask;
        return (int)Math.Max(1, Math.Min(byMinimum, (long)TasksPerCore * Environment.ProcessorCount));
    }

    /// <summary>Elements per task when <paramref name="elements"/> are split into <see cref="Tasks"/> tasks, rounded up
    /// to a multiple of 64 so every task but the last starts on a cache-line and vector boundary.</summary>
    public static int ElementsPerTask(int elements)
    {
        int tasks = Tasks(elements);
        if (tasks == 1) return Math.Max(elements, 1);
        long per = ((long)elements + tasks - 1) / tasks;
        return (int)Math.Min(int.MaxValue, (per + 63) & ~63L);
    }

    /// <summary>Runs <paramref name="body"/>(first, end) over [0, <paramref name="rows"/>) rows of
    /// <paramref name="rowLength"/> elements: inline when small, else in <see cref="Tasks"/> parallel chunks on
    /// <see cref="WorkerPool"/>. Its dispatch lambda is compiled fully optimised at once (kernels must not wait for
    /// tiered compilation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForEachRows(int rows, long rowLength, Action<int, int> body)
    {
        if (rows == 0) return;
        int tasks = Math.Min(rows, Tasks((long)rows * Math.Max(1, rowLength)));
        int rowsPerTask = (rows + tasks - 1) / tasks;
        tasks = (rows + rowsPerTask - 1) / rowsPerTask;
        if (tasks <= 1)
        {
            body(0, rows);
            return;
        }
        WorkerPool.For(tasks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (task) =>
        {
            int first = task * rowsPerTask;
            body(first, Math.Min(rows, first + rowsPerTask));
        });
    }
}
