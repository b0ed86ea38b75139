using System.Diagnostics;
using System.Globalization;

namespace CrossBackend.Benchmarks;

/// <summary>
/// Waits until no other thread of this process is using a CPU: libtorch's OpenMP workers spin for milliseconds after
/// each parallel region (libgomp's default spin count), and on a 2-core machine a spinning worker takes the core that
/// the next runner's own workers (the .NET thread pool's, or libtorch's) would use. Each sample must start on a quiet
/// machine, whichever engine ran before it: that is what "measured side by side" has to mean for two engines that
/// each keep their own worker threads.
/// </summary>
/// <remarks>Linux only (per-thread CPU time from <c>/proc/self/task/*/schedstat</c>, in nanoseconds); elsewhere a
/// fixed pause.</remarks>
public static class QuietWait
{
    private const int WindowMs = 1;
    private const double MaxWaitMs = 100;
    /// <summary>Other threads may use this share of one window (the runtime's own housekeeping) and still count as quiet.</summary>
    private const double QuietShare = 0.05;

    private static readonly bool Available = Directory.Exists("/proc/self/task");
    private static long _waits, _waitedTicks, _timeouts;

    /// <summary>Sleeps in 1 ms windows until the other threads used under 5 % of a core during one window (at most 100 ms).</summary>
    public static void Wait()
    {
        if (!Available) { Thread.Sleep(2); return; }
        long start = Stopwatch.GetTimestamp();
        long before = OthersCpuNanoseconds();
        while (true)
        {
            Thread.Sleep(WindowMs);
            long now = OthersCpuNanoseconds();
            bool quiet = now - before < QuietShare * WindowMs * 1e6;
            before = now;
            double waited = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (quiet || waited > MaxWaitMs)
            {
                Interlocked.Increment(ref _waits);
                Interlocked.Add(ref _waitedTicks, Stopwatch.GetTimestamp() - start);
                if (!quiet) Interlocked.Increment(ref _timeouts);
                return;
            }
        }
    }

    /// <summary>One line for a report: how long the waits took and how many gave up.</summary>
    public static string Summary() => _waits == 0 ? "quiet waits: none" :
        string.Create(CultureInfo.InvariantCulture,
            $"quiet waits before each sample: {_waits}, mean {Stopwatch.GetElapsedTime(0, _waitedTicks).TotalMilliseconds / _waits:F1} ms, {_timeouts} gave up after {MaxWaitMs} ms");

    /// <summary>CPU time of every thread of this process but the calling one, in ns.</summary>
    private static long OthersCpuNanoseconds()
    {
        string self = GetTid().ToString(CultureInfo.InvariantCulture);
        long total = 0;
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (task.EndsWith("/" + self, StringComparison.Ordinal)) continue;
            try
            {
                string line = File.ReadAllText(task + "/schedstat");
                int space = line.IndexOf(' ');
                total += long.Parse(space < 0 ? line : line[..space], CultureInfo.InvariantCulture);
            }
            catch (IOException) { }   // the thread ended
            catch (UnauthorizedAccessException) { }
        }
        return total;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();
}
