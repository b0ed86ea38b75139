using System.Runtime.InteropServices;

namespace CrossBackend.IO;

/// <summary>
/// A NumPy array as <c>.npy</c> and <c>.npz</c> files hold it: flat row-major (C-order) data and a shape. The
/// exchange format between Keras/PyTorch users and .NET: read it with <see cref="NpyFile"/> or
/// <see cref="NpzFile"/>, turn it into a .NET array (<see cref="ToArray"/>) or an engine tensor
/// (<see cref="ToTensor"/>), and back.
/// </summary>
/// <remarks>
/// Element types (NumPy dtype → <see cref="Data"/>): float16 → <see cref="Half"/>[], float32 → float[],
/// float64 → double[], int8 → sbyte[], int16 → short[], int32 → int[], int64 → long[], uint8 → byte[],
/// bool → bool[]. A 0-d array (NumPy's <c>np.save("w.npy", 2.3)</c>) has shape <c>[]</c> and one element.
/// </remarks>
public sealed class NpyArray
{
    /// <summary>An array from flat row-major data and its shape.</summary>
    /// <param name="data">A one-dimensional array of a supported element type (see the remarks on
    /// <see cref="NpyArray"/>); it is kept, not copied.</param>
    /// <param name="shape">The shape; its product must equal <paramref name="data"/>'s length. Empty for a 0-d array
    /// (one element).</param>
    /// <exception cref="ArgumentException">The element type is not supported, <paramref name="data"/> is not
    /// one-dimensional, or the shape does not match its length.</exception>
    public NpyArray(Array data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (data.Rank != 1)
            throw new ArgumentException(
                $"Argument `data` must be a one-dimensional array (use NpyArray.FromArray for a multi-dimensional one). Received: data.Rank={data.Rank}",
                nameof(data));
        Type element = data.GetType().GetElementType()!;
        NpyDTypes.Entry entry = NpyDTypes.ForElementType(element) ?? throw new ArgumentException(
            $"Argument `data` must hold {NpyDTypes.SupportedText.Split(';')[0]} elements. Received: a {element.Name}[]", nameof(data));
        long count = ElementCount(shape, nameof(shape));
        if (count != data.LongLength)
            throw new ArgumentException(
                $"Argument `shape` must have as many elements as `data`. Received: shape={TensorInfo.FormatShape(shape)} ({count} elements), data.Length={data.LongLength}",
                nameof(shape));
        Data = data;
        Shape = shape;
        DType = entry.DType;
    }

    /// <summary>The elements, flat, in row-major order.</summary>
    public Array Data { get; }

