using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>Reading and writing the elements of a <see cref="Tensor{T}"/> as flat row-major data.</summary>
/// <remarks><c>GetPinnableReference</c> ignores a slice's offset in System.Numerics.Tensors 10.0, so data is
/// reached only through <c>TryGetSpan</c> or the backing array (dense tensors, no copy) or <c>FlattenTo</c> (strided views, one copy).</remarks>
internal static class TensorData
{
    /// <summary>The elements in row-major order: the tensor's own memory when dense, else a flattened copy.</summary>
    public static ReadOnlySpan<T> Read<T>(Tensor<T> tensor)
    {
        int length = checked((int)tensor.FlattenedLength);
        if (length == 0) return [];
        Span<nint> start = stackalloc nint[tensor.Rank];
        if (tensor.IsDense && tensor.TryGetSpan(start, length, out ReadOnlySpan<T> span)) return span;
        // TryGetSpan refuses some dense tensors with a length-1 axis ((N, 1) labels); FlattenTo would copy them one
        // element at a time through System.Numerics.Tensors' generic iterator (seen running unoptimised, replaced on
        // the stack, in a process's first calls).
        if (WholeArray(tensor) is { } whole) return whole;
        var copy = NumericsResultScope.Allocate<T>(length);
        tensor.FlattenTo(copy);
        return copy;
    }

    /// <summary>
    /// The array <paramref name="tensor"/> lies over when it covers the whole array, row-major (every axis longer than 1
    /// has the row-major stride), else null. Then a tensor of another shape can be created over the same array
    /// without a copy. System.Numerics.Tensors 10 has no public accessor for it, so its private field is read
    /// through <see cref="UnsafeAccessorAttribute"/>; if a later version renames the field this returns null (one
    /// copy, as before) instead of failing.
    /// </summary>
    public static T[]? WholeArray<T>(Tensor<T> tensor)
    {
        T[]? values = BackingArray(tensor);
        if (values is null || values.Length != tensor.FlattenedLength || values.Length == 0) return null;
        ReadOnlySpan<nint> lengths = tensor.Lengths, strides = tensor.Strides;
        nint expected = 1;
        for (int d = lengths.Length - 1; d >= 0; d--)
        {
            if (lengths[d] != 1 && strides[d] != expected) return null;
            expected *= lengths[d];
        }
        return values;
    }

    /// <summary>The array <paramref name="tensor"/> lies over, whole or in part, or null when it cannot be read (see
    /// <see cref="WholeArray{T}"/>).</summary>
    public static T[]? BackingArray<T>(Tensor<T> tensor)
    {
        if (!Fields<T>.Available) return null;
        try { return Fields<T>.Values(tensor); }
        catch (MissingFieldException) { Fields<T>.Available = false; return null; }
    }

    private static class Fields<T>
    {
        public static bool Available = true;

        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_values")]
        public static extern ref T[] Values(Tensor<T> tensor);
    }

    /// <summary>A copy of the elements in row-major order.</summary>
    public static T[] ToArray<T>(Tensor<T> tensor) => Read(tensor).ToArray();

    /// <summary>The lengths as <see cref="long"/>s.</summary>
    public static long[] Shape(ReadOnlySpan<nint> lengths)
    {
        var shape = new long[lengths.Length];
        for (int i = 0; i < shape.Length; i++) shape[i] = lengths[i];
        return shape;
    }

    /// <summary>Converts lengths to the <see cref="nint"/> form System.Numerics.Tensors takes.</summary>
    public static nint[] Lengths(ReadOnlySpan<long> shape)
    {
        var lengths = new nint[shape.Length];
        for (int i = 0; i < lengths.Length; i++) lengths[i] = checked((nint)shape[i]);
        return lengths;
    }

    /// <summary>A tensor over <paramref name="data"/> (no copy).</summary>
    public static Tensor<T> Create<T>(T[] data, ReadOnlySpan<long> shape) => Tensor.Create(data, Lengths(shape));

    /// <summary>Numbers → integer storage <typeparamref name="TTo"/> of <paramref name="dtype"/> in one pass, each by the
    /// cast rule (<see cref="DTypes.CastToInteger"/>: truncation; NaN and out-of-range values as PyTorch and NumPy give
    /// them), whose results the storage type holds exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor<TTo> ToInteger<TTo>(Tensor<double> source, DType dtype) where TTo : IBinaryInteger<TTo>
    {
        ReadOnlySpan<double> from = Read(source);
        var to = NumericsResultScope.Allocate<TTo>(from.Length);
        for (int i = 0; i < to.Length; i++) to[i] = TTo.CreateTruncating(dtype.CastToInteger(from[i]));
        return Tensor.Create(to, source.Lengths);
    }

