namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Binary focal crossentropy, Keras's <c>binary_focal_crossentropy</c> (Lin et al., 2018): the binary
    /// crossentropy of each element times (1 − p_t)^γ, optionally times the class-balancing weight α_t, averaged over
    /// the axis, then the reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Semantics (Keras 3):</b> labels are smoothed first (y·(1 − ls) + 0.5·ls); logits go through a sigmoid
    /// and are then treated as probabilities (Keras does <i>not</i> use the stable logits form here); the crossentropy
    /// clips p to [1e-7, 1 − 1e-7] in the input's dtype and takes plain logs; p_t = y·p + (1 − y)·(1 − p) uses the
    /// unclipped p; α_t = y·α + (1 − y)·(1 − α) is applied only with <paramref name="applyClassBalancing"/>.</para>
    /// <para><b>Where others differ:</b> torchvision's <c>sigmoid_focal_loss</c> (and FastEstimator's torch
    /// <c>focal_loss</c>) applies α whenever it is ≥ 0 (torchvision's default is 0.25 and a negative α switches it off;
    /// FastEstimator refuses a negative one) and computes the logits crossentropy in the stable form, so for a logit of
    /// 20 with label 0 (γ = 2, α = 0.25, balanced) it gives 0.75·20.0 = 15.0 where Keras and we give 0.75·15.942 = 11.957
    /// (sigmoid(20) rounds to 1 in float32 and is clipped to 1 − 1e-7); it also has no label smoothing and no mean over
    /// the axis. See <see cref="FocalLoss{TPred,TTrue}"/> for FastEstimator's.</para>
    /// <para><b>Example</b> (Keras's docs): y_true = [[0, 1], [0, 0]], logits [[−18.6, 0.51], [2.94, −12.8]]:
    /// γ = 3 gives <b>0.647</b>, balanced 0.482; γ = 5, no reduction, [0.0017, 1.1561]. Probabilities
    /// y_pred = [[0.6, 0.4], [0.4, 0.6]] with γ = 2 give [0.330, 0.206].</para>
    /// </remarks>
    /// <param name="yPred">Predictions (probabilities, or logits with <paramref name="fromLogits"/>), rank ≥ 1.</param>
    /// <param name="yTrue">Targets in [0, 1] with y_pred's shape.</param>
    /// <param name="applyClassBalancing">Whether to weigh class 1 by α and class 0 by 1 − α.</param>
    /// <param name="alpha">The class-1 weight, in [0, 1] (used with <paramref name="applyClassBalancing"/>).</param>
    /// <param name="gamma">The focusing exponent, ≥ 0 (0 gives the binary crossentropy).</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="labelSmoothing">In [0, 1]: y becomes y·(1 − ls) + 0.5·ls.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), or a prefix of the loss shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">gamma &lt; 0 or not finite, alpha or labelSmoothing outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Shapes differ, y_pred is not floating point, or the tensors belong to
    /// different engines or devices.</exception>
    public static TPred BinaryFocalCrossentropy<TPred, TTrue>(TPred yPred, TTrue yTrue, bool applyClassBalancing = false,
        double alpha = 0.25, double gamma = 2.0, bool fromLogits = false, double labelSmoothing = 0, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)BinaryFocalCrossentropyLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [BinaryFocalCrossentropyLoss.ApplyClassBalancing.Name] = applyClassBalancing,
            [FocalOptions.Alpha.Name] = alpha,
            [FocalOptions.Gamma.Name] = gamma,
            [LossOption.FromLogits.Name] = fromLogits,
            [LossOption.LabelSmoothing.Name] = labelSmoothing,
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The focal losses' shared options (Keras's and FastEstimator's defaults agree: α = 0.25, γ = 2).</summary>
internal static class FocalOptions
{
    public static readonly LossOption Alpha = LossOption.UnitInterval("alpha", "alpha", 0.25,
        "the class-balancing weight α (class 1; class 0 weighs 1 − α)");

