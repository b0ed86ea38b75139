namespace CrossBackend.Keras.Tests;

/// <summary>
/// Conv1DTranspose, DepthwiseConv1D and SeparableConv1D in whole files on every engine against float64 NumPy goldens
/// (Data/make_rnn_conv1d_models.py; its 1-D formulas checked against real PyTorch 1.13's grouped F.conv1d and
/// F.conv_transpose1d): Conv1DTranspose stride 2 "same" → DepthwiseConv1D dilation 2 "same" multiplier 2 →
/// SeparableConv1D stride 2 "valid" → Conv1DTranspose stride 2 "valid", as tf.keras 2 writes it (.h5, weights named
/// depthwise_kernel / pointwise_kernel) and as Keras 3 does (.keras); and tf.keras 2's causal SeparableConv1D (dilation 2)
/// → a Conv1DTranspose whose kernel is shorter than its stride (.h5 only: Keras 3 refuses causal there).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class Conv1DFormModelTests(ITensorEngine engine)
{
    [Test]
    public void OutputsMatchTheFloat64Golden() => GoldenModels.AssertBothFormats(engine, "conv1d_forms");

    /// <summary>The weights of conv1d_forms_k2.h5 and conv1d_causal_k2.h5 loaded into their architectures written in
    /// C# (each option of the files' layers passed by name, the layers named as in the files).</summary>
    [Test]
    public void ArchitecturesBuiltInCSharpTakeTheWeights()
    {
        KerasGraph forms = KerasArchitecture.Sequential([9, 3])
            .Conv1DTranspose(4, 3, 2, "same", name: "up_same")
            .DepthwiseConv1D(3, padding: "same", depthMultiplier: 2, activation: "tanh", dilation: 2, name: "dw")
            .SeparableConv1D(5, 3, 2, activation: "relu", name: "sep")
            .Conv1DTranspose(3, 4, 2, name: "up_valid").Build();
        GoldenModels.AssertFile(engine, "conv1d_forms_k2.h5", "conv1d_forms_golden.npz", architecture: forms);
        KerasGraph causal = KerasArchitecture.Sequential([7, 2])
            .SeparableConv1D(3, 3, padding: "causal", depthMultiplier: 2, dilation: 2, name: "sep_causal")
            .Conv1DTranspose(2, 2, 3, name: "up_short").Build();
        GoldenModels.AssertFile(engine, "conv1d_causal_k2.h5", "conv1d_causal_k2_golden.npz", architecture: causal);
    }

    [Test]
    public void ACausalSeparableConvolutionPadsOnTheLeft() => GoldenModels.AssertFile(engine, "conv1d_causal_k2.h5", "conv1d_causal_k2_golden.npz");

    private static string Model(string layerJson) => SingleLayerNetworks.Json("[null, null, 1]", layerJson);

    private IKerasNetwork Build(string layerJson, params KerasWeight[] weights) =>
        SingleLayerNetworks.Build(engine, "[null, null, 1]", layerJson, weights);

    /// <summary>The steps are unknown until predict time: the window is checked on the 1-D layer (a message about steps),
    /// and a fitting input gives the hand-counted sums.</summary>
    [Test]
    public void ADepthwiseConv1DRefusesAnInputShorterThanItsKernelNamingSteps()
    {
        // Kernel 3 of ones, depth_multiplier 2 (the second kernel all twos), no bias, "valid".
        using IKerasNetwork network = Build(
            """{"class_name": "DepthwiseConv1D", "name": "x", "config": {"name": "x", "kernel_size": 3, "depth_multiplier": 2, "use_bias": false}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
            new KerasWeight("x/depthwise_kernel:0", [3, 1, 2], new float[] { 1, 2, 1, 2, 1, 2 }));
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[2], [1, 2, 1]))!;
        Assert.That(e.Message, Does.StartWith("layer `x` (DepthwiseConv1D): an input of 2 (steps) is smaller than its window: kernel 3, strides 1"));
        KerasPrediction p = network.Predict(new float[] { 1, 2, 3, 4 }, [1, 4, 1]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 1, 2, 2 }));
        Assert.That(p.Values, Is.EqualTo(new double[] { 6, 12, 9, 18 }), "1+2+3 and 2+3+4 through each of the two kernels");
    }

    /// <summary>Input 3 ones, kernel 3 of ones, strides 2, "same": 6 outputs (n·s); no cells cut before (⌊(3 − 2) / 2⌋),
    /// input step i covers 2i … 2i + 2, so the counts are 1, 1, 2, 1, 2, 1 (the full 7th cell cut).</summary>
    [Test]
    public void AConv1DTransposeComputesKerassOutputLengthPerCall()
    {
        using IKerasNetwork network = Build(
            """{"class_name": "Conv1DTranspose", "name": "x", "config": {"name": "x", "filters": 1, "kernel_size": 3, "strides": 2, "padding": "same", "use_bias": false, "output_padding": null}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
            new KerasWeight("x/kernel:0", [3, 1, 1], new float[] { 1, 1, 1 }));
        KerasPrediction p = network.Predict(new float[] { 1, 1, 1 }, [1, 3, 1]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 1, 6, 1 }));
        Assert.That(p.Values, Is.EqualTo(new double[] { 1, 1, 2, 1, 2, 1 }));
    }

    [Test]
    public void ACausalDepthwiseConv1DIsRefusedAsKerasRefusesIt()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(Model(
            """{"class_name": "DepthwiseConv1D", "name": "x", "config": {"name": "x", "kernel_size": 3, "padding": "causal"}, "inbound_nodes": [[["in", 0, 0, {}]]]}"""), "2.11.0"))!;
        Assert.That(e.Message, Does.StartWith("layer `x` (DepthwiseConv1D) has padding \"causal\"").And.Contain("ZeroPadding1D"));
    }

    [Test]
    public void AConv1DTransposeWithOutputPaddingIsRefusedNamingItsClass()
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Model(
            """{"class_name": "Conv1DTranspose", "name": "x", "config": {"name": "x", "filters": 2, "kernel_size": 3, "strides": 2, "output_padding": [1]}, "inbound_nodes": [[["in", 0, 0, {}]]]}"""), "3.6.0"))!;
        Assert.That(e.Message, Does.StartWith("layer `x` (Conv1DTranspose): output_padding=[1] is not supported"));
    }
}

