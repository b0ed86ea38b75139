using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>
/// Reads a Keras 3 functional op: an operator or <c>keras.ops</c> call on a Keras tensor (<c>x * 0.3</c>, <c>x + y</c>,
/// <c>ops.mean(x, axis=1)</c>, <c>x[:, 1:3]</c>), which Keras 3 saves as a node of the functional config like a layer's,
/// with the op's own class and module (<c>{"module": "keras.src.ops.numpy", "class_name": "Multiply", "config": {"name":
/// "multiply"}, "registered_name": "Multiply", "name": "multiply", "inbound_nodes": [{"args": [x, 0.3], "kwargs": {}}]}</c>).
/// <para>Verified against Keras 3's sources: keras/src/models/functional.py <c>get_config</c> serializes every operation
/// of the graph with its inbound nodes, and <c>serialize_node</c> writes a node as <c>{"args", "kwargs"}</c>, the call's
/// arguments through saving/serialization_lib.py <c>serialize_keras_object</c>: a Keras tensor as
/// <c>{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history": [op, node, tensor]}}</c>, a Python
/// number as itself, a tuple or list as a list, a NumPy array as <c>{"class_name": "__numpy__", "config": {"value":
/// tolist(), "dtype"}}</c> (a NumPy scalar as its <c>item()</c>), a slice as <c>{"class_name": "__slice__", "config":
/// {"start", "stop", "step"}}</c>, the Ellipsis as <c>{"class_name": "__ellipsis__"}</c>, None as null. The operator
/// methods of keras/src/backend/common/keras_tensor.py call the op with the tensor where Python put it:
/// <c>x * 0.3</c> is <c>Multiply()(x, 0.3)</c>, <c>0.3 - x</c> (<c>__rsub__</c>) <c>Subtract()(0.3, x)</c>, <c>1 / x</c>
/// <c>TrueDivide()(1, x)</c>, <c>-x</c> <c>Negative()(x)</c>, <c>abs(x)</c> <c>Absolute()(x)</c>, <c>x[key]</c>
/// <c>GetItem()(x, key)</c>. The settings of an op with constructor arguments are in its own config, not the call:
/// keras/src/ops/operation.py <c>Operation.__new__</c> records the constructor's arguments as passed (defaults filled
/// in) as the config (<c>_auto_config</c>), so <c>ops.mean(x, axis=1)</c> — <c>Mean(axis=1, keepdims=False)(x)</c>
/// (keras/src/ops/numpy.py) — saves <c>{"axis": 1, "keepdims": false}</c> and args <c>[x]</c>. Its <c>name</c> (always there for an op without
/// constructor arguments, whose constructor is Operation's; for the others where the release's constructor takes one)
/// is the node's name and is ignored.</para>
/// <para>Every op reads as the spec the tf.keras 2 TFOpLambda of the same function reads as (<see cref="KerasOpLambdaCall"/>),
/// so both runtimes run it with the same code. A Python number converts to the tensor's dtype before the op, as
/// TensorFlow converts it: Keras 3 types a Python int or float as weak (keras/src/backend/common/dtypes.py
/// <c>_dtype_and_weaktype</c>, read by <c>result_type</c>), so <c>x * 0.3</c> stays float32.</para>
/// </summary>
internal static class KerasOpsCall
{
    /// <summary>The ops built, as module (after <c>keras.src.ops.</c>) and class, for messages.</summary>
    public static readonly string[] Supported =
    [
        "numpy.Add", "numpy.Subtract", "numpy.Multiply", "numpy.Divide", "numpy.TrueDivide", "numpy.Maximum", "numpy.Minimum",
        "numpy.Negative", "numpy.Exp", "numpy.Log", "numpy.Sqrt", "numpy.Square", "numpy.Absolute", "numpy.Abs", "numpy.Clip",
        "numpy.Tanh", "numpy.Mean", "numpy.Sum", "numpy.Reshape", "numpy.Transpose", "numpy.ExpandDims", "numpy.Concatenate",
        "numpy.GetItem", "numpy.Squeeze", "numpy.Matmul", "numpy.Power", "numpy.Max", "numpy.Min", "numpy.Amax", "numpy.Amin",
        "nn.Relu", "nn.Relu6", "nn.Sigmoid", "nn.Softmax", "core.Cast",
    ];

