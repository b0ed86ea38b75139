using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// <c>interleaved --argmax</c>: libtorch formulations of argmax(y_true) over the class axis (dim 1), the cost of
/// class weights on torch (issue 13, target 2). Each is timed side by side with the unweighted loss and checked to
/// give the same indices as <c>argmax</c> on the bench's one-hot labels and on soft labels with ties and NaN.
/// </summary>
public static class ArgMaxFormulations
{
    public static int Run(string[] args, TextWriter stdout)
    {
        bool quick = args.Contains("--quick");
        long[][] shapes = [[65536, 100], [8, 128, 128, 21]];
        foreach (long[] shape in shapes)
        {
            using var d = new BenchSuite.Inputs(shape);
            Tensor x = d.TorchPred, y = d.TorchTrue;
            (string Name, Func<Tensor, Tensor> ArgMax)[] ways =
            [
                ("argmax(1)", t => t.argmax(1)),
                ("max(1).indexes", t => t.max(1).indexes),
                ("movedim+contiguous+argmax(-1)", t => t.dim() == 2 ? t.argmax(1) : t.movedim([1], [-1]).contiguous().argmax(-1)),
                ("amax, eq, reversed index, amax", t => AmaxFirst(t, 1)),
                ("TorchEngine.ArgMax", t => TorchArgMax(t)),
            ];
            foreach (var (name, way) in ways) CheckSame(name, way, y, stdout);
            var runners = new List<Action> { () => BenchSuite.Forward(() => Losses.CategoricalCrossentropy(x, y)) };
            foreach (var (_, way) in ways) runners.Add(() => BenchSuite.Forward(() => way(y).to(ScalarType.Float32).sum()));
            runners.Add(() => BenchSuite.Forward(() => Losses.CategoricalCrossentropy(x, y, classWeights: new Dictionary<int, double> { [1] = 2.0, [3] = 0.5 })));
            BenchStat[] s = BenchSuite.Measure(runners, quick ? 11 : 21);
            string shapeName = string.Join("x", shape);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# argmax {shapeName}: unweighted loss p50 {s[0].P50:0.000} ms (p90 {s[0].P90:0.000})"));
            for (int i = 0; i < ways.Length; i++)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# argmax {shapeName}: {ways[i].Name,-32} p50 {s[i + 1].P50:0.000} ms (p90 {s[i + 1].P90:0.000}), {s[i + 1].P50 / s[0].P50:0.00}x the unweighted loss"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# argmax {shapeName}: weighted loss (ours) p50 {s[^1].P50:0.000} ms (p90 {s[^1].P90:0.000}): weighted/unweighted {s[^1].P50 / s[0].P50:0.000} (p90 {s[^1].P90 / s[0].P90:0.000})"));
        }
        return 0;
    }

    /// <summary>The first index of the maximum from vectorised reductions: m = amax, the hits y == m (or NaN when the
    /// row has one), each hit scored C − index, the best score's row max.</summary>
    private static Tensor AmaxFirst(Tensor t, long dim)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        long classes = t.shape[dim];
        Tensor m = t.amax([dim], keepdim: true);
        Tensor hit = t.eq(m);
        if (m.isnan().any().item<bool>()) hit.logical_or_(t.isnan());
        long[] revShape = Enumerable.Repeat(1L, (int)t.dim()).ToArray();
        revShape[dim] = classes;
        ScalarType small = classes < 256 ? ScalarType.Byte : classes < 32768 ? ScalarType.Int16 : ScalarType.Int64;
        Tensor reversed = torch.arange(classes, 0, -1, dtype: small).view(revShape);
        Tensor score = hit.mul(reversed).amax([dim]);
        return score.to(ScalarType.Int64).neg_().add_(classes).MoveToOuterDisposeScope();
    }

    private static Tensor TorchArgMax(Tensor t) =>
        ((CrossBackend.Backends.Torch.TorchEngine)TensorEngines.Named("torch")).ArgMax(t, 1, keepDims: false);

    /// <summary>Same indices as <c>argmax(1)</c> on the bench labels and on a soft batch with ties and NaN.</summary>
    private static void CheckSame(string name, Func<Tensor, Tensor> way, Tensor y, TextWriter stdout)
    {
        using var scope = torch.NewDisposeScope();
        Tensor soft = torch.rand(y.shape, generator: new Generator(7)).mul_(4).floor_();   // many ties
        soft[0, 3] = float.NaN;   // NaN counts as the maximum, the first NaN on ties
        soft[0, 5] = float.NaN;
        bool same = way(y).eq(y.argmax(1)).all().item<bool>() && way(soft).eq(soft.argmax(1)).all().item<bool>();
        if (!same) stdout.WriteLine($"# argmax {name}: DIFFERENT indices from argmax(1)");
    }
}
