namespace CrossBackend.Keras;

/// <summary>Keras's padding modes.</summary>
public enum KerasPadding
{
    /// <summary>No padding.</summary>
    Valid,
    /// <summary>TensorFlow's "same": output = ceil(input / stride); pad_total = max((out − 1)·stride + (k − 1)·dilation
    /// + 1 − input, 0), pad_before = pad_total / 2 (floor), the extra cell at the end. PyTorch's own padding is
    /// symmetric, so an odd total (e.g. stride 2 on an even input) needs an explicit asymmetric pad there.</summary>
    Same,
    /// <summary>Conv1D only: (k − 1)·dilation zeros before the sequence, none after.</summary>
    Causal,
}

/// <summary>Max or average.</summary>
public enum KerasPoolingKind
{
    /// <summary>The maximum of the window.</summary>
    Max,
    /// <summary>The mean of the window's real cells (TensorFlow ignores "same" padding cells in the count).</summary>
    Average,
}

/// <summary>A supported layer's settings, parsed once from its Keras config; every engine builds from these.</summary>
public abstract record LayerSpec;

/// <summary><c>InputLayer</c>.</summary>
/// <param name="Shape">The shape without the batch axis; −1 for an unknown length.</param>
/// <param name="DType">The declared element type (int inputs feed an <c>Embedding</c>).</param>
public sealed record InputSpec(long[] Shape, DType DType) : LayerSpec
{
    /// <summary>The batch length the InputLayer declares (<c>batch_shape[0]</c> / <c>batch_input_shape[0]</c>); null
    /// where it is None, as Keras saves it unless the model was built with a fixed <c>batch_size</c>.</summary>
    public long? BatchSize { get; init; }
}

/// <summary><c>Conv1D</c> / <c>Conv2D</c> / <c>Conv3D</c> (channels-last; kernel (k…, in / groups, filters)).</summary>
/// <param name="Rank">1, 2 or 3 spatial dimensions.</param>
/// <param name="Filters">Output channels.</param>
/// <param name="KernelSize">Kernel lengths, one per spatial axis.</param>
/// <param name="Strides">Strides, one per spatial axis.</param>
/// <param name="Padding">Padding mode.</param>
/// <param name="Dilation">Dilation rates, one per spatial axis.</param>
/// <param name="Groups">Channel groups (1: an ordinary convolution).</param>
/// <param name="UseBias">Whether a bias is added.</param>
/// <param name="Activation">The fused activation.</param>
public sealed record ConvSpec(int Rank, int Filters, int[] KernelSize, int[] Strides, KerasPadding Padding, int[] Dilation,
    int Groups, bool UseBias, KerasActivation Activation) : LayerSpec;

/// <summary><c>DepthwiseConv2D</c>, or <c>SeparableConv2D</c> when <paramref name="PointwiseFilters"/> is set
/// (channels-last): each input channel c is correlated with its own <paramref name="DepthMultiplier"/> kernels, output
/// channel c·multiplier + m (TensorFlow's <c>depthwise_conv2d</c>); a separable layer then mixes those channels with a
/// 1×1 pointwise kernel (<c>separable_conv2d</c>: the depthwise step takes the strides, padding and dilation, the
/// pointwise step is a stride-1 "valid" 1×1 convolution), and its one bias follows the pointwise step.</summary>
/// <param name="DepthMultiplier">Kernels per input channel.</param>
/// <param name="KernelSize">Kernel (height, width).</param>
/// <param name="Strides">Strides (height, width).</param>
/// <param name="Padding">Valid or same.</param>
/// <param name="Dilation">Dilation rates (height, width).</param>
/// <param name="UseBias">Whether a bias is added (after the pointwise step for a separable layer).</param>
/// <param name="Activation">The fused activation.</param>
/// <param name="PointwiseFilters">SeparableConv2D's <c>filters</c>; null for DepthwiseConv2D.</param>
/// <param name="Rank">2, or 1 for <c>DepthwiseConv1D</c> / <c>SeparableConv1D</c> (one-element kernel, strides and
/// dilation over the steps; kernels (k, in, multiplier) and (1, in·multiplier, filters)), which run as the 2-D layer on
/// (N, 1, L, C) with a (1, k) window, as TensorFlow runs them (tf.keras 2 separable_conv1d.py expands the input to 2-D;
/// Keras 3's TF backend depthwise_conv / separable_conv do the same). Only a tf.keras 2 SeparableConv1D can be causal.</param>
public sealed record DepthwiseConv2DSpec(int DepthMultiplier, int[] KernelSize, int[] Strides, KerasPadding Padding, int[] Dilation,
    bool UseBias, KerasActivation Activation, int? PointwiseFilters = null, int Rank = 2) : LayerSpec;

