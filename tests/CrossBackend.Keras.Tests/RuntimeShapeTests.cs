namespace CrossBackend.Keras.Tests;

/// <summary>
/// Shapes the architecture cannot check because an axis is None: at predict time every engine refuses, naming the
/// layer and the shapes in Keras's layout, an <c>Add</c> or <c>Concatenate</c> whose branches disagree (here a
/// ZeroPadding2D branch beside the input), a <c>Reshape</c> target the input cannot fill and a <c>Cropping1D</c> that
/// leaves no step (Keras raises on all four too). libtorch's own errors ("The size of tensor a (6) must match…") named
/// no layer. Layers whose output length follows a None length (UpSampling1D, ZeroPadding1D, Permute) compute per call.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class RuntimeShapeTests(ITensorEngine engine)
{
    private static KerasGraph Merge(string mergeLayer) => KerasGraph.FromJson($$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, null, null, 2]}, "inbound_nodes": []},
          {"class_name": "ZeroPadding2D", "name": "pad", "config": {"name": "pad", "padding": [[1, 1], [0, 0]]}, "inbound_nodes": [[["in", 0, 0, {}]]]},
          {{{mergeLayer}}}],
          "input_layers": [["in", 0, 0]], "output_layers": [["merge", 0, 0]]}}
        """);

    [TestCase("""{"class_name": "Add", "name": "merge", "config": {"name": "merge"}, "inbound_nodes": [[["in", 0, 0, {}], ["pad", 0, 0, {}]]]}""",
        "layer `merge` (Add): its inputs must share one shape once lower ranks gain length-1 axes after the batch axis, or stretch axes of length 1; it receives (1, 3, 4, 2), (1, 5, 4, 2)", TestName = "{m}(Add)")]
    [TestCase("""{"class_name": "Concatenate", "name": "merge", "config": {"name": "merge", "axis": -1}, "inbound_nodes": [[["in", 0, 0, {}], ["pad", 0, 0, {}]]]}""",
        "layer `merge` (Concatenate): its inputs must agree on every axis but the concatenation axis (-1); it receives (1, 3, 4, 2), (1, 5, 4, 2)", TestName = "{m}(Concatenate)")]
    public void BranchesThatDisagreeAreRefusedNamingTheMergeLayer(string mergeLayer, string says)
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(Merge(mergeLayer), [], keras3Layout: false), engine);
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[3 * 4 * 2], [1, 3, 4, 2]));
        Assert.That(e!.Message, Does.StartWith(says));
    }

    [Test]
    public void AReshapeTargetTheInputCannotFillIsRefusedNamingTheLayer()
    {
        KerasGraph graph = KerasArchitecture.Sequential([-1, 3]).Reshape([2, -1], name: "reshape").Build();
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(graph, [], keras3Layout: false), engine);
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[2 * 5 * 3], [2, 5, 3]));
        Assert.That(e!.Message, Does.StartWith("layer `reshape`: cannot reshape 15 values per item to (2, -1)"));
        // 6 steps fill it: (2, 9), values in order.
        float[] x = Enumerable.Range(0, 2 * 6 * 3).Select(i => i * 0.1f).ToArray();
        KerasPrediction p = network.Predict(x, [2, 6, 3]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 2, 9 }));
        Assert.That(p.Values, Is.EqualTo(x.Select(v => (double)v)));
    }

    [Test]
    public void ACropThatLeavesNoCellOfAnUnknownLengthIsRefusedNamingTheLayer()
    {
        KerasGraph graph = KerasArchitecture.Sequential([-1, 2]).Cropping1D(2, 3, name: "crop").Build();
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(graph, [], keras3Layout: false), engine);
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[5 * 2], [1, 5, 2]));
        Assert.That(e!.Message, Does.StartWith("layer `crop` (Cropping1D): cropping (2, 3) on spatial axis 1 leaves no cell of 5; Keras requires the two crops to sum to less than the length; it receives 5 (steps). Feed a longer input."));
        // 7 steps keep steps 2 and 3.
        float[] x = Enumerable.Range(0, 7 * 2).Select(i => i * 0.1f).ToArray();
        KerasPrediction p = network.Predict(x, [1, 7, 2]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 1, 2, 2 }));
        Assert.That(p.Values, Is.EqualTo(x[4..8].Select(v => (double)v)));
    }

    /// <summary>Layers whose lengths follow an unknown (None) steps axis: every step repeated (a, a, b, b), a zero step
    /// before, then steps and channels swapped — on the torch module the swap is a permute of (N, C, L).</summary>
    [Test]
    public void UpSamplingPaddingAndPermuteFollowAnUnknownLength()
    {
        KerasGraph graph = KerasArchitecture.Sequential([-1, 2]).UpSampling1D(2).ZeroPadding1D(1, 0).Permute([2, 1]).Build();
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(graph, [], keras3Layout: false), engine);
        float[] x = [1, 2, 3, 4, 5, 6];   // (1, 3 steps, 2 channels)
        KerasPrediction p = network.Predict(x, [1, 3, 2]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 1, 2, 7 }));
        Assert.That(p.Values, Is.EqualTo(new double[] { 0, 1, 1, 3, 3, 5, 5, 0, 2, 2, 4, 4, 6, 6 }));
    }
}
