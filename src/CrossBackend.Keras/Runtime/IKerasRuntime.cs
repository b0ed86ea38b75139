namespace CrossBackend.Keras;

/// <summary>Builds Keras models on one engine. An engine's Keras project announces its runtime with
/// <see cref="KerasRuntimeAttribute"/>; <see cref="KerasRuntimes"/> finds it.</summary>
public interface IKerasRuntime
{
    /// <summary>The engine this runtime builds for (<see cref="ITensorEngine.Name"/>).</summary>
    string EngineName { get; }

    /// <summary>Builds the model on the engine, converting weights once.</summary>
    /// <param name="model">The model with its weights.</param>
    /// <param name="dtype">The compute type: <see cref="DType.Float32"/> (Keras's) or <see cref="DType.Float64"/>.</param>
    IKerasNetwork Build(KerasModel model, DType dtype = DType.Float32);
}

/// <summary>A Keras model built on one engine.</summary>
public interface IKerasNetwork : IDisposable
{
    /// <summary>The engine whose tensors <see cref="Forward(object)"/> and <see cref="Forward(IReadOnlyList{object})"/> take and returns.</summary>
    ITensorEngine Engine { get; }

    /// <summary>The architecture built.</summary>
    KerasGraph Graph { get; }

    /// <summary>The compute type.</summary>
    DType DType { get; }

    /// <summary>Runs a model of one input and one output on an engine tensor in the engine's own layout (NCHW for a
    /// channels-first engine) and returns the output in that layout. The caller owns the result.</summary>
    /// <param name="input">The input tensor (batch first).</param>
    /// <exception cref="ArgumentException">The model has several inputs or outputs (use
    /// <see cref="Forward(IReadOnlyList{object})"/>), or the input's shape is not its InputLayer's.</exception>
    object Forward(object input);

    /// <summary>Runs the model on one engine tensor per input, in <see cref="KerasGraph.Inputs"/> order (Keras's
    /// <c>model.inputs</c>), each in the engine's own layout, and returns one tensor per output in
    /// <see cref="KerasGraph.Outputs"/> order (<c>model.outputs</c>). Works for a model of one input and one output
    /// too (lists of one). The caller owns the results.</summary>
    /// <param name="inputs">The input tensors (batch first).</param>
    /// <exception cref="ArgumentException">Not one tensor per input, or an input whose shape is not its InputLayer's
    /// (the message names the input and both shapes).</exception>
    IReadOnlyList<object> Forward(IReadOnlyList<object> inputs);
}

/// <summary>Marks an assembly as holding a Keras runtime and names its <see cref="IKerasRuntime"/> type.</summary>
/// <param name="runtimeType">A public type implementing <see cref="IKerasRuntime"/> with a parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class KerasRuntimeAttribute(Type runtimeType) : Attribute
{
    /// <summary>The runtime's type.</summary>
    public Type RuntimeType { get; } = runtimeType;
}
