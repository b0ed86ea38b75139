namespace CrossBackend.Keras;

/// <summary>The activation functions a Keras layer can apply.</summary>
public enum KerasActivationKind
{
    /// <summary>Identity (<c>"linear"</c>, or no activation).</summary>
    Linear,
    /// <summary>Keras 3's general ReLU as <c>keras.activations.relu</c> computes it: <c>x · (x &gt; threshold)</c>
    /// (strictly greater, so 0 at the threshold; <c>relu(x)</c> when threshold is 0), clipped to
    /// <c>[0, max_value]</c>, minus <c>negative_slope · relu(threshold − x)</c>. Covers <c>relu</c>, <c>relu6</c>,
    /// <c>ReLU</c> and <c>LeakyReLU</c>.</summary>
    Relu,
    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid,
    /// <summary>tanh.</summary>
    Tanh,
    /// <summary>Softmax over <see cref="KerasActivation.Axis"/> (the last axis by default).</summary>
    Softmax,
    /// <summary>x for x &gt; 0, α(e^x − 1) otherwise.</summary>
    Elu,
    /// <summary>SELU with Keras's fixed α and scale.</summary>
    Selu,
    /// <summary>log(1 + e^x).</summary>
    Softplus,
    /// <summary>x / (1 + |x|).</summary>
    Softsign,
    /// <summary>x · sigmoid(x) (<c>swish</c> / <c>silu</c>).</summary>
    Swish,
    /// <summary>e^x.</summary>
    Exponential,
    /// <summary>The exact GELU, x · (1 + erf(x / √2)) / 2: what the name <c>"gelu"</c> means in Keras 2 and 3
    /// (<c>keras.activations.gelu(x, approximate=False)</c>; only <c>keras.ops.gelu</c> defaults to the tanh form).</summary>
    Gelu,
    /// <summary>x · tanh(softplus(x)).</summary>
    Mish,
    /// <summary>Keras 3's hard sigmoid: clip(x / 6 + 1/2, 0, 1) (= relu6(x + 3) / 6).</summary>
    HardSigmoid,
    /// <summary>Keras 2's (tf.keras) hard sigmoid: clip(0.2·x + 0.5, 0, 1), a different function from Keras 3's.</summary>
    HardSigmoidKeras2,
    /// <summary>Keras 3's <c>hard_silu</c> / <c>hard_swish</c>: x · clip(x / 6 + 1/2, 0, 1).</summary>
    HardSilu,
    /// <summary>log(softmax(x)) over the last axis, as x − max − log Σ e^(x − max).</summary>
    LogSoftmax,
    /// <summary>Keras 3.7+'s <c>celu</c>: max(x, 0) + α·expm1(min(x, 0) / α), α = <see cref="KerasActivation.Alpha"/> (1 for the name).</summary>
    Celu,
    /// <summary>Keras 3.7+'s <c>squareplus</c>: (x + √(x² + b)) / 2 with b = 4.</summary>
    Squareplus,
    /// <summary>Keras 3.7+'s <c>soft_shrink</c>: x − 0.5 above 0.5, x + 0.5 below −0.5, 0 between.</summary>
    SoftShrink,
    /// <summary>Keras 3.7+'s <c>sparse_plus</c>: 0 for x ≤ −1, (x + 1)² / 4 for −1 &lt; x &lt; 1, x from 1.</summary>
    SparsePlus,
    /// <summary>Keras 3.7+'s <c>tanh_shrink</c>: x − tanh(x).</summary>
    TanhShrink,
    /// <summary>Keras 3.7+'s <c>sparse_sigmoid</c>: 0 for x ≤ −1, 1 for x ≥ 1, (x + 1) / 2 between.</summary>
    SparseSigmoid,
    /// <summary>Keras 3.7+'s <c>hard_tanh</c>: clip(x, −1, 1).</summary>
    HardTanh,
    /// <summary>Keras 3.7+'s <c>hard_shrink</c>: x where |x| &gt; 0.5, else 0.</summary>
    HardShrink,
    /// <summary>Keras 3.7+'s <c>log_sigmoid</c>: log(1 / (1 + e^−x)) = −softplus(−x).</summary>
    LogSigmoid,
    /// <summary>Keras 3's <c>glu</c> (axis −1, the default a name gives): the last axis split in halves a and b, a ·
    /// sigmoid(b) (keras/src/backend/tensorflow/nn.py <c>glu</c>: <c>tf.split</c>, <c>x1 * tf.sigmoid(x2)</c>; PyTorch's
    /// <c>F.glu</c>). It halves the last axis, which Keras's own shape inference does not know (<c>Glu.compute_output_spec</c>
    /// and the Activation layer return the input's shape), so it is built only as an <c>Activation</c> layer.</summary>
    Glu,
    /// <summary>Keras 3's <c>sparsemax</c> over the last axis as its backends computed it until keras-team/keras#23469
    /// (merged 2026-08-19): rows sorted descending, cumulative sums c_j, support s_j = z_(j) − (c_j − 1) / j &gt; 0,
    /// k = Σ s_j, and the threshold τ = (Σ_{s_j} c_j − 1) / k — the sum of the cumulative sums over the support, not the
    /// k-th cumulative sum of the published algorithm, so a support of two or more gives an output that does not sum
    /// to 1; output max(z − τ, 0). Built for files written by Keras 3.7 to 3.11 only (see <see cref="KerasActivationRules"/>).</summary>
    SparsemaxKeras3,
}