    /// <summary>The shape, outermost axis first; empty for a 0-d array.</summary>
    public long[] Shape { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The NumPy type string as a <c>.npy</c> header writes it, e.g. <c>&lt;f4</c> or <c>|b1</c>.</summary>
    public string Descr => NpyDTypes.ForDType(DType)!.Descr;

    /// <summary>The number of elements (1 for a 0-d array).</summary>
    public long Length => Data.LongLength;

    /// <inheritdoc/>
    public override string ToString() => $"NpyArray({DType.Name()}, shape {TensorInfo.FormatShape(Shape)})";

    /// <summary>
    /// An array from any .NET array: one-dimensional (<c>float[]</c>) or multi-dimensional (<c>float[,,]</c>); the
    /// shape is the array's lengths and the data is copied in row-major order.
    /// </summary>
    /// <exception cref="ArgumentException">The element type is not supported, or the array is jagged.</exception>
    public static NpyArray FromArray(Array array)
    {
        ArgumentNullException.ThrowIfNull(array);
        Type element = array.GetType().GetElementType()!;
        if (element.IsArray)
            throw new ArgumentException(
                $"Argument `array` must be a rectangular array such as float[,], not a jagged one. Received: a {TensorFormat.TypeName(array.GetType())}", nameof(array));
        NpyDTypes.Entry entry = NpyDTypes.ForElementType(element) ?? throw new ArgumentException(
            $"Argument `array` must hold {NpyDTypes.SupportedText.Split(';')[0]} elements. Received: a {TensorFormat.TypeName(array.GetType())}", nameof(array));
        long[] shape = new long[array.Rank];
        for (int d = 0; d < shape.Length; d++) shape[d] = array.GetLongLength(d);
        Array flat = Array.CreateInstance(element, array.LongLength);
        Bytes(array, entry.Size).CopyTo(Bytes(flat, entry.Size));
        return new NpyArray(flat, shape);
    }

    /// <summary>
    /// The values of any engine's tensor (found with <see cref="TensorEngines.OwnerOf"/>), in the tensor's own
    /// layout and dtype. bfloat16 has no NumPy type: it is stored as float32 (exactly).
    /// </summary>
    /// <exception cref="ArgumentException">No engine owns the tensor, or its dtype has no NumPy counterpart.</exception>
    public static NpyArray FromTensor(object tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ITensorEngine engine = TensorEngines.OwnerOf(tensor.GetType()) ?? throw new ArgumentException(
            $"Argument `tensor` must be a tensor of a CrossBackend engine. Received: a {TensorFormat.TypeName(tensor.GetType(), qualified: true)}", nameof(tensor));
        DType dtype = engine.Describe(tensor).DType;
        if (dtype == DType.Other)
            throw new ArgumentException($"Argument `tensor` has a dtype .npy files cannot hold. Received: tensor.dtype={dtype.Name()}", nameof(tensor));
        Array data = engine.ToArray(tensor, out long[] shape);
        return new NpyArray(data, shape);
    }

    /// <summary>
    /// A .NET array with this shape: <c>T[,]</c> for rank 2, <c>T[,,]</c> for rank 3, and so on. Rank 1 gives a copy
    /// of <see cref="Data"/>; rank 0 gives a one-element <c>T[]</c> (.NET has no rank-0 arrays).
    /// </summary>
    /// <exception cref="InvalidOperationException">An axis is longer than <see cref="int.MaxValue"/>.</exception>
    public Array ToArray()
    {
        Type element = Data.GetType().GetElementType()!;
        if (Shape.Length <= 1) return (Array)Data.Clone();
        int[] lengths = Shape.Select(n => n <= int.MaxValue ? (int)n
            : throw new InvalidOperationException($"Axis of length {n} is too long for a .NET array.")).ToArray();
        Array result = Array.CreateInstance(element, lengths);
        int size = NpyDTypes.ForDType(DType)!.Size;
        Bytes(Data, size).CopyTo(Bytes(result, size));
        return result;
    }

    /// <summary>The values as float64 (exact for every supported dtype except int64 beyond 2^53), row-major; a copy.</summary>
    public double[] ToDoubleArray() => Data is double[] d ? (double[])d.Clone() : HostArrays.ToDoubles(Data);

    /// <summary>
    /// A tensor of <paramref name="engine"/> holding these values. float32, float64, int32 and int64 keep their
    /// dtype; float16 is created as float32 and cast (exactly) with <see cref="ITensorEngine.Cast"/>; int8, int16,
    /// uint8 and bool become int32 tensors (the engines create no narrower integer tensors from arrays).
    /// </summary>
    /// <param name="engine">The engine.</param>
    /// <param name="fromChannelsLast">Whether the data is channels-last (as Keras and NumPy hold it): its last axis
    /// is then moved to the engine's class axis (<see cref="EngineInterop.FromChannelsLast"/>), so a channels-first
    /// engine receives (Batch, C, …). False: the data goes in as it is.</param>
    public object ToTensor(ITensorEngine engine, bool fromChannelsLast = false)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Array data = DType switch
        {
            DType.Float32 or DType.Float64 or DType.Int32 or DType.Int64 => Data,
            DType.Float16 => Convert((Half[])Data, v => (float)v),
            DType.Int8 => Convert((sbyte[])Data, v => (int)v),
            DType.Int16 => Convert((short[])Data, v => (int)v),
            DType.UInt8 => Convert((byte[])Data, v => (int)v),
            DType.Bool => Convert((bool[])Data, v => v ? 1 : 0),
            _ => throw new InvalidOperationException("unreachable: element type checked in the constructor"),
        };
        object tensor = fromChannelsLast ? engine.FromChannelsLast(data, Shape) : engine.FromArray(data, Shape);
        return DType == DType.Float16 ? engine.Cast(tensor, DType.Float16) : tensor;
    }

    internal static long ElementCount(IReadOnlyList<long> shape, string argumentName)
    {
        long count = 1;
        foreach (long n in shape)
        {
            if (n < 0)
                throw new ArgumentException(
                    $"Argument `{argumentName}` must not have negative lengths. Received: {argumentName}={TensorInfo.FormatShape(shape)}", argumentName);
            try { count = checked(count * n); }
            catch (OverflowException)
            {
                throw new ArgumentException($"Argument `{argumentName}` is too large. Received: {argumentName}={TensorInfo.FormatShape(shape)}", argumentName);
            }
        }
        return count;
    }

    /// <summary>The raw bytes of any array of an unmanaged element type (any rank), in memory (row-major) order.</summary>
    internal static Span<byte> Bytes(Array array, int elementSize) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), checked((int)(array.LongLength * elementSize)));

    private static TTo[] Convert<TFrom, TTo>(TFrom[] from, Func<TFrom, TTo> convert)
    {
        var to = new TTo[from.Length];
        for (int i = 0; i < to.Length; i++) to[i] = convert(from[i]);
        return to;
    }
}