    /// <summary>An integer tensor in another integer dtype as C, NumPy and libtorch convert integers: the low bits, two's
    /// complement (int64 5000000001 → int32 705032705, → uint8 1), with no detour through float64, which would round
    /// beyond 2⁵³ and give the type's minimum beyond int32. Null when the source is not an integer tensor or the target
    /// is not an integer dtype.</summary>
    public static object? IntegerToInteger(object tensor, DType dtype) => tensor switch
    {
        Tensor<long> t => IntegerTo(t, dtype),
        Tensor<int> t => IntegerTo(t, dtype),
        Tensor<short> t => IntegerTo(t, dtype),
        Tensor<sbyte> t => IntegerTo(t, dtype),
        Tensor<byte> t => IntegerTo(t, dtype),
        _ => null,
    };

    private static object? IntegerTo<TFrom>(Tensor<TFrom> source, DType dtype) where TFrom : IBinaryInteger<TFrom> => dtype switch
    {
        DType.Int64 => Wrap<TFrom, long>(source),
        DType.Int32 => Wrap<TFrom, int>(source),
        DType.Int16 => Wrap<TFrom, short>(source),
        DType.Int8 => Wrap<TFrom, sbyte>(source),
        DType.UInt8 => Wrap<TFrom, byte>(source),
        _ => null,
    };

    private static Tensor<TTo> Wrap<TFrom, TTo>(Tensor<TFrom> source) where TFrom : IBinaryInteger<TFrom> where TTo : IBinaryInteger<TTo>
    {
        if (typeof(TFrom) == typeof(TTo)) return (Tensor<TTo>)(object)source;
        ReadOnlySpan<TFrom> from = Read(source);
        var to = NumericsResultScope.Allocate<TTo>(from.Length);
        for (int i = 0; i < to.Length; i++) to[i] = TTo.CreateTruncating(from[i]);
        return Tensor.Create(to, source.Lengths);
    }

    /// <summary>Converts any numeric tensor's elements to <typeparamref name="TTo"/>.</summary>
    public static Tensor<TTo> Convert<TFrom, TTo>(Tensor<TFrom> source)
        where TFrom : INumberBase<TFrom> where TTo : INumberBase<TTo>
    {
        ReadOnlySpan<TFrom> from = Read(source);
        var to = new TTo[from.Length];
        if (IsIntegerType<TFrom>()) ConvertChecked(from, to);
        else TensorPrimitives.ConvertChecked(from, to);
        return Tensor.Create(to, source.Lengths);
    }

    /// <summary>
    /// <c>TensorPrimitives.ConvertChecked</c>'s rule (<c>CreateChecked</c> per element) in a loop compiled optimised
    /// from the first call, for integer sources (labels): for int64 → float32 TensorPrimitives takes a per-element
    /// software fallback, seen running unoptimised (replaced on the stack) in a process's first calls. Floating
    /// sources keep TensorPrimitives' conversions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvertChecked<TFrom, TTo>(ReadOnlySpan<TFrom> from, Span<TTo> to)
        where TFrom : INumberBase<TFrom> where TTo : INumberBase<TTo>
    {
        for (int i = 0; i < from.Length; i++) to[i] = TTo.CreateChecked(from[i]);
    }

    /// <summary>Whether <typeparamref name="TNumber"/> is one of the integer element types (folded by the JIT).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsIntegerType<TNumber>() =>
        typeof(TNumber) == typeof(long) || typeof(TNumber) == typeof(int) || typeof(TNumber) == typeof(short)
        || typeof(TNumber) == typeof(sbyte) || typeof(TNumber) == typeof(byte);

    /// <summary>Numbers → bool: non-zero (NaN included, as NumPy's <c>bool(nan)</c>) is true.</summary>
    public static Tensor<bool> ToBools(Tensor<double> source)
    {
        ReadOnlySpan<double> from = Read(source);
        var to = new bool[from.Length];
        for (int i = 0; i < to.Length; i++) to[i] = from[i] != 0;
        return Tensor.Create(to, source.Lengths);
    }

    /// <summary>bfloat16 → float32 (exact).</summary>
    public static Tensor<float> Widen(Tensor<BFloat16> source)
    {
        ReadOnlySpan<BFloat16> from = Read(source);
        var to = new float[from.Length];
        for (int i = 0; i < to.Length; i++) to[i] = (float)from[i];
        return Tensor.Create(to, source.Lengths);
    }

    /// <summary>float32 → bfloat16 (round to nearest even).</summary>
    public static Tensor<BFloat16> NarrowToBFloat16(Tensor<float> source)
    {
        ReadOnlySpan<float> from = Read(source);
        var to = new BFloat16[from.Length];
        for (int i = 0; i < to.Length; i++) to[i] = (BFloat16)from[i];
        return Tensor.Create(to, source.Lengths);
    }

    /// <summary>The element type of a tensor type, as a <see cref="DType"/>.</summary>
    public static DType DTypeOf(Type elementType) =>
        elementType == typeof(BFloat16) ? DType.BFloat16 : DTypes.OfElementType(elementType);
}
