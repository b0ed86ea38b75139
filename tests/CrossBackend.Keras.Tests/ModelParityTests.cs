namespace CrossBackend.Keras.Tests;

/// <summary>
/// Issue 14, items 3–4 and the "done when": every model file, in every format, on every engine, against its float64
/// NumPy golden (Keras semantics: TF "same" padding, BatchNormalization's ε, average pooling over real cells,
/// Flatten in (h, w, c) order), with inputs given once in Keras's layout.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class ModelParityTests(ITensorEngine engine)
{
    public static IEnumerable<TestCaseData> Files() =>
        from c in new[]
        {
            ("functional", "functional_k2.h5", null), ("functional", "functional.keras", null),
            ("functional", "functional.weights.h5", "functional_config.json"),
            ("zoo", "zoo_k2.h5", null), ("zoo", "zoo.keras", null),
            ("embed", "embed_k2.h5", null), ("embed", "embed.keras", (string?)null),
        }
        select new TestCaseData(c.Item1, c.Item2, c.Item3).SetArgDisplayNames(c.Item2);

    private static KerasModel Load(string file, string? config) =>
        config is null ? KerasModel.Load(TestData.Path(file)) : KerasModel.Load(TestData.Path(file), TestData.Path(config));

    private KerasPrediction Run(KerasModel model, string stem)
    {
        var inputs = TestData.Npz($"{stem}_golden.npz", "inputs");
        using IKerasNetwork network = KerasRuntimes.Build(model, engine);
        return network.Predict(inputs.Data, inputs.Shape);
    }

    [TestCaseSource(nameof(Files))]
    public void OutputsMatchTheFloat64Golden(string stem, string file, string? config)
    {
        KerasPrediction p = Run(Load(file, config), stem);
        var golden = TestData.Npz($"{stem}_golden.npz", "outputs");
        Assert.That(p.Shape, Is.EqualTo(golden.Shape));
        Close.Assert(p.Values, (double[])golden.Data, $"{engine.Name} {file}");
    }

    [Test]
    public void Float64BuildMatchesTheGoldenToFloat64Precision()
    {
        var inputs = TestData.Npz("functional_golden.npz", "inputs");
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("functional.keras")), engine, DType.Float64);
        KerasPrediction p = network.Predict(inputs.Data, inputs.Shape);
        // Weights are float32 in the file and widened exactly, so only summation order separates the two passes.
        Assert.That(Close.MaxAbs(p.Values, TestData.Doubles(TestData.Npz("functional_golden.npz", "outputs"))), Is.LessThan(1e-12));
    }

    [Test]
    public void PyTorchsBatchNormEpsilonWouldBeCaught()
    {
        // The same model with PyTorch's default ε (1e-5) instead of the file's 1e-3: the tiny variances in bn_1 make
        // the difference visible, so a port that dropped Keras's ε fails the golden comparison.
        string json = KerasFile.Open(TestData.Path("functional.keras")).ConfigJson!.Replace("\"epsilon\": 0.001", "\"epsilon\": 1e-05");
        KerasModel wrong = KerasModel.Load(TestData.Path("functional.weights.h5"), KerasGraph.FromJson(json));
        KerasPrediction p = Run(wrong, "functional");
        double violation = Close.MaxViolation(p.Values, TestData.Doubles(TestData.Npz("functional_golden.npz", "outputs")));
        Assert.That(violation, Is.GreaterThan(100), "a wrong epsilon must move the outputs far outside the tolerance");
    }
}

/// <summary>The engines against each other on the same file (no golden involved): the parity the layer promises.</summary>
public sealed class CrossEngineModelTests
{
    [TestCase("functional.keras", "functional")]
    [TestCase("zoo_k2.h5", "zoo")]
    [TestCase("embed.keras", "embed")]
    public void EveryEngineGivesTheSameOutputs(string file, string stem)
    {
        KerasModel model = KerasModel.Load(TestData.Path(file));
        var inputs = TestData.Npz($"{stem}_golden.npz", "inputs");
        var results = TensorEngines.All.Select(e =>
        {
            using IKerasNetwork n = KerasRuntimes.Build(model, e);
            return (e.Name, n.Predict(inputs.Data, inputs.Shape).Values);
        }).ToArray();
        Assert.That(results, Has.Length.GreaterThanOrEqualTo(2), "parity needs at least two engines");
        foreach (var other in results.Skip(1))
            Close.Assert(other.Values, results[0].Values, $"{other.Name} vs {results[0].Name}");
    }
}
