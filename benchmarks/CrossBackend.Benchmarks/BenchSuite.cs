using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics;
using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;
using NTensor = System.Numerics.Tensors.Tensor;
using Tensor = TorchSharp.torch.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- interleaved [--quick] [--json]</c>: the
/// headline performance claims, checkable in about a minute. Every case times our call, its baseline and the memory
/// floor side by side (interleaved, round-robin, after warm-up) and prints medians and ratios. The BenchmarkDotNet
/// matrix (<see cref="CategoricalCrossentropyBenchmarks"/>) calls the same <see cref="BenchSuite"/> formulations.
/// </summary>
public static class InterleavedBench
{
    public static int Run(string[] args, TextWriter stdout)
    {
        if (args.Contains("--scaling")) return ScalingBench.Run(args, stdout);
        if (args.Contains("--argmax")) return ArgMaxFormulations.Run(args, stdout);
        if (args.Contains("--train-step")) return TrainStepBench.Run(args, stdout);
        // --threads N: torch's intra-op threads, and the task scheduler the numerics kernels run under (its concurrency
        // level caps their threads).
        if (ScalingBench.ParseThreads(args) is [int threads])
        {
            torch.set_num_threads(threads);
            var limited = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, threads).ConcurrentScheduler;
            string[] rest = args.Where((a, i) => a != "--threads" && (i == 0 || args[i - 1] != "--threads")).ToArray();
            return Task.Factory.StartNew(() => Run(rest, stdout), CancellationToken.None, TaskCreationOptions.DenyChildAttach, limited).Result;
        }
        bool isQuick = args.Contains("--quick"), isJson = args.Contains("--json");
        if (!isJson)
        {
            stdout.WriteLine($"# {Environment.ProcessorCount} cores, torch threads {torch.get_num_threads()}; p50 and p90 of interleaved samples (each sample a batch of ~2 ms of calls)");
            stdout.WriteLine($"{"case",-52} {"engine",-9} {"ours p50",9} {"ours p90",9} {"base p50",9} {"base p90",9} {"floor ms",9} {"ours/base",9} {"p90 o/b",9} {"ours/floor",10}");
        }
        foreach (BenchResult result in BenchSuite.Run(isQuick))
            stdout.WriteLine(isJson ? result.ToJson() : result.ToText());
        if (!isJson)
        {
            foreach (string line in BenchSuite.TensorCounts()) stdout.WriteLine(line);
            foreach (string line in SmallShapeSpikes.Report(isQuick ? 2000 : 10000)) stdout.WriteLine(line);
        }
        return 0;
    }
}

/// <summary>The spread of one runner's samples: the median and the 90th percentile, ms per call.</summary>
public readonly record struct BenchStat(double P50, double P90)
{
    public static readonly BenchStat None = new(double.NaN, double.NaN);
}

/// <summary>One measured case: p50 and p90 in milliseconds per call, ours, the baseline's and the floor's (p50).</summary>
public sealed record BenchResult(string Case, string Engine, BenchStat Ours, BenchStat Baseline, BenchStat Floor)
{
    public double OursMs => Ours.P50;
    public double BaselineMs => Baseline.P50;
    public double FloorMs => Floor.P50;

    private static string F(double v) =>
        double.IsFinite(v) ? v.ToString(v < 0.01 ? "0.000000" : "0.0000", CultureInfo.InvariantCulture) : "null";

    public string ToJson() =>
        $"{{\"case\": \"{Case}\", \"engine\": \"{Engine}\", \"ours_ms\": {F(OursMs)}, \"ours_p90_ms\": {F(Ours.P90)}, " +
        $"\"baseline_ms\": {F(BaselineMs)}, \"baseline_p90_ms\": {F(Baseline.P90)}, \"floor_ms\": {F(FloorMs)}}}";

    public string ToText() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Case,-52} {Engine,-9} {Ours.P50,9:0.0000} {Ours.P90,9:0.0000} {Baseline.P50,9:0.0000} {Baseline.P90,9:0.0000} {FloorMs,9:0.0000} " +
            $"{OursMs / BaselineMs,9:0.000} {Ours.P90 / Baseline.P90,9:0.000} {OursMs / FloorMs,10:0.000}");
}

/// <summary>
/// The benchmark inputs and formulations shared by <c>crossbackend bench</c> and the BenchmarkDotNet project: our
/// calls, the fastest hand-written TorchSharp formulations of the same maths, and the memory floor.
/// </summary>
public static class BenchSuite
{
    public const double Epsilon = 1e-7;

