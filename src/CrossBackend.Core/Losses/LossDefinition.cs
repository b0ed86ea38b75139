namespace CrossBackend;

/// <summary>What a loss's <c>y_true</c> holds.</summary>
public enum LossLabels
{
    /// <summary>Targets with y_pred's shape (one-hot or soft labels, regression targets).</summary>
    SameShape,
    /// <summary>One class index per element: y_pred's shape without the class axis (optionally with a length-1 axis).</summary>
    ClassIndices,
    /// <summary>No labels (a regulariser over y_pred itself); y_true is ignored and may be null.</summary>
    None,
    /// <summary>Integer labels of the loss's own shape, unrelated to y_pred's class axis and taken as given (no axis
    /// moved): <c>circle</c>'s (Batch,) labels, <c>ctc</c>'s (Batch, MaxLabelLength) padded label sequences.</summary>
    IntegerLabels,
}

/// <summary>
/// A loss declared once: its Keras (or FastEstimator) name, its options and its computation. The registry
/// (<see cref="LossRegistry"/>) lists every definition; the CLI, the parity report and the tests enumerate it.
/// </summary>
public sealed class LossDefinition
{
    internal LossDefinition(string name, string summary, LossLabels labels, IReadOnlyList<LossOption> options,
        ILossFunction function, int minRank = 1, bool ownReduction = false, IReadOnlyList<LossExample>? examples = null)
    {
        Examples = examples ?? [];
        Name = name;
        Summary = summary;
        Labels = labels;
        Function = function;
        MinRank = minRank;
        OwnReduction = ownReduction;
        _ownOptions = options;
    }

    private readonly IReadOnlyList<LossOption> _ownOptions;
    private IReadOnlyList<LossOption>? _options;

    /// <summary>The name as Keras (or FastEstimator) spells it, e.g. <c>categorical_crossentropy</c>.</summary>
    public string Name { get; }

    /// <summary>One line: what it computes.</summary>
    public string Summary { get; }

    /// <summary>What y_true holds.</summary>
    public LossLabels Labels { get; }

    /// <summary>Every keyword argument, the loss's own first, then axis (unless <see cref="NoAxis"/>), reduction and
    /// sample_weights. A FastEstimator function that reduces by its own options takes only reduction=none.</summary>
    public IReadOnlyList<LossOption> Options => _options ??=
        [.. _ownOptions, .. NoAxis is null ? new[] { LossOption.Axis } : [], LossOption.Reduction, LossOption.SampleWeights];

    /// <summary>
    /// Why the loss takes no <c>axis</c> (its Keras or FastEstimator function has none: <c>circle</c>, <c>focal_loss</c>,
    /// <c>l2_regularization</c>), or null when it takes one. Then <c>axis</c> is not among its <see cref="Options"/> (nor
    /// its CLI options), and an explicit one is refused with this reason rather than silently ignored.
    /// </summary>
    public string? NoAxis { get; init; }

    /// <summary>The smallest rank y_pred may have.</summary>
    public int MinRank { get; }

    /// <summary>Whether the loss reduces by its own options (FastEstimator's dice_score, focal_loss): then
    /// <c>reduction</c> defaults to, and accepts only, <see cref="Reduction.None"/>.</summary>
    public bool OwnReduction { get; }

    /// <summary>The published examples this loss reproduces (run by the parity report and the tests).</summary>
    public IReadOnlyList<LossExample> Examples { get; }

    /// <summary>
    /// Whether a NaN in one element's y_pred row makes that element's loss NaN and leaves the others alone (the
    /// non-finite policy). False where Keras's definition couples elements (circle's pairs, dice_score's thresholds
    /// and averages).
    /// </summary>
    public bool NaNStaysInItsElement { get; init; } = true;

    /// <summary>Whether integer and bool y_pred are scored in float32 rather than refused (dice_score: FastEstimator's
    /// examples pass int masks).</summary>
    internal bool ScoresIntegerPredictions { get; init; }

    internal ILossFunction Function { get; }

    /// <summary>For a loss that reduces by its own options: whether those options (read by the function given)
    /// leave one value, which FastEstimator returns as a scalar. Null: never.</summary>
    internal Func<Func<LossOption, object?>, bool>? ScalarWhen { get; init; }

    /// <summary>
    /// Whether a call with <paramref name="arguments"/> returns one value that FastEstimator, Keras and NumPy give as a
    /// scalar (shape <c>()</c>): any reduction but none, or a loss's own options that reduce every axis. Engines
    /// without rank-0 tensors hold it as shape (1,); reports print it as <c>[]</c> on every engine.
    /// </summary>
    internal bool ReturnsScalar(LossArguments? arguments)
    {
        Dictionary<LossOption, object?> values = (arguments ?? []).Resolve(this);
        return OwnReduction ? ScalarWhen?.Invoke(o => values[o]) ?? false : (Reduction)values[LossOption.Reduction]! != Reduction.None;
    }

    /// <summary>Whether the sums run over every axis of y_pred when no <c>axis</c> is given (Keras's <c>dice</c> and
    /// <c>tversky</c>, <c>axis=None</c>), so that the per-element loss is one value.</summary>
    internal bool EveryAxisByDefault { get; init; }