/// <summary><c>Conv2DTranspose</c> (channels-last, kernel (kh, kw, filters, in)): the adjoint of a <c>Conv2D</c> with
/// the same kernel, strides and padding — TensorFlow's <c>conv2d_transpose</c>, whose output length per axis is Keras's
/// <c>deconv_output_length</c> without output_padding: valid n·s + max(k − s, 0), same n·s. Each input cell adds its
/// kernel-weighted window at i·s − pad_before, pad_before = ⌊max(k − s, 0) / 2⌋ for "same" (the pad of the Conv2D it is
/// the adjoint of), cells past the output dropped.</summary>
/// <param name="Filters">Output channels.</param>
/// <param name="KernelSize">Kernel (height, width).</param>
/// <param name="Strides">Strides (height, width).</param>
/// <param name="Padding">Valid or same.</param>
/// <param name="UseBias">Whether a bias is added.</param>
/// <param name="Activation">The fused activation.</param>
/// <param name="Rank">2, or 1 for <c>Conv1DTranspose</c> (kernel (k, filters, in), one-element kernel size and strides;
/// the same output length rule), run as the 2-D layer on (N, 1, L, C) with a (1, k) kernel, or 3 for
/// <c>Conv3DTranspose</c> (kernel (kd, kh, kw, filters, in), per-axis depth, height, width; the same rule per axis,
/// TensorFlow's <c>conv3d_transpose</c>).</param>
public sealed record Conv2DTransposeSpec(int Filters, int[] KernelSize, int[] Strides, KerasPadding Padding, bool UseBias,
    KerasActivation Activation, int Rank = 2) : LayerSpec;

/// <summary><c>Dense</c>: applies to the last axis.</summary>
/// <param name="Units">Output features.</param>
/// <param name="UseBias">Whether a bias is added.</param>
/// <param name="Activation">The fused activation.</param>
public sealed record DenseSpec(int Units, bool UseBias, KerasActivation Activation) : LayerSpec;

/// <summary><c>Flatten</c>: in Keras's (h, w, c) order.</summary>
public sealed record FlattenSpec : LayerSpec;

/// <summary><c>Reshape</c> of the channels-last data (batch axis excluded; −1 allowed once).</summary>
/// <param name="TargetShape">The target shape.</param>
public sealed record ReshapeSpec(long[] TargetShape) : LayerSpec;

/// <summary><c>MaxPooling1D</c> / <c>AveragePooling1D</c> / <c>MaxPooling2D</c> / <c>AveragePooling2D</c> /
/// <c>MaxPooling3D</c> / <c>AveragePooling3D</c> (channels-last; TensorFlow's max_pool / avg_pool, whose 3-D average
/// divides by the real cells of a "same" window as the 2-D one does).</summary>
/// <param name="Rank">1 (steps), 2 (height, width) or 3 (depth, height, width) spatial axes.</param>
/// <param name="Kind">Max or average.</param>
/// <param name="PoolSize">Window lengths, one per spatial axis.</param>
/// <param name="Strides">Strides, one per spatial axis; Keras defaults them (<c>strides=None</c>) to the pool size.</param>
/// <param name="Padding">Valid or same.</param>
public sealed record PoolingSpec(int Rank, KerasPoolingKind Kind, int[] PoolSize, int[] Strides, KerasPadding Padding) : LayerSpec;

/// <summary><c>GlobalMaxPooling1D</c> / <c>GlobalAveragePooling1D</c> over the steps, <c>GlobalMaxPooling2D</c> /
/// <c>GlobalAveragePooling2D</c> over height and width, <c>GlobalMaxPooling3D</c> / <c>GlobalAveragePooling3D</c> over
/// depth, height and width.</summary>
/// <param name="Rank">1, 2 or 3 spatial axes pooled.</param>
/// <param name="Kind">Max or average.</param>
/// <param name="KeepDims">Keep each pooled axis with length 1 ((1, C), (1, 1, C) or (1, 1, 1, C)) instead of (C).</param>
public sealed record GlobalPoolingSpec(int Rank, KerasPoolingKind Kind, bool KeepDims) : LayerSpec;

