using CrossBackend.IO;

namespace CrossBackend.Testing;

/// <summary>
/// Anything the kit compares, read out row-major with a shape and dtype: a tensor of any engine (found with
/// <see cref="TensorEngines.OwnerOf"/>), a .NET array of any rank, an <see cref="NpyArray"/>, or a number (rank 0).
/// </summary>
/// <param name="Values">The values as float64 (exact for every floating dtype and for integers up to 2⁵³).</param>
/// <param name="Shape">The shape.</param>
/// <param name="DType">The dtype.</param>
/// <param name="Integers">For integer and bool dtypes, the exact values (int64 beyond 2⁵³ included), which the
/// comparison uses instead of <paramref name="Values"/>; null for floating dtypes.</param>
internal sealed record TensorValues(double[] Values, long[] Shape, DType DType, long[]? Integers)
{
    /// <summary>Reads <paramref name="value"/>; <paramref name="name"/> is the argument name for errors.</summary>
    public static TensorValues Of(object? value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (HostOrNull(value, name) is { } host) return Read(host.Data, host.Shape, host.DType);
        ITensorEngine engine = EngineOf(value, name);
        // Natively typed (int64 exact); bfloat16 comes as float32, exactly, so the dtype is taken from Describe.
        Array data = engine.ToArray(value, out long[] shape);
        return Read(data, shape, engine.Describe(value).DType);
    }

    /// <summary>
    /// <paramref name="value"/> as host data when it is an <see cref="NpyArray"/>, a .NET array or a number; null
    /// when it is something else (a tensor). Unsigned integers are widened as the engines widen them (uint16 → int32,
    /// uint32 → int64, uint64 → int64 when it fits), so a <c>uint[]</c> compares as the tensor an engine makes of it.
    /// </summary>
    /// <exception cref="ArgumentException">A jagged array, or an array of an element type no engine holds.</exception>
    public static NpyArray? HostOrNull(object value, string name)
    {
        switch (value)
        {
            case NpyArray npy:
                return npy;
            case Array array:
                {
                    if (array.GetType().GetElementType()!.IsArray)
                        throw new ArgumentException(
                            $"Argument `{name}` must be a tensor, a rectangular .NET array (float[,]) or an NpyArray, not a jagged array. Received: {name} is a {TensorFormat.TypeName(array.GetType())}. " +
                            "Copy it into a rectangular array of the same shape.", name);
                    long[] shape = HostArrays.ShapeOf(array);
                    Array flat = HostArrays.WidenUnsigned(HostArrays.Flatten(array), name);
                    if (KnownDType(flat) is null)
                        throw new ArgumentException(
                            $"Argument `{name}` must hold float16, float32, float64, integer (signed or unsigned) or bool elements. " +
                            $"Received: {name} is a {TensorFormat.TypeName(array.GetType())}. Convert it to one of those, e.g. to double[].", name);
                    return new NpyArray(flat, shape);
                }
        }
        Array? scalar = value switch
        {
            double d => new[] { d },
            float f => new[] { f },
            Half h => new[] { h },
            long l => new[] { l },
            int i => new[] { i },
            short s => new[] { s },
            sbyte sb => new[] { sb },
            byte b => new[] { b },
            bool b => new[] { b },
            ushort or uint or ulong => HostArrays.WidenUnsigned(value switch
            {
                ushort us => new[] { us },
                uint ui => new[] { ui },
                _ => (Array)new[] { (ulong)value },
            }, name),
            _ => null,
        };
        return scalar is null ? null : new NpyArray(scalar);
    }

    /// <summary>The engine owning <paramref name="value"/>, which must hold a dtype CrossBackend knows: a complex
    /// tensor (DType.Other) is refused rather than read through float64, which keeps only the real part.</summary>
    public static ITensorEngine EngineOf(object value, string name)
    {
        ITensorEngine engine = TensorEngines.OwnerOf(value.GetType()) ?? throw new ArgumentException(
            $"Argument `{name}` must be a tensor of a CrossBackend engine, a .NET array, an NpyArray or a number. " +
            $"Received: {name} is a {TensorFormat.TypeName(value.GetType(), qualified: true)}. Engines found: " +
            $"{(TensorEngines.All.Count == 0 ? "none (reference an engine project)" : string.Join(", ", TensorEngines.All.Select(e => e.Name)))}.",
            name);
        if (engine.Describe(value).DType == DType.Other)
            throw UnnamedDType.Refused(name, $"{name} is a {engine.Name} tensor", "compare");
        return engine;
    }

    /// <summary>The dtype of a flat host array, or null when no engine holds its element type.</summary>
    private static DType? KnownDType(Array flat) =>
        DTypes.OfElementType(flat.GetType().GetElementType()!) is var d && d != DType.Other ? d : null;

    /// <summary>Flat row-major data of a known element type (as <see cref="ITensorEngine.ToArray"/> and
    /// <see cref="NpyArray.Data"/> hold it) with its shape and dtype.</summary>
    private static TensorValues Read(Array flat, long[] shape, DType dtype)
    {
        if (dtype.IsFloatingPoint()) return new(HostArrays.ToDoubles(flat), shape, dtype, null);
        long[] integers = HostArrays.ToLongs(flat);
        return new(Array.ConvertAll(integers, v => (double)v), shape, dtype, integers);
    }
}
