namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras's <c>Add</c> broadcasts: per axis equal lengths or a 1 that stretches (keras/src/layers/merging/base_merge.py,
/// <c>_compute_elemwise_op_output_shape</c>; the sum is <c>ops.add</c>), after inputs of a lower rank gain length-1 axes
/// right after the batch axis (<c>Merge.call</c>: <c>ops.expand_dims(x, axis=1)</c> until the ranks agree). A
/// squeeze-and-excitation style skip, x + GlobalAveragePooling2D(x), is x[n, h, w, c] + mean_hw x[n, :, :, c] on every
/// engine, with keepdims (one rank) or without (a (batch, c) input expanded to (batch, 1, 1, c)), the small input first
/// or last; shapes that do not broadcast even so are refused naming the layer.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class AddBroadcastTests(ITensorEngine engine)
{
    private const int N = 2, H = 3, W = 4, C = 2;

    private static KerasGraph Graph(string addInputs, bool keepDims = true) => KerasGraph.FromJson($$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, {{{H}}}, {{{W}}}, {{{C}}}]}, "inbound_nodes": []},
          {"class_name": "GlobalAveragePooling2D", "name": "gap", "config": {"name": "gap", "keepdims": {{{(keepDims ? "true" : "false")}}}}, "inbound_nodes": [[["in", 0, 0, {}]]]},
          {"class_name": "Add", "name": "add", "config": {"name": "add"}, "inbound_nodes": [[{{{addInputs}}}]]}],
          "input_layers": [["in", 0, 0]], "output_layers": [["add", 0, 0]]}}
        """);

    private const string In = """["in", 0, 0, {}]""", Gap = """["gap", 0, 0, {}]""";

    [TestCase(In + ", " + Gap, 1, true, TestName = "{m}(x + gap)")]
    [TestCase(Gap + ", " + In + ", " + In, 2, true, TestName = "{m}(gap + x + x)")]
    [TestCase(In + ", " + Gap, 1, false, TestName = "{m}(x + gap of rank 2)")]
    [TestCase(Gap + ", " + In + ", " + In, 2, false, TestName = "{m}(gap of rank 2 + x + x)")]
    public void InputsBroadcastTheirLengthOneAxes(string addInputs, int copiesOfX, bool keepDims)
    {
        double[] x = Enumerable.Range(0, N * H * W * C).Select(i => Math.Sin(0.7 * i + 0.1)).ToArray();
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(Graph(addInputs, keepDims), [], keras3Layout: false), engine);
        KerasPrediction p = network.Predict(x.Select(v => (float)v).ToArray(), [N, H, W, C]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { N, H, W, C }));
        var expected = new double[x.Length];
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
            {
                double mean = 0;
                for (int hw = 0; hw < H * W; hw++) mean += (float)x[(n * H * W + hw) * C + c];
                mean /= H * W;
                for (int hw = 0; hw < H * W; hw++) expected[(n * H * W + hw) * C + c] = copiesOfX * (float)x[(n * H * W + hw) * C + c] + mean;
            }
        Close.Assert(p.Values, expected, engine.Name);
    }

    /// <summary>Keras 3's merge layers take a list of at least one input (<c>Merge.build</c>); one input passes through,
    /// and Average divides it by 1.</summary>
    [TestCase("Add")]
    [TestCase("Average")]
    [TestCase("Maximum")]
    public void OneInputPassesThrough(string className)
    {
        KerasGraph graph = KerasGraph.FromJson($$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, {{{H}}}, {{{W}}}, {{{C}}}]}, "inbound_nodes": []},
              {"class_name": "{{{className}}}", "name": "merge", "config": {"name": "merge"}, "inbound_nodes": [[["in", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["merge", 0, 0]]}}
            """);
        float[] x = Enumerable.Range(0, N * H * W * C).Select(i => (float)Math.Sin(0.7 * i + 0.1)).ToArray();
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(graph, [], keras3Layout: false), engine);
        KerasPrediction p = network.Predict(x, [N, H, W, C]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { N, H, W, C }));
        Assert.That(p.Values, Is.EqualTo(x.Select(v => (double)v).ToArray()));
    }

    /// <summary>(4, 6) expands to (1, 4, 6), whose last axis meets x's 2 channels: no Keras model has this layer.</summary>
    [Test]
    public void ShapesThatDoNotBroadcastAfterExpandingAreRefusedNamingTheLayer()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson($$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, {{{H}}}, {{{W}}}, {{{C}}}]}, "inbound_nodes": []},
              {"class_name": "Reshape", "name": "r", "config": {"name": "r", "target_shape": [4, 6]}, "inbound_nodes": [[["in", 0, 0, {}]]]},
              {"class_name": "Add", "name": "add", "config": {"name": "add"}, "inbound_nodes": [[["in", 0, 0, {}], ["r", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["add", 0, 0]]}}
            """));
        Assert.That(e!.Message, Does.StartWith("layer `add` (Add): input shapes do not broadcast (lower ranks gain length-1 axes after the batch axis")
            .And.Contain("(3, 4, 2) vs (4, 6)"));
    }
}
