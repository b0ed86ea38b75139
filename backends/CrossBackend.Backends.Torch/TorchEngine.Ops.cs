using CrossBackend;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>The general ops on libtorch: each is one TorchSharp call (or a fixed few), results in the caller's
/// dispose scope once <see cref="Scoped"/> hands them out.</summary>
public sealed partial class TorchEngine
{
    /// <inheritdoc/>
    public override TensorInfo Describe(Tensor x) =>
        new(Shape(x), ToDType(x.dtype), x.device_type == DeviceType.CPU ? "cpu" : x.device.ToString());   // as Device.ToString() names the CPU, without making a Device

    /// <inheritdoc/>
    public override DType DTypeOf(Tensor x) => ToDType(x.dtype);

    /// <inheritdoc/>
    public override long[] ShapeOf(Tensor x) => Shape(x);

    /// <summary>The sizes, one cheap native call per dimension (<c>Tensor.shape</c> marshals through an allocator
    /// callback and costs about ten times as much).</summary>
    private static long[] Shape(Tensor x)
    {
        var shape = new long[x.ndim];
        for (int d = 0; d < shape.Length; d++) shape[d] = x.size(d);
        return shape;
    }

    /// <summary>Whether two tensors have the same sizes, read as <see cref="Shape"/> reads them.</summary>
    private static bool SameShape(Tensor a, Tensor b)
    {
        long rank = a.ndim;
        if (b.ndim != rank) return false;
        for (int d = 0; d < rank; d++)
            if (a.size(d) != b.size(d)) return false;
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>A disposed tensor (its native handle freed by <c>Dispose()</c> or by the end of its dispose scope) is
    /// refused here by name, before TorchSharp's "Tensor invalid -- empty handle" could surface.</remarks>
    public override Tensor Adopt(object tensor, string argumentName) => tensor switch
    {
        Tensor { IsInvalid: true } => throw new ArgumentException(
            $"Argument `{argumentName}` is a disposed tensor: its memory was freed by Dispose() or by the end of the dispose scope " +
            "that created it. Keep it alive until the call returns (create it in the scope that uses it, or call " +
            $"{argumentName}.MoveToOuterDisposeScope() or DetachFromDisposeScope()).", argumentName),
        Tensor t => t,
        _ => throw new ArgumentException($"Argument `{argumentName}` must be a torch.Tensor. Received: a {TensorFormat.TypeName(tensor.GetType())}", argumentName),
    };

    /// <inheritdoc/>
    /// <remarks>A dtype CrossBackend lacks (complex) is refused: libtorch's cast to float64 keeps only the real part,
    /// with a warning on stderr, so a comparison or a print would silently see other numbers.</remarks>
    public override double[] ToHost(Tensor x)
    {
        if (ToDType(x.dtype) == DType.Other)
            throw UnnamedDType.Refused("tensor", $"tensor.dtype={x.dtype}", "read");
        if (x.numel() == 0) return [];   // TorchSharp's TensorAccessor.ToArray throws on empty tensors of rank >= 2
        using var scope = torch.NewDisposeScope();
        // A contiguous CPU tensor without gradient, such as a loss's label-range check, is read as it is; float32,
        // int64 and int32 are widened here (exactly as libtorch's cast does) instead of by one more native tensor.
        Tensor t = HostReadable(x, x.dtype is ScalarType.Float64 or ScalarType.Float32 or ScalarType.Int64 or ScalarType.Int32
            ? null : ScalarType.Float64);
        double[] values = t.dtype switch
        {
            ScalarType.Float32 => Array.ConvertAll(t.data<float>().ToArray(), v => (double)v),
            ScalarType.Int64 => Array.ConvertAll(t.data<long>().ToArray(), v => (double)v),
            ScalarType.Int32 => Array.ConvertAll(t.data<int>().ToArray(), v => (double)v),
            _ => t.data<double>().ToArray(),
        };
        GC.KeepAlive(x);   // read in place when no conversion was needed: see TensorProgram.Run
        return values;
    }

    /// <inheritdoc/>
    /// <remarks>A native copy in the tensor's own element type (int64 beyond 2⁵³ kept); bfloat16 is widened to
    /// float32 (exact) by libtorch's cast.</remarks>
    public override Array ToArray(object tensor, out long[] shape)
    {
        Tensor x = Adopt(tensor, nameof(tensor));
        shape = x.shape;
        using var scope = torch.NewDisposeScope();
        Tensor t = HostReadable(x, x.dtype == ScalarType.BFloat16 ? ScalarType.Float32 : null);
        if (t.numel() == 0) t = t.reshape(0);   // TorchSharp's TensorAccessor.ToArray throws on empty tensors of rank >= 2
        Array values = t.dtype switch
        {
            ScalarType.Float32 => t.data<float>().ToArray(),
            ScalarType.Float64 => t.data<double>().ToArray(),
            ScalarType.Float16 => t.data<Half>().ToArray(),
            ScalarType.Int64 => t.data<long>().ToArray(),
            ScalarType.Int32 => t.data<int>().ToArray(),
            ScalarType.Int16 => t.data<short>().ToArray(),
            ScalarType.Int8 => t.data<sbyte>().ToArray(),
            ScalarType.Byte => t.data<byte>().ToArray(),
            ScalarType.Bool => t.data<bool>().ToArray(),
            _ => base.ToArray(tensor, out shape),
        };
        GC.KeepAlive(x);   // read in place when no conversion was needed: see TensorProgram.Run
        return values;
    }

    /// <summary>The tensor as a host read needs it: without its autograd history, on the CPU, cast to
    /// <paramref name="castTo"/> when given, contiguous. Each step only where needed (each is one more native tensor,
    /// owned by the caller's dispose scope).</summary>
    private static Tensor HostReadable(Tensor x, ScalarType? castTo)
    {
        Tensor t = x.requires_grad ? x.detach() : x;
        if (t.device_type != DeviceType.CPU) t = t.cpu();
        if (castTo is ScalarType type) t = t.to_type(type);
        return t.is_contiguous() ? t : t.contiguous();
    }

    /// <inheritdoc/>
    public override Tensor[] Scoped(Func<Tensor[]> body)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        Tensor[] results = body();
        foreach (Tensor r in results) r.MoveToOuterDisposeScope();
        return results;
    }

