namespace CrossBackend;

/// <summary>One element-wise op of one tensor.</summary>
internal sealed class UnaryFunction(UnaryOp op, Func<DType[], DType> result, bool exact = false) : FunctionProgram(result, exact)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class => [o.Unary(op, inputs[0]!)];
}

/// <summary>One element-wise op of two tensors, or of a tensor and a constant, broadcast.</summary>
internal sealed class BinaryFunction(BinaryOp op, string aName, string bName, double? constant, Func<DType[], DType> result, bool exact = false, bool integers = false)
    : BinaryFunctionProgram(FractionMakesFloat32(constant) ? d => d[0].IsFloatingPoint() ? result(d) : DType.Float32 : result, exact, integers)
{
    /// <summary>Whether <paramref name="constant"/> has a fraction (or is NaN, ±∞): an integer or bool tensor meeting
    /// it gives float32, computed in float32 — Keras 3's result type of int32 and a Python float, PyTorch's int tensor
    /// · 0.5 — where a whole number keeps the integer dtype (x·2 of int32 is int32, as in PyTorch).</summary>
    private static bool FractionMakesFloat32(double? constant) => constant is { } c && !double.IsInteger(c);

    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T a = inputs[0]!;
        T b;
        if (constant is { } c) b = o.Scalar(c, o.DTypeOf(a));
        else
        {
            b = Align(o, a, inputs[1]!);
            Backend.RequireBroadcast(o.ShapeOf(a), o.ShapeOf(b), aName, bName);
        }
        return [o.Binary(op, a, b)];
    }

    /// <summary>Keras casts both operands to its result dtype first, so the float32 result of an integer tensor and a
    /// number with a fraction is computed in float32 (as PyTorch computes int·0.1).</summary>
    public override DType ComputeDType(DType[] inputs)
    {
        if (FractionMakesFloat32(constant) && !inputs[0].IsFloatingPoint()) return DType.Float32;
        DType own = base.ComputeDType(inputs);
        // A whole constant beyond an integer dtype's range (int32 x + 3e9) keeps the float64 detour, which wraps the
        // exact sum as PyTorch's int32 arithmetic with a Python int does; made a constant of the dtype first, it would
        // become the dtype's minimum (the cast's rule).
        return constant is { } c && !own.IsFloatingPoint() && !own.InIntegerRange(c) ? DType.Float64 : own;
    }
}

/// <summary>Clamping to optional bounds.</summary>
internal sealed class ClipFunction(double min, double max) : FunctionProgram(ResultDTypes.SameAsInput, integers: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class => [o.Clip(inputs[0]!, min, max)];
}

/// <summary>Softmax along an axis.</summary>
internal sealed class SoftmaxFunction(int axis) : FunctionProgram(ResultDTypes.FloatForIntegers)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        return [o.Softmax(x, Backend.Axis(axis, shape.Length, "axis", "tensor", shape))];
    }
}

public static partial class Backend
{
    private static readonly string[] TensorName = ["tensor"];

    /// <summary>A number operand in the dtype of the tensor it meets. Narrow floats are computed in float32, so their
    /// constants are rounded here, as NumPy and TensorFlow make a float16 constant (x − 0.1 in float16 subtracts
    /// 0.0999755859375, and x = 0.1 gives 0): the same bits as the rank-0 tensor overloads. Wider dtypes round the
    /// constant when it becomes a tensor; a null tensor is left to the program's own error.</summary>
    private static double ConstantFor(object? tensor, double value, string name) =>
        tensor is not null && Inspect(tensor, name).Info.DType is { } dtype && dtype.IsNarrowFloat() ? dtype.RoundTo(value) : value;

    /// <summary>The absolute value, element-wise (FastEstimator's <c>abs</c>; integers stay integers; bool is returned
    /// as it is, as NumPy's <c>np.abs</c> gives it).</summary>
    /// <remarks><b>Example</b> (FastEstimator): [-2, 7, -19] → <b>[2, 7, 19]</b> on every engine.</remarks>
    /// <param name="tensor">A tensor of any engine and numeric or bool dtype.</param>
    /// <returns>A tensor of the same engine, shape and dtype.</returns>
    public static T Abs<T>(T tensor) where T : class =>
        Run<T>(nameof(Abs), new UnaryFunction(UnaryOp.Abs, ResultDTypes.SameAsInput, exact: true), [tensor], TensorName);

    /// <summary>The sign, −1, 0 or 1, element-wise (FastEstimator's <c>sign</c>; NaN stays NaN; integers stay integers).</summary>
    /// <remarks><b>Example</b> (FastEstimator): [-2, 7, -19] → <b>[-1, 1, -1]</b>.</remarks>
    public static T Sign<T>(T tensor) where T : class =>
        Run<T>(nameof(Sign), new UnaryFunction(UnaryOp.Sign, ResultDTypes.SameAsInput, exact: true), [tensor], TensorName);

