using CrossBackend.IO;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// The 3-D layers (session 53): Conv3D, MaxPooling3D, AveragePooling3D, GlobalAveragePooling3D, GlobalMaxPooling3D,
/// ZeroPadding3D, Cropping3D, UpSampling3D, and a Flatten → Dense after a Conv3D, in whole files on every engine against
/// float64 NumPy goldens (Data/make_volume_models.py, its formulas checked against real PyTorch 1.13's F.conv3d with
/// groups, F.max_pool3d and F.avg_pool3d): "same" with odd totals (stride 2 on even and odd lengths, even kernels),
/// dilation, groups, "valid" strides; "same" and "valid" pools, averages over the real cells; asymmetric padding and
/// cropping tuples; upsampling (2, 1, 3). Each file as tf.keras 2 writes it (.h5) and as Keras 3 does (.keras).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class VolumeModelTests(ITensorEngine engine)
{
    [TestCase("conv3d")]
    [TestCase("pool3d")]
    public void OutputsMatchTheFloat64Golden(string stem) => GoldenModels.AssertBothFormats(engine, stem);

    /// <summary>conv3d_k2.h5's weights loaded into its architecture written in C# (each option passed by name).</summary>
    [Test]
    public void AConv3DArchitectureBuiltInCSharpTakesTheWeights()
    {
        KerasGraph conv = KerasArchitecture.Sequential([6, 7, 8, 2])
            .Conv3D(4, (3, 2, 3), (2, 2, 1), "same", "relu", name: "c3_same_s2")
            .Conv3D(4, (2, 3, 2), padding: "same", useBias: false, dilation: (1, 2, 2), groups: 2, name: "c3_dilated")
            .Conv3D(3, (2, 2, 3), (1, 2, 2), activation: "tanh", name: "c3_valid")
            .Flatten(name: "flatten").Dense(5, name: "dense").Build();
        GoldenModels.AssertFile(engine, "conv3d_k2.h5", "conv3d_golden.npz", architecture: conv);
    }

    /// <summary>The pool model's chain up to its last pool, written in C# (no weights), gives the golden's <c>pooled</c>;
    /// and "same" pools whose pads are symmetric on an input longer than the window (TorchSharp: the pool's own padding
    /// with count_include_pad=False) give <c>outputs_sym</c>.</summary>
    [Test]
    public void PoolArchitecturesBuiltInCSharpGiveTheGoldens()
    {
        KerasGraph chain = KerasArchitecture.Sequential([7, 6, 5, 3])
            .MaxPooling3D((2, 3, 2), (2, 2, 1), "same").AveragePooling3D((3, 2, 3), (1, 2, 2), "same")
            .AveragePooling3D(3, 1, "same").MaxPooling3D((3, 1, 3), (1, 1, 1), "same")
            .UpSampling3D(2, 1, 3).Cropping3D((1, 2), (0, 1), (3, 1)).ZeroPadding3D((1, 0), (0, 2), (2, 1))
            .AveragePooling3D((2, 2, 3), (2, 1, 2)).MaxPooling3D(2, 1).Build();
        Assert.That(chain.Layers[^1].OutputShape, Is.EqualTo(new long[] { 2, 1, 2, 3 }));
        NpyArray pooled = TestData.Npz("pool3d_golden.npz", "pooled");
        GoldenModels.AssertMatches(engine, KerasModel.FromWeights(chain, [], keras3Layout: false), "pool3d chain (C# architecture)",
            TestData.Npz("pool3d_golden.npz", "inputs"), TestData.Doubles(pooled), pooled.Shape);
        KerasGraph symmetric = KerasArchitecture.Sequential([5, 4, 6, 2]).AveragePooling3D(3, 1, "same").MaxPooling3D((3, 3, 1), (1, 1, 1), "same").Build();
        NpyArray sym = TestData.Npz("pool3d_golden.npz", "outputs_sym");
        GoldenModels.AssertMatches(engine, KerasModel.FromWeights(symmetric, [], keras3Layout: false), "symmetric same pools (C# architecture)",
            TestData.Npz("pool3d_golden.npz", "inputs_sym"), TestData.Doubles(sym), sym.Shape);
    }

    private IKerasNetwork Build(string layerJson, params KerasWeight[] weights) =>
        SingleLayerNetworks.Build(engine, "[null, null, null, null, 1]", layerJson, weights);

    /// <summary>Depth 4 of the values 1, 2, 3, 4, a (3, 1, 1) kernel of ones, stride 2, "same", the depth unknown until
    /// predict time: TensorFlow pads (0, 1) (the odd cell after), so the two outputs are 1 + 2 + 3 and 3 + 4 (a port that
    /// padded in front would give 0 + 1 + 2 and 2 + 3 + 4).</summary>
    [Test]
    public void AConv3DPutsTheOddSamePadAfterTheDepth()
    {
        using IKerasNetwork network = Build(
            """{"class_name": "Conv3D", "name": "x", "config": {"name": "x", "filters": 1, "kernel_size": [3, 1, 1], "strides": [2, 1, 1], "padding": "same", "use_bias": false}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
            new KerasWeight("x/kernel:0", [3, 1, 1, 1, 1], new float[] { 1, 1, 1 }));
        KerasPrediction p = network.Predict(new float[] { 1, 2, 3, 4 }, [1, 4, 1, 1, 1]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 1, 2, 1, 1, 1 }));
        Assert.That(p.Values, Is.EqualTo(new double[] { 6, 7 }));
    }

    [Test]
    public void AConv3DRefusesAnInputSmallerThanItsKernelAtPredictTime()
    {
        using IKerasNetwork network = Build(
            """{"class_name": "Conv3D", "name": "x", "config": {"name": "x", "filters": 1, "kernel_size": [2, 3, 3], "use_bias": false}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
            new KerasWeight("x/kernel:0", [2, 3, 3, 1, 1], Enumerable.Repeat(1f, 18).ToArray()));
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[12], [1, 2, 2, 3, 1]))!;
        Assert.That(e.Message, Does.StartWith("layer `x` (Conv3D): an input of 2x2x3 (depth x height x width) is smaller than its window: kernel 2x3x3, " +
            "strides 1x1x1, padding \"valid\" needs at least 2x3x3 and would give 1x0x1 outputs. Feed an input of at least 2x3x3 (depth x height x width), or use padding=\"same\"."));
        KerasPrediction p = network.Predict(Enumerable.Repeat(1f, 18).ToArray(), [1, 2, 3, 3, 1]);
        Assert.That(p.Values, Is.EqualTo(new double[] { 18 }), "the smallest input that fits: one window over every cell");
    }

    [TestCase("MaxPooling3D", 5)]
    [TestCase("AveragePooling3D", 2.5)]
    public void A3DPoolRefusesAnInputSmallerThanItsWindowAtPredictTime(string kind, double whole)
    {
        using IKerasNetwork network = Build(
            $$"""{"class_name": "{{kind}}", "name": "x", "config": {"name": "x", "pool_size": [1, 2, 3], "strides": null}, "inbound_nodes": [[["in", 0, 0, {}]]]}""");
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[4], [1, 1, 2, 2, 1]))!;
        Assert.That(e.Message, Does.StartWith($"layer `x` ({kind}): an input of 1x2x2 (depth x height x width) is smaller than its window: pool 1x2x3, strides 1x2x3"));
        KerasPrediction p = network.Predict(Enumerable.Range(0, 6).Select(v => (float)v).ToArray(), [1, 1, 2, 3, 1]);
        Assert.That(p.Values, Is.EqualTo(new double[] { whole }), "0 … 5 in one window");
    }
}