    /// <summary>Whether a config entry of this module is a Keras 3 functional op (<c>keras.src.ops.numpy</c>,
    /// <c>keras.src.ops.nn</c>, <c>keras.src.ops.core</c>, …) rather than a layer.</summary>
    public static bool Handles(string? module) => module is not null &&
        (module.StartsWith("keras.src.ops", StringComparison.Ordinal) || module.StartsWith("keras.ops", StringComparison.Ordinal));

    /// <summary>Whether a config entry is an op on Keras tensors rather than a layer: tf.keras 2's TFOpLambda /
    /// SlicingOpLambda (by class) or a Keras 3 functional op (by module). Neither reads or sets a mask, and both compute
    /// on their inputs' dtypes.</summary>
    public static bool IsOpOnTensors(string className, string? module) => KerasOpLambdaCall.Handles(className) || Handles(module);

    /// <summary>The tensors the op reads, in operand order, and its spec.</summary>
    /// <exception cref="NotSupportedException">An op not built, or an argument form not supported, naming the layer and the op.</exception>
    /// <exception cref="InvalidDataException">A node that is not what Keras 3 writes.</exception>
    public static (List<string> Inbound, LayerSpec Spec) Read(string className, string module, string layer, JsonElement config, JsonElement node)
    {
        string shortModule = module.StartsWith("keras.src.ops.", StringComparison.Ordinal) ? module["keras.src.ops.".Length..]
            : module.StartsWith("keras.ops.", StringComparison.Ordinal) ? module["keras.ops.".Length..] : module;
        string function = $"{shortModule}.{className}", label = $"{module}.{className}";
        if (!Supported.Contains(function))
            throw new NotSupportedException(
                $"layer `{layer}` is Keras 3's functional op {label} (an operator or keras.ops call on a Keras tensor), which is not supported; " +
                $"supported: {string.Join(", ", Supported.Select(s => "keras.src.ops." + s))}. Rebuild that step with a Keras layer (or one of the " +
                "supported ops) and save the model again");
        if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty("args", out JsonElement argsJson) || argsJson.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"layer `{layer}` ({label}): its inbound node {KerasOpLambdaCall.Short(node)} is not a Keras 3 node {{\"args\": [...], \"kwargs\": {{...}}}}");
        // Keras 3's ops take their settings in the constructor (the config); the calls these ops come from pass tensors
        // and constants positionally, so a keyword would be a form not checked.
        if (node.TryGetProperty("kwargs", out JsonElement kwargs) && kwargs.ValueKind == JsonValueKind.Object && kwargs.EnumerateObject().Any())
            throw Unsupported(layer, label, $"the call keywords {KerasOpLambdaCall.Short(kwargs)}");
        JsonElement[] args = argsJson.EnumerateArray().ToArray();
        var settings = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (config.ValueKind == JsonValueKind.Object)
            foreach (JsonProperty p in config.EnumerateObject())
                // The op's name is the node's; only Cast's dtype is a setting (a dtype elsewhere would be a policy).
                if (p.Name is not ("name" or "trainable") && (p.Name != "dtype" || className == "Cast")) settings[p.Name] = p.Value;
        var inbound = new List<string>();

