namespace CrossBackend;

/// <summary>A recorded tensor seen without its tensor type: what <see cref="GradientTape"/> keeps for tensors of
/// every storage type of one engine (float32 and float64 tensors are different .NET types on the channels-last
/// engine).</summary>
internal interface ITapeTensor
{
    /// <summary>Whether a gradient flows to this tensor (it is a source, or computed from one).</summary>
    bool Tracked { get; }

    /// <summary>The tensor type of the <see cref="TapeOps{T}"/> it was recorded on.</summary>
    Type TensorType { get; }
}

/// <summary>A tensor recorded on a <see cref="TapeOps{T}"/>: the engine's value and, after the backward pass, the
/// gradient of the differentiated result with respect to it.</summary>
internal sealed class TapeTensor<T>(T value, bool tracked) : ITapeTensor where T : class
{
    public T Value { get; } = value;

    /// <summary>Whether a gradient flows to this tensor (it is a source, or computed from one).</summary>
    public bool Tracked { get; } = tracked;

    public Type TensorType => typeof(T);

    public T? Grad { get; set; }
}

/// <summary>A <see cref="TapeOps{T}"/> seen without its tensor type, for gradients that cross storage types.</summary>
internal interface ITapeOps
{
    /// <summary>Runs every recorded step backwards from <paramref name="result"/> (see <see cref="TapeOps{T}.Backward"/>).</summary>
    void Backward(ITapeTensor result);

    /// <summary>The gradient of <paramref name="source"/> after the backward pass, zeros where none reached it.</summary>
    object GradientOf(ITapeTensor source);

    /// <summary>Adds <paramref name="gradient"/>, a tensor of the same engine already in <paramref name="input"/>'s
    /// dtype, to <paramref name="input"/>'s gradient.</summary>
    void AccumulateAdopted(ITapeTensor input, object gradient);
}

/// <summary>
/// Reverse-mode differentiation over any engine's general ops, as <c>tf.GradientTape</c> works: every op runs on the
/// inner engine and, when an input is tracked, records its backward step — written once per general op, in general
/// ops — so every loss composed from them has a gradient with no hand-written backward. Engines with autograd
/// (<see cref="IAutograd{TTensor}"/>) do not need it. The backward rules follow PyTorch's (e.g. ties of
/// <see cref="BinaryOp.Maximum"/> split the gradient in half; <see cref="Clip"/> passes it inside the closed bounds).
/// </summary>
internal sealed partial class TapeOps<T>(ITensorOps<T> inner) : ITensorOps<TapeTensor<T>>, ITapeOps where T : class
{
    // One step per recorded op, in the order the ops ran. Tapes of several tensor types of one engine may share the
    // list (GradientTape), so a gradient goes back through a float32 → float64 conversion and on through the float32
    // ops before it.
    private readonly List<Action> _steps = [];

    /// <summary>A tape whose steps go into <paramref name="steps"/>, shared with the tapes of the engine's other
    /// tensor types.</summary>
    public TapeOps(ITensorOps<T> inner, List<Action> steps) : this(inner) => _steps = steps;

    public ITensorEngine Engine => inner.Engine;

    /// <summary>A source: a tensor whose gradient is wanted.</summary>
    public TapeTensor<T> Watch(T value) => new(value, tracked: true);

    /// <summary>A constant: no gradient flows to it.</summary>
    public static TapeTensor<T> Constant(T value) => new(value, tracked: false);

    /// <summary>Runs the recorded steps backwards from <paramref name="result"/> with an upstream gradient of ones
    /// (the gradient of the sum of its elements).</summary>
    public void Backward(TapeTensor<T> result)
    {
        if (!result.Tracked) return;
        TensorInfo info = inner.Describe(result.Value);
        result.Grad = inner.Full(info.Shape, 1, info.DType);
        for (int i = _steps.Count - 1; i >= 0; i--) _steps[i]();
    }

    void ITapeOps.Backward(ITapeTensor result) => Backward((TapeTensor<T>)result);

