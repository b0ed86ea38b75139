using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>Turns one layer's Keras config into its <see cref="LayerSpec"/>; refuses what no engine builds.</summary>
internal static partial class LayerSpecParser
{
    /// <summary>The Keras class names that can be built, for messages.</summary>
    public static readonly string[] Supported =
    [
        "InputLayer", "Conv1D", "Conv2D", "Dense", "Flatten", "Reshape", "Permute", "RepeatVector", "MaxPooling1D",
        "AveragePooling1D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling1D", "GlobalMaxPooling1D",
        "GlobalAveragePooling2D", "GlobalMaxPooling2D", "BatchNormalization", "Dropout", "SpatialDropout1D",
        "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "Activation", "ReLU", "Softmax", "LeakyReLU",
        "ELU", "PReLU", "ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D",
        "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Embedding", "LayerNormalization",
        "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose", "DepthwiseConv1D", "SeparableConv1D", "Conv1DTranspose", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "TimeDistributed", "Masking",
        "MultiHeadAttention", "Attention", "AdditiveAttention",
        "Conv3D", "MaxPooling3D", "AveragePooling3D", "GlobalAveragePooling3D", "GlobalMaxPooling3D", "ZeroPadding3D", "Cropping3D", "UpSampling3D",
        "Conv3DTranspose", "SpatialDropout3D",
        "GroupNormalization", "UnitNormalization", "Dot",
        "Rescaling", "Normalization", "CenterCrop", "Identity", "AlphaDropout", "ActivityRegularization", "RandomFlip", "RandomRotation",
        "RandomZoom", "RandomTranslation", "RandomContrast", "RandomBrightness", "RandomHeight", "RandomWidth", "Resizing",
        "TFOpLambda", "SlicingOpLambda",   // tf.keras 2's ops on Keras tensors, in functional models (KerasOpLambdaCall)
    ];

