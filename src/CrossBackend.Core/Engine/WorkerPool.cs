using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace CrossBackend;

/// <summary>
/// The fork-join of the engines' managed kernels (the channels-last engine's, and the torch engine's host arg-max):
/// runs body(0) … body(count − 1) on the calling thread and <c>ProcessorCount − 1</c> dedicated workers, which claim
/// items one at a time and, after a job, spin for <see cref="SpinMicroseconds"/> before they sleep — libtorch's OpenMP
/// workers do the same, for longer.
/// </summary>
/// <remarks>
/// <para>Why not <see cref="Parallel.For(int, int, Action{int})"/>: a kernel of 0.5–3 ms is a few items per core, and
/// waking a sleeping thread-pool worker took 1.8–2.8 ms on the 2-core reference VM, so the caller often did most of
/// the work alone. Measured there on (65536, 100) float32, p50 of three runs each (benchmarks/README.md, session 24):
/// the sum over all elements 0.67–0.72 ms back to back with this pool, 0.77–1.04 with <c>Parallel.For</c> (libtorch
/// 0.50–0.57); after 3 ms idle and one warm-up call, sum 0.68–0.74 against 0.81–0.98, max along axis 1 0.81–0.86
/// against 1.11–1.33.</para>
/// <para>One job at a time: a call made while a job runs — from another thread, or nested inside a body — goes to
/// <c>Parallel.For</c> instead, so nothing waits on this pool. Items are claimed in any order by any thread; callers
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
        public readonly long Id = id;
        private readonly int _count = count;
        private int _next = -1, _helperSlots = helpers;
        public int Unfinished = count;
        public ExceptionDispatchInfo? Error;

        /// <summary>Claims and runs items until none is left (a worker that arrives late finds none); a worker beyond
        /// the job's helper count takes no part.</summary>
        public void Run(bool helper)
        {
            if (helper && Interlocked.Decrement(ref _helperSlots) < 0) return;
            int item;
            while ((item = Interlocked.Increment(ref _next)) < _count)
            {
                try { body(item); }
                catch (Exception e) { Interlocked.CompareExchange(ref Error, ExceptionDispatchInfo.Capture(e), null); }
                finally { Interlocked.Decrement(ref Unfinished); }
            }
        }
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
