namespace CrossBackend.Keras.Tests;

/// <summary>
/// Models used as layers of other models (Data/make_nested_models.py; the references checked against real PyTorch
/// 1.13): the transfer-learning shape (a Sequential conv base called with training=False, then pooling and a head),
/// a functional model of two inputs and two outputs holding a Sequential, a Sequential inside a Sequential, and a mask
/// entering and leaving a nested model. Inner layer names repeat outer ones (`dense` in both).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class NestedModelTests(ITensorEngine engine)
{
    [TestCase("nested", "nested.keras")]
    [TestCase("nested", "nested_k2.h5")]
    [TestCase("nested", "nested_trainable_k2.h5")]
    [TestCase("nested_multi", "nested_multi.keras")]
    [TestCase("nested_multi", "nested_multi_k2.h5")]
    [TestCase("nested_seq", "nested_seq.keras")]
    [TestCase("nested_seq", "nested_seq_k2.h5")]
    [TestCase("nested_mask", "nested_mask.keras")]
    [TestCase("nested_mask", "nested_mask_k2.h5")]
    [TestCase("nested_shared", "nested_shared.keras")]
    [TestCase("nested_shared", "nested_shared_k2.h5")]
    public void OutputsMatchTheFloat64Golden(string stem, string file) =>
        MultiGoldenModels.AssertFile(engine, file, $"{stem}_golden.npz");

    /// <summary>The tf.keras 2 group of a nested model loaded by order into the architecture read from its config
    /// (Keras's <c>load_weights(by_name=False)</c>: the nested model is one layer with weights) gives the golden too.</summary>
    [Test]
    public void ATfKeras2FileMatchedByOrderGivesTheGolden()
    {
        KerasGraph architecture = KerasGraph.FromJson(KerasFile.Open(TestData.Path("nested_trainable_k2.h5")).ConfigJson!);
        KerasModel model = KerasModel.Load(TestData.Path("nested_trainable_k2.h5"), architecture, KerasWeightMatching.ByOrder);
        KerasModel byName = KerasModel.Load(TestData.Path("nested_trainable_k2.h5"));
        foreach (KerasLayer layer in byName.Graph.Layers)
            Assert.That(model.Graph[layer.Name].Weights.Select(w => w.Data), Is.EqualTo(layer.Weights.Select(w => w.Data)), layer.Name);
        using IKerasNetwork network = KerasRuntimes.Build(model, engine);
        var x = TestData.Npz("nested_golden.npz", "input_0");
        Close.Assert(network.Predict(x.Data, x.Shape).Values, TestData.Doubles(TestData.Npz("nested_golden.npz", "output_0")), $"{engine.Name} by order");
    }
}

/// <summary>How nested models are read: inlined as <c>&lt;model&gt;/&lt;layer&gt;</c>, each inner layer given its
/// weights from the file's per-model layout, and what is refused.</summary>
public sealed class NestedModelReadingTests
{
    [TestCase("nested.keras")]
    [TestCase("nested_k2.h5")]
    public void InnerLayersAreInlinedUnderTheNestedModelsName(string file)
    {
        KerasGraph g = KerasModel.Load(TestData.Path(file)).Graph;
        Assert.That(g.Layers.Select(l => l.Name), Is.EqualTo(new[]
        {
            "input_1", "base/conv2d", "base/batch_normalization", "base/conv2d_1", "base/dense", "global_average_pooling2d", "dropout", "dense",
        }));
        Assert.That(g["base/conv2d"].Inbound, Is.EqualTo(new[] { "input_1" }), "the nested model's input is the call's tensor");
        Assert.That(g["global_average_pooling2d"].Inbound, Is.EqualTo(new[] { "base/dense" }), "a reference to the model is to its output");
        Assert.That(g["base/dense"].Weights[0].Shape, Is.EqualTo(new long[] { 6, 5 }), "the inner `dense`");
        Assert.That(g["dense"].Weights[0].Shape, Is.EqualTo(new long[] { 5, 3 }), "the outer `dense`");
    }