        LayerSpec spec = className switch
        {
            "Add" => Binary(KerasTFOp.Add),
            "Subtract" => Binary(KerasTFOp.Subtract),
            "Multiply" => Binary(KerasTFOp.Multiply),
            // Divide and TrueDivide are both a true division of floats (keras/src/backend/*/numpy.py divide / true_divide).
            "Divide" or "TrueDivide" => Binary(KerasTFOp.Divide),
            "Maximum" => Binary(KerasTFOp.Maximum),
            "Minimum" => Binary(KerasTFOp.Minimum),
            // x ** p is Power()(x, p) and p ** x Power()(p, x) (keras_tensor.py __pow__ / __rpow__); Keras 3's Power takes
            // no constructor arguments (keras/src/ops/numpy.py), its result dtype result_type(x1, x2): float32 with a
            // Python number or an int / float16 array, as the other binary ops.
            "Power" => Binary(KerasTFOp.Power),
            "Matmul" => MatMul(),
            "Negative" => Unary(Op(KerasTFOp.Negative)),
            "Exp" => Unary(Op(KerasTFOp.Exp)),
            "Log" => Unary(Op(KerasTFOp.Log)),
            "Sqrt" => Unary(Op(KerasTFOp.Sqrt)),
            "Square" => Unary(Op(KerasTFOp.Square)),
            "Absolute" or "Abs" => Unary(Op(KerasTFOp.Abs)),
            "Clip" => Unary(Clip()),
            "Cast" => Unary(Cast()),
            "Mean" => Unary(Reduce(KerasTFOp.ReduceMean)),
            "Sum" => Unary(Reduce(KerasTFOp.ReduceSum)),
            "Max" or "Amax" => Unary(Reduce(KerasTFOp.ReduceMax)),
            "Min" or "Amin" => Unary(Reduce(KerasTFOp.ReduceMin)),
            "Squeeze" => Unary(Op(KerasTFOp.Squeeze) with { Axes = SqueezeAxes() }),
            "ExpandDims" => Unary(Op(KerasTFOp.ExpandDims) with { Axes = [ExpandAxis()] }),
            "Tanh" => Unary(new ActivationSpec(new KerasActivation(KerasActivationKind.Tanh))),
            "Relu" => Unary(new ActivationSpec(new KerasActivation(KerasActivationKind.Relu))),
            // ops.relu6 is min(max(x, 0), 6), Keras's ReLU(max_value=6).
            "Relu6" => Unary(new ActivationSpec(new KerasActivation(KerasActivationKind.Relu, MaxValue: 6))),
            "Sigmoid" => Unary(new ActivationSpec(new KerasActivation(KerasActivationKind.Sigmoid))),
            "Softmax" => Unary(Softmax()),
            "Reshape" => Unary(Reshape()),
            "Transpose" => Unary(Transpose()),
            "Concatenate" => Concatenate(),
            "GetItem" => Unary(GetItem()),
            _ => throw new InvalidOperationException($"{function} is listed as supported but has no reader"),
        };
        if (settings.Count > 0) throw Unsupported(layer, label, $"the config entries {string.Join(", ", settings.Keys)}, which are not read");
        return (inbound, spec);

        TFOpSpec Op(KerasTFOp op) => new(function, op) { Label = label };

        // The op's one tensor argument (and, for GetItem, its key after it).
        LayerSpec Unary(LayerSpec s)
        {
            int expected = className == "GetItem" ? 2 : 1;
            if (args.Length != expected || !IsTensor(args[0], out string? source))
                throw new InvalidDataException($"layer `{layer}` ({label}) must be called on one Keras tensor{(expected == 2 ? " and a key" : "")}; its args are {KerasOpLambdaCall.Short(argsJson)}");
            inbound.Add(source!);
            return s;
        }

        // x1 op x2, either a tensor, a Python number or a NumPy array (kept as written: 0.3 - x is Subtract(0.3, x)).
        TFOpSpec Binary(KerasTFOp op)
        {
            if (args.Length != 2) throw new InvalidDataException($"layer `{layer}` ({label}) takes two operands; its args are {KerasOpLambdaCall.Short(argsJson)}");
            bool first = IsTensor(args[0], out string? a), second = IsTensor(args[1], out string? b);
            TFOpSpec s = Op(op);
            if (first && second) { inbound.Add(a!); inbound.Add(b!); return s; }
            if (!first && !second) throw new InvalidDataException($"layer `{layer}` ({label}) has no Keras tensor among its operands {KerasOpLambdaCall.Short(argsJson)}");
            inbound.Add(first ? a! : b!);
            return WithConstant(s, first ? args[1] : args[0], first ? "x2" : "x1", constantFirst: !first, TensorDType(first ? args[0] : args[1]));
        }

