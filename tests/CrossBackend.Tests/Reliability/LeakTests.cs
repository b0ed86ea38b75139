using System.Diagnostics;
using CrossBackend.Backends.Torch;
using TorchSharp;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Issue 5, item 4: calls in a loop on the TorchSharp path leave the live native tensor count and the process RSS
/// flat. CI runs <see cref="DefaultCalls"/> calls per test; the soak run is one command:
/// <code>CROSSBACKEND_SOAK_CALLS=100000 dotnet test --filter "FullyQualifiedName~Reliability.LeakTests" --logger "console;verbosity=detailed"</code>
/// Each test prints its numbers (calls, live-tensor delta, RSS before/after) to the test output.
/// </summary>
[NonParallelizable]
public sealed class LeakTests
{
    private const int DefaultCalls = 2000;

    /// <summary>RSS growth allowed after warm-up, whatever the call count: glibc arenas and libtorch's allocator caches
    /// settle during the warm-up; a real leak of even one small tensor per call (≥ 100 bytes of native memory plus a
    /// managed Tensor object) over 100k calls is well above it, and with 2,000 calls the live count catches it.</summary>
    private const long RssSlackBytes = 48L << 20;

    private static int Calls => int.TryParse(Environment.GetEnvironmentVariable("CROSSBACKEND_SOAK_CALLS"), out int n) && n > 0 ? n : DefaultCalls;

    [OneTimeSetUp]
    public void Load() => TorchEngine.EnsureNativeLoadable();

    public static IEnumerable<TestCaseData> Modes() =>
        from mode in new[] { "caller disposes result", "caller's dispose scope", "no scope, result finalized" }
        select new TestCaseData(mode).SetArgDisplayNames(mode);

    [TestCaseSource(nameof(Modes))]
    public void RepeatedCallsLeaveLiveTensorsAndRssFlat(string mode)
    {
        var h = new EngineHarness(TensorEngines.Named("torch"));
        LossCall[] calls = LossCalls.All().ToArray();
        long[] shape = [16, 4, LossCalls.Classes];
        (double[] p, double[] t) = LossCalls.Inputs(shape, seed: 3);
        using var pred = (torch.Tensor)h.Tensor(p, shape, DType.Float32);
        using var yTrue = (torch.Tensor)h.Tensor(t, shape, DType.Float32);

        void Loop(int n)
        {
            for (int i = 0; i < n; i++)
            {
                LossCall call = calls[i % calls.Length];
                switch (mode)
                {
                    case "caller disposes result":
                        ((torch.Tensor)call.Invoke(pred, yTrue)).Dispose();
                        break;
                    case "caller's dispose scope":
                        using (torch.NewDisposeScope()) call.Invoke(pred, yTrue);
                        break;
                    default:
                        call.Invoke(pred, yTrue);   // left to the finalizer, as careless callers do
                        if (i % 500 == 499) Settle();
                        break;
                }
            }
        }

        // Warm-up: lazy statics, JIT tiers, libtorch's thread pool and allocator caches. In a fresh process the
        // first ~30k calls run ~10x slower and RSS climbs ~30 MiB before it levels off, so RSS is also sampled
        // half-way: a leak keeps growing in the second half, warm-up does not.
        Loop(Math.Max(1000, Calls / 10));
        Settle();
        long liveBefore = LiveTensors(), totalBefore = torch.Tensor.TotalCount, rssBefore = Rss();
        var clock = Stopwatch.StartNew();
        Loop(Calls / 2);
        Settle();
        long rssMid = Rss();
        Loop(Calls - Calls / 2);
        clock.Stop();
        Settle();
        long liveAfter = LiveTensors(), totalAfter = torch.Tensor.TotalCount, rssAfter = Rss();

        string report = $"leak soak [{mode}]: {Calls} calls in {clock.Elapsed.TotalSeconds:F1} s; this thread's live tensors (DisposeScopeManager.Statistics) " +
                        $"{liveBefore} -> {liveAfter} (delta {liveAfter - liveBefore}); process-wide live tensors (Tensor.TotalCount) " +
                        $"{totalBefore} -> {totalAfter} (delta {totalAfter - totalBefore}); RSS {rssBefore / 1048576.0:F1} -> {rssMid / 1048576.0:F1} (half-way) -> {rssAfter / 1048576.0:F1} MiB " +
                        $"(delta {(rssAfter - rssBefore) / 1048576.0:F1} MiB, second half {(rssAfter - rssMid) / 1048576.0:F1} MiB)";
        TestContext.Out.WriteLine(report);
        TestContext.Progress.WriteLine(report);
        // Tensors released by the finalizer are counted as disposed on the finalizer thread, not on this one, so the
        // per-thread statistics only balance when the caller disposes; the process-wide count must balance always
        // (it may drop when other tests' garbage is finalized meanwhile, never grow).
        if (mode != "no scope, result finalized")
            Assert.That(liveAfter - liveBefore, Is.EqualTo(0), "this thread's live native tensors after the loop");
        Assert.That(totalAfter - totalBefore, Is.LessThanOrEqualTo(0), "process-wide live native tensors after the loop");
        Assert.That(rssAfter - rssBefore, Is.LessThan(RssSlackBytes), "RSS growth");
        Assert.That(rssAfter - rssMid, Is.LessThan(RssSlackBytes / 2), "RSS growth in the second half");
    }

    [Test]
    public void ValidationFailuresLeakNothing()
    {
        // A call refused after the dispose scope opened (class weights are checked inside it) must not strand a tensor.
        TorchEngine.EnsureNativeLoadable();
        using var pred = torch.tensor(new float[] { 0.2f, 0.8f }, [1, 2]);
        using var yTrue = torch.tensor(new float[] { 0f, 1f }, [1, 2]);
        var bad = new Dictionary<int, double> { [5] = 1.0 };
        Settle();
        long before = LiveTensors(), total = torch.Tensor.TotalCount;
        for (int i = 0; i < 200; i++)
            Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CategoricalCrossentropy(pred, yTrue, classWeights: bad));
        Settle();
        Assert.That(LiveTensors() - before, Is.EqualTo(0));
        Assert.That(torch.Tensor.TotalCount - total, Is.LessThanOrEqualTo(0));
    }

    /// <summary>Tensors alive on this thread per TorchSharp's own accounting (created minus disposed, in and out of
    /// dispose scopes).</summary>
    private static long LiveTensors()
    {
        ThreadDisposeScopeStatistics s = DisposeScopeManager.Statistics;
        return s.CreatedInScopeCount + s.CreatedOutsideScopeCount - s.DisposedInScopeCount - s.DisposedOutsideScopeCount;
    }

    private static void Settle()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>Resident set size from /proc/self/status (VmRSS), falling back to the working set elsewhere.</summary>
    private static long Rss()
    {
        try
        {
            string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            if (line is not null) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { }
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
