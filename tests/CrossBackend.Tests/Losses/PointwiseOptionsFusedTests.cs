using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// The fused crossentropy, focal, KL, Keras-label hinge and categorical hinge kernels (<see cref="PointwiseLossParameters"/> kinds) held
/// to the composed definitions of the losses that use them: every option that reaches a kernel (label smoothing,
/// logits, γ including 0 and non-integer, class balancing, one α, focal_loss's normalisation and sample reductions),
/// soft and hard labels, probabilities at and beyond the ε clip, hinge labels that are and are not all in {0, 1},
/// float32 and float64, per sample and the plain mean; and NaN in one sample staying in that sample. Runs on every
/// engine; an engine without (or declining) a kernel compares the composed path with itself.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class PointwiseOptionsFusedTests(ITensorEngine engine)
{
    public enum Data { Probabilities, Logits, Distributions, HingeBinary, HingeSigned }

    /// <summary>Each loss with option sets that reach the kernel (values not exact in float32) and its data.</summary>
    private static readonly (string Loss, Dictionary<string, object?> Options, Data Data)[] Uses =
    [
        ("binary_crossentropy", new(), Data.Probabilities),
        ("binary_crossentropy", new() { ["label_smoothing"] = 0.3 }, Data.Probabilities),
        ("binary_crossentropy", new() { ["from_logits"] = true }, Data.Logits),
        ("binary_crossentropy", new() { ["from_logits"] = true, ["label_smoothing"] = 0.1 }, Data.Logits),
        ("binary_focal_crossentropy", new(), Data.Probabilities),
        ("binary_focal_crossentropy", new() { ["gamma"] = 0.7, ["label_smoothing"] = 0.1 }, Data.Probabilities),
        ("binary_focal_crossentropy", new() { ["gamma"] = 3.0, ["apply_class_balancing"] = true, ["alpha"] = 0.3 }, Data.Probabilities),
        ("binary_focal_crossentropy", new() { ["gamma"] = 0.0, ["apply_class_balancing"] = true, ["alpha"] = 0.3 }, Data.Probabilities),
        ("binary_focal_crossentropy", new() { ["gamma"] = 2.5, ["from_logits"] = true, ["label_smoothing"] = 0.1 }, Data.Logits),
        ("categorical_focal_crossentropy", new(), Data.Distributions),
        ("categorical_focal_crossentropy", new() { ["alpha"] = 0.3, ["gamma"] = 0.7 }, Data.Distributions),
        ("categorical_focal_crossentropy", new() { ["gamma"] = 0.0, ["label_smoothing"] = 0.1 }, Data.Distributions),
        ("categorical_focal_crossentropy", new() { ["from_logits"] = true, ["label_smoothing"] = 0.1 }, Data.Logits),
        ("focal_loss", new(), Data.Probabilities),
        ("focal_loss", new() { ["normalize"] = false, ["gamma"] = 0.7, ["alpha"] = 0.3 }, Data.Probabilities),
        ("focal_loss", new() { ["from_logits"] = true, ["label_smoothing"] = 0.1 }, Data.Logits),
        ("kl_divergence", new(), Data.Distributions),
        ("hinge", new(), Data.HingeBinary),
        ("hinge", new(), Data.HingeSigned),
        ("squared_hinge", new(), Data.HingeBinary),
        ("squared_hinge", new(), Data.HingeSigned),
        ("categorical_hinge", new(), Data.Distributions),
        ("categorical_hinge", new(), Data.HingeSigned),
    ];

    private static readonly (int Rows, int Columns)[] Shapes = [(6, 7), (3, 37), (130, 300)];

    public static IEnumerable<TestCaseData> Cases() =>
        from i in Enumerable.Range(0, Uses.Length)
        from shape in Shapes
        from perSample in new[] { true, false }
        select new TestCaseData(i, shape.Rows, shape.Columns, perSample).SetArgDisplayNames(
            Uses[i].Loss, Describe(Uses[i].Options), Uses[i].Data.ToString(), $"{shape.Rows}x{shape.Columns}", perSample ? "per sample" : "mean");

    public static IEnumerable<TestCaseData> NaNCases() => Enumerable.Range(0, Uses.Length).Select(i =>
        new TestCaseData(i).SetArgDisplayNames(Uses[i].Loss, Describe(Uses[i].Options), Uses[i].Data.ToString()));

    private static string Describe(Dictionary<string, object?> options) =>
        options.Count == 0 ? "defaults" : string.Join(",", options.Select(o => $"{o.Key}={o.Value}"));

    /// <summary>Seeded data of the use's kind; row 0 holds the edge values.</summary>
    private static LossExample Example(int use, int rows, int columns, bool perSample, bool withNaN = false)
    {
        (string loss, Dictionary<string, object?> options, Data data) = Uses[use];
        var random = new Random(rows * 1000 + columns + use);
        var p = new double[rows * columns];
        var y = new double[rows * columns];
        for (int i = 0; i < p.Length; i++)
        {
            // Half hard labels, half soft ones.
            bool hard = random.Next(2) == 0;
            (p[i], y[i]) = data switch
            {
                Data.Probabilities => (random.NextDouble(), hard ? random.Next(2) : random.NextDouble()),
                Data.Logits => (16 * random.NextDouble() - 8, hard ? random.Next(2) : random.NextDouble()),
                Data.Distributions => (random.NextDouble(), hard ? random.Next(2) : random.NextDouble()),
                Data.HingeBinary => (3 * random.NextDouble() - 1.5, random.Next(2)),
                _ => (3 * random.NextDouble() - 1.5, random.Next(3) switch { 0 => -1.0, 1 => 1.0, _ => 0.3 }),
            };
        }
        (double P, double Y)[] edges = data switch
        {
            Data.Probabilities => [(0, 1), (1, 0), (0, 0), (1, 1), (1e-9, 0.5), (1 - 1e-9, 0.7)],
            Data.Logits => [(30, 0), (-30, 1), (0, 0.5), (-40, 0), (12, 1)],
            Data.Distributions => [(0, 1), (1, 0), (0, 0), (1e-9, 0.3), (0.5, 1e-9)],
            Data.HingeBinary => [(1, 1), (0, 0), (-1, 0), (0.3, 1)],
            _ => [(1, 1), (0, 0), (-1, -1), (0.3, 0.3)],
        };
        for (int i = 0; i < Math.Min(edges.Length, columns); i++) (p[i], y[i]) = edges[i];
        if (withNaN) p[columns + 1] = double.NaN;   // row 1 only
        var arguments = new Dictionary<string, object?>(options);
        if (loss == "focal_loss") arguments["sample_reduction"] = perSample ? "none" : "mean";
        else arguments["reduction"] = perSample ? Reduction.None : Reduction.SumOverBatchSize;
        return new LossExample("random", p, [rows, columns], y, null, arguments, []);
    }

    [TestCaseSource(nameof(Cases))]
    public void FusedLossEqualsTheComposedDefinition(int use, int rows, int columns, bool perSample)
    {
        LossDefinition definition = LossRegistry.Get(Uses[use].Loss);
        LossExample example = Example(use, rows, columns, perSample);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] fused = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Compute), out long[] fusedShape);
            double[] composed = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Composed), out long[] composedShape);
            Assert.That(fused, Has.Length.EqualTo(perSample ? rows : 1), dtype.Name());
            Assert.That(fusedShape, Is.EqualTo(composedShape), $"{dtype.Name()}: result shape");
            Assert.That(fused, Is.All.Not.NaN, $"{dtype.Name()}: the edge values are all finite");
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(fused, composed, rtol, atol, message: dtype.Name());
        }
    }

    [TestCaseSource(nameof(NaNCases))]
    public void NaNInOneSamplePropagatesToThatSampleOnly(int use)
    {
        LossDefinition definition = LossRegistry.Get(Uses[use].Loss);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] perSample = engine.ToDoubleArray(Example(use, 4, 37, perSample: true, withNaN: true)
                .Run(definition, engine, dtype, LossExample.Mode.Compute), out _);
            Assert.That(double.IsNaN(perSample[1]), Is.True, $"{dtype.Name()}: the sample holding NaN");
            Assert.That(perSample.Where((_, i) => i != 1), Is.All.Not.NaN, $"{dtype.Name()}: the other samples");
            double[] mean = engine.ToDoubleArray(Example(use, 4, 37, perSample: false, withNaN: true)
                .Run(definition, engine, dtype, LossExample.Mode.Compute), out _);
            Assert.That(double.IsNaN(mean[0]), Is.True, $"{dtype.Name()}: the mean");
        }
    }

    /// <summary>The element-wise kinds (and categorical hinge's row maximum), which an engine offering the interface serves for the
    /// ordinary case: so the comparisons above run the kernel there. The kernel's per-sample values equal the loss's
    /// composed reduction-none values, its mean their mean.</summary>
    [TestCase(PointwiseLossKind.BinaryCrossentropy, "binary_crossentropy", Data.Probabilities)]
    [TestCase(PointwiseLossKind.BinaryFocalCrossentropy, "binary_focal_crossentropy", Data.Probabilities)]
    [TestCase(PointwiseLossKind.KLDivergence, "kl_divergence", Data.Distributions)]
    [TestCase(PointwiseLossKind.HingeKerasLabels, "hinge", Data.HingeBinary)]
    [TestCase(PointwiseLossKind.SquaredHingeKerasLabels, "squared_hinge", Data.HingeSigned)]
    [TestCase(PointwiseLossKind.CategoricalHinge, "categorical_hinge", Data.Distributions)]
    [TestCase(PointwiseLossKind.FocalLoss, "focal_loss", Data.Probabilities)]
    public void KernelServesTheOrdinaryCase(PointwiseLossKind kind, string loss, Data data)
    {
        int use = Array.FindIndex(Uses, u => u.Loss == loss && u.Data == data && u.Options.Count == 0);
        LossExample example = Example(use, 3, 37, perSample: true);
        var parameters = kind switch
        {
            PointwiseLossKind.BinaryFocalCrossentropy => new PointwiseLossParameters(Gamma: 2),
            PointwiseLossKind.FocalLoss => new PointwiseLossParameters(Gamma: 2, Alpha: 0.25, Normalize: true),   // FastEstimator's defaults
            _ => default,
        };
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            var harness = new EngineHarness(engine);
            object output = harness.Tensor(example.YPred, [3, 37], dtype), target = harness.Tensor(example.YTrue!, [3, 37], dtype);
            object? perSample = FusedPointwiseCall.Invoke(engine, kind, parameters, target, output, mean: false);
            object? mean = FusedPointwiseCall.Invoke(engine, kind, parameters, target, output, mean: true);
            Assert.That(perSample, Is.Not.Null, $"{dtype.Name()}: per sample");
            Assert.That(mean, Is.Not.Null, $"{dtype.Name()}: mean");
            double[] composed = engine.ToDoubleArray(example.Run(LossRegistry.Get(loss), engine, dtype, LossExample.Mode.Composed), out _);
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(harness.Values(perSample!), composed, rtol, atol, message: $"{dtype.Name()} per sample");
            TensorAssert.AreClose(harness.Values(mean!), new[] { composed.Average() }, rtol, atol, message: $"{dtype.Name()} mean");
        }
    }
}
