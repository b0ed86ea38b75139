namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Sparse categorical crossentropy: like <see cref="CategoricalCrossentropy{TPred,TTrue}"/> with class indices
    /// for labels, so that <c>sparse(label) == categorical(one_hot(label))</c> for every input, on either engine.
    /// </summary>
    /// <remarks>
    /// <para>Probabilities are divided by their sum and clipped exactly as in the categorical loss. Keras 2 and
    /// Keras 3 on TensorFlow clip <i>before</i> renormalising and so disagree with their own categorical loss: for
    /// label 0 and p = [0.5, 3.0] they give 1.098612, while we (and Keras 3 on torch/JAX/NumPy) give
    /// −log(0.5/3.5) = 1.945910, the categorical value.</para>
    /// <para><paramref name="ignoreClass"/> (PyTorch <c>ignore_index</c>, Keras <c>ignore_class</c>): those elements
    /// contribute 0 and leave the mean's denominator; if every element is ignored the mean is 0, as in Keras
    /// (PyTorch gives NaN).</para>
    /// <para><b>Example</b> (FastEstimator's test, both engines): y_pred = [[0.1, 0.8, 0.1], [0.9, 0.05, 0.05],
    /// [0.1, 0.2, 0.7]], labels [0, 1, 0] give 2.5336342; with <c>averageLoss: false</c>
    /// [2.3025851, 2.9957323, 2.3025851]. From logits [[8,1,1],[0,9,1],[2,3,5]], labels [0,1,2] and
    /// <c>classWeights</c> {0: 1, 1: 2, 2: 3}: 0.1707592 with <see cref="Reduction.SumOverBatchSize"/>, 0.0853796
    /// with <see cref="Reduction.WeightedMean"/> (PyTorch's <c>cross_entropy(weight=…)</c>).</para>
    /// </remarks>
    /// <param name="yPred">Predictions, as for <see cref="CategoricalCrossentropy{TPred,TTrue}"/>.</param>
    /// <param name="yTrue">Class indices, shape (Batch, …) — y_pred's shape without the class axis — or with a
    /// length-1 class axis (Keras's trailing 1), which is squeezed; integer, or float holding integer values.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="averageLoss">FastEstimator's shorthand for <see cref="Reduction.SumOverBatchSize"/> (true) or
    /// <see cref="Reduction.None"/> (false).</param>
    /// <param name="classWeights">Class index → weight, looked up by the label.</param>
    /// <param name="ignoreClass">A label value whose elements are ignored; it may lie outside [0, C).</param>
    /// <param name="labelSmoothing">In [0, 1]: the one-hot label becomes onehot·(1 − ls) + ls/C (PyTorch's definition).</param>
    /// <param name="axis">The class axis of <paramref name="yPred"/>; default the engine's.</param>
    /// <param name="reduction">Overrides <paramref name="averageLoss"/>.</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): one element or a prefix of the label shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A label lies outside [0, C) and is not the ignored class, or
    /// another option is out of range.</exception>
    public static TPred SparseCategoricalCrossentropy<TPred, TTrue>(
        TPred yPred,
        TTrue yTrue,
        bool fromLogits = false,
        bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null,
        int? ignoreClass = null,
        double labelSmoothing = 0,
        int? axis = null,
        Reduction? reduction = null,
        object? sampleWeights = null)
        where TPred : class
        where TTrue : class
    {
        return (TPred)SparseCategoricalCrossentropyLoss.Definition.Compute(yPred, yTrue, CrossentropyArguments(fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights,
            ignoreClass));
    }
}

/// <summary>The engine-independent definition of <see cref="Losses.SparseCategoricalCrossentropy{TPred,TTrue}"/>.</summary>
internal sealed class SparseCategoricalCrossentropyLoss : ILossFunction
{
    public static readonly LossOption IgnoreClass = new("ignore_class", "ignoreClass", LossOptionKind.Integer, null,
        "a label whose elements are ignored (Keras ignore_class, PyTorch ignore_index)");

