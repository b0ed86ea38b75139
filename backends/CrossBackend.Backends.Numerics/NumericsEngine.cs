using System.Numerics.Tensors;
using CrossBackend;
using CrossBackend.Backends.Numerics;

[assembly: TensorEngine(typeof(NumericsEngine))]

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The channels-last engine: <see cref="Tensor{T}"/> from System.Numerics.Tensors, classes on the last axis,
/// TensorFlow/Keras numerics. Programs compute in float32 or float64 (<see cref="NumericsOps{T}"/>); float16 and
/// bfloat16 are computed in float32 by the core; labels may have any numeric element type.
/// </summary>
/// <remarks>This engine stands where a TensorFlow.NET engine will go: TensorFlow.NET and its native runtime
/// cannot be restored in this build environment. A TensorFlow.NET engine is one more project like this one.</remarks>
public sealed class NumericsEngine : ITensorEngine
{
    internal const string EngineName = "numerics";

    /// <inheritdoc/>
    public string Name => EngineName;

    /// <inheritdoc/>
    public int ClassAxis => -1;

    /// <inheritdoc/>
    public bool Owns(Type tensorType) => tensorType.IsGenericType && tensorType.GetGenericTypeDefinition() == typeof(Tensor<>);

    /// <inheritdoc/>
    public object? OpsFor(Type tensorType) =>
        tensorType == typeof(Tensor<float>) ? NumericsOps<float>.Instance
        : tensorType == typeof(Tensor<double>) ? NumericsOps<double>.Instance
        : null;

