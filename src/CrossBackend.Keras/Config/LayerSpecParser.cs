using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>Turns one layer's Keras config into its <see cref="LayerSpec"/>; refuses what no engine builds.</summary>
internal static class LayerSpecParser
{
    /// <summary>The Keras class names that can be built, for messages.</summary>
    public static readonly string[] Supported =
    [
        "InputLayer", "Conv1D", "Conv2D", "Dense", "Flatten", "Reshape", "MaxPooling2D", "AveragePooling2D",
        "GlobalAveragePooling2D", "GlobalMaxPooling2D", "BatchNormalization", "Dropout", "SpatialDropout1D",
        "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "Activation", "ReLU", "Softmax", "LeakyReLU",
        "ELU", "PReLU", "ZeroPadding2D", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
        "Embedding", "LSTM", "GRU",
    ];

    private static readonly HashSet<string> Models = ["Sequential", "Functional", "Model"];

    /// <summary>Layers Keras knows whose weights <see cref="KerasLayout"/> converts, but that no engine builds yet.</summary>
    private static readonly Dictionary<string, string> ConvertOnly = new()
    {
        ["Conv3D"] = "KerasLayout.ConvKernelToTorch",
        ["DepthwiseConv2D"] = "KerasLayout.DepthwiseKernelToTorch", ["Conv2DTranspose"] = "KerasLayout.ConvTransposeKernelToTorch",
    };

    /// <summary>One layer's Keras config as the spec the engines build.</summary>
    /// <param name="className">Keras's <c>class_name</c>.</param>
    /// <param name="config">The layer's <c>config</c> object.</param>
    /// <param name="layer">The layer's name, for messages.</param>
    /// <param name="registeredName">Keras 3's <c>registered_name</c>, if any.</param>
    /// <param name="module">Keras 3's <c>module</c>, if any.</param>
    /// <param name="kerasMajor">The major version of the Keras that wrote the config (2 or 3), or null when unknown
    /// (it decides what <c>hard_sigmoid</c> computes).</param>
    public static LayerSpec Parse(string className, JsonElement config, string layer, string? registeredName, string? module, int? kerasMajor = null)
    {
        var c = new ConfigValues(config, layer);
        if (c.String("data_format") == "channels_first")
            throw new NotSupportedException(
                $"layer `{layer}` ({className}) uses data_format=\"channels_first\"; only Keras's default channels_last models are supported");
        string? dtype = c.DTypeName();
        if (dtype is not null && dtype.StartsWith("mixed_", StringComparison.Ordinal))
            throw new NotSupportedException(
                $"layer `{layer}` ({className}) uses the dtype policy \"{dtype}\" (computes in 16-bit); only float32/float64 layers are supported");
        return className switch
        {
            "InputLayer" => Input(c),
            "Conv1D" => Conv(c, 1, kerasMajor),
            "Conv2D" => Conv(c, 2, kerasMajor),
            "Dense" => new DenseSpec(c.Int("units"), c.Bool("use_bias", true), Activation(c, kerasMajor)),
            "Flatten" => new FlattenSpec(),
            "Reshape" => new ReshapeSpec(c.Shape("target_shape")),
            "MaxPooling2D" => Pool(c, KerasPoolingKind.Max),
            "AveragePooling2D" => Pool(c, KerasPoolingKind.Average),
            "GlobalAveragePooling2D" => new GlobalPooling2DSpec(KerasPoolingKind.Average, c.Bool("keepdims", false)),
            "GlobalMaxPooling2D" => new GlobalPooling2DSpec(KerasPoolingKind.Max, c.Bool("keepdims", false)),
            "BatchNormalization" => BatchNorm(c),
            "Dropout" or "SpatialDropout1D" or "SpatialDropout2D" or "GaussianDropout" => new DropoutSpec(c.Double("rate", 0)),
            "GaussianNoise" => new DropoutSpec(c.Double("stddev", 0)),
            "Activation" => new ActivationSpec(Activation(c, kerasMajor)),
            "ReLU" => new ActivationSpec(new KerasActivation(KerasActivationKind.Relu, c.Double("negative_slope", 0), c.NullableDouble("max_value"), c.Double("threshold", 0))),
            // Keras 2 calls the slope `alpha`, Keras 3 `negative_slope`; both default to 0.3 for the layer.
            "LeakyReLU" => new ActivationSpec(new KerasActivation(KerasActivationKind.Relu, c.Has("negative_slope") ? c.Double("negative_slope", 0.3) : c.Double("alpha", 0.3))),
            // Keras 2 and 3 alike: activations.elu(x, alpha), alpha 1 by default.
            "ELU" => new ActivationSpec(new KerasActivation(KerasActivationKind.Elu, c.Double("alpha", 1))),
            "PReLU" => new PReLUSpec(SharedAxes(c)),
            "Softmax" => new ActivationSpec(Softmax(c)),
            "ZeroPadding2D" => ZeroPadding(c),
            "Add" => new MergeSpec(KerasMergeOp.Add),
            "Subtract" => new MergeSpec(KerasMergeOp.Subtract),
            "Multiply" => new MergeSpec(KerasMergeOp.Multiply),
            "Average" => new MergeSpec(KerasMergeOp.Average),
            "Maximum" => new MergeSpec(KerasMergeOp.Maximum),
            "Minimum" => new MergeSpec(KerasMergeOp.Minimum),
            "Concatenate" => new ConcatenateSpec(c.Int("axis", -1)),
            "Embedding" => Embedding(c),
            "LSTM" => Recurrent(c, KerasRecurrentKind.Lstm, kerasMajor),
            "GRU" => Recurrent(c, KerasRecurrentKind.Gru, kerasMajor),
            _ => throw Unsupported(className, layer, registeredName, module),
        };
    }

