using System.Numerics.Tensors;
using CrossBackend;
using CrossBackend.Backends.Numerics;

[assembly: TensorEngine(typeof(NumericsEngine))]

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The channels-last engine: <see cref="Tensor{T}"/> from System.Numerics.Tensors, classes on the last axis,
/// TensorFlow/Keras numerics. Predictions may be float32 or float64; labels any numeric element type.
/// </summary>
/// <remarks>This engine stands where a TensorFlow.NET engine will go: TensorFlow.NET and its native runtime
/// cannot be restored in this build environment. A TensorFlow.NET engine is one more project like this one.</remarks>
public sealed class NumericsEngine : ITensorEngine
{
    /// <inheritdoc/>
    public string Name => NumericsBackend<float>.EngineName;

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
    public ITensorBackend? BackendFor(Type tensorType) =>
        tensorType == typeof(Tensor<float>) ? NumericsBackend<float>.Instance
        : tensorType == typeof(Tensor<double>) ? NumericsBackend<double>.Instance
        : tensorType == typeof(Tensor<Half>) ? HalfBackend
        : tensorType == typeof(Tensor<BFloat16>) ? BFloat16Backend
        : null;

    private static readonly ITensorBackend HalfBackend =
        new NarrowFloatBackend<Half>(TensorData.Convert<Half, float>, TensorData.Convert<float, Half>);

    private static readonly ITensorBackend BFloat16Backend =
        new NarrowFloatBackend<BFloat16>(TensorData.Widen, TensorData.NarrowToBFloat16);

    /// <inheritdoc/>
    public object Cast(object tensor, DType dtype)
    {
        Tensor<float> AsFloat() => NumericsBackend<float>.Instance.Adopt(tensor, nameof(tensor));
        return dtype switch
        {
            DType.Float32 => AsFloat(),
            DType.Float64 => NumericsBackend<double>.Instance.Adopt(tensor, nameof(tensor)),
            DType.Float16 => TensorData.Convert<float, Half>(AsFloat()),
            DType.BFloat16 => TensorData.NarrowToBFloat16(AsFloat()),
            DType.Int32 => TensorData.Convert<float, int>(AsFloat()),
            DType.Int64 => TensorData.Convert<float, long>(AsFloat()),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unsupported dtype for the numerics engine."),
        };
    }

    /// <inheritdoc/>
    public TensorInfo Describe(object tensor) => tensor is IReadOnlyTensor t && Owns(tensor.GetType())
        ? new TensorInfo(TensorData.Shape(t.Lengths), TensorData.DTypeOf(tensor.GetType().GetGenericArguments()[0]), "cpu")
        : throw new ArgumentException($"Argument `{nameof(tensor)}` is a {tensor.GetType().Name}, not a Tensor<T>.", nameof(tensor));

    /// <inheritdoc/>
    public object FromArray(Array data, long[] shape) => data switch
    {
        float[] f => TensorData.Create(f, shape),
        double[] d => TensorData.Create(d, shape),
        int[] i => TensorData.Create(i, shape),
        long[] l => TensorData.Create(l, shape),
        _ => throw new ArgumentException($"Unsupported element type {data.GetType().GetElementType()?.Name}.", nameof(data)),
    };

    /// <inheritdoc/>
    public object MoveAxis(object tensor, int source, int destination) => tensor switch
    {
        Tensor<float> f => Move(f, source, destination),
        Tensor<double> d => Move(d, source, destination),
        Tensor<int> i => Move(i, source, destination),
        Tensor<long> l => Move(l, source, destination),
        _ => throw new ArgumentException($"Unsupported tensor {tensor.GetType().Name}.", nameof(tensor)),
    };

    /// <inheritdoc/>
    public double[] ToDoubleArray(object tensor, out long[] shape)
    {
        shape = Describe(tensor).Shape;
        return TensorData.ToArray(NumericsBackend<double>.Instance.Adopt(tensor, nameof(tensor)));
    }

    private static Tensor<T> Move<T>(Tensor<T> tensor, int source, int destination)
    {
        int rank = tensor.Rank;
        source = source < 0 ? source + rank : source;
        destination = destination < 0 ? destination + rank : destination;
        var order = Enumerable.Range(0, rank).Where(d => d != source).ToList();
        order.Insert(destination, source);
        return Tensor.PermuteDimensions(tensor, order.ToArray()).ToDenseTensor();
    }
}
