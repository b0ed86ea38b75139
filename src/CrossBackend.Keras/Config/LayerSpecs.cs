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
public sealed record InputSpec(long[] Shape, DType DType) : LayerSpec;

/// <summary><c>Conv1D</c> / <c>Conv2D</c> (channels-last).</summary>
/// <param name="Rank">1 or 2 spatial dimensions.</param>
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

/// <summary><c>MaxPooling2D</c> / <c>AveragePooling2D</c>.</summary>
/// <param name="Kind">Max or average.</param>
/// <param name="PoolSize">Window (height, width).</param>
/// <param name="Strides">Strides (height, width); Keras defaults them to the pool size.</param>
/// <param name="Padding">Valid or same.</param>
public sealed record Pooling2DSpec(KerasPoolingKind Kind, int[] PoolSize, int[] Strides, KerasPadding Padding) : LayerSpec;

/// <summary><c>GlobalMaxPooling2D</c> / <c>GlobalAveragePooling2D</c> over height and width.</summary>
/// <param name="Kind">Max or average.</param>
/// <param name="KeepDims">Keep (1, 1, C) instead of (C).</param>
public sealed record GlobalPooling2DSpec(KerasPoolingKind Kind, bool KeepDims) : LayerSpec;

/// <summary><c>BatchNormalization</c> at inference over one axis (the last by default): (x − mean) / √(var + ε) · γ + β,
/// with one γ, β, mean and variance per index of that axis.</summary>
/// <param name="Epsilon">ε from the config: Keras's default is 1e-3, PyTorch's 1e-5.</param>
/// <param name="Center">Whether β was learned (saved); otherwise β = 0.</param>
/// <param name="Scale">Whether γ was learned (saved); otherwise γ = 1.</param>
/// <param name="Momentum">Keras's momentum (PyTorch's is 1 − this).</param>
/// <param name="Axis">The normalised axis as the config gives it, counting the batch axis as 0 (negative counts from the
/// end; any axis but the batch axis).</param>
public sealed record BatchNormSpec(double Epsilon, bool Center, bool Scale, double Momentum, int Axis = -1) : LayerSpec;

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

/// <summary><c>ZeroPadding2D</c>.</summary>
/// <param name="Top">Rows before.</param>
/// <param name="Bottom">Rows after.</param>
/// <param name="Left">Columns before.</param>
/// <param name="Right">Columns after.</param>
public sealed record ZeroPadding2DSpec(int Top, int Bottom, int Left, int Right) : LayerSpec;

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
public sealed record EmbeddingSpec(int InputDim, int OutputDim) : LayerSpec;

/// <summary>Which recurrent cell a <see cref="RecurrentSpec"/> runs.</summary>
public enum KerasRecurrentKind
{
    /// <summary><c>LSTM</c>: gates in Keras's order input, forget, cell, output (4 blocks of units).</summary>
    Lstm,
    /// <summary><c>GRU</c>: gates in Keras's order update z, reset r, candidate h (3 blocks of units).</summary>
    Gru,
}

/// <summary>
/// <c>LSTM</c> / <c>GRU</c> at inference over (batch, time, features), from zero initial states, one step per timestep
/// (keras/src/layers/rnn/lstm.py and gru.py; tf.keras 2 keras/layers/rnn/lstm.py, gru.py). Per step, with
/// x·W + h·U (+ bias) split into gate blocks in Keras's order:
/// LSTM: c = f ⊙ c + i ⊙ act(g), h = o ⊙ act(c) (i, f, o through the recurrent activation);
/// GRU: z, r through the recurrent activation, then h̃ = act(x·W_h + r ⊙ (h·U_h + b_h)) with <paramref name="ResetAfter"/>,
/// act(x·W_h + (r ⊙ h)·U_h) without, and h = z ⊙ h + (1 − z) ⊙ h̃.
/// </summary>
/// <param name="Kind">LSTM or GRU.</param>
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
public sealed record RecurrentSpec(KerasRecurrentKind Kind, int Units, KerasActivation Activation, KerasActivation RecurrentActivation,
    bool UseBias, bool ReturnSequences, bool GoBackwards, bool ResetAfter, bool ReturnState) : LayerSpec
{
    /// <summary>Gate blocks per step: 4 for LSTM, 3 for GRU.</summary>
    public int Gates => Kind == KerasRecurrentKind.Lstm ? 4 : 3;
}
