using CrossBackend.IO;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// Edge cases of GroupNormalization, UnitNormalization and Dot beyond the model files (Data/make_norm_dot_edges.py,
/// float64 NumPy checked against real PyTorch 1.13): one group per channel (F.instance_norm) and one group for all
/// (F.layer_norm over every non-batch axis), Dot of rank-3 inputs along mixed axis pairs (einsum, x's other axes then
/// y's), and UnitNormalization over two axes that are not adjacent ([1, 3] of a rank-4 input).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class NormDotEdgeTests(ITensorEngine engine)
{
    private const string Golden = "norm_dot_edges_golden.npz";

    private static NpyArray Npz(string key) => TestData.Npz(Golden, key);

    private static KerasWeight Weight(string name, string key) => new(name, Npz(key).Shape.Select(s => (long)s).ToArray(), (float[])Npz(key).Data);

    private static double[] Predict(IKerasNetwork network, params string[] inputs) =>
        network.Predict(inputs.Select(k => new KerasInput((float[])Npz(k).Data, Npz(k).Shape.Select(s => (long)s).ToArray())).ToArray())[0].Values;

    [TestCase("gn_c", "[null, 5, 4]", 4, 0.1, TestName = "{m}(groups == channels)")]
    [TestCase("gn_1", "[null, 3, 2, 4]", 1, 0.3, TestName = "{m}(one group)")]
    public void GroupNormalization(string stem, string shape, int groups, double epsilon)
    {
        using IKerasNetwork network = SingleLayerNetworks.Build(engine, shape,
            $$$"""{"class_name": "GroupNormalization", "name": "x", "config": {"name": "x", "groups": {{{groups}}}, "epsilon": {{{epsilon}}}}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
            Weight("x/gamma:0", $"{stem}_gamma"), Weight("x/beta:0", $"{stem}_beta"));
        Close.Assert(Predict(network, $"{stem}_x"), TestData.Doubles(Npz($"{stem}_y")), $"{engine.Name} {stem}");
    }

    [TestCase("[1, 2]", "dot_12", new long[] { 2, 4, 4 })]
    [TestCase("[2, 1]", "dot_21", new long[] { 2, 3, 3 })]
    [TestCase("[-1, -2]", "dot_m1m2", new long[] { 2, 3, 3 })]
    public void DotOfRankThreeInputs(string axes, string golden, long[] shape)
    {
        string json = $$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 3, 4]}, "inbound_nodes": []},
              {"class_name": "InputLayer", "name": "y", "config": {"name": "y", "batch_input_shape": [null, 4, 3]}, "inbound_nodes": []},
              {"class_name": "Dot", "name": "dot", "config": {"name": "dot", "axes": {{{axes}}}}, "inbound_nodes": [[["x", 0, 0, {}], ["y", 0, 0, {}]]]}],
              "input_layers": [["x", 0, 0], ["y", 0, 0]], "output_layers": [["dot", 0, 0]]}}
            """;
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json, "3.6.0"), [], keras3Layout: false), engine);
        KerasPrediction p = network.Predict([Input("dot_x"), Input("dot_y")])[0];
        Assert.That(p.Shape, Is.EqualTo(shape), "x's other axis, then y's");
        Close.Assert(p.Values, TestData.Doubles(Npz(golden)), $"{engine.Name} Dot axes {axes}");
    }

    [Test]
    public void DotOfAnInputWithItselfAlongItsSteps()
    {
        using IKerasNetwork network = SingleLayerNetworks.Build(engine, "[null, 3, 4]",
            """{"class_name": "Dot", "name": "x", "config": {"name": "x", "axes": 1}, "inbound_nodes": [[["in", 0, 0, {}], ["in", 0, 0, {}]]]}""");
        Close.Assert(Predict(network, "dot_x"), TestData.Doubles(Npz("dot_11")), $"{engine.Name} Dot axes 1 of x with x");
    }

    [Test]
    public void UnitNormalizationOverTwoAxesApart()
    {
        using IKerasNetwork network = SingleLayerNetworks.Build(engine, "[null, 3, 2, 4]",
            """{"class_name": "UnitNormalization", "name": "x", "config": {"name": "x", "axis": [1, 3]}, "inbound_nodes": [[["in", 0, 0, {}]]]}""");
        Close.Assert(Predict(network, "un_13_x"), TestData.Doubles(Npz("un_13_y")), $"{engine.Name} UnitNormalization [1, 3]");
    }

    private static KerasInput Input(string key) => new((float[])Npz(key).Data, Npz(key).Shape.Select(s => (long)s).ToArray());
}
