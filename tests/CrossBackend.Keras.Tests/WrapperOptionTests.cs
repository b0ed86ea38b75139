using CrossBackend.Keras.Torch;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// How Bidirectional and TimeDistributed configs are read (tf.keras 2's nested <c>layer</c>, with or without a
/// <c>backward_layer</c>; Keras 3's serialized halves), where their weights live in each format, what `inspect` and
/// the TorchSharp module show, and what is refused naming the layer: merge_mode None, halves Keras itself rejects,
/// wrapped layers that are not supported.
/// </summary>
public sealed class WrapperOptionTests
{
    private const string Lstm = """{"class_name": "LSTM", "config": {"name": "lstm", "units": 4, "return_sequences": true}}""";

    private static KerasGraph Sequential(string className, string config, string input = "[null, 5, 3]") => KerasGraph.FromJson($$$"""
        {"class_name": "Sequential", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": {{{input}}}}},
          {"class_name": "{{{className}}}", "config": {"name": "wrapper"{{{config}}}}}]}}
        """);

    /// <summary>tf.keras 2 without backward_layer: the backward half is the wrapped layer with go_backwards flipped,
    /// named backward_lstm; merge_mode absent means concat; the weights are the forward half's, then the backward's.</summary>
    [Test]
    public void TheBackwardHalfIsTheWrappedLayerGoingBackwards()
    {
        KerasLayer layer = Sequential("Bidirectional", $", \"layer\": {Lstm}")["wrapper"];
        var spec = (BidirectionalSpec)layer.Spec;
        Assert.That(spec.Merge, Is.EqualTo(KerasBidirectionalMerge.Concat));
        Assert.That(spec.Backward, Is.EqualTo(spec.Forward with { GoBackwards = true }));
        Assert.That((spec.ForwardName, spec.BackwardName), Is.EqualTo(("forward_lstm", "backward_lstm")));
        Assert.That(layer.OutputShape, Is.EqualTo(new long[] { 5, 8 }));
        Assert.That(layer.ExpectedWeights.Select(w => (w.Name, w.Shape)), Is.EqualTo(new[]
        {
            ("forward_lstm/kernel", new long[] { 3, 16 }), ("forward_lstm/recurrent_kernel", new long[] { 4, 16 }), ("forward_lstm/bias", new long[] { 16 }),
            ("backward_lstm/kernel", new long[] { 3, 16 }), ("backward_lstm/recurrent_kernel", new long[] { 4, 16 }), ("backward_lstm/bias", new long[] { 16 }),
        }));
        Assert.That(Sequential("Bidirectional", $", \"layer\": {Lstm}, \"merge_mode\": \"sum\"")["wrapper"].OutputShape, Is.EqualTo(new long[] { 5, 4 }));
    }

    [Test]
    public void ADifferentBackwardLayerKeepsItsOwnSettings()
    {
        KerasGraph g = KerasModel.Load(TestData.Path("bidir_options_k2.h5")).Graph;
        var spec = (BidirectionalSpec)g["bidirectional"].Spec;
        Assert.That((spec.Forward.Units, spec.Forward.ResetAfter, spec.Forward.GoBackwards), Is.EqualTo((4, true, false)));
        Assert.That((spec.Backward.Units, spec.Backward.ResetAfter, spec.Backward.GoBackwards, spec.Backward.Activation.Kind),
            Is.EqualTo((2, false, true, KerasActivationKind.Softsign)));
        Assert.That(spec.BackwardName, Is.EqualTo("backward_gru_1"));
        Assert.That(g["bidirectional"].OutputShape, Is.EqualTo(new long[] { 4, 6 }));
        Assert.That(((BidirectionalSpec)KerasModel.Load(TestData.Path("bidir_options.keras")).Graph["bidirectional"].Spec).Backward, Is.EqualTo(spec.Backward));
    }

