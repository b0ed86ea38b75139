namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Categorical crossentropy between one-hot or soft labels and predicted probabilities (or logits), on either
    /// engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Semantics (the same on every engine, Keras's policy):</b> with <paramref name="fromLogits"/> false,
    /// each row of <paramref name="yPred"/> is divided by its sum over the class axis and clipped to
    /// [1e-7, 1 − 1e-7] (bounds in the input's dtype: 0.99999988 in float32) before the log, so rows that do not sum
    /// to 1 and exact zeros give the same finite number on both engines (FastEstimator gives NaN on zeros and
    /// engine-dependent values for unnormalised rows). With <paramref name="fromLogits"/> true, a numerically
    /// stable log-softmax is used. An element's class weight is the weight of argmax(<paramref name="yTrue"/>) over
    /// the class axis, applied with one gather. Label smoothing replaces y by y·(1 − ls) + ls/C (Keras).</para>
    /// <para><b>Example</b> (FastEstimator's, same numbers on both engines):</para>
    /// <code>
    /// // TorchSharp (channels-first: classes on axis 1)
    /// var yTrue = torch.tensor(new long[] { 0, 1, 0, 1, 0, 0, 0, 0, 1 }, 3, 3);
    /// var yPred = torch.tensor(new[] { 0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.05f, 0.1f, 0.2f, 0.7f }, 3, 3);
    /// var weights = new Dictionary&lt;int, double&gt; { [1] = 2.0, [2] = 3.0 };
    /// Losses.CategoricalCrossentropy(yPred, yTrue);                                  // 0.22839302
    /// Losses.CategoricalCrossentropy(yPred, yTrue, averageLoss: false);              // [0.22314353, 0.10536055, 0.35667497]
    /// Losses.CategoricalCrossentropy(yPred, yTrue, averageLoss: false, classWeights: weights);
    ///                                                                                // [0.44628706, 0.10536055, 1.07002491]
    /// Losses.CategoricalCrossentropy(yPred, yTrue, fromLogits: true);                // 0.69182307
    ///
    /// // System.Numerics.Tensors (channels-last: classes on the last axis)
    /// var t = Tensor.Create(new[] { 0, 1, 0, 1, 0, 0, 0, 0, 1 }, [3, 3]);
    /// var p = Tensor.Create(new[] { 0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.05f, 0.1f, 0.2f, 0.7f }, [3, 3]);
    /// Losses.CategoricalCrossentropy(p, t);                                          // [0.22839302]
    /// Losses.CategoricalCrossentropy(p, t, averageLoss: false, classWeights: weights); // [0.44628706, 0.10536055, 1.07002491]
    /// </code>
    /// </remarks>
    /// <typeparam name="TPred">The engine's tensor type; <see cref="object"/> to dispatch at run time.</typeparam>
    /// <typeparam name="TTrue">The labels' tensor type (the same engine; integer or floating point).</typeparam>
    /// <param name="yPred">Predictions, shape (Batch, …, C) on a channels-last engine or (Batch, C, …) on a
    /// channels-first one; floating point (float16 and bfloat16 are computed in float32 and returned in their dtype).</param>
    /// <param name="yTrue">One-hot or soft labels with the same shape as <paramref name="yPred"/>.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits rather than probabilities.</param>
    /// <param name="averageLoss">FastEstimator's shorthand: true is <see cref="Reduction.SumOverBatchSize"/> (the
    /// mean, a one-element tensor), false is <see cref="Reduction.None"/> (shape (Batch, …)).</param>
    /// <param name="classWeights">Class index → weight; classes not listed weigh 1.0. Keys must lie in [0, C) and
    /// weights must be finite and non-negative.</param>
    /// <param name="labelSmoothing">In [0, 1]: y becomes y·(1 − ls) + ls/C.</param>
    /// <param name="axis">The class axis; default the engine's (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">Overrides <paramref name="averageLoss"/>; see <see cref="Reduction"/> for each
    /// denominator.</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): one element, or a prefix of the per-element loss
    /// shape such as (Batch,), broadcast over the trailing axes as in Keras.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentNullException">A tensor argument is null.</exception>
    /// <exception cref="ArgumentException">Shapes differ, y_pred is not floating point, the tensors belong to
    /// different engines or devices, or the batch is empty while averaging.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class weight, the axis or the label smoothing is out of range.</exception>
    public static TPred CategoricalCrossentropy<TPred, TTrue>(
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
        return (TPred)CategoricalCrossentropyLoss.Definition.Compute(yPred, yTrue, CrossentropyArguments(fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights));
    }
}

