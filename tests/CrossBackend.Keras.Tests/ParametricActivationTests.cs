namespace CrossBackend.Keras.Tests;

/// <summary>
/// The ELU and PReLU layers on every engine, in float32 and float64, against real PyTorch 1.13 in float64 on inputs
/// not exact in float32 (<see cref="Keras3ActivationTests.X"/>, shaped (2, 2, 3)); parameters 0.1, 0.3, −0.7, 0.9.
/// Keras: keras/src/layers/activations/elu.py (activations.elu(x, alpha)), prelu.py (relu(x) − α·relu(−x), α of the
/// input's shape with 1 on shared_axes).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class ParametricActivationTests(ITensorEngine engine)
{
    /// <summary>F.elu(x, 0.3).</summary>
    [Test]
    public void EluLayerUsesItsAlpha()
    {
        double[] expected = [-0.2950281973794716, -0.28648523928193265, -0.2834930339830778, -0.21824046208979622, -0.07775453379548464,
            -0.028548774589212143, 0.1, 0.3, 0.7, 2.9, 3.1, 5.3];
        KerasModel model = KerasModel.FromWeights(KerasArchitecture.Sequential([2, 3]).ELU(0.3).Build(), [], keras3Layout: false);
        AssertOutputs(model, expected);
    }

    /// <summary>shared_axes [1]: α (1, 3), one per channel — PyTorch's own PReLU with a per-channel weight:
    /// F.prelu(x.permute(0, 2, 1), [0.1, 0.3, -0.7]).permute(0, 2, 1). Keras 3's group `layers/p_re_lu`.</summary>
    [Test]
    public void PReLUSharedOverAnAxisMatchesPyTorchsPerChannelPReLU()
    {
        KerasGraph graph = KerasArchitecture.Sequential([2, 3]).PReLU([1]).Build();
        Assert.That(graph.Layers[^1].ExpectedWeights[0].Shape, Is.EqualTo(new long[] { 1, 3 }));
        var group = new KerasWeightGroup("layers/p_re_lu", [new KerasWeight("layers/p_re_lu/vars/0", [1, 3], new[] { 0.1, 0.3, -0.7 })]);
        KerasModel model = KerasModel.FromWeights(graph, [group], keras3Layout: true);
        AssertOutputs(model, [-0.41, -0.9299999999999999, 2.03, -0.13, -0.09, 0.06999999999999999, 0.1, 0.3, 0.7, 2.9, 3.1, 5.3]);
    }

    /// <summary>No shared axes: α (2, 3), one per cell — torch.where(x > 0, x, alpha * x). Keras 2's group `p_re_lu`.</summary>
    [Test]
    public void PReLUWithOneAlphaPerCell()
    {
        KerasGraph graph = KerasArchitecture.Sequential([2, 3]).PReLU().Build();
        var group = new KerasWeightGroup("p_re_lu", [new KerasWeight("p_re_lu/alpha:0", [2, 3], new[] { 0.1, 0.3, -0.7, 0.9, -0.3, 0.7 })]);
        KerasModel model = KerasModel.FromWeights(graph, [group], keras3Layout: false);
        AssertOutputs(model, [-0.41, -0.9299999999999999, 2.03, -1.1700000000000002, 0.09, -0.06999999999999999, 0.1, 0.3, 0.7, 2.9, 3.1, 5.3]);
    }

    /// <summary>Keras's own correctness test (keras/src/layers/activations/prelu_test.py, test_prelu_correctness):
    /// input (2, 10, 5, 3), shared_axes (1, 2), α (1, 1, 3), against its np_prelu = (x &gt; 0)·x + (x ≤ 0)·α·x —
    /// here with deterministic inputs −2.95 … 2.95 (step 0.1, not exact in float32) and α = 0.1, 0.3, 0.7.</summary>
    [Test]
    public void PReLUMatchesKerassOwnTestOnARank4Input()
    {
        KerasGraph graph = KerasArchitecture.Sequential([10, 5, 3]).PReLU([1, 2], name: "p").Build();
        double[] alpha = [0.1, 0.3, 0.7];
        KerasModel model = KerasModel.FromWeights(graph, [new KerasWeightGroup("p", [new KerasWeight("p/alpha:0", [1, 1, 3], alpha)])], keras3Layout: false);
        double[] x = Enumerable.Range(0, 300).Select(i => Math.Round(-2.95 + 0.1 * ((i * 7) % 60), 2)).ToArray();
        double[] expected = x.Select((v, i) => (v > 0 ? v : 0) + (v <= 0 ? alpha[i % 3] * v : 0)).ToArray();
        using IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64);
        double[] actual = network.Predict(x, [2, 10, 5, 3]).Values;
        for (int i = 0; i < x.Length; i++) Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-15), $"{engine.Name} [{i}]");
    }

    /// <summary>Keras 3 takes shared_axes below 1 too: <c>PReLU.build</c> sets <c>param_shape[i - 1] = 1</c>, a Python
    /// index, so on a (2, 3) input 0 shares the last axis (α (2, 1), one per row) and −1 the first (α (1, 3), as [1]);
    /// −2 names no axis.</summary>
    [TestCase(0, new long[] { 2, 1 })]
    [TestCase(-1, new long[] { 1, 3 })]
    public void PReLUSharedAxesBelowOneCountFromTheEndAsKerasIndexes(int shared, long[] alphaShape)
    {
        KerasGraph graph = KerasArchitecture.Sequential([2, 3]).PReLU([shared], name: "p").Build();
        Assert.That(graph["p"].ExpectedWeights[0].Shape, Is.EqualTo(alphaShape));
        double[] alpha = alphaShape[0] == 2 ? [0.1, -0.7] : [0.1, 0.3, -0.7];
        KerasModel model = KerasModel.FromWeights(graph, [new KerasWeightGroup("p", [new KerasWeight("p/alpha:0", alphaShape, alpha)])], keras3Layout: false);
        // relu(x) − α·relu(−x) with α[row] or α[column]; item b, row r, column c of X shaped (2, 2, 3).
        double[] expected = Keras3ActivationTests.X.Select((v, i) => v > 0 ? v : alpha[alphaShape[0] == 2 ? i / 3 % 2 : i % 3] * v).ToArray();
        AssertOutputs(model, expected);
        var e = Assert.Throws<InvalidDataException>(() => KerasArchitecture.Sequential([2, 3]).PReLU([-2], name: "q").Build());
        Assert.That(e!.Message, Does.StartWith("layer `q` (PReLU): shared_axes [-2] fall outside the input's 2 non-batch axes"));
    }

    [Test]
    public void PReLUOverAnUnknownAxisThatIsNotSharedIsRefused()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasArchitecture.Sequential([-1, 3]).PReLU(name: "act").Build());
        Assert.That(e!.Message, Does.Contain("`act`").And.Contain("shared_axes"));
        // Sharing the unknown axis is what Keras needs too: then α is (1, 3).
        Assert.That(KerasArchitecture.Sequential([-1, 3]).PReLU([1]).Build().Layers[^1].ExpectedWeights[0].Shape, Is.EqualTo(new long[] { 1, 3 }));
    }

    private void AssertOutputs(KerasModel model, double[] expected)
    {
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine))
            Close.Assert(network.Predict(Keras3ActivationTests.X.Select(v => (float)v).ToArray(), [2, 2, 3]).Values, expected, $"{engine.Name} float32");
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64))
        {
            double[] actual = network.Predict(Keras3ActivationTests.X, [2, 2, 3]).Values;
            for (int i = 0; i < expected.Length; i++)
                Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-14 * Math.Abs(expected[i]) + 1e-16), $"{engine.Name} float64 [{i}]");
        }
    }
}
