namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras's preprocessing layers (Rescaling, Normalization, CenterCrop) and the layers that are the identity at inference
/// (the random augmentation layers, Identity, AlphaDropout, ActivityRegularization, tf.keras 2's RandomHeight /
/// RandomWidth), in whole files on every engine against float64 NumPy goldens (Data/make_preprocessing_models.py):
/// per-channel scale and offset lists, adapted statistics saved as weights (mean, variance and an int64 count) over one
/// axis and over (height, width) with invert and variances under Keras's 1e-7 floor, statistics from the config (a list
/// and axis=None's one value), a centre crop from an odd margin; and Keras's mask through them by the writer's release.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class PreprocessingModelTests(ITensorEngine engine)
{
    [TestCase("preprocess")]
    [TestCase("resize")]
    public void OutputsMatchTheFloat64Golden(string stem) => GoldenModels.AssertBothFormats(engine, stem);

    /// <summary>Resizing written in C#: bilinear down and up, nearest and bilinear after crop_to_aspect_ratio.</summary>
    [Test]
    public void TheResizingArchitectureBuiltInCSharpTakesTheWeights()
    {
        KerasGraph architecture = KerasArchitecture.Sequential([7, 5, 2]).Resizing(4, 9, name: "rs_bilinear").Conv2D(3, 2, activation: "tanh", name: "conv")
            .Resizing(4, 7, "nearest", cropToAspectRatio: true, name: "rs_nearest").Resizing(3, 2, cropToAspectRatio: true, name: "rs_crop")
            .Flatten(name: "flat").Dense(4, name: "dense").Build("2.11.0");
        GoldenModels.AssertFile(engine, "resize_k2.h5", "resize_golden.npz", architecture: architecture);
    }

    /// <summary>The tf.keras 2 model written in C# with <see cref="KerasArchitecture"/> (a weights-only file's road) takes
    /// the .h5's weights by layer name, the Normalization statistics and int64 count among them, and gives the golden.</summary>
    [Test]
    public void TheArchitectureBuiltInCSharpTakesTheWeights()
    {
        KerasGraph architecture = KerasArchitecture.Sequential([7, 6, 3])
            .Rescaling(1 / 255.0, -0.3, name: "resc_unit").RandomFlip("horizontal", name: "flip").RandomRotation(0.1, name: "rotate")
            .RandomZoom(0.2, name: "zoom").RandomTranslation(0.1, 0.2, name: "shift").RandomContrast(0.3, name: "contrast").RandomBrightness(0.2, name: "bright")
            .Rescaling([0.3, 2.0, -1.5], [0.1, -0.3, 0.7], name: "resc_channels").Normalization(name: "norm_adapt")
            .Normalization([1, 2], invert: true, name: "norm_hw").Normalization(mean: [0.1, -0.3, 0.7], variance: [0.3, 1.7, 0.05], name: "norm_cfg")
            .Normalization([], [0.1], [0.3], name: "norm_all").CenterCrop(4, 5, name: "crop").RandomHeight(0.2, name: "height").RandomWidth(0.3, name: "width")
            .AlphaDropout(0.1, name: "alpha").ActivityRegularization(0.01, name: "actreg").Conv2D(4, 2, activation: "relu", name: "conv")
            .GlobalAveragePooling2D(name: "gap").Dense(3, name: "dense").Build("2.11.0");
        GoldenModels.AssertFile(engine, "preprocess_k2.h5", "preprocess_golden.npz", architecture: architecture);
    }

    /// <summary>Keras 3's Rescaling, Identity and Normalization pass Masking's mask to the masked average; tf.keras 2's
    /// Rescaling drops it, so its file averages every step (the goldens differ by 0.15).</summary>
    [Test]
    public void TheMaskPassesInKeras3AndIsDroppedByTfKeras2sRescaling()
    {
        GoldenModels.AssertFile(engine, "preprocess_mask.keras", "preprocess_mask_golden.npz");
        GoldenModels.AssertFile(engine, "preprocess_mask_k2.h5", "preprocess_mask_golden.npz", outputsKey: "outputs_k2");
    }
}

/// <summary>What the preprocessing layers expect, report and refuse.</summary>
public sealed class PreprocessingLayerTests
{
    private static KerasGraph Graph(string batchShape, string layer, string? version = "3.6.0") =>
        KerasGraph.FromJson(SingleLayerNetworks.Json(batchShape, layer), version);