        TFOpSpec WithConstant(TFOpSpec s, JsonElement c, string argument, bool constantFirst, string? tensorDType)
        {
            if (c.ValueKind == JsonValueKind.Number) return s with { Constant = c.GetDouble(), ConstantFirst = constantFirst };
            if (c.ValueKind == JsonValueKind.Object && ClassName(c) is "__numpy__" or "__tensor__" && c.TryGetProperty("config", out JsonElement array)
                && array.TryGetProperty("value", out JsonElement value))
            {
                // An array's dtype takes part in Keras 3's result_type (unlike a Python number's, which is weak). On
                // keras/src/backend/common/dtypes.py's lattice every int and uint and float16 / bfloat16 lie below
                // float32, so with a float32 tensor the op stays float32 and the array is converted to it (the TF
                // backend's convert_to_tensor(x2, dtype) casts it), as the runtimes convert a constant to the tensor's
                // dtype; a float64 array lifts a float32 op to float64, which the float32 layers after it would cast
                // back. With a float64 tensor (a float64 model) result_type(float64, float64) is the tensor's own dtype.
                string dtype = array.TryGetProperty("dtype", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "?";
                if (dtype == "float64" && tensorDType != "float64")
                    throw Unsupported(layer, label,
                        $"{argument}, a float64 constant array: Keras 3 then computes the op in float64 (dtypes.result_type of the tensor's {tensorDType ?? "float32"} and float64), not in " +
                        "the model's float32; save the constant as float32 (np.float32) or as a Python number");
                if (dtype is not ("float32" or "float64" or "float16" or "bfloat16" or "int8" or "int16" or "int32" or "int64" or "uint8" or "uint16" or "uint32" or "uint64"))
                    throw Unsupported(layer, label,
                        $"{argument}, a {dtype} constant array: only float32, float16, bfloat16 and integer arrays, which Keras 3 converts to the tensor's " +
                        "float32, are supported; save the constant as float32 (np.float32) or as a Python number");
                return value.ValueKind == JsonValueKind.Number
                    ? s with { Constant = value.GetDouble(), ConstantFirst = constantFirst }
                    : s with { ConstantArray = KerasOpLambdaCall.ReadArray(value, argument, what => Unsupported(layer, label, what)), ConstantFirst = constantFirst };
            }
            throw Unsupported(layer, label, $"{argument}={KerasOpLambdaCall.Short(c)}: only a Keras tensor, a number or a NumPy array (float32, float16 or integers) is supported as an operand");
        }

        // ops.clip(x, x_min, x_max): Clip(x_min, x_max), the bounds in the config. The backends clip as TensorFlow's
        // clip_by_value (minimum with x_max, then maximum with x_min) but disagree when x_min > x_max (torch.clip and
        // jnp.clip give x_max everywhere, tf.clip_by_value x_min), so that case is refused.
        TFOpSpec Clip()
        {
            double low = Number("x_min"), high = Number("x_max");
            if (low > high)
                throw Unsupported(layer, label, $"x_min={low:R} above x_max={high:R}, where Keras's backends disagree (TensorFlow gives x_min, PyTorch and JAX x_max)");
            return Op(KerasTFOp.ClipByValue) with { Constant = low, ClipMax = high };
        }

        // ops.cast(x, dtype): Cast(dtype) with the dtype standardized to its name (keras/src/ops/core.py): ops.cast calls
        // backend.standardize_dtype before building Cast, which maps None to floatx, Python's float to "float32" and a
        // NumPy / TensorFlow / torch dtype to its name (keras/src/backend/common/variables.py), so the config holds a
        // name of ALLOWED_DTYPES, never an alias.
        TFOpSpec Cast()
        {
            JsonElement dtype = Take("dtype") ?? throw Unsupported(layer, label, "no `dtype` in its config");
            string? name = dtype.ValueKind == JsonValueKind.String ? dtype.GetString() : null;
            return name is "float32" or "float64"
                ? Op(KerasTFOp.Cast) with { CastTo = name == "float64" ? DType.Float64 : DType.Float32 }
                : throw Unsupported(layer, label, $"dtype={KerasOpLambdaCall.Short(dtype)}: only float32 and float64 are supported targets");
        }

        // ops.mean / ops.sum / ops.max / ops.min(x, axis, keepdims): Mean(axis, keepdims), axis an int, a list (a tuple
        // saved as a list) or None. Max and Min also take `initial` (keras/src/ops/numpy.py Max(axis, keepdims, initial):
        // the smallest value Max may give, NumPy's initial, which no runtime here has), saved as given: only None is read.
        // Amax / Amin (ops.amax / ops.amin) take axis and keepdims only.
        TFOpSpec Reduce(KerasTFOp op)
        {
            if (className is "Max" or "Min" && Take("initial") is { ValueKind: not JsonValueKind.Null } initial)
                throw Unsupported(layer, label,
                    $"initial={KerasOpLambdaCall.Short(initial)}: only initial=None is supported; apply the bound after the reduction instead " +
                    $"(e.g. ops.{(className == "Max" ? "maximum(ops.max(x, axis), initial)" : "minimum(ops.min(x, axis), initial)")})");
            JsonElement? axis = Take("axis");
            bool keep = Take("keepdims") is { } k && k.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => throw Unsupported(layer, label, $"keepdims={k.GetRawText()}"),
            };
            int[] axes = axis is not { ValueKind: not JsonValueKind.Null } a
                ? throw Unsupported(layer, label, KerasBatchAxisOps.ReduceAll(keep, "axis=(1, 2)"))
                : a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(e => Int(e, "axis")).ToArray() : [Int(a, "axis")];
            if (axes.Length == 0) throw Unsupported(layer, label, "axis=() (no reduction)");
            return Op(op) with { Axes = axes, KeepDims = keep };
        }