    /// <inheritdoc/>
    public override object FromArray(Array data, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        HostArrays.RequireShapeFits(data, shape, nameof(data), nameof(shape));
        EnsureNativeLoadable();
        return FromHost(HostArrays.WidenUnsigned(data, nameof(data)), shape);
    }

    private object FromHost(Array data, long[] shape) => data switch
    {
        float[] f => torch.tensor(f, shape),
        double[] d => torch.tensor(d, shape),
        int[] i => torch.tensor(i, shape),
        long[] l => torch.tensor(l, shape),
        sbyte[] sb when data.GetType() == typeof(sbyte[]) => torch.tensor(sb, shape),   // the runtime lets byte[] and sbyte[] pass as each other
        byte[] b => torch.tensor(b, shape),
        bool[] b => torch.tensor(b, shape),
        _ => base.FromArray(data, shape),
    };

    /// <inheritdoc/>
    public override Tensor Full(long[] shape, double value, DType dtype)
    {
        using Scalar fill = WithinRange(value, dtype).ToScalar();
        return torch.full(shape, fill, ToScalarType(dtype));
    }

    /// <summary>
    /// A number for a Scalar meeting a tensor of <paramref name="dtype"/>, converted first where it lies beyond the
    /// dtype's range, as a cast converts it (float32 1e300 → ∞, float16 65510 → 65504, uint8 −1 → 255, int8 300 → 44,
    /// see <see cref="DTypes.CastToInteger"/>): libtorch refuses a Scalar it cannot convert without overflow ("value
    /// cannot be converted to type uint8_t without overflow"), which the channels-last engine, NumPy's float32(1e300)
    /// and PyTorch's <c>torch.tensor(-1).type(torch.uint8)</c> (FastEstimator's <c>where</c>) do not. In-range values
    /// reach libtorch as they are, integers truncated toward zero as libtorch truncates them.
    /// </summary>
    private static double WithinRange(double value, DType dtype) => dtype switch
    {
        DType.Float32 => dtype.RoundTo(value),
        DType.Float16 when Math.Abs(value) > (double)Half.MaxValue => dtype.RoundTo(value),
        DType.UInt8 or DType.Int8 or DType.Int16 or DType.Int32 or DType.Bool => dtype.CastToInteger(value),   // int64: as libtorch takes it
        _ => value,
    };

