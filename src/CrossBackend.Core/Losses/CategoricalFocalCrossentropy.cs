namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Categorical focal crossentropy, Keras's <c>categorical_focal_crossentropy</c> (Lin et al., 2018):
    /// Σ α·(1 − p)^γ·(−y·log p) over the class axis, then the reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Semantics (Keras 3):</b> labels are smoothed first (y·(1 − ls) + ls/C); logits go through a softmax;
    /// then, as for <see cref="CategoricalCrossentropy{TPred,TTrue}"/>, each row is divided by its sum over the class
    /// axis and clipped to [1e-7, 1 − 1e-7] in the input's dtype. The modulating factor (1 − p)^γ uses that
    /// normalised, clipped p, element by element (every class with y &gt; 0 contributes, not only the arg-max).</para>
    /// <para><b>Where others differ:</b> Keras also accepts a list of per-class α; we take one α in [0, 1] (a list is
    /// not supported yet). PyTorch has no categorical focal loss; the common recipe that modulates the whole row's
    /// crossentropy once, α·(1 − exp(−ce))^γ·ce, agrees with Keras only for one-hot labels (Keras modulates each
    /// class's term by its own (1 − p)^γ, which differs once labels are soft or smoothed). FastEstimator has no categorical focal loss of its own.</para>
    /// <para><b>Example</b> (Keras's docs): y_true = [[0, 1, 0], [0, 0, 1]], y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    /// give <b>0.23315276</b> (per element [3.2058331e-05, 0.46627346]; sum 0.46631; with sample weights [0.3, 0.7],
    /// 0.1632).</para>
    /// </remarks>
    /// <param name="yPred">Predictions (probabilities, or logits with <paramref name="fromLogits"/>), rank ≥ 2.</param>
    /// <param name="yTrue">One-hot or soft labels with y_pred's shape.</param>
    /// <param name="alpha">The weight α, in [0, 1].</param>
    /// <param name="gamma">The focusing exponent, ≥ 0 (0 gives α times the categorical crossentropy).</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="labelSmoothing">In [0, 1]: y becomes y·(1 − ls) + ls/C.</param>
    /// <param name="axis">The class axis; default the engine's (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine: a scalar, (Batch,), or a prefix of the loss shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">gamma &lt; 0 or not finite, alpha or labelSmoothing outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Shapes differ, rank &lt; 2, the class axis is empty, y_pred is not floating
    /// point, or the tensors belong to different engines or devices.</exception>
    public static TPred CategoricalFocalCrossentropy<TPred, TTrue>(TPred yPred, TTrue yTrue, double alpha = 0.25,
        double gamma = 2.0, bool fromLogits = false, double labelSmoothing = 0, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)CategoricalFocalCrossentropyLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [FocalOptions.Alpha.Name] = alpha,
            [FocalOptions.Gamma.Name] = gamma,
            [LossOption.FromLogits.Name] = fromLogits,
            [LossOption.LabelSmoothing.Name] = labelSmoothing,
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.CategoricalFocalCrossentropy{TPred,TTrue}"/>.</summary>
internal sealed class CategoricalFocalCrossentropyLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("categorical_focal_crossentropy",
        "Σ α·(1 − p)^γ·(−y·log p) over the class axis; p renormalised and clipped (a softmax of logits first)",
        LossLabels.SameShape, [FocalOptions.Alpha, FocalOptions.Gamma, LossOption.FromLogits, LossOption.LabelSmoothing],
        new CategoricalFocalCrossentropyLoss(), minRank: 2, examples: Examples());

    private static LossExample[] Examples()
    {
        double[] dTrue = [0, 1, 0, 0, 0, 1], dPred = [0.05, 0.95, 0, 0.1, 0.8, 0.1];
        LossExample Docs(Dictionary<string, object?> args, double rounding, params double[] expected) =>
            new("Keras docs", dPred, [2, 3], dTrue, null, args, expected, Rounding: rounding);
        double[] tTrue = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        double[] tPred = [0.9, 0.05, 0.05, 0.5, 0.89, 0.6, 0.05, 0.01, 0.94];
        double[] tLogits = [8, 1, 1, 0, 9, 1, 2, 3, 5];
        LossExample Test(double[] pred, Dictionary<string, object?> args, double rounding, params double[] expected) =>
            new("Keras tests", pred, [3, 3], tTrue, null, args, expected, Rounding: rounding);
        Dictionary<string, object?> Logits(Dictionary<string, object?> args) => new(args) { ["from_logits"] = true };
        double[] sampleWeights = [1.2, 3.4, 5.6];
        return
        [
            Docs([], 0.00000005, 0.23315276),
            Docs(new() { ["sample_weights"] = new[] { 0.3, 0.7 } }, 0.00005, 0.1632),
            Docs(new() { ["reduction"] = Reduction.Sum }, 0.000005, 0.46631),
            Docs(new() { ["reduction"] = Reduction.None }, 0.00000005, 3.2058331e-05, 4.6627346e-01),
            new("Keras docs (function)", [0.05, 0.9, 0.05, 0.1, 0.85, 0.05], [2, 3], dTrue, null,
                new Dictionary<string, object?> { ["reduction"] = Reduction.None }, [2.63401289e-04, 6.75912094e-01]),
            Test(tPred, [], 0.0005, 0.02059),
            Test(tLogits, Logits([]), 0.0005, 0.000345),
            Test(tPred, new() { ["sample_weights"] = new[] { 2.3 } }, 0.0005, 0.047368),
            Test(tLogits, Logits(new() { ["sample_weights"] = new[] { 2.3 } }), 0.00005, 0.000794),
            Test(tPred, new() { ["sample_weights"] = sampleWeights }, 0.0005, 0.06987),
            Test(tLogits, Logits(new() { ["sample_weights"] = sampleWeights }), 0.0005, 0.001933),
            Test(tLogits, Logits(new() { ["reduction"] = Reduction.None }), 0, 1.5096224e-09, 2.4136547e-11, 1.0360638e-03),
            new("Keras tests", [4.9, -0.5, 2.05], [1, 3], [1, 0, 0], null,
                new Dictionary<string, object?> { ["from_logits"] = true, ["label_smoothing"] = 0.1 }, [0.06685], Rounding: 0.0005),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        c.RequireClasses();
        ITensorOps<T> o = c.Ops;
        int axis = c.Axis;
        double smoothing = c.Number(LossOption.LabelSmoothing);
        double alpha = c.Number(FocalOptions.Alpha), gamma = c.Number(FocalOptions.Gamma);
        T y = smoothing > 0 ? o.Add(o.Mul(c.Target, 1 - smoothing), smoothing / c.Classes) : c.Target;
        T probabilities = c.Bool(LossOption.FromLogits) ? o.Softmax(c.YPred, axis) : c.YPred;
        T p = c.ClipProbabilities(o.Div(probabilities, o.Sum(probabilities, axis, keepDims: true)));
        T crossentropy = o.Neg(o.Mul(y, o.Log(p)));
        T weight = gamma == 0 ? c.Constant(alpha) : o.Mul(o.Pow(o.RSub(1, p), gamma), alpha);
        return new(o.Sum(o.Mul(weight, crossentropy), axis));
    }
}
