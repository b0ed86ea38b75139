namespace CrossBackend.Keras.Tests;

/// <summary>
/// How the axis options Keras 3 accepts are read, and what is still refused: a Softmax over a tuple of axes keeps every
/// axis (and compares by value), a BatchNormalization's weights follow its axis, and the layers no Keras model has — a
/// softmax over the batch axis, a BatchNormalization over the batch axis or several axes (tf.keras 2 only), a Subtract
/// of three inputs, a Concatenate of different ranks — are refused naming the layer.
/// </summary>
public sealed class AxisOptionTests
{
    private static KerasGraph Functional(string layers, string output) => KerasGraph.FromJson($$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 3, 4, 5]}, "inbound_nodes": []},
          {{{layers}}}],
          "input_layers": [["in", 0, 0]], "output_layers": [["{{{output}}}", 0, 0]]}}
        """);

    private static string Layer(string className, string name, string config, params string[] inputs) =>
        "{\"class_name\": \"" + className + "\", \"name\": \"" + name + "\", \"config\": {\"name\": \"" + name + "\"" + config + "}, " +
        "\"inbound_nodes\": [[" + string.Join(", ", inputs.Select(i => "[\"" + i + "\", 0, 0, {}]")) + "]]}";

    [Test]
    public void ASoftmaxOverATupleOfAxesKeepsEveryAxis()
    {
        KerasGraph g = KerasArchitecture.Sequential([3, 4, 5]).Softmax([1, 2], name: "s").Softmax([2], name: "one").Build();
        var tuple = (ActivationSpec)g["s"].Spec;
        Assert.That(tuple.Activation.SoftmaxAxes, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(tuple, Is.EqualTo(new ActivationSpec(new KerasActivation(KerasActivationKind.Softmax, Axes: [1, 2]))), "compared by value");
        Assert.That(tuple, Is.Not.EqualTo(new ActivationSpec(new KerasActivation(KerasActivationKind.Softmax, Axes: [2, 1]))));
        Assert.That(tuple.Activation.ToString(), Is.EqualTo("softmax(axis=(1, 2))"));
        Assert.That(((ActivationSpec)g["one"].Spec).Activation, Is.EqualTo(new KerasActivation(KerasActivationKind.Softmax, Axis: 2)));
    }

    /// <summary>The TorchSharp module holds NCHW, so `inspect` says which dimensions the Keras axes became.</summary>
    [Test]
    public void InspectNamesTheChannelsFirstDimensionsOfTheKerasAxes()
    {
        KerasGraph g = KerasArchitecture.Sequential([3, 4, 5]).Softmax([1, 2], name: "s").BatchNormalization(name: "bn", axis: -2).Build();
        IReadOnlyDictionary<string, string> described = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(g);
        Assert.That(described["s"], Is.EqualTo("softmax(axis=(1, 2)): over channels-first dimension(s) 2, 3"));
        Assert.That(described["bn"], Does.StartWith("nn.BatchNorm2d(4,").And.EndWith("Keras axis -2 (dimension 3 here) moved to dimension 1 and back"));
    }

    [Test]
    public void BatchNormalizationWeightsFollowItsAxis()
    {
        KerasGraph g = KerasArchitecture.Sequential([3, 4, 5]).BatchNormalization(name: "h", axis: 1).BatchNormalization(name: "w", center: false, axis: -2).Build();
        Assert.That(g["h"].ExpectedWeights.Select(w => w.Shape), Is.All.EqualTo(new long[] { 3 }));
        Assert.That(g["w"].ExpectedWeights.Select(w => (w.Name, w.Shape)),
            Is.EqualTo(new[] { ("gamma", new long[] { 4 }), ("moving_mean", new long[] { 4 }), ("moving_variance", new long[] { 4 }) }));
    }

    [Test]
    public void ASoftmaxOverTheBatchAxisIsRefusedNamingTheLayer()
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasArchitecture.Sequential([3, 4, 5]).Softmax([0, 1], name: "s").Build());
        Assert.That(e!.Message, Does.StartWith("layer `s` (Softmax): softmax over axis (0, 1) of an input of (batch, 3, 4, 5) includes the batch axis"));
    }

    [TestCase(0)]
    [TestCase(4)]
    [TestCase(-5)]
    public void ABatchNormalizationOverTheBatchAxisOrOutOfRangeIsRefusedNamingTheLayer(int axis)
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasArchitecture.Sequential([3, 4, 5]).BatchNormalization(name: "bn", axis: axis).Build());
        Assert.That(e!.Message, Does.StartWith($"layer `bn` (BatchNormalization): axis {axis} is the batch axis or out of range for an input of (batch, 3, 4, 5)"));
    }

    [Test]
    public void ABatchNormalizationOverSeveralAxesIsRefusedNamingTheLayer()
    {
        var e = Assert.Throws<NotSupportedException>(() => Functional(Layer("BatchNormalization", "bn", """, "axis": [1, 2]""", "in"), "bn"));
        Assert.That(e!.Message, Does.StartWith("layer `bn` (BatchNormalization): axis [1, 2] normalises several axes at once"));
    }

    [Test]
    public void ASubtractOfThreeInputsIsRefusedNamingTheLayer()
    {
        var e = Assert.Throws<InvalidDataException>(() => Functional(Layer("Subtract", "sub", "", "in", "in", "in"), "sub"));
        Assert.That(e!.Message, Does.StartWith("layer `sub` (Subtract) takes 2 input(s), the config connects 3"));
    }

    [Test]
    public void AConcatenateOfDifferentRanksIsStillRefusedNamingTheLayer()
    {
        string layers = Layer("Reshape", "r", """, "target_shape": [12, 5]""", "in") + ",\n" + Layer("Concatenate", "cat", """, "axis": -1""", "in", "r");
        var e = Assert.Throws<InvalidDataException>(() => Functional(layers, "cat"));
        Assert.That(e!.Message, Does.StartWith("layer `cat` (Concatenate): inputs have different ranks: (3, 4, 5), (12, 5)").And.Contain("does not expand ranks"));
    }
}