/// <summary><c>BatchNormalization</c> at inference over one axis (the last by default): (x − mean) / √(var + ε) · γ + β,
/// with one γ, β, mean and variance per index of that axis.</summary>
/// <param name="Epsilon">ε from the config: Keras's default is 1e-3, PyTorch's 1e-5.</param>
/// <param name="Center">Whether β was learned (saved); otherwise β = 0.</param>
/// <param name="Scale">Whether γ was learned (saved); otherwise γ = 1.</param>
/// <param name="Momentum">Keras's momentum (PyTorch's is 1 − this).</param>
/// <param name="Axis">The normalised axis as the config gives it, counting the batch axis as 0 (negative counts from the
/// end; any axis but the batch axis).</param>
public sealed record BatchNormSpec(double Epsilon, bool Center, bool Scale, double Momentum, int Axis = -1) : LayerSpec;

/// <summary><c>LayerNormalization</c>: per item, the mean and biased variance over <paramref name="Axes"/> together
/// (TensorFlow's <c>tf.nn.moments</c>: mean, then the mean of squared differences, in the input's dtype), then
/// x · inv + (β − mean · inv) with inv = γ / √(var + ε) — Keras 3's <c>LayerNormalization.call</c> (in newer releases
/// <c>ops.layer_normalization</c>, the same formula on the TensorFlow backend, computing float16 in float32) and tf.keras 2's
/// <c>tf.nn.batch_normalization</c>, one formula (tf.keras 2's float32 layers over trailing axes take
/// <c>fused_batch_norm</c> instead, the same biased statistics in another rounding order). γ and β have the lengths of
/// the normalised axes.</summary>
/// <param name="Axes">The normalised axes as the config gives them, counting the batch axis as 0 (negative from the end);
/// non-batch, distinct and in increasing order (checked by ShapeInference).</param>
/// <param name="Epsilon">ε from the config (Keras's default 1e-3, PyTorch's 1e-5).</param>
/// <param name="Center">Whether β was learned (saved); otherwise β = 0.</param>
/// <param name="Scale">Whether γ was learned (saved); otherwise γ = 1.</param>
public sealed record LayerNormSpec(int[] Axes, double Epsilon, bool Center, bool Scale) : LayerSpec;

/// <summary><c>Dropout</c> and its kin: the identity at inference.</summary>
/// <param name="Rate">The training-time rate (unused at inference).</param>
public sealed record DropoutSpec(double Rate) : LayerSpec;

/// <summary><c>Activation</c>, <c>ReLU</c>, <c>LeakyReLU</c>, <c>Softmax</c>.</summary>
/// <param name="Activation">The function.</param>
public sealed record ActivationSpec(KerasActivation Activation) : LayerSpec;

/// <summary><c>PReLU</c>: x for x &gt; 0, α·x otherwise, with α a learned weight of the input's shape (batch axis
/// excluded) whose <paramref name="SharedAxes"/> have length 1 — Keras computes relu(x) − α·relu(−x), the same.</summary>
/// <param name="SharedAxes">Axes sharing one α, counting the batch axis as 0 (Keras's <c>shared_axes</c>); empty: none.
/// Keras indexes α's shape with axis − 1 as a Python list, so 0 shares the last axis and −1 the one before it.</param>
public sealed record PReLUSpec(int[] SharedAxes) : LayerSpec;

/// <summary><c>ZeroPadding1D</c> / <c>ZeroPadding2D</c> / <c>ZeroPadding3D</c>: zeros before and after each spatial axis.</summary>
/// <param name="Before">Cells added before, one per spatial axis (steps; or rows, columns).</param>
/// <param name="After">Cells added after, one per spatial axis.</param>
public sealed record ZeroPaddingSpec(int[] Before, int[] After) : LayerSpec
{
    /// <summary>1, 2 or 3 spatial axes.</summary>
    public int Rank => Before.Length;
}