    /// <summary>Layers Keras knows whose weights <see cref="KerasLayout"/> converts, but that no engine builds yet (none
    /// at present: Conv3D, the last, is built since session 53).</summary>
    private static readonly Dictionary<string, string> ConvertOnly = new();

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
        // Keras 3 saves an operator or keras.ops call on a Keras tensor (x * 0.3, x + y) in a functional model as the op's
        // own class (keras/src/models/functional.py get_config serializes every operation): class_name "Multiply" or "Add"
        // like the merge layers, told apart only by its module, keras.src.ops.numpy. Its settings are its call's
        // arguments, read with the call in a functional config (KerasOpsCall); read as the layer it would compute other
        // numbers (x * 0.3 as a one-input Multiply, the identity), so without its call it is refused.
        if (KerasOpsCall.Handles(module))
            throw new NotSupportedException(
                $"layer `{layer}` is Keras 3's functional op {module}.{className} (an operator or keras.ops call on a Keras tensor, such as x * 0.3) " +
                $"without its call, not the {className} layer: Keras 3 records an op's arguments in a functional model's inbound node, which this " +
                "config does not have; save the model as a functional model");
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
            "Conv3D" => Conv(c, 3, kerasMajor),
            "Dense" => new DenseSpec(c.Int("units"), c.Bool("use_bias", true), Activation(c, kerasMajor)),
            "Flatten" => new FlattenSpec(),
            "Reshape" => new ReshapeSpec(c.Shape("target_shape")),
            "Permute" => Permute(c),
            "RepeatVector" => c.Int("n") is int n and >= 1 ? new RepeatVectorSpec(n) : throw new InvalidDataException($"layer `{layer}` (RepeatVector): n must be positive"),
            "MaxPooling1D" => Pool(c, KerasPoolingKind.Max, 1),
            "AveragePooling1D" => Pool(c, KerasPoolingKind.Average, 1),
            "MaxPooling2D" => Pool(c, KerasPoolingKind.Max, 2),
            "AveragePooling2D" => Pool(c, KerasPoolingKind.Average, 2),
            "MaxPooling3D" => Pool(c, KerasPoolingKind.Max, 3),
            "AveragePooling3D" => Pool(c, KerasPoolingKind.Average, 3),
            "GlobalAveragePooling1D" => new GlobalPoolingSpec(1, KerasPoolingKind.Average, c.Bool("keepdims", false)),
            "GlobalMaxPooling1D" => new GlobalPoolingSpec(1, KerasPoolingKind.Max, c.Bool("keepdims", false)),
            "GlobalAveragePooling2D" => new GlobalPoolingSpec(2, KerasPoolingKind.Average, c.Bool("keepdims", false)),
            "GlobalMaxPooling2D" => new GlobalPoolingSpec(2, KerasPoolingKind.Max, c.Bool("keepdims", false)),
            "GlobalAveragePooling3D" => new GlobalPoolingSpec(3, KerasPoolingKind.Average, c.Bool("keepdims", false)),
            "GlobalMaxPooling3D" => new GlobalPoolingSpec(3, KerasPoolingKind.Max, c.Bool("keepdims", false)),
            "BatchNormalization" => BatchNorm(c),
            "Dropout" or "SpatialDropout1D" or "SpatialDropout2D" or "SpatialDropout3D" or "GaussianDropout" => new DropoutSpec(c.Double("rate", 0)),
            "GaussianNoise" => new DropoutSpec(c.Double("stddev", 0)),
            "Activation" => new ActivationSpec(NamedActivation(c, "activation", "linear", kerasMajor, allowGlu: true)),
            "ReLU" => new ActivationSpec(new KerasActivation(KerasActivationKind.Relu, c.Double("negative_slope", 0), c.NullableDouble("max_value"), c.Double("threshold", 0))),
            // Keras 2 calls the slope `alpha`, Keras 3 `negative_slope`; both default to 0.3 for the layer.
            "LeakyReLU" => new ActivationSpec(new KerasActivation(KerasActivationKind.Relu, c.Has("negative_slope") ? c.Double("negative_slope", 0.3) : c.Double("alpha", 0.3))),
            // Keras 2 and 3 alike: activations.elu(x, alpha), alpha 1 by default.
            "ELU" => new ActivationSpec(new KerasActivation(KerasActivationKind.Elu, c.Double("alpha", 1))),
            "PReLU" => new PReLUSpec(SharedAxes(c)),
            "Softmax" => new ActivationSpec(Softmax(c)),
            // Keras's defaults: ZeroPadding1D(padding=1), ZeroPadding2D(padding=(1, 1)), Cropping1D(cropping=(1, 1)),
            // Cropping2D(cropping=((0, 0), (0, 0))).
            "ZeroPadding1D" => BeforeAfter(c, "padding", 1, 1, (b, a) => new ZeroPaddingSpec(b, a)),
            "ZeroPadding2D" => BeforeAfter(c, "padding", 2, 1, (b, a) => new ZeroPaddingSpec(b, a)),
            "Cropping1D" => BeforeAfter(c, "cropping", 1, 1, (b, a) => new CroppingSpec(b, a)),
            "Cropping2D" => BeforeAfter(c, "cropping", 2, 0, (b, a) => new CroppingSpec(b, a)),
            // Keras 2 and 3: ZeroPadding3D(padding=(1, 1, 1)), Cropping3D(cropping=((1, 1), (1, 1), (1, 1))).
            "ZeroPadding3D" => BeforeAfter(c, "padding", 3, 1, (b, a) => new ZeroPaddingSpec(b, a)),
            "Cropping3D" => BeforeAfter(c, "cropping", 3, 1, (b, a) => new CroppingSpec(b, a)),
            "UpSampling1D" => UpSampling(c, 1),
            "UpSampling2D" => UpSampling(c, 2),
            "UpSampling3D" => UpSampling(c, 3),
            "Add" => new MergeSpec(KerasMergeOp.Add),
            "Subtract" => new MergeSpec(KerasMergeOp.Subtract),
            "Multiply" => new MergeSpec(KerasMergeOp.Multiply),
            "Average" => new MergeSpec(KerasMergeOp.Average),
            "Maximum" => new MergeSpec(KerasMergeOp.Maximum),
            "Minimum" => new MergeSpec(KerasMergeOp.Minimum),
            "Concatenate" => new ConcatenateSpec(c.Int("axis", -1)),
            "Embedding" => new EmbeddingSpec(c.Int("input_dim"), c.Int("output_dim"), c.Bool("mask_zero", false)),
            "Masking" => Masking(c, dtype),
            "LayerNormalization" => LayerNorm(c),
            "GroupNormalization" => GroupNorm(c),
            "UnitNormalization" => UnitNorm(c),
            "Dot" => Dot(c),
            "DepthwiseConv2D" => Depthwise(c, kerasMajor, separable: false),
            "SeparableConv2D" => Depthwise(c, kerasMajor, separable: true),
            "Conv2DTranspose" => ConvTranspose(c, kerasMajor),
            "DepthwiseConv1D" => Depthwise(c, kerasMajor, separable: false, rank: 1),
            "SeparableConv1D" => Depthwise(c, kerasMajor, separable: true, rank: 1),
            "Conv1DTranspose" => ConvTranspose(c, kerasMajor, rank: 1),
            "Conv3DTranspose" => ConvTranspose(c, kerasMajor, rank: 3),
            "LSTM" => Recurrent(c, KerasRecurrentKind.Lstm, kerasMajor),
            "GRU" => Recurrent(c, KerasRecurrentKind.Gru, kerasMajor),
            "SimpleRNN" => Recurrent(c, KerasRecurrentKind.SimpleRnn, kerasMajor),
            "Bidirectional" => Bidirectional(c, kerasMajor),
            "TimeDistributed" => TimeDistributed(c, kerasMajor),
            "MultiHeadAttention" => MultiHeadAttention(c),
            "Attention" => Attention(c, additive: false),
            "AdditiveAttention" => Attention(c, additive: true),
            // Their settings are call arguments, read with the call (KerasOpLambdaCall); here only without one.
            "TFOpLambda" or "SlicingOpLambda" => throw new NotSupportedException(
                $"layer `{layer}` ({className}) is a TensorFlow op without its call: tf.keras 2 records an op's arguments in a functional model's " +
                "inbound node, which this config does not have; save the model as a functional model"),
            _ => Preprocessing(className, c) ?? throw Unsupported(className, layer, registeredName, module),
        };
    }

    private static NotSupportedException Unsupported(string className, string layer, string? registeredName, string? module)
    {
        if (KerasNestedModels.IsModel(className))
            // Configs have their nested models expanded before parsing (KerasNestedModels); only a model given as one layer gets here.
            return new($"layer `{layer}` is a nested {className} model, which is not one layer: read it with the model's config (KerasGraph.FromJson), which expands it into the outer graph");
        if (ConvertOnly.TryGetValue(className, out string? converter))
            return new($"layer `{layer}` is a {className} layer, which CrossBackend reads but cannot build yet; convert its weights with {converter}. " +
                       $"Buildable layers: {string.Join(", ", Supported)}");
        bool custom = (registeredName is not null && registeredName.Contains('>')) ||
                      (module is not null && !module.StartsWith("keras", StringComparison.Ordinal));
        string what = custom ? $"a custom layer class `{registeredName ?? className}`{(module is null ? "" : $" from module `{module}`")}" : $"a {className} layer";
        return new($"layer `{layer}` is {what}, which CrossBackend cannot build (no engine implements it). Supported layers: {string.Join(", ", Supported)}");
    }

    /// <summary><c>Masking(mask_value)</c>: Keras compares the input with the mask value in the layer's dtype, so a
    /// float32 layer's 0.3 is float32(0.3); the value is kept as that dtype holds it, so the float64 runtimes mask the
    /// same steps.</summary>
    private static MaskingSpec Masking(ConfigValues c, string? dtype)
    {
        double value = c.Double("mask_value", 0);
        return new MaskingSpec(dtype == "float64" ? value : (float)value);
    }

    /// <summary><c>LSTM</c> / <c>GRU</c> / <c>SimpleRNN</c> (Keras 3 keras/src/layers/rnn/lstm.py, gru.py, simple_rnn.py;
    /// tf.keras 2 keras/layers/rnn/). SimpleRNN has no recurrent_activation in its config (its spec's is unused).
    /// The defaults, for a config that leaves a key out, are both versions' own: tanh, recurrent sigmoid, use_bias,
    /// reset_after=True. Older Keras (standalone before 2.3, tf.keras 1) defaulted to hard_sigmoid and reset_after=False,
    /// but every Keras writes these keys into the config, so the file's value is what is used (hard_sigmoid by the
    /// writer's version, like everywhere). Initializers (unit_forget_bias
    /// among them), dropout and recurrent_dropout act only in training; unroll and implementation change how the
    /// steps are scheduled, not their numbers. Refused: stateful (states carried from one predict call to the next)
    /// and time_major (tf.keras 2's (time, batch, features) inputs).</summary>
    private static RecurrentSpec Recurrent(ConfigValues c, KerasRecurrentKind kind, int? kerasMajor)
    {
        string className = kind switch { KerasRecurrentKind.Lstm => "LSTM", KerasRecurrentKind.Gru => "GRU", _ => "SimpleRNN" };
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
            kind == KerasRecurrentKind.Gru && c.Bool("reset_after", true), c.Bool("return_state", false),
            // Keras 3 writes zero_output_for_mask into every config; tf.keras 2 only when it is True (RNN.get_config).
            c.Bool("zero_output_for_mask", false), c.Bool("unroll", false));
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
        return new InputSpec(batchShape[1..], parsed) { BatchSize = batchShape[0] >= 0 ? batchShape[0] : null };
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
        (int[] kernel, int[] strides, int[] dilation, KerasPadding padding) = Window(c, rank, allowCausal: rank == 1);
        return new ConvSpec(rank, c.Int("filters"), kernel, strides, padding, dilation, c.Int("groups", 1), c.Bool("use_bias", true), Activation(c, kerasMajor));
    }

    /// <summary>A convolution's kernel_size, strides, dilation_rate and padding, checked as Keras checks them.</summary>
    private static (int[] Kernel, int[] Strides, int[] Dilation, KerasPadding Padding) Window(ConfigValues c, int rank, bool allowCausal)
    {
        KerasPadding padding = Padding(c, allowCausal);
        int[] strides = c.Ints("strides", rank, Enumerable.Repeat(1, rank).ToArray());
        int[] dilation = c.Ints("dilation_rate", rank, Enumerable.Repeat(1, rank).ToArray());
        int[] kernel = c.Ints("kernel_size", rank);
        if (kernel.Concat(strides).Concat(dilation).Any(v => v < 1))
            throw new InvalidDataException($"layer `{c.Layer}`: kernel_size, strides and dilation_rate must be positive");
        // Keras 3 (BaseConv.__init__, BaseDepthwiseConv.__init__, BaseSeparableConv.__init__) and TensorFlow
        // (tf.nn.convolution) raise on this pair; PyTorch would compute it.
        if (strides.Max() > 1 && dilation.Max() > 1)
            throw new InvalidDataException(
                $"layer `{c.Layer}`: strides ({string.Join(", ", strides)}) with dilation_rate ({string.Join(", ", dilation)}): Keras refuses `strides > 1` " +
                "in conjunction with `dilation_rate > 1`, so no Keras model has this layer; use strides 1 or dilation_rate 1");
        return (kernel, strides, dilation, padding);
    }

    /// <summary><c>DepthwiseConv2D</c> / <c>DepthwiseConv1D</c> (Keras 3's base_depthwise_conv.py) or
    /// <c>SeparableConv2D</c> / <c>SeparableConv1D</c> (base_separable_conv.py): <c>depth_multiplier</c> (1 by default),
    /// and for the separable layer <c>filters</c>. "causal" padding only for SeparableConv1D: tf.keras 2's Conv base
    /// allows it for Conv1D and SeparableConv1D alone (separable_conv1d.py pads (k − 1)·dilation steps on the left, then
    /// runs "valid"); Keras 3's standardize_padding refuses it for both depthwise and separable layers.</summary>
    private static DepthwiseConv2DSpec Depthwise(ConfigValues c, int? kerasMajor, bool separable, int rank = 2)
    {
        if (rank == 1 && !separable && c.String("padding")?.ToLowerInvariant() == "causal")
            throw new InvalidDataException(
                $"layer `{c.Layer}` (DepthwiseConv1D) has padding \"causal\", which Keras refuses for this layer (tf.keras 2 allows it for Conv1D and " +
                "SeparableConv1D only, Keras 3 for Conv1D only), so no Keras model has it; use \"valid\" or \"same\", or a ZeroPadding1D((k - 1) * dilation, 0) before a \"valid\" layer");
        (int[] kernel, int[] strides, int[] dilation, KerasPadding padding) = Window(c, rank, allowCausal: separable && rank == 1);
        int multiplier = c.Int("depth_multiplier", 1);
        if (multiplier < 1) throw new InvalidDataException($"layer `{c.Layer}`: depth_multiplier must be positive, the config has {multiplier}");
        int? filters = separable ? c.Int("filters") : null;
        if (filters < 1) throw new InvalidDataException($"layer `{c.Layer}`: filters must be positive, the config has {filters}");
        return new DepthwiseConv2DSpec(multiplier, kernel, strides, padding, dilation, c.Bool("use_bias", true), Activation(c, kerasMajor), filters, rank);
    }

    /// <summary><c>Conv2DTranspose</c> / <c>Conv1DTranspose</c> / <c>Conv3DTranspose</c> with Keras's default output
    /// lengths (<c>output_padding=None</c>) and no dilation; other values of those two options are refused by name rather
    /// than computed to other lengths.</summary>
    private static Conv2DTransposeSpec ConvTranspose(ConfigValues c, int? kerasMajor, int rank = 2)
    {
        string className = $"Conv{rank}DTranspose";
        (int[] kernel, int[] strides, int[] dilation, KerasPadding padding) = Window(c, rank, allowCausal: false);
        if (c.Has("output_padding"))
            throw new NotSupportedException(
                $"layer `{c.Layer}` ({className}): output_padding={c.Raw("output_padding").GetRawText()} is not supported; only output_padding=None " +
                "(Keras's default output length: valid n*stride + max(kernel - stride, 0), same n*stride). Save the model without output_padding");
        if (dilation.Any(d => d != 1))
            throw new NotSupportedException(
                $"layer `{c.Layer}` ({className}): dilation_rate ({string.Join(", ", dilation)}) is not supported; only dilation_rate 1");
        if (c.Int("groups", 1) != 1)
            throw new NotSupportedException($"layer `{c.Layer}` ({className}): groups={c.Int("groups", 1)} is not supported; only groups 1");
        return new Conv2DTransposeSpec(c.Int("filters"), kernel, strides, padding, c.Bool("use_bias", true), Activation(c, kerasMajor), rank);
    }

    /// <summary><c>LayerNormalization</c> (Keras 3's layer_normalization.py, tf.keras 2's): <c>axis</c> an int or a list
    /// (tf.keras 2 saves a list of positive axes), ε 1e-3 by default. <c>rms_scaling=True</c> is refused: Keras then
    /// scales by the variance, not the root mean square (keras/src/ops/nn.py <c>_layer_normalization</c> still does;
    /// since keras-team/keras#21352, June 2025, the layer warns that the option is deprecated for that reason and points
    /// to <c>RMSNormalization</c>), and ignores <c>center</c> — a port would have to reproduce a formula Keras itself
    /// disowns.</summary>
    private static LayerNormSpec LayerNorm(ConfigValues c)
    {
        if (c.Bool("rms_scaling", false))
            throw new NotSupportedException(
                $"layer `{c.Layer}` (LayerNormalization) has rms_scaling=True, which is not supported: Keras then computes x * rsqrt(variance + epsilon) * gamma " +
                "(a deprecated option: it divides by the standard deviation, not the root mean square, and ignores center). Only rms_scaling=False is supported: " +
                "save the layer as an ordinary LayerNormalization");
        int[] axes = Axes(c, "axis", -1);
        if (axes.Length == 0) throw new InvalidDataException($"layer `{c.Layer}` (LayerNormalization): axis is an empty list; give at least one axis");
        return new LayerNormSpec(axes, c.Double("epsilon", 1e-3), c.Bool("center", true), c.Bool("scale", true));
    }

    /// <summary>Pooling over <paramref name="rank"/> spatial axes: pool_size an int or a list (Keras's default 2 per
    /// axis), strides likewise, <c>None</c> (absent or null) meaning the pool size, as in Keras 2 and 3.</summary>
    private static PoolingSpec Pool(ConfigValues c, KerasPoolingKind kind, int rank)
    {
        int[] pool = c.Ints("pool_size", rank, Enumerable.Repeat(2, rank).ToArray());
        int[] strides = c.Ints("strides", rank, pool);
        if (pool.Concat(strides).Any(v => v < 1))
            throw new InvalidDataException($"layer `{c.Layer}`: pool_size and strides must be positive");
        return new PoolingSpec(rank, kind, pool, strides, Padding(c, allowCausal: false));
    }

    /// <summary><c>Permute(dims)</c>: Keras (2 and 3) requires a permutation of 1…rank, the batch axis excluded.</summary>
    private static PermuteSpec Permute(ConfigValues c)
    {
        JsonElement v = c.Raw("dims");
        int[] dims = v.ValueKind == JsonValueKind.Array ? c.Ints("dims", v.GetArrayLength()) : [c.Int("dims")];
        if (!dims.Order().SequenceEqual(Enumerable.Range(1, dims.Length)))
            throw new InvalidDataException(
                $"layer `{c.Layer}` (Permute): dims ({string.Join(", ", dims)}) must be a permutation of 1 to {dims.Length} (1-based axes, the batch axis excluded)");
        return new PermuteSpec(dims);
    }

    /// <summary>UpSampling1D's <c>size</c> (an int, Keras 2 and 3) and UpSampling2D's (an int or a pair) with its
    /// <c>interpolation</c>: "nearest" (Keras 3 computes it as <c>ops.repeat</c> per axis, keras/src/layers/reshaping/
    /// up_sampling2d.py <c>_resize_images</c>) or "bilinear" (<c>ops.image.resize</c>, on the TensorFlow backend
    /// <c>tf.image.resize</c> with half-pixel centres; which Keras wrote the file is checked by
    /// <see cref="KerasUpSamplingRules"/>). The other modes (bicubic, lanczos3/5, area, gaussian, mitchellcubic) are
    /// refused by name.</summary>
    private static UpSamplingSpec UpSampling(ConfigValues c, int rank)
    {
        int[] size = c.Ints("size", rank, Enumerable.Repeat(2, rank).ToArray());
        if (size.Any(v => v < 1)) throw new InvalidDataException($"layer `{c.Layer}`: size must hold positive ints");
        string interpolation = (c.String("interpolation") ?? "nearest").ToLowerInvariant();
        return interpolation switch
        {
            "nearest" => new UpSamplingSpec(size),
            "bilinear" when rank == 2 => new UpSamplingSpec(size) { Interpolation = KerasUpSampling.Bilinear },
            _ => throw new NotSupportedException(
                $"layer `{c.Layer}` (UpSampling{rank}D) uses interpolation=\"{interpolation}\"; only \"nearest\" (each cell repeated) and \"bilinear\" " +
                "(TensorFlow's half-pixel resize) are supported. Save the model with one of them, or replace the layer with a resize the runtimes build"),
        };
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

    /// <summary>Cells before and after each of <paramref name="rank"/> spatial axes, as ZeroPadding and Cropping take
    /// them (Keras's <c>standardize_tuple</c> per axis): an int for every side; in 1-D a pair (before, after); in 2-D a
    /// pair of entries, one per axis, each an int (both sides) or a pair (before, after).</summary>
    private static T BeforeAfter<T>(ConfigValues c, string key, int rank, int fallback, Func<int[], int[], T> create)
    {
        int[] before = Enumerable.Repeat(fallback, rank).ToArray(), after = (int[])before.Clone();
        if (!c.Has(key)) return create(before, after);
        string form = KerasSpatial.PairForms(rank);
        InvalidDataException Bad() => new($"layer `{c.Layer}`: {key} must be {form} of non-negative ints; the config has {c.Raw(key).GetRawText()}");
        int Int(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int i) && i >= 0 ? i : throw Bad();
        JsonElement v = c.Raw(key);
        if (v.ValueKind == JsonValueKind.Number) { Array.Fill(before, Int(v)); Array.Fill(after, Int(v)); return create(before, after); }
        if (v.ValueKind != JsonValueKind.Array) throw Bad();
        JsonElement[] parts = v.EnumerateArray().ToArray();
        if (rank == 1)
        {
            if (parts.Length != 2) throw Bad();
            return create([Int(parts[0])], [Int(parts[1])]);
        }
        if (parts.Length != rank) throw Bad();
        for (int d = 0; d < rank; d++)
        {
            if (parts[d].ValueKind == JsonValueKind.Number) { before[d] = after[d] = Int(parts[d]); continue; }
            JsonElement[] pair = parts[d].ValueKind == JsonValueKind.Array ? parts[d].EnumerateArray().ToArray() : [];
            if (pair.Length != 2) throw Bad();
            (before[d], after[d]) = (Int(pair[0]), Int(pair[1]));
        }
        return create(before, after);
    }

    private static KerasPadding Padding(ConfigValues c, bool allowCausal) => (c.String("padding") ?? "valid").ToLowerInvariant() switch
    {
        "valid" => KerasPadding.Valid,
        "same" => KerasPadding.Same,
        "causal" when allowCausal => KerasPadding.Causal,
        string p => throw new NotSupportedException($"layer `{c.Layer}`: padding \"{p}\" is not supported"),
    };

    private static KerasActivation Activation(ConfigValues c, int? kerasMajor) => NamedActivation(c, "activation", "linear", kerasMajor);

    /// <summary>The built-in activation named by <paramref name="key"/>, <paramref name="fallback"/> when absent.
    /// <c>glu</c> halves the last axis, which Keras's shape inference for a Dense, convolution or recurrent layer does
    /// not expect (the layer reports its full units), so only the Activation layer (<paramref name="allowGlu"/>) takes it.</summary>
    private static KerasActivation NamedActivation(ConfigValues c, string key, string fallback, int? kerasMajor, bool allowGlu = false)
    {
        if (!c.Has(key)) return KerasActivation.FromName(fallback, c.Layer, kerasMajor);
        JsonElement v = c.Raw(key);
        if (v.ValueKind != JsonValueKind.String)
            throw new NotSupportedException($"layer `{c.Layer}`: {key} {v.GetRawText()} is not a built-in activation name (custom activations are not supported)");
        KerasActivation a = KerasActivation.FromName(v.GetString(), c.Layer, kerasMajor);
        if (a.Kind == KerasActivationKind.Glu && !allowGlu)
            throw new NotSupportedException(
                $"layer `{c.Layer}`: {key} \"glu\" halves the layer's last axis, which Keras's own shape inference for this layer does not expect " +
                "(it reports the full units, so the layers after it are built for the wrong width); use a separate Activation(\"glu\") layer");
        return a;
    }
}
