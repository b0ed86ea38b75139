namespace CrossBackend.Keras.Tests;

/// <summary>
/// Shared layers — one layer called several times, each call a node of its own with the layer's one set of weights
/// (Data/make_shared_models.py; the references checked against real PyTorch 1.13): a siamese model whose Embedding
/// (mask_zero), Dense and masked GlobalAveragePooling1D each run on two token inputs (each call with its own mask), an
/// output made by a second call; and a(b(a(x))), whose second call of `a` reads a layer listed after `a`.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class SharedLayerTests(ITensorEngine engine)
{
    [TestCase("siamese", "siamese.keras")]
    [TestCase("siamese", "siamese_k2.h5")]
    [TestCase("cycle", "cycle.keras")]
    [TestCase("cycle", "cycle_k2.h5")]
    public void OutputsMatchTheFloat64Golden(string stem, string file) =>
        MultiGoldenModels.AssertFile(engine, file, $"{stem}_golden.npz");
}

/// <summary>How shared layers are read: a node per call, named <c>&lt;layer&gt;/call_&lt;k&gt;</c> after the first, every call
/// with the layer's weights, references by node index, and what is refused.</summary>
public sealed class SharedLayerReadingTests
{
    [TestCase("siamese.keras")]
    [TestCase("siamese_k2.h5")]
    public void EachCallIsANodeReadingItsOwnTensorsWithTheLayersWeights(string file)
    {
        KerasGraph g = KerasModel.Load(TestData.Path(file)).Graph;
        Assert.That(g.Layers.Select(l => l.Name), Is.EqualTo(new[]
        {
            "ta", "tb", "emb", "emb/call_1", "enc", "enc/call_1", "pool", "pool/call_1", "diff", "head",
        }));
        Assert.That(g["emb/call_1"].Inbound, Is.EqualTo(new[] { "tb" }));
        Assert.That(g["enc/call_1"].Inbound, Is.EqualTo(new[] { "emb/call_1" }), "[\"emb\", 1, 0] is the second call");
        Assert.That(g["diff"].Inbound, Is.EqualTo(new[] { "pool", "pool/call_1" }));
        Assert.That(g.Outputs, Is.EqualTo(new[] { "head", "pool/call_1" }));
        Assert.That(g["enc/call_1"].Weights, Is.SameAs(g["enc"].Weights), "one set of weights");
        Assert.That(g["emb/call_1"].Weights, Is.SameAs(g["emb"].Weights));
        Assert.That(g["emb/call_1"].OutputMasked, Is.True, "each call makes its own mask");
    }

    /// <summary>In a(b(a(x))) the config lists `a` (at the depth of its deepest call) before `b`, which its second
    /// call reads: the calls are ordered by what they read.</summary>
    [TestCase("cycle.keras")]
    [TestCase("cycle_k2.h5")]
    public void ASecondCallReadingALaterLayerIsOrderedAfterIt(string file)
    {
        KerasGraph g = KerasModel.Load(TestData.Path(file)).Graph;
        Assert.That(g.Layers.Select(l => l.Name), Is.EqualTo(new[] { "x", "a", "b", "a/call_1" }));
        Assert.That(g["a/call_1"].Inbound, Is.EqualTo(new[] { "b" }));
        Assert.That(g.Outputs, Is.EqualTo(new[] { "a/call_1" }));
    }

    /// <summary>A layer shared inside a nested model: its calls are <c>tower/d</c> and <c>tower/d/call_1</c>, and the
    /// tf.keras 2 group of the nested model lists its variables once (the layer is one object in the model's layers).</summary>
    [Test]
    public void ALayerSharedInsideANestedModelTakesItsWeightsOnce()
    {
        const string json = """
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
              {"class_name": "Functional", "name": "tower", "inbound_nodes": [[["in", 0, 0, {}]]], "config": {"name": "tower", "layers": [
                {"class_name": "InputLayer", "name": "a", "config": {"name": "a", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
                {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 3}, "inbound_nodes": [[["a", 0, 0, {}]], [["d", 0, 0, {}]]]}],
                "input_layers": [["a", 0, 0]], "output_layers": [["d", 1, 0]]}}],
              "input_layers": [["in", 0, 0]], "output_layers": [["tower", 1, 0]]}}
            """;
        KerasGraph g = KerasGraph.FromJson(json);
        Assert.That(g.Layers.Select(l => l.Name), Is.EqualTo(new[] { "in", "tower/d", "tower/d/call_1" }));
        Assert.That(g["tower/d/call_1"].Inbound, Is.EqualTo(new[] { "tower/d" }));
        Assert.That(g.Outputs, Is.EqualTo(new[] { "tower/d/call_1" }));
        KerasWeightGroup group = new("tower", [new KerasWeight("d/kernel:0", [3, 3], new float[9]), new KerasWeight("d/bias:0", [3], new float[] { 1, 2, 3 })]);
        KerasModel model = KerasModel.FromWeights(g, [group], keras3Layout: false);
        Assert.That(model.Graph["tower/d/call_1"].Weights, Is.SameAs(model.Graph["tower/d"].Weights));
        Assert.That(model.Graph["tower/d"].Weights[1].Data, Is.EqualTo(new float[] { 1, 2, 3 }));
    }