/// <summary>What the 1-D forms expect from a file and become in the TorchSharp module (<c>keras inspect</c>).</summary>
public sealed class Conv1DFormInspectTests
{
    [Test]
    public void WeightsAreExpectedInKerassOneDimensionalShapes()
    {
        KerasGraph g = KerasModel.Load(TestData.Path("conv1d_forms_k2.h5")).Graph;
        Assert.That(g["up_same"].ExpectedWeights.Select(w => (w.Name, w.Shape)),
            Is.EqualTo(new[] { ("kernel", new long[] { 3, 4, 3 }), ("bias", new long[] { 4 }) }), "(k, filters, in)");
        Assert.That(g["dw"].ExpectedWeights[0].Shape, Is.EqualTo(new long[] { 3, 4, 2 }), "(k, in, multiplier)");
        Assert.That(g["sep"].ExpectedWeights.Select(w => w.Shape), Is.EqualTo(new[] { new long[] { 3, 8, 1 }, [1, 8, 5], [5] }));
        Assert.That(g["up_valid"].OutputShape, Is.EqualTo(new long[] { 18, 3 }), "valid: n*s + max(k - s, 0)");
    }

    [Test]
    public void InspectSaysEachRunsAsTheTwoDimensionalLayer()
    {
        IReadOnlyDictionary<string, string> d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("conv1d_causal_k2.h5")).Graph);
        Assert.That(d["sep_causal"], Does.StartWith("as the 2-D layer on (N, C, 1, L) with a (1, k) kernel, after a causal pad of 4 steps on the left: nn.Conv2d(2, 4, kernel (1, 3)"));
        Assert.That(d["up_short"], Does.StartWith("as the 2-D layer on (N, C, 1, L) with a (1, k) kernel: nn.ConvTranspose2d(3, 2, kernel (1, 2), stride (1, 3))"));
    }
}
