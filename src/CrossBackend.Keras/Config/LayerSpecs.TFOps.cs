namespace CrossBackend.Keras;

/// <summary>What a tf.keras 2 <c>TFOpLambda</c> / <c>SlicingOpLambda</c> layer computes, where no other spec says it
/// (relu, relu6, sigmoid, tanh and softmax are <see cref="ActivationSpec"/>s, <c>tf.reshape</c> a
/// <see cref="ReshapeSpec"/>, <c>tf.concat</c> a <see cref="ConcatenateSpec"/>).</summary>
public enum KerasTFOp
{
    /// <summary><c>tf.__operators__.add</c> / <c>tf.math.add</c>: x + y.</summary>
    Add,
    /// <summary><c>tf.math.subtract</c>: x − y.</summary>
    Subtract,
    /// <summary><c>tf.math.multiply</c>: x · y.</summary>
    Multiply,
    /// <summary><c>tf.math.truediv</c> / <c>tf.math.divide</c>: x / y, a true division (TensorFlow's RealDiv), not a
    /// product with 1/y.</summary>
    Divide,
    /// <summary><c>tf.math.negative</c>: −x.</summary>
    Negative,
    /// <summary><c>tf.math.reduce_mean</c>: the sum over <see cref="TFOpSpec.Axes"/> divided by the count.</summary>
    ReduceMean,
    /// <summary><c>tf.math.reduce_sum</c>: the sum over <see cref="TFOpSpec.Axes"/>.</summary>
    ReduceSum,
    /// <summary><c>tf.__operators__.getitem</c> (<c>x[:, 1:]</c>, <c>x[..., 0]</c>, <c>x[..., ::-1]</c>): Python's slicing per axis.</summary>
    Slice,
    /// <summary><c>tf.nn.bias_add</c> with a channels-last <c>data_format</c>: x + bias, the bias a 1-D constant as long as
    /// x's last axis (<see cref="TFOpSpec.ConstantArray"/>). keras.applications' <c>preprocess_input</c> (modes "caffe"
    /// and "torch") records it through <c>backend.bias_add</c>.</summary>
    BiasAdd,
    /// <summary><c>tf.cast</c> to float32 or float64 (<see cref="TFOpSpec.CastTo"/>): an integer tensor (an integer
    /// InputLayer's, uint8 images say) converted to the network's float dtype, round to nearest as TensorFlow's Cast; a
    /// float tensor unchanged.</summary>
    Cast,
    /// <summary><c>tf.math.exp</c>: eˣ.</summary>
    Exp,
    /// <summary><c>tf.math.log</c>: ln x (−∞ at 0, NaN below).</summary>
    Log,
    /// <summary><c>tf.math.sqrt</c>: √x, correctly rounded (IEEE), NaN below 0.</summary>
    Sqrt,
    /// <summary><c>tf.math.square</c>: x · x.</summary>
    Square,
    /// <summary><c>tf.math.abs</c>: |x|.</summary>
    Abs,
    /// <summary><c>tf.math.maximum</c>: the larger of x and y, element-wise with broadcasting.</summary>
    Maximum,
    /// <summary><c>tf.math.minimum</c>: the smaller of x and y, element-wise with broadcasting.</summary>
    Minimum,
    /// <summary><c>tf.clip_by_value</c> with numbers: minimum(x, <see cref="TFOpSpec.ClipMax"/>), then maximum with
    /// <see cref="TFOpSpec.Constant"/> (the minimum), as tensorflow/python/ops/clip_ops.py computes it.</summary>
    ClipByValue,
    /// <summary><c>tf.expand_dims</c> on a non-batch axis (<see cref="TFOpSpec.Axes"/>' one entry, counting the batch
    /// axis as 0, negative from the end of the output): a new axis of length 1.</summary>
    ExpandDims,
    /// <summary>xʸ element-wise with broadcasting (<c>tf.math.pow</c>; Keras 3's <c>ops.power</c>; <c>x ** p</c> in both;
    /// NumPy's <c>power</c>).</summary>
    Power,
    /// <summary>The largest value over <see cref="TFOpSpec.Axes"/> (<c>tf.math.reduce_max</c>, Keras 3's <c>ops.max</c>,
    /// NumPy's <c>max</c>; NaN propagates).</summary>
    ReduceMax,
    /// <summary>The smallest value over <see cref="TFOpSpec.Axes"/> (<c>tf.math.reduce_min</c>, Keras 3's <c>ops.min</c>).</summary>
    ReduceMin,
    /// <summary>Axes of length 1 removed (<c>tf.squeeze</c>, Keras 3's <c>ops.squeeze</c>): <see cref="TFOpSpec.Axes"/> as given (counting
    /// the batch axis as 0, negative from the end), or, when empty, every non-batch axis the architecture knows to have
    /// length 1 (axis=None), never the batch axis.</summary>
    Squeeze,
    /// <summary>NumPy's <c>matmul</c> (Keras 3's <c>ops.matmul</c>; <c>tf.linalg.matmul</c>, the same for operands of
    /// rank ≥ 2; <c>x @ w</c> in both) on Keras's layout: of the tensor and
    /// a constant array (<see cref="TFOpSpec.ConstantArray"/>, first when <see cref="TFOpSpec.ConstantFirst"/>), or of
    /// two tensors; the batch axis stays the first stacked axis, never contracted.</summary>
    MatMul,
    /// <summary>A softmax over several axes at once (Keras 3's <c>ops.softmax(x, axis=(1, 2))</c>): exp(x − max) divided
    /// by its sum, the max and the sum over all of <see cref="TFOpSpec.Axes"/> together (non-batch axes, counting the batch
    /// axis as 0, negative from the end). One axis is the Softmax activation's.</summary>
    Softmax,
}