    /// <inheritdoc/>
    /// <remarks>float64 and float32 are one native tensor: float32 values are rounded on the host, to nearest, ties to
    /// even, as libtorch's cast rounds them. Other dtypes go through a float64 tensor and libtorch's cast (its
    /// truncation of fractions and its handling of out-of-range values).</remarks>
    public override Tensor FromValues(double[] values, long[] shape, DType dtype) => dtype switch
    {
        DType.Float64 => torch.tensor(values, shape, ScalarType.Float64),
        DType.Float32 => torch.tensor(Array.ConvertAll(values, v => (float)v), shape, ScalarType.Float32),
        _ => torch.tensor(values, shape, ScalarType.Float64).to_type(ToScalarType(dtype)),
    };

    /// <inheritdoc/>
    public override Tensor Cast(Tensor x, DType dtype)
    {
        ScalarType target = ToScalarType(dtype);
        return x.dtype == target ? x : x.to_type(target);
    }

    /// <inheritdoc/>
    public override Tensor Unary(UnaryOp op, Tensor x) => op switch
    {
        UnaryOp.Negate => x.neg(),
        UnaryOp.Abs => x.dtype == ScalarType.Bool ? x.clone() : x.abs(),     // libtorch's abs refuses bool; |b| is b (NumPy, the channels-last engine)
        UnaryOp.Relu => x.dtype == ScalarType.Bool ? x.clone() : x.relu(),   // libtorch's relu refuses bool; max(b, false) is b
        UnaryOp.Square => x.pow(HeldScalars.Two),
        UnaryOp.Sqrt => x.sqrt(),
        UnaryOp.Exp => x.exp(),
        UnaryOp.Log => x.log(),
        UnaryOp.Log1p => x.log1p(),
        UnaryOp.Expm1 => x.expm1(),
        UnaryOp.Sign => SignKeepingNaN(x),
        UnaryOp.Sigmoid => x.sigmoid(),
        UnaryOp.Tanh => x.tanh(),
        // max(x, 0) + log1p(exp(−|x|)): exact everywhere (libtorch's softplus returns x itself above 20, 2e-9 off).
        UnaryOp.Softplus => x.clamp_min(HeldScalars.Zero).add_(x.abs().neg().exp().log1p(), alpha: HeldScalars.One),
        UnaryOp.Floor => x.floor(),
        UnaryOp.Round => x.round(),
        UnaryOp.Reciprocal => x.reciprocal(),
        UnaryOp.Cos => x.cos(),
        UnaryOp.Sin => x.sin(),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown unary op."),
    };

    /// <inheritdoc/>
    public override Tensor Binary(BinaryOp op, Tensor a, Tensor b)
    {
        RequireBroadcast(a, b);
        // TorchSharp's `a + b`, `a - b` and `pow(double)` make a Scalar (alpha, the exponent) that nothing references
        // during the native call, so a GC on another thread may finalize it mid-call (seen once under
        // ThreadSafetyTests: "Expected false to be true" from c10::Scalar::toFloat). Holding each Scalar in a `using`
        // keeps it alive to the end of the call and frees it at once.
        switch (op)
        {
            case BinaryOp.Add:
            case BinaryOp.Subtract:
            {
                // libtorch's sub is add with −alpha: the same kernel and numbers.
                using Scalar alpha = (op == BinaryOp.Add ? 1 : -1).ToScalar();
                return a.add(b, alpha);
            }
            case BinaryOp.Power when ScalarExponent(b) is double e:
            {
                using Scalar exponent = e.ToScalar();
                return a.pow(exponent);
            }
        }
        return op switch
        {
            BinaryOp.Multiply => a * b,
            BinaryOp.Divide => a / b,
            BinaryOp.Power => a.pow(b),
            BinaryOp.Maximum => torch.maximum(a, b),
            BinaryOp.Minimum => torch.minimum(a, b),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown binary op."),
        };
    }

    /// <summary>
    /// A constant exponent (a rank-0 CPU tensor without gradient, as the core's constants are) read as a number, so that
    /// libtorch's <c>pow(Tensor, Scalar)</c> runs: it computes x² and x³ as products (5× faster than the general pow of
    /// <c>pow(Tensor, Tensor)</c> at (65536, 100)) and equals the general pow elsewhere. ±0.5 keep the tensor path:
    /// libtorch's scalar path takes them as sqrt/rsqrt, which differ from pow at −∞ and −0, and on this machine's
    /// libtorch by an ulp elsewhere (float64 0.5^0.5: 0.7071067811865475 against pow's correctly rounded …476).
    /// </summary>
    private static double? ScalarExponent(Tensor b)
    {
        if (b.dim() != 0 || b.requires_grad || b.device_type != DeviceType.CPU || !b.is_floating_point()) return null;
        double e = b.ToDouble();
        return Math.Abs(e) == 0.5 || !double.IsFinite(e) ? null : e;
    }