    /// <summary>eˣ element-wise (FastEstimator's <c>exp</c>). Integers give float32 (Keras; NumPy gives float64).</summary>
    /// <remarks><b>Example</b> (FastEstimator): [-2, 2, 1] → <b>[0.1353, 7.3891, 2.7183]</b>.</remarks>
    public static T Exp<T>(T tensor) where T : class =>
        Run<T>(nameof(Exp), new UnaryFunction(UnaryOp.Exp, ResultDTypes.FloatForIntegers), [tensor], TensorName);

    /// <summary>√x element-wise (FastEstimator's <c>tensor_sqrt</c>; NaN below 0). Integers give float32.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[1, 4, 6], [4, 9, 16]] → <b>[[1, 2, 2.44948974], [2, 3, 4]]</b>.</remarks>
    public static T TensorSqrt<T>(T tensor) where T : class =>
        Run<T>(nameof(TensorSqrt), new UnaryFunction(UnaryOp.Sqrt, ResultDTypes.FloatForIntegers), [tensor], TensorName);

    /// <summary>Rounds to the nearest integer, ties to even (FastEstimator's <c>tensor_round</c>: <c>np.round</c>,
    /// <c>torch.round</c>; Python's <c>round</c> also ties to even). The dtype is kept.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[1.25, 4.5, 6], [4, 9.11, 16]] → <b>[[1, 4, 6], [4, 9, 16]]</b> (4.5 → 4).</remarks>
    public static T TensorRound<T>(T tensor) where T : class =>
        Run<T>(nameof(TensorRound), new UnaryFunction(UnaryOp.Round, ResultDTypes.SameAsInput), [tensor], TensorName);

    /// <summary><paramref name="tensor"/> raised to <paramref name="power"/> element-wise (FastEstimator's
    /// <c>pow</c>; the dtype is kept, so integers to integer powers stay exact).</summary>
    /// <remarks><b>Example</b> (FastEstimator): pow([-2, 7, -19], 2) → <b>[4, 49, 361]</b>.</remarks>
    public static T Pow<T>(T tensor, double power) where T : class =>
        Run<T>(nameof(Pow), PowerOf(tensor, power), [tensor], TensorName);

    /// <summary><paramref name="tensor"/> raised to a tensor of powers of the same engine, broadcast; the result has
    /// the promoted dtype of both.</summary>
    public static T Pow<T>(T tensor, T power) where T : class =>
        Run<T>(nameof(Pow), new BinaryFunction(BinaryOp.Power, "tensor", "power", null, ResultDTypes.PromoteFirstTwo), [tensor, power], ["tensor", "power"]);

    /// <summary>xᵖᵒʷᵉʳ element-wise (FastEstimator's <c>tensor_pow</c>; the same as <see cref="Pow{T}(T, double)"/>).</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[1, 4, 6], [2.3, 0.5, 0]] ^ 3.2 → <b>[[1, 84.449, 309.089], [14.372, 0.109, 0]]</b>;
    /// ^ 0.21 → <b>[[1, 1.338, 1.457], [1.191, 0.865, 0]]</b>.</remarks>
    public static T TensorPow<T>(T tensor, double power) where T : class =>
        Run<T>(nameof(TensorPow), PowerOf(tensor, power), [tensor], TensorName);

    /// <summary>x^power for a number: an integer tensor to a whole power stays integer; to a power with a fraction it
    /// gives float32 (Keras, PyTorch); to a negative whole power it is refused, as PyTorch and NumPy refuse it
    /// ("Integers to negative integer powers are not allowed"), where a float64 detour would truncate 2^−1 to 0.</summary>
    private static BinaryFunction PowerOf(object? tensor, double power)
    {
        if (tensor is not null && double.IsInteger(power) && power < 0 && !Inspect(tensor, nameof(tensor)).Info.DType.IsFloatingPoint())
            throw new ArgumentOutOfRangeException(nameof(power), power,
                $"Argument `power` must not be a negative whole number for an integer tensor (PyTorch and NumPy refuse integers to negative integer powers). Cast `tensor` to a floating-point dtype first (Backend.Cast(tensor, DType.Float32)). Received: power={power}, tensor.dtype={Inspect(tensor, nameof(tensor)).Info.DType.Name()}");
        return new BinaryFunction(BinaryOp.Power, "tensor", "power", ConstantFor(tensor, power, "tensor"), ResultDTypes.SameAsInput, integers: true);
    }

    /// <summary>The element-wise maximum of two tensors of one engine, broadcast (FastEstimator's <c>maximum</c>;
    /// NaN if either is NaN). The result has the promoted dtype.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[2, 7, 6]] and [[2, 7, 5]] → <b>[[2, 7, 6]]</b>.</remarks>
    public static T Maximum<T>(T tensor1, T tensor2) where T : class =>
        Run<T>(nameof(Maximum), new BinaryFunction(BinaryOp.Maximum, "tensor1", "tensor2", null, ResultDTypes.PromoteFirstTwo, exact: true),
            [tensor1, tensor2], ["tensor1", "tensor2"]);