    public static readonly LossDefinition Definition = new("sparse_categorical_crossentropy",
        "−log p[label] over the class axis; p renormalised and clipped (or a log-softmax of logits)", LossLabels.ClassIndices,
        [LossOption.FromLogits, IgnoreClass, LossOption.LabelSmoothing, LossOption.ClassWeights],
        new SparseCategoricalCrossentropyLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        double[] fePred = [0.1, 0.8, 0.1, 0.9, 0.05, 0.05, 0.1, 0.2, 0.7];
        double[] logits = [8, 1, 1, 0, 9, 1, 2, 3, 5];
        var weights = new Dictionary<int, double> { [0] = 1, [1] = 2, [2] = 3 };
        double[] kPred = [0.05, 0.95, 0, 0.1, 0.8, 0.1];
        LossExample Keras(Dictionary<string, object?> args, params double[] expected) =>
            new("Keras docs", kPred, [2, 3], [1, 2], [2], args, expected, Rounding: 0.0005);
        return
        [
            new("FastEstimator test", fePred, [3, 3], [0, 1, 0], [3], LossExample.Defaults, [2.5336342]),
            new("FastEstimator test", fePred, [3, 3], [0, 1, 0], [3], new Dictionary<string, object?> { ["reduction"] = Reduction.None },
                [2.3025851, 2.9957323, 2.3025851]),
            // FastEstimator's test of the CrossEntropy TensorOp (TensorFlow) with class_weights {1: 2, 2: 3}, averaged:
            // (2.3025851 + 2·2.9957323 + 2.3025851) / 3.
            new("FastEstimator test (CrossEntropy TensorOp)", fePred, [3, 3], [0, 1, 0], [3, 1],
                new Dictionary<string, object?> { ["class_weights"] = new Dictionary<int, double> { [1] = 2, [2] = 3 } }, [3.532212]),
            // FastEstimator's docstring: labels [[1], [0], [2]] (shape (3, 1)) give 0.228 and, unreduced, [0.22, 0.11, 0.36].
            new("FastEstimator docstring", fePred, [3, 3], [1, 0, 2], [3, 1], LossExample.Defaults, [0.228], Rounding: 0.0005),
            new("FastEstimator docstring", fePred, [3, 3], [1, 0, 2], [3, 1], new Dictionary<string, object?> { ["reduction"] = Reduction.None },
                [0.22, 0.11, 0.36], Rounding: 0.005),
            // With class_weights {1: 2, 2: 3} the docstring prints [0.44, 0.11, 1.08], a slip: the weights times the unreduced
            // [0.2231435, 0.1053605, 0.3566750] are [0.4462871, 0.1053605, 1.0700250] (as categorical_crossentropy's docstring).
            new("FastEstimator docstring (weighted print corrected: 1.08 → 1.0700250)", fePred, [3, 3], [1, 0, 2], [3, 1],
                new Dictionary<string, object?> { ["reduction"] = Reduction.None, ["class_weights"] = new Dictionary<int, double> { [1] = 2, [2] = 3 } },
                [0.4462871, 0.1053605, 1.0700250]),
            new("PyTorch cross_entropy(weight=...)", logits, [3, 3], [0, 1, 2], [3],
                new Dictionary<string, object?> { ["from_logits"] = true, ["class_weights"] = weights, ["reduction"] = Reduction.WeightedMean }, [0.0853796]),
            new("PyTorch cross_entropy(weight=..., reduction='sum') / 3", logits, [3, 3], [0, 1, 2], [3],
                new Dictionary<string, object?> { ["from_logits"] = true, ["class_weights"] = weights }, [0.1707592]),
            new("Keras 3 (torch/JAX/NumPy backends): renormalised before the clip", [0.5, 3.0], [1, 2], [0], [1], LossExample.Defaults, [1.945910]),
            Keras([], 1.177),
            Keras(new() { ["sample_weights"] = new[] { 0.3, 0.7 } }, 0.814),
            Keras(new() { ["reduction"] = Reduction.Sum }, 2.354),
            Keras(new() { ["reduction"] = Reduction.None }, 0.0513, 2.303),
            // Rank 1: one sample of C classes with a rank-0 label (Keras's per-sample values of the docs' first sample).
            new("Keras docs (rank 1: the first sample)", [0.05, 0.95, 0], [3], [1], [], LossExample.Defaults, [0.0513], Rounding: 0.0005),
            // Class weights with label smoothing, PyTorch's cross_entropy(weight=w, label_smoothing=ε): per element
            // (1 − ε)·w[y]·(−log p_y) + (ε/C)·Σ_c w[c]·(−log p_c); the weighted mean divides the sum by Σ w[y_i].
            new("PyTorch cross_entropy(weight=..., label_smoothing=0.1)", logits, [3, 3], [0, 1, 2], [3],
                new Dictionary<string, object?> { ["from_logits"] = true, ["class_weights"] = weights, ["label_smoothing"] = 0.1, ["reduction"] = Reduction.WeightedMean },
                [0.49924588]),
            new("PyTorch cross_entropy(weight=..., label_smoothing=0.1, reduction='none')", logits, [3, 3], [0, 1, 2], [3],
                new Dictionary<string, object?> { ["from_logits"] = true, ["class_weights"] = weights, ["label_smoothing"] = 0.1, ["reduction"] = Reduction.None },
                [1.1686710, 1.1009176, 0.7258868]),
            new("PyTorch cross_entropy(weight=..., label_smoothing=0.3, reduction='sum')", logits, [3, 3], [0, 1, 2], [3],
                new Dictionary<string, object?> { ["from_logits"] = true, ["class_weights"] = weights, ["label_smoothing"] = 0.3, ["reduction"] = Reduction.Sum },
                [7.9618707]),
            new("PyTorch cross_entropy(weight=..., label_smoothing=0.3), rank 1", [0, 9, 1], [3], [1], [],
                new Dictionary<string, object?> { ["from_logits"] = true, ["class_weights"] = weights, ["label_smoothing"] = 0.3, ["reduction"] = Reduction.WeightedMean },
                [1.6504588]),
            .. KerasTests(),
        ];
    }