/// <summary>The 3-D layers' configs, shapes, refusals and what they become in the TorchSharp module.</summary>
public sealed class VolumeLayerTests
{
    private static KerasGraph Single(string layerJson) => KerasGraph.FromJson(SingleLayerNetworks.Json("[null, 4, 5, 6, 2]", layerJson), "3.6.0");

    private static string Layer(string className, string config) =>
        $$"""{"class_name": "{{className}}", "name": "x", "config": {"name": "x"{{(config.Length > 0 ? ", " + config : "")}}}, "inbound_nodes": [[["in", 0, 0, {}]]]}""";

    /// <summary>Keras's defaults (ZeroPadding3D padding 1 per side, Cropping3D 1 per side, UpSampling3D size 2) and the
    /// int, per-axis and per-side forms.</summary>
    [TestCase("ZeroPadding3D", "", new long[] { 6, 7, 8, 2 })]
    [TestCase("ZeroPadding3D", "\"padding\": 2", new long[] { 8, 9, 10, 2 })]
    [TestCase("ZeroPadding3D", "\"padding\": [1, 0, 2]", new long[] { 6, 5, 10, 2 })]
    [TestCase("ZeroPadding3D", "\"padding\": [[1, 0], [0, 2], [2, 1]]", new long[] { 5, 7, 9, 2 })]
    [TestCase("Cropping3D", "", new long[] { 2, 3, 4, 2 })]
    [TestCase("Cropping3D", "\"cropping\": [[1, 2], [0, 1], [3, 1]]", new long[] { 1, 4, 2, 2 })]
    [TestCase("UpSampling3D", "", new long[] { 8, 10, 12, 2 })]
    [TestCase("UpSampling3D", "\"size\": [2, 1, 3]", new long[] { 8, 5, 18, 2 })]
    [TestCase("GlobalAveragePooling3D", "\"keepdims\": true", new long[] { 1, 1, 1, 2 })]
    [TestCase("GlobalMaxPooling3D", "", new long[] { 2 })]
    [TestCase("MaxPooling3D", "\"pool_size\": [2, 3, 2], \"strides\": [2, 2, 1], \"padding\": \"same\"", new long[] { 2, 3, 6, 2 })]
    [TestCase("AveragePooling3D", "\"pool_size\": 2, \"strides\": null", new long[] { 2, 2, 3, 2 })]
    public void ShapesFollowKeras(string className, string config, long[] output) =>
        Assert.That(Single(Layer(className, config))["x"].OutputShape, Is.EqualTo(output));

