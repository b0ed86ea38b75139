namespace CrossBackend.Keras.Tests;

/// <summary>
/// The activations Keras 3 added (gelu, mish, hard_silu / hard_swish, log_softmax) and hard_sigmoid, which means a
/// different function in Keras 2 and 3, on every engine — as <c>Activation</c> layers and fused into Dense. Goldens
/// from real PyTorch 1.13 in float64 on the same inputs (none exact in float32), each printed by the expression in
/// its case name; Keras's formulas are keras/src/activations/activations.py and keras/src/backend/numpy/nn.py.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class Keras3ActivationTests(ITensorEngine engine)
{
    /// <summary>x = [−4.1, −3.1, −2.9, −1.3, −0.3, −0.1, 0.1, 0.3, 0.7, 2.9, 3.1, 5.3], as (2, 2, 3): on both sides of
    /// hard_sigmoid's ±3 and Keras 2's ±2.5 corners.</summary>
    internal static readonly double[] X = [-4.1, -3.1, -2.9, -1.3, -0.3, -0.1, 0.1, 0.3, 0.7, 2.9, 3.1, 5.3];

    public static IEnumerable<TestCaseData> Activations()
    {
        TestCaseData C(string name, string torch, double[] expected) =>
            new TestCaseData(name, expected).SetArgDisplayNames($"{name}: {torch}");
        // "gelu" is keras.activations.gelu(x, approximate=False), the erf form (torch's default). The tanh form
        // (keras.ops.gelu's default) differs by up to 4.1e-5 here: F.gelu(x, approximate='tanh')[0] = -4.32e-05.
        yield return C("gelu", "F.gelu(x)",
            [-8.469577834144258e-05, -0.00299956996097695, -0.00541085857111373, -0.1258406299612934, -0.1146265733433142, -0.0460172162722971,
             0.053982783727702904, 0.1853734266566858, 0.5306254434438489, 2.8945891414288862, 3.097000430039023, 5.299999693122896]);
        yield return C("mish", "F.mish(x)",
            [-0.06738500537843638, -0.1365099612829229, -0.15518367358960297, -0.3073824647494959, -0.15113317713833455, -0.05678857521284474,
             0.06317941749148973, 0.20800137234811503, 0.5611483776438518, 2.8842668281130717, 3.0885003094753047, 5.299738513793145]);
        // Keras 3's hard_silu = x · clip(x/6 + 1/2, 0, 1) is PyTorch's hardswish x · relu6(x + 3) / 6.
        double[] hardSwish = [-0.0, -0.0, -0.048333333333333374, -0.36833333333333335, -0.135, -0.04833333333333333,
            0.05166666666666667, 0.16499999999999998, 0.43166666666666664, 2.8516666666666666, 3.1, 5.3];
        yield return C("hard_silu", "F.hardswish(x)", hardSwish);
        yield return C("hard_swish", "F.hardswish(x)", hardSwish);
        yield return C("log_softmax", "F.log_softmax(x.reshape(4, 3), -1)",
            [-1.951380694184988, -0.9513806941849886, -0.7513806941849884, -1.9513806941849885, -0.9513806941849884, -0.7513806941849884,
             -1.397115985195438, -1.197115985195438, -0.7971159851954381, -2.5835883471192895, -2.3835883471192894, -0.1835883471192898]);
    }

    [TestCaseSource(nameof(Activations))]
    public void ActivationLayerMatchesPyTorch(string activation, double[] expected)
    {
        KerasGraph graph = KerasArchitecture.Sequential([2, 3]).Activation(activation).Build();
        AssertOutputs(graph, [], expected, activation);
    }

    /// <summary>Fused into Dense (identity kernel, zero bias): the activation applies to the Dense's output rows.</summary>
    [TestCaseSource(nameof(Activations))]
    public void DenseActivationMatchesPyTorch(string activation, double[] expected)
    {
        KerasGraph graph = KerasArchitecture.Sequential([2, 3]).Dense(3, activation: activation, name: "dense").Build();
        double[] identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        var group = new KerasWeightGroup("dense", [new KerasWeight("dense/kernel:0", [3, 3], identity), new KerasWeight("dense/bias:0", [3], new double[3])]);
        AssertOutputs(graph, [group], expected, activation);
    }

    /// <summary>
    /// hard_sigmoid by the version that wrote the config. Keras 3 (activations.py: "(x/6) + 0.5", clipped; numpy
    /// backend x / 6 + 0.5): F.hardsigmoid(x). Keras 2 (tf.keras.backend.hard_sigmoid: 0.2·x + 0.5, clipped):
    /// torch.clamp(0.2 * x + 0.5, 0, 1) — 0 at −2.9 where Keras 3 gives 1/60.
    /// </summary>
    [TestCase("3.3.3", new[] { 0.0, 0.0, 0.01666666666666668, 0.2833333333333333, 0.45, 0.48333333333333334, 0.5166666666666667, 0.5499999999999999, 0.6166666666666667, 0.9833333333333334, 1.0, 1.0 })]
    [TestCase("2.11.0", new[] { 0.0, 0.0, 0.0, 0.24, 0.44, 0.48, 0.52, 0.56, 0.64, 1.0, 1.0, 1.0 })]
    public void HardSigmoidFollowsTheWritersVersion(string kerasVersion, double[] expected)
    {
        string json = KerasArchitecture.Sequential([2, 3]).Activation("hard_sigmoid").ToJson();
        AssertOutputs(KerasGraph.FromJson(json, kerasVersion), [], expected, $"hard_sigmoid, Keras {kerasVersion}");
        // The same version read from the config itself (tf.keras's to_json writes keras_version at the top).
        string versioned = json.Insert(json.LastIndexOf('}'), $", \"keras_version\": \"{kerasVersion}\"");
        AssertOutputs(KerasGraph.FromJson(versioned), [], expected, $"hard_sigmoid, keras_version {kerasVersion} in the config");
    }

    /// <summary>The version given to the builders' Build (an architecture written in C# has no file to say it) picks
    /// the formula as a file's version does: the same goldens, Sequential and functional.</summary>
    [TestCase("3.6.0", new[] { 0.0, 0.0, 0.01666666666666668, 0.2833333333333333, 0.45, 0.48333333333333334, 0.5166666666666667, 0.5499999999999999, 0.6166666666666667, 0.9833333333333334, 1.0, 1.0 })]
    [TestCase("2.11.0", new[] { 0.0, 0.0, 0.0, 0.24, 0.44, 0.48, 0.52, 0.56, 0.64, 1.0, 1.0, 1.0 })]
    public void HardSigmoidFollowsTheVersionGivenToBuild(string kerasVersion, double[] expected)
    {
        AssertOutputs(KerasArchitecture.Sequential([2, 3]).Activation("hard_sigmoid").Build(kerasVersion), [], expected, $"Sequential hard_sigmoid, Build(\"{kerasVersion}\")");
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol x = f.Input([2, 3]);
        KerasGraph functional = f.Build([f.Apply(l => l.Activation("hard_sigmoid"), x)], kerasVersion: kerasVersion);
        AssertOutputs(functional, [], expected, $"functional hard_sigmoid, Build(kerasVersion: \"{kerasVersion}\")");
    }

    [Test]
    public void HardSigmoidWithoutAVersionIsRefusedNamingBothFormulas()
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasArchitecture.Sequential([3]).Activation("hard_sigmoid", name: "gate").Build());
        Assert.That(e!.Message, Does.Contain("`gate`").And.Contain("0.2x + 0.5").And.Contain("x/6 + 1/2").And.Contain("Build(kerasVersion: "));
    }

    private void AssertOutputs(KerasGraph graph, IReadOnlyList<KerasWeightGroup> groups, double[] expected, string what)
    {
        KerasModel model = KerasModel.FromWeights(graph, groups, keras3Layout: false);
        float[] input32 = X.Select(v => (float)v).ToArray();
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine))
        {
            KerasPrediction p = network.Predict(input32, [2, 2, 3]);
            Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 2, 3 }));
            Close.Assert(p.Values, expected, $"{engine.Name} float32 {what}");
        }
        // float64: a few ulps (the inputs are exactly the golden's), plus 2e-15 absolute: gelu's 1 + erf(x/√2) is
        // rounded to the ulp of 1 (2.2e-16) in Keras, PyTorch and here alike, so for x = −4.1, where it is 4e-5, each
        // erf's last-bit error shows as ~1e-15 in x·(1 + erf)/2.
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64))
        {
            double[] actual = network.Predict(X, [2, 2, 3]).Values;
            for (int i = 0; i < X.Length; i++)
                Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-14 * Math.Abs(expected[i]) + 2e-15), $"{engine.Name} float64 {what}[{i}]");
        }
    }
}