        // ops.expand_dims(x, axis): ExpandDims(axis); later releases take a tuple of axes, of which one is read.
        int ExpandAxis()
        {
            JsonElement axis = Take("axis") ?? throw Unsupported(layer, label, "no `axis` in its config");
            if (axis.ValueKind == JsonValueKind.Array)
                return axis.GetArrayLength() == 1 ? Int(axis[0], "axis") : throw Unsupported(layer, label, $"axis={KerasOpLambdaCall.Short(axis)}: only one new axis is supported");
            return Int(axis, "axis");
        }

        // ops.softmax(x, axis=-1): Softmax(axis) (keras/src/ops/nn.py), whose call hands self.axis to the backend as it is.
        // Only keras_core (before Keras 3.0) read None as -1: from 3.0 on, Softmax(axis=None) keeps None and every
        // backend's softmax then normalises over all elements, the batch axis too (keras/src/backend/tensorflow/nn.py
        // softmax reshapes x to [-1] first; jax.nn.softmax and the torch backend likewise), which no per-item prediction
        // computes; so None is refused and only a missing axis is the default -1. A tuple of axes (saved as a list)
        // normalises over those axes jointly: ops.softmax's eager branch moves them last, flattens them into one and
        // takes the softmax there, and the backends that take the tuple in Softmax.call compute the same
        // exp(x − max) / sum(exp(x − max)) over the axes together (backend/numpy/nn.py softmax's max and sum with
        // keepdims, jax.nn.softmax's axis tuple); the TensorFlow and torch backends' softmax (tf.nn.softmax,
        // torch.nn.functional.softmax) take one axis and fail on a tuple at run time.
        LayerSpec Softmax()
        {
            JsonElement? axis = Take("axis");
            if (axis is null) return new ActivationSpec(new KerasActivation(KerasActivationKind.Softmax, Axis: -1));
            if (axis.Value.ValueKind == JsonValueKind.Null)
                throw Unsupported(layer, label,
                    "axis=None, which normalises over every element of the batch at once (the batch axis too); give the axis, e.g. ops.softmax(x, axis=-1)");
            if (axis.Value.ValueKind != JsonValueKind.Array) return new ActivationSpec(new KerasActivation(KerasActivationKind.Softmax, Axis: Int(axis.Value, "axis")));
            int[] axes = axis.Value.EnumerateArray().Select(e => Int(e, "axis")).ToArray();
            return axes.Length switch
            {
                0 => throw Unsupported(layer, label, "axis=() (a softmax over no axis: every value 1); give the axes to normalise over"),
                1 => new ActivationSpec(new KerasActivation(KerasActivationKind.Softmax, Axis: axes[0])),
                _ => Op(KerasTFOp.Softmax) with { Axes = axes },
            };
        }

        // ops.reshape(x, newshape): Reshape(newshape), the batch axis included; only -1 there keeps each item apart,
        // as the Reshape layer does.
        LayerSpec Reshape()
        {
            JsonElement shape = Take("newshape") ?? throw Unsupported(layer, label, "no `newshape` in its config");
            long[] target = shape.ValueKind == JsonValueKind.Array ? shape.EnumerateArray().Select(e => (long)Int(e, "newshape")).ToArray()
                : throw Unsupported(layer, label, $"newshape={KerasOpLambdaCall.Short(shape)}: only a list of ints is supported");
            if (target.Length == 0 || target[0] != -1 || target.Skip(1).Any(v => v < 0 && v != -1))
                throw Unsupported(layer, label,
                    $"newshape={KerasOpLambdaCall.Short(shape)}: only a shape whose first (batch) entry is -1 is supported, e.g. ops.reshape(x, (-1, 4, 6))");
            return new ReshapeSpec(target[1..]);
        }