/// <summary>The engine-independent definition of <see cref="Losses.CategoricalCrossentropy{TPred,TTrue}"/>.</summary>
internal sealed class CategoricalCrossentropyLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("categorical_crossentropy",
        "−Σ y·log p over the class axis; p renormalised and clipped (or a log-softmax of logits)", LossLabels.SameShape,
        [LossOption.FromLogits, LossOption.LabelSmoothing, LossOption.ClassWeights], new CategoricalCrossentropyLoss(),
        examples: Examples());

    private static LossExample[] Examples()
    {
        double[] feTrue = [0, 1, 0, 1, 0, 0, 0, 0, 1], fePred = [0.1, 0.8, 0.1, 0.9, 0.05, 0.05, 0.1, 0.2, 0.7];
        var weights = new Dictionary<int, double> { [1] = 2.0, [2] = 3.0 };
        LossExample Fe(Dictionary<string, object?> args, params double[] expected) =>
            new("FastEstimator docstring", fePred, [3, 3], feTrue, null, args, expected);
        double[] kTrue = [0, 1, 0, 0, 0, 1], kPred = [0.05, 0.95, 0, 0.1, 0.8, 0.1];
        LossExample Keras(Dictionary<string, object?> args, params double[] expected) =>
            new("Keras docs", kPred, [2, 3], kTrue, null, args, expected, Rounding: 0.0005);
        return
        [
            Fe([], 0.22839302),
            Fe(new() { ["reduction"] = Reduction.None }, 0.22314353, 0.10536055, 0.35667497),
            Fe(new() { ["reduction"] = Reduction.None, ["class_weights"] = weights }, 0.44628706, 0.10536055, 1.07002491),
            // FastEstimator's test of the CrossEntropy TensorOp (TensorFlow) with class_weights {1: 2, 2: 3}, averaged.
            Fe(new() { ["class_weights"] = weights }, 0.54055756) with { Source = "FastEstimator test (CrossEntropy TensorOp)" },
            Fe(new() { ["from_logits"] = true }, 0.69182307),
            Fe(new() { ["from_logits"] = true, ["reduction"] = Reduction.None }, 0.6897267, 0.6177929, 0.7679496),
            Fe(new() { ["from_logits"] = true, ["reduction"] = Reduction.None, ["class_weights"] = weights }, 1.3794534, 0.6177929, 2.3038488),
            Keras([], 1.177),
            Keras(new() { ["sample_weights"] = new[] { 0.3, 0.7 } }, 0.814),
            Keras(new() { ["reduction"] = Reduction.Sum }, 2.354),
            Keras(new() { ["reduction"] = Reduction.None }, 0.0513, 2.303),
            // Rank 1 is one sample of C classes (Keras's categorical_crossentropy on shape (C,) returns a scalar): the docs'
            // first sample alone, and Keras's label-smoothing test on its (3,) row.
            new("Keras docs (rank 1: the first sample)", [0.05, 0.95, 0], [3], [0, 1, 0], null, LossExample.Defaults, [0.0513], Rounding: 0.0005),
            new(KerasTestExamples.Test("test_label_smoothing") + " (rank 1)", [100, -100, -100], [3], [1, 0, 0], null,
                new Dictionary<string, object?> { ["from_logits"] = true, ["label_smoothing"] = 0.1 }, [400.0 * 0.1 / 3.0], KerasTestExamples.AlmostEqual),
            .. KerasTests(),
        ];
    }

    /// <summary>Keras's losses_test.py (CategoricalCrossentropyTest): assertAlmostEqual to 3 decimals unless noted.</summary>
    private static LossExample[] KerasTests()
    {
        const double Decimal3 = KerasTestExamples.AlmostEqual;
        double[] eye = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        return
        [
            KerasTestExamples.AllCorrectCrossentropy(eye, eye, null, []),
            KerasTestExamples.AllCorrectCrossentropy(KerasTestExamples.EyeLogits(10), eye, null, new() { ["from_logits"] = true }),
            .. KerasTestExamples.CrossentropyCases().Select(k => new LossExample(KerasTestExamples.Test(k.Name),
                k.Logits ? KerasTestExamples.CrossentropyLogits : KerasTestExamples.CrossentropyProbabilities, [3, 3], eye, null,
                k.Logits ? new(k.Arguments) { ["from_logits"] = true } : k.Arguments, k.Expected, k.Rounding,
                KerasTestExamples.PerSampleWeights(k.Arguments))),
            // 400 · 0.1 / 3 (test_label_smoothing and test_label_smoothing_ndarray): targets [0.9333, 0.0333, 0.0333].
            new(KerasTestExamples.Test("test_label_smoothing"), [100, -100, -100], [1, 3], [1, 0, 0], null,
                new Dictionary<string, object?> { ["from_logits"] = true, ["label_smoothing"] = 0.1 }, [400.0 * 0.1 / 3.0], Decimal3),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        c.RequireClasses();
        ITensorOps<T> o = c.Ops;
        int axis = c.Axis;
        bool fromLogits = c.Bool(LossOption.FromLogits);
        double smoothing = c.Number(LossOption.LabelSmoothing);
        double[]? table = c.ClassWeightTable(c.Classes);
        T target = smoothing > 0 ? o.Add(o.Mul(c.Target, 1 - smoothing), smoothing / c.Classes) : c.Target;

        if (o is IFusedCrossentropy<T> fused)
        {
            // The fused class-weighted kernel serves every reduction whose denominator does not need the weights
            // (sum_over_batch_size without sample weights straight to the mean); smoothing of 1 flattens the labels,
            // so its arg-max is taken on the original labels instead.
            bool noSampleWeights = c.Tensor(LossOption.SampleWeights) is null;
            if (table is not null && c.Reduction != Reduction.WeightedMean && smoothing < 1)
            {
                if (noSampleWeights && c.Reduction == Reduction.SumOverBatchSize
                    && fused.MeanCategoricalCrossentropy(target, c.YPred, fromLogits, axis, table) is { } weightedMean)
                    return new(weightedMean, Reduced: true);
                if (fused.CategoricalCrossentropy(target, c.YPred, fromLogits, axis, table) is { } weighted)
                    return new(weighted);
            }
            bool plainMean = table is null && noSampleWeights && c.Reduction is Reduction.SumOverBatchSize or Reduction.WeightedMean;
            if (plainMean && fused.MeanCategoricalCrossentropy(target, c.YPred, fromLogits, axis, null) is { } mean)
                return new(mean, Reduced: true);
            if (fused.CategoricalCrossentropy(target, c.YPred, fromLogits, axis, null) is { } plain)
                return new(plain, ClassWeights(c, table, axis));
        }
        return new(PerElement(c, target, fromLogits, axis), ClassWeights(c, table, axis));
    }

    /// <summary>−Σ target·log p along <paramref name="axis"/>: Keras's <c>categorical_crossentropy</c>.</summary>
    public static T PerElement<T>(LossContext<T> c, T target, bool fromLogits, int axis) where T : class
    {
        ITensorOps<T> o = c.Ops;
        return o.Neg(o.Sum(o.Mul(target, LogProbabilities(c, fromLogits, axis)), axis));
    }

    /// <summary>log_softmax of logits, or the log of probabilities divided by their sum and clipped to [ε, 1 − ε].</summary>
    public static T LogProbabilities<T>(LossContext<T> c, bool fromLogits, int axis) where T : class
    {
        ITensorOps<T> o = c.Ops;
        if (fromLogits) return o.LogSoftmax(c.YPred, axis);
        return o.Log(c.ClipProbabilities(o.Div(c.YPred, o.Sum(c.YPred, axis, keepDims: true))));
    }

    /// <summary>Each element's weight: the table's entry at argmax(y_true) over the class axis.</summary>
    private static T? ClassWeights<T>(LossContext<T> c, double[]? table, int axis) where T : class =>
        table is null ? null : c.Gather(table, c.Ops.ArgMax(c.Target, axis, keepDims: false));
}
