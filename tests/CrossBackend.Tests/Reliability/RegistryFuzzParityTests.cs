using System.Diagnostics;
using CrossBackend.Testing;
using CrossBackend.Tests.References;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Fuzz parity over the registry: for every registered loss, random inputs drawn from its float64 reference's cases
/// — the batch resampled (1–16 items), each y_pred item mixed with another (a convex mix keeps every element inside
/// the case's own range, so probabilities stay probabilities), random dtype, reduction and sample weights — and every
/// engine against the float64 reference within the documented tolerance.
/// </summary>
/// <remarks>CI runs a fixed seed and <see cref="DefaultDrawsPerCase"/> draws per reference case (a few seconds);
/// <c>CROSSBACKEND_FUZZ_COUNT</c> sets the draws per case and <c>CROSSBACKEND_FUZZ_SEED</c> the seed for exploratory
/// runs. Every disagreement is collected and the run prints: draws, disagreements, time.</remarks>
[NonParallelizable]
public sealed class RegistryFuzzParityTests
{
    public const int DefaultDrawsPerCase = 3;
    private const int FixedSeed = 20261123;

    [Test]
    public void EveryEngineAgreesWithEveryLossReferenceOnPerturbedInputs()
    {
        int draws = int.TryParse(Environment.GetEnvironmentVariable("CROSSBACKEND_FUZZ_COUNT"), out int n) && n > 0 ? Math.Min(n, 1000) : DefaultDrawsPerCase;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("CROSSBACKEND_FUZZ_SEED"), out int s) ? s : FixedSeed;
        var random = new Random(seed);
        var disagreements = new List<string>();
        int total = 0;
        var clock = Stopwatch.StartNew();
        foreach (ILossReference reference in AllReferences.List)
        {
            LossDefinition loss = LossRegistry.Get(reference.Loss);
            foreach (ReferenceCase c in reference.Cases())
            for (int d = 0; d < draws; d++, total++)
            {
                (ReferenceCase drawn, DType dtype, Reduction reduction, double[]? sample) = Draw(loss, c, random);
                string what = $"{loss.Name} '{c.Name}' draw {d}: shape=({string.Join(", ", drawn.Shape)}) {dtype.Name()} {reduction.KerasName()}{(sample is null ? "" : " sample weights")}";
                try { Check(loss, reference, drawn, dtype, reduction, sample, what, disagreements); }
                catch (Exception e) { disagreements.Add($"{what}: {e.GetType().Name}: {e.Message}"); }
            }
        }
        clock.Stop();
        string summary = $"registry fuzz parity: seed={seed} draws={total} engines={TensorEngines.All.Count} disagreements={disagreements.Count} time={clock.Elapsed.TotalSeconds:F1} s";
        TestContext.Out.WriteLine(summary);
        TestContext.Progress.WriteLine(summary);
        Assert.That(total, Is.GreaterThanOrEqualTo(LossRegistry.All.Count * draws), "every registered loss was drawn");
        Assert.That(disagreements, Is.Empty, $"{summary}\n" + string.Join("\n", disagreements.Take(10)));
    }

    private static (ReferenceCase, DType, Reduction, double[]?) Draw(LossDefinition loss, ReferenceCase c, Random random)
    {
        DType dtype = random.Next(2) == 0 ? DType.Float32 : DType.Float64;
        Reduction reduction = loss.OwnReduction ? Reduction.None : Enum.GetValues<Reduction>()[random.Next(4)];
        int batch = (int)c.Shape[0], rows = random.Next(1, 17);
        int predSize = c.YPred.Length / batch, trueSize = c.YTrue is null ? 0 : c.YTrue.Length / batch;
        var pred = new double[rows * predSize];
        var yTrue = c.YTrue is null ? null : new double[rows * trueSize];
        for (int r = 0; r < rows; r++)
        {
            int item = random.Next(batch), other = random.Next(batch);
            double lambda = random.NextDouble();
            for (int i = 0; i < predSize; i++)
            {
                double v = lambda * c.YPred[item * predSize + i] + (1 - lambda) * c.YPred[other * predSize + i];
                pred[r * predSize + i] = dtype == DType.Float32 ? (float)v : v;   // the reference sees the engines' inputs
            }
            if (yTrue is not null) Array.Copy(c.YTrue!, item * trueSize, yTrue, r * trueSize, trueSize);
        }
        double[]? sample = !loss.OwnReduction && random.Next(2) == 0
            ? Enumerable.Range(0, rows).Select(_ => (double)(float)(0.1 + 1.9 * random.NextDouble())).ToArray()
            : null;
        var drawn = c with
        {
            YPred = pred,
            Shape = [rows, .. c.Shape[1..]],
            YTrue = yTrue,
            TrueShape = c.TrueShape is null ? null : [rows, .. c.TrueShape[1..]],
        };
        return (drawn, dtype, reduction, sample);
    }

    private static void Check(LossDefinition loss, ILossReference reference, ReferenceCase c, DType dtype, Reduction reduction,
        double[]? sample, string what, List<string> disagreements)
    {
        (double[] perElement, double[]? own) = reference.Compute(c, dtype);
        double[] expected = loss.OwnReduction ? perElement : ReferenceTests.Reduce(perElement, own, sample, reduction, reference.WeightsAreMask);
        (double rtol, double atol) = Tolerance.For(dtype);
        var arguments = new Dictionary<string, object?>(c.Arguments);
        if (!loss.OwnReduction) arguments["reduction"] = reduction;
        if (sample is not null) arguments["sample_weights"] = sample;
        var example = new LossExample("fuzz", c.YPred, c.Shape, c.YTrue, c.TrueShape, arguments, [],
            TensorShapes: new Dictionary<string, long[]> { ["sample_weights"] = [c.Shape[0]] });
        foreach (ITensorEngine engine in TensorEngines.All)
        {
            object result = example.Run(loss, engine, dtype);
            double[] actual = engine.ToDoubleArray(result, out _);
            (result as IDisposable)?.Dispose();
            var comparison = TensorComparison.Compare(actual, expected, rtol, atol);
            if (!comparison.IsClose) disagreements.Add($"{what} {engine.Name}: {comparison}");
        }
    }
}
