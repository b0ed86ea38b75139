using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>
/// Reads a tf.keras 2 <c>TFOpLambda</c> / <c>SlicingOpLambda</c> layer (keras/layers/core/tf_op_layer.py): the
/// TensorFlow function in its config (<c>"function": "math.multiply"</c>) and the call in its one inbound node.
/// <para>keras/engine/node.py <c>Node.serialize</c> splits the call's first argument out and turns every other argument
/// into a keyword by the function's parameter names; the kwargs dict rides on each reference of the first argument.
/// Since these layers set <c>_preserve_input_structure_in_config</c>, a tensor first argument is the node itself,
/// <c>["input_1", 0, 0, {"y": 0.3, "name": null}]</c>; a list first argument (<c>tf.concat</c>'s values) is a list of
/// such references; a number first argument (<c>1 - x</c>, which TensorFlow runs as <c>subtract(1.0, x)</c>) is
/// <c>["_CONSTANT_VALUE", -1, 1.0, {"y": ["input_1", 0, 0], "name": null}]</c>; a NumPy array or TensorFlow constant
/// argument is its <c>tolist()</c>, a nested list of numbers (<c>{"bias": [-103.93900299072266, ...]}</c>, first or
/// not); a tensor among the kwargs is
/// <c>[layer, node, tensor]</c> (functional.py <c>_deserialize_keras_tensors</c> reads them back). <c>name</c> is
/// dropped (TFOpLambda's <c>_call_wrapper</c> pops it). SlicingOpLambda saves slices as
/// <c>{"start", "stop", "step"}</c> dicts (<c>_slice_to_dict</c>) and the Ellipsis as
/// <c>{"class_name": "__ellipsis__"}</c> (saved_model/json_utils.py <c>get_json_type</c>).</para>
/// </summary>
internal static class KerasOpLambdaCall
{
    /// <summary>The functions built, as tf.keras 2 names them (<c>function</c>), for messages.</summary>
    public static readonly string[] Supported =
    [
        "__operators__.add", "math.add", "math.subtract", "math.multiply", "math.truediv", "math.divide", "math.negative",
        "nn.relu", "nn.relu6", "math.sigmoid", "math.tanh", "nn.softmax", "math.reduce_mean", "math.reduce_sum", "reshape", "concat",
        "__operators__.getitem", "nn.bias_add", "cast", "math.exp", "math.log", "math.sqrt", "math.square", "math.abs",
        "math.maximum", "math.minimum", "clip_by_value", "expand_dims", "transpose", "math.pow", "math.reduce_max", "math.reduce_min",
        "squeeze", "linalg.matmul",
    ];

    /// <summary>Whether the class is one whose call this reads.</summary>
    public static bool Handles(string className) => className is "TFOpLambda" or "SlicingOpLambda";

