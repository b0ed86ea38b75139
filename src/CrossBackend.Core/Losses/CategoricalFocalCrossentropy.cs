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
    /// <para><b>Per-class α (Keras 3):</b> α may also be a list with one weight per class along the class axis (e.g.
    /// inverse class frequencies, which may exceed 1): each class's term is weighted by its own α. Use the overload
    /// taking <c>IReadOnlyList&lt;double&gt;</c>, <c>["alpha"] = new[] { … }</c> by name, or <c>--alpha 0.1,0.3,0.7</c>.
    /// Keras's <c>binary_focal_crossentropy</c> takes one float only, and so do we there.</para>
    /// <para><b>Where others differ:</b> PyTorch has no categorical focal loss; the common recipe that modulates the whole row's
    /// crossentropy once, α·(1 − exp(−ce))^γ·ce, agrees with Keras only for one-hot labels (Keras modulates each
    /// class's term by its own (1 − p)^γ, which differs once labels are soft or smoothed). FastEstimator has no categorical focal loss of its own.</para>
    /// <para><b>Example</b> (Keras's docs): y_true = [[0, 1, 0], [0, 0, 1]], y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    /// give <b>0.23315276</b> (per element [3.2058331e-05, 0.46627346]; sum 0.46631; with sample weights [0.3, 0.7],
    /// 0.1632).</para>
    /// </remarks>
    /// <param name="yPred">Predictions (probabilities, or logits with <paramref name="fromLogits"/>), rank ≥ 1 (rank 1: one sample of C classes).</param>
    /// <param name="yTrue">One-hot or soft labels with y_pred's shape.</param>
    /// <param name="alpha">The weight α, in [0, 1].</param>
    /// <param name="gamma">The focusing exponent, ≥ 0 (0 gives α times the categorical crossentropy).</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="labelSmoothing">In [0, 1]: y becomes y·(1 − ls) + ls/C.</param>
    /// <param name="axis">The class axis; default the engine's (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), or a prefix of the loss shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">gamma &lt; 0 or not finite, alpha or labelSmoothing outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Shapes differ, rank &lt; 2, the class axis is empty, y_pred is not floating
    /// point, or the tensors belong to different engines or devices.</exception>
    public static TPred CategoricalFocalCrossentropy<TPred, TTrue>(TPred yPred, TTrue yTrue, double alpha = 0.25,
        double gamma = 2.0, bool fromLogits = false, double labelSmoothing = 0, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        CategoricalFocal(yPred, yTrue, alpha, gamma, fromLogits, labelSmoothing, axis, reduction, sampleWeights);

    /// <summary>
    /// As <see cref="CategoricalFocalCrossentropy{TPred,TTrue}(TPred, TTrue, double, double, bool, double, int?, Reduction, object?)"/>
    /// with Keras 3's per-class α: one weight per class along the class axis (finite, ≥ 0).
    /// </summary>
    /// <remarks><b>Example</b>: y_true = [[0, 1, 0]], y_pred = [[0.2, 0.5, 0.3]], α = [0.1, 0.3, 0.7], γ = 2 give
    /// 0.3·(1 − 0.5)²·(−log 0.5) = <b>0.0519860</b> (α of class 1, the labelled one).</remarks>
    /// <exception cref="ArgumentException"><paramref name="alpha"/> does not have one weight per class.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite; gamma or labelSmoothing as above.</exception>
    public static TPred CategoricalFocalCrossentropy<TPred, TTrue>(TPred yPred, TTrue yTrue, IReadOnlyList<double> alpha,
        double gamma = 2.0, bool fromLogits = false, double labelSmoothing = 0, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        CategoricalFocal(yPred, yTrue, alpha?.ToArray(), gamma, fromLogits, labelSmoothing, axis, reduction, sampleWeights);

    /// <summary>Both overloads: α is a number or a double[] (validated by the option).</summary>
    private static TPred CategoricalFocal<TPred, TTrue>(TPred yPred, TTrue yTrue, object? alpha, double gamma, bool fromLogits,
        double labelSmoothing, int? axis, Reduction reduction, object? sampleWeights)
        where TPred : class
        where TTrue : class =>
        (TPred)CategoricalFocalCrossentropyLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [CategoricalFocalCrossentropyLoss.Alpha.Name] = alpha,
            [FocalOptions.Gamma.Name] = gamma,
            [LossOption.FromLogits.Name] = fromLogits,
            [LossOption.LabelSmoothing.Name] = labelSmoothing,
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <c>Losses.CategoricalFocalCrossentropy</c>.</summary>
internal sealed class CategoricalFocalCrossentropyLoss : ILossFunction
{
    /// <summary>Keras 3's α: one number in [0, 1] (as for the binary loss), or one weight per class (finite, ≥ 0:
    /// Keras suggests inverse class frequencies, which may exceed 1).</summary>
    public static readonly LossOption Alpha = new("alpha", "alpha", LossOptionKind.NumberOrNumbers, 0.25,
        "the weight of every class, or a list with one weight per class",
        "in [0, 1], or a non-empty list of finite numbers >= 0 (one per class)",
        v => v is double d && d >= 0 && d <= 1 || v is double[] list && list.Length > 0 && list.All(x => double.IsFinite(x) && x >= 0));

    public static readonly LossDefinition Definition = new("categorical_focal_crossentropy",
        "Σ α·(1 − p)^γ·(−y·log p) over the class axis; p renormalised and clipped (a softmax of logits first)",
        LossLabels.SameShape, [Alpha, FocalOptions.Gamma, LossOption.FromLogits, LossOption.LabelSmoothing],
        new CategoricalFocalCrossentropyLoss(), examples: Examples());

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
            // Rank 1: one sample of C classes (the docs' first sample alone).
            new("Keras docs (rank 1: the first sample)", [0.05, 0.95, 0], [3], [0, 1, 0], null, LossExample.Defaults, [3.2058331e-05], Rounding: 0.00000005),
            new("Keras docs (function)", [0.05, 0.9, 0.05, 0.1, 0.85, 0.05], [2, 3], dTrue, null,
                new Dictionary<string, object?> { ["reduction"] = Reduction.None }, [2.63401289e-04, 6.75912094e-01]),
            KerasTestExamples.AllCorrectCrossentropy(tTrue, tTrue, null, new() { ["alpha"] = 0.25, ["gamma"] = 2.0 }),
            KerasTestExamples.AllCorrectCrossentropy(KerasTestExamples.EyeLogits(10), tTrue, null, Logits([])),
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
        double gamma = c.Number(FocalOptions.Gamma);
        // The fused kernel takes one α for every class (a per-class list is composed).
        if (c.Value(Alpha) is double one && PointwiseFused.Try(c, PointwiseLossKind.CategoricalFocalCrossentropy,
                new PointwiseLossParameters(gamma, one, smoothing, c.Bool(LossOption.FromLogits))) is { } fused)
            return fused;
        T alpha = AlphaTensor(c, axis);
        T y = smoothing > 0 ? o.Add(o.Mul(c.Target, 1 - smoothing), smoothing / c.Classes) : c.Target;
        T probabilities = c.Bool(LossOption.FromLogits) ? o.Softmax(c.YPred, axis) : c.YPred;
        T p = c.ClipProbabilities(o.Div(probabilities, o.Sum(probabilities, axis, keepDims: true)));
        T crossentropy = o.Neg(o.Mul(y, o.Log(p)));
        T weight = gamma == 0 ? alpha : o.Mul(o.Pow(o.RSub(1, p), gamma), alpha);
        return new(o.Sum(o.Mul(weight, crossentropy), axis));
    }

    /// <summary>α as a tensor: a scalar, or the per-class list shaped to broadcast along the class axis.</summary>
    private static T AlphaTensor<T>(LossContext<T> c, int axis) where T : class
    {
        if (c.Value(Alpha) is not double[] list) return c.Constant(c.Number(Alpha));
        if (list.Length != c.Classes)
            throw new ArgumentException(
                $"Argument `alpha` must have one weight per class ({c.Classes} along axis {axis}). Received: alpha={LossOption.Format(list)} ({list.Length} weights)",
                "alpha");
        long[] shape = Enumerable.Repeat(1L, c.Pred.Rank).ToArray();
        shape[axis] = list.Length;
        return c.Ops.FromValues(list, shape, c.DType);
    }
}
