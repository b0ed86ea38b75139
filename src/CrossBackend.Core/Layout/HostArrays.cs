using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CrossBackend;

/// <summary>Row-major .NET arrays of any rank and element type: shapes, flattening and axis moves on the host.</summary>
internal static class HostArrays
{
    /// <summary>
    /// A flat array of unsigned integers wider than a byte, widened exactly to the signed type both engines hold:
    /// <c>ushort[]</c> to <c>int[]</c> (int32), <c>uint[]</c> to <c>long[]</c> (int64), <c>ulong[]</c> to <c>long[]</c>
    /// when every value fits (else refused, naming <paramref name="name"/>); any other array is returned as it is.
    /// The runtime lets <c>uint[]</c> pass as <c>int[]</c> (<c>ushort[]</c> as <c>short[]</c>, <c>ulong[]</c> as
    /// <c>long[]</c>), so without this the bits were read as signed values: 4000000000 became −294967296.
    /// </summary>
    public static Array WidenUnsigned(Array data, string name)
    {
        Type type = data.GetType();
        if (type == typeof(ushort[])) return Array.ConvertAll((ushort[])data, v => (int)v);
        if (type == typeof(uint[])) return Array.ConvertAll((uint[])data, v => (long)v);
        if (type != typeof(ulong[])) return data;
        var values = (ulong[])data;
        var result = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = values[i] <= long.MaxValue ? (long)values[i] : throw new ArgumentOutOfRangeException(name, values[i],
                $"Argument `{name}` must hold values that fit int64 (at most {long.MaxValue}): no engine has a uint64 dtype. " +
                $"Received: {name}[{i}]={values[i]} in a UInt64[]. Keep such values in a float64 array (double[], rounded past 2⁵³) or split them.");
        return result;
    }

    /// <summary>The element type an array of <paramref name="element"/> holds after <see cref="WidenUnsigned"/>: ushort
    /// becomes int, uint and ulong become long, any other type stays.</summary>
    public static Type WidenedElementType(Type element) =>
        element == typeof(ushort) ? typeof(int) : element == typeof(uint) || element == typeof(ulong) ? typeof(long) : element;

    /// <summary>
    /// A flat array about to become a tensor of <paramref name="shape"/>: the shape's axes must be non-negative and
    /// their product (1 for rank 0) must be the array's length. Both engines took a longer array silently (its tail
    /// dropped) and refused a shorter one in their own words.
    /// </summary>
    public static void RequireShapeFits(Array data, long[] shape, string dataName, string shapeName)
    {
        ArgumentNullException.ThrowIfNull(shape, shapeName);
        if (shape.Any(d => d < 0))
            throw new ArgumentOutOfRangeException(shapeName,
                $"Argument `{shapeName}` must hold non-negative lengths. Received: {shapeName}={TensorInfo.FormatShape(shape)}");
        long count = Shapes.Count(shape);
        if (count != data.Length)
            throw new ArgumentException(
                $"Argument `{dataName}` must hold exactly as many values as `{shapeName}` has elements ({count}). " +
                $"Received: {dataName}.Length={data.Length}, {shapeName}={TensorInfo.FormatShape(shape)}", dataName);
    }

    /// <summary>
    /// A flat host array of a known element type (as <see cref="ITensorEngine.ToArray"/> and
    /// <see cref="IO.NpyArray.Data"/> hold values) as float64: exact for every floating type and for integers below 2⁵³.
    /// Read by the runtime type, not by pattern: the runtime lets a byte[] pass as an sbyte[] (and int[] as uint[], ...).
    /// A double[] is returned as it is, not copied.
    /// </summary>
    public static double[] ToDoubles(Array flat) => flat.GetType() switch
    {
        var t when t == typeof(double[]) => (double[])flat,
        var t when t == typeof(float[]) => Array.ConvertAll((float[])flat, v => (double)v),
        var t when t == typeof(Half[]) => Array.ConvertAll((Half[])flat, v => (double)v),
        var t when t == typeof(long[]) || t == typeof(int[]) || t == typeof(short[]) || t == typeof(sbyte[]) || t == typeof(byte[]) || t == typeof(bool[])
            => Array.ConvertAll(ToLongs(flat), v => (double)v),
        var t => throw new ArgumentException($"Values of element type {TensorFormat.TypeName(t)} are not read as numbers.", nameof(flat)),
    };

    /// <summary>A flat host array of integers or bools as exact int64 values (a floating array, an engine's default
    /// <see cref="ITensorEngine.ToArray"/> for a dtype it lacks, truncated toward 0).</summary>
    public static long[] ToLongs(Array flat) => flat.GetType() switch
    {
        var t when t == typeof(long[]) => (long[])flat,
        var t when t == typeof(int[]) => Array.ConvertAll((int[])flat, v => (long)v),
        var t when t == typeof(short[]) => Array.ConvertAll((short[])flat, v => (long)v),
        var t when t == typeof(sbyte[]) => Array.ConvertAll((sbyte[])flat, v => (long)v),
        var t when t == typeof(byte[]) => Array.ConvertAll((byte[])flat, v => (long)v),
        var t when t == typeof(bool[]) => Array.ConvertAll((bool[])flat, v => v ? 1L : 0L),
        var t when t == typeof(double[]) || t == typeof(float[]) || t == typeof(Half[]) => Array.ConvertAll(ToDoubles(flat), v => (long)v),
        var t => throw new ArgumentException($"Values of element type {TensorFormat.TypeName(t)} are not read as numbers.", nameof(flat)),
    };