    /// <inheritdoc/>
    public override Tensor Compare(CompareOp op, Tensor a, Tensor b)
    {
        RequireBroadcast(a, b);
        return op switch
        {
            CompareOp.Equal => a.eq(b),
            CompareOp.NotEqual => a.ne(b),
            CompareOp.Less => a.lt(b),
            CompareOp.LessEqual => a.le(b),
            CompareOp.Greater => a.gt(b),
            CompareOp.GreaterEqual => a.ge(b),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown comparison."),
        };
    }

    /// <inheritdoc/>
    public override Tensor Where(Tensor condition, Tensor a, Tensor b) =>
        torch.where(condition.dtype == ScalarType.Bool ? condition : condition.ne(HeldScalars.Zero), a, b);

    /// <inheritdoc/>
    /// <remarks>libtorch rounds the scalar bounds to the tensor's dtype, as Keras does. Integer tensors take integer
    /// bounds (<see cref="ClipIntegers"/>).</remarks>
    public override Tensor Clip(Tensor x, double min, double max)
    {
        DType dtype = ToDType(x.dtype);
        if (dtype is DType.Int64 or DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8) return ClipIntegers(x, dtype, min, max);
        using Scalar low = WithinRange(min, dtype).ToScalar(), high = WithinRange(max, dtype).ToScalar();
        return x.clamp(low, high);
    }

    /// <summary>A whole number brought into <paramref name="dtype"/>'s range as two's complement wraps it, by the float64
    /// formula the core's detour uses (v − m·⌊(v + m/2)/m⌋, m = 2^bits; uint8: ⌊v/256⌋), so both give the same value;
    /// int64, which that detour refuses beyond 2⁵³, as a cast gives it.</summary>
    private static double Wrapped(double v, DType dtype)
    {
        if (dtype == DType.Int64) return dtype.CastToInteger(v);
        (double modulus, double half) = dtype.WrapTurn();
        return dtype.CastToInteger(v - Math.Floor((v + half) / modulus) * modulus);
    }

    /// <summary>
    /// An integer tensor clipped exactly in its dtype, as the float64 detour of an integer function gives it below 2⁵³
    /// (clip in float64, wrap into the dtype as integer arithmetic wraps, truncate): the bounds truncated toward zero, a
    /// bound outside the dtype's range being no bound on its side, or, beyond the range on the far side, every value
    /// (that bound wrapped: int32 to [3e9, 4e9] → −1294967296, as int32 + 3000000000 wraps in PyTorch).
    /// The bounds are long Scalars: double ones make libtorch's clamp promote the result to float32 (its type
    /// promotion with a floating Scalar), which rounds int64 beyond 2²⁴, and an infinite one was cast to the dtype's
    /// minimum by <see cref="WithinRange"/>.
    /// </summary>
    private static Tensor ClipIntegers(Tensor x, DType dtype, double min, double max)
    {
        double lowest = dtype.IntegerRange().Lowest;
        // Above the range (for int64 a double ≥ 2⁶³: long.MaxValue is 2⁶³ as a double).
        bool Above(double v) => v > lowest && !dtype.InIntegerRange(v);
        if (Above(min) || max < lowest)
        {
            using Scalar fill = Wrapped(Math.Truncate(Above(min) ? min : max), dtype).ToScalar();
            return torch.full_like(x, fill);
        }
        long? low = min > lowest ? (long)Math.Truncate(min) : null;
        long? high = Above(max) ? null : (long)Math.Truncate(max);
        if (low is null && high is null) return x.alias();
        using Scalar? lowScalar = low?.ToScalar(), highScalar = high?.ToScalar();
        return lowScalar is null ? x.clamp_max(highScalar!) : highScalar is null ? x.clamp_min(lowScalar) : x.clamp(lowScalar, highScalar);
    }

    /// <summary>The variance or standard deviation of an empty tensor without libtorch's <c>std</c>/<c>var</c>, which
    /// print "std(): degrees of freedom is &lt;= 0" (or var's twin) to the process's stderr on every such call, even
    /// where the result has no element ((0, 3) along axis 1): NaN where the reduced axes hold no value, as the
    /// channels-last engine and NumPy give, and an empty tensor of the result's shape otherwise.</summary>
    private static Tensor SpreadOfEmpty(Tensor x, long[] dims, bool keepDims)
    {
        long[] shape = x.shape;
        bool[] reduced = new bool[shape.Length];
        foreach (long d in dims) reduced[d] = true;
        long[] result = shape.Select((n, d) => reduced[d] ? 1 : n).Where((_, d) => keepDims || !reduced[d]).ToArray();
        using Scalar nan = double.NaN;
        return torch.full(result, nan, dtype: x.dtype, device: x.device);
    }