    [Test]
    public void AConv3DWithStridesAndDilationIsRefusedAsKerasRefusesIt()
    {
        var e = Assert.Throws<InvalidDataException>(() => Single(Layer("Conv3D", "\"filters\": 2, \"kernel_size\": 3, \"strides\": [2, 1, 1], \"dilation_rate\": [1, 2, 1]")))!;
        Assert.That(e.Message, Does.StartWith("layer `x`: strides (2, 1, 1) with dilation_rate (1, 2, 1): Keras refuses `strides > 1` in conjunction with `dilation_rate > 1`"));
    }

    [Test]
    public void A3DWindowLargerThanAStaticInputIsRefusedNamingTheLayer()
    {
        var e = Assert.Throws<InvalidDataException>(() => Single(Layer("Conv3D", "\"filters\": 2, \"kernel_size\": [5, 2, 2]")))!;
        Assert.That(e.Message, Does.StartWith("layer `x` (Conv3D): an input of 4x5x6 (depth x height x width) is smaller than its window: kernel 5x2x2"));
        e = Assert.Throws<InvalidDataException>(() => Single(Layer("MaxPooling3D", "\"pool_size\": [2, 6, 2]")))!;
        Assert.That(e.Message, Does.StartWith("layer `x` (MaxPooling3D): an input of 4x5x6 (depth x height x width) is smaller than its window: pool 2x6x2"));
    }

    [Test]
    public void A3DCropThatLeavesNoCellIsRefusedNamingTheLayer()
    {
        var e = Assert.Throws<InvalidDataException>(() => Single(Layer("Cropping3D", "\"cropping\": [[0, 0], [2, 3], [0, 0]]")))!;
        Assert.That(e.Message, Does.StartWith("layer `x` (Cropping3D): cropping (2, 3) on spatial axis 2 leaves no cell of 5"));
        e = Assert.Throws<InvalidDataException>(() => Single(Layer("ZeroPadding3D", "\"padding\": [1, 2]")))!;
        Assert.That(e.Message, Does.StartWith("layer `x`: padding must be an int, (depth, rows, columns) or ((front, back), (top, bottom), (left, right))"));
    }