    /// <summary>Seeded inputs for one shape, held by both engines (torch channels-first, numerics channels-last).</summary>
    public sealed class Inputs : IDisposable
    {
        public long[] ShapeLast { get; }
        public int Classes { get; }
        public int Rows { get; }
        public float[] Pred { get; }
        public float[] True { get; }
        public Tensor TorchPred { get; }
        public Tensor TorchLogits { get; }
        public Tensor TorchTrue { get; }
        public Tensor TorchIndex { get; }
        public Tensor<float> NumPred { get; }
        public Tensor<float> NumLogits { get; }
        public Tensor<float> NumTrue { get; }
        /// <summary>The class index of each row (the one-hot label's position), for the sparse loss.</summary>
        public Tensor<long> NumIndex { get; }
        /// <summary>y_pred / logits that require grad, for forward+backward.</summary>
        public Tensor TorchPredGrad { get; }
        public Tensor TorchLogitsGrad { get; }

        /// <param name="shapeLast">Channels-last shape (…, C).</param>
        /// <param name="soft">Soft labels instead of one-hot.</param>
        public Inputs(long[] shapeLast, bool soft = false)
        {
            TorchEngine.EnsureNativeLoadable();
            ShapeLast = shapeLast;
            Classes = (int)shapeLast[^1];
            long total = shapeLast.Aggregate(1L, (a, b) => a * b);
            Rows = (int)(total / Classes);
            var random = new Random(42);
            Pred = new float[total];
            True = new float[total];
            var logits = new float[total];
            var index = new long[Rows];
            for (int r = 0; r < Rows; r++)
            {
                int o = r * Classes;
                float sum = 0, tsum = 0;
                for (int c = 0; c < Classes; c++) sum += Pred[o + c] = (float)random.NextDouble() + 1e-3f;
                for (int c = 0; c < Classes; c++) Pred[o + c] /= sum;
                for (int c = 0; c < Classes; c++) logits[o + c] = (float)(random.NextDouble() * 8 - 4);
                index[r] = random.Next(Classes);
                if (soft)
                {
                    for (int c = 0; c < Classes; c++) tsum += True[o + c] = (float)random.NextDouble();
                    for (int c = 0; c < Classes; c++) True[o + c] /= tsum;
                }
                else True[o + index[r]] = 1;
            }
            nint[] lengths = shapeLast.Select(v => (nint)v).ToArray();
            NumPred = NTensor.Create(Pred, lengths);
            NumLogits = NTensor.Create(logits, lengths);
            NumTrue = NTensor.Create(True, lengths);
            TorchPred = ChannelsFirst(Pred);
            TorchLogits = ChannelsFirst(logits);
            TorchTrue = ChannelsFirst(True);
            long[] indexShape = shapeLast[..^1];
            TorchIndex = torch.tensor(index, indexShape);
            NumIndex = NTensor.Create(index, indexShape.Select(v => (nint)v).ToArray());
            TorchPredGrad = TorchPred.detach().clone().requires_grad_();
            TorchLogitsGrad = TorchLogits.detach().clone().requires_grad_();
        }

        private Tensor ChannelsFirst(float[] data)
        {
            using var t = torch.tensor(data, ShapeLast);
            return ShapeLast.Length == 2 ? t.clone() : t.movedim([ShapeLast.Length - 1], [1]).contiguous();
        }

        public void Dispose()
        {
            foreach (Tensor t in new[] { TorchPred, TorchLogits, TorchTrue, TorchIndex, TorchPredGrad, TorchLogitsGrad }) t.Dispose();
        }
    }

    // ---------------------------------------------------------------- the memory floor

    /// <summary>Reads both input arrays once (SIMD sums, in parallel chunks like the kernels): the time no loss that
    /// reads its inputs can beat on this machine.</summary>
    public static float Floor(float[] a, float[] b)
    {
        const int chunk = 1 << 15;
        int chunks = (a.Length + chunk - 1) / chunk;
        if (chunks <= 1) return TensorPrimitives.Sum<float>(a) + TensorPrimitives.Sum<float>(b);
        var partial = new float[chunks];
        // On the caller's scheduler, as the kernels' fork-join: ParallelOptions' own default is TaskScheduler.Default,
        // which gave `--scaling --threads 1` a two-thread floor (CPU / wall 1.90 in its one-thread block).
        Parallel.For(0, chunks, new ParallelOptions { TaskScheduler = TaskScheduler.Current }, i =>
        {
            int start = i * chunk, length = Math.Min(chunk, a.Length - start);
            partial[i] = TensorPrimitives.Sum<float>(a.AsSpan(start, length)) + TensorPrimitives.Sum<float>(b.AsSpan(start, length));
        });
        return TensorPrimitives.Sum<float>(partial);
    }