    /// <summary>
    /// Whether Keras gives the unreduced loss (<see cref="Reduction.None"/>) for a y_pred of <paramref name="predShape"/>
    /// as a scalar, shape <c>()</c>: the per-element loss reduces every axis of y_pred (<c>dice</c>/<c>tversky</c>
    /// without an axis, a rank-1 y_pred that is one sample), and the sample weights, if any, leave it one value
    /// (shape () or (1,): <see cref="LossProgram.KerasOneValueTimes"/>, the rule the result's shape follows). Engines without rank-0
    /// tensors hold it as (1,); reports print <c>[]</c> on every engine. A loss with its own reduction answers through
    /// <see cref="ReturnsScalar"/>; <c>circle</c>, <c>ctc</c> and the other losses without class-axis labels always
    /// keep their (Batch,) axis.
    /// </summary>
    /// <param name="arguments">The call's arguments (its <c>axis</c> is read).</param>
    /// <param name="predShape">y_pred's shape as given.</param>
    /// <param name="trueShape">y_true's shape, or null: rank-1 y_pred beside (B, 1) labels is a column, one loss per row.</param>
    /// <param name="weightsShape">The sample weights' shape, or null without sample weights.</param>
    internal bool UnreducedIsScalar(LossArguments? arguments, long[] predShape, long[]? trueShape, long[]? weightsShape = null) =>
        (weightsShape is null || LossProgram.KerasOneValueTimes(weightsShape).Length == 0) &&
        UnreducedIsScalar((arguments ?? []).Resolve(this), predShape, trueShape);

    /// <summary>Whether the per-element loss itself is one value (<see cref="UnreducedIsScalar(LossArguments?, long[], long[], long[])"/>
    /// before sample weights), with the call's resolved option values.</summary>
    internal bool UnreducedIsScalar(IReadOnlyDictionary<LossOption, object?> values, long[] predShape, long[]? trueShape)
    {
        if (OwnReduction || Labels is not (LossLabels.SameShape or LossLabels.ClassIndices)) return false;
        int rank = predShape.Length;
        // Keras's squeeze_or_expand_to_same_rank, as LossProgram applies it: (B,) beside (B, 1) labels is (B, 1).
        if (Labels == LossLabels.SameShape && rank == 1 && trueShape is [var rows, 1] && rows == predShape[0]) rank = 2;
        int reduced = values.GetValueOrDefault(LossOption.Axis) is int[] axes ? axes.Length : EveryAxisByDefault ? rank : 1;
        return rank - reduced <= 0;
    }

    /// <summary>The option with this Keras or C# name, or null.</summary>
    public LossOption? Option(string name) => Options.FirstOrDefault(o => o.Name == name || o.ParameterName == name);

    /// <summary>
    /// Computes the loss on the engine that owns <paramref name="yPred"/>; the result is a tensor of that engine in
    /// y_pred's dtype.
    /// </summary>
    /// <exception cref="ArgumentException">An argument is invalid; the message names it and shows what was received.</exception>
    public object Compute(object yPred, object? yTrue, LossArguments? arguments = null) =>
        Run(yPred, yTrue, arguments, gradient: false);

    /// <summary>As <see cref="Compute"/>, on the composed general-op path only (no fused kernel): the definition the
    /// fused kernels are tested against.</summary>
    internal object ComputeComposed(object yPred, object? yTrue, LossArguments? arguments = null) =>
        Run(yPred, yTrue, arguments, gradient: false, composedOnly: true);

    /// <summary>
    /// The gradient of <see cref="Compute"/> (same arguments) with respect to <paramref name="yPred"/>: dL/dy_pred with
    /// y_pred's shape and dtype, on either engine — through autograd on engines that have it (TorchSharp), through a
    /// tape over the general ops elsewhere. For <see cref="Reduction.None"/> it is the gradient of the sum of the
    /// per-element losses (what <c>loss.sum().backward()</c> gives).
    /// </summary>
    /// <exception cref="ArgumentException">An argument is invalid, as for <see cref="Compute"/>.</exception>
    public object Gradient(object yPred, object? yTrue, LossArguments? arguments = null) =>
        Run(yPred, yTrue, arguments, gradient: true);

    /// <summary>As <see cref="Gradient"/>, differentiating the composed general-op path only (no fused kernel).</summary>
    internal object GradientComposed(object yPred, object? yTrue, LossArguments? arguments = null) =>
        Run(yPred, yTrue, arguments, gradient: true, composedOnly: true);

    private object Run(object yPred, object? yTrue, LossArguments? arguments, bool gradient, bool composedOnly = false)
    {
        ArgumentNullException.ThrowIfNull(yPred, "y_pred");
        if (Labels != LossLabels.None) ArgumentNullException.ThrowIfNull(yTrue, "y_true");
        Dictionary<LossOption, object?> values = (arguments ?? []).Resolve(this);
        if (OwnReduction)
        {
            bool given = arguments?.Any(a => Option(a.Key) == LossOption.Reduction) == true;
            if (given && values[LossOption.Reduction] is Reduction r && r != Reduction.None)
                throw new ArgumentException(
                    $"Loss `{Name}` reduces by its own options; argument `reduction` must be none. Received: reduction={r.KerasName()}", "reduction");
            values[LossOption.Reduction] = Reduction.None;
        }
        var program = new LossProgram(this, values);
        ITensorProgram run = gradient ? new GradientProgram(program) { ComposedOnly = composedOnly, SourceNames = [program.InputNames[0]] } : composedOnly ? new ComposedProgram(program) : program;
        object?[] inputs = program.Inputs(yPred, Labels == LossLabels.None ? null : yTrue);
        return ScoresIntegerPredictions && !gradient
            ? TensorProgram.RunWithFloatingFirst(run, inputs, program.InputNames, DType.Float32)
            : TensorProgram.Run(run, inputs, program.InputNames)[0];
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