        // ops.transpose(x, axes): with the batch axis kept first, the Permute layer of dims axes[1:]. axes lists every
        // axis (operation_utils.py compute_transpose_output_shape requires len(axes) == rank), so a negative entry counts
        // from the end of those, as Keras's shape (input_shape[ax]) and NumPy, JAX and torch's permute read it. (The
        // TensorFlow backend hands axes to tf.transpose as they are, whose kernel refuses a negative perm at run time:
        // such a model runs on the other backends only.)
        LayerSpec Transpose()
        {
            JsonElement perm = Take("axes") is { ValueKind: JsonValueKind.Array } p ? p
                : throw Unsupported(layer, label, "axes=None (it reverses every axis, the batch axis too)");
            int rank = perm.GetArrayLength();
            int[] axes = perm.EnumerateArray().Select(e => Int(e, "axes")).Select(a => a < 0 && a >= -rank ? a + rank : a).ToArray();
            if (axes.Length < 2 || axes[0] != 0 || !axes.Order().SequenceEqual(Enumerable.Range(0, axes.Length)))
                throw Unsupported(layer, label,
                    $"axes={KerasOpLambdaCall.Short(perm)}: only a permutation of 0 to rank − 1 that keeps the batch axis first is supported, e.g. ops.transpose(x, (0, 2, 1))");
            return new PermuteSpec(axes[1..]);
        }

        // ops.squeeze(x, axis=None): Squeeze(axis), an int, a list or None (every axis of length 1, resolved against the
        // input's shape in KerasTFOpShapes.SqueezedAxes); the op's Axes are empty for None.
        int[] SqueezeAxes()
        {
            JsonElement? axis = Take("axis");
            if (axis is not { ValueKind: not JsonValueKind.Null } a) return [];
            int[] axes = a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(e => Int(e, "axis")).ToArray() : [Int(a, "axis")];
            // An empty tuple is where the backends part: NumPy and JAX squeeze nothing, while the TensorFlow backend hands
            // it to tf.squeeze, whose empty axis list means every axis of length 1.
            return axes.Length > 0 ? axes : throw Unsupported(layer, label,
                "axis=() (NumPy and JAX squeeze nothing, TensorFlow's tf.squeeze reads an empty axis list as every axis of length 1); " +
                "drop the op, or give the axes to squeeze");
        }

        // ops.matmul(x1, x2) / x1 @ x2: Matmul()(x1, x2), no constructor arguments. Either operand a tensor or a NumPy
        // array (its dtype checked as for the other binary ops: result_type with float32); a Python number is no matrix
        // (NumPy's matmul refuses scalars).
        LayerSpec MatMul()
        {
            TFOpSpec s = Binary(KerasTFOp.MatMul);   // two tensors, or a tensor and an array or a number
            if (s.Constant is null) return s;
            string argument = s.ConstantFirst ? "x1" : "x2";
            throw Unsupported(layer, label,
                $"{argument}={KerasOpLambdaCall.Short(s.ConstantFirst ? args[0] : args[1])}, a scalar: a matrix product takes arrays of at least one axis (NumPy's " +
                "matmul refuses scalars); use ops.multiply for a scalar");
        }

        // ops.concatenate(xs, axis=0): Concatenate(axis)(xs), the tensors a list in args[0]. Keras's axis counts the
        // batch axis (0, the default, is refused by the Concatenate spec's shape check).
        LayerSpec Concatenate()
        {
            if (args.Length != 1 || args[0].ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"layer `{layer}` ({label}) takes a list of tensors; its args are {KerasOpLambdaCall.Short(argsJson)}");
            foreach (JsonElement item in args[0].EnumerateArray())
                inbound.Add(IsTensor(item, out string? source) ? source! : throw Unsupported(layer, label, $"a constant ({KerasOpLambdaCall.Short(item)}) in the list of tensors"));
            int axis = Take("axis") is { } a ? Int(a, "axis") : 0;
            return new ConcatenateSpec(axis);
        }