    public static readonly LossOption Gamma = LossOption.NonNegative("gamma", "gamma", 2.0,
        "the focusing exponent γ of the modulating factor (1 − p_t)^γ");
}

/// <summary>The engine-independent definition of <see cref="Losses.BinaryFocalCrossentropy{TPred,TTrue}"/>.</summary>
internal sealed class BinaryFocalCrossentropyLoss : ILossFunction
{
    public static readonly LossOption ApplyClassBalancing = LossOption.Flag("apply_class_balancing", "applyClassBalancing", false,
        "weigh class 1 by alpha and class 0 by 1 − alpha");

    public static readonly LossDefinition Definition = new("binary_focal_crossentropy",
        "(1 − p_t)^γ · bce (· α_t when balanced), averaged over the axis; logits through a sigmoid, p clipped",
        LossLabels.SameShape,
        [ApplyClassBalancing, FocalOptions.Alpha, FocalOptions.Gamma, LossOption.FromLogits, LossOption.LabelSmoothing],
        new BinaryFocalCrossentropyLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        // Keras's docstring (keras/src/losses/losses.py): logits, batch of 1 and of 2.
        double[] logits = [-18.6, 0.51, 2.94, -12.8], labels = [0, 1, 0, 0];
        LossExample Docs(long[] shape, Dictionary<string, object?> args, double rounding, params double[] expected) =>
            new("Keras docs", logits, shape, labels, null, new Dictionary<string, object?>(args) { ["from_logits"] = true }, expected, Rounding: rounding);
        // Keras's tests (losses_test.py).
        double[] tTrue = [1, 0, 1, 0], tPred = [0.9, 0.8, 0.7, 0.2];
        double[] lTrue = [1, 1, 0, 0, 1, 0], lLogits = [1.5, -2.7, 2.9, -3.8, 1.2, -4.5];
        LossExample Test(Dictionary<string, object?> args, double rounding, params double[] expected) =>
            new("Keras tests", tPred, [2, 2], tTrue, null, args, expected, Rounding: rounding);
        LossExample LogitTest(Dictionary<string, object?> args, params double[] expected) =>
            new("Keras tests", lLogits, [2, 3], lTrue, null, new Dictionary<string, object?>(args) { ["from_logits"] = true, ["gamma"] = 3.0 },
                expected, Rounding: 0.0005);
        return
        [
            Docs([1, 4], new() { ["gamma"] = 2.0 }, 0.0005, 0.691),
            Docs([1, 4], new() { ["gamma"] = 2.0, ["apply_class_balancing"] = true }, 0.005, 0.51),
            Docs([2, 2], new() { ["gamma"] = 3.0 }, 0.0005, 0.647),
            Docs([2, 2], new() { ["gamma"] = 3.0, ["apply_class_balancing"] = true }, 0.0005, 0.482),
            Docs([2, 2], new() { ["gamma"] = 3.0, ["sample_weights"] = new[] { 0.8, 0.2 } }, 0.0005, 0.133),
            Docs([2, 2], new() { ["gamma"] = 3.0, ["apply_class_balancing"] = true, ["sample_weights"] = new[] { 0.8, 0.2 } }, 0.0005, 0.097),
            Docs([2, 2], new() { ["gamma"] = 4.0, ["reduction"] = Reduction.Sum }, 0.0005, 1.222),
            Docs([2, 2], new() { ["gamma"] = 4.0, ["apply_class_balancing"] = true, ["reduction"] = Reduction.Sum }, 0.0005, 0.914),
            Docs([2, 2], new() { ["gamma"] = 5.0, ["reduction"] = Reduction.None }, 0.00005, 0.0017, 1.1561),
            // Keras prints 0.8670 for 0.86708 (truncated, not rounded): one unit of the last digit.
            Docs([2, 2], new() { ["gamma"] = 5.0, ["apply_class_balancing"] = true, ["reduction"] = Reduction.None }, 0.0001, 0.0004, 0.8670),
            new("Keras docs", [0.6, 0.4, 0.4, 0.6], [2, 2], [0, 1, 0, 0], null,
                new Dictionary<string, object?> { ["reduction"] = Reduction.None }, [0.330, 0.206], Rounding: 0.0005),
            Test([], 0.0005, 0.268),
            Test(new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 0.0005, 0.34415),
            Test(new() { ["reduction"] = Reduction.None }, 0.0000005, 0.515547, 0.020513),
            LogitTest([], 0.799),
            LogitTest(new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 0.95977),
            KerasTestExamples.AllCorrectCrossentropy(KerasTestExamples.Eye, KerasTestExamples.Eye, null, new() { ["gamma"] = 1.5 }),
            KerasTestExamples.AllCorrectCrossentropy(KerasTestExamples.EyeLogits(100, symmetric: true), KerasTestExamples.Eye, null,
                new() { ["gamma"] = 2.0, ["from_logits"] = true }),
            // test_scalar_weighted.
            new(KerasTestExamples.Test("test_scalar_weighted"), tPred, [2, 2], tTrue, null,
                new Dictionary<string, object?> { ["gamma"] = 2.0, ["sample_weights"] = new[] { 1.23 } }, [0.3296], KerasTestExamples.AlmostEqual),
            new(KerasTestExamples.Test("test_scalar_weighted"), lLogits, [2, 3], lTrue, null,
                new Dictionary<string, object?> { ["from_logits"] = true, ["gamma"] = 3.0, ["sample_weights"] = new[] { 3.21 } }, [2.565],
                KerasTestExamples.AlmostEqual),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        bool balanced = c.Bool(ApplyClassBalancing);
        if (PointwiseFused.Try(c, PointwiseLossKind.BinaryFocalCrossentropy, Parameters(c, balanced ? c.Number(FocalOptions.Alpha) : null)) is { } fused)
            return fused;
        return new(c.Ops.Mean(Elementwise(c, balanced ? c.Number(FocalOptions.Alpha) : null), c.Axis));
    }

    /// <summary>The fused kernel's options for <see cref="Elementwise{T}"/> with <paramref name="alpha"/>.</summary>
    public static PointwiseLossParameters Parameters<T>(LossContext<T> c, double? alpha) where T : class =>
        new(c.Number(FocalOptions.Gamma), alpha, c.Number(LossOption.LabelSmoothing), c.Bool(LossOption.FromLogits));

    /// <summary>
    /// The element-wise binary focal crossentropy (Keras 3): labels smoothed, logits through a sigmoid, the
    /// crossentropy on clipped probabilities, times (1 − p_t)^γ, times α_t when <paramref name="alpha"/> is given.
    /// Shared with FastEstimator's <c>focal_loss</c>, whose TensorFlow path is this computation.
    /// </summary>
    public static T Elementwise<T>(LossContext<T> c, double? alpha) where T : class
    {
        ITensorOps<T> o = c.Ops;
        double smoothing = c.Number(LossOption.LabelSmoothing);
        double gamma = c.Number(FocalOptions.Gamma);
        T y = smoothing > 0 ? o.Add(o.Mul(c.Target, 1 - smoothing), 0.5 * smoothing) : c.Target;
        T p = c.Bool(LossOption.FromLogits) ? o.Sigmoid(c.YPred) : c.YPred;
        T bce = BinaryCrossentropyLoss.Elementwise(c, y, p, fromLogits: false);
        // Keras's spelling of 1 − p_t, kept so that rounding near p_t = 1 matches Keras's (the shorter y + p − 2yp
        // cancels catastrophically for soft labels near 1).
        T pt = o.Add(o.Mul(y, p), o.Mul(o.RSub(1, y), o.RSub(1, p)));
        T focal = gamma == 0 ? bce : o.Mul(o.Pow(o.RSub(1, pt), gamma), bce);
        if (alpha is not { } a) return focal;
        // α_t = y·α + (1 − y)·(1 − α) = (1 − α) + y·(2α − 1).
        return o.Mul(o.Add(o.Mul(y, 2 * a - 1), 1 - a), focal);
    }
}
