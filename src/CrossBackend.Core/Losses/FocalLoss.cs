namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// FastEstimator's <c>focal_loss</c> (RetinaNet's sigmoid focal loss): α_t·(1 − p_t)^γ·bce per element, divided
    /// per sample by its number of positive labels (<paramref name="normalize"/>), reduced over the non-batch axes
    /// (<paramref name="shapeReduction"/>) and then over the batch (<paramref name="sampleReduction"/>), on either
    /// engine. It reduces by its own options: the common <c>reduction</c> is always none.
    /// </summary>
    /// <remarks>
    /// <para><b>Element-wise term (FastEstimator's TensorFlow path, which is Keras's
    /// <see cref="BinaryFocalCrossentropy{TPred,TTrue}"/> with class balancing, not averaged):</b> labels smoothed to
    /// y·(1 − ls) + 0.5·ls; logits through a sigmoid; the crossentropy on p clipped to [1e-7, 1 − 1e-7]; p_t from the
    /// unclipped p; α_t = y·α + (1 − y)·(1 − α) (always applied). <b>Normalize</b> divides each sample by
    /// max(Σ y_true over its non-batch axes, 1), counted on the unsmoothed labels. Every non-batch axis is reduced
    /// alike, so the engine's layout does not matter; an explicit <c>axis</c> is refused (FastEstimator's function has
    /// none), naming the argument.</para>
    /// <para><b>FastEstimator's TensorFlow and PyTorch paths disagree; we follow the TensorFlow one</b> (it is Keras's
    /// numerics, the policy of every loss here, and it honours <paramref name="labelSmoothing"/>):</para>
    /// <list type="bullet">
    /// <item>PyTorch ignores <c>label_smoothing</c>. y = [[1], [0]], p = [[0.9], [0.2]], ls = 0.1, no reductions:
    /// TensorFlow and we give [0.0011600, 0.0112165], PyTorch [0.00026340, 0.0066943] (the unsmoothed values).</item>
    /// <item>PyTorch takes logits through the stable <c>binary_cross_entropy_with_logits</c>; TensorFlow through a
    /// sigmoid and the clip. Logit 20, y = 0: PyTorch 0.75·20 = <b>15.0</b>, TensorFlow and we 0.75·15.942 =
    /// <b>11.957</b> (sigmoid(20) is 1 in float32, clipped to 1 − 1e-7).</item>
    /// <item>PyTorch's <c>binary_cross_entropy</c> clamps each log at −100 instead of clipping p. p = 0, y = 1: PyTorch
    /// 0.25·100 = <b>25.0</b>, TensorFlow and we 0.25·16.118 = <b>4.0295</b>.</item>
    /// </list>
    /// <para>Both paths refuse γ &lt; 0 and α outside [0, 1] (the docstring's α = −1 or None to switch α off, and
    /// γ = None, are refused by its own checks); so do we, naming the argument.</para>
    /// <para><b>Example</b> (FastEstimator's docstring): y_true = [[1], [1], [1], [0], [0], [0]],
    /// y_pred = [[0.97], [0.91], [0.73], [0.27], [0.09], [0.03]], γ = 2, α = 0.25 give <b>0.0039556</b>
    /// (TensorFlow printed 0.00395, PyTorch 0.004).</para>
    /// </remarks>
    /// <param name="yPred">Predictions (probabilities, or logits with <paramref name="fromLogits"/>), shape
    /// (Batch, d0, …), rank ≥ 2.</param>
    /// <param name="yTrue">Labels in {0, 1} (or soft), with y_pred's shape.</param>
    /// <param name="gamma">The focusing exponent, ≥ 0.</param>
    /// <param name="alpha">The class-1 weight, in [0, 1] (class 0 weighs 1 − α).</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="normalize">Divide each sample by its number of positive labels (at least 1).</param>
    /// <param name="shapeReduction">"sum", "mean" or "none" over the non-batch axes.</param>
    /// <param name="sampleReduction">"mean", "sum" or "none" over the batch.</param>
    /// <param name="labelSmoothing">In [0, 1]: y becomes y·(1 − ls) + 0.5·ls.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>: one value, (Batch,), or y_pred's
    /// shape (in the engine's layout) depending on the two reductions.</returns>
    /// <exception cref="ArgumentOutOfRangeException">gamma &lt; 0 or not finite, alpha or labelSmoothing outside [0, 1],
    /// a reduction other than 'sum', 'mean' or 'none'.</exception>
    /// <exception cref="ArgumentException">Shapes differ, rank &lt; 2, y_pred is not floating point, sample weights
    /// are given, or the tensors belong to different engines or devices.</exception>
    public static TPred FocalLoss<TPred, TTrue>(TPred yPred, TTrue yTrue, double gamma = 2.0, double alpha = 0.25,
        bool fromLogits = false, bool normalize = true, string shapeReduction = "sum", string sampleReduction = "mean",
        double labelSmoothing = 0)
        where TPred : class
        where TTrue : class =>
        (TPred)FocalLossLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [FocalOptions.Gamma.Name] = gamma,
            [FocalOptions.Alpha.Name] = alpha,
            [LossOption.FromLogits.Name] = fromLogits,
            [FocalLossLoss.Normalize.Name] = normalize,
            [FocalLossLoss.ShapeReduction.Name] = shapeReduction,
            [FocalLossLoss.SampleReduction.Name] = sampleReduction,
            [LossOption.LabelSmoothing.Name] = labelSmoothing,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.FocalLoss{TPred,TTrue}"/> (FastEstimator's
