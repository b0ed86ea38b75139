namespace CrossBackend.Keras.Tests;

/// <summary>
/// UpSampling2D(interpolation="bilinear"): TensorFlow's half-pixel resize, which Keras 3 and tf.keras 2.4+ run
/// (Data/make_bilinear_models.py; its float64 reference agrees with PyTorch 1.13's F.interpolate(align_corners=False)
/// to 8.9e-16): UpSampling2D((2, 3)) → Conv2D tanh → UpSampling2D((3, 1)), as Keras 3 and tf.keras 2 save it.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class BilinearUpSamplingTests(ITensorEngine engine)
{
    [Test]
    public void OutputsMatchTheFloat64Golden()
    {
        GoldenModels.AssertBothFormats(engine, "upsample_bilinear");
    }

    /// <summary>Half-pixel centres by hand: a 1×2 row [0, 1] upsampled 1×4 reads the input at −3/8, −1/8, 1/8, 3/8,
    /// 5/8, 7/8, 9/8, 11/8 — clamped at both ends — giving 0, 0, 1/8, 3/8, 5/8, 7/8, 1, 1 (exact in float32).</summary>
    [Test]
    public void HalfPixelCentresClampAtTheEdges()
    {
        string layer = """{"class_name": "UpSampling2D", "name": "x", "config": {"name": "x", "size": [1, 4], "interpolation": "bilinear"}, "inbound_nodes": [[["in", 0, 0, {}]]]}""";
        KerasModel model = KerasModel.FromWeights(KerasGraph.FromJson(SingleLayerNetworks.Json("[null, 1, 2, 1]", layer), "3.6.0"), [], keras3Layout: false);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            using IKerasNetwork network = KerasRuntimes.Build(model, engine, dtype);
            KerasPrediction p = network.Predict(new[] { 0f, 1f }, [1, 1, 2, 1]);
            Assert.That(p.Shape, Is.EqualTo(new long[] { 1, 1, 8, 1 }));
            Assert.That(p.Values, Is.EqualTo(new[] { 0, 0, 0.125, 0.375, 0.625, 0.875, 1, 1 }), $"{engine.Name} {dtype}");
        }
    }
}

/// <summary>Which writers' bilinear UpSampling2D is built: half-pixel centres are Keras 3's and tf.keras 2.4+'s;
/// TensorFlow 1's tf.keras ("-tf" versions) and standalone Keras before 2.4 resized without them.</summary>
public sealed class BilinearUpSamplingVersionTests
{
    private static string Json => SingleLayerNetworks.Json("[null, 3, 3, 2]",
        """{"class_name": "UpSampling2D", "name": "x", "config": {"name": "x", "size": [2, 2], "interpolation": "bilinear"}, "inbound_nodes": [[["in", 0, 0, {}]]]}""");

    [TestCase("3")]
    [TestCase("3.6.0")]
    [TestCase("2.4.0")]
    [TestCase("2.11.0")]
    public void HalfPixelWritersAreBuilt(string version)
    {
        var spec = (UpSamplingSpec)KerasGraph.FromJson(Json, version)["x"].Spec;
        Assert.That((spec.Interpolation, spec.Size), Is.EqualTo((KerasUpSampling.Bilinear, new[] { 2, 2 })));
    }

    [TestCase(null)]
    [TestCase("2.2.4-tf")]
    [TestCase("2.3.0-tf")]
    [TestCase("2.2.4")]
    public void OtherWritersAreRefused(string? version)
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Json, version));
        Assert.That(e!.Message, Does.StartWith("layer `x` (UpSampling2D) uses interpolation=\"bilinear\"").And.Contain("half-pixel").And.Contain("interpolation=\"nearest\""));
    }
}