    /// <summary>Keras 3 saves each half under the attribute that holds it; tf.keras 2 lists forward then backward in weight_names.</summary>
    [Test]
    public void EachFormatKeepsTheHalvesWhereKerasPutsThem()
    {
        KerasFile k3 = KerasFile.Open(TestData.Path("bidir_options.keras"));
        Assert.That(k3.WeightGroups.Single(g => g.Name == "layers/bidirectional").Weights.Select(w => (w.Name, w.Shape)), Is.EqualTo(new[]
        {
            ("forward_layer/0", new long[] { 3, 12 }), ("forward_layer/1", new long[] { 4, 12 }), ("forward_layer/2", new long[] { 2, 12 }),
            ("backward_layer/0", new long[] { 3, 6 }), ("backward_layer/1", new long[] { 2, 6 }), ("backward_layer/2", new long[] { 6 }),
        }));
        KerasFile k2 = KerasFile.Open(TestData.Path("bidir_options_k2.h5"));
        Assert.That(k2.WeightGroups.Single(g => g.Name == "bidirectional").Weights.Select(w => w.Name).ToArray()[2..4],
            Is.EqualTo(new[] { "bidirectional/forward_gru/gru_cell/bias:0", "bidirectional/backward_gru_1/gru_cell/kernel:0" }));
        Assert.That(KerasFile.Open(TestData.Path("time_dist.keras")).WeightGroups.Single(g => g.Name == "layers/time_distributed_3").Weights.Select(w => (w.Name, w.Shape)),
            Is.EqualTo(new[] { ("layer/0", new long[] { 18, 5 }), ("layer/1", new long[] { 5 }) }));
        Assert.That(KerasFile.Open(TestData.Path("time_dist_k2.h5")).WeightGroups.Single(g => g.Name == "time_distributed").Weights.Select(w => w.Name),
            Is.EqualTo(new[] { "time_distributed/kernel:0", "time_distributed/bias:0" }));
    }

    [Test]
    public void TimeDistributedShapesItsLayerForOneStep()
    {
        KerasGraph g = KerasModel.Load(TestData.Path("time_dist.keras")).Graph;
        Assert.That(g.Layers.Skip(1).Select(l => l.OutputShape), Is.EqualTo(new[]
        {
            new long[] { 3, 6, 5, 3 }, new long[] { 3, 3, 2, 3 }, new long[] { 3, 18 }, new long[] { 3, 5 }, new long[] { 3, 2 },
        }));
        var spec = (TimeDistributedSpec)g["time_distributed"].Spec;
        Assert.That((spec.InnerClassName, spec.InnerName), Is.EqualTo(("Conv2D", "conv2d")));
        Assert.That(g["time_distributed"].ExpectedWeights.Select(w => w.Shape), Is.EqualTo(new[] { new long[] { 3, 3, 2, 3 }, new long[] { 3 } }));
    }

