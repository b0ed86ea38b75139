namespace CrossBackend;

/// <summary>
/// One engine's view of one tensor type: the class axis, plus the small set of operations the losses are written
/// against. The losses live once in the core (<see cref="Losses"/>); an engine implements only these.
/// </summary>
/// <remarks>Implement <see cref="TensorBackend{TTensor}"/> rather than this interface directly.</remarks>
public interface ITensorBackend
{
    /// <summary>The engine's name as the CLI and reports show it ("torch", "numerics").</summary>
    string Name { get; }

    /// <summary>Where the classes are: 1 for channels-first engines, -1 for channels-last ones.</summary>
    int ClassAxis { get; }

    /// <summary>Runs a loss program on this backend's tensors; <paramref name="yTrue"/> is adopted first.</summary>
    object Invoke(ILossProgram program, object yPred, object yTrue);
}

/// <summary>The typed operations of an engine. Every tensor argument and result is the engine's own type.</summary>
/// <typeparam name="TTensor">The engine's tensor type, e.g. <c>torch.Tensor</c> or <c>Tensor&lt;float&gt;</c>.</typeparam>
public interface ITensorBackend<TTensor> : ITensorBackend where TTensor : class
{
    /// <summary>Shape, element type and device, read without touching the data.</summary>
    TensorInfo Describe(TTensor tensor);

    /// <summary>
    /// Turns another tensor of the same engine (e.g. integer labels beside float predictions) into one this
    /// backend computes with. Throws <see cref="ArgumentException"/> naming <paramref name="argumentName"/> when
    /// the object is not a tensor of this engine.
    /// </summary>
    TTensor Adopt(object tensor, string argumentName);

    /// <summary>
    /// The per-element categorical crossentropy kernel: <c>-sum(target * log_prob, axis)</c>, where log_prob is a
    /// stable log-softmax of logits, or the log of <paramref name="output"/> divided by its sum over
    /// <paramref name="axis"/> and clipped to [1e-7, 1 − 1e-7] (bounds in the input's dtype).
    /// </summary>
    /// <returns>The loss with <paramref name="axis"/> removed, in <paramref name="output"/>'s dtype.</returns>
    TTensor CategoricalCrossentropy(TTensor target, TTensor output, bool fromLogits, int axis);

    /// <summary>
    /// The kernel above multiplied by each element's class weight, <c>table[argmax(target, axis)]</c>. The base class
    /// composes it from <see cref="CategoricalCrossentropy"/>, <see cref="ArgMax"/>, <see cref="Gather"/> and
    /// <see cref="Multiply"/>; an engine may fuse it (the arg-max costs nothing while a row is in cache).
    /// </summary>
    TTensor WeightedCategoricalCrossentropy(TTensor target, TTensor output, bool fromLogits, int axis, double[] classWeights);

    /// <summary>
    /// The per-element sparse categorical crossentropy kernel: <c>−log_prob[label]</c> along <paramref name="axis"/>,
    /// with log_prob as in <see cref="CategoricalCrossentropy"/>. <paramref name="labels"/> has
    /// <paramref name="output"/>'s shape without <paramref name="axis"/> and holds integer values in [0, C).
    /// </summary>
    TTensor SparseCategoricalCrossentropy(TTensor labels, TTensor output, bool fromLogits, int axis);

    /// <summary>The mean of <see cref="SparseCategoricalCrossentropy"/> over every element; the base class composes it,
    /// an engine may fuse it.</summary>
    TTensor MeanSparseCategoricalCrossentropy(TTensor labels, TTensor output, bool fromLogits, int axis);

    /// <summary>
    /// The element-wise binary crossentropy kernel (same shape as the inputs): probabilities clipped to
    /// [1e-7, 1 − 1e-7] in the input's dtype then <c>−(y·log p + (1 − y)·log(1 − p))</c>; logits through
    /// <c>max(x, 0) − x·y + log(1 + exp(−|x|))</c>.
    /// </summary>
    TTensor BinaryCrossentropy(TTensor target, TTensor output, bool fromLogits);

    /// <summary>
    /// The mean of <see cref="CategoricalCrossentropy"/> over every element. The base class composes it; an engine
    /// may fuse it where one native call computes both (TorchSharp's <c>cross_entropy</c> with mean reduction).
    /// </summary>
    TTensor MeanCategoricalCrossentropy(TTensor target, TTensor output, bool fromLogits, int axis);

    /// <summary>The index of the largest value along <paramref name="axis"/> (first one on ties), axis removed.</summary>
    TTensor ArgMax(TTensor tensor, int axis);

    /// <summary><c>tensor · scale + shift</c>, element-wise, in a floating dtype.</summary>
    TTensor Affine(TTensor tensor, double scale, double shift);

    /// <summary>The mean along one axis (axis removed).</summary>
    TTensor MeanAlong(TTensor tensor, int axis);