    private static NotSupportedException Unsupported(string className, string layer, string? registeredName, string? module)
    {
        if (Models.Contains(className))
            return new($"layer `{layer}` is a nested {className} model; flatten it into one model before porting (nested models are not supported)");
        if (ConvertOnly.TryGetValue(className, out string? converter))
            return new($"layer `{layer}` is a {className} layer, which CrossBackend reads but cannot build yet; convert its weights with {converter}. " +
                       $"Buildable layers: {string.Join(", ", Supported)}");
        bool custom = (registeredName is not null && registeredName.Contains('>')) ||
                      (module is not null && !module.StartsWith("keras", StringComparison.Ordinal));
        string what = custom ? $"a custom layer class `{registeredName ?? className}`{(module is null ? "" : $" from module `{module}`")}" : $"a {className} layer";
        return new($"layer `{layer}` is {what}, which CrossBackend cannot build (no engine implements it). Supported layers: {string.Join(", ", Supported)}");
    }

    /// <summary><c>Embedding</c>. With <c>mask_zero=True</c> Keras carries a mask of the id-0 positions to the layers
    /// after it (a <c>Softmax</c> layer gives those positions no weight, for one); no runtime here computes masks, so
    /// such a model is refused rather than run to other numbers without an error.</summary>
    private static EmbeddingSpec Embedding(ConfigValues c) => c.Bool("mask_zero", false)
        ? throw new NotSupportedException(
            $"layer `{c.Layer}` (Embedding) has mask_zero=True: Keras then masks the positions of token id 0 in the layers after it " +
            "(a Softmax layer gives them no weight), and CrossBackend computes no masks, so the outputs could differ without an error. " +
            "If no layer after it uses the mask, save the model with Embedding(mask_zero=False) and port that.")
        : new EmbeddingSpec(c.Int("input_dim"), c.Int("output_dim"));

    /// <summary><c>LSTM</c> / <c>GRU</c> (Keras 3 keras/src/layers/rnn/lstm.py, gru.py; tf.keras 2 keras/layers/rnn/).
    /// The defaults, for a config that leaves a key out, are both versions' own: tanh, recurrent sigmoid, use_bias,
    /// reset_after=True. Older Keras (standalone before 2.3, tf.keras 1) defaulted to hard_sigmoid and reset_after=False,
    /// but every Keras writes these keys into the config, so the file's value is what is used (hard_sigmoid by the
    /// writer's version, like everywhere). Initializers (unit_forget_bias
    /// among them), dropout and recurrent_dropout act only in training; unroll and implementation change how the
    /// steps are scheduled, not their numbers. Refused: stateful (states carried from one predict call to the next)
    /// and time_major (tf.keras 2's (time, batch, features) inputs).</summary>
    private static RecurrentSpec Recurrent(ConfigValues c, KerasRecurrentKind kind, int? kerasMajor)
    {
        string className = kind == KerasRecurrentKind.Lstm ? "LSTM" : "GRU";
        if (c.Bool("stateful", false))
            throw new NotSupportedException(
                $"layer `{c.Layer}` ({className}) has stateful=True: Keras then starts each batch from the states the previous batch left, " +
                "which a prediction from one input cannot reproduce; save the model with stateful=False (the weights are the same)");
        if (c.Bool("time_major", false))
            throw new NotSupportedException(
                $"layer `{c.Layer}` ({className}) has time_major=True (inputs (time, batch, features)); only Keras's default batch-major " +
                "(batch, time, features) is supported: save the model with time_major=False and transpose its input");
        int units = c.Int("units");
        if (units < 1) throw new InvalidDataException($"layer `{c.Layer}` ({className}): units must be positive, the config has {units}");
        return new RecurrentSpec(kind, units, NamedActivation(c, "activation", "tanh", kerasMajor), NamedActivation(c, "recurrent_activation", "sigmoid", kerasMajor),
            c.Bool("use_bias", true), c.Bool("return_sequences", false), c.Bool("go_backwards", false),
            kind == KerasRecurrentKind.Gru && c.Bool("reset_after", true), c.Bool("return_state", false));
    }

