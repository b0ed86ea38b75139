namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras 3's <c>glu</c> and <c>sparsemax</c> by name (Data/make_glu_sparsemax_models.py): Dense sparsemax → Dense →
/// Activation sparsemax → Activation glu, written by Keras 3.10.0, whose sparsemax threshold is the sum of the cumulative
/// sums over the support (before keras-team/keras#23469); glu checked against PyTorch 1.13's F.glu.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class GluSparsemaxModelTests(ITensorEngine engine)
{
    [Test]
    public void OutputsMatchTheFloat64Golden()
    {
        GoldenModels.AssertFile(engine, "glu_sparsemax.keras", "glu_sparsemax_golden.npz");
    }

    /// <summary>The numbers Keras users reported for Keras's sparsemax (keras-team/keras#23425): [0, 0.5, 1] gives
    /// [0, 0, 0.25] (the published algorithm gives [0, 0.25, 0.75]); glu of [1, 2, 0, 0.3] is [1·σ(0), 2·σ(0.3)].</summary>
    [Test]
    public void SparsemaxAndGluByHand()
    {
        double[] sparse = Predict("sparsemax", [0f, 0.5f, 1f], 3);
        Assert.That(sparse, Is.EqualTo(new[] { 0, 0, 0.25 }).Within(1e-7));
        double[] gated = Predict("glu", [1f, 2f, 0f, 0.3f], 4);
        Assert.That(gated, Is.EqualTo(new[] { 0.5, 2 / (1 + Math.Exp(-(double)0.3f)) }).Within(1e-6));
    }

    /// <summary>With a <c>None</c> feature axis the length is known only at predict time: an odd one is refused with one
    /// ArgumentException naming the layer on every engine (TensorFlow's split raises too).</summary>
    [Test]
    public void AnOddFeatureCountUnderANoneAxisIsRefusedNamingTheLayer()
    {
        string layer = """{"class_name": "Activation", "name": "x", "config": {"name": "x", "activation": "glu"}, "inbound_nodes": [[["in", 0, 0, {}]]]}""";
        KerasModel model = KerasModel.FromWeights(KerasGraph.FromJson(SingleLayerNetworks.Json("[null, 2, null]", layer), "3.10.0"), [], keras3Layout: false);
        using IKerasNetwork network = KerasRuntimes.Build(model, engine);
        Assert.That(network.Predict(new float[] { 1, 2, 0, 0.3f }, [1, 2, 2]).Shape, Is.EqualTo(new long[] { 1, 2, 1 }));
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[6], [1, 2, 3]));
        Assert.That(e!.Message, Does.StartWith("layer `x`: glu splits the last axis in two halves, and it has 3 features"));
    }

    private double[] Predict(string activation, float[] x, int features)
    {
        string layer = $$"""{"class_name": "Activation", "name": "x", "config": {"name": "x", "activation": "{{activation}}"}, "inbound_nodes": [[["in", 0, 0, {}]]]}""";
        KerasModel model = KerasModel.FromWeights(KerasGraph.FromJson(SingleLayerNetworks.Json($"[null, {features}]", layer), "3.10.0"), [], keras3Layout: false);
        using IKerasNetwork network = KerasRuntimes.Build(model, engine);
        return network.Predict(x, [1, features]).Values;
    }
}

/// <summary>What a name cannot give, or a release does not decide, is refused naming the layer.</summary>
public sealed class GluSparsemaxRefusalTests
{
    private static KerasGraph Graph(string layerConfig, string? version, string input = "[null, 4]") => KerasGraph.FromJson(
        SingleLayerNetworks.Json(input, $$"""{"class_name": "{{layerConfig.Split('|')[0]}}", "name": "x", "config": {"name": "x"{{layerConfig.Split('|')[1]}}}, "inbound_nodes": [[["in", 0, 0, {}]]]}"""), version);

    [Test]
    public void ThresholdNeedsArgumentsANameCannotGive()
    {
        var e = Assert.Throws<NotSupportedException>(() => Graph("Activation|, \"activation\": \"threshold\"", "3.10.0"));
        Assert.That(e!.Message, Does.StartWith("layer `x`: activation \"threshold\"").And.Contain("default_value"));
    }

    /// <summary>glu halves the last axis: an Activation layer's output is (…, n / 2); a Dense's activation is refused
    /// (Keras's shape inference would build the next layer for the full width), and so is an odd axis.</summary>
    [Test]
    public void GluIsAnActivationLayerOverAnEvenAxis()
    {
        Assert.That(Graph("Activation|, \"activation\": \"glu\"", "3.10.0")["x"].OutputShape, Is.EqualTo(new long[] { 2 }));
        var dense = Assert.Throws<NotSupportedException>(() => Graph("Dense|, \"units\": 4, \"activation\": \"glu\"", "3.10.0"));
        Assert.That(dense!.Message, Does.StartWith("layer `x`: activation \"glu\" halves").And.Contain("Activation(\"glu\")"));
        var odd = Assert.Throws<InvalidDataException>(() => Graph("Activation|, \"activation\": \"glu\"", "3.10.0", "[null, 5]"));
        Assert.That(odd!.Message, Does.Contain("glu splits the last axis"));
    }

    [TestCase(null)]
    [TestCase("3")]
    [TestCase("3.12.0")]
    public void SparsemaxOfAnUndecidedReleaseIsRefused(string? version)
    {
        var e = Assert.Throws<NotSupportedException>(() => Graph("Dense|, \"units\": 4, \"activation\": \"sparsemax\"", version));
        Assert.That(e!.Message, Does.StartWith("layer `x` (Dense) uses activation \"sparsemax\"").And.Contain("#23469"));
    }

    [TestCase("3.7.0")]
    [TestCase("3.11.3")]
    public void SparsemaxOfAReleaseBeforeTheFixIsBuilt(string version)
    {
        Assert.That(((DenseSpec)Graph("Dense|, \"units\": 4, \"activation\": \"sparsemax\"", version)["x"].Spec).Activation.Kind,
            Is.EqualTo(KerasActivationKind.SparsemaxKeras3));
    }
}
