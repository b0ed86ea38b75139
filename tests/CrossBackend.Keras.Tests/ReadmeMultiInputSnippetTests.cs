using CrossBackend.Keras;
using CrossBackend.Keras.Torch;
using TorchSharp;

namespace CrossBackend.Keras.Tests;

/// <summary>The README's fragment on models of several inputs and outputs, run (see <see cref="ReadmeSnippetTests"/>
/// for how the README is held to the region between <c>README:begin</c> and <c>README:end</c>).</summary>
public sealed class ReadmeMultiInputSnippetTests
{
    [TestCaseSource(typeof(TestData), nameof(TestData.EngineCases))]
    public void SeveralInputsAndOutputs(ITensorEngine engine)
    {
        string modelFile = TestData.Path("two_inputs.keras");
        Array seq = TestData.Npz("two_inputs_golden.npz", "input_0").Data, feat = TestData.Npz("two_inputs_golden.npz", "input_1").Data;
        // README:begin
        KerasModel model = KerasModel.Load(modelFile);   // two_inputs.keras: inputs [seq, feat], outputs [head_b, per_step, head_a]
        using IKerasNetwork network = KerasRuntimes.Build(model, engine);
        IReadOnlyList<KerasPrediction> outputs = network.Predict([new KerasInput(seq, [3, 4, 3]), new KerasInput(feat, [3, 6])]);   // model.inputs order in, model.outputs order out

        using KerasTorchMultiModule module = KerasTorch.ToMultiModule(model);   // forward: Tensor[] in (channels first), Tensor[] out
        // README:end
        Assert.That(module.Graph.Inputs, Is.EqualTo(new[] { "seq", "feat" }));
        for (int j = 0; j < 3; j++)
            Close.Assert(outputs[j].Values, TestData.Doubles(TestData.Npz("two_inputs_golden.npz", $"output_{j}")), $"{engine.Name} README output_{j}");
    }
}