    /// <summary>Float64 values in the .NET type of <paramref name="dtype"/> (bfloat16 as <c>float[]</c>): each converted as
    /// a cast does (exact for values the dtype holds).</summary>
    public static Array FromDoubles(double[] values, DType dtype) => dtype switch
    {
        DType.Float64 => values,
        DType.Float32 or DType.BFloat16 => Array.ConvertAll(values, v => (float)v),
        DType.Float16 => Array.ConvertAll(values, v => (Half)v),
        DType.Int64 => Array.ConvertAll(values, v => (long)v),
        DType.Int32 => Array.ConvertAll(values, v => (int)v),
        DType.Int16 => Array.ConvertAll(values, v => (short)v),
        DType.Int8 => Array.ConvertAll(values, v => (sbyte)v),
        DType.UInt8 => Array.ConvertAll(values, v => (byte)v),
        DType.Bool => Array.ConvertAll(values, v => v != 0),
        _ => values,
    };

    /// <summary>The lengths of every dimension (a jagged array is refused: it has no single shape).</summary>
    public static long[] ShapeOf(Array array)
    {
        if (array.GetType().GetElementType()!.IsArray)
            throw new ArgumentException(
                $"Jagged arrays are not supported; use a rectangular array such as float[,,,]. Received: a {TensorFormat.TypeName(array.GetType())}", nameof(array));
        var shape = new long[array.Rank];
        for (int d = 0; d < shape.Length; d++) shape[d] = array.GetLongLength(d);
        return shape;
    }

    /// <summary>The elements in row-major order, as a one-dimensional array of the same element type.</summary>
    public static Array Flatten(Array array)
    {
        Type element = array.GetType().GetElementType()!;
        if (array.Rank == 1 && array.GetLowerBound(0) == 0) return array;
        Array flat = Array.CreateInstance(element, array.LongLength);
        Invoke(nameof(CopyFlat), element, array, flat);
        return flat;
    }

    /// <summary>A one-dimensional array's elements, row-major, as a new array of <paramref name="lengths"/> (the inverse of
    /// <see cref="Flatten"/>); a one-dimensional <paramref name="lengths"/> returns <paramref name="flat"/> itself.</summary>
    public static Array Shaped(Array flat, int[] lengths)
    {
        if (lengths.Length == 1) return flat;
        Type element = flat.GetType().GetElementType()!;
        Array shaped = Array.CreateInstance(element, lengths);
        Invoke(nameof(CopyFlat), element, flat, shaped);
        return shaped;
    }

    /// <summary>A new array of the same element type with <paramref name="source"/> moved to <paramref name="destination"/>
    /// (NumPy's <c>moveaxis</c>).</summary>
    public static Array MoveAxis(Array array, int source, int destination)
    {
        long[] shape = ShapeOf(array);
        int[] order = Shapes.MoveAxisOrder(shape.Length, source, destination);
        int[] lengths = order.Select(a => (int)shape[a]).ToArray();
        Type element = array.GetType().GetElementType()!;
        Array result = Array.CreateInstance(element, lengths);
        Invoke(nameof(Permute), element, array, result, shape, order);
        return result;
    }

    private static void Invoke(string method, Type element, params object[] args) =>
        typeof(HostArrays).GetMethod(method, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(element).Invoke(null, TensorProgram.DoNotWrap, null, args, null);

    private static Span<T> Elements<T>(Array array) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(array)), checked((int)array.LongLength));

    private static void CopyFlat<T>(Array from, Array to) => Elements<T>(from).CopyTo(Elements<T>(to));

    /// <summary>out[i_order0, i_order1, …] = in[i_0, i_1, …]: output axis k is input axis <paramref name="order"/>[k].</summary>
    private static void Permute<T>(Array from, Array to, long[] shape, int[] order)
    {
        Span<T> input = Elements<T>(from), output = Elements<T>(to);
        int rank = shape.Length;
        var strides = new long[rank];
        for (long s = 1, d = rank - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        long[] outShape = order.Select(a => shape[a]).ToArray();
        long[] step = order.Select(a => strides[a]).ToArray();
        var index = new long[rank];
        long offset = 0;
        for (int o = 0; o < output.Length; o++)
        {
            output[o] = input[(int)offset];
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                offset += step[d];
                if (index[d] < outShape[d]) break;
                offset -= step[d] * outShape[d];
                index[d] = 0;
            }
        }
    }
}
