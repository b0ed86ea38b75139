namespace CrossBackend;

/// <summary>Readable names over the general ops, so that a loss reads like its Keras source. Nothing here adds
/// semantics: each helper is one general op or a fixed composition of them.</summary>
internal static class OpsExtensions
{
    public static int RankOf<T>(this ITensorOps<T> o, T x) where T : class => o.ShapeOf(x).Length;

    /// <summary>A scalar in <paramref name="dtype"/> that broadcasts against anything.</summary>
    public static T Scalar<T>(this ITensorOps<T> o, double value, DType dtype) where T : class => o.Full([], value, dtype);

    public static T Add<T>(this ITensorOps<T> o, T a, T b) where T : class => o.Binary(BinaryOp.Add, a, b);
    public static T Sub<T>(this ITensorOps<T> o, T a, T b) where T : class => o.Binary(BinaryOp.Subtract, a, b);
    public static T Mul<T>(this ITensorOps<T> o, T a, T b) where T : class => o.Binary(BinaryOp.Multiply, a, b);
    public static T Div<T>(this ITensorOps<T> o, T a, T b) where T : class => o.Binary(BinaryOp.Divide, a, b);
    public static T Pow<T>(this ITensorOps<T> o, T a, T b) where T : class => o.Binary(BinaryOp.Power, a, b);
    public static T Maximum<T>(this ITensorOps<T> o, T a, T b) where T : class => o.Binary(BinaryOp.Maximum, a, b);
    public static T Minimum<T>(this ITensorOps<T> o, T a, T b) where T : class => o.Binary(BinaryOp.Minimum, a, b);

    /// <summary>x + c, x − c, x · c, x / c, c − x with a constant in x's dtype.</summary>
    public static T Add<T>(this ITensorOps<T> o, T x, double c) where T : class => c == 0 ? x : o.Add(x, o.Scalar(c, o.DTypeOf(x)));
    public static T Mul<T>(this ITensorOps<T> o, T x, double c) where T : class => c == 1 ? x : o.Mul(x, o.Scalar(c, o.DTypeOf(x)));
    public static T Div<T>(this ITensorOps<T> o, T x, double c) where T : class => c == 1 ? x : o.Div(x, o.Scalar(c, o.DTypeOf(x)));
    public static T RSub<T>(this ITensorOps<T> o, double c, T x) where T : class => o.Sub(o.Scalar(c, o.DTypeOf(x)), x);
    public static T Maximum<T>(this ITensorOps<T> o, T x, double c) where T : class => o.Maximum(x, o.Scalar(c, o.DTypeOf(x)));
    public static T Pow<T>(this ITensorOps<T> o, T x, double c) where T : class => o.Pow(x, o.Scalar(c, o.DTypeOf(x)));

    public static T Neg<T>(this ITensorOps<T> o, T x) where T : class => o.Unary(UnaryOp.Negate, x);
    public static T Abs<T>(this ITensorOps<T> o, T x) where T : class => o.Unary(UnaryOp.Abs, x);
    public static T Square<T>(this ITensorOps<T> o, T x) where T : class => o.Unary(UnaryOp.Square, x);
    public static T Sqrt<T>(this ITensorOps<T> o, T x) where T : class => o.Unary(UnaryOp.Sqrt, x);
    public static T Exp<T>(this ITensorOps<T> o, T x) where T : class => o.Unary(UnaryOp.Exp, x);
    public static T Log<T>(this ITensorOps<T> o, T x) where T : class => o.Unary(UnaryOp.Log, x);
    public static T Log1p<T>(this ITensorOps<T> o, T x) where T : class => o.Unary(UnaryOp.Log1p, x);
    public static T Sigmoid<T>(this ITensorOps<T> o, T x) where T : class => o.Unary(UnaryOp.Sigmoid, x);
    public static T Softplus<T>(this ITensorOps<T> o, T x) where T : class => o.Unary(UnaryOp.Softplus, x);

    public static T Sum<T>(this ITensorOps<T> o, T x, int[]? axes = null, bool keepDims = false) where T : class =>
        o.Reduce(ReduceOp.Sum, x, axes, keepDims);
    public static T Mean<T>(this ITensorOps<T> o, T x, int[]? axes = null, bool keepDims = false) where T : class =>
        o.Reduce(ReduceOp.Mean, x, axes, keepDims);
    public static T Sum<T>(this ITensorOps<T> o, T x, int axis, bool keepDims = false) where T : class =>
        o.Reduce(ReduceOp.Sum, x, [axis], keepDims);
    public static T Mean<T>(this ITensorOps<T> o, T x, int axis, bool keepDims = false) where T : class =>
        o.Reduce(ReduceOp.Mean, x, [axis], keepDims);
    public static T Max<T>(this ITensorOps<T> o, T x, int axis, bool keepDims = false) where T : class =>
        o.Reduce(ReduceOp.Max, x, [axis], keepDims);

    /// <summary>Removes a length-1 axis.</summary>
    public static T Squeeze<T>(this ITensorOps<T> o, T x, int axis) where T : class
    {
        long[] shape = o.ShapeOf(x);
        return o.Reshape(x, Shapes.Without(shape, axis < 0 ? axis + shape.Length : axis));
    }

    /// <summary>Inserts a length-1 axis at <paramref name="axis"/> of the result.</summary>
    public static T ExpandDims<T>(this ITensorOps<T> o, T x, int axis) where T : class
    {
        long[] shape = o.ShapeOf(x);
        return o.Reshape(x, Shapes.With(shape, axis < 0 ? axis + shape.Length + 1 : axis));
    }

    /// <summary>Moves one axis (NumPy's <c>moveaxis</c>).</summary>
    public static T MoveAxis<T>(this ITensorOps<T> o, T x, int source, int destination) where T : class =>
        o.Permute(x, Shapes.MoveAxisOrder(o.RankOf(x), source, destination));

    /// <summary>A 0/1 tensor in <paramref name="dtype"/> from a comparison.</summary>
    public static T CompareAs<T>(this ITensorOps<T> o, CompareOp op, T a, T b, DType dtype) where T : class =>
        o.Cast(o.Compare(op, a, b), dtype);

    /// <summary>numerator / denominator, 0 where the denominator is 0 (TensorFlow's <c>divide_no_nan</c>).</summary>
    public static T DivideNoNan<T>(this ITensorOps<T> o, T numerator, T denominator) where T : class
    {
        T zero = o.Scalar(0, o.DTypeOf(denominator));
        T isZero = o.Compare(CompareOp.Equal, denominator, zero);
        T safe = o.Where(isZero, o.Scalar(1, o.DTypeOf(denominator)), denominator);
        return o.Where(isZero, o.Scalar(0, o.DTypeOf(numerator)), o.Div(numerator, safe));
    }

    /// <summary>Reads a one-element tensor.</summary>
    public static double Item<T>(this ITensorOps<T> o, T x) where T : class => o.ToHost(x)[0];
}
