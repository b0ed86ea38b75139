namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Binary crossentropy, averaged over the class axis as Keras does, on either engine.
    /// </summary>
    /// <remarks>
    /// <para>Probabilities are clipped to [1e-7, 1 − 1e-7] with the bounds in the input's dtype (in float32
    /// 1 − 1e-7 is 0.99999988), then plain logs are taken (Keras 3). Keras 2 also added ε inside the log, and PyTorch
    /// clamps each log at −100 instead of clipping p. Example y = [[1,0],[1,0]], p = [[1,1],[1,0]] (float32): we and
    /// Keras 3 give <b>3.98560</b>, Keras 2 gives 3.83331, PyTorch's <c>binary_cross_entropy</c> gives 25.0. Logits go
    /// through the stable max(x, 0) − x·y + log(1 + exp(−|x|)).</para>
    /// <para>Class weights (FastEstimator's) are looked up element-wise by the target value truncated to an integer
    /// (0 or 1 for hard labels) and applied before the mean over the class axis.</para>
    /// <para><b>Example</b> (FastEstimator's test, both engines): p = [[0.9], [0.3], [0.8], [0.1]],
    /// y = [[1], [0], [1], [0]] give 0.19763474.</para>
    /// </remarks>
    /// <param name="yPred">Predictions (probabilities or logits), rank ≥ 1 (rank 1: one sample, the only axis averaged).</param>
    /// <param name="yTrue">Targets in [0, 1], same shape.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="averageLoss">FastEstimator's shorthand for <see cref="Reduction.SumOverBatchSize"/> (true) or
    /// <see cref="Reduction.None"/> (false).</param>
    /// <param name="classWeights">Target value → weight (keys 0 and 1).</param>
    /// <param name="labelSmoothing">In [0, 1]: y becomes y·(1 − ls) + 0.5·ls.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis.</param>
    /// <param name="reduction">Overrides <paramref name="averageLoss"/>.</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): one element or a prefix of the per-element loss shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred BinaryCrossentropy<TPred, TTrue>(
        TPred yPred,
        TTrue yTrue,
        bool fromLogits = false,
        bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null,
        double labelSmoothing = 0,
        int? axis = null,
        Reduction? reduction = null,
        object? sampleWeights = null)
        where TPred : class
        where TTrue : class
    {
        return (TPred)BinaryCrossentropyLoss.Definition.Compute(yPred, yTrue, CrossentropyArguments(fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights));
    }
}