        // x[key]: GetItem()(x, key). A tuple key is saved as a list, which GetItem.call turns back into a tuple (so a
        // list key reads as a tuple after loading, in Keras too).
        TFOpSpec GetItem()
        {
            if (args.Length != 2) throw new InvalidDataException($"layer `{layer}` ({label}) takes a tensor and a key; its args are {KerasOpLambdaCall.Short(argsJson)}");
            JsonElement key = args[1];
            KerasSliceItem[] slices = (key.ValueKind == JsonValueKind.Array ? key.EnumerateArray().ToArray() : [key]).Select(SliceItem).ToArray();
            // x[()]: an empty key (saved as []) is the whole tensor: GetItem.compute_output_spec (keras/src/ops/numpy.py)
            // appends its implicit final Ellipsis to the empty key and so keeps every axis, and GetItem.call's x[()] (the
            // list turned back into a tuple) is x itself on every backend (NumPy, TensorFlow's _slice_helper, torch, JAX).
            if (slices.Length == 0) slices = [KerasSliceItem.All];
            if (slices.Count(s => s.IsEllipsis) > 1) throw new InvalidDataException($"layer `{layer}` ({label}): a key may hold one Ellipsis only");
            if (!KerasSliceItem.KeepBatchWhole(slices))
                throw Unsupported(layer, label, $"the key {KerasOpLambdaCall.Short(key)}, {KerasSliceItem.BatchSliceRefusal}");
            return Op(KerasTFOp.Slice) with { Slices = slices };
        }

        KerasSliceItem SliceItem(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Number) return new KerasSliceItem(Int(e, "key"), null, 1, IsIndex: true);
            string? kind = e.ValueKind == JsonValueKind.Object ? ClassName(e) : null;
            if (kind == "__ellipsis__") return new KerasSliceItem(null, null, 1, IsEllipsis: true);
            if (kind == "__slice__" && e.TryGetProperty("config", out JsonElement s))
            {
                long? Bound(string name) => !s.TryGetProperty(name, out JsonElement b) || b.ValueKind == JsonValueKind.Null ? null : Int(b, "key");
                long step = Bound("step") ?? 1;
                if (step == 0) throw new InvalidDataException($"layer `{layer}` ({label}): the slice {e.GetRawText()} has step 0, which Python refuses");
                return new KerasSliceItem(Bound("start"), Bound("stop"), step);
            }
            throw Unsupported(layer, label,
                $"the key item {KerasOpLambdaCall.Short(e)}: only slices start:stop:step of ints, int indices and `...` are supported (not None/newaxis, tensors or lists)");
        }

        double Number(string argument) => Take(argument) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble()
            : throw Unsupported(layer, label, $"a `{argument}` that is not a number: only number bounds are supported (not tensors or arrays)");

        int Int(JsonElement e, string argument) => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int i) ? i
            : throw Unsupported(layer, label, $"{argument} holding {KerasOpLambdaCall.Short(e)}: only ints are supported there");

        JsonElement? Take(string key) => settings.Remove(key, out JsonElement v) ? v : null;

        // The dtype a Keras tensor argument's config records (keras_tensor.py KerasTensor.get_config: shape, dtype,
        // sparse, name), null where absent.
        static string? TensorDType(JsonElement e) =>
            e.TryGetProperty("config", out JsonElement c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("dtype", out JsonElement d)
            && d.ValueKind == JsonValueKind.String ? d.GetString() : null;

        bool IsTensor(JsonElement e, out string? source)
        {
            source = null;
            if (e.ValueKind != JsonValueKind.Object || ClassName(e) != "__keras_tensor__") return false;
            JsonElement history = e.TryGetProperty("config", out JsonElement c) && c.TryGetProperty("keras_history", out JsonElement h) ? h : default;
            if (history.ValueKind != JsonValueKind.Array || history.GetArrayLength() != 3 || history[0].ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"layer `{layer}` ({label}): the Keras tensor {KerasOpLambdaCall.Short(e)} has no keras_history [op, node, tensor]");
            source = KerasOpLambdaCall.Source(history.EnumerateArray().ToArray(), layer);   // node and tensor: non-negative ints
            return true;
        }
    }

    private static string? ClassName(JsonElement e) =>
        e.TryGetProperty("class_name", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;

    private static NotSupportedException Unsupported(string layer, string label, string what) => new(
        $"layer `{layer}` is Keras 3's functional op {label} with {what}, which is not supported. Rebuild that step with a Keras layer or a " +
        "supported form of the op and save the model again");
}
