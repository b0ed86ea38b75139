using System.Globalization;
using System.Numerics.Tensors;
using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;
using NTensor = System.Numerics.Tensors.Tensor;
using Tensor = TorchSharp.torch.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// <c>interleaved --scaling [--quick] [--threads 1,2]</c>: time per element of categorical crossentropy (one-hot
/// probabilities and logits, mean, forward) at 100 classes for rows 2^10 … 2^20 on both engines, at each thread count
/// asked for, side by side. Answers issue 13's targets 4 (no cliff once inputs leave the cache: ns/element at 2^20
/// within 1.2× of 2^16) and 5 (the 1 → 2 thread speed-up on both engines). A "floor" column, the plain parallel read of
/// both inputs (<see cref="BenchSuite.Floor"/>) at the same thread count, measures the memory's own growth beside them.
/// </summary>
/// <remarks>
/// Threads: libtorch's through <c>torch.set_num_threads</c> (once per block of a thread count), and the engines'
/// managed kernels through the task scheduler they are called on (their fork-join takes no more threads than
/// <see cref="TaskScheduler.Current"/>'s <see cref="TaskScheduler.MaximumConcurrencyLevel"/>). Both engines' calls go
/// through that scheduler: without autograd, torch's crossentropy runs the core's managed kernel over the tensors'
/// memory, so <c>set_num_threads</c> alone left it on two threads (session 30 measured "t1" torch calls at 1.9 CPU
/// seconds per wall second). Every call, at any count, goes through the same one-task hop, so the hop's cost (a few
/// µs) is on both sides of a ratio.
/// </remarks>
public static class ScalingBench
{
    private const int Classes = 100;