    /// <summary>The element-wise minimum of two tensors of one engine, broadcast (NaN if either is NaN).</summary>
    public static T Minimum<T>(T tensor1, T tensor2) where T : class =>
        Run<T>(nameof(Minimum), new BinaryFunction(BinaryOp.Minimum, "tensor1", "tensor2", null, ResultDTypes.PromoteFirstTwo, exact: true),
            [tensor1, tensor2], ["tensor1", "tensor2"]);

    /// <summary>Clips values to [<paramref name="minValue"/>, <paramref name="maxValue"/>] (FastEstimator's
    /// <c>clip_by_value</c>); a null bound does not clip on that side, and at least one bound is required. The bounds
    /// are rounded to the tensor's dtype (in float32, 0.1 is 0.100000001). NaN stays NaN. A NaN bound is refused
    /// (<c>torch.clamp</c> with a number and <c>np.clip</c> ignore it, a NaN tensor bound makes every value NaN in
    /// PyTorch). A <paramref name="minValue"/>
    /// above <paramref name="maxValue"/> is refused: TensorFlow gives the minimum there, PyTorch and NumPy the maximum.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [-5, 4, 2, 0, 9, -2] with min −2, max 3 → <b>[-2, 3, 2, 0, 3, -2]</b>;
    /// min −2 only → <b>[-2, 4, 2, 0, 9, -2]</b>.</remarks>
    public static T ClipByValue<T>(T tensor, double? minValue = null, double? maxValue = null) where T : class
    {
        if (minValue is null && maxValue is null)
            throw new ArgumentException("Arguments `minValue` and `maxValue` must not both be null: give at least one bound. Received: minValue=null, maxValue=null", nameof(minValue));
        if (minValue is double low && double.IsNaN(low) || maxValue is double high && double.IsNaN(high))
            throw new ArgumentException(
                $"Arguments `minValue` and `maxValue` must not be NaN (every value would compare false against it): give a number, or null for no bound on that side. Received: minValue={minValue}, maxValue={maxValue}",
                minValue is double m && double.IsNaN(m) ? nameof(minValue) : nameof(maxValue));
        if (minValue > maxValue)
            // FastEstimator's two paths disagree here: tf.clip_by_value is max(min(x, hi), lo) and gives minValue
            // everywhere; torch.clamp and np.clip give maxValue. Neither is what a caller with crossed bounds meant.
            throw new ArgumentException(
                "Argument `minValue` must not exceed `maxValue`: with crossed bounds TensorFlow's clip_by_value gives minValue everywhere and " +
                $"torch.clamp and np.clip give maxValue, so there is no one answer. Swap them. Received: minValue={minValue}, maxValue={maxValue}", nameof(minValue));
        return Run<T>(nameof(ClipByValue), new ClipFunction(minValue ?? double.NegativeInfinity, maxValue ?? double.PositiveInfinity), [tensor], TensorName);
    }

    /// <summary><see cref="ClipByValue{T}(T, double?, double?)"/> with bounds given as one-element tensors (of any engine),
    /// .NET numbers or one-element .NET arrays, or null: FastEstimator's <c>clip_by_value</c> takes a tensor bound
    /// and, on torch, reads it with <c>.item()</c>, so a bound must hold exactly one value (any shape); it is read on
    /// the host once.</summary>
    /// <remarks><b>Example</b>: [0.05, 0.2, 0.5] with the float32 tensors [0.1] and [[0.3]] as bounds →
    /// <b>[0.1, 0.2, 0.3]</b>, as with the numbers 0.1 and 0.3.</remarks>
    /// <exception cref="ArgumentException">A bound that is not one number (several values, a string); the message names it.</exception>
    public static T ClipByValue<T>(T tensor, object? minValue, object? maxValue) where T : class =>
        ClipByValue(tensor, Bound(minValue, nameof(minValue)), Bound(maxValue, nameof(maxValue)));

    /// <summary>A clip bound given as a one-element tensor, a number or a one-element array, as a number (torch's
    /// <c>.item()</c>).</summary>
    private static double? Bound(object? bound, string name)
    {
        if (bound is null) return null;
        double[] values = HostValues(bound, name, "a number, a one-element tensor or a one-element .NET array of numbers, or null for no bound").Values;
        if (values.Length != 1)
            throw new ArgumentException(
                $"Argument `{name}` must hold exactly one value (FastEstimator reads a tensor bound with torch's .item()); to clip element by element, use Maximum and Minimum. Received: {name} with {values.Length} values", name);
        return values[0];
    }