    /// <summary>The sum of all elements, as a one-element tensor (rank 0 where the engine has scalars).</summary>
    TTensor Sum(TTensor tensor);

    /// <summary><c>numerator / denominator</c> for one-element tensors, 0 where the denominator is 0.</summary>
    TTensor DivideNoNan(TTensor numerator, TTensor denominator);

    /// <summary>
    /// Broadcasts weights to <paramref name="shape"/> as Keras does: a one-element tensor to every element, a tensor
    /// whose shape is a prefix of <paramref name="shape"/> along the trailing axes. The result is in
    /// <paramref name="dtypeOf"/>'s dtype.
    /// </summary>
    TTensor ExpandTo(TTensor weights, long[] shape, TTensor dtypeOf);

    /// <summary>Removes an axis of length 1.</summary>
    TTensor Squeeze(TTensor tensor, int axis);

    /// <summary>One-hot encodes integer labels into <paramref name="classes"/> classes inserted at
    /// <paramref name="axis"/>, in <paramref name="dtypeOf"/>'s dtype.</summary>
    TTensor OneHot(TTensor labels, int classes, int axis, TTensor dtypeOf);

    /// <summary>1 where <paramref name="tensor"/> differs from <paramref name="value"/>, else 0, in
    /// <paramref name="dtypeOf"/>'s dtype.</summary>
    TTensor NotEqual(TTensor tensor, double value, TTensor dtypeOf);

    /// <summary>The values copied to the host as float64, row-major (used to report which label is invalid).</summary>
    double[] ReadValues(TTensor tensor);

    /// <summary>
    /// Whether every label is an integer in [0, <paramref name="classes"/>) or equals <paramref name="ignoreClass"/>:
    /// the cheap check run on every call (in the engine, without copying the labels out).
    /// </summary>
    bool LabelsValid(TTensor labels, long classes, int? ignoreClass);

    /// <summary><c>table[indices]</c> as a tensor of <paramref name="dtypeOf"/>'s element type: one gather.</summary>
    TTensor Gather(double[] table, TTensor indices, TTensor dtypeOf);

    /// <summary>Element-wise product of two tensors of the same shape.</summary>
    TTensor Multiply(TTensor a, TTensor b);

    /// <summary>The mean of all elements, as a one-element tensor (rank 0 where the engine has scalars).</summary>
    TTensor Mean(TTensor tensor);

    // Analytic backward kernels (see Losses.*Gradient). Engines with autograd need not implement them.

    /// <summary>
    /// The gradient of <c>Σ upstream · CategoricalCrossentropy(target, output, fromLogits, axis)</c> with respect to
    /// <paramref name="output"/>: <paramref name="upstream"/> has the per-element loss shape (axis removed) and the
    /// result has <paramref name="output"/>'s shape and dtype. The clip's gradient is 0 outside [ε, 1 − ε]
    /// (bounds inclusive, as in PyTorch's <c>clamp</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">The engine has no analytic backward (use its autograd).</exception>
    TTensor CategoricalCrossentropyBackward(TTensor target, TTensor output, bool fromLogits, int axis, TTensor upstream);

    /// <summary>The gradient of <c>Σ upstream · SparseCategoricalCrossentropy(labels, output, fromLogits, axis)</c>
    /// with respect to <paramref name="output"/>, as for <see cref="CategoricalCrossentropyBackward"/>.</summary>
    /// <exception cref="NotSupportedException">The engine has no analytic backward (use its autograd).</exception>
    TTensor SparseCategoricalCrossentropyBackward(TTensor labels, TTensor output, bool fromLogits, int axis, TTensor upstream);

    /// <summary>
    /// The gradient of <c>Σ upstream · mean_axis(BinaryCrossentropy(target, output, fromLogits))</c> with respect to
    /// <paramref name="output"/>: each element receives its row's upstream divided by the length of
    /// <paramref name="axis"/>. <paramref name="upstream"/> has <paramref name="output"/>'s shape without
    /// <paramref name="axis"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The engine has no analytic backward (use its autograd).</exception>
    TTensor BinaryCrossentropyBackward(TTensor target, TTensor output, bool fromLogits, int axis, TTensor upstream);
}

/// <summary>
/// A computation written once against <see cref="ITensorBackend{TTensor}"/> (a loss with its options). Engines
/// run it with their own tensor type; this is how backend-agnostic code reaches engine-typed operations.
/// </summary>
public interface ILossProgram
{
    /// <summary>Computes the program's result on one engine.</summary>
    TTensor Run<TTensor>(ITensorBackend<TTensor> backend, TTensor yPred, TTensor yTrue) where TTensor : class;
}