/// <summary>The engine-independent definition of <see cref="Losses.BinaryCrossentropy{TPred,TTrue}"/>.</summary>
internal sealed class BinaryCrossentropyLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("binary_crossentropy",
        "−(y·log p + (1 − y)·log(1 − p)) averaged over the axis; p clipped (or the stable form for logits)", LossLabels.SameShape,
        [LossOption.FromLogits, LossOption.LabelSmoothing, LossOption.ClassWeights], new BinaryCrossentropyLoss(),
        examples: Examples());

    private static LossExample[] Examples()
    {
        double[] kTrue = [0, 1, 0, 0], kPred = [0.6, 0.4, 0.4, 0.6];
        LossExample Keras(Dictionary<string, object?> args, params double[] expected) =>
            new("Keras docs", kPred, [2, 2], kTrue, null, args, expected, Rounding: 0.0005);
        double[] feTrue = [1, 0, 1, 0], fePred = [0.9, 0.3, 0.8, 0.1];
        LossExample Fe(string source, Dictionary<string, object?> args, double rounding, params double[] expected) =>
            new(source, fePred, [4, 1], feTrue, null, args, expected, rounding);
        return
        [
            // FastEstimator's 0.19763474 is Keras 2's (ε inside the log); Keras 3 and we give 0.19763491 (8e-7 relative).
            new("FastEstimator test", fePred, [4, 1], feTrue, null, LossExample.Defaults, [0.19763474]),
            Fe("FastEstimator test", new() { ["reduction"] = Reduction.None }, 0, 0.10536041, 0.3566748, 0.22314338, 0.10536041),
            Fe("FastEstimator test", new() { ["from_logits"] = true }, 0, 0.57775164),
            // FastEstimator's test of the CrossEntropy TensorOp on torch tensors (torch's BCELoss: Keras 3's digits), and
            // with class_weights {1: 2.0}: the mean of the docstring's weighted [0.2107211, 0.3566750, 0.4462871, 0.1053605].
            Fe("FastEstimator test (CrossEntropy TensorOp, torch)", new(), 0, 0.1976349),
            Fe("FastEstimator test (CrossEntropy TensorOp, torch)", new() { ["class_weights"] = new Dictionary<int, double> { [1] = 2.0 } }, 0, 0.2797609),
            Fe("FastEstimator test", new() { ["from_logits"] = true, ["reduction"] = Reduction.None }, 0, 0.34115386, 0.8543553, 0.37110066, 0.7443967),
            // FastEstimator's docstring with class_weights {1: 2.0}: −w·log p = [0.2107211, 0.3566750, 0.4462871, 0.1053605],
            // which it prints truncated as [0.210, 0.356, 0.446, 0.105]; one unit of that last digit covers the print.
            Fe("FastEstimator docstring", new() { ["reduction"] = Reduction.None, ["class_weights"] = new Dictionary<int, double> { [1] = 2.0 } }, 0.001,
                0.2107211, 0.3566750, 0.4462871, 0.1053605),
            // FastEstimator's focal_loss docstring with gamma=None, alpha=None prints 0.1464: its 2022 version switched both
            // factors off, leaving this mean crossentropy (PyTorch 1.13: 0.14649354, printed truncated). Its 2024 version
            // refuses None, as focal_loss here refuses them; binary_crossentropy is that call.
            new("FastEstimator focal_loss docstring (gamma=None, alpha=None: plain crossentropy)", [0.97, 0.91, 0.73, 0.27, 0.09, 0.03], [6, 1],
                [1, 1, 1, 0, 0, 0], null, LossExample.Defaults, [0.14649354], Rounding: 0.0001),
            new("Keras 3: clip bound 1 − 1e-7 = 0.99999988 in float32", [1, 1, 1, 0], [2, 2], [1, 0, 1, 0], null, LossExample.Defaults, [3.98560], Rounding: 0.000005),
            Keras([], 0.815),
            Keras(new() { ["sample_weights"] = new[] { 1.0, 0.0 } }, 0.458),
            Keras(new() { ["reduction"] = Reduction.Sum }, 1.630),
            Keras(new() { ["reduction"] = Reduction.None }, 0.916, 0.714),
            new("Keras docs", [-18.6, 0.51, 2.94, -12.8], [1, 4], [0, 1, 0, 0], null,
                new Dictionary<string, object?> { ["from_logits"] = true }, [0.865], Rounding: 0.0005),
            // The same docstring example as Keras writes it, rank 1 (one sample of 4): the mean over the only axis is one
            // value, and reducing that rank-0 loss gives it back (PyTorch's binary_cross_entropy_with_logits: 0.86545795).
            new("Keras docs (rank 1)", [-18.6, 0.51, 2.94, -12.8], [4], [0, 1, 0, 0], null,
                new Dictionary<string, object?> { ["from_logits"] = true }, [0.865], Rounding: 0.0005),
            new("Keras docs (rank 1, one sample of Keras's per-sample example)", [0.6, 0.4], [2], [0, 1], null,
                new Dictionary<string, object?> { ["reduction"] = Reduction.None }, [0.916], Rounding: 0.0005),
            .. KerasTests(),
        ];
    }

    /// <summary>Keras's losses_test.py (BinaryCrossentropyTest) beyond its all-correct cases (0 for p = y and for logits
    /// ±10): assertAlmostEqual to 3 decimals unless noted.</summary>
    private static LossExample[] KerasTests()
    {
        const double Decimal3 = KerasTestExamples.AlmostEqual;
        double[] eye = [1, 0, 0, 0, 1, 0, 0, 0, 1], pred = [0.9, 0.1, 0.2, 0.3, 0.8, 0.1, 0.1, 0.2, 0.7];
        double[] hardTrue = [1, 0, 1, 0], hardPred = [1, 1, 1, 0];
        double[] logitTrue = [1, 0, 1, 0, 1, 1], logits = [10, -10, 10, 10, 10, -10];
        LossExample Test(string name, double[] yPred, long[] shape, double[] yTrue, Dictionary<string, object?> args, double rounding,
            double[] expected, long[]? weightShape = null) =>
            new(KerasTestExamples.Test(name), yPred, shape, yTrue, null, args, expected, rounding,
                weightShape is null ? null : new Dictionary<string, long[]> { ["sample_weights"] = weightShape });
        LossExample Logits(string name, Dictionary<string, object?> args, double rounding, params double[] expected) =>
            Test(name, logits, [2, 3], logitTrue, new(args) { ["from_logits"] = true }, rounding, expected);
        return
        [
            KerasTestExamples.AllCorrectCrossentropy(eye, eye, null, []),
            KerasTestExamples.AllCorrectCrossentropy(KerasTestExamples.EyeLogits(10, symmetric: true), eye, null, new() { ["from_logits"] = true }),
            // assertAllClose (atol = rtol = 1e-6).
            Test("test_unweighted", pred, [3, 3], eye, [], KerasTestExamples.AllClose, [0.20046903]),
            Logits("test_unweighted", [], Decimal3, 3.3333),
            Test("test_scalar_weighted", hardPred, [2, 2], hardTrue, new() { ["sample_weights"] = new[] { 2.3 } }, Decimal3, [9.1668]),
            Logits("test_scalar_weighted", new() { ["sample_weights"] = new[] { 2.3 } }, Decimal3, 7.666),
            // The same, with the weight as Keras passes it: a plain number (sample_weight=2.3).
            Test("test_scalar_weighted (a number)", hardPred, [2, 2], hardTrue, new() { ["sample_weights"] = 2.3 }, Decimal3, [9.1668]),
            Logits("test_scalar_weighted (a number)", new() { ["sample_weights"] = 2.3 }, Decimal3, 7.666),
            Test("test_sample_weighted", hardPred, [2, 2], hardTrue, new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, Decimal3, [4.7827], [2, 1]),
            Logits("test_sample_weighted", new() { ["sample_weights"] = new[] { 4.0, 3.0 } }, Decimal3, 10.0),
            // assertAllClose(atol=1e-3).
            Logits("test_no_reduction", new() { ["reduction"] = Reduction.None }, 1e-3, 0.0, 6.666),
            // (10 + 5·0.1) / 3: label smoothing 0.1 moves the targets to 0.95 / 0.05.
            Test("test_label_smoothing", [10, -10, -10], [1, 3], [1, 0, 1], new() { ["from_logits"] = true, ["label_smoothing"] = 0.1 }, Decimal3,
                [(10.0 + 5.0 * 0.1) / 3.0]),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        c.RequireClasses();
        ITensorOps<T> o = c.Ops;
        double smoothing = c.Number(LossOption.LabelSmoothing);
        double[]? table = c.ClassWeightTable(2);
        if (table is null && PointwiseFused.Try(c, PointwiseLossKind.BinaryCrossentropy,
                new PointwiseLossParameters(LabelSmoothing: smoothing, FromLogits: c.Bool(LossOption.FromLogits))) is { } fused)
            return fused;
        T y = smoothing > 0 ? o.Add(o.Mul(c.Target, 1 - smoothing), 0.5 * smoothing) : c.Target;
        T elementwise = Elementwise(c, y, c.YPred, c.Bool(LossOption.FromLogits));
        // FastEstimator's class weights: looked up by the target value (0 or 1), element-wise, before the mean.
        if (table is not null) elementwise = o.Mul(elementwise, c.Gather(table, o.Cast(c.YTrue, DType.Int64)));
        return new(o.Mean(elementwise, c.Axis));
    }

    /// <summary>The element-wise binary crossentropy (Keras 3): probabilities clipped to [ε, 1 − ε], then plain logs;
    /// logits through max(x, 0) − x·y + log(1 + exp(−|x|)).</summary>
    public static T Elementwise<T>(LossContext<T> c, T y, T x, bool fromLogits) where T : class
    {
        ITensorOps<T> o = c.Ops;
        if (fromLogits)
            return o.Add(o.Sub(o.Maximum(x, 0), o.Mul(x, y)), o.Log1p(o.Exp(o.Neg(o.Abs(x)))));
        T p = c.ClipProbabilities(x);
        return o.Neg(o.Add(o.Mul(y, o.Log(p)), o.Mul(o.RSub(1, y), o.Log(o.RSub(1, p)))));
    }
}