/// <summary><c>Cropping1D</c> / <c>Cropping2D</c> / <c>Cropping3D</c>: cells removed from the start and end of each spatial axis; Keras
/// requires at least one cell to remain (<c>Cropping2D.compute_output_shape</c> raises when a crop's sum reaches the length).</summary>
/// <param name="Before">Cells removed at the start, one per spatial axis.</param>
/// <param name="After">Cells removed at the end, one per spatial axis.</param>
public sealed record CroppingSpec(int[] Before, int[] After) : LayerSpec
{
    /// <summary>1, 2 or 3 spatial axes.</summary>
    public int Rank => Before.Length;
}

/// <summary><c>UpSampling1D</c> / <c>UpSampling2D</c> / <c>UpSampling3D</c>. Nearest interpolation repeats each cell
/// <c>Size[d]</c> times along spatial axis d: Keras 3 calls <c>ops.repeat</c> per axis for "nearest"; tf.keras 2's
/// nearest-neighbour resize gives the same for integer factors (output index o reads floor(o / s), or floor((o + ½) / s),
/// both ⌊o / s⌋). UpSampling2D's bilinear interpolation is <c>tf.image.resize</c>'s (see <see cref="KerasUpSampling.Bilinear"/>).</summary>
/// <param name="Size">The factor per spatial axis.</param>
public sealed record UpSamplingSpec(int[] Size) : LayerSpec
{
    /// <summary>1, 2 or 3 spatial axes.</summary>
    public int Rank => Size.Length;

    /// <summary>How new cells are filled (UpSampling2D's <c>interpolation</c>; UpSampling1D always repeats).</summary>
    public KerasUpSampling Interpolation { get; init; } = KerasUpSampling.Nearest;
}

/// <summary>UpSampling2D's <c>interpolation</c> values the runtimes build.</summary>
public enum KerasUpSampling
{
    /// <summary>"nearest": each cell repeated.</summary>
    Nearest,
    /// <summary>"bilinear": TensorFlow's ResizeBilinear with half-pixel centres, as Keras 3 (<c>ops.image.resize</c> →
    /// <c>tf.image.resize</c>) and tf.keras 2.4+ (<c>backend.resize_images</c> → <c>tf.image.resize</c>) call it: output
    /// cell o along an axis of n cells upsampled s times reads the input at p = (o + ½) / s − ½, between cells ⌊p⌋ and
    /// ⌈p⌉ clamped to [0, n − 1], weighted by p − ⌊p⌋ (along the columns, then the rows, as TensorFlow's compute_lerp)
    /// — PyTorch's <c>F.interpolate(mode="bilinear", align_corners=False)</c>.</summary>
    Bilinear,
}

/// <summary><c>Permute</c>: reorders the non-batch axes of the channels-last data.</summary>
/// <param name="Dims">Output axis i (1-based, batch excluded) is input axis <c>Dims[i − 1]</c>: a permutation of 1…rank.</param>
public sealed record PermuteSpec(int[] Dims) : LayerSpec;

/// <summary><c>RepeatVector</c>: (features) → (n, features), the vector repeated n times.</summary>
/// <param name="N">The repeats.</param>
public sealed record RepeatVectorSpec(int N) : LayerSpec;

/// <summary>What an element-wise merge layer computes from its inputs, in input order.</summary>
public enum KerasMergeOp
{
    /// <summary><c>Add</c>: ((x₀ + x₁) + x₂) + …</summary>
    Add,
    /// <summary><c>Subtract</c>: x₀ − x₁ (exactly two inputs).</summary>
    Subtract,
    /// <summary><c>Multiply</c>: ((x₀ · x₁) · x₂) · …</summary>
    Multiply,
    /// <summary><c>Average</c>: the sum as <c>Add</c> computes it, divided by the number of inputs.</summary>
    Average,
    /// <summary><c>Maximum</c>: the element-wise maximum.</summary>
    Maximum,
    /// <summary><c>Minimum</c>: the element-wise minimum.</summary>
    Minimum,
}

/// <summary><c>Add</c>, <c>Subtract</c>, <c>Multiply</c>, <c>Average</c>, <c>Maximum</c>, <c>Minimum</c>: Keras's
/// <c>Merge</c> layers. Inputs of a lower rank gain axes of length 1 right after the batch axis until every input has
/// the highest rank; then axes of length 1 stretch to the others' lengths.</summary>
/// <param name="Op">The element-wise operation.</param>
public sealed record MergeSpec(KerasMergeOp Op) : LayerSpec;