    /// <summary>
    /// The soft-label loss's element-wise work without its rows: Σ y·log(clamp(x / s, ε, 1 − ε)) over both arrays, s
    /// one constant, in the same parallel chunks as <see cref="Floor"/>. With <paramref name="nearest"/> the log is the
    /// engines' nearest-float <see cref="VectorLog"/> (the work every element of a soft-label row
    /// takes under our semantics, in the kernels' software-pipelined loop, <see cref="LabelLogTerms.AlongRow"/>, where the
    /// machine has it), otherwise the library's float <c>Vector.Log</c> (about what libtorch's vectorised log costs); the
    /// two side by side price the nearest-float policy.
    /// </summary>
    public static float SoftLabelLogFloor(float[] x, float[] y, bool nearest)
    {
        const int chunk = 1 << 15;
        int chunks = (x.Length + chunk - 1) / chunk;
        var partial = new float[chunks];
        Parallel.For(0, chunks, i =>
        {
            int start = i * chunk, end = Math.Min(start + chunk, x.Length), lanes = System.Numerics.Vector<float>.Count;
            if (nearest && LabelLogTerms.Supported && end - start >= LabelLogTerms.MinimumAlongRow)
            {
                partial[i] = PipelinedNearestLogTerms(x.AsSpan(start, end - start), y.AsSpan(start, end - start));
                return;
            }
            var s = new System.Numerics.Vector<float>(1.37f);
            var lo = new System.Numerics.Vector<float>(1e-7f);
            var hi = new System.Numerics.Vector<float>(1 - 1e-7f);
            var sum = System.Numerics.Vector<float>.Zero;
            int j = start;
            for (; j + lanes <= end; j += lanes)
            {
                var p = System.Numerics.Vector.Min(System.Numerics.Vector.Max(new System.Numerics.Vector<float>(x, j) / s, lo), hi);
                sum += new System.Numerics.Vector<float>(y, j) * (nearest ? VectorLog.Log(p) : System.Numerics.Vector.Log(p));
            }
            float total = System.Numerics.Vector.Sum(sum);
            for (; j < end; j++) total += y[j] * MathF.Log(Math.Clamp(x[j] / 1.37f, 1e-7f, 1 - 1e-7f));
            partial[i] = total;
        });
        return TensorPrimitives.Sum<float>(partial);
    }

    /// <summary><see cref="SoftLabelLogFloor"/>'s chunk through <see cref="LabelLogTerms.AlongRow"/> (s = 1.37).</summary>
    private static unsafe float PipelinedNearestLogTerms(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        fixed (float* xp = x, yp = y)
            return System.Runtime.Intrinsics.Vector256.Sum(LabelLogTerms.AlongRow(xp, yp, x.Length, 1.37f));
    }

    // ---------------------------------------------------------------- hand-written TorchSharp (the baselines)

    /// <summary>The literal expression of the maths (what most people write first): four B×C temporaries.</summary>
    public static Tensor NaiveProbabilities(Tensor x, Tensor y) =>
        (-(y * (x / x.sum(1, keepdim: true)).clamp(Epsilon, 1 - Epsilon).log()).sum(1)).mean();

    /// <summary>The fastest hand-written forward we found: one B×C temporary, every later step in place.</summary>
    public static Tensor BestProbabilities(Tensor x, Tensor y)
    {
        Tensor q = x.div(x.sum(1, keepdim: true));
        q.clamp_(Epsilon, 1 - Epsilon).log_().mul_(y);
        return q.sum(1).neg_().mean();
    }

    /// <summary>The fastest hand-written forward+backward graph: in place only where autograd saves nothing.</summary>
    public static Tensor BestProbabilitiesTrain(Tensor x, Tensor y)
    {
        Tensor q = (x / x.sum(1, keepdim: true)).clamp(Epsilon, 1 - Epsilon).log();
        return q.mul_(y).sum(1).neg_().mean();
    }

