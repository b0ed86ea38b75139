using CrossBackend.IO;

namespace CrossBackend.Keras.Tests;

/// <summary>A model file of several inputs and outputs against its float64 NumPy golden (input_&lt;i&gt; in,
/// output_&lt;j&gt; out, in the config's order), on one engine, as <see cref="GoldenModels.AssertMatches"/> checks one.</summary>
public static class MultiGoldenModels
{
    public static KerasInput[] Inputs(string golden, int count, string prefix = "") =>
        Enumerable.Range(0, count).Select(i => TestData.Npz(golden, $"{prefix}input_{i}")).Select(a => new KerasInput(a.Data, a.Shape)).ToArray();

    /// <summary>In float32 every output within <see cref="Close"/>'s tolerance and of the golden's shape; in float64
    /// within 1e-12. The largest difference and the share of the tolerance used are printed per output. With
    /// <paramref name="architecture"/> the file's weights are loaded into that graph written in C#.</summary>
    public static void AssertFile(ITensorEngine engine, string file, string golden, string prefix = "", KerasGraph? architecture = null)
    {
        KerasModel model = architecture is null ? KerasModel.Load(TestData.Path(file)) : KerasModel.Load(TestData.Path(file), architecture);
        if (architecture is not null) file += " (C# architecture)";
        KerasInput[] inputs = Inputs(golden, model.Graph.Inputs.Count, prefix);
        NpyArray[] outputs = Enumerable.Range(0, model.Graph.Outputs.Count).Select(j => TestData.Npz(golden, $"{prefix}output_{j}")).ToArray();
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            using IKerasNetwork network = KerasRuntimes.Build(model, engine, dtype);
            IReadOnlyList<KerasPrediction> p = network.Predict(inputs);
            Assert.That(p, Has.Count.EqualTo(outputs.Length), $"{engine.Name} {file}: one result per output");
            for (int j = 0; j < outputs.Length; j++)
            {
                string what = $"{engine.Name} {file} {prefix}output_{j} (`{model.Graph.Outputs[j]}`) {dtype.Name()}";
                double[] expected = TestData.Doubles(outputs[j]);
                Assert.That(p[j].Shape, Is.EqualTo(outputs[j].Shape), what);
                TestContext.Out.WriteLine($"{what}: max |diff| {Close.MaxAbs(p[j].Values, expected):G2}, {Close.MaxViolation(p[j].Values, expected):P1} of the tolerance");
                if (dtype == DType.Float32) Close.Assert(p[j].Values, expected, what);
                else Assert.That(Close.MaxAbs(p[j].Values, expected), Is.LessThan(1e-12), what);
            }
        }
    }
}

