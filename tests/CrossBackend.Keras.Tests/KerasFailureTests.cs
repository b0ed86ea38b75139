using System.IO.Compression;

namespace CrossBackend.Keras.Tests;

/// <summary>Issue 14, item 1: what is not supported is refused with a message naming the layer or the problem.</summary>
[NonParallelizable]
public sealed class KerasFailureTests
{
    private string _dir = null!;

    [OneTimeSetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("cb-keras-fail").FullName;

    [OneTimeTearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Test]
    public void ACustomLayerIsRefusedNamingTheLayerAndItsClass()
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasModel.Load(TestData.Path("custom_layer.keras")));
        Assert.That(e!.Message, Does.Contain("`my_scale`").And.Contain("MyProject>ScaleLayer").And.Contain("custom layer").And.Contain("Supported layers"));
    }

    [TestCase(0.999)]
    [TestCase(0.75)]
    [TestCase(0.5)]
    [TestCase(0.1)]
    [TestCase(0.001)]
    public void ATruncatedFileIsRefusedAsDamaged(double fraction)
    {
        byte[] bytes = File.ReadAllBytes(TestData.Path("lenet_mnist_tf.h5"));
        string path = Write($"truncated_{fraction}.h5", bytes[..(int)(bytes.Length * fraction)]);
        var e = Assert.Throws<InvalidDataException>(() => KerasFile.Open(path));
        Assert.That(e!.Message, Does.StartWith(path).And.Contain("damaged or truncated").Or.Contain("not a Keras"));
    }

    [Test]
    public void ATruncatedArchiveIsRefused()
    {
        byte[] bytes = File.ReadAllBytes(TestData.Path("functional.keras"));
        string path = Write("truncated.keras", bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => KerasFile.Open(path));
        Assert.That(e!.Message, Does.StartWith(path).And.Contain("damaged or truncated"));
    }

    [TestCase("model.h5", "this is plain text, not a model", "neither HDF5")]
    [TestCase("empty.h5", "", "the file is empty")]
    [TestCase("config.json", "{\"class_name\": \"Sequential\"}", "looks like JSON")]
    public void NonKerasFilesAreRefusedSayingWhatTheyAre(string name, string content, string says)
    {
        string path = Write(name, System.Text.Encoding.UTF8.GetBytes(content));
        var e = Assert.Throws<InvalidDataException>(() => KerasFile.Open(path));
        Assert.That(e!.Message, Does.StartWith(path).And.Contain("not a Keras model file").And.Contain(says));
    }

    [Test]
    public void AZipWithoutConfigIsNotAKerasArchive()
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open())) w.Write("hello");
        string path = Write("other.keras", stream.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => KerasFile.Open(path));
        Assert.That(e!.Message, Does.Contain("config.json"));
    }

    [Test]
    public void AnArchiveWithNpzWeightsIsRefusedNamingTheFormat()
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("config.json").Open())) w.Write(KerasFile.Open(TestData.Path("functional.keras")).ConfigJson);
            zip.CreateEntry("model.weights.npz");
        }
        var e = Assert.Throws<NotSupportedException>(() => KerasFile.Open(Write("npz.keras", stream.ToArray())));
        Assert.That(e!.Message, Does.Contain("model.weights.npz").And.Contain("model.weights.h5"));
    }

    [Test]
    public void AMissingFileIsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => KerasFile.Open(Path.Combine(_dir, "nowhere.h5")));

    [Test]
    public void AWeightsOnlyFileAsksForTheArchitecture()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasModel.Load(TestData.Path("lenet_mnist_tf.h5")));
        Assert.That(e!.Message, Does.Contain("weights-only").And.Contain("architecture").And.Contain("--config"));
    }

    [Test]
    public void WeightsForADifferentArchitectureNameTheLayerAndShapes()
    {
        KerasGraph wrong = KerasArchitecture.Sequential([28, 28, 1])
            .Conv2D(32, 3, activation: "relu").MaxPooling2D(2)
            .Conv2D(64, 3, activation: "relu").MaxPooling2D(2)
            .Conv2D(64, 3, activation: "relu")
            .Flatten().Dense(32, activation: "relu").Dense(10, activation: "softmax")
            .Build();
        var e = Assert.Throws<InvalidDataException>(() => KerasModel.Load(TestData.Path("lenet_mnist_tf.h5"), wrong));
        Assert.That(e!.Message, Does.Contain("layer `dense`").And.Contain("(576, 32)").And.Contain("(576, 64)"));
    }

    [Test]
    public void WeightsWithNoLayerToTakeThemAreReported()
    {
        KerasGraph partial = KerasArchitecture.Sequential([28, 28, 1]).Conv2D(32, 3, activation: "relu").Build();
        var e = Assert.Throws<InvalidDataException>(() => KerasModel.Load(TestData.Path("lenet_mnist_tf.h5"), partial));
        Assert.That(e!.Message, Does.Contain("no layer of the architecture takes").And.Contain("dense_1"));
    }

    private static string Functional(string layerJson) => $$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 8, 8, 3]}, "inbound_nodes": []},
          {{{layerJson}}}],
          "input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}
        """;

    [TestCase("""{"class_name": "Conv2D", "name": "x", "config": {"name": "x", "filters": 2, "kernel_size": 3, "data_format": "channels_first"}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "channels_first", TestName = "channels_first is refused")]
    [TestCase("""{"class_name": "Activation", "name": "x", "config": {"name": "x", "activation": "hard_sigmoid"}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "hard_sigmoid", TestName = "an ambiguous activation is refused")]
    [TestCase("""{"class_name": "Dense", "name": "x", "config": {"name": "x", "units": 2, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "mixed_float16", TestName = "a mixed-precision policy is refused")]
    [TestCase("""{"class_name": "LayerNormalization", "name": "x", "config": {"name": "x", "axis": -1, "rms_scaling": true}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "rms_scaling=True", TestName = "LayerNormalization's rms_scaling is refused (Keras scales by the variance there)")]
    [TestCase("""{"class_name": "LayerNormalization", "name": "x", "config": {"name": "x", "axis": [3, 1]}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "not in increasing order", TestName = "LayerNormalization axes out of order are refused (Keras reshapes gamma, not transposes)")]
    [TestCase("""{"class_name": "LayerNormalization", "name": "x", "config": {"name": "x", "axis": [1, -3]}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "names one axis twice", TestName = "LayerNormalization naming one axis twice is refused")]
    [TestCase("""{"class_name": "LayerNormalization", "name": "x", "config": {"name": "x", "axis": [0, 3]}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "batch axis", TestName = "LayerNormalization over the batch axis is refused")]
    [TestCase("""{"class_name": "Conv2DTranspose", "name": "x", "config": {"name": "x", "filters": 2, "kernel_size": 3, "strides": 2, "output_padding": [1, 1]}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "output_padding=[1, 1]", TestName = "Conv2DTranspose's output_padding is refused")]
    [TestCase("""{"class_name": "Conv2DTranspose", "name": "x", "config": {"name": "x", "filters": 2, "kernel_size": 3, "dilation_rate": 2}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "dilation_rate (2, 2)", TestName = "Conv2DTranspose's dilation is refused")]
    [TestCase("""{"class_name": "DepthwiseConv2D", "name": "x", "config": {"name": "x", "kernel_size": 3, "padding": "causal"}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "padding \"causal\"", TestName = "DepthwiseConv2D's causal padding is refused")]
    [TestCase("""{"class_name": "SeparableConv2D", "name": "x", "config": {"name": "x", "filters": 2, "kernel_size": 3, "data_format": "channels_first"}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
        "channels_first", TestName = "SeparableConv2D channels_first is refused")]
    public void UnsupportedConfigsAreRefusedNamingTheLayer(string layerJson, string says)
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Functional(layerJson)));
        Assert.That(e!.Message, Does.Contain("`x`").And.Contain(says));
    }

    /// <summary>Keras 3 raises "`strides > 1` not supported in conjunction with `dilation_rate > 1`" when such a
    /// convolution is made (keras/src/layers/convolutional/base_conv.py, BaseConv.__init__), as TensorFlow's
    /// tf.nn.convolution does: a port must not compute what Keras never does (PyTorch's conv would).</summary>
    [TestCase("Conv2D", "[2, 1]", "[1, 2]", "in")]
    [TestCase("Conv1D", "[3]", "[2]", "r")]
    [TestCase("DepthwiseConv2D", "[1, 2]", "[2, 1]", "in")]
    [TestCase("SeparableConv2D", "2", "2", "in")]
    public void StridesWithDilationAreRefusedAsKerasRefusesThem(string className, string strides, string dilation, string from)
    {
        string reshape = """{"class_name": "Reshape", "name": "r", "config": {"name": "r", "target_shape": [64, 3]}, "inbound_nodes": [[["in", 0, 0, {}]]]}""";
        string conv = $$"""{"class_name": "{{className}}", "name": "x", "config": {"name": "x", "filters": 2, "kernel_size": 3, "strides": {{strides}}, "dilation_rate": {{dilation}}}, "inbound_nodes": [[["{{from}}", 0, 0, {}]]]}""";
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(Functional(reshape + ",\n" + conv)));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain("strides > 1").And.Contain("dilation_rate > 1"));
    }

    [Test]
    public void ALayerReadingAnUnknownLayerIsRefused()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(Functional(
            """{"class_name": "Dense", "name": "x", "config": {"name": "x", "units": 2}, "inbound_nodes": [[["ghost", 0, 0, {}]]]}""")));
        Assert.That(e!.Message, Does.Contain("`x`").And.Contain("`ghost`"));
    }

    [Test]
    public void ASubclassedModelIsRefusedWithTheWayOut()
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson("""{"class_name": "MyModel", "config": {}}"""));
        Assert.That(e!.Message, Does.Contain("MyModel").And.Contain("KerasArchitecture"));
    }

    [TestCaseSource(typeof(TestData), nameof(TestData.EngineCases))]
    public void AnInputOfTheWrongShapeIsRefusedWithBothShapes(ITensorEngine engine)
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("lenet_mnist_tf.h5"), LeNetTests.Architecture()), engine);
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[2 * 28 * 28 * 3], [2, 28, 28, 3]));
        Assert.That(e!.Message, Does.Contain("(None, 28, 28, 1)").And.Contain("(2, 28, 28, 3)"));
    }
}