    /// <summary>The tensors the layer reads, in the op's operand order, and its spec.</summary>
    /// <exception cref="NotSupportedException">A function not built, or an argument not supported, naming the layer.</exception>
    /// <exception cref="InvalidDataException">A node or argument that is not what tf.keras 2 writes.</exception>
    public static (List<string> Inbound, LayerSpec Spec) Read(string className, string layer, JsonElement config, JsonElement node)
    {
        string function = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.String
            ? f.GetString()! : throw new InvalidDataException($"layer `{layer}` ({className}) has no `function` in its config");
        if (!Supported.Contains(function))
            throw new NotSupportedException(
                $"layer `{layer}` ({className}) calls tf.{function}, which is not supported; supported: {string.Join(", ", Supported.Select(s => "tf." + s))}. " +
                "Rebuild the model with a Keras layer for that step (or one of the supported ops) and save it again");
        var inbound = new List<string>();
        Dictionary<string, JsonElement> kwargs;
        JsonElement? firstConstant = null;
        if (node.ValueKind != JsonValueKind.Array || node.GetArrayLength() == 0)
            throw new InvalidDataException($"layer `{layer}` ({className}): its inbound node {node.GetRawText()} is not a tf.keras 2 node");
        if (node[0].ValueKind == JsonValueKind.Array)
        {
            // A list first argument: each element a reference carrying the same kwargs.
            kwargs = [];
            foreach (JsonElement item in node.EnumerateArray())
            {
                (string? source, JsonElement? constant, Dictionary<string, JsonElement> k) = Reference(item, layer, className);
                if (source is null) throw Unsupported(layer, className, function, $"a constant ({Short(constant!.Value)}) in the list of tensors it reads");
                inbound.Add(source);
                kwargs = k;
            }
        }
        else
        {
            (string? source, firstConstant, kwargs) = Reference(node, layer, className);
            if (source is not null) inbound.Add(source);
        }
        kwargs.Remove("name");
        bool listArgument = node[0].ValueKind == JsonValueKind.Array;
        if (listArgument != (function == "concat"))
            throw Unsupported(layer, className, function, listArgument ? "a list of tensors as its first argument" : "a single tensor as its values (tf.concat takes a list)");
        if (firstConstant is { } firstArgument && function is not ("__operators__.add" or "math.add" or "math.subtract" or "math.multiply" or "math.truediv" or "math.divide"
                or "math.maximum" or "math.minimum" or "math.pow" or "linalg.matmul"))
            throw Unsupported(layer, className, function, $"a constant ({Short(firstArgument)}) as its first argument");

        LayerSpec spec = function switch
        {
            "__operators__.add" or "math.add" => Binary(KerasTFOp.Add),
            "math.subtract" => Binary(KerasTFOp.Subtract),
            "math.multiply" => Binary(KerasTFOp.Multiply),
            "math.truediv" or "math.divide" => Binary(KerasTFOp.Divide),
            "math.negative" => new TFOpSpec(function, KerasTFOp.Negative),
            "math.exp" => new TFOpSpec(function, KerasTFOp.Exp),
            "math.log" => new TFOpSpec(function, KerasTFOp.Log),
            "math.sqrt" => new TFOpSpec(function, KerasTFOp.Sqrt),
            "math.square" => new TFOpSpec(function, KerasTFOp.Square),
            "math.abs" => new TFOpSpec(function, KerasTFOp.Abs),
            "math.maximum" => Binary(KerasTFOp.Maximum),
            "math.minimum" => Binary(KerasTFOp.Minimum),
            // tf.math.pow(x, y) (math_ops.py pow; `x ** y` and `y ** x` on a Keras tensor, Tensor.__pow__ / __rpow__,
            // call it too): x ** y element-wise with broadcasting, a number converted to the tensor's dtype first.
            "math.pow" => Binary(KerasTFOp.Power),
            "linalg.matmul" => MatMul(),
            "squeeze" => new TFOpSpec(function, KerasTFOp.Squeeze) { Axes = SqueezeAxes() },
            "cast" => Cast(),
            "clip_by_value" => new TFOpSpec(function, KerasTFOp.ClipByValue) { Constant = Number("clip_value_min"), ClipMax = Number("clip_value_max") },
            "expand_dims" => new TFOpSpec(function, KerasTFOp.ExpandDims)
            {
                Axes = [Take(kwargs, "axis") is { } axis ? Int(axis, "axis") : throw Unsupported(layer, className, function, "no `axis`")],
            },
            "transpose" => Transpose(),
            "nn.relu" => new ActivationSpec(new KerasActivation(KerasActivationKind.Relu)),
            // tf.nn.relu6 is min(max(x, 0), 6), what Keras's ReLU(max_value=6) computes.
            "nn.relu6" => new ActivationSpec(new KerasActivation(KerasActivationKind.Relu, MaxValue: 6)),
            "math.sigmoid" => new ActivationSpec(new KerasActivation(KerasActivationKind.Sigmoid)),
            "math.tanh" => new ActivationSpec(new KerasActivation(KerasActivationKind.Tanh)),
            "nn.softmax" => new ActivationSpec(new KerasActivation(KerasActivationKind.Softmax, Axis: OptionalInt(kwargs, "axis", -1, layer, className, function))),
            "math.reduce_mean" => Reduce(KerasTFOp.ReduceMean),
            "math.reduce_sum" => Reduce(KerasTFOp.ReduceSum),
            // tf.math.reduce_max / reduce_min(input_tensor, axis=None, keepdims=False) (math_ops.py), read as reduce_mean.
            "math.reduce_max" => Reduce(KerasTFOp.ReduceMax),
            "math.reduce_min" => Reduce(KerasTFOp.ReduceMin),
            "reshape" => Reshape(),
            "nn.bias_add" => BiasAdd(),
            "concat" => new ConcatenateSpec(Take(kwargs, "axis") is { } axis && axis.ValueKind == JsonValueKind.Number && axis.TryGetInt32(out int a) ? a
                : throw Unsupported(layer, className, function, "no int `axis`")),
            _ => Slice(),
        };
        if (kwargs.Count > 0)
            throw Unsupported(layer, className, function, $"the argument(s) {string.Join(", ", kwargs.Select(p => $"{p.Key}={p.Value.GetRawText()}"))}");
        return (inbound, spec);

        // tf.cast(x, dtype): a tf.DType is saved as its name (saved_model/json_utils.py get_json_type: obj.name), a
        // string as given. Integer targets would give integer tensors, which the runtimes hold as token ids: refused.
        LayerSpec Cast()
        {
            JsonElement dtype = Take(kwargs, "dtype") ?? throw Unsupported(layer, className, function, "no `dtype`");
            return dtype.ValueKind == JsonValueKind.String && dtype.GetString() is "float32" or "float64"
                ? new TFOpSpec(function, KerasTFOp.Cast) { CastTo = dtype.GetString() == "float64" ? DType.Float64 : DType.Float32 }
                : throw Unsupported(layer, className, function,
                    $"dtype={Short(dtype)}: only float32 and float64 are supported targets (an integer or float16 tensor has no place in the runtimes); " +
                    "cast to float32 and round with a Keras layer instead");
        }

        double Number(string argument) => Take(kwargs, argument) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble()
            : throw Unsupported(layer, className, function, $"a `{argument}` that is not a number: only number bounds are supported (not tensors or arrays)");

        // tf.transpose(a, perm): with the batch axis kept first it is the Permute layer of dims perm[1:]. perm=None
        // reverses every axis, the batch axis too.
        LayerSpec Transpose()
        {
            if (Take(kwargs, "conjugate") is { ValueKind: not (JsonValueKind.False or JsonValueKind.Null) } conjugate)
                throw Unsupported(layer, className, function, $"conjugate={conjugate.GetRawText()}");
            JsonElement perm = Take(kwargs, "perm") is { ValueKind: JsonValueKind.Array } p ? p
                : throw Unsupported(layer, className, function, "no list `perm` (perm=None reverses the batch axis too)");
            int[] axes = perm.EnumerateArray().Select(e => Int(e, "perm")).ToArray();
            if (axes.Length < 2 || axes[0] != 0 || !axes.Order().SequenceEqual(Enumerable.Range(0, axes.Length)))
                throw Unsupported(layer, className, function,
                    $"perm={Short(perm)}: only a permutation of 0 to rank − 1 that keeps the batch axis first is supported, e.g. tf.transpose(x, [0, 2, 1])");
            return new PermuteSpec(axes[1..]);
        }

        // x op y, the first operand a tensor or a constant, the second (the keyword `second`: Node.serialize names it by
        // the function's parameter) a tensor or a constant.
        TFOpSpec Binary(KerasTFOp op, string firstName = "x", string second = "y")
        {
            JsonElement y = Take(kwargs, second) ?? throw Unsupported(layer, className, function, $"no second operand `{second}`");
            if (IsTensor(y, layer, out string? other))
            {
                if (firstConstant is { } first) return WithConstant(new TFOpSpec(function, op), first, firstName, true).WithInbound(inbound, other!);
                inbound.Add(other!);
                return new TFOpSpec(function, op);
            }
            if (firstConstant is not null) throw new InvalidDataException($"layer `{layer}` ({className}) has no tensor operand");
            return WithConstant(new TFOpSpec(function, op), y, second, false);
        }

        // tf.linalg.matmul(a, b, transpose_a, transpose_b, adjoint_a, adjoint_b, a_is_sparse, b_is_sparse, output_type)
        // (math_ops.py matmul; `a @ b` on a Keras tensor calls it, Tensor.__matmul__). Both operands must have rank ≥ 2
        // (MatMul / BatchMatMulV2; the stacked axes broadcast as NumPy's matmul, whose shape rule KerasMatMulShapes
        // applies). A transpose (or, for real numbers, the same adjoint: matmul's conj is a no-op) of a constant
        // operand is that constant's last two axes swapped when reading; of a tensor operand the runtimes swap the
        // tensor's last two axes (Keras's layout) before the product.
        LayerSpec MatMul()
        {
            bool Flag(string name) => Take(kwargs, name) is { } f && f.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => throw Unsupported(layer, className, function, $"{name}={f.GetRawText()}: a boolean is expected"),
            };
            // Hints that do not change the product (math_ops.py: a_is_sparse "just makes optimizations that assume most
            // values in a are zero"; grad_a / grad_b mark an operand of a backward pass): read and passed over.
            foreach (string hint in new[] { "a_is_sparse", "b_is_sparse", "grad_a", "grad_b" }) Flag(hint);
            if (Take(kwargs, "output_type") is { ValueKind: not JsonValueKind.Null } outputType)
                throw Unsupported(layer, className, function, $"output_type={Short(outputType)}: only output_type=None (the operands' dtype) is supported");
            bool transposeA = Flag("transpose_a"), adjointA = Flag("adjoint_a"), transposeB = Flag("transpose_b"), adjointB = Flag("adjoint_b");
            if (transposeA && adjointA || transposeB && adjointB)
                throw new InvalidDataException($"layer `{layer}` ({className}): tf.linalg.matmul refuses transpose and adjoint of one operand both True");
            TFOpSpec s = Binary(KerasTFOp.MatMul, "a", "b");
            if (s.Constant is not null)
                throw Unsupported(layer, className, function,
                    $"{(s.ConstantFirst ? "a" : "b")}, a number: tf.linalg.matmul takes matrices (rank ≥ 2); use tf.math.multiply for a number");
            bool first = transposeA || adjointA, secondT = transposeB || adjointB;
            // Two tensors: each flagged one has its last two axes swapped before the product (KerasMatMulShapes checks that
            // the batch axis is not among them).
            if (s.ConstantArray is not { } c) return s with { TransposeFirst = first, TransposeSecond = secondT };
            string constantName = s.ConstantFirst ? "a" : "b";
            if (c.Shape.Length < 2)
                throw Unsupported(layer, className, function,
                    $"{constantName}, a constant of shape ({c.Shape[0]},): tf.linalg.matmul takes matrices (rank ≥ 2) and refuses a vector; " +
                    "give it as a column or a row ([[…], …] of shape (k, 1) or (1, k))");
            bool tensorT = s.ConstantFirst ? secondT : first, constantT = s.ConstantFirst ? first : secondT;
            s = s with { TransposeFirst = !s.ConstantFirst && tensorT, TransposeSecond = s.ConstantFirst && tensorT };
            return constantT ? s with { ConstantArray = SwapLastTwo(c) } : s;
        }