/// <summary><c>Concatenate</c> along an axis of the channels-last data.</summary>
/// <param name="Axis">The axis counting the batch axis as 0 (−1: channels).</param>
public sealed record ConcatenateSpec(int Axis) : LayerSpec;

/// <summary><c>Embedding</c>: integer indices to vectors.</summary>
/// <param name="InputDim">Vocabulary size.</param>
/// <param name="OutputDim">Vector length.</param>
/// <param name="MaskZero">Keras's <c>mask_zero</c>: the output carries the mask <c>ids != 0</c> (Keras's
/// <c>Embedding.compute_mask</c>) to the layers after it; see <see cref="KerasMaskRole"/>.</param>
public sealed record EmbeddingSpec(int InputDim, int OutputDim, bool MaskZero = false) : LayerSpec;

/// <summary><c>Masking</c>: the output is x · mask and carries the mask, mask = any(x ≠ <paramref name="MaskValue"/>)
/// over the last axis (keras/src/layers/core/masking.py; tf.keras 2 keras/layers/core/masking.py, the same).</summary>
/// <param name="MaskValue">The value a whole step must hold to be masked (0 by default).</param>
public sealed record MaskingSpec(double MaskValue) : LayerSpec;

/// <summary>Which recurrent cell a <see cref="RecurrentSpec"/> runs.</summary>
public enum KerasRecurrentKind
{
    /// <summary><c>LSTM</c>: gates in Keras's order input, forget, cell, output (4 blocks of units).</summary>
    Lstm,
    /// <summary><c>GRU</c>: gates in Keras's order update z, reset r, candidate h (3 blocks of units).</summary>
    Gru,
    /// <summary><c>SimpleRNN</c>: h = act((x·W + b) + h·U), one block of units (keras/src/layers/rnn/simple_rnn.py;
    /// tf.keras 2 keras/layers/rnn/simple_rnn.py add in the same order).</summary>
    SimpleRnn,
}

/// <summary>
/// <c>LSTM</c> / <c>GRU</c> / <c>SimpleRNN</c> at inference over (batch, time, features), from zero initial states, one
/// step per timestep (keras/src/layers/rnn/lstm.py, gru.py and simple_rnn.py; tf.keras 2 keras/layers/rnn/). Per step, with
/// x·W + h·U (+ bias) split into gate blocks in Keras's order:
/// LSTM: c = f ⊙ c + i ⊙ act(g), h = o ⊙ act(c) (i, f, o through the recurrent activation);
/// GRU: z, r through the recurrent activation, then h̃ = act(x·W_h + r ⊙ (h·U_h + b_h)) with <paramref name="ResetAfter"/>,
/// act(x·W_h + (r ⊙ h)·U_h) without, and h = z ⊙ h + (1 − z) ⊙ h̃;
/// SimpleRNN: h = act((x·W + b) + h·U) (no recurrent activation: the config has none, and the spec's is unused).
/// </summary>
/// <param name="Kind">LSTM, GRU or SimpleRNN.</param>
/// <param name="Units">The state size.</param>
/// <param name="Activation">The cell/candidate activation (tanh by default).</param>
/// <param name="RecurrentActivation">The gates' activation (sigmoid by default in tf.keras 2 and Keras 3; as the file says).</param>
/// <param name="UseBias">Whether a bias is saved and added.</param>
/// <param name="ReturnSequences">Every step's h (batch, time, units) instead of the last (batch, units).</param>
/// <param name="GoBackwards">Read the sequence from its last step to its first; a returned sequence stays in that
/// (reversed) processing order, as Keras returns it.</param>
/// <param name="ResetAfter">GRU only: the reset gate multiplies the recurrent product (bias (2, 3·units)) rather than
/// the state before it (bias (3·units)).</param>
/// <param name="ReturnState">Whether the layer also returns its final states (outputs 1 and 2); only its output 0,
/// the same tensor as without, can be read here.</param>
/// <param name="ZeroOutputForMask">Keras's <c>zero_output_for_mask</c> (False by default): with a mask, a masked step's
/// output is zeros instead of the previous step's output (the states are kept either way), and so is the last
/// output when the last step processed is masked.</param>
/// <param name="Unroll">Keras's <c>unroll</c>: the same numbers, but for one masked corner refused by <see cref="KerasMasking"/>.</param>
public sealed record RecurrentSpec(KerasRecurrentKind Kind, int Units, KerasActivation Activation, KerasActivation RecurrentActivation,
    bool UseBias, bool ReturnSequences, bool GoBackwards, bool ResetAfter, bool ReturnState, bool ZeroOutputForMask = false, bool Unroll = false) : LayerSpec
{
    /// <summary>Gate blocks per step: 4 for LSTM, 3 for GRU, 1 for SimpleRNN.</summary>
    public int Gates => Kind switch { KerasRecurrentKind.Lstm => 4, KerasRecurrentKind.Gru => 3, _ => 1 };
}