    /// <summary>The same weights reach each layer from the Keras 3 archive (a group per inner layer,
    /// <c>layers/sequential/layers/batch_normalization</c>), the tf.keras 2 file of a frozen base (the model's group
    /// lists them layer by layer) and of a trainable one (the moving statistics after every kernel).</summary>
    [Test]
    public void EveryLayoutGivesEachInnerLayerTheSameWeights()
    {
        KerasGraph keras3 = KerasModel.Load(TestData.Path("nested.keras")).Graph;
        foreach (string file in new[] { "nested_k2.h5", "nested_trainable_k2.h5" })
        {
            KerasGraph other = KerasModel.Load(TestData.Path(file)).Graph;
            foreach (KerasLayer layer in keras3.Layers)
                Assert.That(other[layer.Name].Weights.Select(w => w.Data), Is.EqualTo(layer.Weights.Select(w => w.Data)), $"{file} {layer.Name}");
        }
        Assert.That(keras3["base/batch_normalization"].Weights, Has.Count.EqualTo(4));
    }

    [TestCase("nested_multi.keras")]
    [TestCase("nested_multi_k2.h5")]
    public void ANestedModelOfTwoInputsAndOutputsHoldingASequential(string file)
    {
        KerasGraph g = KerasModel.Load(TestData.Path(file)).Graph;
        Assert.That(g.Outputs, Is.EqualTo(new[] { "dense", "tower/out_a" }), "the outer output that is the tower's output 0");
        Assert.That(g["dense"].Inbound, Is.EqualTo(new[] { "tower/out_b" }), "tower output 1");
        Assert.That(g["tower/mlp/dense"].Inbound, Is.EqualTo(new[] { "pre" }), "the tower's first input is the call's first tensor");
        Assert.That(g["tower/ds"].Inbound, Is.EqualTo(new[] { "seq" }));
        Assert.That(g["tower/cat"].Inbound, Is.EqualTo(new[] { "tower/mlp/dense_1", "tower/gap" }));
        Assert.That(g["tower/mlp/dense"].Weights[0].Shape, Is.EqualTo(new long[] { 6, 5 }));
    }

    /// <summary>Keras 3 numbers a nested model's group by its class among the outer layers and its layers per class
    /// among its own: each layer takes the group at that path (the outer `pre` and `dense` are `layers/dense` and
    /// `layers/dense_1`, the tower's `ds`, `out_a`, `out_b` are its `dense` … `dense_2`, the mlp's one level down).</summary>
    [TestCase("pre", "layers/dense")]
    [TestCase("dense", "layers/dense_1")]
    [TestCase("tower/ds", "layers/functional/layers/dense")]
    [TestCase("tower/out_b", "layers/functional/layers/dense_2")]
    [TestCase("tower/mlp/dense_1", "layers/functional/layers/sequential/layers/dense_1")]
    public void TheKeras3GroupsOfNestedLayersAreNumberedPerModel(string layer, string group)
    {
        KerasModel model = KerasModel.Load(TestData.Path("nested_multi.keras"));
        KerasWeightGroup g = model.Source!.WeightGroups.Single(w => w.Name == group);
        Assert.That(model.Graph[layer].Weights, Is.SameAs(g.Weights).Or.EqualTo(g.Weights));
    }

