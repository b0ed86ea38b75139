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

    /// <summary>
    /// A number cast to an integer <paramref name="dtype"/> as PyTorch, libtorch and NumPy cast floats on x86:
    /// truncated toward zero; to int64 or int32, NaN, ±∞ and values beyond the type's range give its minimum (the
    /// processor's "integer indefinite"); to int16, int8 and uint8, that int32 result wrapped to the type's width
    /// (−1.0 → uint8 255, 300.7 → uint8 44, NaN → 0, 3e9 → 0). PyTorch 1.13 and NumPy 1.24 give these for float32 and
    /// float64 sources alike (libtorch 2.10 through TorchSharp too, at 5 to 100,000 elements); bool is "non-zero"
    /// (NaN is true). Other dtypes return the value unchanged.
    /// </summary>
    /// <remarks>The value's source dtype is not known here, so an int64 beyond int32's range cast to int16, int8 or
    /// uint8 follows the same int32 rule (2^40 + 5 → uint8 0), where libtorch wraps the int64 itself (5).</remarks>
    internal static double CastToInteger(this DType dtype, double value) => dtype switch
    {
        DType.Int64 => Int64Of(value),
        DType.Int32 => Int32Of(value),
        DType.Int16 => unchecked((short)Int32Of(value)),
        DType.Int8 => unchecked((sbyte)Int32Of(value)),
        DType.UInt8 => unchecked((byte)Int32Of(value)),
        DType.Bool => value != 0 ? 1 : 0,
        _ => value,
    };

    /// <summary>The least and greatest values of an integer <paramref name="dtype"/> as doubles (int64's greatest,
    /// 2⁶³ − 1, is 2⁶³ as a double: test membership with <see cref="InIntegerRange"/>).</summary>
    internal static (double Lowest, double Highest) IntegerRange(this DType dtype) => dtype switch
    {
        DType.Int64 => (-9223372036854775808.0, 9223372036854775807.0),
        DType.Int32 => (int.MinValue, int.MaxValue),
        DType.Int16 => (short.MinValue, short.MaxValue),
        DType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DType.UInt8 => (byte.MinValue, byte.MaxValue),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Argument `dtype` must be an integer dtype."),
    };

    /// <summary>Whether <paramref name="value"/> lies within the integer <paramref name="dtype"/>'s range (int64: below 2⁶³;
    /// NaN never); every value does for the other dtypes.</summary>
    internal static bool InIntegerRange(this DType dtype, double value)
    {
        if (dtype is not (DType.Int64 or DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8)) return true;
        (double lowest, double highest) = dtype.IntegerRange();
        return value >= lowest && (dtype == DType.Int64 ? value < 9223372036854775808.0 : value <= highest);
    }

    /// <summary>The modulus m = 2^bits and offset h (m/2 for signed dtypes, 0 for uint8) with which a whole number v is
    /// brought into an int32, int16, int8 or uint8 range as two's complement wraps it: v − m·⌊(v + h)/m⌋, exact in
    /// float64 for |v| &lt; 2⁵³ (the core's float64 detour and torch's integer clip use the one rule).</summary>
    internal static (double Modulus, double Half) WrapTurn(this DType dtype)
    {
        double modulus = dtype switch { DType.Int32 => 4294967296.0, DType.Int16 => 65536.0, _ => 256.0 };
        return (modulus, dtype == DType.UInt8 ? 0 : modulus / 2);
    }

    /// <summary>A number as int64, truncated; NaN, ±∞ and values beyond int64 give <see cref="long.MinValue"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static long Int64Of(double value) =>
        value >= -9223372036854775808.0 && value < 9223372036854775808.0 ? (long)value : long.MinValue;   // NaN fails both

    /// <summary>A number as int32, truncated; NaN, ±∞ and values beyond int32 give <see cref="int.MinValue"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static int Int32Of(double value) =>
        value > -2147483649.0 && value < 2147483648.0 ? (int)value : int.MinValue;

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
