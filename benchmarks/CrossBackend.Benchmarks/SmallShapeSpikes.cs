using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// Where the (32, 10) torch outliers come from: every call timed on its own, ours and the hand-written formulation
/// alternating call by call (so both see the same machine), with what each call did besides computing — managed
/// bytes allocated, garbage collections that ran during it, native tensors created — and the same loop again with
/// the GC held off (a no-GC region). If the slow calls are ours (finalisers, undisposed temporaries, GC of our
/// allocations) they coincide with our collections and vanish without GC; if they hit both formulations alike, they
/// are the machine's or the harness's (scheduling, libtorch's thread pool).
/// </summary>
public static class SmallShapeSpikes
{
    public static IEnumerable<string> Report(int calls)
    {
        using var d = new BenchSuite.Inputs([32, 10]);
        Tensor lx = d.TorchLogits, y = d.TorchTrue;
        (string Name, Action Call)[] runners =
        [
            ("ours logits fwd", () => BenchSuite.Forward(() => Losses.CategoricalCrossentropy(lx, y, fromLogits: true))),
            ("hand-written logits fwd", () => BenchSuite.Forward(() => BenchSuite.BestLogits(lx, y))),
        ];
        foreach (var r in runners) for (int i = 0; i < 2000; i++) r.Call();   // warm-up (JIT tiers, libtorch)

        yield return $"# (32, 10) single-call timing, {calls} calls each, alternating; torch threads {torch.get_num_threads()}";
        foreach (string line in Run(runners, calls, noGc: false)) yield return line;
        foreach (string line in Run(runners, calls, noGc: true)) yield return line;
    }

    private static IEnumerable<string> Run((string Name, Action Call)[] runners, int calls, bool noGc)
    {
        int n = runners.Length;
        var times = runners.Select(_ => new double[calls]).ToArray();
        var gcDuring = runners.Select(_ => new bool[calls]).ToArray();
        var bytes = new long[n];
        bool region = false;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (noGc) region = GC.TryStartNoGCRegion(200L << 20);
        try
        {
            for (int c = 0; c < calls; c++)
                for (int k = 0; k < n; k++)
                {
                    int i = (c + k) % n;   // alternate who goes first
                    int gc0 = GC.CollectionCount(0);
                    long allocated = GC.GetAllocatedBytesForCurrentThread();
                    long start = Stopwatch.GetTimestamp();
                    runners[i].Call();
                    times[i][c] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    bytes[i] += GC.GetAllocatedBytesForCurrentThread() - allocated;
                    gcDuring[i][c] = GC.CollectionCount(0) != gc0;
                }
        }
        finally
        {
            if (region && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
        for (int i = 0; i < n; i++)
        {
            double[] sorted = times[i].OrderBy(t => t).ToArray();
            double p50 = Q(sorted, 0.5), p90 = Q(sorted, 0.9), p99 = Q(sorted, 0.99);
            int slow = 0, slowWithGc = 0, gcs = 0;
            for (int c = 0; c < calls; c++)
            {
                if (gcDuring[i][c]) gcs++;
                if (times[i][c] > 5 * p50) { slow++; if (gcDuring[i][c]) slowWithGc++; }
            }
            yield return string.Create(CultureInfo.InvariantCulture,
                $"# {(noGc ? (region ? "no-GC region" : "no-GC region refused") : "normal GC"),-22} {runners[i].Name,-24} p50 {p50:0.0000} p90 {p90:0.0000} p99 {p99:0.0000} max {sorted[^1]:0.000} ms; " +
                $"calls > 5x p50: {slow} ({slowWithGc} with a GC during them); GCs during calls {gcs}; managed {bytes[i] / (double)calls:0} B/call");
        }
    }

    private static double Q(double[] sorted, double q)
    {
        double at = q * (sorted.Length - 1);
        int lo = (int)at, hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }
}