/// <summary>
/// Functional models with several inputs and outputs (Data/make_multi_io_models.py; the reference checked against
/// real PyTorch 1.13): two inputs of different ranks merged (Dense on each, GlobalAveragePooling1D, Concatenate,
/// Dense) into three heads of ranks 2 and 3; and cross-attention whose query and value are separate inputs with
/// their own step counts (MultiHeadAttention called by keyword, Attention). Both list their inputs and outputs in an
/// order other than their layers', so a port taking the layers' order would feed and return them swapped.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class MultiInputModelTests(ITensorEngine engine)
{
    [TestCase("two_inputs", "")]
    [TestCase("cross_inputs", "")]
    [TestCase("cross_inputs", "short_")]
    public void OutputsMatchTheFloat64GoldenInBothFormats(string stem, string prefix)
    {
        foreach (string file in new[] { $"{stem}.keras", $"{stem}_k2.h5" })
            MultiGoldenModels.AssertFile(engine, file, $"{stem}_golden.npz", prefix);
    }

    /// <summary>The config lists the inputs [seq, feat] and outputs [head_b, per_step, head_a]; its layers list feat
    /// first and head_a before head_b. Results come in the config's order: a (3, 2) linear head, the (3, 4, 2)
    /// per-step head, then the softmax head whose rows sum to 1.</summary>
    [TestCase("two_inputs.keras")]
    [TestCase("two_inputs_k2.h5")]
    public void InputsAndOutputsFollowTheConfigsOrder(string file)
    {
        KerasModel model = KerasModel.Load(TestData.Path(file));
        Assert.That(model.Graph.Inputs, Is.EqualTo(new[] { "seq", "feat" }));
        Assert.That(model.Graph.Outputs, Is.EqualTo(new[] { "head_b", "per_step", "head_a" }));
        Assert.That(model.Graph.Layers.Select(l => l.Name).Take(2), Is.EqualTo(new[] { "feat", "seq" }), "the layers' own order differs");
        using IKerasNetwork network = KerasRuntimes.Build(model, engine);
        IReadOnlyList<KerasPrediction> p = network.Predict(MultiGoldenModels.Inputs("two_inputs_golden.npz", 2));
        Assert.That(p.Select(o => o.Shape), Is.EqualTo(new[] { new long[] { 3, 2 }, [3, 4, 2], [3, 3] }));
        for (int row = 0; row < 3; row++) Assert.That(p[2].Values.Skip(3 * row).Take(3).Sum(), Is.EqualTo(1).Within(1e-6));
    }

    [Test]
    public void AWrongNumberOfInputsIsRefusedListingTheInputsInOrder()
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("two_inputs.keras")), engine);
        KerasInput[] inputs = MultiGoldenModels.Inputs("two_inputs_golden.npz", 2);
        var e = Assert.Throws<ArgumentException>(() => network.Predict([inputs[0]]));
        Assert.That(e!.Message, Does.Contain("must hold 2 tensors for model `two_inputs`").And.Contain("`seq`, `feat`").And.Contain("Received: 1"));
        e = Assert.Throws<ArgumentException>(() => network.Forward([new object(), new object(), new object()]));
        Assert.That(e!.Message, Does.Contain("must hold 2 tensors").And.Contain("Received: 3"));
    }

    /// <summary>Something other than the engine's tensor, given for one of several inputs, is refused naming that
    /// input on every engine (the channels-last runtime's message named no input).</summary>
    [Test]
    public void ANonTensorInputIsRefusedNamingTheInput()
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("two_inputs.keras")), engine);
        object seq = engine.FromArray(new float[3 * 4 * 3], engine.ClassAxis == 1 ? [3, 3, 4] : [3, 4, 3]);
        try
        {
            var e = Assert.Throws<ArgumentException>(() => network.Forward([seq, new object()]));
            Assert.That(e!.Message, Does.Contain("input `feat`").And.Contain("Received: a Object"));
        }
        finally { (seq as IDisposable)?.Dispose(); }
    }

    /// <summary>An input of the wrong shape, or the two inputs swapped, is refused naming the input and both shapes —
    /// in Keras's layout through Predict, in the engine's own through Forward.</summary>
    [Test]
    public void AnInputOfTheWrongShapeIsRefusedNamingItAndBothShapes()
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("two_inputs_k2.h5")), engine);
        KerasInput[] inputs = MultiGoldenModels.Inputs("two_inputs_golden.npz", 2);
        var e = Assert.Throws<ArgumentException>(() => network.Predict([inputs[0], new KerasInput(new float[15], [3, 5])]));
        Assert.That(e!.Message, Does.Contain("input `feat`").And.Contain("(None, 6)").And.Contain("(3, 5)"));
        e = Assert.Throws<ArgumentException>(() => network.Predict([inputs[1], inputs[0]]));
        Assert.That(e!.Message, Does.Contain("input `seq`").And.Contain("(None, 4, 3)").And.Contain("(3, 6)"));
        // The sequence in the engine's own layout (channels first on a channels-first engine), the features too short.
        object seq = engine.FromArray(new float[3 * 4 * 3], engine.ClassAxis == 1 ? [3, 3, 4] : [3, 4, 3]), feat = engine.FromArray(new float[3 * 5], [3, 5]);
        try
        {
            e = Assert.Throws<ArgumentException>(() => network.Forward([seq, feat]));
            Assert.That(e!.Message, Does.Contain("input `feat`").And.Contain("(None, 6)").And.Contain("(3, 5)"));
        }
        finally
        {
            (seq as IDisposable)?.Dispose();
            (feat as IDisposable)?.Dispose();
        }
    }

    /// <summary>A <see cref="KerasInput"/> built with a null array or shape (a caller without nullable analysis) is an
    /// ArgumentNullException naming that member of that input, where the list call threw a NullReferenceException.</summary>
    [Test]
    public void AKerasInputWithANullMemberIsRefusedNamingIt()
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("two_inputs_k2.h5")), engine);
        KerasInput[] inputs = MultiGoldenModels.Inputs("two_inputs_golden.npz", 2);
        var e = Assert.Throws<ArgumentNullException>(() => network.Predict([inputs[0], new KerasInput(null!, inputs[1].Shape)]));
        Assert.That(e!.ParamName, Is.EqualTo("inputs[1].Data"));
        e = Assert.Throws<ArgumentNullException>(() => network.Predict([new KerasInput(inputs[0].Data, null!), inputs[1]]));
        Assert.That(e!.ParamName, Is.EqualTo("inputs[0].Shape"));
    }

    /// <summary>The one-tensor calls cannot feed two inputs or return three outputs: they say so and name the list form.</summary>
    [Test]
    public void TheOneTensorCallsRefuseAModelOfSeveralInputs()
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("two_inputs.keras")), engine);
        NpyArray seq = TestData.Npz("two_inputs_golden.npz", "input_0");
        var e = Assert.Throws<ArgumentException>(() => network.Predict(seq.Data, seq.Shape));
        Assert.That(e!.Message, Does.Contain("has 2 inputs (`seq`, `feat`) and 3 outputs (`head_b`, `per_step`, `head_a`)").And.Contain("Predict(IReadOnlyList<KerasInput>)"));
        Assert.That(e.ParamName, Is.EqualTo("network"), "Predict(data, shape) has no parameter `input`: the network is what takes a list");
        object x = engine.FromArray(new float[36], [3, 4, 3]);
        try { Assert.That(Assert.Throws<ArgumentException>(() => network.Forward(x))!.ParamName, Is.EqualTo("input")); }
        finally { (x as IDisposable)?.Dispose(); }
    }

    /// <summary>The list calls take a model of one input and one output too: the functional golden through them.</summary>
    [Test]
    public void AOneInputModelRunsThroughTheListCalls()
    {
        NpyArray x = TestData.Npz("functional_golden.npz", "inputs"), y = TestData.Npz("functional_golden.npz", "outputs");
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("functional.keras")), engine);
        IReadOnlyList<KerasPrediction> p = network.Predict([new KerasInput(x.Data, x.Shape)]);
        Assert.That(p, Has.Count.EqualTo(1));
        Assert.That(p[0].Shape, Is.EqualTo(y.Shape));
        Close.Assert(p[0].Values, TestData.Doubles(y), $"{engine.Name} functional via the list call");
    }
}