    [Test]
    public void AnAdaptedNormalizationExpectsMeanVarianceAndCountAndTheRandomLayersKeepKerassShapes()
    {
        KerasGraph g = KerasModel.Load(TestData.Path("preprocess_k2.h5")).Graph;
        Assert.That(g["norm_hw"].ExpectedWeights.Select(w => (w.Name, w.Shape)),
            Is.EqualTo(new[] { ("mean", new long[] { 7, 6 }), ("variance", new long[] { 7, 6 }), ("count", Array.Empty<long>()) }));
        Assert.That(g["norm_cfg"].ExpectedWeights, Is.Empty, "mean and variance from the config: no weights");
        Assert.That(g["crop"].OutputShape, Is.EqualTo(new long[] { 4, 5, 3 }));
        Assert.That(g["height"].OutputShape, Is.EqualTo(new long[] { -1, 5, 3 }), "tf.keras 2's RandomHeight reports the height as None");
        Assert.That(g["width"].OutputShape, Is.EqualTo(new long[] { -1, -1, 3 }));
        Assert.That(g["conv"].OutputShape, Is.EqualTo(new long[] { -1, -1, 4 }));
    }

    [Test]
    public void RandomCropIsRefusedByNameBecauseItCropsAtInference()
    {
        var e = Assert.Throws<NotSupportedException>(() => Graph("[null, 8, 8, 3]",
            """{"class_name": "RandomCrop", "name": "x", "config": {"name": "x", "height": 4, "width": 4, "seed": null}, "inbound_nodes": [[["in", 0, 0, {}]]]}"""));
        Assert.That(e!.Message, Does.Contain("`x` (RandomCrop)").And.Contain("not the identity at inference").And.Contain("CenterCrop"));
    }

    [Test]
    public void ACenterCropLargerThanTheImageIsRefusedBecauseKerasResizes()
    {
        var e = Assert.Throws<NotSupportedException>(() => Graph("[null, 3, 8, 2]",
            """{"class_name": "CenterCrop", "name": "x", "config": {"name": "x", "height": 4, "width": 4}, "inbound_nodes": [[["in", 0, 0, {}]]]}"""));
        Assert.That(e!.Message, Does.Contain("`x` (CenterCrop)").And.Contain("smart_resize"));
        e = Assert.Throws<NotSupportedException>(() => Graph("[null, null, 8, 2]",
            """{"class_name": "CenterCrop", "name": "x", "config": {"name": "x", "height": 4, "width": 4}, "inbound_nodes": [[["in", 0, 0, {}]]]}"""));
        Assert.That(e!.Message, Does.Contain("`x` (CenterCrop) needs a known height and width"));
    }

    [Test]
    public void ANormalizationMeanOfAnotherShapeThanTheKeptAxesIsRefused()
    {
        // Kept axes (1, 3) of (4, 5, 3): tf.keras 2 and Keras 3.x would broadcast a (3,) mean from the right, Keras 3.0 reshape it.
        var e = Assert.Throws<NotSupportedException>(() => Graph("[null, 4, 5, 3]",
            """{"class_name": "Normalization", "name": "x", "config": {"name": "x", "axis": [1, 3], "mean": [0.1, 0.2, 0.3], "variance": [1, 2, 3], "invert": false}, "inbound_nodes": [[["in", 0, 0, {}]]]}"""));
        Assert.That(e!.Message, Does.Contain("`x` (Normalization)").And.Contain("(3)").And.Contain("(4, 3)"));
    }

    [TestCase("\"interpolation\": \"bicubic\"", "interpolation=\"bicubic\"")]
    [TestCase("\"pad_to_aspect_ratio\": true", "pad_to_aspect_ratio=True")]
    [TestCase("\"antialias\": true", "antialias=True")]
    public void ResizingOptionsNoRuntimeBuildsAreRefusedByName(string option, string named)
    {
        var e = Assert.Throws<NotSupportedException>(() => Graph("[null, 8, 8, 3]",
            $$$"""{"class_name": "Resizing", "name": "x", "config": {"name": "x", "height": 4, "width": 4, {{{option}}}}, "inbound_nodes": [[["in", 0, 0, {}]]]}"""));
        Assert.That(e!.Message, Does.Contain("`x` (Resizing)").And.Contain(named));
    }