    /// <summary>Keras's losses_test.py (SparseCategoricalCrossentropyTest): the categorical test's numbers with labels
    /// [0, 1, 2] of shape (3, 1) as Keras gives them (test_unweighted: (3,)), assertAlmostEqual to 3 decimals unless
    /// noted; then its segmentation maps, (4, 4) labels beside (4, 4, C) probabilities (assertAllClose).</summary>
    private static LossExample[] KerasTests()
    {
        return
        [
            KerasTestExamples.AllCorrectCrossentropy(KerasTestExamples.Eye, [0, 1, 2], [3, 1], []),
            KerasTestExamples.AllCorrectCrossentropy(KerasTestExamples.EyeLogits(10), [0, 1, 2], [3, 1], new() { ["from_logits"] = true }),
            .. KerasTestExamples.CrossentropyCases().Select(k => new LossExample(KerasTestExamples.Test(k.Name),
                k.Logits ? KerasTestExamples.CrossentropyLogits : KerasTestExamples.CrossentropyProbabilities, [3, 3], [0, 1, 2],
                k.Name == "test_unweighted" ? [3] : [3, 1], k.Logits ? new(k.Arguments) { ["from_logits"] = true } : k.Arguments,
                k.Expected, k.Rounding, KerasTestExamples.PerSampleWeights(k.Arguments))),
            // Labels [[-1, 2]] of shape (1, 2) for logits (1, 2, 3): the ignored element gives 0. Then its second form, labels
            // (1, 2, 1) with Keras's trailing length-1 axis, taken as given on every engine (channels-first ones too).
            new(KerasTestExamples.Test("test_ignore_class"), [0.854, 0.698, 0.598, 0.088, 0.86, 0.018], [1, 2, 3], [-1, 2], [1, 2],
                new Dictionary<string, object?> { ["from_logits"] = true, ["ignore_class"] = -1, ["reduction"] = Reduction.None },
                [0.0, 1.480129], KerasTestExamples.AllClose),
            new(KerasTestExamples.Test("test_ignore_class"), [0.854, 0.698, 0.598, 0.088, 0.86, 0.018], [1, 2, 3], [-1, 2], [1, 2, 1],
                new Dictionary<string, object?> { ["from_logits"] = true, ["ignore_class"] = -1, ["reduction"] = Reduction.None },
                [0.0, 1.480129], KerasTestExamples.AllClose),
            .. SegmentationTests(),
        ];
    }