    /// <inheritdoc/>
    public object Cast(object tensor, DType dtype)
    {
        Tensor<float> AsFloat() => NumericsOps<float>.Instance.Adopt(tensor, nameof(tensor));
        Tensor<double> AsDouble() => NumericsOps<double>.Instance.Adopt(tensor, nameof(tensor));
        if (TensorData.IntegerToInteger(tensor, dtype) is { } narrowed) return narrowed;
        return dtype switch
        {
            DType.Float32 => AsFloat(),
            DType.Float64 => AsDouble(),
            DType.Float16 => TensorData.Convert<float, Half>(AsFloat()),
            DType.BFloat16 => TensorData.NarrowToBFloat16(AsFloat()),
            DType.Int32 => TensorData.ToInteger<int>(AsDouble(), DType.Int32),
            DType.Int64 => tensor is Tensor<float> single ? Int64Conversion.FromFloat32(single) : TensorData.ToInteger<long>(AsDouble(), DType.Int64),
            DType.UInt8 => TensorData.ToInteger<byte>(AsDouble(), DType.UInt8),
            DType.Int8 => TensorData.ToInteger<sbyte>(AsDouble(), DType.Int8),
            DType.Int16 => TensorData.ToInteger<short>(AsDouble(), DType.Int16),
            DType.Bool => TensorData.ToBools(AsDouble()),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype,
                $"Argument `dtype` must be a dtype the numerics engine stores (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64). Received: dtype={dtype.Name()}"),
        };
    }

    /// <inheritdoc/>
    public TensorInfo Describe(object tensor) => tensor is IReadOnlyTensor t && Owns(tensor.GetType())
        ? new TensorInfo(TensorData.Shape(t.Lengths), TensorData.DTypeOf(tensor.GetType().GetGenericArguments()[0]), "cpu")
        : throw new ArgumentException($"Argument `{nameof(tensor)}` is a {TensorFormat.TypeName(tensor.GetType())}, not a Tensor<T>.", nameof(tensor));

    /// <inheritdoc/>
    /// <remarks>System.Numerics.Tensors 10 has no rank-0 tensors: a scalar (shape ()) becomes shape [1].</remarks>
    public object FromArray(Array data, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        HostArrays.RequireShapeFits(data, shape, nameof(data), nameof(shape));
        long[] stored = shape.Length == 0 ? [1] : shape;
        return HostArrays.WidenUnsigned(data, nameof(data)) switch
        {
            float[] f => TensorData.Create(f, stored),
            double[] d => TensorData.Create(d, stored),
            int[] i => TensorData.Create(i, stored),
            long[] l => TensorData.Create(l, stored),
            Half[] h => TensorData.Create(h, stored),
            sbyte[] sb when data.GetType() == typeof(sbyte[]) => TensorData.Create(sb, stored),   // the runtime lets byte[] and sbyte[] pass as each other
            byte[] b => TensorData.Create(b, stored),
            short[] s => TensorData.Create(s, stored),
            bool[] b => TensorData.Create(b, stored),
            _ => throw new ArgumentException(
                $"Argument `data` must be an array of float, double, int, long, short, sbyte, Half, byte or bool (ushort, uint and ulong are widened to int or long). Received: {TensorFormat.TypeName(data.GetType())}", nameof(data)),
        };
    }

    /// <inheritdoc/>
    public object MoveAxis(object tensor, int source, int destination) => tensor switch
    {
        Tensor<float> f => Move(f, source, destination),
        Tensor<double> d => Move(d, source, destination),
        Tensor<int> i => Move(i, source, destination),
        Tensor<long> l => Move(l, source, destination),
        Tensor<Half> h => Move(h, source, destination),
        Tensor<byte> b => Move(b, source, destination),
        Tensor<sbyte> sb => Move(sb, source, destination),
        Tensor<short> s => Move(s, source, destination),
        Tensor<bool> b => Move(b, source, destination),
        Tensor<BFloat16> bf => Move(bf, source, destination),   // 2-byte values, moved as they are (no rounding)
        _ => throw new ArgumentException(
            $"Argument `tensor` must be a Tensor<T> of a dtype the numerics engine holds (float, double, Half, BFloat16, long, int, short, sbyte, byte, bool). " +
            $"Received: a {TensorFormat.TypeName(tensor.GetType())}. Cast it to one of those first.", nameof(tensor)),
    };

    /// <inheritdoc/>
    public double[] ToDoubleArray(object tensor, out long[] shape)
    {
        shape = Describe(tensor).Shape;
        return TensorData.ToArray(NumericsOps<double>.Instance.Adopt(tensor, nameof(tensor)));
    }

    /// <inheritdoc/>
    /// <remarks>A copy of the elements in their own type (bfloat16 widened to float32, exactly).</remarks>
    public Array ToArray(object tensor, out long[] shape)
    {
        shape = Describe(tensor).Shape;
        return tensor switch
        {
            Tensor<float> f => TensorData.ToArray(f),
            Tensor<double> d => TensorData.ToArray(d),
            Tensor<Half> h => TensorData.ToArray(h),
            Tensor<BFloat16> bf => TensorData.ToArray(TensorData.Widen(bf)),
            Tensor<long> l => TensorData.ToArray(l),
            Tensor<int> i => TensorData.ToArray(i),
            Tensor<short> s => TensorData.ToArray(s),
            Tensor<sbyte> sb => TensorData.ToArray(sb),
            Tensor<byte> b => TensorData.ToArray(b),
            Tensor<bool> b => TensorData.ToArray(b),
            _ => throw new ArgumentException($"Argument `tensor` is a {TensorFormat.TypeName(tensor.GetType())}, which the numerics engine does not hold.", nameof(tensor)),
        };
    }

    /// <summary>The axis moved by the engine's permute kernels, for every dtype: System.Numerics.Tensors'
    /// <c>PermuteDimensions</c> took 44–65 ms for a batch of 32 images (NHWC → NCHW, 224² × 3 and 56² × 64 float32)
    /// where libtorch takes 1.7–4.7.</summary>
    private static Tensor<T> Move<T>(Tensor<T> tensor, int source, int destination) where T : unmanaged
    {
        long[] shape = TensorData.Shape(tensor.Lengths);
        int[] order = Shapes.MoveAxisOrder(shape.Length, source, destination);
        return TensorData.Create(DensePermute<T>.Permute(TensorData.Read(tensor), shape, order), order.Select(a => shape[a]).ToArray());
    }
}
