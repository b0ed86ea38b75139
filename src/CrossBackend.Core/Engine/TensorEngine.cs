namespace CrossBackend;

/// <summary>
/// Base class for an engine with one tensor type whose element type is a run-time property (TorchSharp): the engine
/// is its own <see cref="ITensorOps{TTensor}"/>, and the untyped <see cref="ITensorEngine"/> face is written here once
/// over the typed ops.
/// </summary>
/// <typeparam name="TTensor">The engine's tensor type.</typeparam>
public abstract class TensorEngine<TTensor> : ITensorEngine, ITensorOps<TTensor>, IArgumentDescriber where TTensor : class
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract int ClassAxis { get; }

    /// <inheritdoc/>
    public ITensorEngine Engine => this;

    /// <inheritdoc/>
    public virtual bool Owns(Type tensorType) => typeof(TTensor).IsAssignableFrom(tensorType);

    /// <inheritdoc/>
    public virtual object? OpsFor(Type tensorType) => Owns(tensorType) ? this : null;

    /// <inheritdoc/>
    /// <remarks>The object-level methods keep <c>tensor</c> reachable until the engine has finished with it
    /// (<see cref="GC.KeepAlive"/>): a tensor passed as a temporary could otherwise be finalized, its native memory
    /// freed, during the engine's own call (TorchSharp's calls do not keep their tensor alive).</remarks>
    public TensorInfo Describe(object tensor)
    {
        TensorInfo info = Describe(Adopt(tensor, nameof(tensor)));
        GC.KeepAlive(tensor);
        return info;
    }

    TensorInfo IArgumentDescriber.Describe(object tensor, string argumentName)
    {
        TensorInfo info = Describe(Adopt(tensor, argumentName));
        GC.KeepAlive(tensor);
        return info;
    }

    DType IArgumentDescriber.DTypeOf(object tensor, string argumentName)
    {
        DType dtype = DTypeOf(Adopt(tensor, argumentName));
        GC.KeepAlive(tensor);
        return dtype;
    }

    /// <inheritdoc/>
    public virtual object FromArray(Array data, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        HostArrays.RequireShapeFits(data, shape, nameof(data), nameof(shape));
        data = HostArrays.WidenUnsigned(data, nameof(data));
        DType dtype = DTypes.OfElementType(data.GetType().GetElementType()!);
        if (dtype == DType.Other)
            throw new ArgumentException(
                $"Argument `data` must be an array of a numeric element type. Received: {TensorFormat.TypeName(data.GetType())}", nameof(data));
        var values = new double[data.Length];
        int i = 0;
        foreach (object? v in data) values[i++] = v is bool b ? (b ? 1 : 0) : v is Half h ? (double)h : Convert.ToDouble(v);
        return FromValues(values, shape, dtype);
    }

    /// <inheritdoc/>
    public object Cast(object tensor, DType dtype)
    {
        object cast = Cast(Adopt(tensor, nameof(tensor)), dtype);
        GC.KeepAlive(tensor);   // see Describe
        return cast;
    }

    /// <inheritdoc/>
    /// <remarks>Through <see cref="Permute(TTensor, int[])"/>: an engine whose permute returns views overrides this to
    /// return a dense tensor, as the interface promises.</remarks>
    public virtual object MoveAxis(object tensor, int source, int destination)
    {
        TTensor x = Adopt(tensor, nameof(tensor));
        object moved = Permute(x, Shapes.MoveAxisOrder(Describe(x).Rank, source, destination));
        GC.KeepAlive(x);   // see Describe
        return moved;
    }

    /// <inheritdoc/>
    public double[] ToDoubleArray(object tensor, out long[] shape)
    {
        TTensor x = Adopt(tensor, nameof(tensor));
        shape = Describe(x).Shape;
        double[] values = ToHost(x);
        GC.KeepAlive(x);   // see Describe
        return values;
    }

    /// <inheritdoc/>
    /// <remarks>Through <see cref="ToHost"/> (exact except int64 beyond 2⁵³); an engine holding int64 overrides it.</remarks>
    public virtual Array ToArray(object tensor, out long[] shape)
    {
        TTensor x = Adopt(tensor, nameof(tensor));
        shape = Describe(x).Shape;
        Array values = HostArrays.FromDoubles(ToHost(x), DTypeOf(x));
        GC.KeepAlive(x);   // see Describe
        return values;
    }

    /// <inheritdoc/>
    public abstract TensorInfo Describe(TTensor x);
    /// <inheritdoc/>
    public virtual DType DTypeOf(TTensor x) => Describe(x).DType;
    /// <inheritdoc/>
    public virtual long[] ShapeOf(TTensor x) => Describe(x).Shape;
    /// <inheritdoc/>
    public abstract TTensor Adopt(object tensor, string argumentName);
    /// <inheritdoc/>
    public abstract double[] ToHost(TTensor x);
    /// <inheritdoc/>
    public virtual TTensor[] Scoped(Func<TTensor[]> body) => body();
    /// <inheritdoc/>
    public abstract TTensor Full(long[] shape, double value, DType dtype);
    /// <inheritdoc/>
    public abstract TTensor FromValues(double[] values, long[] shape, DType dtype);
    /// <inheritdoc/>
    public abstract TTensor Cast(TTensor x, DType dtype);
    /// <inheritdoc/>
    public abstract TTensor Unary(UnaryOp op, TTensor x);
    /// <inheritdoc/>
    public abstract TTensor Binary(BinaryOp op, TTensor a, TTensor b);
    /// <inheritdoc/>
    public abstract TTensor Compare(CompareOp op, TTensor a, TTensor b);
    /// <inheritdoc/>
    public abstract TTensor Where(TTensor condition, TTensor a, TTensor b);
    /// <inheritdoc/>
    public abstract TTensor Clip(TTensor x, double min, double max);
    /// <inheritdoc/>
    public abstract TTensor Reduce(ReduceOp op, TTensor x, int[]? axes, bool keepDims);
    /// <inheritdoc/>
    /// <remarks>By default the composed form, <c>Reduce(Sum, Binary(Multiply, a, b))</c>, after checking that the
    /// shapes match (the product would otherwise broadcast).</remarks>
    public virtual TTensor Dot(TTensor a, TTensor b, int[]? axes, bool keepDims)
    {
        long[] left = Describe(a).Shape, right = Describe(b).Shape;
        if (!left.AsSpan().SequenceEqual(right))
            throw new ArgumentException(
                $"Arguments `a` and `b` of Dot must have the same shape. Received: a.shape={TensorInfo.FormatShape(left)}, b.shape={TensorInfo.FormatShape(right)}", nameof(b));
        return Reduce(ReduceOp.Sum, Binary(BinaryOp.Multiply, a, b), axes, keepDims);
    }
    /// <inheritdoc/>
    public abstract TTensor ArgMax(TTensor x, int axis, bool keepDims);
    /// <inheritdoc/>
    public abstract TTensor ArgMin(TTensor x, int axis, bool keepDims);
    /// <inheritdoc/>
    public abstract TTensor Softmax(TTensor x, int axis);
    /// <inheritdoc/>
    public abstract TTensor LogSoftmax(TTensor x, int axis);
    /// <inheritdoc/>
    public abstract TTensor Reshape(TTensor x, long[] shape);
    /// <inheritdoc/>
    public abstract TTensor Permute(TTensor x, int[] order);
    /// <inheritdoc/>
    public abstract TTensor BroadcastTo(TTensor x, long[] shape);
    /// <inheritdoc/>
    public abstract TTensor Concat(IReadOnlyList<TTensor> xs, int axis);
    /// <inheritdoc/>
    public abstract TTensor Slice(TTensor x, int axis, long start, long length);
    /// <inheritdoc/>
    public abstract TTensor Flip(TTensor x, int[] axes);
    /// <inheritdoc/>
    public abstract TTensor Roll(TTensor x, long[] shifts, int[] axes);
    /// <inheritdoc/>
    public abstract TTensor Sort(TTensor x, int axis);
    /// <inheritdoc/>
    public abstract TTensor ArgSort(TTensor x, int axis);
    /// <inheritdoc/>
    public abstract TTensor TakeAlongAxis(TTensor x, TTensor indices, int axis);
    /// <inheritdoc/>
    public abstract TTensor Take(TTensor x, TTensor indices, int axis);
    /// <inheritdoc/>
    public abstract TTensor OneHot(TTensor indices, int classes, int axis, DType dtype);
    /// <inheritdoc/>
    public abstract TTensor MatMul(TTensor a, TTensor b);
}

/// <summary>An engine that names the argument in its own checks when describing one (a disposed torch tensor is
/// "Argument `y_pred` is a disposed tensor", not "`tensor`").</summary>
internal interface IArgumentDescriber
{
    TensorInfo Describe(object tensor, string argumentName);

    /// <summary>The dtype alone, with the same checks as <see cref="Describe"/>.</summary>
    DType DTypeOf(object tensor, string argumentName);
}
