using System.Text.Json;
using CrossBackend.Cli;

namespace CrossBackend.Keras.Tests;

/// <summary><c>crossbackend keras predict</c> on a model of several inputs and outputs: one <c>--input</c> per model
/// input in Keras's model.inputs order, one result per output in model.outputs order.</summary>
[NonParallelizable]
public sealed class KerasCliMultiInputTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string Array(int i) => TestData.Path("two_inputs_golden.npz") + $":input_{i}";

    private static double[] Flatten(JsonElement e) => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten).ToArray() : [e.GetDouble()];

    [TestCaseSource(typeof(TestData), nameof(TestData.EngineCases))]
    public void PredictTakesOneInputPerModelInputAndPrintsEveryOutputAsJson(ITensorEngine engine)
    {
        var (code, stdout, stderr) = Run("keras", "predict", TestData.Path("two_inputs_k2.h5"), "--input", Array(0), "--input", Array(1), "--backend", engine.Name, "--json");
        Assert.That(code, Is.EqualTo(CliApp.Ok), stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.That(doc.RootElement.GetProperty("backend").GetString(), Is.EqualTo(engine.Name));
        JsonElement[] outputs = doc.RootElement.GetProperty("outputs").EnumerateArray().ToArray();
        Assert.That(outputs.Select(o => o.GetProperty("name").GetString()), Is.EqualTo(new[] { "head_b", "per_step", "head_a" }));
        for (int j = 0; j < outputs.Length; j++)
        {
            var golden = TestData.Npz("two_inputs_golden.npz", $"output_{j}");
            Assert.That(outputs[j].GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()), Is.EqualTo(golden.Shape));
            Close.Assert(Flatten(outputs[j].GetProperty("output")), TestData.Doubles(golden), $"{engine.Name} CLI output_{j}");
        }
    }

    [Test]
    public void InspectListsTheInputsAndOutputsInPredictsOrder()
    {
        var (code, stdout, stderr) = Run("keras", "inspect", TestData.Path("cross_inputs_k2.h5"));
        Assert.That(code, Is.EqualTo(CliApp.Ok), stderr);
        Assert.That(stdout, Does.Contain("inputs: query (None, None, 6), value (None, None, 4); outputs: att, res"));
    }

    [Test]
    public void PredictWithoutJsonNamesEachOutput()
    {
        var (code, stdout, stderr) = Run("keras", "predict", TestData.Path("two_inputs.keras"), "--input", Array(0), "--input", Array(1));
        Assert.That(code, Is.EqualTo(CliApp.Ok), stderr);
        Assert.That(stdout, Does.Contain("head_b [3, 2]:").And.Contain("per_step [3, 4, 2]:").And.Contain("head_a [3, 3]:"));
        Assert.That(stdout.IndexOf("head_b", StringComparison.Ordinal), Is.LessThan(stdout.IndexOf("head_a", StringComparison.Ordinal)));
    }

    [Test]
    public void PredictWithTooFewInputsIsAUserErrorListingTheInputsInOrder()
    {
        var (code, stdout, stderr) = Run("keras", "predict", TestData.Path("two_inputs.keras"), "--input", Array(0));
        Assert.That(code, Is.EqualTo(CliApp.BadInput));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain("--input: model `two_inputs` takes 2 inputs, `seq`, `feat` in that order").And.Contain("Received: 1"));
    }

    [Test]
    public void PredictWithSwappedInputsNamesTheInputAndBothShapes()
    {
        var (code, _, stderr) = Run("keras", "predict", TestData.Path("two_inputs.keras"), "--input", Array(1), "--input", Array(0));
        Assert.That(code, Is.EqualTo(CliApp.BadInput));
        Assert.That(stderr, Does.Contain("--input").And.Contain("input `seq`").And.Contain("(None, 4, 3)").And.Contain("(3, 6)"));
    }
}