    /// <summary>a + b, broadcast, in the promoted dtype (FastEstimator uses Python's <c>+</c>).</summary>
    public static T Add<T>(T a, T b) where T : class =>
        Run<T>(nameof(Add), new BinaryFunction(BinaryOp.Add, "a", "b", null, ResultDTypes.PromoteFirstTwo, integers: true), [a, b], ["a", "b"]);

    /// <summary>a + b with a constant rounded to a's dtype; an integer or bool <c>a</c> with a number that has a fraction
    /// gives float32, computed in float32 (Keras 3, PyTorch: int32 [3, 5] · 0.5 → [1.5, 2.5]).</summary>
    public static T Add<T>(T a, double b) where T : class =>
        Run<T>(nameof(Add), new BinaryFunction(BinaryOp.Add, "a", "b", ConstantFor(a, b, "a"), ResultDTypes.SameAsInput, integers: true), [a], ["a"]);

    /// <summary>a − b, broadcast, in the promoted dtype.</summary>
    public static T Subtract<T>(T a, T b) where T : class =>
        Run<T>(nameof(Subtract), new BinaryFunction(BinaryOp.Subtract, "a", "b", null, ResultDTypes.PromoteFirstTwo, integers: true), [a, b], ["a", "b"]);

    /// <summary>a − b with a constant rounded to a's dtype; an integer or bool <c>a</c> with a number that has a fraction
    /// gives float32, computed in float32 (Keras 3, PyTorch: int32 [3, 5] · 0.5 → [1.5, 2.5]).</summary>
    public static T Subtract<T>(T a, double b) where T : class =>
        Run<T>(nameof(Subtract), new BinaryFunction(BinaryOp.Subtract, "a", "b", ConstantFor(a, b, "a"), ResultDTypes.SameAsInput, integers: true), [a], ["a"]);

    /// <summary>a · b element-wise, broadcast, in the promoted dtype.</summary>
    public static T Multiply<T>(T a, T b) where T : class =>
        Run<T>(nameof(Multiply), new BinaryFunction(BinaryOp.Multiply, "a", "b", null, ResultDTypes.PromoteFirstTwo, integers: true), [a, b], ["a", "b"]);

    /// <summary>a · b with a constant rounded to a's dtype; an integer or bool <c>a</c> with a number that has a fraction
    /// gives float32, computed in float32 (Keras 3, PyTorch: int32 [3, 5] · 0.5 → [1.5, 2.5]).</summary>
    public static T Multiply<T>(T a, double b) where T : class =>
        Run<T>(nameof(Multiply), new BinaryFunction(BinaryOp.Multiply, "a", "b", ConstantFor(a, b, "a"), ResultDTypes.SameAsInput, integers: true), [a], ["a"]);

    /// <summary>a / b, broadcast (true division: integers give float32, as Keras; IEEE: x/0 = ±∞).</summary>
    public static T Divide<T>(T a, T b) where T : class =>
        Run<T>(nameof(Divide), new BinaryFunction(BinaryOp.Divide, "a", "b", null, d => ResultDTypes.FloatForIntegers([ResultDTypes.Promote(d[0], d[1])])), [a, b], ["a", "b"]);

    /// <summary>a / b with a constant (integers give float32).</summary>
    public static T Divide<T>(T a, double b) where T : class =>
        Run<T>(nameof(Divide), new BinaryFunction(BinaryOp.Divide, "a", "b", ConstantFor(a, b, "a"), ResultDTypes.FloatForIntegers), [a], ["a"]);

    /// <summary>max(x, 0) element-wise (Keras's <c>relu</c>, <c>tf.nn.relu</c>, <c>F.relu</c>): −0 and NaN are kept. Its
    /// gradient is 0 where x ≤ 0, at 0 too (not <see cref="Maximum{T}(T, T)"/>'s half at a tie), and passes where x is
    /// NaN (PyTorch's rule; TensorFlow's and JAX's give 0 there).</summary>
    /// <remarks><b>Example</b>: [−1, −0, 0, 2, NaN] → <b>[0, −0, 0, 2, NaN]</b>; the gradient of its sum →
    /// <b>[0, 0, 0, 1, 1]</b>.</remarks>
    public static T Relu<T>(T tensor) where T : class =>
        Run<T>(nameof(Relu), new UnaryFunction(UnaryOp.Relu, ResultDTypes.SameAsInput, exact: true), [tensor], TensorName);

    /// <summary>exp(x − max) / Σ exp(x − max) along <paramref name="axis"/> (Keras's <c>softmax</c>; default the last
    /// axis, as Keras — pass the class axis explicitly for channels-first image tensors). Integers give float32.</summary>
    public static T Softmax<T>(T tensor, int axis = -1) where T : class =>
        Run<T>(nameof(Softmax), new SoftmaxFunction(axis), [tensor], TensorName);
}