/// <summary>A constant array operand as tf.keras 2 saves it: keras/engine/node.py <c>Node.serialize</c> writes a NumPy
/// array or a TensorFlow constant argument as its <c>tolist()</c>, a nested list of numbers. TensorFlow converts it to
/// the tensor's dtype before the op (float32(0.229) for a float32 model), as it converts a number.</summary>
/// <param name="Values">The numbers, row-major, as written (doubles; each runtime rounds them to its dtype).</param>
/// <param name="Shape">The array's shape, aligned with the input's last axes by NumPy's broadcasting; it never reaches
/// the batch axis.</param>
public sealed record KerasTFConstant(double[] Values, long[] Shape);

/// <summary>One item of a <c>tf.__operators__.getitem</c> slice spec as tf.keras 2 saves it: a slice
/// <c>{"start", "stop", "step"}</c>, an int index (which drops its axis), or the Ellipsis (<c>{"class_name": "__ellipsis__"}</c>,
/// full slices over as many axes as the other items leave).</summary>
/// <param name="Start">The slice's start (null: from the first cell for a positive step, the last for a negative one), or the index.</param>
/// <param name="Stop">The slice's stop (null: past the last cell in the step's direction).</param>
/// <param name="Step">The slice's step (not 0; a negative step walks the axis backwards, as Python's).</param>
/// <param name="IsIndex">An int index: the axis is dropped.</param>
/// <param name="IsEllipsis">The Ellipsis.</param>
public sealed record KerasSliceItem(long? Start, long? Stop, long Step = 1, bool IsIndex = false, bool IsEllipsis = false)
{
    /// <summary>A full slice <c>:</c>.</summary>
    public static KerasSliceItem All { get; } = new(null, null);

    /// <summary>Whether the item keeps a whole axis of any length: <c>:</c>, <c>0:</c>, <c>::1</c> (start none or 0, no
    /// stop, step 1) — the only slices of the batch axis, whose length is not known when loading, that can be read.</summary>
    internal bool TakesWholeAxis => !IsIndex && !IsEllipsis && Start is null or 0 && Stop is null && Step == 1;

    /// <summary>The end of the message for a slice spec whose first item slices the batch axis.</summary>
    internal const string BatchSliceRefusal =
        "which slices the batch axis; only a full slice `:` (or `0:`) or `...` there is supported (x[:, 1:], x[..., 0])";

    /// <summary>Whether a slice spec's first item keeps the batch axis whole (<c>...</c>, or a slice
    /// <see cref="TakesWholeAxis"/>, which is written as <c>:</c> in <paramref name="slices"/>: x[0:] is x[:]); false
    /// when it slices the batch axis.</summary>
    internal static bool KeepBatchWhole(KerasSliceItem[] slices)
    {
        if (slices[0].IsEllipsis) return true;
        if (!slices[0].TakesWholeAxis) return false;
        slices[0] = All;
        return true;
    }
}

