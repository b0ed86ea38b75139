using CrossBackend.IO;
using System.Text.Json;
using CrossBackend.Cli;

namespace CrossBackend.Keras.Tests;

/// <summary>Issue 14, item 6: <c>crossbackend keras inspect</c> and <c>predict</c>, run in-process through <see cref="CliApp.Run"/>.</summary>
[NonParallelizable]
public sealed class KerasCliTests
{
    private string _dir = null!;

    [OneTimeSetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("cb-keras-cli").FullName;

    [OneTimeTearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The golden's inputs as a .npy file, as a user would save them with NumPy.</summary>
    private string Inputs(string golden)
    {
        NpyArray x = TestData.Npz(golden, "inputs");
        string path = Path.Combine(_dir, Path.GetFileNameWithoutExtension(golden) + "_inputs.npy");
        NpyFile.Write(path, x.Data, x.Shape);
        return path;
    }

    private static double[] Flatten(JsonElement e) => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten).ToArray() : [e.GetDouble()];

    [TestCaseSource(typeof(TestData), nameof(TestData.EngineCases))]
    public void PredictGivesTheLeNetGoldenAsJson(ITensorEngine engine)
    {
        var (code, stdout, stderr) = Run("keras", "predict", TestData.Path("lenet_mnist_tf.h5"), "--config", TestData.Path("lenet_architecture.json"),
            "--input", Inputs("lenet_golden.npz"), "--backend", engine.Name, "--json");
        Assert.That(code, Is.EqualTo(CliApp.Ok), stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.That(doc.RootElement.GetProperty("backend").GetString(), Is.EqualTo(engine.Name));
        Assert.That(doc.RootElement.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()), Is.EqualTo(new long[] { 6, 10 }));
        Close.Assert(Flatten(doc.RootElement.GetProperty("output")), (double[])TestData.Npz("lenet_golden.npz", "probs").Data, $"{engine.Name} CLI");
    }

    /// <summary>The README's LeNet example runs from a fresh clone: the six digits are the golden's <c>inputs</c>
    /// array, read straight from the .npz.</summary>
    [TestCaseSource(typeof(TestData), nameof(TestData.EngineCases))]
    public void PredictReadsTheInputFromAnNpzArray(ITensorEngine engine)
    {
        var (code, stdout, stderr) = Run("keras", "predict", TestData.Path("lenet_mnist_tf.h5"), "--config", TestData.Path("lenet_architecture.json"),
            "--input", TestData.Path("lenet_golden.npz") + ":inputs", "--backend", engine.Name, "--json");
        Assert.That(code, Is.EqualTo(CliApp.Ok), stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Close.Assert(Flatten(doc.RootElement.GetProperty("output")), (double[])TestData.Npz("lenet_golden.npz", "probs").Data, $"{engine.Name} CLI npz");
    }

    [Test]
    public void AMissingNpzArrayIsAUserErrorListingTheArrays()
    {
        var (code, _, stderr) = Run("keras", "predict", TestData.Path("lenet_mnist_tf.h5"), "--config", TestData.Path("lenet_architecture.json"),
            "--input", TestData.Path("lenet_golden.npz") + ":digits");
        Assert.That(code, Is.EqualTo(CliApp.BadInput), stderr);
        Assert.That(stderr, Does.Contain("--input").And.Contain("has no array 'digits'").And.Contain("inputs"));
    }

    /// <summary>A 2×2 input under a 3×3 stride-2 "valid" Conv2D: a user error naming the layer on every engine (torch
    /// printed "internal error: ExternalException" from libtorch; numerics printed a number).</summary>
    [TestCaseSource(typeof(TestData), nameof(TestData.EngineCases))]
    public void PredictRefusesAnInputSmallerThanAWindowNamingTheLayer(ITensorEngine engine)
    {
        string input = Path.Combine(_dir, "two_by_two.npy");
        NpyFile.Write(input, new float[] { 1, 1, 1, 1 }, [1, 2, 2, 1]);
        var (code, stdout, stderr) = Run("keras", "predict", TestData.Path("window_k2.h5"), "--input", input, "--backend", engine.Name);
        Assert.That(code, Is.EqualTo(CliApp.BadInput), stderr);
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain("--input: layer `conv2d` (Conv2D): an input of 2x2 (height x width) is smaller than its window"));
        NpyFile.Write(input, Enumerable.Repeat(1f, 9).ToArray(), [1, 3, 3, 1]);
        (code, stdout, stderr) = Run("keras", "predict", TestData.Path("window_k2.h5"), "--input", input, "--backend", engine.Name, "--json");
        Assert.That(code, Is.EqualTo(CliApp.Ok), stderr);
        Assert.That(stdout, Does.Contain("\"output\": [[9]]"));
    }

    [TestCaseSource(typeof(TestData), nameof(TestData.EngineCases))]
    public void PredictRunsAKeras3ArchiveWithoutConfig(ITensorEngine engine)
    {
        var (code, stdout, stderr) = Run("keras", "predict", TestData.Path("functional.keras"), "--input", Inputs("functional_golden.npz"), "--backend", engine.Name, "--json");
        Assert.That(code, Is.EqualTo(CliApp.Ok), stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Close.Assert(Flatten(doc.RootElement.GetProperty("output")), (double[])TestData.Npz("functional_golden.npz", "outputs").Data, $"{engine.Name} CLI functional");
    }

    [Test]
    public void InspectListsLayersShapesDtypesAndTheirTorchConversion()
    {
        var (code, stdout, stderr) = Run("keras", "inspect", TestData.Path("functional_k2.h5"));
        Assert.That(code, Is.EqualTo(CliApp.Ok), stderr);
        Assert.That(stdout, Does.Contain("Keras2FullModel, Keras 2.11.0"));
        Assert.That(stdout, Does.Contain("conv_s2 (Conv2D) -> (None, 5, 5, 8)"));
        Assert.That(stdout, Does.Contain("conv_s2/kernel:0 (3, 3, 3, 8) float32"));
        Assert.That(stdout, Does.Contain("same: pads (0, 1) x (0, 1), asymmetric: explicit F.pad"));
        Assert.That(stdout, Does.Contain("eps=0.001 (Keras's, not PyTorch's 1e-5)"));
        Assert.That(stdout, Does.Contain("add (Add) <- relu_1 + bn_2"));
        Assert.That(stdout, Does.Contain("rows permuted (h, w, c) -> (c, h, w) for the Flatten of (3, 3, 16)"));
    }

    [Test]
    public void InspectOfAWeightsOnlyFileListsItsWeights()
    {
        var (code, stdout, _) = Run("keras", "inspect", TestData.Path("lenet_mnist_tf.h5"));
        Assert.That(code, Is.EqualTo(CliApp.Ok));
        Assert.That(stdout, Does.Contain("Keras2Weights").And.Contain("weights only").And.Contain("dense/kernel:0 (576, 64) float32"));
    }

    /// <summary>inspect printed the file's first line ("…: Keras2Weights, Keras 2.x") before it read --config, so a bad
    /// config left half a report on stdout above the error. Everything is read before anything is printed: stdout
    /// empty, one line on stderr naming the config, exit 2 (bad input).</summary>
    [TestCase("lenet_mnist_tf.h5", "{\"class_name\": \"Sequential\"", "is not valid JSON")]
    [TestCase("lenet_mnist_tf.h5", "{}", "has no `class_name`")]
    [TestCase("functional_k2.h5", "[1, 2", "is not valid JSON")]
    public void InspectWithABadConfigPrintsNothingButTheError(string model, string json, string problem)
    {
        string config = Path.Combine(_dir, "bad_config.json");
        File.WriteAllText(config, json);
        var (code, stdout, stderr) = Run("keras", "inspect", TestData.Path(model), "--config", config);
        Assert.That(code, Is.EqualTo(CliApp.BadInput), stderr);
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), stderr);
        Assert.That(stderr, Does.StartWith($"crossbackend: error: {config}: ").And.Contain(problem));
    }

