namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras's <c>Add</c> broadcasts inputs of one rank: per axis equal lengths or a 1 that stretches
/// (keras/src/layers/merging/base_merge.py, <c>_compute_elemwise_op_output_shape</c>; the sum is <c>ops.add</c>).
/// A squeeze-and-excitation style skip, x + GlobalAveragePooling2D(keepdims=True)(x), is x[n, h, w, c] + mean_hw x[n, :, :, c]
/// on every engine, with the small input first or last; inputs of different ranks are refused naming the layer.
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

    [TestCase(In + ", " + Gap, 1, TestName = "{m}(x + gap)")]
    [TestCase(Gap + ", " + In + ", " + In, 2, TestName = "{m}(gap + x + x)")]
    public void OneRankInputsBroadcastTheirLengthOneAxes(string addInputs, int copiesOfX)
    {
        double[] x = Enumerable.Range(0, N * H * W * C).Select(i => Math.Sin(0.7 * i + 0.1)).ToArray();
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(Graph(addInputs), [], keras3Layout: false), engine);
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

    [Test]
    public void InputsOfDifferentRanksAreRefusedNamingTheLayer()
    {
        var e = Assert.Throws<InvalidDataException>(() => Graph(In + ", " + Gap, keepDims: false));
        Assert.That(e!.Message, Does.StartWith("layer `add` (Add): input shapes do not broadcast").And.Contain("(3, 4, 2) vs (2,)"));
    }
}
