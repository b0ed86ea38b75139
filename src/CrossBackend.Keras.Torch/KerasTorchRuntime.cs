using CrossBackend;
using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using CrossBackend.Keras.Torch;
using TorchSharp;
using static TorchSharp.torch;

[assembly: KerasRuntime(typeof(KerasTorchRuntime))]

namespace CrossBackend.Keras.Torch;

/// <summary>Builds Keras models on the TorchSharp engine as <see cref="KerasTorchModule"/>s.</summary>
public sealed class KerasTorchRuntime : IKerasRuntime
{
    /// <inheritdoc/>
    public string EngineName => "torch";

    /// <inheritdoc/>
    public IKerasNetwork Build(KerasModel model, DType dtype = DType.Float32) => new KerasTorchNetwork(KerasTorch.ToMultiModule(model, dtype), model.Graph, dtype);
}

/// <summary>Entry point for TorchSharp users.</summary>
public static class KerasTorch
{
    /// <summary>
    /// The model as a TorchSharp <c>nn.Module</c> in eval mode: NCHW in and out (channels-first for every rank ≥ 3
    /// tensor; rank-2 tensors as they are), weights converted once, Keras's numerics kept (TensorFlow "same"
    /// padding including the asymmetric stride-2 case, BatchNormalization's ε, average pooling over real cells).
    /// Fine-tune it (<c>train()</c>), move it, or save it as any TorchSharp module.
    /// </summary>
    /// <param name="model">The Keras model with weights.</param>
    /// <param name="dtype">float32 (default) or float64 parameters.</param>
    /// <exception cref="NotSupportedException">The model has several inputs or outputs: use <see cref="ToMultiModule"/>.</exception>
    public static KerasTorchModule ToModule(KerasModel model, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ScalarType type = Scalar(dtype);
        return Ready(new KerasTorchModule(model.Graph, type), type);   // built in its dtype: float64 weights are not rounded to float32
    }

    /// <summary>
    /// The model as a TorchSharp module whose <c>forward</c> takes a <c>Tensor[]</c>, one per input in Keras's
    /// <c>model.inputs</c> order (<see cref="KerasGraph.Inputs"/>), and returns a <c>Tensor[]</c>, one per output in
    /// <c>model.outputs</c> order: the form for a functional model of several inputs or outputs (any model works).
    /// In eval mode, channels-first, weights converted once, as <see cref="ToModule"/>.
    /// </summary>
    /// <param name="model">The Keras model with weights.</param>
    /// <param name="dtype">float32 (default) or float64 parameters.</param>
    public static KerasTorchMultiModule ToMultiModule(KerasModel model, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ScalarType type = Scalar(dtype);
        return Ready(new KerasTorchMultiModule(model.Graph, type), type);
    }

    private static ScalarType Scalar(DType dtype)
    {
        TorchEngine.EnsureNativeLoadable();
        return dtype switch
        {
            DType.Float32 => ScalarType.Float32,
            DType.Float64 => ScalarType.Float64,
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Argument `dtype` must be float32 or float64. Received: dtype={dtype.Name()}"),
        };
    }

    private static TModule Ready<TModule>(TModule module, ScalarType type) where TModule : nn.Module
    {
        if (type != ScalarType.Float32) module.to(type);
        module.eval();
        return module;
    }

    /// <summary>Loads a Keras file (full-model .h5 or .keras) straight into a module.</summary>
    /// <param name="path">The file.</param>
    public static KerasTorchModule Load(string path) => ToModule(KerasModel.Load(path));
}

/// <summary>A <see cref="KerasTorchMultiModule"/> (one tensor per input and output; a one-input model is its case of one)
/// behind the engine-neutral <see cref="IKerasNetwork"/>.</summary>
internal sealed class KerasTorchNetwork(KerasTorchMultiModule module, KerasGraph graph, DType dtype) : IKerasNetwork
{
    public ITensorEngine Engine => TensorEngines.Named("torch");

    public KerasGraph Graph => graph;

    /// <summary>As built (a model without parameters has no parameter to tell).</summary>
    public DType DType => dtype;

    public object Forward(object input)
    {
        ArgumentNullException.ThrowIfNull(input);
        KerasNetworkInputs.EnsureSingle(graph);
        Tensor x = input as Tensor ?? throw new ArgumentException($"Argument `input` must be a torch.Tensor. Received: a {TensorFormat.TypeName(input.GetType())}", nameof(input));
        using (torch.no_grad()) return module.forward([x])[0];
    }

    public IReadOnlyList<object> Forward(IReadOnlyList<object> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        KerasNetworkInputs.EnsureCount(graph, inputs.Count);
        Tensor[] x = inputs.Select((t, i) => t as Tensor ?? throw new ArgumentException(
            $"Argument `inputs[{i}]` (input `{graph.Inputs[i]}`) must be a torch.Tensor. Received: {(t is null ? "null" : $"a {TensorFormat.TypeName(t.GetType())}")}", nameof(inputs))).ToArray();
        using (torch.no_grad()) return module.forward(x);
    }

    public void Dispose() => module.Dispose();
}
