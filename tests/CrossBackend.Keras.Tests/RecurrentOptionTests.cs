namespace CrossBackend.Keras.Tests;

/// <summary>
/// How LSTM and GRU configs are read: Keras's defaults, Keras 3's variables under the layer's cell, and the options no
/// prediction can reproduce — stateful, time_major, return_state where the states would be read — refused naming
/// the layer.
/// </summary>
public sealed class RecurrentOptionTests
{
    private static KerasGraph Sequential(string className, string options, string input = "[null, null, 3]") => KerasGraph.FromJson($$$"""
        {"class_name": "Sequential", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": {{{input}}}}},
          {"class_name": "{{{className}}}", "config": {"name": "rnn", "units": 4{{{options}}}}}]}}
        """);

    [Test]
    public void DefaultsAreKerasDefaults()
    {
        var lstm = (RecurrentSpec)Sequential("LSTM", "")["rnn"].Spec;
        Assert.That(lstm, Is.EqualTo(new RecurrentSpec(KerasRecurrentKind.Lstm, 4, new KerasActivation(KerasActivationKind.Tanh),
            new KerasActivation(KerasActivationKind.Sigmoid), UseBias: true, ReturnSequences: false, GoBackwards: false, ResetAfter: false, ReturnState: false)));
        KerasGraph gru = Sequential("GRU", "");
        Assert.That(((RecurrentSpec)gru["rnn"].Spec).ResetAfter, Is.True, "reset_after defaults to True (tf.keras 2 and Keras 3)");
        Assert.That(gru["rnn"].ExpectedWeights.Select(w => (w.Name, w.Shape)),
            Is.EqualTo(new[] { ("kernel", new long[] { 3, 12 }), ("recurrent_kernel", new long[] { 4, 12 }), ("bias", new long[] { 2, 12 }) }));
        Assert.That(Sequential("GRU", """, "reset_after": false""")["rnn"].ExpectedWeights[2].Shape, Is.EqualTo(new long[] { 12 }));
        Assert.That(Sequential("LSTM", """, "use_bias": false, "return_sequences": true""")["rnn"].ExpectedWeights.Select(w => w.Shape),
            Is.EqualTo(new[] { new long[] { 3, 16 }, new long[] { 4, 16 } }));
        Assert.That(Sequential("LSTM", """, "return_sequences": true""")["rnn"].OutputShape, Is.EqualTo(new long[] { -1, 4 }));
        Assert.That(lstm.Gates, Is.EqualTo(4));
    }

    [Test]
    public void Keras3KeepsTheVariablesUnderTheCell()
    {
        KerasFile file = KerasFile.Open(TestData.Path("rnn_stack.keras"));
        Assert.That(file.WeightGroups.Single(g => g.Name == "layers/lstm").Weights.Select(w => w.Shape),
            Is.EqualTo(new[] { new long[] { 3, 16 }, new long[] { 4, 16 }, new long[] { 16 } }));
        Assert.That(file.WeightGroups.Single(g => g.Name == "layers/gru").Weights.Select(w => w.Shape),
            Is.EqualTo(new[] { new long[] { 4, 15 }, new long[] { 5, 15 }, new long[] { 2, 15 } }));
        KerasFile k2 = KerasFile.Open(TestData.Path("lstm_k2.h5"));
        Assert.That(k2.WeightGroups.Single(g => g.Name == "lstm").Weights.Select(w => w.Name),
            Is.EqualTo(new[] { "lstm/lstm_cell/kernel:0", "lstm/lstm_cell/recurrent_kernel:0", "lstm/lstm_cell/bias:0" }));
    }

    /// <summary>`inspect` says what each recurrent layer becomes on TorchSharp.</summary>
    [Test]
    public void InspectDescribesTheStepLoop()
    {
        KerasGraph g = KerasModel.Load(TestData.Path("rnn_options.keras")).Graph;
        IReadOnlyDictionary<string, string> described = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(g);
        Assert.That(described["gru"], Is.EqualTo("GRU step loop over (batch, time, 3) read from channels-first; kernel (3, 12), recurrent_kernel (4, 12) as stored, " +
            "gates z, r, h; tanh, recurrent sigmoid; reset gate before the recurrent product; last step first; sequence moved channels-first"));
        Assert.That(described["lstm"], Does.StartWith("LSTM step loop over (batch, time, 4)").And.Contain("softsign, recurrent hard_sigmoid(keras 3: x/6 + 1/2)").And.EndWith("; last output"));
        // A sequence input is (N, C, L) on TorchSharp, and a None time axis prints as Keras prints it (it said "NCHW (3, -1)").
        Assert.That(described["seq"], Is.EqualTo("input NCL (3, 5) (Keras NLC (5, 3))"));
        KerasGraph stack = KerasModel.Load(TestData.Path("rnn_stack_k2.h5")).Graph;
        Assert.That(CrossBackend.Keras.Torch.KerasTorchConversion.Describe(stack)[stack.Inputs[0]], Is.EqualTo("input NCL (3, None) (Keras NLC (None, 3))"));
    }

    [TestCase("LSTM", """, "stateful": true""", "layer `rnn` (LSTM) has stateful=True")]
    [TestCase("GRU", """, "time_major": true""", "layer `rnn` (GRU) has time_major=True")]
    [TestCase("LSTM", """, "return_state": true""", "layer `rnn` (LSTM) has return_state=True in a Sequential model")]
    [TestCase("GRU", """, "recurrent_activation": {"class_name": "MyGate"}""", "layer `rnn`: recurrent_activation {\"class_name\": \"MyGate\"} is not a built-in activation name")]
    public void WhatNoPredictionReproducesIsRefusedNamingTheLayer(string className, string options, string says)
    {
        var e = Assert.Throws<NotSupportedException>(() => Sequential(className, options));
        Assert.That(e!.Message, Does.StartWith(says));
    }

    [Test]
    public void AnInputWithoutFeaturesIsRefusedNamingTheLayer()
    {
        var e = Assert.Throws<InvalidDataException>(() => Sequential("LSTM", "", "[null, 5, 3, 2]"));
        Assert.That(e!.Message, Does.StartWith("layer `rnn` (LSTM) needs an input of (timesteps, features)"));
    }

    /// <summary>return_state=True in a functional model is read when only output 0 (the sequence or last output) is
    /// used; a reference to a state (output 1) is refused, naming the layer.</summary>
    [Test]
    public void ReturnStateIsReadWhereOnlyOutputZeroIsUsed()
    {
        string Model(int tensor) => $$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 5, 3]}, "inbound_nodes": []},
              {"class_name": "LSTM", "name": "rnn", "config": {"name": "rnn", "units": 4, "return_state": true}, "inbound_nodes": [[["in", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["rnn", 0, {{{tensor}}}]]}}
            """;
        Assert.That(KerasGraph.FromJson(Model(0))["rnn"].OutputShape, Is.EqualTo(new long[] { 4 }));
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Model(1)));
        Assert.That(e!.Message, Does.Contain("output 1 of layer `rnn`"));
    }
}
