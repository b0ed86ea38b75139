using System.Diagnostics;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Issue 5, item 4: calls in a loop leave the process RSS flat, on every engine whose tensors own native memory
/// (found by a property: its tensors are <see cref="IDisposable"/>), for one call of every registered loss, whether
/// the caller disposes the result or leaves it to the finalizer. CI runs <see cref="DefaultCalls"/> calls per test;
/// the soak run is one command:
/// <code>CROSSBACKEND_SOAK_CALLS=100000 dotnet test --filter "FullyQualifiedName~LeakTests" --logger "console;verbosity=detailed"</code>
/// Each test prints its numbers (calls, RSS before/half-way/after) to the test output. The engine's own live-object
/// accounting (TorchSharp's dispose-scope statistics) is checked in EngineSpecific/Torch.
/// </summary>
[NonParallelizable]
[TestFixtureSource(nameof(DisposableEngines))]
public sealed class LeakTests(ITensorEngine engine)
{
    internal const int DefaultCalls = 2000;

    /// <summary>RSS growth allowed after warm-up, whatever the call count: native allocators' caches settle during
    /// the warm-up; a leak of even one small tensor per call (≥ 100 bytes of native memory plus a managed object)
    /// over 100k calls is well above it.</summary>
    private const long RssSlackBytes = 48L << 20;

    internal static int Calls => int.TryParse(Environment.GetEnvironmentVariable("CROSSBACKEND_SOAK_CALLS"), out int n) && n > 0 ? n : DefaultCalls;

    /// <summary>The engines whose tensors are <see cref="IDisposable"/> (they hold native memory a caller must release).</summary>
    public static IEnumerable<EngineTestCase> DisposableEngines() =>
        TestEngines.All.Where(c => c.Engine is null || c.Engine.FromArray(new float[] { 1 }, [1]) is IDisposable);

    /// <param name="dispose">true: the caller disposes each result; false: results are left to the finalizer.</param>
    [Test]
    public void RepeatedCallsLeaveRssFlat([Values] bool dispose)
    {
        var inputs = LossCalls.OnePerLoss().Select(c => (Call: c, Input: c.Inputs(engine, DType.Float32))).ToArray();
        void Loop(int n)
        {
            for (int i = 0; i < n; i++)
            {
                var (call, (pred, yTrue, args)) = inputs[i % inputs.Length];
                object result = call.Invoke(pred, yTrue, args);
                if (dispose) ((IDisposable)result).Dispose();
                else if (i % 500 == 499) Settle();   // left to the finalizer, as careless callers do
            }
        }

        // Warm-up: lazy statics, JIT tiers, native thread pools and allocator caches; RSS is also sampled half-way:
        // a leak keeps growing in the second half, warm-up does not.
        Loop(Math.Max(1000, Calls / 10));
        Settle();
        long rssBefore = Rss();
        var clock = Stopwatch.StartNew();
        Loop(Calls / 2);
        Settle();
        long rssMid = Rss();
        Loop(Calls - Calls / 2);
        clock.Stop();
        Settle();
        long rssAfter = Rss();

        string report = $"leak soak [{engine.Name}, {(dispose ? "caller disposes" : "finalized")}]: {Calls} calls over {inputs.Length} losses in " +
                        $"{clock.Elapsed.TotalSeconds:F1} s; RSS {rssBefore / 1048576.0:F1} -> {rssMid / 1048576.0:F1} (half-way) -> {rssAfter / 1048576.0:F1} MiB";
        TestContext.Out.WriteLine(report);
        TestContext.Progress.WriteLine(report);
        Assert.That(rssAfter - rssBefore, Is.LessThan(RssSlackBytes), "RSS growth");
        Assert.That(rssAfter - rssMid, Is.LessThan(RssSlackBytes / 2), "RSS growth in the second half");
    }

    internal static void Settle()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>Resident set size from /proc/self/status (VmRSS), falling back to the working set elsewhere.</summary>
    internal static long Rss()
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