/// <summary>How a <see cref="BidirectionalSpec"/> combines its forward output y and its backward output y_rev.</summary>
public enum KerasBidirectionalMerge
{
    /// <summary><c>"concat"</c>: [y, y_rev] along the last axis (forward units first).</summary>
    Concat,
    /// <summary><c>"sum"</c>: y + y_rev.</summary>
    Sum,
    /// <summary><c>"mul"</c>: y · y_rev.</summary>
    Mul,
    /// <summary><c>"ave"</c>: (y + y_rev) / 2, a true division as Keras writes it.</summary>
    Ave,
}

/// <summary>
/// <c>Bidirectional(layer, merge_mode, backward_layer)</c> around an <c>LSTM</c> / <c>GRU</c> (Keras 3
/// keras/src/layers/rnn/bidirectional.py; tf.keras 2 keras/layers/rnn/bidirectional.py): a forward copy y and a
/// backward copy y_rev (the opposite <c>go_backwards</c>) each read the whole input; with <c>return_sequences</c> y_rev,
/// which comes out in its processing order, is flipped along time (<c>ops.flip(y_rev, axis=1)</c>) so that step t of
/// both halves belongs to input step t; then the two are merged. The forward layer's variables come first.
/// </summary>
/// <param name="Forward">The forward layer (the config's <c>layer</c>).</param>
/// <param name="Backward">The backward layer: the config's <c>backward_layer</c>, or the forward layer with
/// <c>go_backwards</c> flipped.</param>
/// <param name="Merge">The merge mode (<c>None</c>, two outputs, is refused by the parser).</param>
/// <param name="ForwardName">The forward layer's Keras name (<c>forward_lstm</c>).</param>
/// <param name="BackwardName">The backward layer's Keras name (<c>backward_lstm</c>).</param>
public sealed record BidirectionalSpec(RecurrentSpec Forward, RecurrentSpec Backward, KerasBidirectionalMerge Merge,
    string ForwardName, string BackwardName) : LayerSpec
{
    /// <summary>Keras's class name of a recurrent spec (<c>LSTM</c>, <c>GRU</c> or <c>SimpleRNN</c>).</summary>
    public static string ClassOf(RecurrentSpec r) => r.Kind switch { KerasRecurrentKind.Lstm => "LSTM", KerasRecurrentKind.Gru => "GRU", _ => "SimpleRNN" };
}

/// <summary>
/// <c>TimeDistributed(layer)</c>: the inner layer applied to every step of a (batch, time, …) input with one set of
/// weights (Keras 3 keras/src/layers/rnn/time_distributed.py calls it per step; tf.keras 2 reshapes to
/// (batch·time, …)). Only inner layers that treat each item of a batch on its own are accepted, for which both
/// readings give the same numbers, and which the runtimes therefore run once on (batch·time, …).
/// </summary>
/// <param name="Inner">The inner layer's settings.</param>
/// <param name="InnerClassName">The inner layer's Keras class (<c>Dense</c>, <c>Conv2D</c>, …).</param>
/// <param name="InnerName">The inner layer's Keras name.</param>
public sealed record TimeDistributedSpec(LayerSpec Inner, string InnerClassName, string InnerName) : LayerSpec;