    public static Tensor NaiveLogits(Tensor x, Tensor y) => (-(y * x.log_softmax(1)).sum(1)).mean();

    /// <summary>The fastest hand-written logits forward: PyTorch's single-call loss on small tensors, one B×C
    /// temporary updated in place on large ones (cross_entropy with probability targets is 1.6× slower there).</summary>
    public static Tensor BestLogits(Tensor x, Tensor y) =>
        x.numel() <= 1 << 15 ? nn.functional.cross_entropy(x, y) : x.log_softmax(1).mul_(y).sum(1).neg_().mean();

    /// <summary>log_softmax's output is saved by autograd: the product is out of place.</summary>
    public static Tensor BestLogitsTrain(Tensor x, Tensor y) =>
        x.numel() <= 1 << 15 ? nn.functional.cross_entropy(x, y) : (y * x.log_softmax(1)).sum(1).neg_().mean();

    /// <summary>PyTorch's own loss with probability targets (slow path).</summary>
    public static Tensor CrossEntropyProbabilities(Tensor x, Tensor y) => nn.functional.cross_entropy(x, y);

    /// <summary>PyTorch's index-target kernel (sparse labels).</summary>
    public static Tensor CrossEntropyIndex(Tensor x, Tensor index) => nn.functional.cross_entropy(x, index);

