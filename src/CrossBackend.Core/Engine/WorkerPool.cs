using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace CrossBackend;

/// <summary>
/// The fork-join of the engines' managed kernels (the channels-last engine's, and the torch engine's host arg-max):
/// runs body(0) … body(count − 1) on the calling thread and <c>ProcessorCount − 1</c> dedicated workers. Each takes
/// the items of its own contiguous range one at a time, then helps with the others'; after a job a worker spins for
/// <see cref="SpinMicroseconds"/> before it sleeps — libtorch's OpenMP workers do the same, for longer.
/// </summary>
/// <remarks>
/// <para>Why not <see cref="Parallel.For(int, int, Action{int})"/>: a kernel of 0.5–3 ms is a few items per core, and
/// waking a sleeping thread-pool worker took 1.8–2.8 ms on the 2-core reference VM, so the caller often did most of
/// the work alone. Measured there on (65536, 100) float32, p50 of three runs each (benchmarks/README.md, session 24):
/// the sum over all elements 0.67–0.72 ms back to back with this pool, 0.77–1.04 with <c>Parallel.For</c> (libtorch
/// 0.50–0.57); after 3 ms idle and one warm-up call, sum 0.68–0.74 against 0.81–0.98, max along axis 1 0.81–0.86
/// against 1.11–1.33.</para>
/// <para>One job at a time: a call made while a job runs — from another thread, or nested inside a body — goes to
/// <c>Parallel.For</c> instead, so nothing waits on this pool. Any item may run on any thread; callers
/// combine partial results by item index, so results do not depend on scheduling. The first exception a body throws
/// is rethrown to the caller (with its own stack trace) once every claimed item has finished.</para>
/// <para>The workers are background threads created on first use; they hold no engine state.</para>
/// </remarks>
internal static class WorkerPool
{
    /// <summary>How long a worker keeps polling for the next job before it sleeps: long enough to bridge the gap
    /// between the kernels of one pipeline step, short enough not to take a core from other work for long.</summary>
    private const int SpinMicroseconds = 200;

    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
    private static readonly Worker[] Workers = StartWorkers(Environment.ProcessorCount - 1);
    private static Job? _current;
    private static long _jobs;
    private static int _busy;

    /// <summary>Runs <paramref name="body"/> for every index in [0, <paramref name="count"/>) and returns when all have
    /// finished.</summary>
    public static void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        // A caller that runs on a limited task scheduler (ConcurrentExclusiveSchedulerPair, say) gets no more threads
        // than it allows, as Parallel.For would give it; the default scheduler's limit is int.MaxValue.
        int helpers = Math.Min(Workers.Length, TaskScheduler.Current.MaximumConcurrencyLevel - 1);
        if (count == 1 || helpers <= 0)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            try { Parallel.For(0, count, body); }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            }
            return;
        }
        var job = new Job(body, count, helpers, ++_jobs);
        try
        {
            Volatile.Write(ref _current, job);
            foreach (Worker worker in Workers) worker.WakeIfAsleep();
            job.Run(helper: false);
            var wait = new SpinWait();
            while (Volatile.Read(ref job.Unfinished) > 0) wait.SpinOnce(sleep1Threshold: -1);
        }
        finally
        {
            Volatile.Write(ref _current, null);   // the body's captured state is not kept alive between jobs
            Volatile.Write(ref _busy, 0);
        }
        job.Error?.Throw();
    }

    private static Worker[] StartWorkers(int count)
    {
        var workers = new Worker[Math.Max(0, count)];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Worker();
            new Thread(workers[i].Loop) { IsBackground = true, Name = $"CrossBackend worker {i + 1}" }.Start();
        }
        return workers;
    }

    private sealed class Job(Action<int> body, int count, int helpers, long id)
    {
        /// <summary>Ints between two ranges' counters: one 64-byte cache line each, so that claiming in one range does
        /// not invalidate the line another thread claims from.</summary>
        private const int Stride = 16;

        public readonly long Id = id;
        private readonly int _count = count, _ranges = helpers + 1;
        private readonly int[] _next = new int[(helpers + 1) * Stride];
        private int _joined;
        public int Unfinished = count;
        public ExceptionDispatchInfo? Error;

        /// <summary>Runs items until none is left: first those of its own range (the caller the first, each helper
        /// the next in the order it joins), then what is left of the others' (a range whose helper is late or asleep
        /// is done by the rest). A worker beyond the job's helper count takes no part.</summary>
        /// <remarks>Contiguous ranges instead of claiming the next item from one shared counter: two threads that
        /// take neighbouring items read memory in an order the machine serves more slowly than each thread reading
        /// its own run of items. The same sweep over (65536, 100) float32, two threads: 0.84–0.86 ms with neighbouring
        /// items against 0.67–0.71 in runs; the one-hot crossentropy call 0.85–0.91 → 0.64–0.66 ms, alternated in one
        /// process (benchmarks/README.md, session 44).</remarks>
        public void Run(bool helper)
        {
            int own = helper ? Interlocked.Increment(ref _joined) : 0;
            if (own >= _ranges) return;
            for (int k = 0; k < _ranges; k++)
            {
                int range = (own + k) % _ranges;
                int start = Start(range), length = Start(range + 1) - start;
                int offset;
                while ((offset = Interlocked.Increment(ref _next[range * Stride]) - 1) < length)
                {
                    try { body(start + offset); }
                    catch (Exception e) { Interlocked.CompareExchange(ref Error, ExceptionDispatchInfo.Capture(e), null); }
                    finally { Interlocked.Decrement(ref Unfinished); }
                }
            }
        }

        /// <summary>The first item of range <paramref name="range"/> (of <see cref="_ranges"/> nearly equal ones).</summary>
        private int Start(int range) => (int)((long)_count * range / _ranges);
    }

    private sealed class Worker
    {
        private const int Awake = 0, Asleep = 1;
        // Not SemaphoreSlim: a thread blocked in its Wait took 2.8 ms (p50) to run after Release once it had slept for
        // 5 ms, an AutoResetEvent 21–23 µs (scratch console on the reference VM, 60 wakes each, session 25).
        private readonly AutoResetEvent _signal = new(false);
        private int _state;

        /// <summary>Called after a new job is published: a worker that went to sleep before seeing it is released.
        /// (The worker marks itself asleep, then looks for a job once more; one of the two sides sees the
        /// other.)</summary>
        public void WakeIfAsleep()
        {
            if (Interlocked.CompareExchange(ref _state, Awake, Asleep) == Asleep) _signal.Set();
        }

        public void Loop()
        {
            long last = 0;
            while (true) last = RunNext(last);
        }

        /// <summary>Waits for the next job and helps with it; not inlined, so that no reference to the job (and the
        /// arrays its body captured) outlives it while the worker waits for the one after.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private long RunNext(long last)
        {
            Job job = NextJob(last);
            job.Run(helper: true);
            return job.Id;
        }

        /// <summary>The published job after the one numbered <paramref name="last"/>, waiting for it.</summary>
        private Job NextJob(long last)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                Job? job = Volatile.Read(ref _current);
                if (job is not null && job.Id != last) return job;
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                Interlocked.Exchange(ref _state, Asleep);
                job = Volatile.Read(ref _current);
                if (job is not null && job.Id != last)
                {
                    // A job arrived meanwhile: stay awake, unless the caller already claimed the wake-up (then take it).
                    if (Interlocked.CompareExchange(ref _state, Awake, Asleep) != Asleep) _signal.WaitOne();
                    return job;
                }
                _signal.WaitOne();
                deadline = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