    [Test]
    public void AnIntegerImageInputIntoRescalingIsRefusedWithTheFix()
    {
        string json = """
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 4, 4, 3], "dtype": "uint8"}, "inbound_nodes": []},
              {"class_name": "Rescaling", "name": "x", "config": {"name": "x", "scale": 0.00392156862745098}, "inbound_nodes": [[["in", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}
            """;
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json, "3.6.0"));
        Assert.That(e!.Message, Does.Contain("`x` (Rescaling) reads the integer input `in`").And.Contain("declare the input float32"));
    }

    [Test]
    public void ATwoDimensionalRescalingScaleIsRefused()
    {
        var e = Assert.Throws<NotSupportedException>(() => Graph("[null, 2, 2]",
            """{"class_name": "Rescaling", "name": "x", "config": {"name": "x", "scale": [[1, 2], [3, 4]], "offset": 0.0}, "inbound_nodes": [[["in", 0, 0, {}]]]}"""));
        Assert.That(e!.Message, Does.Contain("`x` (Rescaling): scale has shape (2, 2)"));
    }

    /// <summary>Keras 3 passes a mask through Rescaling and tf.keras 2 drops it: a file that does not say which Keras
    /// wrote it is refused there; Normalization follows the same rule (tf.keras 2's class and its PreprocessingLayer base
    /// leave supports_masking False).</summary>
    [Test]
    public void AMaskIntoRescalingOrNormalizationNeedsTheWriter()
    {
        const string masking = """{"class_name": "Masking", "name": "m", "config": {"name": "m", "mask_value": 0.0}, "inbound_nodes": [[["in", 0, 0, {}]]]}""";
        string Model(string layer) => $$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 5, 3]}, "inbound_nodes": []},
              {{{masking}}}, {{{layer}}}], "input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}
            """;
        string rescaling = """{"class_name": "Rescaling", "name": "x", "config": {"name": "x", "scale": 0.5}, "inbound_nodes": [[["m", 0, 0, {}]]]}""";
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Model(rescaling)));
        Assert.That(e!.Message, Does.Contain("`x` (Rescaling) receives a mask").And.Contain("Keras 3 passes the mask on"));
        Assert.That(KerasGraph.FromJson(Model(rescaling), "3.6.0")["x"].OutputMasked, Is.True);
        Assert.That(KerasGraph.FromJson(Model(rescaling), "2.11.0")["x"].OutputMasked, Is.False);
        string normalization = """{"class_name": "Normalization", "name": "x", "config": {"name": "x", "axis": -1, "mean": [1, 2, 3], "variance": [1, 1, 1]}, "inbound_nodes": [[["m", 0, 0, {}]]]}""";
        Assert.That(KerasGraph.FromJson(Model(normalization), "2.11.0")["x"].OutputMasked, Is.False);
        e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Model(normalization)));
        Assert.That(e!.Message, Does.Contain("`x` (Normalization) receives a mask").And.Contain("Keras 3 passes the mask on"));
        Assert.That(KerasGraph.FromJson(Model(normalization), "3.6.0")["x"].OutputMasked, Is.True);
    }

    /// <summary>Each identity layer's mask rule by release: Identity passes in Keras 3 and drops in tf.keras 2 (its class
    /// leaves supports_masking False); AlphaDropout and ActivityRegularization pass in both; the random layers and
    /// CenterCrop drop in both.</summary>
    [TestCase("Identity", "{}", true, false)]
    [TestCase("AlphaDropout", """{"rate": 0.1}""", true, true)]
    [TestCase("ActivityRegularization", """{"l1": 0.01}""", true, true)]
    [TestCase("RandomFlip", """{"mode": "horizontal"}""", false, false)]
    [TestCase("RandomBrightness", """{"factor": 0.2}""", false, false)]
    [TestCase("CenterCrop", """{"height": 2, "width": 2}""", false, false)]
    public void EachLayerPassesOrDropsTheMaskAsItsReleaseDoes(string className, string config, bool keras3Passes, bool tfKeras2Passes)
    {
        string inner = config == "{}" ? """{"name": "x"}""" : config.TrimEnd('}') + """, "name": "x"}""";
        string json = $$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 3, 4, 2]}, "inbound_nodes": []},
              {"class_name": "Masking", "name": "m", "config": {"name": "m", "mask_value": 0.0}, "inbound_nodes": [[["in", 0, 0, {}]]]},
              {"class_name": "{{{className}}}", "name": "x", "config": {{{inner}}}, "inbound_nodes": [[["m", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}
            """;
        Assert.That(KerasGraph.FromJson(json, "3.6.0")["x"].OutputMasked, Is.EqualTo(keras3Passes), "Keras 3.6.0");
        Assert.That(KerasGraph.FromJson(json, "2.11.0")["x"].OutputMasked, Is.EqualTo(tfKeras2Passes), "tf.keras 2.11.0");
    }

    [Test]
    public void InspectSaysWhatEachLayerBecomes()
    {
        IReadOnlyDictionary<string, string> d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("preprocess_k2.h5")).Graph);
        Assert.That(d["resc_channels"], Does.StartWith("x * scale + offset (scale 0.3, 2, -1.5, offset 0.1, -0.3, 0.7, per channel)"));
        Assert.That(d["norm_hw"], Does.StartWith("mean + x * max(sqrt(variance), 1e-7), mean and variance as adapted"));
        Assert.That(d["crop"], Is.EqualTo("narrow dim 2 by (1, 2), dim 3 by (0, 1)"));
        Assert.That(d["flip"], Is.EqualTo("the identity (inference)"));
    }
}
