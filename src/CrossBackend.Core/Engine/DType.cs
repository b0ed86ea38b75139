namespace CrossBackend;

/// <summary>Element types the engines report, named as in NumPy/PyTorch.</summary>
public enum DType
{
    /// <summary>An element type CrossBackend does not know.</summary>
    Other,
    /// <summary>bool.</summary>
    Bool,
    /// <summary>uint8.</summary>
    UInt8,
    /// <summary>int8.</summary>
    Int8,
    /// <summary>int16.</summary>
    Int16,
    /// <summary>int32.</summary>
    Int32,
    /// <summary>int64.</summary>
    Int64,
    /// <summary>IEEE half precision (float16).</summary>
    Float16,
    /// <summary>bfloat16: the upper 16 bits of a float32.</summary>
    BFloat16,
    /// <summary>float32.</summary>
    Float32,
    /// <summary>float64.</summary>
    Float64,
}

/// <summary>Helpers on <see cref="DType"/>.</summary>
public static class DTypes
{
    /// <summary>Whether the type is a floating-point type.</summary>
    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float16 or DType.BFloat16 or DType.Float32 or DType.Float64;

    /// <summary>Whether the type is float16 or bfloat16, which the engines compute in float32 and round once.</summary>
    public static bool IsNarrowFloat(this DType dtype) => dtype is DType.Float16 or DType.BFloat16;

    /// <summary><paramref name="value"/> rounded to the nearest value of a floating <paramref name="dtype"/> (float16
    /// directly from double, as NumPy's <c>float16(x)</c>; bfloat16 from the float32 value, round to nearest even);
    /// other dtypes return it unchanged.</summary>
    internal static double RoundTo(this DType dtype, double value) => dtype switch
    {
        DType.Float32 => (float)value,
        DType.Float16 => (double)(Half)value,
        DType.BFloat16 => BFloat16Round((float)value),
        _ => value,
    };

    /// <summary>Round to nearest even on the upper 16 bits of a float32 (bfloat16), back as a double; NaN and ±∞ stay.</summary>
    private static double BFloat16Round(float f)
    {
        uint bits = BitConverter.SingleToUInt32Bits(f);
        uint rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000;
        return BitConverter.UInt32BitsToSingle(rounded);
    }

    /// <summary>The dtype of a .NET element type (<see cref="DType.Other"/> when it has none).</summary>
    public static DType OfElementType(Type elementType) =>
        elementType == typeof(float) ? DType.Float32
        : elementType == typeof(double) ? DType.Float64
        : elementType == typeof(Half) ? DType.Float16
        : elementType == typeof(int) ? DType.Int32
        : elementType == typeof(long) ? DType.Int64
        : elementType == typeof(short) ? DType.Int16
        : elementType == typeof(sbyte) ? DType.Int8
        : elementType == typeof(byte) ? DType.UInt8
        : elementType == typeof(bool) ? DType.Bool
        : DType.Other;

    /// <summary>The NumPy-style name ("float32", "int64", ...), as used in error messages.</summary>
    public static string Name(this DType dtype) => dtype.ToString().ToLowerInvariant();
}