    private static InputSpec Input(ConfigValues c)
    {
        long[] batchShape = c.Has("batch_input_shape") ? c.Shape("batch_input_shape")
            : c.Has("batch_shape") ? c.Shape("batch_shape")
            : c.Has("shape") ? [-1, .. c.Shape("shape")]
            : throw new InvalidDataException($"layer `{c.Layer}`: InputLayer has no `batch_input_shape` / `batch_shape`");
        if (batchShape.Length == 0) throw new InvalidDataException($"layer `{c.Layer}`: InputLayer has an empty shape");
        string dtype = c.DTypeName() ?? "float32";
        DType parsed = dtype switch
        {
            "float32" => DType.Float32, "float64" => DType.Float64, "float16" => DType.Float16,
            "int32" => DType.Int32, "int64" => DType.Int64, "uint8" => DType.UInt8, "int8" => DType.Int8, "int16" => DType.Int16,
            _ => throw new NotSupportedException($"layer `{c.Layer}`: InputLayer dtype \"{dtype}\" is not supported"),
        };
        return new InputSpec(batchShape[1..], parsed);
    }

    /// <summary>PReLU's <c>shared_axes</c>: null, one int or a list, counting the batch axis as 0. Any int is taken:
    /// Keras indexes the weight's shape with axis − 1 as a Python list, so 0 and negative axes count from the end
    /// (checked against the input's rank by ShapeInference).</summary>
    private static int[] SharedAxes(ConfigValues c)
    {
        if (!c.Has("shared_axes")) return [];
        JsonElement v = c.Raw("shared_axes");
        if (v.ValueKind == JsonValueKind.Null) return [];
        return v.ValueKind == JsonValueKind.Array ? c.Ints("shared_axes", v.GetArrayLength()) : [c.Int("shared_axes")];
    }

    private static ConvSpec Conv(ConfigValues c, int rank, int? kerasMajor)
    {
        KerasPadding padding = Padding(c, allowCausal: rank == 1);
        int[] strides = c.Ints("strides", rank, Enumerable.Repeat(1, rank).ToArray());
        int[] dilation = c.Ints("dilation_rate", rank, Enumerable.Repeat(1, rank).ToArray());
        int[] kernel = c.Ints("kernel_size", rank);
        if (kernel.Concat(strides).Concat(dilation).Any(v => v < 1))
            throw new InvalidDataException($"layer `{c.Layer}`: kernel_size, strides and dilation_rate must be positive");
        // Keras 3 (BaseConv.__init__) and TensorFlow (tf.nn.convolution) raise on this pair; PyTorch would compute it.
        if (strides.Max() > 1 && dilation.Max() > 1)
            throw new InvalidDataException(
                $"layer `{c.Layer}`: strides ({string.Join(", ", strides)}) with dilation_rate ({string.Join(", ", dilation)}): Keras refuses `strides > 1` " +
                "in conjunction with `dilation_rate > 1`, so no Keras model has this layer; use strides 1 or dilation_rate 1");
        return new ConvSpec(rank, c.Int("filters"), kernel, strides, padding, dilation, c.Int("groups", 1), c.Bool("use_bias", true), Activation(c, kerasMajor));
    }

    private static Pooling2DSpec Pool(ConfigValues c, KerasPoolingKind kind)
    {
        int[] pool = c.Ints("pool_size", 2, [2, 2]);
        return new Pooling2DSpec(kind, pool, c.Ints("strides", 2, pool), Padding(c, allowCausal: false));
    }

