using CrossBackend.IO;

namespace CrossBackend.Testing;

/// <summary>
/// Anything the kit compares, read out as float64 row-major values with a shape and dtype: a tensor of any engine
/// (found with <see cref="TensorEngines.OwnerOf"/>), a .NET array of any rank, an <see cref="NpyArray"/>, or a
/// number (rank 0).
/// </summary>
internal sealed record TensorValues(double[] Values, long[] Shape, DType DType, string Kind)
{
    /// <summary>Reads <paramref name="value"/>; <paramref name="name"/> is the argument name for errors.</summary>
    public static TensorValues Of(object? value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        switch (value)
        {
            case NpyArray npy:
                return new(npy.ToDoubleArray(), npy.Shape, npy.DType, "NpyArray");
            case Array array:
                {
                    Type element = array.GetType().GetElementType()!;
                    if (element.IsArray)
                        throw new ArgumentException(
                            $"Argument `{name}` must be a tensor, a rectangular .NET array (float[,]) or an NpyArray, not a jagged array. Received: {name} is a {TensorFormat.TypeName(array.GetType())}",
                            name);
                    if (NpyArrayOrNull(array) is not { } npy)
                        throw new ArgumentException(
                            $"Argument `{name}` must hold float16, float32, float64, integer or bool elements. Received: {name} is a {TensorFormat.TypeName(array.GetType())}", name);
                    return new(npy.ToDoubleArray(), npy.Shape, npy.DType, TensorFormat.TypeName(array.GetType()));
                }
            case double d: return new([d], [], DType.Float64, "double");
            case float f: return new([f], [], DType.Float32, "float");
            case Half h: return new([(double)h], [], DType.Float16, "Half");
            case int i: return new([i], [], DType.Int32, "int");
            case long l: return new([l], [], DType.Int64, "long");
        }
        ITensorEngine engine = TensorEngines.OwnerOf(value.GetType()) ?? throw new ArgumentException(
            $"Argument `{name}` must be a tensor of a CrossBackend engine, a .NET array, an NpyArray or a number. " +
            $"Received: {name} is a {TensorFormat.TypeName(value.GetType(), qualified: true)}. Engines found: " +
            $"{(TensorEngines.All.Count == 0 ? "none (reference an engine project)" : string.Join(", ", TensorEngines.All.Select(e => e.Name)))}.",
            name);
        double[] values = engine.ToDoubleArray(value, out long[] shape);
        return new(values, shape, engine.Describe(value).DType, $"{engine.Name} tensor");
    }

    private static NpyArray? NpyArrayOrNull(Array array)
    {
        try { return NpyArray.FromArray(array); }
        catch (ArgumentException) { return null; }
    }
}
