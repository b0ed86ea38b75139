using System.Globalization;
using System.Numerics.Tensors;
using CrossBackend.Backends.Torch;
using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// <c>-- catalogue [--quick] [--losses a,b] [--functions-only|--losses-only]</c>: every registered loss at (65536, 100)
/// (or its natural shape) with default options, our call against the hand-written TorchSharp code of
/// <see cref="LossCatalogueCases.HandWritten"/> and the memory floor, interleaved like <see cref="InterleavedBench"/>.
/// Two lines per loss: torch (ours vs hand-written, plus native tensors per call, ours vs hand-written) and numerics
/// (ours on the channels-last engine vs the same hand-written torch code: issue 9's "no slower than torch").
/// </summary>
public static class LossCatalogueBench
{
    public const int Rows = 65536, Classes = 100;

    public static string Header =>
        $"{"loss",-40} {"engine",-9} {"ours p50",9} {"ours p90",9} {"base p50",9} {"base p90",9} {"floor ms",9} {"ours/base",9} {"ours/floor",10}  native tensors ours/hand";

    public static IEnumerable<string> Run(bool quick, IReadOnlyCollection<string>? only, TextWriter? progress = null)
    {
        TorchEngine.EnsureNativeLoadable();
        ITensorEngine torchEngine = TensorEngines.OwnerOf(typeof(Tensor))!;
        ITensorEngine numerics = TensorEngines.OwnerOf(typeof(Tensor<float>))!;
        int rounds = quick ? 7 : 15;
        foreach (LossDefinition loss in LossRegistry.All)
        {
            if (only is { Count: > 0 } && !only.Contains(loss.Name)) continue;
            LossCatalogueCases.LossCase? c = null;
            string? skipped = null;
            try { c = LossCatalogueCases.For(loss, Rows, Classes); }
            catch (NotSupportedException e) { skipped = $"{loss.Name,-40} skipped: {e.Message}"; }
            if (c is null) { yield return skipped!; continue; }
            foreach (string line in Measure(c, torchEngine, numerics, rounds)) yield return line;
            GC.Collect();
        }
    }

    private static IEnumerable<string> Measure(LossCatalogueCases.LossCase c, ITensorEngine torchEngine, ITensorEngine numerics, int rounds)
    {
        (object tp, object? ty) = c.On(torchEngine);
        (object np, object? ny) = c.On(numerics);
        var x = (Tensor)tp;
        var y = (Tensor?)ty;
        Func<Tensor, Tensor?, Tensor>? hand = LossCatalogueCases.HandWritten.GetValueOrDefault(c.Name);
        Action ours = () => Sync(() => (Tensor)c.Ours(x, y));
        Action? baseline = hand is null ? null : () => Sync(() => hand(x, y));
        Action numericsOurs = () => c.Ours(np, ny);
        Action floor = () => Floor(c.Pred, c.True as float[]);

        // Same maths, same number: a baseline that disagrees with our call is not a baseline.
        string agreement = "";
        if (hand is not null)
        {
            double a = Total(() => (Tensor)c.Ours(x, y)), b = Total(() => hand(x, y));
            double n = numerics.ToDoubleArray(c.Ours(np, ny), out _).Sum();
            double tolerance = 1e-3 * Math.Max(1, Math.Abs(b));
            if (!(Math.Abs(a - b) <= tolerance && Math.Abs(n - b) <= tolerance))
                agreement = string.Create(CultureInfo.InvariantCulture, $"  VALUE MISMATCH ours {a:G6} hand {b:G6} numerics {n:G6}");
        }

        string shape = string.Join("x", c.Shape);
        Action[] runners = baseline is null ? [floor, ours, numericsOurs] : [floor, ours, numericsOurs, baseline];
        BenchStat[] s = BenchSuite.Measure(runners, rounds);
        BenchStat none = BenchStat.None, b0 = baseline is null ? none : s[3];
        string counts = baseline is null
            ? $"ours {Count(ours)}, no hand-written baseline"
            : $"{Count(ours)}/{Count(baseline)}";
        string name = $"{c.Name} {shape}";
        yield return Line(name, "torch", s[1], b0, s[0], counts + agreement);
        yield return Line(name, "numerics", s[2], b0, s[0], baseline is null ? "no hand-written baseline (vs torch ours: " +
            (s[2].P50 / s[1].P50).ToString("0.000", CultureInfo.InvariantCulture) + ")" : "vs torch hand-written");
        if (x is IDisposable dx) dx.Dispose();
        y?.Dispose();
    }

    private static long Count(Action call)
    {
        call();
        return BenchSuite.TensorsCreated(call);
    }

    /// <summary>The sum of a torch result's elements in float64 (its value when it is a scalar).</summary>
    private static double Total(Func<Tensor> call)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        return call().to_type(torch.ScalarType.Float64).sum().item<double>();
    }

    /// <summary>Runs <paramref name="loss"/> in a dispose scope and reads the result's sum of elements (a scalar
    /// result's value) so every formulation ends the same way.</summary>
    public static float Sync(Func<Tensor> loss)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        Tensor r = loss();
        return r.numel() == 1 ? r.item<float>() : r.data<float>()[0];
    }

    /// <summary>Reads y_pred (and float labels) once, SIMD in parallel chunks: the memory floor.</summary>
    public static float Floor(float[] a, float[]? b)
    {
        const int chunk = 1 << 15;
        int chunks = (a.Length + chunk - 1) / chunk;
        var partial = new float[chunks];
        Parallel.For(0, chunks, i =>
        {
            int start = i * chunk, length = Math.Min(chunk, a.Length - start);
            partial[i] = TensorPrimitives.Sum<float>(a.AsSpan(start, length)) + (b is null ? 0 : TensorPrimitives.Sum<float>(b.AsSpan(start, length)));
        });
        return TensorPrimitives.Sum<float>(partial);
    }

    internal static string Line(string name, string engine, BenchStat ours, BenchStat baseline, BenchStat floor, string tail) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{name,-40} {engine,-9} {ours.P50,9:0.0000} {ours.P90,9:0.0000} {baseline.P50,9:0.0000} {baseline.P90,9:0.0000} {floor.P50,9:0.0000} " +
            $"{ours.P50 / baseline.P50,9:0.000} {ours.P50 / floor.P50,10:0.000}  {tail}");
}
