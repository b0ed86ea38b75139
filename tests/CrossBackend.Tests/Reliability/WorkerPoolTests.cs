namespace CrossBackend.Tests.Reliability;

/// <summary>
/// The fork-join of the engines' managed kernels (<see cref="WorkerPool"/>): every item runs once, a body's exception
/// reaches the caller as itself, concurrent and nested calls finish (they fall back to <c>Parallel.For</c>), and a
/// limited task scheduler limits the threads. The kernels' results are held to the float64 reference by the parity
/// tests; these hold the scheduling they rely on.
/// </summary>
[NonParallelizable]
public sealed class WorkerPoolTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(8)]
    [TestCase(1000)]
    public void EveryItemRunsExactlyOnce(int count)
    {
        var hits = new int[count];
        for (int round = 0; round < 20; round++) WorkerPool.For(count, i => Interlocked.Increment(ref hits[i]));
        Assert.That(hits, Is.All.EqualTo(20));
    }

    /// <summary>Each thread starts at the first item of its own contiguous range (the caller at 0, the k-th helper to
    /// join at k·count/P, whichever starts first), not at the next item of one shared counter: two threads reading neighbouring items read
    /// memory about a third slower (benchmarks/README.md, session 44). The first two threads to start wait for each
    /// other, so the caller cannot run through the items before a helper joins.</summary>
    [Test]
    public void EachThreadStartsAtTheFirstItemOfItsOwnRange()
    {
        int threads = Environment.ProcessorCount;
        Assume.That(threads, Is.GreaterThanOrEqualTo(2), "one processor: the caller runs every item");
        int count = 8 * threads;
        var starts = new List<(int Thread, int Item)>();
        using var bothStarted = new CountdownEvent(2);
        var seen = new HashSet<int>();
        bool late = false;
        WorkerPool.For(count, i =>
        {
            bool first;
            lock (starts)
            {
                first = seen.Add(Environment.CurrentManagedThreadId);
                if (first) starts.Add((Environment.CurrentManagedThreadId, i));
            }
            if (first && !bothStarted.IsSet)
            {
                try { bothStarted.Signal(); } catch (InvalidOperationException) { }   // a third thread after the two
                if (!bothStarted.Wait(TimeSpan.FromSeconds(5))) late = true;
            }
        });
        if (late || starts.Count < 2) Assert.Inconclusive("no helper joined within 5 s");
        int[] rangeStarts = Enumerable.Range(0, threads).Select(r => r * count / threads).ToArray();
        Assert.That(starts.Take(2).Select(s => s.Item), Is.SubsetOf(rangeStarts),
            $"the first two threads' first items (ranges start at {string.Join(", ", rangeStarts)})");
    }

    [Test]
    public void ABodysExceptionReachesTheCallerAsItselfAndThePoolGoesOn()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            WorkerPool.For(16, i => { if (i == 11) throw new InvalidOperationException("item 11 failed"); }))!;
        Assert.That(error.Message, Is.EqualTo("item 11 failed"));
        var hits = new int[16];
        WorkerPool.For(16, i => Interlocked.Increment(ref hits[i]));
        Assert.That(hits, Is.All.EqualTo(1));
    }

    [Test]
    public void ANestedCallsExceptionReachesTheCallerAsItself()
    {
        var error = Assert.Throws<ArgumentException>(() => WorkerPool.For(4, i => WorkerPool.For(4, j =>
        {
            if (i == 2 && j == 3) throw new ArgumentException("inner 2, 3");
        })))!;
        Assert.That(error.Message, Is.EqualTo("inner 2, 3"));
    }

    [Test]
    public void ConcurrentAndNestedCallsAllFinish()
    {
        const int Threads = 4, Rounds = 200, Outer = 8, Inner = 5;
        long total = 0;
        Task[] callers = Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(() =>
        {
            for (int round = 0; round < Rounds; round++)
                WorkerPool.For(Outer, _ => WorkerPool.For(Inner, _ => Interlocked.Increment(ref total)));
        }, TaskCreationOptions.LongRunning)).ToArray();
        Assert.That(Task.WaitAll(callers, TimeSpan.FromSeconds(60)), Is.True,
            "the calls did not finish within 60 s: a deadlock");
        Assert.That(total, Is.EqualTo((long)Threads * Rounds * Outer * Inner));
    }

    [TestCase(1)]
    [TestCase(2)]
    public void ALimitedSchedulerLimitsTheThreads(int limit)
    {
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, limit).ConcurrentScheduler;
        int running = 0, most = 0;
        Task.Factory.StartNew(() =>
        {
            for (int round = 0; round < 20; round++)
                WorkerPool.For(8, _ =>
                {
                    int now = Interlocked.Increment(ref running);
                    int seen;
                    while ((seen = Volatile.Read(ref most)) < now && Interlocked.CompareExchange(ref most, now, seen) != seen)
                    {
                    }
                    Thread.SpinWait(20_000);
                    Interlocked.Decrement(ref running);
                });
        }, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Wait();
        Assert.That(most, Is.LessThanOrEqualTo(limit));
        if (Environment.ProcessorCount > 1 && limit > 1)
            Assert.That(most, Is.GreaterThan(1), "no item ran beside another: the pool did not run in parallel");
    }
}