/// <summary>How input_layers / output_layers are read: tf.keras 2's list of references (a list of one for one input),
/// Keras 3's structure (one flat triple, a list, or a dict, listed in sorted key order as Keras's tree.flatten does).</summary>
public sealed class MultiInputConfigTests
{
    private static string Model(string inputLayers, string outputLayers) => $$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in_b", "config": {"name": "in_b", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
          {"class_name": "InputLayer", "name": "in_a", "config": {"name": "in_a", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
          {"class_name": "Add", "name": "sum", "config": {"name": "sum"}, "inbound_nodes": [[["in_a", 0, 0, {}], ["in_b", 0, 0, {}]]]},
          {"class_name": "Multiply", "name": "prod", "config": {"name": "prod"}, "inbound_nodes": [[["in_a", 0, 0, {}], ["in_b", 0, 0, {}]]]}],
          "input_layers": {{{inputLayers}}}, "output_layers": {{{outputLayers}}}}}
        """;

    [TestCase("[[\"in_a\", 0, 0], [\"in_b\", 0, 0]]", "[[\"prod\", 0, 0], [\"sum\", 0, 0]]", new[] { "in_a", "in_b" }, new[] { "prod", "sum" })]
    [TestCase("[[\"in_b\", 0, 0], [\"in_a\", 0, 0]]", "[\"sum\", 0, 0]", new[] { "in_b", "in_a" }, new[] { "sum" })]
    [TestCase("{\"y\": [\"in_a\", 0, 0], \"x\": [\"in_b\", 0, 0]}", "{\"p\": [\"prod\", 0, 0], \"s\": [\"sum\", 0, 0]}", new[] { "in_b", "in_a" }, new[] { "prod", "sum" })]
    public void InputsAndOutputsAreReadInModelInputsOrder(string inputs, string outputs, string[] expectedInputs, string[] expectedOutputs)
    {
        KerasGraph g = KerasGraph.FromJson(Model(inputs, outputs), "3");
        Assert.That(g.Inputs, Is.EqualTo(expectedInputs));
        Assert.That(g.Outputs, Is.EqualTo(expectedOutputs));
    }

    [TestCase("[[\"in_a\", 0, 0], 7]", "`input_layers` holds 7")]
    [TestCase("[[\"in_a\", 0, 0], [\"in_a\", 0, 0]]", "lists an input twice")]
    public void MalformedInputListsAreRefused(string inputs, string says)
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(Model(inputs, "[\"sum\", 0, 0]"), "3"));
        Assert.That(e!.Message, Does.Contain(says));
    }

    [Test]
    public void AnOutputReferencingALayersSecondTensorIsRefused()
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Model("[[\"in_a\", 0, 0], [\"in_b\", 0, 0]]", "[[\"sum\", 0, 1]]"), "3"));
        Assert.That(e!.Message, Does.Contain("output 1 of layer `sum`"));
    }
}