        // tf.squeeze(input, axis=None) (array_ops.py squeeze_v2, the TF 2 `tf.squeeze`): axis an int or a list; None and
        // an empty list both squeeze every axis of length 1 (squeeze hands axis to the Squeeze op as squeeze_dims, whose
        // empty list means all), an empty Axes here, resolved against the input's static shape.
        int[] SqueezeAxes() => Take(kwargs, "axis") switch
        {
            null or { ValueKind: JsonValueKind.Null } => [],
            { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Select(e => Int(e, "axis")).ToArray(),
            { } a => [Int(a, "axis")],
        };

        // A number, or a constant array (NumPy's broadcasting against the tensor's last axes; checked with the shapes).
        TFOpSpec WithConstant(TFOpSpec spec, JsonElement c, string argument, bool first) => c.ValueKind switch
        {
            JsonValueKind.Number => spec with { Constant = c.GetDouble(), ConstantFirst = first },
            JsonValueKind.Array => spec with { ConstantArray = ConstantArray(c, argument), ConstantFirst = first },
            _ => throw Unsupported(layer, className, function,
                $"{argument}={Short(c)}: only a number, a constant array (a nested list of numbers) or a tensor is supported as an operand"),
        };

        // tf.nn.bias_add(value, bias, data_format): TensorFlow reads a format starting with "NC" as channels-first, any
        // other "N...C" (or None) as channels-last (tensorflow/python/ops/nn_ops.py bias_add).
        LayerSpec BiasAdd()
        {
            JsonElement bias = Take(kwargs, "bias") ?? throw Unsupported(layer, className, function, "no `bias`");
            if (Take(kwargs, "data_format") is { ValueKind: not JsonValueKind.Null } format
                && !(format.ValueKind == JsonValueKind.String && format.GetString() is { } f && f.StartsWith('N') && f.EndsWith('C') && !f.StartsWith("NC", StringComparison.Ordinal)))
                throw Unsupported(layer, className, function,
                    $"data_format={format.GetRawText()}: only a channels-last format (None, \"NHWC\", \"NWC\", \"NDHWC\") is supported; channels-first bias_add is not");
            if (IsTensor(bias, layer, out _) || bias.ValueKind != JsonValueKind.Array)
                throw Unsupported(layer, className, function, $"bias={Short(bias)}: only a constant 1-D array is supported as the bias (not a tensor)");
            KerasTFConstant values = ConstantArray(bias, "bias");
            if (values.Shape.Length != 1)
                throw Unsupported(layer, className, function, $"a bias of shape ({string.Join(", ", values.Shape)}): only a 1-D bias is supported, as TensorFlow's BiasAdd takes");
            return new TFOpSpec(function, KerasTFOp.BiasAdd) { ConstantArray = values };
        }

        KerasTFConstant ConstantArray(JsonElement array, string argument) =>
            ReadArray(array, argument, what => Unsupported(layer, className, function, what));

        LayerSpec Reduce(KerasTFOp op)
        {
            JsonElement? axis = Take(kwargs, "axis");
            bool keep = Take(kwargs, "keepdims") is { } k && k.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => throw Unsupported(layer, className, function, $"keepdims={k.GetRawText()}"),
            };
            int[] axes = axis is not { ValueKind: not JsonValueKind.Null } a
                ? throw Unsupported(layer, className, function, KerasBatchAxisOps.ReduceAll(keep, "axis=[1, 2]"))
                : a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(e => Int(e, "axis")).ToArray() : [Int(a, "axis")];
            if (axes.Length == 0) throw Unsupported(layer, className, function, "axis=[] (no reduction)");
            return new TFOpSpec(function, op) { Axes = axes, KeepDims = keep };
        }