    /// <summary>Runs <paramref name="loss"/> in a dispose scope and reads the scalar (synchronising).</summary>
    public static float Forward(Func<Tensor> loss)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        return loss().item<float>();
    }

    /// <summary>Forward and backward from a fresh gradient; temporaries disposed.</summary>
    public static float Train(Tensor leaf, Func<Tensor> loss)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        leaf.grad?.Dispose();
        leaf.grad = null;
        Tensor value = loss();
        value.backward();
        return value.item<float>();
    }

    /// <summary>Forward and backward on the channels-last engine: the loss recorded on a <see cref="GradientTape"/> and
    /// its gradient with respect to <paramref name="source"/>.</summary>
    public static float NumericsTrain(Tensor<float> source, Func<object> loss)
    {
        using GradientTape tape = GradientTape.Record();
        tape.Watch(source);
        object value = loss();
        _ = tape.Gradient(value, source);
        return ((Tensor<float>)value)[0];
    }

    /// <summary>Native tensors created on this thread while running <paramref name="call"/>.</summary>
    public static long TensorsCreated(Action call)
    {
        LifetimeStatistics stats = DisposeScopeManager.Statistics.TensorStatistics;
        long before = stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount;
        call();
        return stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount - before;
    }

    /// <summary>Native tensors each formulation creates per call at (32, 10), ours against hand-written.</summary>
    public static IEnumerable<string> TensorCounts()
    {
        using var d = new Inputs([32, 10]);
        Tensor x = d.TorchPred, lx = d.TorchLogits, y = d.TorchTrue, xg = d.TorchPredGrad, lg = d.TorchLogitsGrad;
        (string, Action, Action)[] pairs =
        [
            ("probs fwd", () => Forward(() => Losses.CategoricalCrossentropy(x, y)), () => Forward(() => BestProbabilities(x, y))),
            ("logits fwd", () => Forward(() => Losses.CategoricalCrossentropy(lx, y, fromLogits: true)), () => Forward(() => BestLogits(lx, y))),
            ("probs fwd+bwd", () => Train(xg, () => Losses.CategoricalCrossentropy(xg, y)), () => Train(xg, () => BestProbabilitiesTrain(xg, y))),
            ("logits fwd+bwd", () => Train(lg, () => Losses.CategoricalCrossentropy(lg, y, fromLogits: true)), () => Train(lg, () => BestLogitsTrain(lg, y))),
        ];
        foreach (var (name, ours, baseline) in pairs)
        {
            ours(); baseline();
            yield return $"# native tensors per call, torch {name}: ours {TensorsCreated(ours)}, hand-written {TensorsCreated(baseline)}";
        }
    }

    // ---------------------------------------------------------------- the harness

    /// <summary>Interleaved timing: after warm-up, each round times every runner once (in rotating order) over a batch
    /// sized to about <paramref name="targetSampleMs"/>; returns each runner's p50 and p90 per call in ms.</summary>
    public static BenchStat[] Measure(IReadOnlyList<Action> runners, int rounds, double targetSampleMs = 2)
        => Measure(runners, rounds, targetSampleMs, WarmUpMs);

    private const double WarmUpMs = 250;
    private const int TierUpCalls = 40;
    private const double MaxWarmUpMs = 6000;
    /// <summary>Calls go on for this long after the 40th: the runtime re-jits a method that reached 30 calls on a
    /// background thread, only after 100 ms without new tier-0 compilations, and installs the new code when that
    /// compile finishes; a runner timed right after its 40th call could still run tier-0/OSR code.</summary>
    private const double TierUpSettleMs = 500;
    /// <summary>Untimed calls before each sample, after the quiet wait, for at least this long (at least one call): the
    /// measured return to speed takes 3–4 ms of calls on torch and 7–8 ms on the channels-last engine.</summary>
    private const double WakeMs = 10;

    private static BenchStat[] Measure(IReadOnlyList<Action> runners, int rounds, double targetSampleMs, double warmUpMs)
    {
        int n = runners.Count;
        var batch = new int[n];
        for (int i = 0; i < n; i++)
        {
            // Warm up by time and by count: the JIT's tier-up of hot methods waits for ~100 ms of quiet, and a method
            // (TensorPrimitives' generic kernels included, whose ReadyToRun code lacks AVX2) is re-jitted fully
            // optimised only after 30 calls: a 60 ms call measured before that is the start-up code, not the kernel.
            var warm = Stopwatch.StartNew();
            for (int w = 0; w < TierUpCalls && warm.Elapsed.TotalMilliseconds < MaxWarmUpMs || warm.Elapsed.TotalMilliseconds < warmUpMs; w++) runners[i]();
            var settle = Stopwatch.StartNew();
            for (int w = 0; w < 3 || settle.Elapsed.TotalMilliseconds < TierUpSettleMs; w++) runners[i]();
        }
        // Batches are sized once every runner is warm. Sized right after its own warm-up, the first channels-last
        // runner of a case came out slower than an identical one listed after it: ReduceSum over (65536, 100), p50
        // 0.60/0.82/0.83 ms against 0.53/0.68/0.68 in three runs, and with the two swapped the slow one followed the
        // position; sized after all warm-ups, 0.73/0.64/0.71 against 0.84/0.59/0.94 (session 56). Likely cause: its
        // batch was sized while the JIT still compiled the engine's shared methods in the background.
        for (int i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            int calls = 0;
            do { runners[i](); calls++; } while (sw.Elapsed.TotalMilliseconds < targetSampleMs / 2 && calls < 100_000);
            double perCall = sw.Elapsed.TotalMilliseconds / calls;
            batch[i] = Math.Max(1, (int)(targetSampleMs / Math.Max(perCall, 1e-6)));
        }
        var samples = new List<double>[n];
        for (int i = 0; i < n; i++) samples[i] = new List<double>(rounds);
        // A fresh random order each round (a fixed rotation would give every runner the same predecessor). Before each
        // sample, a wait until no other thread of the process runs (libtorch's OpenMP workers spin for milliseconds
        // after a parallel region and would take a core from whichever runner comes next), then untimed calls for
        // WakeMs that bring the runner back to speed: each engine is timed warm and alone, as in a pipeline that calls
        // it back to back. One untimed call was not enough on this VM: after the quiet wait both engines take several
        // calls to come back to speed (six calls in a row, p50 of 60 at (65536, 100): torch's sum 1.46, 1.25, 0.79,
        // 0.65, 0.63, 0.63 ms; the channels-last engine's 1.7–1.8, 1.9–2.4, 1.3, 1.1, 0.9, 0.8), and a sample of two
        // calls timed the wake-up, not the kernel.
        var random = new Random(1);
        int[] order = Enumerable.Range(0, n).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            random.Shuffle(order);
            foreach (int i in order)
            {
                QuietWait.Wait();
                long wake = Stopwatch.GetTimestamp();
                do runners[i](); while (Stopwatch.GetElapsedTime(wake).TotalMilliseconds < WakeMs);
                long start = Stopwatch.GetTimestamp();
                for (int c = 0; c < batch[i]; c++) runners[i]();
                samples[i].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds / batch[i]);
            }
        }
        return samples.Select(v => new BenchStat(Percentile(v, 0.5), Percentile(v, 0.9))).ToArray();
    }

    /// <summary>The <paramref name="q"/> quantile by linear interpolation between order statistics (NumPy's default).</summary>
    public static double Percentile(List<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        double at = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(at), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }

    public static double Median(List<double> values)
    {
        values.Sort();
        int m = values.Count / 2;
        return values.Count % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2;
    }

    private static string ShapeName(long[] s) => string.Join("x", s);

    /// <summary>The headline cases (quick) or every case of the issue's matrix.</summary>
    public static IEnumerable<BenchResult> Run(bool quick)
    {
        TorchEngine.EnsureNativeLoadable();
        int rounds = quick ? 11 : 25;
        long[][] shapes = quick
            ? [[32, 10], [65536, 100], [8, 128, 128, 21]]
            : [[32, 10], [4096, 100], [65536, 100], [8, 128, 128, 21], [4096, 1000]];
        var weights = new Dictionary<int, double> { [1] = 2.0, [3] = 0.5 };
        foreach (long[] shape in shapes)
        {
            string s = ShapeName(shape);
            using (var d = new Inputs(shape))
            {
                Action floor = () => Floor(d.Pred, d.True);
                Tensor x = d.TorchPred, lx = d.TorchLogits, y = d.TorchTrue, xg = d.TorchPredGrad, lg = d.TorchLogitsGrad;

                // TorchSharp: ours against the fastest hand-written formulation.
                BenchStat[] t = Measure([
                    floor,
                    () => Forward(() => Losses.CategoricalCrossentropy(x, y)),
                    () => Forward(() => BestProbabilities(x, y)),
                    () => Forward(() => Losses.CategoricalCrossentropy(lx, y, fromLogits: true)),
                    () => Forward(() => BestLogits(lx, y)),
                    () => Train(xg, () => Losses.CategoricalCrossentropy(xg, y)),
                    () => Train(xg, () => BestProbabilitiesTrain(xg, y)),
                    () => Train(lg, () => Losses.CategoricalCrossentropy(lg, y, fromLogits: true)),
                    () => Train(lg, () => BestLogitsTrain(lg, y)),
                    () => Forward(() => Losses.CategoricalCrossentropy(x, y, classWeights: weights)),
                ], rounds);
                yield return new($"cce one-hot probs fwd {s} vs hand-written", "torch", t[1], t[2], t[0]);
                yield return new($"cce one-hot logits fwd {s} vs hand-written", "torch", t[3], t[4], t[0]);
                yield return new($"cce one-hot probs fwd+bwd {s} vs hand-written", "torch", t[5], t[6], t[0]);
                yield return new($"cce one-hot logits fwd+bwd {s} vs hand-written", "torch", t[7], t[8], t[0]);
                yield return new($"cce one-hot probs fwd {s} weighted vs unweighted", "torch", t[9], t[1], t[0]);

                // The channels-last engine against TorchSharp's best, and its own class-weight overhead.
                Tensor<float> p = d.NumPred, nl = d.NumLogits, ny = d.NumTrue;
                BenchStat[] n = Measure([
                    floor,
                    () => _ = Losses.CategoricalCrossentropy(p, ny)[0],
                    () => Forward(() => BestProbabilities(x, y)),
                    () => _ = Losses.CategoricalCrossentropy(nl, ny, fromLogits: true)[0],
                    () => Forward(() => BestLogits(lx, y)),
                    () => _ = Losses.CategoricalCrossentropy(p, ny, classWeights: weights)[0],
                    () => _ = Losses.CategoricalCrossentropy(nl, ny, fromLogits: true, classWeights: weights)[0],
                ], rounds);
                yield return new($"cce one-hot probs fwd {s} vs torch hand-written", "numerics", n[1], n[2], n[0]);
                yield return new($"cce one-hot logits fwd {s} vs torch hand-written", "numerics", n[3], n[4], n[0]);
                yield return new($"cce one-hot probs fwd {s} weighted vs unweighted", "numerics", n[5], n[1], n[0]);
                yield return new($"cce one-hot logits fwd {s} weighted vs unweighted", "numerics", n[6], n[3], n[0]);

                if (shape.Length == 2 && shape[0] == 32)
                {
                    // Dispatch + validation: the public call against the raw engine kernel + mean on the same inputs.
                    NumericsOps<float> nb = NumericsOps<float>.Instance;
                    var tb = (TorchEngine)TensorEngines.Named("torch");
                    BenchStat[] o = Measure([
                        () => _ = Losses.CategoricalCrossentropy(p, ny)[0],
                        () => _ = nb.MeanCategoricalCrossentropy(ny, p, false, 1, null)![0],
                        () => Forward(() => Losses.CategoricalCrossentropy(x, y)),
                        () => Forward(() => tb.MeanCategoricalCrossentropy(y, x, false, 1, null)!),
                    ], rounds * 3);
                    yield return new($"dispatch overhead {s} (baseline: raw engine call)", "numerics", o[0], o[1], BenchStat.None);
                    yield return new($"dispatch overhead {s} (baseline: raw engine call)", "torch", o[2], o[3], BenchStat.None);
                }

                // Sparse (index) targets: ours against PyTorch's own index-target kernel.
                Tensor<float> nlx = d.NumLogits;
                BenchStat[] sp = Measure([
                    floor,
                    () => Forward(() => Losses.SparseCategoricalCrossentropy(lx, d.TorchIndex, fromLogits: true)),
                    () => Forward(() => CrossEntropyIndex(lx, d.TorchIndex)),
                    () => Train(lg, () => Losses.SparseCategoricalCrossentropy(lg, d.TorchIndex, fromLogits: true)),
                    () => Train(lg, () => CrossEntropyIndex(lg, d.TorchIndex)),
                ], rounds);
                // Numerics apart from the autograd cases, whose GC and finaliser work would land on its samples.
                BenchStat[] nsp = Measure([
                    floor,
                    () => _ = Losses.SparseCategoricalCrossentropy(nlx, d.NumIndex, fromLogits: true)[0],
                    () => Forward(() => CrossEntropyIndex(lx, d.TorchIndex)),
                ], rounds);
                yield return new($"sparse logits fwd {s} vs hand-written", "torch", sp[1], sp[2], sp[0]);
                yield return new($"sparse logits fwd+bwd {s} vs hand-written", "torch", sp[3], sp[4], sp[0]);
                yield return new($"sparse logits fwd {s} vs torch hand-written", "numerics", nsp[1], nsp[2], nsp[0]);

                // Forward+backward on the channels-last engine (its tape) against torch's best with autograd.
                BenchStat[] nt = Measure([
                    floor,
                    () => NumericsTrain(p, () => Losses.CategoricalCrossentropy(p, ny)),
                    () => Train(xg, () => BestProbabilitiesTrain(xg, y)),
                    () => NumericsTrain(nl, () => Losses.CategoricalCrossentropy(nl, ny, fromLogits: true)),
                    () => Train(lg, () => BestLogitsTrain(lg, y)),
                    () => NumericsTrain(nl, () => Losses.SparseCategoricalCrossentropy(nl, d.NumIndex, fromLogits: true)),
                    () => Train(lg, () => CrossEntropyIndex(lg, d.TorchIndex)),
                ], rounds);
                yield return new($"cce one-hot probs fwd+bwd {s} vs torch hand-written", "numerics", nt[1], nt[2], nt[0]);
                yield return new($"cce one-hot logits fwd+bwd {s} vs torch hand-written", "numerics", nt[3], nt[4], nt[0]);
                yield return new($"sparse logits fwd+bwd {s} vs torch hand-written", "numerics", nt[5], nt[6], nt[0]);
            }

            if (!quick)
            {
                using var d = new Inputs(shape, soft: true);
                Action floor = () => Floor(d.Pred, d.True);
                Tensor x = d.TorchPred, y = d.TorchTrue, xg = d.TorchPredGrad;
                Tensor<float> p = d.NumPred, ny = d.NumTrue;
                BenchStat[] t = Measure([
                    floor,
                    () => Forward(() => Losses.CategoricalCrossentropy(x, y)),
                    () => Forward(() => BestProbabilities(x, y)),
                    () => Train(xg, () => Losses.CategoricalCrossentropy(xg, y)),
                    () => Train(xg, () => BestProbabilitiesTrain(xg, y)),
                    () => _ = Losses.CategoricalCrossentropy(p, ny)[0],
                ], rounds);
                yield return new($"cce soft probs fwd {s} vs hand-written", "torch", t[1], t[2], t[0]);
                yield return new($"cce soft probs fwd+bwd {s} vs hand-written", "torch", t[3], t[4], t[0]);
                yield return new($"cce soft probs fwd {s} vs torch hand-written", "numerics", t[5], t[2], t[0]);
            }
        }
    }
}
