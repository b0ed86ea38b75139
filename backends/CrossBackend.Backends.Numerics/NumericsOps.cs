using System.Numerics;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The general ops of the channels-last engine on <see cref="Tensor{T}"/>, for T = float or double (float16 and
/// bfloat16 are computed by the core in float32 after a cast). Every tensor inside a program is a
/// <see cref="Tensor{T}"/> of the compute type: a dtype other than T (an integer, bool, float16) is represented by
/// values rounded as that dtype would hold them, stored as T; comparisons return 0/1 masks in T and arg-max returns
/// indices as T values.
/// </summary>
/// <remarks>Element-wise work goes through <see cref="TensorPrimitives"/> (SIMD) on contiguous runs of elements,
/// and large tensors are split into chunks that run in parallel. Results are always new dense tensors (a
/// <see cref="Reshape"/> of a dense tensor shares its memory); inputs are never modified.</remarks>
/// <typeparam name="T">The compute type: float or double.</typeparam>
public sealed partial class NumericsOps<T> : ITensorOps<Tensor<T>>, IFusedCrossentropy<Tensor<T>>, IFusedPointwiseLoss<Tensor<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The single instance (the ops hold no state).</summary>
    public static NumericsOps<T> Instance { get; } = new();

    private static readonly NumericsEngine OwnEngine = new();

    private NumericsOps()
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"NumericsOps computes in float or double, not {typeof(T).Name}.");
    }

    /// <inheritdoc/>
    public ITensorEngine Engine => OwnEngine;

    /// <summary>The dtype of the compute type T.</summary>
    private static DType OwnDType => typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;

    // ---- Information and host transfer ----

    /// <inheritdoc/>
    public TensorInfo Describe(Tensor<T> x) => new(ShapeOf(x, nameof(x)), OwnDType, "cpu");

    /// <inheritdoc/>
    public long[] ShapeOf(Tensor<T> x) => ShapeOf(x, nameof(x));

    /// <inheritdoc/>
    public DType DTypeOf(Tensor<T> x)
    {
        RequireTensor(x, nameof(x));
        return OwnDType;
    }

    /// <inheritdoc/>
    public Tensor<T> Adopt(object tensor, string argumentName) => tensor switch
    {
        null => throw new ArgumentNullException(argumentName, $"Argument `{argumentName}` must be a tensor. Received: null"),
        Tensor<T> same => same,
        Tensor<float> f => TensorData.Convert<float, T>(f),
        Tensor<double> d => TensorData.Convert<double, T>(d),
        Tensor<Half> h => TensorData.Convert<Half, T>(h),
        Tensor<BFloat16> bf => TensorData.Convert<float, T>(TensorData.Widen(bf)),
        Tensor<int> i => TensorData.Convert<int, T>(i),
        Tensor<long> l => TensorData.Convert<long, T>(l),
        Tensor<short> s => TensorData.Convert<short, T>(s),
        Tensor<sbyte> sb => TensorData.Convert<sbyte, T>(sb),
        Tensor<byte> b => TensorData.Convert<byte, T>(b),
        Tensor<bool> b => FromBools(b),
        _ => throw new ArgumentException(
            $"Argument `{argumentName}` must be a numeric System.Numerics.Tensors.Tensor<T> (float, double, Half, BFloat16, "
            + $"int, long, short, sbyte, byte or bool elements). Received: a {TensorFormat.TypeName(tensor.GetType())}", argumentName),
    };

    private static Tensor<T> FromBools(Tensor<bool> b)
    {
        ReadOnlySpan<bool> from = TensorData.Read(b);
        var to = NumericsResultScope.Allocate<T>(from.Length);
        for (int i = 0; i < to.Length; i++) to[i] = from[i] ? T.One : T.Zero;
        return Tensor.Create(to, b.Lengths);
    }

    /// <inheritdoc/>
    public double[] ToHost(Tensor<T> x)
    {
        ReadOnlySpan<T> values = Values(x, nameof(x));
        var result = new double[values.Length];
        for (int i = 0; i < result.Length; i++) result[i] = double.CreateTruncating(values[i]);
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>Managed memory needs no scope: the body just runs.</remarks>
    public Tensor<T>[] Scoped(Func<Tensor<T>[]> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body();
    }

    // ---- Creation ----

    /// <inheritdoc/>
    public Tensor<T> Full(long[] shape, double value, DType dtype)
    {
        long[] lengths = CheckShape(shape, nameof(shape));
        var data = NumericsResultScope.Allocate<T>(Count(lengths, nameof(shape)));
        Array.Fill(data, RoundTo(value, dtype, nameof(dtype)));
        return Create(data, lengths);
    }

    /// <inheritdoc/>
    public Tensor<T> FromValues(double[] values, long[] shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(values);
        long[] lengths = CheckShape(shape, nameof(shape));
        int count = Count(lengths, nameof(shape));
        if (values.Length != count)
            throw new ArgumentException(
                $"Argument `values` must hold one value per element of `shape`. Received: {values.Length} values, shape={TensorInfo.FormatShape(shape)} ({count} elements)",
                nameof(values));
        RoundTo(0, dtype, nameof(dtype));   // validates the dtype even for empty tensors
        var data = NumericsResultScope.Allocate<T>(count);
        for (int i = 0; i < data.Length; i++) data[i] = RoundTo(values[i], dtype, nameof(dtype));
        return Create(data, lengths);
    }

    /// <inheritdoc/>
    /// <remarks>Storage stays <see cref="Tensor{T}"/>: the values are those <paramref name="dtype"/> would hold
    /// (floats rounded to nearest even; integers as PyTorch and NumPy cast on x86, <see cref="DTypes.CastToInteger"/>:
    /// truncated toward zero, NaN and out-of-range values to the type's minimum or wrapped; bool: non-zero, NaN
    /// included, is 1).</remarks>
    public Tensor<T> Cast(Tensor<T> x, DType dtype)
    {
        ReadOnlySpan<T> values = Values(x, nameof(x));
        RoundTo(0, dtype, nameof(dtype));
        if (dtype == OwnDType || (dtype == DType.Float64 && typeof(T) == typeof(float))) return x;   // exact already
        var data = NumericsResultScope.Allocate<T>(values.Length);
        CastValues(values, data, dtype);   // NumericsOps.CastValues.cs
        return Tensor.Create(data, x.Lengths);
    }

    /// <summary><paramref name="value"/> as <paramref name="dtype"/> would hold it, stored as T.</summary>
    private static T RoundTo(double value, DType dtype, string argumentName) => T.CreateTruncating(dtype switch
    {
        DType.Float64 => value,
        DType.Float32 => (float)value,
        DType.Float16 => (double)(Half)value,
        DType.BFloat16 => (float)(BFloat16)(float)value,
        DType.Int64 or DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8 or DType.Bool => dtype.CastToInteger(value),   // NaN → bool true, as NumPy's bool(nan)
        _ => throw new ArgumentOutOfRangeException(argumentName, dtype,
            $"Argument `{argumentName}` must be a known dtype (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64). Received: {dtype}"),
    });

    // ---- Shared helpers ----

    /// <summary>Throws <see cref="ArgumentNullException"/> naming the argument when <paramref name="x"/> is null.</summary>
    private static Tensor<T> RequireTensor(Tensor<T> x, string argumentName) =>
        x ?? throw new ArgumentNullException(argumentName, $"Argument `{argumentName}` must be a tensor. Received: null");

    /// <summary>The tensor's shape, after a null check naming the argument.</summary>
    private static long[] ShapeOf(Tensor<T> x, string argumentName) => TensorData.Shape(RequireTensor(x, argumentName).Lengths);

    /// <summary>The elements in row-major order, after a null check naming the argument.</summary>
    private static ReadOnlySpan<T> Values(Tensor<T> x, string argumentName) => TensorData.Read(RequireTensor(x, argumentName));

    /// <summary>A dense tensor over <paramref name="data"/>; a rank-0 shape becomes [1] (System.Numerics.Tensors 10
    /// has no rank-0 tensors).</summary>
    private static Tensor<T> Create(T[] data, long[] shape) =>
        shape.Length == 0 ? Tensor.Create(data, [1]) : TensorData.Create(data, shape);

    private static long[] CheckShape(long[] shape, string argumentName)
    {
        ArgumentNullException.ThrowIfNull(shape, argumentName);
        foreach (long d in shape)
            if (d < 0)
                throw new ArgumentException(
                    $"Argument `{argumentName}` must have non-negative lengths. Received: {argumentName}={TensorInfo.FormatShape(shape)}", argumentName);
        return shape;
    }

    /// <summary>The element count of a shape, refused when beyond what one .NET array holds.</summary>
    private static int Count(ReadOnlySpan<long> shape, string argumentName)
    {
        long n = 1;
        foreach (long d in shape)
        {
            n *= d;
            if (n > Array.MaxLength)
                throw new ArgumentException(
                    $"Argument `{argumentName}` describes more than {Array.MaxLength} elements, more than one .NET array holds. Received: {argumentName}={TensorInfo.FormatShape(shape.ToArray())}",
                    argumentName);
        }
        return (int)n;
    }

    /// <summary>A possibly negative axis of a tensor of rank <paramref name="rank"/>, made non-negative.</summary>
    private static int NormalizeAxis(int axis, int rank, string argumentName, string tensorName, long[] shape)
    {
        if (axis < -rank || axis >= rank)
            throw new ArgumentOutOfRangeException(argumentName, axis,
                $"Argument `{argumentName}` must be an axis of `{tensorName}` (in [{-rank}, {rank - 1}]). Received: {argumentName}={axis}, {tensorName}.shape={TensorInfo.FormatShape(shape)}");
        return axis < 0 ? axis + rank : axis;
    }

    /// <summary>Runs <paramref name="body"/>(start, length) over [0, <paramref name="count"/>): inline when small,
    /// else in parallel chunks as <see cref="ParallelSplit"/> sizes them.</summary>
    private static void ForEachRange(int count, Action<int, int> body)
    {
        int chunk = ParallelSplit.ElementsPerTask(count);
        if (chunk >= count)
        {
            if (count > 0) body(0, count);
            return;
        }
        int tasks = (count + chunk - 1) / chunk;
        WorkerPool.For(tasks, [MethodImpl(Hot)] (task) =>
        {
            int start = task * chunk;
            body(start, Math.Min(chunk, count - start));
        });
    }
}