    /// <inheritdoc/>
    public override Tensor Reduce(ReduceOp op, Tensor x, int[]? axes, bool keepDims)
    {
        long[] dims = Axes(x, axes);
        if (op is ReduceOp.Variance or ReduceOp.Std && x.numel() == 0) return SpreadOfEmpty(x, dims, keepDims);
        if (axes is null && !keepDims)
            return op switch
            {
                ReduceOp.Sum => x.sum(),
                ReduceOp.Mean => x.mean(),
                ReduceOp.Max => x.max(),
                ReduceOp.Min => x.min(),
                ReduceOp.Prod => x.prod(),
                ReduceOp.Variance => x.var(unbiased: false),
                ReduceOp.Std => x.std(unbiased: false),
                _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown reduction."),
            };
        if (dims.Length == 0) return op is ReduceOp.Variance or ReduceOp.Std ? x - x : x.alias();   // spread of one value: 0 (NaN, ±∞ → NaN)
        switch (op)
        {
            case ReduceOp.Sum: return x.sum(dims, keepDims);
            case ReduceOp.Mean: return x.mean(dims, keepDims);
            case ReduceOp.Max: return x.amax(dims, keepDims);
            case ReduceOp.Min: return x.amin(dims, keepDims);
            case ReduceOp.Variance: return x.var(dims, unbiased: false, keepdim: keepDims);
            case ReduceOp.Std: return x.std(dims, unbiased: false, keepdim: keepDims);
            case ReduceOp.Prod:
                // libtorch's prod takes one dim at a time: from the last, so the earlier indices stay valid.
                Tensor result = x;
                foreach (long d in dims.OrderDescending()) result = result.prod(d, keepDims);
                return result;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown reduction.");
        }
    }

    /// <inheritdoc/>
    public override Tensor ArgMax(Tensor x, int axis, bool keepDims) => FirstMaxIndex(x, Axis(x, axis), keepDims);

    /// <inheritdoc/>
    public override Tensor ArgMin(Tensor x, int axis, bool keepDims) => x.argmin(Axis(x, axis), keepDims);

    /// <inheritdoc/>
    public override Tensor Softmax(Tensor x, int axis) => x.softmax(Axis(x, axis));

    /// <inheritdoc/>
    public override Tensor LogSoftmax(Tensor x, int axis) => x.log_softmax(Axis(x, axis));

    /// <inheritdoc/>
    public override Tensor Reshape(Tensor x, long[] shape) => x.reshape(shape);

    /// <inheritdoc/>
    /// <remarks>A view, as <c>torch.permute</c> (FastEstimator's <c>permute</c>, Keras's <c>transpose</c> on torch): one
    /// handle and no copy. <see cref="MoveAxis"/> (the <c>Layout</c> moves) makes it dense.</remarks>
    public override Tensor Permute(Tensor x, int[] order) => x.permute(order.Select(d => (long)d).ToArray());

    /// <inheritdoc/>
    /// <remarks>Dense, as the interface promises: data moved for the other engine's layout is read in memory order.</remarks>
    public override object MoveAxis(object tensor, int source, int destination)
    {
        using var view = (Tensor)base.MoveAxis(tensor, source, destination);
        return view.contiguous();
    }

    /// <inheritdoc/>
    public override Tensor BroadcastTo(Tensor x, long[] shape) => x.broadcast_to(shape);

    /// <inheritdoc/>
    public override Tensor Concat(IReadOnlyList<Tensor> xs, int axis) => torch.cat(xs.ToList(), Axis(xs[0], axis));

    /// <inheritdoc/>
    public override Tensor Slice(Tensor x, int axis, long start, long length) => x.narrow(Axis(x, axis), start, length);

    /// <inheritdoc/>
    /// <remarks>One native sort; its index tensor is a temporary of the caller's scope. Stable, so that autograd sends a
    /// tie's gradient to the element <see cref="ArgSort"/> (and the tape of the other engines) puts at that place:
    /// libtorch's default sort is not stable beyond 16 elements (PyTorch 1.13, 40 values of 3 levels: the lower median's
    /// gradient went to element 22 where the stable order has 16).</remarks>
    public override Tensor Sort(Tensor x, int axis) => x.sort(Axis(x, axis), stable: true).Values;

