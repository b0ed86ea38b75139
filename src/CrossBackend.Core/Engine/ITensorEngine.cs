namespace CrossBackend;

/// <summary>
/// An engine as a whole: which tensor types it owns, the general ops for each, and the untyped conversions the CLI,
/// the parity tools and the tests use to move data in and out.
/// </summary>
/// <remarks>
/// <para><b>Writing an engine</b> is one project with one type implementing this interface (derive from
/// <see cref="TensorEngine{TTensor}"/> when the engine has one tensor type), announced by
/// <c>[assembly: TensorEngine(typeof(MyEngine))]</c>; <see cref="TensorEngines"/> finds it at run time. The engine
/// implements <see cref="ITensorOps{TTensor}"/> once; it may add <see cref="IFusedCrossentropy{TTensor}"/> and
/// <see cref="IAutograd{TTensor}"/>. No loss code changes, and the test suite runs over it unchanged.</para>
/// <para>Constructing an engine must be cheap and free of side effects: discovery constructs every engine found.</para>
/// </remarks>
public interface ITensorEngine
{
    /// <summary>The engine's name ("torch", "numerics").</summary>
    string Name { get; }

    /// <summary>The default class (channel) axis: 1 for channels-first engines, -1 for channels-last ones.</summary>
    int ClassAxis { get; }

    /// <summary>Whether tensors of this runtime type belong to this engine (any element type).</summary>
    bool Owns(Type tensorType);

    /// <summary>
    /// The general ops (an <see cref="ITensorOps{TTensor}"/> whose type argument is <paramref name="tensorType"/>)
    /// that compute with tensors of this runtime type, or null when the engine computes such tensors only after a
    /// cast (e.g. float16 on an engine that computes in float32, or integers).
    /// </summary>
    object? OpsFor(Type tensorType);

    /// <summary>Describes any tensor this engine owns (shape in the engine's layout, dtype, device).</summary>
    TensorInfo Describe(object tensor);

    /// <summary>Creates a tensor from a dense row-major array (float, double, int, long, Half, byte, bool elements).</summary>
    object FromArray(Array data, long[] shape);

    /// <summary>Converts a tensor's elements to another dtype.</summary>
    object Cast(object tensor, DType dtype);

    /// <summary>Moves one axis of a tensor to another position (NumPy's <c>moveaxis</c>); the result is dense.</summary>
    object MoveAxis(object tensor, int source, int destination);

    /// <summary>Copies a tensor's values out as float64, row-major, with its shape.</summary>
    double[] ToDoubleArray(object tensor, out long[] shape);

    /// <summary>
    /// Copies a tensor's values out row-major, with its shape, in the .NET type of its dtype: <c>float[]</c>,
    /// <c>double[]</c>, <c>Half[]</c>, <c>long[]</c>, <c>int[]</c>, <c>short[]</c>, <c>sbyte[]</c>, <c>byte[]</c>,
    /// <c>bool[]</c> (bfloat16 as <c>float[]</c>, exactly). Exact for every dtype: int64 values beyond 2⁵³ are kept,
    /// which <see cref="ToDoubleArray"/> cannot do.
    /// </summary>
    /// <remarks>The default goes through <see cref="ToDoubleArray"/> (exact except int64 beyond 2⁵³); an engine that
    /// holds int64 overrides it with a native copy.</remarks>
    Array ToArray(object tensor, out long[] shape) => HostArrays.FromDoubles(ToDoubleArray(tensor, out shape), Describe(tensor).DType);
}

/// <summary>Marks an assembly as a CrossBackend engine and names its <see cref="ITensorEngine"/> type.</summary>
/// <param name="engineType">A public type implementing <see cref="ITensorEngine"/> with a parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class TensorEngineAttribute(Type engineType) : Attribute
{
    /// <summary>The engine's type.</summary>
    public Type EngineType { get; } = engineType;
}
