using CrossBackend.Keras;

namespace CrossBackend.Keras.Tests;

/// <summary>The README's functional-builder example, run (see <see cref="ReadmeSnippetTests"/> for how the README is
/// held to the region between <c>README:begin</c> and <c>README:end</c>): the cross_inputs golden's architecture
/// written in C# takes its Keras 3 archive's weights and gives the golden.</summary>
public sealed class ReadmeFunctionalSnippetTests
{
    [TestCaseSource(typeof(TestData), nameof(TestData.EngineCases))]
    public void AFunctionalArchitectureWrittenInCSharp(ITensorEngine engine)
    {
        string weightsFile = TestData.Path("cross_inputs.keras");
        KerasInput[] inputs = MultiGoldenModels.Inputs("cross_inputs_golden.npz", 2);
        // README:begin
        KerasFunctional f = KerasArchitecture.Functional(name: "cross_inputs");
        KerasSymbol query = f.Input([-1, 6], name: "query"), value = f.Input([-1, 4], name: "value");   // (steps, features), steps None
        KerasSymbol mha = f.MultiHeadAttention(numHeads: 2, keyDim: 3, query, value, byKeyword: true, name: "mha");   // mha(query=query, value=value)
        KerasSymbol res = f.Add([query, mha], name: "res");
        KerasSymbol dq = f.Apply(l => l.Dense(4, name: "dq"), query);   // any KerasArchitecture builder method, on one tensor
        KerasSymbol att = f.Attention(dq, value, useScale: true, name: "att");
        KerasGraph graph = f.Build(outputs: [att, res]);                // inputs: [query, value], the order they were made in
        KerasModel model = KerasModel.Load(weightsFile, graph);         // a Keras 2 .h5 by layer name, a Keras 3 file by class and Keras's layer order
        // README:end
        using IKerasNetwork network = KerasRuntimes.Build(model, engine);
        IReadOnlyList<KerasPrediction> p = network.Predict(inputs);
        for (int j = 0; j < 2; j++)
            Close.Assert(p[j].Values, TestData.Doubles(TestData.Npz("cross_inputs_golden.npz", $"output_{j}")), $"{engine.Name} README output_{j}");
    }
}
