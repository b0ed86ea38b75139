using System.Text.Json.Nodes;

namespace CrossBackend.Keras;

/// <summary>
/// Builds a Sequential architecture in C# — for weights-only files (<c>model.save_weights</c>), whose architecture
/// lives in the Python code that made them. Layers are named as a fresh Keras session names them
/// (<c>conv2d</c>, <c>conv2d_1</c>, <c>max_pooling2d</c>, …), so weights match by name; pass <c>name</c> to override.
/// </summary>
/// <example>
/// FastEstimator's LeNet:
/// <code>
/// KerasGraph lenet = KerasArchitecture.Sequential([28, 28, 1])
///     .Conv2D(32, 3, activation: "relu").MaxPooling2D(2)
///     .Conv2D(64, 3, activation: "relu").MaxPooling2D(2)
///     .Conv2D(64, 3, activation: "relu")
///     .Flatten().Dense(64, activation: "relu").Dense(10, activation: "softmax")
///     .Build();
/// KerasModel model = KerasModel.Load("lenet_mnist_tf.h5", lenet);
/// </code>
/// </example>
public sealed partial class KerasArchitecture
{
    private readonly JsonArray _layers = [];
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly string _name;

    private KerasArchitecture(long[] inputShape, string dtype, string name)
    {
        _name = name;
        Add("InputLayer", new JsonObject
        {
            ["batch_input_shape"] = new JsonArray([null, .. inputShape.Select(v => v < 0 ? null : (JsonNode)v)]),
            ["dtype"] = dtype,
        }, "input_1");
    }