        LayerSpec Reshape()
        {
            JsonElement shape = Take(kwargs, "shape") ?? throw Unsupported(layer, className, function, "no `shape`");
            long[] target = shape.ValueKind == JsonValueKind.Array ? shape.EnumerateArray().Select(e => (long)Int(e, "shape")).ToArray()
                : throw Unsupported(layer, className, function, $"shape={Short(shape)}: only a list of ints is supported");
            // The target includes the batch axis; only -1 there keeps each item apart, as the Reshape layer does.
            if (target.Length == 0 || target[0] != -1 || target.Skip(1).Any(v => v < 0 && v != -1))
                throw Unsupported(layer, className, function,
                    $"shape={Short(shape)}: only a shape whose first (batch) entry is -1 is supported, e.g. tf.reshape(x, (-1, 4, 6))");
            return new ReshapeSpec(target[1..]);
        }

        LayerSpec Slice()
        {
            JsonElement specJson = Take(kwargs, "slice_spec") ?? throw Unsupported(layer, className, function, "no `slice_spec`");
            if (Take(kwargs, "var") is { ValueKind: not JsonValueKind.Null } v) throw Unsupported(layer, className, function, $"var={Short(v)}");
            JsonElement[] items = specJson.ValueKind == JsonValueKind.Array ? specJson.EnumerateArray().ToArray() : [specJson];
            KerasSliceItem[] slices = items.Select(SliceItem).ToArray();
            // x[()]: an empty spec (saved as []) is the whole tensor. tensorflow/python/ops/array_ops.py _slice_helper
            // collects no begin / end / strides and runs strided_slice with empty ones, which keeps every axis whole.
            if (slices.Length == 0) slices = [KerasSliceItem.All];
            if (slices.Count(s => s.IsEllipsis) > 1) throw new InvalidDataException($"layer `{layer}` ({className}): a slice spec may hold one Ellipsis only");
            if (!KerasSliceItem.KeepBatchWhole(slices))
                throw Unsupported(layer, className, function, $"slice_spec={Short(specJson)}, {KerasSliceItem.BatchSliceRefusal}");
            return new TFOpSpec(function, KerasTFOp.Slice) { Slices = slices };
        }

