namespace CrossBackend.Keras.Tests;

/// <summary>
/// DepthwiseConv2D and Conv2DTranspose on inputs whose height and width are unknown (None) until predict time, on every
/// engine: the depthwise window is checked before computing (one message naming the layer, as for Conv2D), and the
/// transposed convolution computes Keras's output length and "same" crop per call. Expected values are counted by hand.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class NormConvRuntimeTests(ITensorEngine engine)
{
    private IKerasNetwork Build(string layerJson, params KerasWeight[] weights) =>
        SingleLayerNetworks.Build(engine, "[null, null, null, 1]", layerJson, weights);

    [Test]
    public void ADepthwiseConvolutionRefusesAnInputSmallerThanItsKernelAndRunsOnOneThatFits()
    {
        // Kernel 3x3 of ones, depth_multiplier 2 (the second kernel all twos), no bias, "valid".
        using IKerasNetwork network = Build(
            """{"class_name": "DepthwiseConv2D", "name": "x", "config": {"name": "x", "kernel_size": 3, "depth_multiplier": 2, "use_bias": false}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
            new KerasWeight("x/depthwise_kernel:0", [3, 3, 1, 2], Enumerable.Range(0, 18).Select(i => i % 2 == 0 ? 1f : 2f).ToArray()));
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[6], [1, 2, 3, 1]))!;
        Assert.That(e.Message, Does.StartWith("layer `x` (DepthwiseConv2D): an input of 2x3 (height x width) is smaller than its window: kernel 3x3, " +
            "strides 1x1, padding \"valid\" needs at least 3x3 and would give 0x1 outputs."));
        KerasPrediction p = network.Predict(Enumerable.Range(0, 9).Select(v => (float)v).ToArray(), [1, 3, 3, 1]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 1, 1, 1, 2 }));
        Assert.That(p.Values, Is.EqualTo(new double[] { 36, 72 }), "the sum of 0..8 through each of the two kernels");
    }

    /// <summary>Input 2x3 of ones, kernel 3x3 of ones, strides 2, "same": the output is 4x6 (n·s); the conv it is the
    /// adjoint of pads max(3 − 2, 0) = 1 cell, none before, so input cell i covers output cells 2i … 2i + 2 and a cell
    /// counts the inputs covering it: rows 1, 1, 2, 1 and columns 1, 1, 2, 1, 2, 1 (the last 3 columns of the full 7 cut).</summary>
    [Test]
    public void ATransposedConvolutionComputesKerassOutputLengthPerCall()
    {
        using IKerasNetwork network = Build(
            """{"class_name": "Conv2DTranspose", "name": "x", "config": {"name": "x", "filters": 1, "kernel_size": 3, "strides": 2, "padding": "same", "use_bias": false, "output_padding": null}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
            new KerasWeight("x/kernel:0", [3, 3, 1, 1], Enumerable.Repeat(1f, 9).ToArray()));
        KerasPrediction p = network.Predict(Enumerable.Repeat(1f, 6).ToArray(), [1, 2, 3, 1]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 1, 4, 6, 1 }));
        double[] rows = [1, 1, 2, 1], columns = [1, 1, 2, 1, 2, 1];
        Assert.That(p.Values, Is.EqualTo(rows.SelectMany(r => columns.Select(c => r * c)).ToArray()));
    }
}

/// <summary>LayerNormalization's weights need every normalised axis known, as Keras's build does (no engine involved).</summary>
public sealed class LayerNormShapeTests
{
    [Test]
    public void AnUnknownNormalisedAxisIsRefusedWhenTheArchitectureIsBuilt()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, null, 4]}, "inbound_nodes": []},
              {"class_name": "LayerNormalization", "name": "ln", "config": {"name": "ln", "axis": [1, 2]}, "inbound_nodes": [[["in", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["ln", 0, 0]]}}
            """))!;
        Assert.That(e.Message, Does.Contain("layer `ln` (LayerNormalization)").And.Contain("known lengths on axis [1, 2]").And.Contain("(batch, None, 4)"));
    }
}