    /// <inheritdoc/>
    public override Tensor ArgSort(Tensor x, int axis) => x.sort(Axis(x, axis), stable: true).Indices;

    /// <inheritdoc/>
    public override Tensor TakeAlongAxis(Tensor x, Tensor indices, int axis) => x.gather(Axis(x, axis), Indices(indices));

    /// <inheritdoc/>
    public override Tensor Take(Tensor x, Tensor indices, int axis)
    {
        int dim = (int)Axis(x, axis);
        if (x.ndim == 1) return x.take(Indices(indices));
        if (indices.ndim == 1) return x.index_select(dim, Indices(indices));   // already the result's shape: one handle
        long[] shape = Shape(x);
        Tensor picked = x.index_select(dim, Indices(indices).flatten());
        return picked.reshape([.. shape[..dim], .. Shape(indices), .. shape[(dim + 1)..]]);
    }

    /// <inheritdoc/>
    /// <remarks>Built by comparison with <c>arange</c>, so an out-of-range index gives an all-zero row (as
    /// <c>tf.one_hot</c>) instead of libtorch's error.</remarks>
    public override Tensor OneHot(Tensor indices, int classes, int axis, DType dtype)
    {
        using Scalar stop = classes.ToScalar();
        Tensor hot = Indices(indices).unsqueeze(-1).eq(torch.arange(HeldScalars.Zero, stop, HeldScalars.One, ScalarType.Int64, indices.device));
        int rank = (int)indices.ndim + 1;
        int destination = axis < 0 ? axis + rank : axis;
        Tensor cast = hot.to_type(ToScalarType(dtype));
        return destination == rank - 1 ? cast : cast.movedim([-1], [destination]);
    }

    /// <inheritdoc/>
    public override Tensor MatMul(Tensor a, Tensor b) => torch.matmul(a, b);

    private static Tensor Indices(Tensor indices) => indices.dtype == ScalarType.Int64 ? indices : indices.to_type(ScalarType.Int64);

    private static long Axis(Tensor x, int axis)
    {
        long rank = x.ndim;
        long resolved = axis < 0 ? axis + rank : axis;
        if (resolved < 0 || resolved >= rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis,
                $"Argument `axis` must be in [-{rank}, {rank}) for a tensor of rank {rank}. Received: axis={axis}");
        return resolved;
    }

    private static long[] Axes(Tensor x, int[]? axes) =>
        axes is null ? Enumerable.Range(0, (int)x.ndim).Select(d => (long)d).ToArray() : axes.Select(a => Axis(x, a)).Distinct().ToArray();

    private static void RequireBroadcast(Tensor a, Tensor b)
    {
        long[] sa = Shape(a), sb = Shape(b);
        if (Shapes.Broadcast(sa, sb) is null)
            throw new ArgumentException(
                $"Arguments `a` and `b` must broadcast. Received: a.shape={TensorInfo.FormatShape(sa)}, b.shape={TensorInfo.FormatShape(sb)}", "b");
    }

    internal static DType ToDType(ScalarType type) => type switch
    {
        ScalarType.Bool => DType.Bool,
        ScalarType.Byte => DType.UInt8,
        ScalarType.Int8 => DType.Int8,
        ScalarType.Int16 => DType.Int16,
        ScalarType.Int32 => DType.Int32,
        ScalarType.Int64 => DType.Int64,
        ScalarType.Float16 => DType.Float16,
        ScalarType.BFloat16 => DType.BFloat16,
        ScalarType.Float32 => DType.Float32,
        ScalarType.Float64 => DType.Float64,
        _ => DType.Other,
    };

    internal static ScalarType ToScalarType(DType dtype) => dtype switch
    {
        DType.Bool => ScalarType.Bool,
        DType.UInt8 => ScalarType.Byte,
        DType.Int8 => ScalarType.Int8,
        DType.Int16 => ScalarType.Int16,
        DType.Int32 => ScalarType.Int32,
        DType.Int64 => ScalarType.Int64,
        DType.Float16 => ScalarType.Float16,
        DType.BFloat16 => ScalarType.BFloat16,
        DType.Float32 => ScalarType.Float32,
        DType.Float64 => ScalarType.Float64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"The torch engine has no dtype {dtype.Name()}."),
    };
}