    /// <summary>
    /// Keras's <c>test_binary_segmentation</c> and <c>test_multi_class_segmentation</c>: (4, 4) labels beside (4, 4, C)
    /// probabilities, first exactly one-hot (0; the clip leaves 1.2e-7 per pixel), then with a few pixels off, whose
    /// −log p over the 16 pixels Keras states as its expectation (assertAllClose, atol = rtol = 1e-6).
    /// </summary>
    private static LossExample[] SegmentationTests()
    {
        double[] binaryLabels = [0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1];
        double[] multiLabels = [0, 1, 2, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1];
        double[] OneHot(double[] labels, int classes) =>
            labels.SelectMany(l => Enumerable.Range(0, classes).Select(c => c == l ? 1.0 : 0.0)).ToArray();
        double[] binaryOff = OneHot(binaryLabels, 2), multiOff = OneHot(multiLabels, 3);
        // Pixel (0, 3) is class 0 at p = 0.2, pixel (3, 3) class 1 at p = 0.4.
        (binaryOff[6], binaryOff[7], binaryOff[30], binaryOff[31]) = (0.2, 0.8, 0.6, 0.4);
        // Pixel (0, 3) class 0 at 0.2, pixel (1, 0) class 1 at 0.3, pixel (3, 2) class 0 at 0.5.
        (multiOff[9], multiOff[11], multiOff[12], multiOff[13], multiOff[42], multiOff[43]) = (0.2, 0.8, 0.7, 0.3, 0.5, 0.5);
        LossExample Test(string name, double[] pred, int classes, double[] labels, double expected) =>
            new(KerasTestExamples.Test(name), pred, [4, 4, classes], labels, [4, 4], LossExample.Defaults, [expected], KerasTestExamples.AllClose);
        return
        [
            Test("test_binary_segmentation", OneHot(binaryLabels, 2), 2, binaryLabels, 0),
            Test("test_binary_segmentation", binaryOff, 2, binaryLabels, (-Math.Log(0.2) - Math.Log(0.4)) / 16),
            Test("test_multi_class_segmentation", OneHot(multiLabels, 3), 3, multiLabels, 0),
            Test("test_multi_class_segmentation", multiOff, 3, multiLabels, (-Math.Log(0.2) - Math.Log(0.3) - Math.Log(0.5)) / 16),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        ITensorOps<T> o = c.Ops;
        int axis = c.Axis;
        c.RequireClasses();
        int? ignoreClass = c.Integer(IgnoreClass);
        bool fromLogits = c.Bool(LossOption.FromLogits);
        double smoothing = c.Number(LossOption.LabelSmoothing);
        double[]? table = c.ClassWeightTable(c.Classes);
        // The ordinary case on an engine with a sparse kernel, which checks the labels its own way (or declines).
        if (ignoreClass is null && smoothing == 0 && table is null
            && SumAndSparseFused.Sparse(c, fromLogits ? SparseLossKind.CrossentropyFromLogits : SparseLossKind.Crossentropy) is { } fusedLoss)
            return fusedLoss;
        T labels = Labels(c, axis, ignoreClass);

        // Ignored elements get label 0 (any valid class) and weight 0.
        T? valid = null;
        if (ignoreClass is { } ignored)
        {
            T isIgnored = o.Compare(CompareOp.Equal, labels, o.Scalar(ignored, o.DTypeOf(labels)));
            valid = o.Cast(o.Compare(CompareOp.NotEqual, labels, o.Scalar(ignored, o.DTypeOf(labels))), c.DType);
            labels = o.Where(isIgnored, o.Scalar(0, o.DTypeOf(labels)), labels);
        }
        T? weights = table is null ? valid : valid is null ? c.Gather(table, labels) : o.Mul(c.Gather(table, labels), valid);

        if (smoothing > 0)
        {
            // PyTorch's definition (Keras has none for the sparse loss): categorical on the smoothed one-hot label.
            T target = o.Add(o.Mul(o.OneHot(labels, (int)c.Classes, axis, c.DType), 1 - smoothing), smoothing / c.Classes);
            if (table is null) return new(CategoricalCrossentropyLoss.PerElement(c, target, fromLogits, axis), weights, valid);
            // With class weights, PyTorch's cross_entropy(weight=w, label_smoothing=ε) weighs each class's term by its own
            // weight: (1 − ε)·w[y]·(−log p_y) + (ε/C)·Σ_c w[c]·(−log p_c), i.e. the smoothed target times w along the class
            // axis; its mean divides the sum by Σ w[y_i]. So the loss carries the weights, and w[y] (times the ignore mask)
            // is only the weighted mean's denominator. Ignored elements are zeroed here, as PyTorch masks both terms.
            long[] along = Enumerable.Repeat(1L, c.Pred.Rank).ToArray();
            along[axis] = table.Length;
            T weightedTarget = o.Mul(target, o.FromValues(table, along, c.DType));
            T loss = CategoricalCrossentropyLoss.PerElement(c, weightedTarget, fromLogits, axis);
            return new(valid is null ? loss : o.Mul(loss, valid), weights, valid, WeightsInLoss: true);
        }
        if (o is IFusedCrossentropy<T> fused)
        {
            bool plainMean = weights is null && c.Tensor(LossOption.SampleWeights) is null
                && c.Reduction is Reduction.SumOverBatchSize or Reduction.WeightedMean;
            if (plainMean && fused.MeanSparseCategoricalCrossentropy(labels, c.YPred, fromLogits, axis) is { } mean)
                return new(mean, Reduced: true);
            if (fused.SparseCategoricalCrossentropy(labels, c.YPred, fromLogits, axis) is { } perElement)
                return new(perElement, weights, valid);
        }
        return new(PerElement(c, labels, fromLogits, axis), weights, valid);
    }

    /// <summary>−log p[label]: the categorical loss of the one-hot label, reading one probability per element.</summary>
    private static T PerElement<T>(LossContext<T> c, T labels, bool fromLogits, int axis) where T : class
    {
        ITensorOps<T> o = c.Ops;
        T index = o.ExpandDims(labels, axis);
        if (fromLogits) return o.Neg(o.Squeeze(o.TakeAlongAxis(o.LogSoftmax(c.YPred, axis), index, axis), axis));
        T picked = o.Div(o.Squeeze(o.TakeAlongAxis(c.YPred, index, axis), axis), o.Sum(c.YPred, axis));
        return o.Neg(o.Log(c.ClipProbabilities(picked)));
    }

    /// <summary>
    /// The labels in the per-element loss shape (a length-1 class axis is squeezed, as Keras does), each an integer in
    /// [0, C) or the ignored class. The check runs in the engine; only when it fails are the labels read to the host
    /// to name the first bad one.
    /// </summary>
    internal static T Labels<T>(LossContext<T> c, int axis, int? ignoreClass) where T : class
    {
        ITensorOps<T> o = c.Ops;
        T labels = ShapedLabels(c, axis);
        if (Shapes.Count(o.ShapeOf(labels)) > 0 && HasInvalidLabels(o, labels, c.Classes, ignoreClass))
            Validate.SparseLabels(o.ToHost(labels), c.Classes, ignoreClass);
        return labels;
    }

    /// <summary>The labels in the per-element loss shape (a length-1 class axis squeezed), their values not checked.</summary>
    internal static T ShapedLabels<T>(LossContext<T> c, int axis) where T : class
    {
        ITensorOps<T> o = c.Ops;
        TensorInfo pred = c.Pred, given = o.Describe(c.YTrue);
        long[] lossShape = Shapes.Without(pred.Shape, axis);
        // A length-1 axis where the class axis is, or last as Keras writes labels (B, …, 1) whatever the engine's layout.
        T labels = given.Rank == pred.Rank && given.Shape[axis] == 1 ? o.Squeeze(c.YTrue, axis)
            : given.Rank == pred.Rank && given.Shape[^1] == 1 && Shapes.Without(given.Shape, given.Rank - 1).AsSpan().SequenceEqual(lossShape)
                ? o.Squeeze(c.YTrue, given.Rank - 1)
                : c.YTrue;
        if (!o.ShapeOf(labels).AsSpan().SequenceEqual(lossShape))
            throw new ArgumentException(
                "Argument `y_true` must hold one class index per element: y_pred's shape without the class axis " +
                $"({TensorInfo.FormatShape(lossShape)}), optionally with a length-1 axis at the class axis or last. " +
                $"Received: y_pred.shape={pred.ShapeText}, y_true.shape={given.ShapeText}", "y_true");
        return labels;
    }

    /// <summary>Whether any label is not an integer in [0, C) nor the ignored class (NaN counts), with one host read:
    /// the smallest and largest label (and, for floating labels, whether any has a fraction) come back together.</summary>
    private static bool HasInvalidLabels<T>(ITensorOps<T> o, T labels, long classes, int? ignoreClass) where T : class
    {
        DType dtype = o.DTypeOf(labels);
        T checkedLabels = ignoreClass is { } ignored
            ? o.Where(o.Compare(CompareOp.Equal, labels, o.Scalar(ignored, dtype)), o.Scalar(0, dtype), labels)
            : labels;
        // Rank-1 labels (the usual (Batch,)) reduced with keepDims are already of shape [1]: no reshape (on torch each
        // reshape is one more native tensor per call).
        T Whole(ReduceOp op, T x) => o.RankOf(x) == 1 ? o.Reduce(op, x, null, keepDims: true) : o.Reshape(o.Reduce(op, x, null, keepDims: false), [1]);
        var parts = new List<T> { Whole(ReduceOp.Min, checkedLabels), Whole(ReduceOp.Max, checkedLabels) };
        if (dtype.IsFloatingPoint())
            parts.Add(Whole(ReduceOp.Max, o.Cast(o.Compare(CompareOp.NotEqual, checkedLabels, o.Unary(UnaryOp.Floor, checkedLabels)), dtype)));
        double[] v = o.ToHost(o.Concat(parts, 0));
        return !(v[0] >= 0 && v[1] < classes && (v.Length < 3 || v[2] == 0));   // NaN fails the comparisons
    }
}