    /// <summary>Keras lists a layer at the depth of its deepest call (keras/src/ops/function.py <c>map_graph</c>, tf.keras 2
    /// <c>_map_graph_network</c>): for <c>a = s(l(x)); b = s(x); out = Add()([n(mm(b)), a])</c> it writes
    /// <c>[x, s, mm, l, n, add]</c>, though s's first call reads l and so runs after it. Keras 3's groups are numbered per
    /// class in that order (s `dense`, mm `dense_1`, l `dense_2`, n `dense_3`) and tf.keras 2's <c>layer_names</c> list
    /// it: each layer takes its own group, not the one of its place in the run order (all four kernels are (3, 3)).</summary>
    [TestCase(true)]
    [TestCase(false)]
    public void GroupsFollowTheConfigsOrderWhereASharedLayerRunsLater(bool keras3)
    {
        const string json = """
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
              {"class_name": "Dense", "name": "s", "config": {"name": "s", "units": 3}, "inbound_nodes": [[["l", 0, 0, {}]], [["x", 0, 0, {}]]]},
              {"class_name": "Dense", "name": "mm", "config": {"name": "mm", "units": 3}, "inbound_nodes": [[["s", 1, 0, {}]]]},
              {"class_name": "Dense", "name": "l", "config": {"name": "l", "units": 3}, "inbound_nodes": [[["x", 0, 0, {}]]]},
              {"class_name": "Dense", "name": "n", "config": {"name": "n", "units": 3}, "inbound_nodes": [[["mm", 0, 0, {}]]]},
              {"class_name": "Add", "name": "add", "config": {"name": "add"}, "inbound_nodes": [[["n", 0, 0, {}], ["s", 0, 0, {}]]]}],
              "input_layers": [["x", 0, 0]], "output_layers": [["add", 0, 0]]}}
            """;
        KerasGraph g = KerasGraph.FromJson(json);
        Assert.That(g.Layers.Select(l => l.Name), Is.EqualTo(new[] { "x", "s/call_1", "mm", "l", "s", "n", "add" }), "the run order");
        string[] layers = ["s", "mm", "l", "n"];
        KerasWeightGroup[] groups = layers.Select((name, i) => new KerasWeightGroup(keras3 ? (i == 0 ? "layers/dense" : $"layers/dense_{i}") : name,
            [new KerasWeight(keras3 ? "0" : $"{name}/kernel:0", [3, 3], new float[9]), new KerasWeight(keras3 ? "1" : $"{name}/bias:0", [3], new float[] { i, i, i })])).ToArray();
        KerasModel model = KerasModel.FromWeights(g, groups, keras3, keras3 ? KerasWeightMatching.ByName : KerasWeightMatching.ByOrder);
        Assert.That(layers.Select(l => model.Graph[l].Weights[1].ToSingleArray()[0]), Is.EqualTo(new float[] { 0, 1, 2, 3 }), keras3 ? "Keras 3 names" : "tf.keras 2 by order");
        Assert.That(model.Graph["s/call_1"].Weights, Is.SameAs(model.Graph["s"].Weights));
    }

    private static string Model(string layers, string outputs) => $$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
          {"class_name": "InputLayer", "name": "in2", "config": {"name": "in2", "batch_input_shape": [null, 4]}, "inbound_nodes": []},
          {{{layers}}}],
          "input_layers": [["in", 0, 0], ["in2", 0, 0]], "output_layers": {{{outputs}}}}}
        """;

    [Test]
    public void AReferenceToACallTheLayerDoesNotHaveIsRefusedNamingIt()
    {
        string json = Model("""{"class_name": "Dense", "name": "x", "config": {"name": "x", "units": 2}, "inbound_nodes": [[["in", 0, 0, {}]], [["in", 0, 0, {}]]]}""",
            "[[\"x\", 2, 0]]");
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(json));
        Assert.That(e!.Message, Does.Contain("reads node 2 of shared layer `x`, which is called 2 times"));
    }

    /// <summary>Keras builds a layer's weights once, for its first call; a later call on a wider input cannot use
    /// them (Keras itself raises at that call): refused naming the layer, the call and both shapes.</summary>
    [Test]
    public void ACallWhoseInputDoesNotFitTheLayersWeightsIsRefused()
    {
        string json = Model("""{"class_name": "Dense", "name": "x", "config": {"name": "x", "units": 2}, "inbound_nodes": [[["in", 0, 0, {}]], [["in2", 0, 0, {}]]]}""",
            "[[\"x\", 0, 0], [\"x\", 1, 0]]");
        KerasGraph g = KerasGraph.FromJson(json);
        KerasWeightGroup group = new("x", [new KerasWeight("x/kernel:0", [3, 2], new float[6]), new KerasWeight("x/bias:0", [2], new float[2])]);
        var e = Assert.Throws<InvalidDataException>(() => KerasModel.FromWeights(g, [group], keras3Layout: false));
        Assert.That(e!.Message, Does.Contain("layer `x` is shared, and its call `x/call_1` needs weight kernel of shape (4, 2)").And.Contain("(3, 2)"));
    }
}