    /// <summary>`inspect` says what each wrapper becomes on TorchSharp, its halves or its layer described as the plain layers are.</summary>
    [Test]
    public void InspectDescribesTheWrappedLayers()
    {
        IReadOnlyDictionary<string, string> bidir = KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("bidir.keras")).Graph);
        Assert.That(bidir["bidirectional"], Does.StartWith("forward_layer (forward_lstm): LSTM step loop over (batch, time, 3)")
            .And.Contain("| backward_layer (backward_lstm): LSTM step loop").And.Contain("last step first")
            .And.EndWith("| backward sequence flipped along time, then torch.cat along the channels (forward first)"));
        Assert.That(bidir["bidirectional_2"], Does.EndWith("; last output | (y + y_rev) / 2"));
        IReadOnlyDictionary<string, string> td = KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("time_dist.keras")).Graph);
        Assert.That(td["time_distributed_3"], Is.EqualTo("time merged into the batch axis, then layer (Dense `dense`): nn.Linear(18, 5); weight (in, out) -> (out, in); tanh; " +
                                                         "then split into (batch, time) with time after the channels"));
    }

    /// <summary>On TorchSharp each wrapper is one module whose submodules carry Keras 3's attribute names.</summary>
    [Test]
    public void TheTorchModuleKeepsKerasNames()
    {
        using KerasTorchModule bidir = KerasTorch.ToModule(KerasModel.Load(TestData.Path("bidir_options.keras")));
        var shapes = bidir.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.That(shapes["bidirectional.forward_layer.kernel"], Is.EqualTo(new long[] { 3, 12 }));
        Assert.That(shapes["bidirectional.backward_layer.recurrent_kernel"], Is.EqualTo(new long[] { 2, 6 }));
        Assert.That(shapes.ContainsKey("bidirectional_1.backward_layer.bias"), Is.False, "use_bias=False");
        using KerasTorchModule td = KerasTorch.ToModule(KerasModel.Load(TestData.Path("time_dist.keras")));
        var names = td.named_parameters().Select(p => p.name).ToArray();
        Assert.That(names, Does.Contain("time_distributed.layer.conv.weight"));
        Assert.That(names, Does.Contain("time_distributed_3.layer.linear.weight"));
    }

    [TestCase(", \"layer\": " + Lstm + ", \"merge_mode\": null", "layer `wrapper` (Bidirectional) has merge_mode=None")]
    [TestCase(", \"layer\": {\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2}}", "layer `wrapper` (Bidirectional) wraps a Dense layer as its layer; only LSTM, GRU and SimpleRNN")]
    [TestCase(", \"layer\": {\"class_name\": \"LSTM\", \"config\": {\"name\": \"l\", \"units\": 2, \"stateful\": true}}", "layer `wrapper/l` (LSTM) has stateful=True")]
    [TestCase(", \"layer\": {\"class_name\": \"LSTM\", \"config\": {\"name\": \"l\", \"units\": 2, \"return_state\": true}}", "layer `wrapper` (Bidirectional) has return_state=True in a Sequential model")]
    public void BidirectionalRefusesWhatNoPredictionReproduces(string config, string says)
    {
        var e = Assert.Throws<NotSupportedException>(() => Sequential("Bidirectional", config));
        Assert.That(e!.Message, Does.StartWith(says));
    }

    /// <summary>return_state=True in a functional model: Keras 3 returns (output, states…); only output 0, the merged
    /// output, is read, as for a plain LSTM.</summary>
    [Test]
    public void ReturnStateIsReadWhereOnlyTheMergedOutputIsUsed()
    {
        KerasGraph g = KerasGraph.FromJson("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 5, 3]}, "inbound_nodes": []},
              {"class_name": "Bidirectional", "name": "bi", "config": {"name": "bi", "merge_mode": "ave",
                "layer": {"class_name": "GRU", "config": {"name": "gru", "units": 4, "return_state": true}}}, "inbound_nodes": [[["in", 0, 0, {}]]]},
              {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["bi", 0, 0, {}]]]}],
             "input_layers": [["in", 0, 0]], "output_layers": [["d", 0, 0]]}}
            """);
        Assert.That(g["bi"].OutputShape, Is.EqualTo(new long[] { 4 }));
        Assert.That(((BidirectionalSpec)g["bi"].Spec).Backward.ReturnState, Is.True);
    }

    [TestCase(", \"layer\": " + Lstm + ", \"backward_layer\": " + Lstm, "the forward and backward layers both have go_backwards=false")]
    [TestCase(", \"layer\": " + Lstm + ", \"backward_layer\": {\"class_name\": \"LSTM\", \"config\": {\"name\": \"b\", \"units\": 4, \"go_backwards\": true}}",
        "the forward and backward layers differ in return_sequences")]
    [TestCase(", \"layer\": " + Lstm + ", \"merge_mode\": \"sum\", \"backward_layer\": {\"class_name\": \"LSTM\", \"config\": {\"name\": \"b\", \"units\": 2, \"go_backwards\": true, \"return_sequences\": true}}",
        "merge_mode \"sum\" needs the forward and backward outputs to have one shape")]
    [TestCase(", \"layer\": " + Lstm + ", \"merge_mode\": \"max\"", "merge_mode \"max\" is not one of Keras's")]
    public void BidirectionalRefusesHalvesKerasRejects(string config, string says)
    {
        var e = Assert.Throws<InvalidDataException>(() => Sequential("Bidirectional", config));
        Assert.That(e!.Message, Does.StartWith("layer `wrapper` (Bidirectional)").And.Contain(says));
    }

    [TestCase("LSTM", "layer `wrapper` (TimeDistributed) wraps a LSTM layer, which is not supported inside TimeDistributed")]
    [TestCase("BatchNormalization", "layer `wrapper` (TimeDistributed) wraps a BatchNormalization layer, which is not supported inside TimeDistributed")]
    public void TimeDistributedRefusesOtherLayersByName(string inner, string says)
    {
        var e = Assert.Throws<NotSupportedException>(() => Sequential("TimeDistributed", $", \"layer\": {{\"class_name\": \"{inner}\", \"config\": {{\"name\": \"x\", \"units\": 2}}}}"));
        Assert.That(e!.Message, Does.StartWith(says));
    }

    [Test]
    public void TimeDistributedNeedsATimeAxis()
    {
        var e = Assert.Throws<InvalidDataException>(() => Sequential("TimeDistributed", ", \"layer\": {\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2}}", "[null, 3]"));
        Assert.That(e!.Message, Does.StartWith("layer `wrapper` (TimeDistributed) needs an input of (time, ...)"));
    }
}