/// <summary>
/// <c>MultiHeadAttention</c> at inference, called as <c>mha(query, value)</c> or <c>mha(query, value, key)</c> (the key
/// is the value when absent), over (batch, steps, features) inputs with <c>attention_axes=None</c> (keras/src/layers/
/// attention/multi_head_attention.py; tf.keras 2 keras/layers/attention/multi_head_attention.py, the same numbers):
/// q = query·W_q + b_q (EinsumDense <c>abc,cde->abde</c>, kernel (d_q, heads, key_dim), bias (heads, key_dim)), the same
/// for the key (key_dim) and the value (value_dim); q is multiplied by 1/√key_dim (cast to the layer's dtype) BEFORE
/// the dot product; scores (batch, heads, T_q, T_k) = q·kᵀ per head; softmax over the key axis; o = scores·v per head;
/// output = Σ_{heads, value_dim} o·W_o + b_o (kernel (heads, value_dim, d_out), bias (d_out)). Dropout only in training.
/// </summary>
/// <param name="NumHeads">Heads.</param>
/// <param name="KeyDim">Query/key size per head.</param>
/// <param name="ValueDim">Value size per head (Keras's <c>value_dim=None</c> is the key_dim).</param>
/// <param name="UseBias">Whether the four projections have biases.</param>
/// <param name="OutputDim">Keras's <c>output_shape</c> as one int; null: the query's last axis.</param>
/// <param name="Causal">The call's <c>use_causal_mask=True</c>: query step i attends to key steps j ≤ i only (Keras's
/// <c>_compute_causal_mask</c>, row index ≥ column index over (T_q, T_k), a lower-triangular mask). Keras's masked
/// softmax adds −1e9 to the other scores (or puts −1e9 there), whose exponentials are then exactly 0 in float32 and
/// float64, so the softmax over j ≤ i alone is the same number.</param>
public sealed record MultiHeadAttentionSpec(int NumHeads, int KeyDim, int ValueDim, bool UseBias, int? OutputDim, bool Causal = false) : LayerSpec
{
    /// <summary>The config's dropout rate: it acts only in training, but it picks the path Keras 3 takes at inference,
    /// which decides a fully masked row (see <see cref="KerasAttentionMasks"/>).</summary>
    public double Dropout { get; init; }
}

/// <summary>How an <see cref="AttentionSpec"/> scores a query step against a key step.</summary>
public enum KerasAttentionScore
{
    /// <summary><c>Attention(score_mode="dot")</c> (Luong): q·k, times <c>scale</c> with use_scale.</summary>
    Dot,
    /// <summary><c>Attention(score_mode="concat")</c>: concat_score_weight · Σ tanh(scale · (q + k)) (scale 1 without use_scale).</summary>
    Concat,
    /// <summary><c>AdditiveAttention</c> (Bahdanau): Σ scale ⊙ tanh(q + k), scale a learned vector of the features
    /// (1 without use_scale).</summary>
    Additive,
}

/// <summary>
/// <c>Attention</c> / <c>AdditiveAttention</c> at inference on [query (batch, T_q, d), value (batch, T_v, d_v)] or
/// [query, value, key] (the key is the value when absent): scores (batch, T_q, T_v) by <see cref="Score"/>, softmax over
/// the value axis, output = weights·value (batch, T_q, d_v) (keras/src/layers/attention/attention.py and
/// additive_attention.py; tf.keras 2 keras/layers/attention/, the same formulas). Dropout only in training.
/// </summary>
/// <param name="Score">The score function.</param>
/// <param name="UseScale">Whether the learned <c>scale</c> weight exists (a scalar for Attention, a (d) vector for
/// AdditiveAttention).</param>
/// <param name="Causal">The call's <c>use_causal_mask=True</c> (tf.keras 2 before 2.10: the config's <c>causal=True</c>):
/// query step i reads value steps j ≤ i only (Keras's <c>_calculate_score_mask</c>: row index ≥ column index, the others'
/// scores minus 1e9, whose exponentials are exactly 0 — the same as a softmax over j ≤ i).</param>
public sealed record AttentionSpec(KerasAttentionScore Score, bool UseScale, bool Causal = false) : LayerSpec
{
    /// <summary>Whether a Keras 3 call records <c>mask</c> as a list of nulls (what <c>Layer.__call__</c> records when
    /// no mask arrives). Keras 3 fills the call's mask from the inputs only where the argument is None, so with such a
    /// list it would run the layer unmasked even if masks arrived: a mask reaching it is refused.</summary>
    public bool NullMaskInCall { get; init; }
}