/// <c>focal_loss</c>).</summary>
internal sealed class FocalLossLoss : ILossFunction
{
    public static readonly LossOption Normalize = LossOption.Flag("normalize", "normalize", true,
        "divide each sample by its number of positive labels (at least 1)");

    public static readonly LossOption ShapeReduction = LossOption.OneOf("shape_reduction", "shapeReduction", "sum",
        "how the non-batch axes are reduced", "sum", "mean", "none");

    public static readonly LossOption SampleReduction = LossOption.OneOf("sample_reduction", "sampleReduction", "mean",
        "how the batch axis is reduced", "mean", "sum", "none");

    public static readonly LossDefinition Definition = new("focal_loss",
        "FastEstimator: α_t·(1 − p_t)^γ·bce, normalised by positives, reduced over the shape then the batch",
        LossLabels.SameShape,
        [FocalOptions.Gamma, FocalOptions.Alpha, LossOption.FromLogits, Normalize, ShapeReduction, SampleReduction, LossOption.LabelSmoothing],
        new FocalLossLoss(), minRank: 2, ownReduction: true, examples: Examples())
    {
        NoAxis = "FastEstimator's focal_loss has no axis; it reduces every non-batch axis alike (shape_reduction), so the layout does not matter",
        // sample_reduction 'mean'/'sum' reduces whatever shape_reduction left to one value.
        ScalarWhen = value => (string)value(SampleReduction)! != "none",
    };

    private static LossExample[] Examples()
    {
        double[] docTrue = [1, 1, 1, 0, 0, 0], docPred = [0.97, 0.91, 0.73, 0.27, 0.09, 0.03];
        Dictionary<string, object?> None(Dictionary<string, object?> args) =>
            new(args) { ["sample_reduction"] = "none" };
        return
        [
            // FastEstimator's docstring: TensorFlow printed 0.00395 (truncated), PyTorch 0.004; real PyTorch 1.13 through
            // FastEstimator's torch path gives 0.0039556227.
            new("FastEstimator docstring (TF 0.00395, torch 0.004)", docPred, [6, 1], docTrue, null, LossExample.Defaults, [0.00395], Rounding: 0.00001),
            new("FastEstimator docstring, torch", docPred, [6, 1], docTrue, null, LossExample.Defaults, [0.004], Rounding: 0.0005),
            // Where FastEstimator's torch path is the same computation (no smoothing, probabilities away from 0 and 1),
            // real PyTorch 1.13 numbers through it.
            new("PyTorch 1.13 through FastEstimator's torch path", [0.9, 0.2], [2, 1], [1, 0], null,
                None([]), [0.00026340148178860545, 0.0066943056881427765]),
            // The disagreements documented in the XML doc: we follow FastEstimator's TensorFlow path (Keras numerics).
            new("FastEstimator TF path: label smoothing applied (torch ignores it: [0.00026340, 0.0066943])", [0.9, 0.2], [2, 1], [1, 0], null,
                None(new() { ["label_smoothing"] = 0.1 }), [0.0011600452029877921, 0.011216505776020754]),
            new("FastEstimator TF path: sigmoid then clip (torch's stable form gives 15.0)", [20.0], [1, 1], [0], null,
                None(new() { ["from_logits"] = true }), [11.956788864659057]),
            new("FastEstimator TF path: clip at 1e-7 (torch clamps the log at -100: 25.0)", [0.0], [1, 1], [1], null,
                None([]), [4.029523909818056]),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (c.Tensor(LossOption.SampleWeights) is not null)
            throw new ArgumentException(
                $"Loss `{c.Definition.Name}` reduces by its own options (shape_reduction, sample_reduction) and takes no sample " +
                "weights; weigh the per-element result (shape_reduction='none', sample_reduction='none') yourself. " +
                "Received: sampleWeights=a tensor", "sampleWeights");
        ITensorOps<T> o = c.Ops;
        // The fused kernel: rank 2 (the one inner axis is the class axis), shape_reduction 'sum', the batch mean or
        // per sample.
        string sampleReduction = c.Choice(SampleReduction);
        if (c.Pred.Rank == 2 && c.Choice(ShapeReduction) == "sum" && sampleReduction is "mean" or "none"
            && PointwiseFused.Kernel(c, PointwiseLossKind.FocalLoss,
                BinaryFocalCrossentropyLoss.Parameters(c, c.Number(FocalOptions.Alpha)) with { Normalize = c.Bool(Normalize) },
                meanOverAll: sampleReduction == "mean") is { } fused)
            return new(fused, Reduced: true);
        T loss = BinaryFocalCrossentropyLoss.Elementwise(c, c.Number(FocalOptions.Alpha));
        int[] inner = Enumerable.Range(1, c.Pred.Rank - 1).ToArray();
        if (c.Bool(Normalize))
            loss = o.Div(loss, o.Maximum(o.Sum(c.Target, inner, keepDims: true), 1));
        loss = c.Choice(ShapeReduction) switch
        {
            "sum" => o.Sum(loss, inner),
            "mean" => o.Mean(loss, inner),
            _ => loss,
        };
        loss = c.Choice(SampleReduction) switch
        {
            "sum" => o.Sum(loss),
            "mean" => o.Mean(loss),
            _ => loss,
        };
        return new(loss, Reduced: true);
    }
}
