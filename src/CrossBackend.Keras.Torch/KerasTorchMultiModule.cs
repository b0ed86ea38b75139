using CrossBackend.Keras;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>
/// A Keras functional model of several inputs or outputs (Siamese nets, text + image, encoder/decoder attention,
/// several heads) as a TorchSharp module: <c>forward</c> takes one tensor per input in <see cref="KerasGraph.Inputs"/>
/// order (Keras's <c>model.inputs</c>, the config's <c>input_layers</c>) and returns one per output in
/// <see cref="KerasGraph.Outputs"/> order. Otherwise as <see cref="KerasTorchModule"/>: one submodule per Keras layer
/// (the same <c>state_dict()</c> keys), tensors of rank ≥ 3 channels-first, rank-2 tensors and token ids as in Keras.
/// A model of one input and one output works too (arrays of one).
/// </summary>
/// <remarks>Forward follows TorchSharp's convention: intermediate tensors are disposed inside; the results belong to
/// the caller's dispose scope, each its own tensor (an output that is also an input or another output is an alias).</remarks>
public sealed class KerasTorchMultiModule : nn.Module<Tensor[], Tensor[]>
{
    private readonly (string Name, string[] Inbound, TorchLayer Module)[] _nodes;

    /// <param name="graph">The architecture with its weights.</param>
    /// <param name="dtype">The parameters' dtype (see <see cref="KerasTorchModule"/>).</param>
    internal KerasTorchMultiModule(KerasGraph graph, ScalarType dtype) : base(graph.Name)
    {
        KerasNetworkInputs.EnsureWeights(graph);
        Graph = graph;
        _nodes = KerasTorchModule.Nodes(graph, dtype);
        foreach ((string name, _, TorchLayer module) in _nodes) register_module(KerasTorchModule.ModuleName(name, graph), module);
    }

    /// <summary>The Keras architecture this module was built from.</summary>
    public KerasGraph Graph { get; }

    /// <summary>The parameters' element type (float32 for a model without parameters).</summary>
    public ScalarType DType => parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;

    /// <summary>Runs the model on one channels-first tensor per input, in <see cref="KerasGraph.Inputs"/> order.</summary>
    /// <param name="inputs">The inputs, batch first.</param>
    /// <returns>One tensor per output, in <see cref="KerasGraph.Outputs"/> order.</returns>
    /// <exception cref="ArgumentException">Not one tensor per input, or an input whose shape is not its InputLayer's
    /// (the message names the input and both shapes).</exception>
    public override Tensor[] forward(Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        KerasNetworkInputs.EnsureCount(Graph, inputs.Length);
        for (int i = 0; i < inputs.Length; i++) ArgumentNullException.ThrowIfNull(inputs[i], $"inputs[{i}]");
        return KerasTorchModule.Run(_nodes, Graph, inputs);
    }
}