    [Test]
    public void A3DLayerNeedsAVolumeInput()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(SingleLayerNetworks.Json("[null, 4, 5, 2]",
            Layer("Conv3D", "\"filters\": 2, \"kernel_size\": 2")), "3.6.0"))!;
        Assert.That(e.Message, Does.StartWith("layer `x` (Conv3D) needs an input of (depth, height, width, channels); it receives (batch, 4, 5, 2)"));
    }

    [Test]
    public void WeightsAreExpectedInKerassOrderAndShapes()
    {
        KerasGraph g = KerasModel.Load(TestData.Path("conv3d.keras")).Graph;
        Assert.That(g["c3_same_s2"].ExpectedWeights.Select(w => (w.Name, w.Shape)),
            Is.EqualTo(new[] { ("kernel", new long[] { 3, 2, 3, 2, 4 }), ("bias", new long[] { 4 }) }), "(kd, kh, kw, in, filters)");
        Assert.That(g["c3_dilated"].ExpectedWeights.Select(w => (w.Name, w.Shape)), Is.EqualTo(new[] { ("kernel", new long[] { 2, 3, 2, 2, 4 }) }), "in / groups");
        Assert.That(g["c3_valid"].OutputShape, Is.EqualTo(new long[] { 2, 2, 3, 3 }));
    }

    [Test]
    public void InspectSaysWhatEachLayerBecomes()
    {
        IReadOnlyDictionary<string, string> d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("conv3d.keras")).Graph);
        Assert.That(d["c3_same_s2"], Does.StartWith("nn.Conv3d(2, 4, kernel (3, 2, 3), stride (2, 2, 1))").And.Contain("same: pads (0, 1) x (0, 1) x (1, 1), asymmetric"));
        Assert.That(d["dense"], Does.Contain("rows permuted (h, w, c) -> (c, h, w) for the Flatten of (2, 2, 3, 3)"));
        d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("pool3d.keras")).Graph);
        Assert.That(d["avg_same"], Does.StartWith("avg_pool3d, window (3, 2, 3) stride (1, 2, 2); same: pads (1, 1) x (0, 1) x (1, 1)").And.EndWith("not the full window"));
        Assert.That(d["pad"], Is.EqualTo("F.pad (left 2, right 1, top 0, bottom 2, front 1, back 0)"));
        Assert.That(d["gap"], Is.EqualTo("mean over (D, H, W), keepdim"));
    }
}

/// <summary>
/// The 3-D layers on a TorchSharp module fed a contiguous NCDHW float32 batch, as a TorchSharp user feeds one (the
/// engine-neutral tests pass channels-last data moved to NCDHW, a strided view): libtorch 2.10's CPU float32
/// conv_transpose2d fails on such batches (see <see cref="TorchConvTransposeLayoutTests"/>); its conv3d, max_pool3d and
/// avg_pool3d were checked against float64 on 60 random shapes with batches of 2 to 4 and agree, so the batch runs
/// whole — this holds the goldens to it.
/// </summary>
public sealed class TorchVolumeLayoutTests
{
    [TestCase("conv3d.keras")]
    [TestCase("pool3d_k2.h5")]
    public void AContiguousFloat32BatchGivesTheGolden(string file)
    {
        string stem = file.Replace("_k2.h5", "").Replace(".keras", "");
        NpyArray inputs = TestData.Npz($"{stem}_golden.npz", "inputs"), outputs = TestData.Npz($"{stem}_golden.npz", "outputs");
        using CrossBackend.Keras.Torch.KerasTorchModule module = CrossBackend.Keras.Torch.KerasTorch.ToModule(KerasModel.Load(TestData.Path(file)));
        long[] shape = inputs.Shape.Select(v => (long)v).ToArray();
        using TorchSharp.torch.Tensor x = TorchSharp.torch.tensor(TestData.Doubles(inputs).Select(v => (float)v).ToArray(), shape).movedim([4], [1]).contiguous();
        Assert.That(x.shape[0], Is.GreaterThan(1), "a batch of more than one");
        using (TorchSharp.torch.no_grad())
        {
            using TorchSharp.torch.Tensor y = module.forward(x);
            using TorchSharp.torch.Tensor values = y.to(TorchSharp.torch.ScalarType.Float64);
            Close.Assert(values.data<double>().ToArray(), TestData.Doubles(outputs), $"{file} contiguous NCDHW float32");
        }
    }
}