    /// <summary>Starts a Sequential model.</summary>
    /// <param name="inputShape">The input shape without the batch axis, channels last (−1 for an unknown length).</param>
    /// <param name="dtype">The input dtype: "float32", or "int32" for an <see cref="Embedding"/> input.</param>
    /// <param name="name">The model's name.</param>
    public static KerasArchitecture Sequential(long[] inputShape, string dtype = "float32", string name = "sequential")
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length == 0) throw new ArgumentException("Argument `inputShape` must have at least one axis. Received: ()", nameof(inputShape));
        return new KerasArchitecture(inputShape, dtype, name);
    }

    /// <summary><c>Conv2D(filters, kernel_size, strides, padding, dilation_rate, activation, use_bias)</c>.</summary>
    public KerasArchitecture Conv2D(int filters, int kernelSize, int strides = 1, string padding = "valid", string activation = "linear",
        bool useBias = true, int dilation = 1, string? name = null) =>
        Conv2D(filters, (kernelSize, kernelSize), (strides, strides), padding, activation, useBias, (dilation, dilation), name);

    /// <summary><c>Conv2D</c> with per-axis kernel size, strides and dilation.</summary>
    public KerasArchitecture Conv2D(int filters, (int H, int W) kernelSize, (int H, int W) strides, string padding = "valid",
        string activation = "linear", bool useBias = true, (int H, int W)? dilation = null, string? name = null) =>
        Add("Conv2D", new JsonObject
        {
            ["filters"] = filters, ["kernel_size"] = Pair(kernelSize), ["strides"] = Pair(strides), ["padding"] = padding,
            ["dilation_rate"] = Pair(dilation ?? (1, 1)), ["activation"] = activation, ["use_bias"] = useBias,
        }, name);

    /// <summary><c>Conv1D(filters, kernel_size, strides, padding, dilation_rate, activation, use_bias)</c>.</summary>
    public KerasArchitecture Conv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", string activation = "linear",
        bool useBias = true, int dilation = 1, string? name = null)
    {
        JsonObject config = Window1D(kernelSize, strides, padding, dilation, activation, useBias, null);
        config["filters"] = filters;
        return Add("Conv1D", config, name);
    }

    /// <summary><c>Dense(units, activation, use_bias)</c>.</summary>
    public KerasArchitecture Dense(int units, string activation = "linear", bool useBias = true, string? name = null) =>
        Add("Dense", new JsonObject { ["units"] = units, ["activation"] = activation, ["use_bias"] = useBias }, name);

    /// <summary><c>Flatten()</c>.</summary>
    public KerasArchitecture Flatten(string? name = null) => Add("Flatten", [], name);

    /// <summary><c>Reshape(target_shape)</c>.</summary>
    public KerasArchitecture Reshape(long[] targetShape, string? name = null) =>
        Add("Reshape", new JsonObject { ["target_shape"] = new JsonArray(targetShape.Select(v => (JsonNode)v).ToArray()) }, name);

    /// <summary><c>MaxPooling2D(pool_size, strides, padding)</c>; strides default to the pool size.</summary>
    public KerasArchitecture MaxPooling2D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null) =>
        Add("MaxPooling2D", Pool(poolSize, strides, padding), name);

    /// <summary><c>AveragePooling2D(pool_size, strides, padding)</c>; strides default to the pool size.</summary>
    public KerasArchitecture AveragePooling2D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null) =>
        Add("AveragePooling2D", Pool(poolSize, strides, padding), name);

    /// <summary><c>MaxPooling1D(pool_size, strides, padding)</c> over (steps, channels); strides default to the pool size.</summary>
    public KerasArchitecture MaxPooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null) =>
        Add("MaxPooling1D", Pool1D(poolSize, strides, padding), name);

    /// <summary><c>AveragePooling1D(pool_size, strides, padding)</c> over (steps, channels); strides default to the pool size.</summary>
    public KerasArchitecture AveragePooling1D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null) =>
        Add("AveragePooling1D", Pool1D(poolSize, strides, padding), name);

    /// <summary><c>GlobalAveragePooling1D(keepdims)</c>: the mean over the steps.</summary>
    public KerasArchitecture GlobalAveragePooling1D(bool keepDims = false, string? name = null) =>
        Add("GlobalAveragePooling1D", new JsonObject { ["keepdims"] = keepDims }, name);

    /// <summary><c>GlobalMaxPooling1D(keepdims)</c>: the maximum over the steps.</summary>
    public KerasArchitecture GlobalMaxPooling1D(bool keepDims = false, string? name = null) =>
        Add("GlobalMaxPooling1D", new JsonObject { ["keepdims"] = keepDims }, name);

    /// <summary><c>GlobalAveragePooling2D(keepdims)</c>.</summary>
    public KerasArchitecture GlobalAveragePooling2D(bool keepDims = false, string? name = null) =>
        Add("GlobalAveragePooling2D", new JsonObject { ["keepdims"] = keepDims }, name);

    /// <summary><c>GlobalMaxPooling2D(keepdims)</c>.</summary>
    public KerasArchitecture GlobalMaxPooling2D(bool keepDims = false, string? name = null) =>
        Add("GlobalMaxPooling2D", new JsonObject { ["keepdims"] = keepDims }, name);

    /// <summary><c>BatchNormalization(axis, epsilon=1e-3, center, scale)</c> — Keras's ε default, not PyTorch's 1e-5.</summary>
    /// <param name="epsilon">ε, added to the variance.</param>
    /// <param name="center">Whether β is learned (saved).</param>
    /// <param name="scale">Whether γ is learned (saved).</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    /// <param name="axis">The normalised axis, counting the batch axis as 0 (−1: the channels, Keras's default).</param>
    public KerasArchitecture BatchNormalization(double epsilon = 1e-3, bool center = true, bool scale = true, string? name = null, int axis = -1) =>
        Add("BatchNormalization", new JsonObject { ["axis"] = axis, ["epsilon"] = epsilon, ["center"] = center, ["scale"] = scale }, name);

    /// <summary><c>Dropout(rate)</c>: the identity at inference.</summary>
    public KerasArchitecture Dropout(double rate, string? name = null) => Add("Dropout", new JsonObject { ["rate"] = rate }, name);

    /// <summary><c>Activation(name)</c>.</summary>
    public KerasArchitecture Activation(string activation, string? name = null) =>
        Add("Activation", new JsonObject { ["activation"] = activation }, name);

    /// <summary><c>ReLU(max_value, negative_slope, threshold)</c>.</summary>
    public KerasArchitecture ReLU(double? maxValue = null, double negativeSlope = 0, double threshold = 0, string? name = null) =>
        Add("ReLU", new JsonObject { ["max_value"] = maxValue, ["negative_slope"] = negativeSlope, ["threshold"] = threshold }, name);

    /// <summary><c>LeakyReLU(negative_slope=0.3)</c> (Keras's layer default).</summary>
    public KerasArchitecture LeakyReLU(double negativeSlope = 0.3, string? name = null) =>
        Add("LeakyReLU", new JsonObject { ["negative_slope"] = negativeSlope }, name);

    /// <summary><c>ELU(alpha=1.0)</c>.</summary>
    public KerasArchitecture ELU(double alpha = 1, string? name = null) => Add("ELU", new JsonObject { ["alpha"] = alpha }, name);

    /// <summary><c>PReLU(shared_axes)</c>: its <c>alpha</c> weight has the input's shape with 1 at each shared axis
    /// (axes count the batch axis as 0, as in Keras).</summary>
    public KerasArchitecture PReLU(int[]? sharedAxes = null, string? name = null) =>
        Add("PReLU", new JsonObject { ["shared_axes"] = sharedAxes is null ? null : new JsonArray(sharedAxes.Select(a => (JsonNode)a).ToArray()) }, name);

    /// <summary><c>Softmax()</c> over the last axis.</summary>
    public KerasArchitecture Softmax(string? name = null) => Add("Softmax", new JsonObject { ["axis"] = -1 }, name);

    /// <summary><c>Softmax(axis=…)</c>: one axis, or several normalised together (Keras 3's tuple), counting the batch
    /// axis as 0.</summary>
    /// <param name="axes">The axes (one or more).</param>
    /// <param name="name">The layer's name; null numbers it per class as Keras does.</param>
    public KerasArchitecture Softmax(int[] axes, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(axes);
        JsonNode axis = axes.Length == 1 ? axes[0] : new JsonArray(axes.Select(a => (JsonNode)a).ToArray());
        return Add("Softmax", new JsonObject { ["axis"] = axis }, name);
    }

    /// <summary><c>ZeroPadding2D(((top, bottom), (left, right)))</c>.</summary>
    public KerasArchitecture ZeroPadding2D(int top, int bottom, int left, int right, string? name = null) =>
        Add("ZeroPadding2D", new JsonObject { ["padding"] = new JsonArray(new JsonArray(top, bottom), new JsonArray(left, right)) }, name);

    /// <summary><c>ZeroPadding1D((left, right))</c>: zeros before and after the steps.</summary>
    public KerasArchitecture ZeroPadding1D(int left, int right, string? name = null) =>
        Add("ZeroPadding1D", new JsonObject { ["padding"] = new JsonArray(left, right) }, name);

    /// <summary><c>Cropping1D((start, end))</c>: steps removed at each end.</summary>
    public KerasArchitecture Cropping1D(int start, int end, string? name = null) =>
        Add("Cropping1D", new JsonObject { ["cropping"] = new JsonArray(start, end) }, name);

    /// <summary><c>Cropping2D(((top, bottom), (left, right)))</c>.</summary>
    public KerasArchitecture Cropping2D(int top, int bottom, int left, int right, string? name = null) =>
        Add("Cropping2D", new JsonObject { ["cropping"] = new JsonArray(new JsonArray(top, bottom), new JsonArray(left, right)) }, name);

    /// <summary><c>UpSampling1D(size)</c>: each step repeated <paramref name="size"/> times.</summary>
    public KerasArchitecture UpSampling1D(int size = 2, string? name = null) => Add("UpSampling1D", new JsonObject { ["size"] = size }, name);

    /// <summary><c>UpSampling2D((rows, columns), interpolation="nearest")</c>: each row and column repeated.</summary>
    public KerasArchitecture UpSampling2D(int rows = 2, int columns = 2, string? name = null) =>
        Add("UpSampling2D", new JsonObject { ["size"] = new JsonArray(rows, columns), ["interpolation"] = "nearest" }, name);

    /// <summary><c>Permute(dims)</c>: 1-based axes, the batch axis excluded (<c>(2, 1)</c> swaps steps and channels).</summary>
    public KerasArchitecture Permute(int[] dims, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(dims);
        return Add("Permute", new JsonObject { ["dims"] = new JsonArray(dims.Select(d => (JsonNode)d).ToArray()) }, name);
    }

    /// <summary><c>RepeatVector(n)</c>: (features) → (n, features).</summary>
    public KerasArchitecture RepeatVector(int n, string? name = null) => Add("RepeatVector", new JsonObject { ["n"] = n }, name);

    /// <summary><c>LayerNormalization(axis, epsilon, center, scale)</c>: <paramref name="axis"/> counts the batch axis as 0
    /// (negative from the end; default the last axis), Keras's ε 1e-3 by default.</summary>
    public KerasArchitecture LayerNormalization(int[]? axis = null, double epsilon = 1e-3, bool center = true, bool scale = true, string? name = null) =>
        Add("LayerNormalization", new JsonObject
        {
            ["axis"] = new JsonArray((axis ?? [-1]).Select(a => (JsonNode)a).ToArray()), ["epsilon"] = epsilon, ["center"] = center, ["scale"] = scale,
        }, name);

    /// <summary><c>GroupNormalization(groups, axis, epsilon, center, scale)</c>: the axis (one int, batch counted as 0,
    /// default the last) split into <paramref name="groups"/> contiguous groups, Keras's ε 1e-3 by default.</summary>
    public KerasArchitecture GroupNormalization(int groups = 32, int axis = -1, double epsilon = 1e-3, bool center = true, bool scale = true, string? name = null) =>
        Add("GroupNormalization", new JsonObject { ["groups"] = groups, ["axis"] = axis, ["epsilon"] = epsilon, ["center"] = center, ["scale"] = scale }, name);

    /// <summary><c>UnitNormalization(axis)</c>: x · rsqrt(max(Σ x², 1e-12)) over <paramref name="axis"/> (batch counted as
    /// 0, negative from the end; default the last axis).</summary>
    public KerasArchitecture UnitNormalization(int[]? axis = null, string? name = null) =>
        Add("UnitNormalization", new JsonObject { ["axis"] = new JsonArray((axis ?? [-1]).Select(a => (JsonNode)a).ToArray()) }, name);

    /// <summary><c>DepthwiseConv2D(kernel_size, strides, padding, depth_multiplier, dilation_rate, activation, use_bias)</c>.</summary>
    public KerasArchitecture DepthwiseConv2D((int H, int W) kernelSize, (int H, int W)? strides = null, string padding = "valid", int depthMultiplier = 1,
        string activation = "linear", bool useBias = true, (int H, int W)? dilation = null, string? name = null) =>
        Add("DepthwiseConv2D", Window(kernelSize, strides, padding, dilation, activation, useBias, depthMultiplier), name);

    /// <summary><c>SeparableConv2D(filters, kernel_size, strides, padding, depth_multiplier, dilation_rate, activation,
    /// use_bias)</c>: the depthwise step, then a 1×1 pointwise kernel and one bias.</summary>
    public KerasArchitecture SeparableConv2D(int filters, (int H, int W) kernelSize, (int H, int W)? strides = null, string padding = "valid",
        int depthMultiplier = 1, string activation = "linear", bool useBias = true, (int H, int W)? dilation = null, string? name = null)
    {
        JsonObject config = Window(kernelSize, strides, padding, dilation, activation, useBias, depthMultiplier);
        config["filters"] = filters;
        return Add("SeparableConv2D", config, name);
    }

    /// <summary><c>Conv2DTranspose(filters, kernel_size, strides, padding, activation, use_bias)</c> with Keras's default
    /// output length (<c>output_padding=None</c>).</summary>
    public KerasArchitecture Conv2DTranspose(int filters, (int H, int W) kernelSize, (int H, int W)? strides = null, string padding = "valid",
        string activation = "linear", bool useBias = true, string? name = null)
    {
        JsonObject config = Window(kernelSize, strides, padding, null, activation, useBias, null);
        config["filters"] = filters;
        return Add("Conv2DTranspose", config, name);
    }

    /// <summary><c>DepthwiseConv1D(kernel_size, strides, padding, depth_multiplier, dilation_rate, activation, use_bias)</c>
    /// over (steps, channels); "valid" or "same" (Keras refuses "causal" for this layer).</summary>
    public KerasArchitecture DepthwiseConv1D(int kernelSize, int strides = 1, string padding = "valid", int depthMultiplier = 1,
        string activation = "linear", bool useBias = true, int dilation = 1, string? name = null) =>
        Add("DepthwiseConv1D", Window1D(kernelSize, strides, padding, dilation, activation, useBias, depthMultiplier), name);

    /// <summary><c>SeparableConv1D(filters, kernel_size, strides, padding, dilation_rate, depth_multiplier, activation,
    /// use_bias)</c> over (steps, channels): the depthwise step, then a pointwise kernel of length 1 and one bias;
    /// <paramref name="padding"/> may be "causal" as in tf.keras 2.</summary>
    public KerasArchitecture SeparableConv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", int depthMultiplier = 1,
        string activation = "linear", bool useBias = true, int dilation = 1, string? name = null)
    {
        JsonObject config = Window1D(kernelSize, strides, padding, dilation, activation, useBias, depthMultiplier);
        config["filters"] = filters;
        return Add("SeparableConv1D", config, name);
    }

    /// <summary><c>Conv1DTranspose(filters, kernel_size, strides, padding, activation, use_bias)</c> over (steps, channels)
    /// with Keras's default output length (<c>output_padding=None</c>: "valid" n·s + max(k − s, 0), "same" n·s).</summary>
    public KerasArchitecture Conv1DTranspose(int filters, int kernelSize, int strides = 1, string padding = "valid",
        string activation = "linear", bool useBias = true, string? name = null)
    {
        JsonObject config = Window1D(kernelSize, strides, padding, 1, activation, useBias, null);
        config["filters"] = filters;
        return Add("Conv1DTranspose", config, name);
    }

    /// <summary><c>Embedding(input_dim, output_dim, mask_zero)</c>; with <paramref name="maskZero"/> the layers after it
    /// receive Keras's mask of the ids ≠ 0 (see <see cref="KerasMaskRole"/>).</summary>
    public KerasArchitecture Embedding(int inputDim, int outputDim, string? name = null, bool maskZero = false) =>
        Add("Embedding", new JsonObject { ["input_dim"] = inputDim, ["output_dim"] = outputDim, ["mask_zero"] = maskZero }, name);

    /// <summary><c>Masking(mask_value)</c>: x · mask, with a step masked when every feature equals the mask value.</summary>
    public KerasArchitecture Masking(double maskValue = 0, string? name = null) =>
        Add("Masking", new JsonObject { ["mask_value"] = maskValue }, name);

    /// <summary><c>LSTM(units, activation, recurrent_activation, use_bias, return_sequences, go_backwards)</c> over
    /// (time, features) inputs.</summary>
    public KerasArchitecture LSTM(int units, string activation = "tanh", string recurrentActivation = "sigmoid", bool useBias = true,
        bool returnSequences = false, bool goBackwards = false, string? name = null) =>
        Add("LSTM", Recurrent(units, activation, recurrentActivation, useBias, returnSequences, goBackwards), name);

    /// <summary><c>GRU(units, activation, recurrent_activation, use_bias, return_sequences, go_backwards, reset_after)</c>
    /// over (time, features) inputs; <paramref name="resetAfter"/> is Keras's default, True.</summary>
    public KerasArchitecture GRU(int units, string activation = "tanh", string recurrentActivation = "sigmoid", bool useBias = true,
        bool returnSequences = false, bool goBackwards = false, bool resetAfter = true, string? name = null)
    {
        JsonObject config = Recurrent(units, activation, recurrentActivation, useBias, returnSequences, goBackwards);
        config["reset_after"] = resetAfter;
        return Add("GRU", config, name);
    }

    /// <summary><c>SimpleRNN(units, activation, use_bias, return_sequences, go_backwards)</c> over (time, features)
    /// inputs: h = activation(x·kernel + h·recurrent_kernel + bias) (Keras's cell has no recurrent activation).</summary>
    public KerasArchitecture SimpleRNN(int units, string activation = "tanh", bool useBias = true, bool returnSequences = false,
        bool goBackwards = false, string? name = null) =>
        Add("SimpleRNN", SimpleRecurrent(units, activation, useBias, returnSequences, goBackwards), name);

    /// <summary><c>Bidirectional(LSTM(units, …), merge_mode)</c>: a forward and a backward LSTM over (time, features),
    /// merged by <paramref name="mergeMode"/> ("concat", "sum", "mul" or "ave"). The wrapped LSTM takes the next
    /// <c>lstm</c> name, as in a Keras session; the weights are its forward copy's, then its backward copy's.</summary>
    public KerasArchitecture BidirectionalLSTM(int units, string mergeMode = "concat", bool returnSequences = false, string activation = "tanh",
        string recurrentActivation = "sigmoid", bool useBias = true, string? name = null) =>
        Bidirectional("LSTM", Recurrent(units, activation, recurrentActivation, useBias, returnSequences, goBackwards: false), mergeMode, name);

    /// <summary><c>Bidirectional(GRU(units, …, reset_after), merge_mode)</c>, as <see cref="BidirectionalLSTM"/>.</summary>
    public KerasArchitecture BidirectionalGRU(int units, string mergeMode = "concat", bool returnSequences = false, string activation = "tanh",
        string recurrentActivation = "sigmoid", bool useBias = true, bool resetAfter = true, string? name = null)
    {
        JsonObject config = Recurrent(units, activation, recurrentActivation, useBias, returnSequences, goBackwards: false);
        config["reset_after"] = resetAfter;
        return Bidirectional("GRU", config, mergeMode, name);
    }

    /// <summary><c>Bidirectional(SimpleRNN(units, …), merge_mode)</c>, as <see cref="BidirectionalLSTM"/>: the wrapped
    /// SimpleRNN takes the next <c>simple_rnn</c> name.</summary>
    public KerasArchitecture BidirectionalSimpleRNN(int units, string mergeMode = "concat", bool returnSequences = false, string activation = "tanh",
        bool useBias = true, string? name = null) =>
        Bidirectional("SimpleRNN", SimpleRecurrent(units, activation, useBias, returnSequences, goBackwards: false), mergeMode, name);

    /// <summary><c>TimeDistributed(Dense(units, activation, use_bias))</c> over (time, features): one Dense applied to
    /// every step. The wrapped Dense takes the next <c>dense</c> name.</summary>
    public KerasArchitecture TimeDistributedDense(int units, string activation = "linear", bool useBias = true, string? name = null)
    {
        JsonObject dense = new() { ["units"] = units, ["activation"] = activation, ["use_bias"] = useBias, ["name"] = NextName("Dense") };
        return Add("TimeDistributed", new JsonObject { ["layer"] = new JsonObject { ["class_name"] = "Dense", ["config"] = dense } }, name);
    }

    private KerasArchitecture Bidirectional(string className, JsonObject inner, string mergeMode, string? name)
    {
        inner["name"] = NextName(className);
        return Add("Bidirectional", new JsonObject { ["layer"] = new JsonObject { ["class_name"] = className, ["config"] = inner }, ["merge_mode"] = mergeMode }, name);
    }

    private static JsonObject Recurrent(int units, string activation, string recurrentActivation, bool useBias, bool returnSequences, bool goBackwards) => new()
    {
        ["units"] = units, ["activation"] = activation, ["recurrent_activation"] = recurrentActivation, ["use_bias"] = useBias,
        ["return_sequences"] = returnSequences, ["go_backwards"] = goBackwards,
    };

    /// <summary>A SimpleRNN's config: Keras writes no <c>recurrent_activation</c> for it.</summary>
    private static JsonObject SimpleRecurrent(int units, string activation, bool useBias, bool returnSequences, bool goBackwards) => new()
    {
        ["units"] = units, ["activation"] = activation, ["use_bias"] = useBias, ["return_sequences"] = returnSequences, ["go_backwards"] = goBackwards,
    };

    /// <summary>The config as Keras's <c>model.to_json()</c> writes a Sequential model.</summary>
    /// <param name="kerasVersion">The Keras version to record (see <see cref="Build"/>), written as tf.keras 2 writes
    /// its own: <c>keras_version</c> at the top level (Keras 3 keeps it in the archive's <c>metadata.json</c>; <see
    /// cref="KerasGraph.FromJson(string)"/> reads the top-level key for either). Null writes none.</param>
    /// <exception cref="ArgumentException"><paramref name="kerasVersion"/> is not a version (it must start with a number).</exception>
    public string ToJson(string? kerasVersion = null)
    {
        if (IsLayerFactory) throw LayerFactoryMisuse("ToJson");
        var root = new JsonObject
        {
            ["class_name"] = "Sequential",
            ["config"] = new JsonObject { ["name"] = _name, ["layers"] = _layers.DeepClone() },
        };
        if (KerasConfigReader.CheckedVersion(kerasVersion, nameof(kerasVersion)) is string version) root["keras_version"] = version;
        return root.ToJsonString();
    }

    /// <summary>The architecture (shapes inferred, no weights yet).</summary>
    /// <param name="kerasVersion">The version of the Keras whose model this architecture stands for ("2.11.0", "3.6.0"),
    /// as <see cref="KerasGraph.FromJson(string, string?)"/> takes it; the rules that differ between Keras versions
    /// follow it: <c>hard_sigmoid</c>'s formula, a mask reaching a merge layer, an attention layer, a layer without
    /// masking support or <c>TimeDistributed</c>, <c>sparsemax</c>, bilinear <c>UpSampling2D</c>. Null (unknown, as
    /// before): each of those is refused, naming the parameter to give.</param>
    /// <exception cref="ArgumentException"><paramref name="kerasVersion"/> is not a version (it must start with a number).</exception>
    /// <exception cref="InvalidDataException">The layers do not fit together (named in the message).</exception>
    public KerasGraph Build(string? kerasVersion = null) => IsLayerFactory ? throw LayerFactoryMisuse("Build") : KerasGraph.FromJson(ToJson(kerasVersion));

    private static JsonArray Pair((int A, int B) p) => new(p.A, p.B);

    /// <summary>The window keys of a 2-D convolution's config (and <c>depth_multiplier</c> when given).</summary>
    private static JsonObject Window((int H, int W) kernelSize, (int H, int W)? strides, string padding, (int H, int W)? dilation, string activation,
        bool useBias, int? depthMultiplier)
    {
        var config = new JsonObject
        {
            ["kernel_size"] = Pair(kernelSize), ["strides"] = Pair(strides ?? (1, 1)), ["padding"] = padding,
            ["dilation_rate"] = Pair(dilation ?? (1, 1)), ["activation"] = activation, ["use_bias"] = useBias,
        };
        if (depthMultiplier is int m) config["depth_multiplier"] = m;
        return config;
    }

    /// <summary>The window keys of a 1-D convolution's config (one-element lists, as tf.keras 2 saves them), and
    /// <c>depth_multiplier</c> when given.</summary>
    private static JsonObject Window1D(int kernelSize, int strides, string padding, int dilation, string activation, bool useBias, int? depthMultiplier)
    {
        var config = new JsonObject
        {
            ["kernel_size"] = new JsonArray(kernelSize), ["strides"] = new JsonArray(strides), ["padding"] = padding,
            ["dilation_rate"] = new JsonArray(dilation), ["activation"] = activation, ["use_bias"] = useBias,
        };
        if (depthMultiplier is int m) config["depth_multiplier"] = m;
        return config;
    }

    private static JsonObject Pool(int poolSize, int? strides, string padding) => new()
    {
        ["pool_size"] = new JsonArray(poolSize, poolSize), ["strides"] = new JsonArray(strides ?? poolSize, strides ?? poolSize), ["padding"] = padding,
    };

    private static JsonObject Pool1D(int poolSize, int? strides, string padding) => new()
    {
        ["pool_size"] = new JsonArray(poolSize), ["strides"] = new JsonArray(strides ?? poolSize), ["padding"] = padding,
    };

    /// <summary>Keras 2 numbers layer names per class across the session: conv2d, conv2d_1, ...</summary>
    private string NextName(string className) => NextName(_counts, className);

    private KerasArchitecture Add(string className, JsonObject config, string? name)
    {
        ThrowIfClosed(className);
        config["name"] = name ?? NextName(className);
        _layers.Add(new JsonObject { ["class_name"] = className, ["config"] = config });
        return this;
    }
}