    object ITapeOps.GradientOf(ITapeTensor source) => GradientOf((TapeTensor<T>)source);

    void ITapeOps.AccumulateAdopted(ITapeTensor input, object gradient) => Accumulate((TapeTensor<T>)input, inner.Adopt(gradient, "gradient"));

    /// <summary>
    /// <paramref name="value"/>, a conversion of a tracked tensor of another tensor type (its values in this type),
    /// recorded as a tracked tensor of this tape; <paramref name="backward"/> hands its gradient back to the original.
    /// </summary>
    public TapeTensor<T> Conversion(T value, Action<T> backward)
    {
        var output = new TapeTensor<T>(value, tracked: true);
        _steps.Add(() => { if (output.Grad is { } g) backward(g); });
        return output;
    }

    /// <summary>The source's gradient after <see cref="Backward"/>: zeros where no path reached it.</summary>
    public T GradientOf(TapeTensor<T> source)
    {
        if (source.Grad is { } g) return g;
        TensorInfo info = inner.Describe(source.Value);
        return inner.Full(info.Shape, 0, info.DType);
    }

    // ---- Recording ----

    private TapeTensor<T> Record(T value, Action<T> backward, params TapeTensor<T>[] inputs)
    {
        bool tracked = inputs.Any(i => i.Tracked);
        var output = new TapeTensor<T>(value, tracked);
        if (tracked) _steps.Add(() => { if (output.Grad is { } g) backward(g); });
        return output;
    }

    private static TapeTensor<T> Untracked(T value) => new(value, tracked: false);

    /// <summary>Adds <paramref name="g"/>, summed down to the input's shape where it was broadcast.</summary>
    private void Accumulate(TapeTensor<T> input, T g)
    {
        if (!input.Tracked) return;
        g = Unbroadcast(g, inner.ShapeOf(input.Value));
        input.Grad = input.Grad is null ? g : inner.Binary(BinaryOp.Add, input.Grad, g);
    }

    private T Unbroadcast(T g, long[] shape)
    {
        long[] gShape = inner.ShapeOf(g);
        if (gShape.AsSpan().SequenceEqual(shape)) return g;
        int lead = gShape.Length - shape.Length;
        var axes = new List<int>();
        for (int d = 0; d < gShape.Length; d++)
            if (d < lead || (shape[d - lead] == 1 && gShape[d] != 1)) axes.Add(d);
        T summed = axes.Count == 0 ? g : inner.Reduce(ReduceOp.Sum, g, [.. axes], keepDims: true);
        return inner.Reshape(summed, shape);
    }

    private T Scalar(double value, T like) => inner.Full([], value, inner.DTypeOf(like));
    private T Mul(T a, T b) => inner.Binary(BinaryOp.Multiply, a, b);
    private T Div(T a, T b) => inner.Binary(BinaryOp.Divide, a, b);
    private T Sub(T a, T b) => inner.Binary(BinaryOp.Subtract, a, b);
    private T Add(T a, T b) => inner.Binary(BinaryOp.Add, a, b);
    private T Zeros(T like) { TensorInfo i = inner.Describe(like); return inner.Full(i.Shape, 0, i.DType); }

    /// <summary>0/1 in <paramref name="like"/>'s dtype where the comparison holds.</summary>
    private T Mask(CompareOp op, T a, T b, T like) => inner.Cast(inner.Compare(op, a, b), inner.DTypeOf(like));

    /// <summary>A reduced gradient brought back to the input's shape (the reduced axes re-inserted, then broadcast).</summary>
    private T Expand(T g, long[] inputShape, int[]? axes, bool keepDims)
    {
        int rank = inputShape.Length;
        int[] resolved = axes is null ? Enumerable.Range(0, rank).ToArray() : axes.Select(a => a < 0 ? a + rank : a).ToArray();
        long[] kept = inputShape.Select((n, d) => resolved.Contains(d) ? 1L : n).ToArray();
        return inner.BroadcastTo(keepDims ? g : inner.Reshape(g, kept), inputShape);
    }
}