/// <summary>An activation with its parameters, as a Keras layer config describes it.</summary>
/// <param name="Kind">The function.</param>
/// <param name="Alpha">ELU's α, or the negative slope of <see cref="KerasActivationKind.Relu"/>.</param>
/// <param name="MaxValue">The ReLU's cap (6 for <c>relu6</c>), or null.</param>
/// <param name="Threshold">The ReLU's threshold (0 by default).</param>
/// <param name="Axis">The softmax axis in Keras's channels-last layout, counting the batch axis as 0 (−1: the last).</param>
/// <param name="Axes">Keras 3's <c>Softmax(axis=(a, b, …))</c>: several axes normalised together, as Keras computes it,
/// exp(x − logsumexp(x, axes)); null when the softmax runs over the one <paramref name="Axis"/>.</param>
public sealed record KerasActivation(KerasActivationKind Kind, double Alpha = 0, double? MaxValue = null, double Threshold = 0, int Axis = -1,
    IReadOnlyList<int>? Axes = null)
{
    /// <summary>The softmax axes as the config gives them (batch counted): <see cref="Axes"/>, or the one <see cref="Axis"/>.</summary>
    public IReadOnlyList<int> SoftmaxAxes => Axes ?? [Axis];

    /// <summary>Whether this is a softmax over axes other than the last alone of an input with <paramref name="rank"/>
    /// non-batch axes: the runtimes' fused activation handles only the last axis, so they run these on their own.</summary>
    internal bool IsSoftmaxOffLastAxis(int rank) =>
        Kind == KerasActivationKind.Softmax && (Axes is not null || KerasAxes.NonBatch(Axis, rank) != rank - 1);

    /// <summary>Value equality, <see cref="Axes"/> compared element by element (a record compares lists by reference).</summary>
    /// <param name="other">The activation to compare with.</param>
    public bool Equals(KerasActivation? other) =>
        other is not null && Kind == other.Kind && Alpha.Equals(other.Alpha) && Nullable.Equals(MaxValue, other.MaxValue) &&
        Threshold.Equals(other.Threshold) && Axis == other.Axis &&
        (Axes is null ? other.Axes is null : other.Axes is not null && Axes.SequenceEqual(other.Axes));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Alpha, MaxValue, Threshold, Axis, Axes?.Count ?? -1);

    /// <summary>The identity.</summary>
    public static KerasActivation Linear { get; } = new(KerasActivationKind.Linear);

    /// <summary>Whether the activation leaves its input unchanged.</summary>
    public bool IsIdentity => Kind == KerasActivationKind.Linear;

    /// <summary>The activation a Keras activation name stands for (<c>"relu"</c>, <c>"softmax"</c>, …); throws
    /// <see cref="NotSupportedException"/> naming the layer for names that are not supported.</summary>
    /// <param name="name">The name in the config.</param>
    /// <param name="layer">The layer, for the message.</param>
    /// <param name="kerasMajor">The major version of the Keras that wrote the config (2 or 3), or null when unknown:
    /// <c>hard_sigmoid</c> means a different function in each, so it is refused when the version is unknown.</param>
    public static KerasActivation FromName(string? name, string layer, int? kerasMajor = null) => (name ?? "linear") switch
    {
        "linear" or "" => Linear,
        "relu" => new(KerasActivationKind.Relu),
        "relu6" => new(KerasActivationKind.Relu, MaxValue: 6),
        // Keras 3's leaky_relu activation function defaults to negative_slope 0.2 (the LeakyReLU layer's default is 0.3).
        "leaky_relu" => new(KerasActivationKind.Relu, Alpha: 0.2),
        "sigmoid" => new(KerasActivationKind.Sigmoid),
        "tanh" => new(KerasActivationKind.Tanh),
        "softmax" => new(KerasActivationKind.Softmax),
        "elu" => new(KerasActivationKind.Elu, Alpha: 1),
        "selu" => new(KerasActivationKind.Selu),
        "softplus" => new(KerasActivationKind.Softplus),
        "softsign" => new(KerasActivationKind.Softsign),
        "swish" or "silu" => new(KerasActivationKind.Swish),
        "exponential" => new(KerasActivationKind.Exponential),
        "gelu" => new(KerasActivationKind.Gelu),
        "mish" => new(KerasActivationKind.Mish),
        // Keras 3 only (tf.keras 2 has neither name), so no version question.
        "hard_silu" or "hard_swish" => new(KerasActivationKind.HardSilu),
        "log_softmax" => new(KerasActivationKind.LogSoftmax),
        // Keras 3.7+'s element-wise additions (keras/src/activations/__init__.py ALL_OBJECTS), each with its default
        // parameters, which is all a name can give; no Keras 2 has these names.
        "celu" => new(KerasActivationKind.Celu, Alpha: 1),
        "squareplus" => new(KerasActivationKind.Squareplus),
        "soft_shrink" => new(KerasActivationKind.SoftShrink),
        "sparse_plus" => new(KerasActivationKind.SparsePlus),
        "tanh_shrink" => new(KerasActivationKind.TanhShrink),
        "sparse_sigmoid" => new(KerasActivationKind.SparseSigmoid),
        "hard_tanh" => new(KerasActivationKind.HardTanh),
        "hard_shrink" => new(KerasActivationKind.HardShrink),
        "log_sigmoid" => new(KerasActivationKind.LogSigmoid),
        // Keras 3 only, axis −1 by default: glu halves the last axis; sparsemax's threshold changed with the writer's
        // release (KerasActivationRules).
        "glu" => new(KerasActivationKind.Glu),
        "sparsemax" => new(KerasActivationKind.SparsemaxKeras3),
        "threshold" => throw new NotSupportedException(
            $"layer `{layer}`: activation \"threshold\" is keras.activations.threshold(x, threshold, default_value), whose two arguments have " +
            "no defaults, so a layer naming it cannot run in Keras either (the call misses them); use a ReLU layer (its threshold argument) " +
            "or a Lambda-free rewrite of the model"),
        // hard_sigmoid is 0.2x + 0.5 in Keras 2 but x/6 + 1/2 in Keras 3: picked by the writer's version, refused without one.
        "hard_sigmoid" => kerasMajor switch
        {
            >= 3 => new(KerasActivationKind.HardSigmoid),
            1 or 2 => new(KerasActivationKind.HardSigmoidKeras2),
            _ => throw new NotSupportedException(
                $"layer `{layer}`: activation \"hard_sigmoid\" is clip(0.2x + 0.5, 0, 1) in Keras 2 but clip(x/6 + 1/2, 0, 1) in Keras 3, " +
                "and the config does not say which Keras wrote it (no `keras_version`); load it with its .h5/.keras file, or give " +
                "the version: KerasGraph.FromJson(json, kerasVersion: \"3\"), or Build(kerasVersion: \"3.6.0\") of an architecture written in C#"),
        },
        _ => throw new NotSupportedException(
            $"layer `{layer}`: activation \"{name}\" is not supported (supported: {SupportedNames})"),
    };

    /// <summary>The activation names <see cref="FromName"/> accepts, for messages.</summary>
    internal const string SupportedNames = "linear, relu, relu6, leaky_relu, sigmoid, tanh, softmax, log_softmax, elu, selu, softplus, " +
        "softsign, swish/silu, exponential, gelu, mish, hard_sigmoid, hard_silu/hard_swish, celu, squareplus, soft_shrink, sparse_plus, " +
        "tanh_shrink, sparse_sigmoid, hard_tanh, hard_shrink, log_sigmoid, glu (Activation layer only), sparsemax";

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        KerasActivationKind.Relu when Alpha != 0 || MaxValue is not null || Threshold != 0 =>
            $"relu(negative_slope={Alpha}, max_value={MaxValue?.ToString() ?? "None"}, threshold={Threshold})",
        KerasActivationKind.Elu when Alpha != 1 => $"elu(alpha={Alpha})",
        KerasActivationKind.Softmax when Axes is not null => $"softmax(axis=({string.Join(", ", Axes)}))",
        KerasActivationKind.Softmax when Axis != -1 => $"softmax(axis={Axis})",
        KerasActivationKind.HardSigmoid => "hard_sigmoid(keras 3: x/6 + 1/2)",
        KerasActivationKind.HardSigmoidKeras2 => "hard_sigmoid(keras 2: 0.2x + 0.5)",
        KerasActivationKind.HardSilu => "hard_silu",
        KerasActivationKind.LogSoftmax => "log_softmax",
        KerasActivationKind.SoftShrink => "soft_shrink",
        KerasActivationKind.SparsePlus => "sparse_plus",
        KerasActivationKind.TanhShrink => "tanh_shrink",
        KerasActivationKind.SparseSigmoid => "sparse_sigmoid",
        KerasActivationKind.HardTanh => "hard_tanh",
        KerasActivationKind.HardShrink => "hard_shrink",
        KerasActivationKind.LogSigmoid => "log_sigmoid",
        KerasActivationKind.SparsemaxKeras3 => "sparsemax(keras 3.7-3.11 threshold)",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