    public static int Run(string[] args, TextWriter stdout)
    {
        bool quick = args.Contains("--quick");
        int[] threads = ParseThreads(args) ?? [torch.get_num_threads()];
        int defaultTorchThreads = torch.get_num_threads();
        int[] powers = quick ? [10, 12, 14, 16, 18, 20] : Enumerable.Range(10, 11).ToArray();
        stdout.WriteLine($"# scaling: {Environment.ProcessorCount} cores, {Classes} classes, one-hot, forward mean; ns per element (p50, p90 in brackets) of interleaved samples; threads {string.Join(",", threads)}");
        var header = new List<string> { "rows" };
        foreach (int n in threads)
        {
            foreach (string e in new[] { "torch", "numerics" })
                foreach (string k in new[] { "probs", "logits" })
                    header.Add($"{e} {k} t{n}");
            header.Add($"floor t{n}");
        }
        stdout.WriteLine(string.Join(" | ", header));
        var perElement = new Dictionary<(int Power, string Column), double>();
        foreach (int power in powers)
        {
            int rows = 1 << power;
            var line = new List<string> { $"2^{power}" };
            using (var d = new ScalingInputs(rows, Classes))
            {
                // One block per thread count, set once (switching libtorch's OpenMP team size on every call costs far
                // more than a small call); inside a block both engines are interleaved as in the main bench.
                var cells = new Dictionary<string, BenchStat>();
                foreach (int n in threads)
                {
                    torch.set_num_threads(n);
                    TaskScheduler scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, n).ConcurrentScheduler;
                    Action[] runners =
                    [
                        () => On(scheduler, () => BenchSuite.Forward(() => Losses.CategoricalCrossentropy(d.TorchPred, d.TorchTrue))),
                        () => On(scheduler, () => BenchSuite.Forward(() => Losses.CategoricalCrossentropy(d.TorchLogits, d.TorchTrue, fromLogits: true))),
                        () => On(scheduler, () => _ = Losses.CategoricalCrossentropy(d.NumPred, d.NumTrue)[0]),
                        () => On(scheduler, () => _ = Losses.CategoricalCrossentropy(d.NumLogits, d.NumTrue, fromLogits: true)[0]),
                        () => On(scheduler, () => BenchSuite.Floor(d.PredData, d.TrueData)),
                    ];
                    BenchStat[] stats = BenchSuite.Measure(runners, quick ? 7 : 11);
                    string[] names = [$"torch probs t{n}", $"torch logits t{n}", $"numerics probs t{n}", $"numerics logits t{n}", $"floor t{n}"];
                    for (int i = 0; i < stats.Length; i++) cells[names[i]] = stats[i];
                    if (power == 16) stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"# threads {n}: CPU time / wall time of 2^16-row calls: torch probs {CpuPerWall(runners[0]):0.00}, torch logits {CpuPerWall(runners[1]):0.00}, numerics probs {CpuPerWall(runners[2]):0.00}, numerics logits {CpuPerWall(runners[3]):0.00}, floor {CpuPerWall(runners[4]):0.00}"));
                }
                double elements = (double)rows * Classes;
                foreach (string column in header.Skip(1))
                {
                    BenchStat stat = cells[column];
                    double p50 = stat.P50 * 1e6 / elements, p90 = stat.P90 * 1e6 / elements;
                    perElement[(power, column)] = p50;
                    line.Add(string.Create(CultureInfo.InvariantCulture, $"{p50:0.000} ({p90:0.000})"));
                }
            }
            torch.set_num_threads(defaultTorchThreads);
            stdout.WriteLine(string.Join(" | ", line));
            GC.Collect();
        }
        foreach (string column in perElement.Keys.Select(k => k.Column).Distinct())
        {
            if (perElement.TryGetValue((16, column), out double at16) && perElement.TryGetValue((20, column), out double at20))
            {
                // The floor's own growth is the memory's (at 2^16 rows the 52 MB of inputs partly stay in a 32 MB L3
                // between calls; at 2^20 every byte comes from DRAM): a call's growth beyond it is the call's own.
                bool isFloor = column.StartsWith("floor", StringComparison.Ordinal);
                string thread = column[(column.LastIndexOf(' ') + 1)..];
                string beyond = !isFloor
                    && perElement.TryGetValue((16, $"floor {thread}"), out double floor16) && perElement.TryGetValue((20, $"floor {thread}"), out double floor20)
                    ? string.Create(CultureInfo.InvariantCulture, $"; over the floor's own {floor20 / floor16:0.000}: {at20 / at16 / (floor20 / floor16):0.000}")
                    : "";
                string target = isFloor ? "the memory's own growth" : "target ≤ 1.2";
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# {column}: ns/element at 2^20 / at 2^16 = {at20 / at16:0.000} ({target}){beyond}"));
            }
        }
        if (threads.Contains(1) && threads.Length > 1)
        {
            foreach (int n in threads.Where(t => t != 1))
                foreach (string column in new[] { "torch probs", "torch logits", "numerics probs", "numerics logits", "floor" })
                    foreach (int power in powers)
                        if (perElement.TryGetValue((power, $"{column} t1"), out double one) && perElement.TryGetValue((power, $"{column} t{n}"), out double many))
                            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# speed-up 1 -> {n} threads, {column}, rows 2^{power}: {one / many:0.00}x"));
        }
        return 0;
    }

    /// <summary>Process CPU time over wall time across 10 calls: about 1 for one busy thread, about 2 for two.</summary>
    private static double CpuPerWall(Action call)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 10; i++) call();
        process.Refresh();
        return (process.TotalProcessorTime - cpu).TotalMilliseconds / wall.Elapsed.TotalMilliseconds;
    }

    /// <summary><c>--threads 1,2</c> (or <c>--threads 1</c>): the thread counts to measure.</summary>
    public static int[]? ParseThreads(string[] args)
    {
        int at = Array.IndexOf(args, "--threads");
        if (at < 0) return null;
        if (at + 1 >= args.Length) throw new ArgumentException("Argument `--threads` must be followed by a count or a comma list such as 1,2. Received: nothing.");
        int[] counts = args[at + 1].Split(',').Select(s => int.TryParse(s, out int v) && v > 0 ? v : 0).ToArray();
        if (counts.Any(c => c == 0))
            throw new ArgumentException($"Argument `--threads` must be positive integers separated by commas, such as 1,2. Received: --threads={args[at + 1]}");
        return counts;
    }

    /// <summary>Runs <paramref name="call"/> as a task on <paramref name="scheduler"/> and waits: the numerics kernels
    /// inside it use at most the scheduler's concurrency level.</summary>
    public static void On(TaskScheduler scheduler, Action call) =>
        Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Wait();

    /// <summary>Seeded one-hot inputs at (rows, classes), lighter than <see cref="BenchSuite.Inputs"/> (no gradient
    /// copies): at 2^20 rows each tensor is 400 MB.</summary>
    private sealed class ScalingInputs : IDisposable
    {
        public Tensor TorchPred { get; }
        public Tensor TorchLogits { get; }
        public Tensor TorchTrue { get; }
        public Tensor<float> NumPred { get; }
        public Tensor<float> NumLogits { get; }
        public Tensor<float> NumTrue { get; }
        /// <summary>The arrays behind <see cref="NumPred"/> and <see cref="NumTrue"/>, for the read floor.</summary>
        public float[] PredData { get; }
        public float[] TrueData { get; }

        public ScalingInputs(int rows, int classes)
        {
            TorchEngine.EnsureNativeLoadable();
            long total = (long)rows * classes;
            var pred = new float[total];
            var logits = new float[total];
            var truth = new float[total];
            var random = new Random(42);
            for (int r = 0; r < rows; r++)
            {
                int o = r * classes;
                float sum = 0;
                for (int c = 0; c < classes; c++) sum += pred[o + c] = (float)random.NextDouble() + 1e-3f;
                for (int c = 0; c < classes; c++) pred[o + c] /= sum;
                for (int c = 0; c < classes; c++) logits[o + c] = (float)(random.NextDouble() * 8 - 4);
                truth[o + random.Next(classes)] = 1;
            }
            long[] shape = [rows, classes];
            nint[] lengths = [rows, classes];
            PredData = pred;
            TrueData = truth;
            NumPred = NTensor.Create(pred, lengths);
            NumLogits = NTensor.Create(logits, lengths);
            NumTrue = NTensor.Create(truth, lengths);
            TorchPred = torch.tensor(pred, shape);
            TorchLogits = torch.tensor(logits, shape);
            TorchTrue = torch.tensor(truth, shape);
        }

        public void Dispose()
        {
            TorchPred.Dispose();
            TorchLogits.Dispose();
            TorchTrue.Dispose();
        }
    }
}
