using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// The fused categorical focal crossentropy kernel (<see cref="PointwiseLossKind.CategoricalFocalCrossentropy"/>)
/// held to the composed definition beyond <see cref="PointwiseOptionsFusedTests"/>: γ that is a square, a cube, a
/// fraction or 0, α and label smoothing not exact in float32, row lengths below, at and past a vector width (every
/// tail), one-hot rows (whose zero label vectors a kernel may skip), and rows holding NaN, ±∞ or summing to zero
/// (which must give exactly what the composed path gives, NaN for NaN). The kernel must also serve the ordinary
/// one-α case. Runs on every engine; one declining compares the composed path with itself.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class CategoricalFocalFusedTests(ITensorEngine engine)
{
    private static readonly Dictionary<string, object?>[] Options =
    [
        new() { ["gamma"] = 2.0 },
        new() { ["gamma"] = 3.0, ["alpha"] = 0.3, ["label_smoothing"] = 0.1 },
        new() { ["gamma"] = 0.7, ["alpha"] = 0.1 },
        new() { ["gamma"] = 0.0, ["alpha"] = 0.3 },
        new() { ["gamma"] = 1.3, ["from_logits"] = true, ["label_smoothing"] = 0.3 },
    ];

    private static readonly int[] Columns = [1, 5, 8, 15, 16, 17, 31, 33, 100];

    public static IEnumerable<TestCaseData> Cases() =>
        from option in Enumerable.Range(0, Options.Length)
        from columns in Columns
        from oneHot in new[] { true, false }
        select new TestCaseData(option, columns, oneHot).SetArgDisplayNames(
            string.Join(",", Options[option].Select(o => $"{o.Key}={o.Value}")), $"C={columns}", oneHot ? "one-hot" : "soft");

    private static LossExample Example(int option, int rows, int columns, bool oneHot, bool perSample, Action<double[], double[]>? edit = null)
    {
        var random = new Random(option * 7919 + columns * 31 + rows);
        var p = new double[rows * columns];
        var y = new double[rows * columns];
        bool logits = Options[option].ContainsKey("from_logits");
        for (int r = 0; r < rows; r++)
        {
            int hot = random.Next(columns);
            for (int c = 0; c < columns; c++)
            {
                p[r * columns + c] = logits ? 12 * random.NextDouble() - 6 : random.NextDouble();
                y[r * columns + c] = oneHot ? (c == hot ? 1 : 0) : random.NextDouble();
            }
        }
        // Probabilities at and beyond the clip in row 0.
        if (!logits && columns > 2) (p[0], p[1]) = (0, 1e-9);
        edit?.Invoke(p, y);
        var arguments = new Dictionary<string, object?>(Options[option]) { ["reduction"] = perSample ? Reduction.None : Reduction.SumOverBatchSize };
        return new LossExample("random", p, [rows, columns], y, null, arguments, []);
    }

    [TestCaseSource(nameof(Cases))]
    public void FusedEqualsComposed(int option, int columns, bool oneHot)
    {
        LossDefinition definition = LossRegistry.Get("categorical_focal_crossentropy");
        foreach (bool perSample in new[] { true, false })
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            LossExample example = Example(option, 9, columns, oneHot, perSample);
            double[] fused = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Compute), out long[] fusedShape);
            double[] composed = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Composed), out long[] composedShape);
            Assert.That(fusedShape, Is.EqualTo(composedShape), $"{dtype.Name()}: result shape");
            Assert.That(fused, Is.All.Not.NaN, dtype.Name());
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(fused, composed, rtol, atol, message: $"{dtype.Name()} {(perSample ? "per sample" : "mean")}");
        }
    }

    /// <summary>Rows the kernel cannot compute as it does finite ones: each must give the composed value, NaN
    /// where that is NaN, infinities where it is infinite.</summary>
    [TestCase("NaN prediction")]
    [TestCase("+inf prediction")]
    [TestCase("-inf prediction")]
    [TestCase("zero row")]
    [TestCase("NaN label")]
    [TestCase("+inf label")]
    [TestCase("huge predictions")]
    public void NonFiniteRowsMatchTheComposedPath(string edit)
    {
        const int columns = 37;
        Action<double[], double[]> apply = edit switch
        {
            "NaN prediction" => (p, _) => p[columns + 3] = double.NaN,
            "+inf prediction" => (p, _) => p[columns + 3] = double.PositiveInfinity,
            "-inf prediction" => (p, _) => p[columns + 3] = double.NegativeInfinity,
            "zero row" => (p, _) => Array.Clear(p, columns, columns),
            "NaN label" => (_, y) => y[columns + 3] = double.NaN,
            "+inf label" => (_, y) => y[columns + 3] = double.PositiveInfinity,
            _ => (p, _) => { for (int c = 0; c < columns; c++) p[columns + c] = 3e38; },
        };
        LossDefinition definition = LossRegistry.Get("categorical_focal_crossentropy");
        foreach (int option in new[] { 0, 1, 2 })
        foreach (bool perSample in new[] { true, false })
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            LossExample example = Example(option, 4, columns, oneHot: option != 1, perSample, apply);
            double[] fused = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Compute), out _);
            double[] composed = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Composed), out _);
            string message = $"{edit}, option {option}, {dtype.Name()}, {(perSample ? "per sample" : "mean")}";
            Assert.That(fused.Select(double.IsNaN), Is.EqualTo(composed.Select(double.IsNaN)), message + ": NaN where composed is NaN");
            Assert.That(fused.Select(double.IsPositiveInfinity), Is.EqualTo(composed.Select(double.IsPositiveInfinity)), message + ": +inf");
            (double rtol, double atol) = Tolerance.For(dtype);
            double[] Finite(double[] v) => v.Select(x => double.IsFinite(x) ? x : 0).ToArray();
            TensorAssert.AreClose(Finite(fused), Finite(composed), rtol, atol, message: message);
        }
    }

    /// <summary>An engine that offers the interface serves the ordinary case (one α, class axis as the engine's): so
    /// the comparisons above run its kernel there.</summary>
    [Test]
    public void KernelServesTheOneAlphaCase()
    {
        LossExample example = Example(2, 3, 37, oneHot: false, perSample: true);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            var harness = new EngineHarness(engine);
            object output = harness.Tensor(example.YPred, [3, 37], dtype), target = harness.Tensor(example.YTrue!, [3, 37], dtype);
            var parameters = new PointwiseLossParameters(Gamma: 0.7, Alpha: 0.1);
            object? perSample = FusedPointwiseCall.Invoke(engine, PointwiseLossKind.CategoricalFocalCrossentropy, parameters, target, output, mean: false);
            Assert.That(perSample, Is.Not.Null, dtype.Name());
            double[] composed = engine.ToDoubleArray(example.Run(LossRegistry.Get("categorical_focal_crossentropy"), engine, dtype, LossExample.Mode.Composed), out _);
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(harness.Values(perSample!), composed, rtol, atol, message: dtype.Name());
        }
    }
}