/// <summary>
/// A tf.keras 2 <c>TFOpLambda</c> / <c>SlicingOpLambda</c> layer (keras/layers/core/tf_op_layer.py): a TensorFlow
/// function the user called on Keras tensors, saved as its name (<c>function</c>: "math.multiply") with the call's
/// other arguments in the inbound node's kwargs (keras/engine/node.py <c>Node.serialize</c>). Element-wise ops take
/// TensorFlow's numbers: a Python number is converted to the tensor's dtype first (float32(0.1), then the op in float32).
/// </summary>
/// <param name="Function">The TensorFlow function as saved ("math.multiply", "__operators__.getitem"), for messages.</param>
/// <param name="Op">What it computes.</param>
public sealed record TFOpSpec(string Function, KerasTFOp Op) : LayerSpec
{
    /// <summary>The op as messages name it: <c>tf.</c> + <see cref="Function"/> for a tf.keras 2 TFOpLambda
    /// (<c>tf.math.multiply</c>), the module and class for a Keras 3 functional op (<c>keras.src.ops.numpy.Multiply</c>,
    /// read by <see cref="KerasOpsCall"/>).</summary>
    public string Label { get; init; } = $"tf.{Function}";

    /// <summary>Whether the call is a tf.keras 2 TensorFlow function (its <see cref="Label"/> is <c>tf.…</c>), whose
    /// rules and messages are TensorFlow's where they differ from the Keras 3 op's (tf.squeeze's unknown lengths).</summary>
    public bool IsTensorFlowFunction => Label.StartsWith("tf.", StringComparison.Ordinal);

    /// <summary>A binary op's number operand; null: the second operand is the layer's second input tensor.</summary>
    public double? Constant { get; init; }

    /// <summary>A binary op's constant array operand (<c>x - np.array(mean)</c>, <c>tf.nn.bias_add</c>'s bias); null: none.</summary>
    public KerasTFConstant? ConstantArray { get; init; }

    /// <summary>The number or array is the first operand (<c>1 - x</c> is <c>tf.math.subtract(1.0, x)</c>).</summary>
    public bool ConstantFirst { get; init; }

    /// <summary>The reduced (or squeezed, new or softmax-normalised) axes as the call gives them, counting the batch axis as 0 (negative from the end).</summary>
    public int[] Axes { get; init; } = [];

    /// <summary>The reduction keeps each reduced axis with length 1 (<c>keepdims=True</c>).</summary>
    public bool KeepDims { get; init; }

    /// <summary>The slice spec's items, the first for the batch axis (which must be a full slice or the Ellipsis).</summary>
    public KerasSliceItem[] Slices { get; init; } = [];

    /// <summary>tf.linalg.matmul's <c>transpose_a</c> (or <c>adjoint_a</c>) on a tensor first operand: its last two axes
    /// are swapped before the product (a constant operand is swapped when reading instead).</summary>
    public bool TransposeFirst { get; init; }

    /// <summary>tf.linalg.matmul's <c>transpose_b</c> (or <c>adjoint_b</c>) on a tensor second operand.</summary>
    public bool TransposeSecond { get; init; }

    /// <summary>Whether the product transposes its <paramref name="index"/>th tensor input (0: the first tensor the
    /// layer reads), whichever operand position it has.</summary>
    public bool TransposesTensor(int index) => index == 0 && ConstantFirst ? TransposeSecond : index == 0 ? TransposeFirst : TransposeSecond;

    /// <summary><c>tf.clip_by_value</c>'s upper bound (its lower one is <see cref="Constant"/>).</summary>
    public double ClipMax { get; init; }

    /// <summary><c>tf.cast</c>'s target: <see cref="DType.Float32"/> or <see cref="DType.Float64"/>.</summary>
    public DType CastTo { get; init; } = DType.Float32;

    /// <summary>Whether the op is one of one tensor, element by element, that keeps the shape (exp, log, sqrt, …, cast).</summary>
    public bool ElementWiseUnary => Op is KerasTFOp.Negative or KerasTFOp.Cast or KerasTFOp.Exp or KerasTFOp.Log or KerasTFOp.Sqrt
        or KerasTFOp.Square or KerasTFOp.Abs or KerasTFOp.ClipByValue;

    /// <summary>Whether the op is a binary element-wise one (two operands, broadcast).</summary>
    public bool Binary => Op is KerasTFOp.Add or KerasTFOp.Subtract or KerasTFOp.Multiply or KerasTFOp.Divide or KerasTFOp.Maximum or KerasTFOp.Minimum
        or KerasTFOp.Power;

    /// <summary>Whether the op reads two tensors (a binary op or a matrix product without a number or array operand).</summary>
    public bool TwoTensors => (Binary || Op == KerasTFOp.MatMul) && Constant is null && ConstantArray is null;
}