        KerasSliceItem SliceItem(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Number) return new KerasSliceItem(Int(e, "slice_spec"), null, 1, IsIndex: true);
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("class_name", out var cn) && cn.GetString() == "__ellipsis__")
                return new KerasSliceItem(null, null, 1, IsEllipsis: true);
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("start", out var start) && e.TryGetProperty("stop", out var stop) && e.TryGetProperty("step", out var step))
            {
                long? Bound(JsonElement b) => b.ValueKind == JsonValueKind.Null ? null : Int(b, "slice_spec");
                long s = Bound(step) ?? 1;
                if (s == 0)
                    throw new InvalidDataException($"layer `{layer}` ({className}): the slice {e.GetRawText()} has step 0, which Python and TensorFlow refuse");
                return new KerasSliceItem(Bound(start), Bound(stop), s);
            }
            throw Unsupported(layer, className, function,
                $"the slice item {Short(e)}: only slices start:stop:step of ints, int indices and `...` are supported (not tf.newaxis, tensors or lists)");
        }

        int Int(JsonElement e, string argument) => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int i) ? i
            : throw Unsupported(layer, className, function, $"{argument} holding {Short(e)}: only ints are supported there (not tensors)");
    }

    /// <summary>A constant array operand, a nested list of numbers (tf.keras 2's <c>tolist()</c>, Keras 3's
    /// <c>__numpy__</c> value): its values row-major and its shape; <paramref name="refuse"/> makes the exception for an
    /// empty, ragged or non-numeric one.</summary>
    internal static KerasTFConstant ReadArray(JsonElement array, string argument, Func<string, Exception> refuse)
    {
        var shape = new List<long>();
        for (JsonElement e = array; e.ValueKind == JsonValueKind.Array; e = e.GetArrayLength() > 0 ? e[0] : default) shape.Add(e.GetArrayLength());
        if (shape.Contains(0)) throw refuse($"{argument}={Short(array)}: an empty constant array");
        var values = new List<double>();
        void Walk(JsonElement e, int depth)
        {
            if (depth == shape.Count)
            {
                if (e.ValueKind != JsonValueKind.Number)
                    throw refuse($"{argument}={Short(array)}: a constant array holds numbers only (not tensors, strings or ragged lists)");
                values.Add(e.GetDouble());
                return;
            }
            if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != shape[depth])
                throw refuse($"{argument}={Short(array)}: a ragged constant array (NumPy cannot make an array of it)");
            foreach (JsonElement item in e.EnumerateArray()) Walk(item, depth + 1);
        }
        Walk(array, 0);
        return new KerasTFConstant(values.ToArray(), shape.ToArray());
    }

    /// <summary>A reference <c>[layer, node, tensor(, kwargs)]</c> or <c>["_CONSTANT_VALUE", -1, value(, kwargs)]</c>:
    /// the layer read (null for a constant), the constant (a number or a nested list), and the kwargs.</summary>
    private static (string? Source, JsonElement? Constant, Dictionary<string, JsonElement> Kwargs) Reference(JsonElement item, string layer, string className)
    {
        JsonElement[] parts = item.ValueKind == JsonValueKind.Array ? item.EnumerateArray().ToArray() : [];
        if (parts.Length is < 3 or > 4 || parts[0].ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"layer `{layer}` ({className}): {Short(item)} is not a tf.keras 2 reference [layer, node, tensor, kwargs]");
        var kwargs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (parts.Length == 4 && parts[3].ValueKind == JsonValueKind.Object)
            foreach (JsonProperty p in parts[3].EnumerateObject()) kwargs[p.Name] = p.Value;
        if (parts[0].GetString() == "_CONSTANT_VALUE")
        {
            if (parts[2].ValueKind is not (JsonValueKind.Number or JsonValueKind.Array))
                throw new NotSupportedException($"layer `{layer}` ({className}) has the constant {Short(parts[2])} as its first argument; only a number or a constant array is supported there");
            return (null, parts[2], kwargs);
        }
        return (Source(parts, layer), null, kwargs);
    }

    /// <summary>Whether a keyword argument is a tensor reference <c>[layer, node, tensor]</c>.</summary>
    private static bool IsTensor(JsonElement e, string layer, out string? source)
    {
        source = null;
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 3 || e[0].ValueKind != JsonValueKind.String || e[1].ValueKind != JsonValueKind.Number
            || e[2].ValueKind != JsonValueKind.Number) return false;
        source = Source(e.EnumerateArray().ToArray(), layer);
        return true;
    }

    /// <summary>The inbound entry of a reference <c>[layer, node, tensor]</c>, its node and tensor kept
    /// (<see cref="KerasConfigReader.Reference"/>) as for any other layer's inputs: the node picks a shared layer's call
    /// (a second call is node 1; a nested model's calls 1, 2, …), the tensor a nested model's output, and
    /// <see cref="KerasNestedModels.Inline"/> resolves both (refusing output k of a plain layer).</summary>
    internal static string Source(JsonElement[] parts, string layer)
    {
        if (parts[1].ValueKind != JsonValueKind.Number || !parts[1].TryGetInt32(out int node) || node < 0
            || parts[2].ValueKind != JsonValueKind.Number || !parts[2].TryGetInt32(out int tensor) || tensor < 0)
            throw new InvalidDataException($"layer `{layer}`: [{string.Join(", ", parts.Take(3).Select(p => p.GetRawText()))}] is not a reference [layer, node, tensor]");
        return KerasConfigReader.Reference(parts[0].GetString()!, node, tensor);
    }

    private static JsonElement? Take(Dictionary<string, JsonElement> kwargs, string key) => kwargs.Remove(key, out JsonElement v) ? v : null;

    private static int OptionalInt(Dictionary<string, JsonElement> kwargs, string key, int fallback, string layer, string className, string function) =>
        Take(kwargs, key) is not { } v || v.ValueKind == JsonValueKind.Null ? fallback
            : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i
            : throw Unsupported(layer, className, function, $"{key}={Short(v)}: only an int is supported");

    internal static string Short(JsonElement e)
    {
        string text = e.GetRawText();
        return text.Length <= 80 ? text : text[..77] + "...";
    }

    private static NotSupportedException Unsupported(string layer, string className, string function, string what) => new(
        $"layer `{layer}` ({className}) calls tf.{function} with {what}, which is not supported. Rebuild that step with a Keras layer or a supported " +
        "form of the op and save the model again");

    /// <summary>A constant with its last two axes swapped (tf.linalg.matmul's transpose of a constant operand).</summary>
    private static KerasTFConstant SwapLastTwo(KerasTFConstant c)
    {
        int rank = c.Shape.Length;
        KerasArray<double> t = Permutation.Transpose(new KerasArray<double>(c.Values, c.Shape), [.. Enumerable.Range(0, rank - 2), rank - 1, rank - 2]);
        return new KerasTFConstant(t.Data, t.Shape);
    }

    private static TFOpSpec WithInbound(this TFOpSpec spec, List<string> inbound, string source)
    {
        inbound.Add(source);
        return spec;
    }
}