    private static BatchNormSpec BatchNorm(ConfigValues c)
    {
        int[] axes = Axes(c, "axis", -1);
        // Keras 3 takes one int (`self.axis = int(axis)`); only tf.keras 2 normalised several axes with one weight each.
        if (axes.Length != 1)
            throw new NotSupportedException(
                $"layer `{c.Layer}` (BatchNormalization): axis [{string.Join(", ", axes)}] normalises several axes at once (tf.keras 2 only; Keras 3 takes one int); " +
                "only one axis is supported: save the model with a single axis");
        return new BatchNormSpec(c.Double("epsilon", 1e-3), c.Bool("center", true), c.Bool("scale", true), c.Double("momentum", 0.99), axes[0]);
    }

    /// <summary>Keras 3's <c>Softmax(axis=…)</c>: one int, or a list (a saved tuple) — one element is that axis
    /// (<c>activations.softmax(inputs, axis=self.axis[0])</c>), several are normalised together.</summary>
    private static KerasActivation Softmax(ConfigValues c)
    {
        int[] axes = Axes(c, "axis", -1);
        if (axes.Length == 0) throw new InvalidDataException($"layer `{c.Layer}` (Softmax): axis is an empty list; give at least one axis");
        return axes.Length == 1 ? new KerasActivation(KerasActivationKind.Softmax, Axis: axes[0])
            : new KerasActivation(KerasActivationKind.Softmax, Axes: axes);
    }

    /// <summary>An axis given as an int or a list of ints (tf.keras 2 saves BatchNormalization's as <c>[3]</c>; Keras 3
    /// saves a tuple as a list).</summary>
    private static int[] Axes(ConfigValues c, string key, int fallback)
    {
        if (!c.Has(key)) return [fallback];
        JsonElement v = c.Raw(key);
        if (v.ValueKind == JsonValueKind.Array)
            return v.EnumerateArray().Select(e => e.TryGetInt32(out int i) ? i : throw new InvalidDataException($"layer `{c.Layer}`: `{key}` must hold ints")).ToArray();
        return [c.Int(key)];
    }

    private static ZeroPadding2DSpec ZeroPadding(ConfigValues c)
    {
        JsonElement v = c.Raw("padding");
        int Int(JsonElement e) => e.TryGetInt32(out int i) && i >= 0 ? i : throw new InvalidDataException($"layer `{c.Layer}`: padding must hold non-negative ints");
        if (v.ValueKind == JsonValueKind.Number) { int p = Int(v); return new(p, p, p, p); }
        JsonElement[] parts = v.EnumerateArray().ToArray();
        if (parts.Length != 2) throw new InvalidDataException($"layer `{c.Layer}`: padding must be an int, (rows, cols) or ((top, bottom), (left, right))");
        if (parts[0].ValueKind == JsonValueKind.Number) return new(Int(parts[0]), Int(parts[0]), Int(parts[1]), Int(parts[1]));
        JsonElement[] rows = parts[0].EnumerateArray().ToArray(), cols = parts[1].EnumerateArray().ToArray();
        return new(Int(rows[0]), Int(rows[1]), Int(cols[0]), Int(cols[1]));
    }

    private static KerasPadding Padding(ConfigValues c, bool allowCausal) => (c.String("padding") ?? "valid").ToLowerInvariant() switch
    {
        "valid" => KerasPadding.Valid,
        "same" => KerasPadding.Same,
        "causal" when allowCausal => KerasPadding.Causal,
        string p => throw new NotSupportedException($"layer `{c.Layer}`: padding \"{p}\" is not supported"),
    };

    private static KerasActivation Activation(ConfigValues c, int? kerasMajor) => NamedActivation(c, "activation", "linear", kerasMajor);

    /// <summary>The built-in activation named by <paramref name="key"/>, <paramref name="fallback"/> when absent.</summary>
    private static KerasActivation NamedActivation(ConfigValues c, string key, string fallback, int? kerasMajor)
    {
        if (!c.Has(key)) return KerasActivation.FromName(fallback, c.Layer, kerasMajor);
        JsonElement v = c.Raw(key);
        if (v.ValueKind == JsonValueKind.String) return KerasActivation.FromName(v.GetString(), c.Layer, kerasMajor);
        throw new NotSupportedException($"layer `{c.Layer}`: {key} {v.GetRawText()} is not a built-in activation name (custom activations are not supported)");
    }
}
