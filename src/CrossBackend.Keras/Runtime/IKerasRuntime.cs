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
    /// <summary>The engine whose tensors <see cref="Forward"/> takes and returns.</summary>
    ITensorEngine Engine { get; }

    /// <summary>The architecture built.</summary>
    KerasGraph Graph { get; }

    /// <summary>The compute type.</summary>
    DType DType { get; }

    /// <summary>Runs the model on an engine tensor in the engine's own layout (NCHW for a channels-first engine)
    /// and returns the output in that layout. The caller owns the result.</summary>
    /// <param name="input">The input tensor (batch first).</param>
    object Forward(object input);
}

/// <summary>Marks an assembly as holding a Keras runtime and names its <see cref="IKerasRuntime"/> type.</summary>
/// <param name="runtimeType">A public type implementing <see cref="IKerasRuntime"/> with a parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class KerasRuntimeAttribute(Type runtimeType) : Attribute
{
    /// <summary>The runtime's type.</summary>
    public Type RuntimeType { get; } = runtimeType;
}