    private static string Outer(string nestedEntry, string outputs = "[[\"x\", 0, 0]]", string extra = "") => $$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
          {{{nestedEntry}}}{{{extra}}}],
          "input_layers": [["in", 0, 0]], "output_layers": {{{outputs}}}}}
        """;

    private const string Inner = """
        {"name": "x", "layers": [
          {"class_name": "InputLayer", "name": "a", "config": {"name": "a", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
          {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["a", 0, 0, {}]]]}],
          "input_layers": [["a", 0, 0]], "output_layers": [["d", 0, 0]]}
        """;

    /// <summary>A nested model called twice (Keras's siamese example: one tower on two inputs) is expanded per call,
    /// <c>tower/…</c> and <c>tower/call_1/…</c>, the second using the first's weights; tf.keras 2 numbers its calls
    /// from node 1 (its own node 0 kept), Keras 3's Sequential from 0, and both files give each call the same weights.</summary>
    [TestCase("nested_shared.keras")]
    [TestCase("nested_shared_k2.h5")]
    public void ANestedModelCalledTwiceIsExpandedPerCallWithOneSetOfWeights(string file)
    {
        KerasGraph g = KerasModel.Load(TestData.Path(file)).Graph;
        Assert.That(g.Layers.Select(l => l.Name), Is.EqualTo(new[]
        {
            "a", "b", "tower/dense", "tower/batch_normalization", "tower/dense_1",
            "tower/call_1/dense", "tower/call_1/batch_normalization", "tower/call_1/dense_1", "diff", "dense",
        }));
        Assert.That(g["tower/call_1/dense"].Inbound, Is.EqualTo(new[] { "b" }));
        Assert.That(g["diff"].Inbound, Is.EqualTo(new[] { "tower/dense_1", "tower/call_1/dense_1" }));
        Assert.That(g.Outputs, Is.EqualTo(new[] { "dense", "tower/call_1/dense_1" }));
        Assert.That(g["tower/call_1/batch_normalization"].Weights, Is.SameAs(g["tower/batch_normalization"].Weights));
        Assert.That(g["tower/batch_normalization"].Weights.Select(w => w.Shape[0]), Is.EqualTo(new long[] { 5, 5, 5, 5 }));
    }

    [Test]
    public void AReferenceToACallANestedModelDoesNotHaveIsRefused()
    {
        string json = Outer($$"""{"class_name": "Functional", "name": "x", "config": {{Inner}}, "inbound_nodes": [[["in", 0, 0, {}]], [["in", 0, 0, {}]]]}""",
            "[[\"x\", 3, 0]]");
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(json));
        Assert.That(e!.Message, Does.Contain("reads node 3 of shared layer `x`, which is called 2 times (nodes 1 to 2"));
    }

    [Test]
    public void ACallWithTheWrongNumberOfTensorsIsRefusedNamingTheModel()
    {
        string json = Outer($$"""{"class_name": "Functional", "name": "x", "config": {{Inner}}, "inbound_nodes": [[["in", 0, 0, {}], ["in", 0, 0, {}]]]}""");
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(json));
        Assert.That(e!.Message, Does.Contain("nested model `x` takes 1 input(s) (`a`), but its call passes 2"));
    }

    [Test]
    public void AReferenceToAMissingOutputOfANestedModelIsRefused()
    {
        string json = Outer($$"""{"class_name": "Functional", "name": "x", "config": {{Inner}}, "inbound_nodes": [[["in", 0, 0, {}]]]}""", "[[\"x\", 1, 1]]");
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(json));
        Assert.That(e!.Message, Does.Contain("output 1 of nested model `x`, which has 1"));
    }

    [Test]
    public void ANestedModelOfTwoOutputsInsideASequentialIsRefusedNamingIt()
    {
        string twoOutputs = Inner.Replace("\"output_layers\": [[\"d\", 0, 0]]", "\"output_layers\": [[\"d\", 0, 0], [\"a\", 0, 0]]");
        string json = $$$"""
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 3]}},
              {"class_name": "Functional", "config": {{{twoOutputs}}}},
              {"class_name": "Dense", "config": {"name": "d", "units": 2}}]}}
            """;
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json));
        Assert.That(e!.Message, Does.Contain("nested model `x` has 2 outputs inside Sequential model `s`"));
    }

    /// <summary>A nested Sequential built only when the outer model called it (no InputLayer, no input shape in its
    /// config, as tf.keras 2 writes one made without an input shape) takes its shapes from the call.</summary>
    [Test]
    public void ANestedSequentialWithoutAnInputShapeTakesTheCallsShape()
    {
        string json = Outer("""
            {"class_name": "Sequential", "name": "x", "inbound_nodes": [[["in", 0, 0, {}]]], "config": {"name": "x", "layers": [
              {"class_name": "Dense", "config": {"name": "d", "units": 4}}, {"class_name": "Dense", "config": {"name": "e", "units": 2}}]}}
            """);
        KerasGraph g = KerasGraph.FromJson(json);
        Assert.That(g.Layers.Select(l => l.Name), Is.EqualTo(new[] { "in", "x/d", "x/e" }));
        Assert.That(g["x/d"].InputShapes[0], Is.EqualTo(new long[] { 3 }));
        Assert.That(g["x/e"].OutputShape, Is.EqualTo(new long[] { 2 }));
        Assert.That(g.Outputs, Is.EqualTo(new[] { "x/e" }));
    }

    /// <summary>A Sequential whose first layer is a nested model, without an InputLayer of its own, takes its input
    /// shape from the nested model's input.</summary>
    [Test]
    public void ASequentialStartingWithANestedModelTakesItsInputShape()
    {
        string json = $$$"""
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "Functional", "config": {{{Inner}}}},
              {"class_name": "Dense", "config": {"name": "d", "units": 1}}]}}
            """;
        KerasGraph g = KerasGraph.FromJson(json);
        Assert.That(g.Layers.Select(l => l.Name), Is.EqualTo(new[] { "x_input", "x/d", "d" }));
        Assert.That(g["x/d"].InputShapes[0], Is.EqualTo(new long[] { 3 }));
        Assert.That(g["d"].Inbound, Is.EqualTo(new[] { "x/d" }), "the inner `d` and the outer `d` stay apart");
    }

    /// <summary>A frozen nested model (its config records <c>trainable: false</c>) whose later layer was made trainable
    /// again: tf.keras 2's Model.non_trainable_weights lists "all trainable vars, then all non-trainable vars" of its
    /// layers, so the BatchNormalization's γ and β come before the frozen Dense's kernel.</summary>
    [Test]
    public void AFrozenNestedModelListsItsLayersTrainableVariablesFirst()
    {
        string json = Outer("""
            {"class_name": "Sequential", "name": "x", "inbound_nodes": [[["in", 0, 0, {}]]], "config": {"name": "x", "trainable": false, "layers": [
              {"class_name": "Dense", "config": {"name": "d", "units": 4, "trainable": false}},
              {"class_name": "BatchNormalization", "config": {"name": "bn", "axis": -1, "trainable": true}}]}}
            """);
        KerasGraph g = KerasGraph.FromJson(json);
        var e = Assert.Throws<InvalidDataException>(() => KerasModel.FromWeights(g, [new KerasWeightGroup("x", [])], keras3Layout: false));
        Assert.That(e!.Message, Does.Contain(
            "nested model `x` (Sequential) expects 6 weights (x/bn/gamma, x/bn/beta, x/d/kernel, x/d/bias, x/bn/moving_mean, x/bn/moving_variance)"));
    }

    /// <summary>tf.keras 2's order for a trainable nested model holding a frozen BatchNormalization (the fine-tuning
    /// pattern) and for a frozen Sequential nested in a trainable one: Model.trainable_weights walks the layers' trainable
    /// variables (a frozen layer or model has none), then non_trainable_weights their non-trainable ones (a frozen layer
    /// or model lists all its own, trainable first) — keras/engine/training.py Model, base_layer.py Layer.</summary>
    [TestCase("""
        {"class_name": "Dense", "config": {"name": "d", "units": 4}},
        {"class_name": "BatchNormalization", "config": {"name": "bn", "axis": -1, "trainable": false}},
        {"class_name": "Dense", "config": {"name": "e", "units": 2}}
        """, "x/d/kernel, x/d/bias, x/e/kernel, x/e/bias, x/bn/gamma, x/bn/beta, x/bn/moving_mean, x/bn/moving_variance")]
    [TestCase("""
        {"class_name": "Dense", "config": {"name": "a", "units": 4}},
        {"class_name": "Sequential", "config": {"name": "y", "trainable": false, "layers": [
          {"class_name": "Dense", "config": {"name": "b", "units": 4, "trainable": false}},
          {"class_name": "BatchNormalization", "config": {"name": "c", "axis": -1, "trainable": false}}]}},
        {"class_name": "Dense", "config": {"name": "d", "units": 2}}
        """, "x/a/kernel, x/a/bias, x/d/kernel, x/d/bias, x/y/b/kernel, x/y/b/bias, x/y/c/gamma, x/y/c/beta, x/y/c/moving_mean, x/y/c/moving_variance")]
    public void ATrainableNestedModelListsFrozenLayersWithTheNonTrainableVariables(string layers, string expected)
    {
        string json = Outer($$$"""
            {"class_name": "Sequential", "name": "x", "inbound_nodes": [[["in", 0, 0, {}]]], "config": {"name": "x", "layers": [{{{layers}}}]}}
            """);
        KerasGraph g = KerasGraph.FromJson(json);
        var e = Assert.Throws<InvalidDataException>(() => KerasModel.FromWeights(g, [new KerasWeightGroup("x", [])], keras3Layout: false));
        Assert.That(e!.Message, Does.Contain($"nested model `x` (Sequential) expects {expected.Split(", ").Length} weights ({expected})"));
    }

    /// <summary>A Keras 3 nested Sequential whose config has no InputLayer (only <c>build_input_shape</c>): its layers take
    /// the groups saving_lib gives them below the model, <c>layers/sequential/layers/dense[_1]</c> (Sequential.layers
    /// leaves an InputLayer out either way), the outer Dense its own <c>layers/dense</c>.</summary>
    [Test]
    public void AKeras3NestedSequentialWithoutAnInputLayerTakesItsGroups()
    {
        const string json = """
            {"module": "keras", "class_name": "Functional", "registered_name": "Functional", "config": {"name": "m", "trainable": true, "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "in", "config": {"name": "in", "batch_shape": [null, 3]}, "inbound_nodes": []},
              {"module": "keras", "class_name": "Sequential", "registered_name": null, "name": "s", "config": {"name": "s", "trainable": true, "build_input_shape": [null, 3], "layers": [
                {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "config": {"name": "d", "units": 3}},
                {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "config": {"name": "e", "units": 2}}]},
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["in", 0, 0]}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "name": "d", "config": {"name": "d", "units": 1},
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 2], "dtype": "float32", "keras_history": ["s", 0, 0]}}], "kwargs": {}}]}],
              "input_layers": ["in", 0, 0], "output_layers": ["d", 0, 0]}}
            """;
        KerasGraph g = KerasGraph.FromJson(json);
        Assert.That(g.Layers.Select(l => l.Name), Is.EqualTo(new[] { "in", "s/d", "s/e", "d" }));
        KerasWeightGroup Group(string name, long rows, long columns, float bias) =>
            new(name, [new KerasWeight("0", [rows, columns], new float[rows * columns]), new KerasWeight("1", [columns], Enumerable.Repeat(bias, (int)columns).ToArray())]);
        KerasModel model = KerasModel.FromWeights(g, [Group("layers/sequential/layers/dense", 3, 3, 1), Group("layers/sequential/layers/dense_1", 3, 2, 2),
            Group("layers/dense", 2, 1, 3)], keras3Layout: true);
        Assert.That(new[] { "s/d", "s/e", "d" }.Select(n => model.Graph[n].Weights[1].ToSingleArray()[0]), Is.EqualTo(new float[] { 1, 2, 3 }));
    }

    /// <summary>A nested model called with training=True (tf.keras 2's keyword on the reference, Keras 3's node kwargs):
    /// Keras's predict would run its BatchNormalization on the batch's statistics, so it is refused naming the model;
    /// training=False (the transfer-learning call) is read as before.</summary>
    [TestCase("""[[["in", 0, 0, {"training": true}]]]""")]
    [TestCase("""[{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["in", 0, 0]}}], "kwargs": {"training": true}}]""")]
    public void ANestedModelCalledWithTrainingTrueIsRefused(string inbound)
    {
        string entry = $$$"""{"class_name": "Functional", "name": "x", "config": {{{Inner}}}, "inbound_nodes": {{{inbound}}}}""";
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Outer(entry, "[[\"x\", 1, 0]]")));
        Assert.That(e!.Message, Does.StartWith("layer `x` (Functional) is called with training=True").And.Contain("call it without training=True"));
        KerasGraph g = KerasGraph.FromJson(Outer(entry.Replace("\"training\": true", "\"training\": false"), "[[\"x\", 1, 0]]"));
        Assert.That(g.Outputs, Is.EqualTo(new[] { "x/d" }));
    }

    /// <summary>A tf.keras 2 group of a nested model that lacks a variable is reported naming the nested model and
    /// listing what it expects, in the file's order.</summary>
    [Test]
    public void AShortTfKeras2GroupIsReportedNamingTheNestedModel()
    {
        KerasFile file = KerasFile.Open(TestData.Path("nested_trainable_k2.h5"));
        KerasGraph architecture = KerasGraph.FromJson(file.ConfigJson!);
        KerasWeightGroup[] groups = file.WeightGroups.Select(g => g.Name == "base" ? g with { Weights = g.Weights.Take(9).ToArray() } : g).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => KerasModel.FromWeights(architecture, groups, keras3Layout: false));
        Assert.That(e!.Message, Does.Contain("nested model `base` (Sequential) expects 10 weights")
            .And.Contain("base/dense/bias, base/batch_normalization/moving_mean, base/batch_normalization/moving_variance"));
    }
}
