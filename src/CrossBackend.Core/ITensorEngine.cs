namespace CrossBackend;

/// <summary>
/// An engine as a whole (one per backend project): which tensor types it owns, the backend for each, and the
/// conversions the CLI and parity tools need to move data in and out.
/// </summary>
/// <remarks>
/// An engine project announces itself with <see cref="TensorEngineAttribute"/>; <see cref="TensorEngines"/> finds
/// it. Adding an engine is one new project: no loss code changes.
/// </remarks>
public interface ITensorEngine
{
    /// <summary>The engine's name ("torch", "numerics").</summary>
    string Name { get; }

    /// <summary>The default class axis: 1 for channels-first engines, -1 for channels-last ones.</summary>
    int ClassAxis { get; }

    /// <summary>Whether tensors of this runtime type belong to this engine (any element type).</summary>
    bool Owns(Type tensorType);

    /// <summary>The backend that computes with tensors of this runtime type, or null when they cannot be
    /// predictions (e.g. integer tensors).</summary>
    ITensorBackend? BackendFor(Type tensorType);

    /// <summary>Describes any tensor this engine owns (shape in the engine's layout, dtype, device).</summary>
    TensorInfo Describe(object tensor);

    /// <summary>Creates a tensor from a dense row-major array (float, double, int or long elements).</summary>
    object FromArray(Array data, long[] shape);

    /// <summary>Converts a tensor's elements to another dtype (e.g. to make float16 or bfloat16 inputs).</summary>
    object Cast(object tensor, DType dtype);

    /// <summary>Moves one axis of a tensor to another position (NumPy's <c>moveaxis</c>).</summary>
    object MoveAxis(object tensor, int source, int destination);

    /// <summary>Copies a tensor's values out as float64, row-major, with its shape.</summary>
    double[] ToDoubleArray(object tensor, out long[] shape);
}

/// <summary>Marks an assembly as a CrossBackend engine and names its <see cref="ITensorEngine"/> type.</summary>
/// <param name="engineType">A public type implementing <see cref="ITensorEngine"/> with a parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class TensorEngineAttribute(Type engineType) : Attribute
{
    /// <summary>The engine's type.</summary>
    public Type EngineType { get; } = engineType;
}
