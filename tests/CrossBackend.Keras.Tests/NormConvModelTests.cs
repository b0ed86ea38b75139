namespace CrossBackend.Keras.Tests;

/// <summary>
/// LayerNormalization, DepthwiseConv2D, SeparableConv2D and Conv2DTranspose (session 52), in whole files on every
/// engine against float64 NumPy goldens (Data/make_norm_conv_models.py, its formulas checked against real PyTorch 1.13's
/// F.layer_norm, grouped F.conv2d and F.conv_transpose2d, and the transposed convolution against its definition as the
/// adjoint of conv2d). Each model is saved as tf.keras 2 writes it (.h5: LayerNormalization's axis as a list of positive
/// axes, weights named depthwise_kernel / pointwise_kernel / gamma / beta) and as Keras 3 does (.keras: the axis as
/// given, an int or a list with negative axes; variables by index).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class NormConvModelTests(ITensorEngine engine)
{
    [TestCase("layer_norm")]
    [TestCase("depthwise")]
    [TestCase("conv_transpose")]
    public void OutputsMatchTheFloat64Golden(string stem) => GoldenModels.AssertBothFormats(engine, stem);

    /// <summary>The same three models written in C# with <see cref="KerasArchitecture"/> (a weights-only file's road) take
    /// the tf.keras 2 files' weights by layer name and give the goldens: the four layers had no builder after the merge,
    /// though every other buildable layer has one.</summary>
    [Test]
    public void ArchitecturesBuiltInCSharpTakeTheWeights()
    {
        KerasGraph layerNorm = KerasArchitecture.Sequential([3, 4, 5])
            .LayerNormalization(epsilon: 0.1, name: "ln_last").Dense(5, name: "dense")
            .LayerNormalization([1, 2], epsilon: 0.3, center: false, name: "ln_hw").LayerNormalization([-3, -2, -1], scale: false, name: "ln_all")
            .LayerNormalization([1], epsilon: 0.07, name: "ln_h").Reshape([60], name: "reshape").LayerNormalization(epsilon: 0.2, name: "ln_flat").Build();
        KerasGraph depthwise = KerasArchitecture.Sequential([8, 9, 3])
            .DepthwiseConv2D((3, 4), (2, 2), "same", depthMultiplier: 2, activation: "relu", name: "dw_s2")
            .DepthwiseConv2D((2, 3), padding: "same", useBias: false, dilation: (1, 2), name: "dw_dilated")
            .SeparableConv2D(4, (3, 3), (2, 2), "same", depthMultiplier: 2, activation: "tanh", name: "sep_s2")
            .SeparableConv2D(5, (2, 2), useBias: false, name: "sep_valid").Build();
        KerasGraph transpose = KerasArchitecture.Sequential([3, 4, 2])
            .Conv2DTranspose(3, (3, 3), (2, 2), "same", name: "up_same").Conv2DTranspose(2, (4, 3), (2, 1), "same", "relu", name: "up_even")
            .Conv2DTranspose(2, (2, 1), (1, 3), name: "up_valid").Build();
        foreach ((string stem, KerasGraph architecture) in new[] { ("layer_norm", layerNorm), ("depthwise", depthwise), ("conv_transpose", transpose) })
            GoldenModels.AssertFile(engine, $"{stem}_k2.h5", $"{stem}_golden.npz", architecture: architecture);
    }
}

/// <summary>What the new layers expect from a file and become in the TorchSharp module (<c>keras inspect</c>).</summary>
public sealed class NormConvInspectTests
{
    [Test]
    public void WeightsAreExpectedInKerassOrderAndShapes()
    {
        KerasGraph g = KerasModel.Load(TestData.Path("depthwise.keras")).Graph;
        Assert.That(g["dw_s2"].ExpectedWeights.Select(w => (w.Name, w.Shape)),
            Is.EqualTo(new[] { ("depthwise_kernel", new long[] { 3, 4, 3, 2 }), ("bias", new long[] { 6 }) }));
        Assert.That(g["sep_s2"].ExpectedWeights.Select(w => (w.Name, w.Shape)),
            Is.EqualTo(new[] { ("depthwise_kernel", new long[] { 3, 3, 6, 2 }), ("pointwise_kernel", new long[] { 1, 1, 12, 4 }), ("bias", new long[] { 4 }) }));
        KerasGraph n = KerasModel.Load(TestData.Path("layer_norm.keras")).Graph;
        Assert.That(n["ln_hw"].ExpectedWeights.Select(w => (w.Name, w.Shape)), Is.EqualTo(new[] { ("gamma", new long[] { 3, 4 }) }));
        Assert.That(n["ln_all"].ExpectedWeights.Select(w => (w.Name, w.Shape)), Is.EqualTo(new[] { ("beta", new long[] { 3, 4, 5 }) }));
        KerasGraph t = KerasModel.Load(TestData.Path("conv_transpose_k2.h5")).Graph;
        Assert.That(t["up_even"].ExpectedWeights[0].Shape, Is.EqualTo(new long[] { 4, 3, 2, 3 }), "(kh, kw, filters, in)");
        Assert.That(t["up_valid"].OutputShape, Is.EqualTo(new long[] { 13, 24, 2 }), "valid: n*s + max(k - s, 0)");
    }

    [Test]
    public void InspectSaysWhatEachLayerBecomes()
    {
        IReadOnlyDictionary<string, string> d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("depthwise.keras")).Graph);
        Assert.That(d["dw_s2"], Does.StartWith("nn.Conv2d(3, 6, kernel (3, 4), stride (2, 2), groups=3)").And.Contain("same: pads (0, 1) x (1, 2), asymmetric"));
        Assert.That(d["sep_s2"], Does.Contain("then nn.Conv2d(12, 4, 1) with the pointwise kernel").And.EndWith("tanh"));
        d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("layer_norm.keras")).Graph);
        Assert.That(d["ln_hw"], Does.StartWith("F.layer_norm over Keras axis 1, 2 (dimension 2, 3 here").And.Contain("eps=0.3").And.EndWith("gamma, no beta (3, 4)"));
        d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("conv_transpose.keras")).Graph);
        Assert.That(d["up_even"], Does.StartWith("nn.ConvTranspose2d(3, 2, kernel (4, 3), stride (2, 1))").And.Contain("cut to Keras's 12 x 8 (same"));
        // "valid" has no before-pad to cut from: the full result is kept, zero columns appended where k < s (2, 1 stride 1, 3).
        Assert.That(d["up_valid"], Does.Contain("cut to Keras's 13 x 24 (valid: kept from its first cell, zeros past the end").And.Not.Contain("before-pad"));
    }
}
