using System.Numerics;

namespace CrossBackend;

/// <summary>
/// <see cref="Backend.Cast(object, DType)"/> of a leaf that is not a tensor: a .NET array of numbers (rectangular or
/// jagged) or a .NET number. FastEstimator casts its NumPy leaf on the host, <c>np.array(data, dtype=dtype)</c> (an
/// <c>astype</c> copy), and .NET arrays play NumPy's role here as in <c>ToTensor</c>, <c>ToType</c> and
/// <c>ToShape</c>, so the result is the same kind of value in the .NET type of the dtype, as
/// <see cref="Backend.ToNumber(object)"/> maps dtypes: float64 → <c>double</c>, float32 → <c>float</c>, float16 →
/// <c>Half</c>, int64 → <c>long</c>, int32 → <c>int</c>, int16 → <c>short</c>, int8 → <c>sbyte</c>, uint8 →
/// <c>byte</c>, bool → <c>bool</c> (a <c>float[2, 3]</c> to "float64" is a <c>double[2, 3]</c>, a jagged
/// <c>float[][]</c> a <c>double[][]</c>, a number a number). Always a copy, as <c>np.array</c> copies.
/// </summary>
/// <remarks>Values convert as <see cref="Backend.Cast(object, DType)"/> converts a tensor, which is NumPy's
/// <c>astype</c> on x86: to a float, rounded once from the value's own type; floats to integers truncated toward zero,
/// with NaN, ±∞ and values beyond int32/int64 giving the type's minimum and int16/int8/uint8 wrapping that int32
/// (<see cref="DTypes.CastToInteger"/>: −1.0 → uint8 255, 300.7 → 44); integers to integers keep the low bits
/// (int64 5000000001 → int32 705032705), unsigned sources included; to bool, non-zero (NaN too) is true. bfloat16 is
/// refused: .NET has no bfloat16 element type, and NumPy has no bfloat16 dtype either.</remarks>
internal static class HostCast
{
    /// <summary><paramref name="value"/> (a number, or an array of numbers of any rank, jagged too) in
    /// <paramref name="dtype"/>'s .NET type; <paramref name="path"/> names it in the bfloat16 refusal.</summary>
    public static object Cast(object value, DType dtype, string path)
    {
        Type target = ElementType(dtype, path);
        if (value is Array array) return CastArray(array, dtype, target);
        Array one = Array.CreateInstance(value.GetType(), 1);
        one.SetValue(value, 0);
        return CastFlat(one, dtype, target).GetValue(0)!;
    }

    /// <summary>The .NET element type of <paramref name="dtype"/> (<see cref="Backend.ToNumber(object)"/>'s mapping).</summary>
    private static Type ElementType(DType dtype, string path) => dtype switch
    {
        DType.Float64 => typeof(double),
        DType.Float32 => typeof(float),
        DType.Float16 => typeof(Half),
        DType.Int64 => typeof(long),
        DType.Int32 => typeof(int),
        DType.Int16 => typeof(short),
        DType.Int8 => typeof(sbyte),
        DType.UInt8 => typeof(byte),
        DType.Bool => typeof(bool),
        _ => throw new ArgumentException(
            $"Argument `dtype` must be a dtype a .NET array can hold to cast the .NET array or number at {path} (float64, float32, " +
            $"float16, int64, int32, int16, int8, uint8, bool): .NET has no {dtype.Name()} element type, as NumPy has none " +
            $"(FastEstimator's cast of a NumPy array to it raises TypeError). Received: dtype={dtype.Name()}. Make a tensor of it " +
            "first: Backend.Cast(Backend.ToTensor(data, \"numerics\"), dtype).", "dtype"),
    };

    /// <summary>A rectangular array converted element by element into the same lengths; a jagged one row by row into the
    /// same nesting (a null row stays null).</summary>
    private static Array CastArray(Array array, DType dtype, Type target)
    {
        Type element = array.GetType().GetElementType()!;
        int[] lengths = Enumerable.Range(0, array.Rank).Select(array.GetLength).ToArray();
        if (!element.IsArray) return HostArrays.Shaped(CastFlat(HostArrays.Flatten(array), dtype, target), lengths);
        Array result = Array.CreateInstance(Nested(element, target), lengths);
        int i = 0;
        foreach (object? row in array)   // row-major, for any rank
        {
            int[] index = new int[lengths.Length];
            for (int d = lengths.Length - 1, rest = i++; d >= 0; d--) { index[d] = rest % lengths[d]; rest /= lengths[d]; }
            result.SetValue(row is null ? null : CastArray((Array)row, dtype, target), index);
        }
        return result;
    }

    /// <summary>The array type <paramref name="row"/> becomes when its innermost element type is <paramref name="target"/>
    /// (<c>float[][,]</c> → <c>double[][,]</c>).</summary>
    private static Type Nested(Type row, Type target)
    {
        Type inner = row.GetElementType()!;
        Type element = inner.IsArray ? Nested(inner, target) : target;
        return row.IsSZArray ? element.MakeArrayType() : element.MakeArrayType(row.GetArrayRank());
    }

    /// <summary>A one-dimensional array converted into a new one of <paramref name="target"/>.</summary>
    private static Array CastFlat(Array flat, DType dtype, Type target)
    {
        // Read by the runtime type (the runtime lets a byte[] pass as an sbyte[]); bools are the numbers 0 and 1.
        if (flat.GetType() == typeof(bool[])) flat = Array.ConvertAll((bool[])flat, b => b ? (byte)1 : (byte)0);
        string method = target == typeof(bool) ? nameof(ToBools) : nameof(Converted);
        Type[] types = target == typeof(bool) ? [flat.GetType().GetElementType()!] : [flat.GetType().GetElementType()!, target];
        return (Array)typeof(HostCast).GetMethod(method, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(types).Invoke(null, TensorProgram.DoNotWrap, null, [flat, dtype], null)!;
    }

    private static TTo[] Converted<TFrom, TTo>(TFrom[] values, DType dtype) where TFrom : INumberBase<TFrom> where TTo : INumberBase<TTo>
    {
        var result = new TTo[values.Length];
        bool floatToInteger = !dtype.IsFloatingPoint() && (typeof(TFrom) == typeof(double) || typeof(TFrom) == typeof(float) || typeof(TFrom) == typeof(Half));
        // CreateTruncating: between floats and from integers to floats, the nearest value (rounded once); between
        // integers, the low bits. Floats to integers take the x86 rule of the tensor cast instead of saturating.
        if (floatToInteger)
            for (int i = 0; i < values.Length; i++) result[i] = TTo.CreateTruncating(dtype.CastToInteger(double.CreateTruncating(values[i])));
        else
            for (int i = 0; i < values.Length; i++) result[i] = TTo.CreateTruncating(values[i]);
        return result;
    }

    private static bool[] ToBools<TFrom>(TFrom[] values, DType dtype) where TFrom : INumberBase<TFrom> =>
        Array.ConvertAll(values, v => v != TFrom.Zero);   // NaN is not zero: true, as NumPy's astype(bool)
}