/// <summary>Base class for engine backends: bridges the untyped <see cref="ITensorBackend.Invoke"/> to typed code.</summary>
public abstract class TensorBackend<TTensor> : ITensorBackend<TTensor> where TTensor : class
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract int ClassAxis { get; }

    /// <inheritdoc/>
    public virtual object Invoke(ILossProgram program, object yPred, object yTrue) =>
        Execute(() => program.Run(this, (TTensor)yPred, Adopt(yTrue, "y_true")));

    /// <summary>
    /// Wraps one public call. Engines with explicit memory management (TorchSharp's dispose scopes) override this
    /// to dispose every temporary and hand only the result to the caller.
    /// </summary>
    protected virtual TTensor Execute(Func<TTensor> body) => body();

    /// <inheritdoc/>
    public abstract TensorInfo Describe(TTensor tensor);

    /// <inheritdoc/>
    public abstract TTensor Adopt(object tensor, string argumentName);

    /// <inheritdoc/>
    public abstract TTensor CategoricalCrossentropy(TTensor target, TTensor output, bool fromLogits, int axis);

    /// <inheritdoc/>
    public virtual TTensor MeanCategoricalCrossentropy(TTensor target, TTensor output, bool fromLogits, int axis) =>
        Mean(CategoricalCrossentropy(target, output, fromLogits, axis));

    /// <inheritdoc/>
    public virtual TTensor MeanSparseCategoricalCrossentropy(TTensor labels, TTensor output, bool fromLogits, int axis) =>
        Mean(SparseCategoricalCrossentropy(labels, output, fromLogits, axis));

    /// <inheritdoc/>
    public virtual TTensor WeightedCategoricalCrossentropy(TTensor target, TTensor output, bool fromLogits, int axis, double[] classWeights)
    {
        TTensor loss = CategoricalCrossentropy(target, output, fromLogits, axis);
        return Multiply(loss, Gather(classWeights, ArgMax(target, axis), loss));
    }

    /// <inheritdoc/>
    public abstract TTensor SparseCategoricalCrossentropy(TTensor labels, TTensor output, bool fromLogits, int axis);

    /// <inheritdoc/>
    public abstract TTensor BinaryCrossentropy(TTensor target, TTensor output, bool fromLogits);

    /// <inheritdoc/>
    public abstract TTensor ArgMax(TTensor tensor, int axis);

    /// <inheritdoc/>
    public abstract TTensor Affine(TTensor tensor, double scale, double shift);

    /// <inheritdoc/>
    public abstract TTensor MeanAlong(TTensor tensor, int axis);

    /// <inheritdoc/>
    public abstract TTensor Sum(TTensor tensor);

    /// <inheritdoc/>
    public abstract TTensor DivideNoNan(TTensor numerator, TTensor denominator);

    /// <inheritdoc/>
    public abstract TTensor ExpandTo(TTensor weights, long[] shape, TTensor dtypeOf);

    /// <inheritdoc/>
    public abstract TTensor Squeeze(TTensor tensor, int axis);

    /// <inheritdoc/>
    public abstract TTensor OneHot(TTensor labels, int classes, int axis, TTensor dtypeOf);

    /// <inheritdoc/>
    public abstract TTensor NotEqual(TTensor tensor, double value, TTensor dtypeOf);

    /// <inheritdoc/>
    public abstract double[] ReadValues(TTensor tensor);

    /// <inheritdoc/>
    public abstract bool LabelsValid(TTensor labels, long classes, int? ignoreClass);

    /// <inheritdoc/>
    public abstract TTensor Gather(double[] table, TTensor indices, TTensor dtypeOf);

    /// <inheritdoc/>
    public abstract TTensor Multiply(TTensor a, TTensor b);

    /// <inheritdoc/>
    public abstract TTensor Mean(TTensor tensor);

    /// <inheritdoc/>
    public virtual TTensor CategoricalCrossentropyBackward(TTensor target, TTensor output, bool fromLogits, int axis, TTensor upstream) =>
        throw NoAnalyticBackward("CategoricalCrossentropy");

    /// <inheritdoc/>
    public virtual TTensor SparseCategoricalCrossentropyBackward(TTensor labels, TTensor output, bool fromLogits, int axis, TTensor upstream) =>
        throw NoAnalyticBackward("SparseCategoricalCrossentropy");

    /// <inheritdoc/>
    public virtual TTensor BinaryCrossentropyBackward(TTensor target, TTensor output, bool fromLogits, int axis, TTensor upstream) =>
        throw NoAnalyticBackward("BinaryCrossentropy");

    /// <summary>The error an engine without analytic backward kernels gives.</summary>
    protected NotSupportedException NoAnalyticBackward(string loss) => new(
        $"The {Name} engine has no analytic gradient for {loss}. Use autograd instead: call the loss on a y_pred that " +
        $"requires grad (e.g. y_pred.requires_grad_()), then loss.backward() (loss.sum().backward() for Reduction.None), " +
        $"and read y_pred.grad.");
}