    [Test]
    public void PredictOnAWeightsOnlyFileWithoutConfigIsOneLineError()
    {
        var (code, stdout, stderr) = Run("keras", "predict", TestData.Path("lenet_mnist_tf.h5"), "--input", Inputs("lenet_golden.npz"));
        Assert.That(code, Is.EqualTo(CliApp.BadInput));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.Contain("weights-only").And.Contain("--config"));
    }

    [Test]
    public void PredictOnACustomLayerNamesTheLayer()
    {
        var (code, _, stderr) = Run("keras", "predict", TestData.Path("custom_layer.keras"), "--input", Inputs("lenet_golden.npz"));
        Assert.That(code, Is.EqualTo(CliApp.BadInput));
        Assert.That(stderr, Does.Contain("`my_scale`").And.Contain("MyProject>ScaleLayer"));
    }

    [Test]
    public void PredictWithAnInputOfTheWrongShapeNamesBothShapes()
    {
        var (code, _, stderr) = Run("keras", "predict", TestData.Path("functional.keras"), "--input", Inputs("lenet_golden.npz"));
        Assert.That(code, Is.EqualTo(CliApp.BadInput));
        Assert.That(stderr, Does.Contain("--input").And.Contain("(None, 10, 10, 3)").And.Contain("(6, 28, 28, 1)"));
    }

    [Test]
    public void PredictOnAMissingModelSaysSo()
    {
        var (code, _, stderr) = Run("keras", "predict", Path.Combine(_dir, "missing.keras"), "--input", Inputs("lenet_golden.npz"));
        Assert.That(code, Is.EqualTo(CliApp.BadInput));
        Assert.That(stderr, Does.Contain("missing.keras").And.Contain("not found"));
    }
}
