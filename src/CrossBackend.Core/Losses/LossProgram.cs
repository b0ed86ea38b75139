namespace CrossBackend;

/// <summary>
/// One loss call: validates what every loss shares, runs the loss function, then applies sample weights and the
/// reduction — once, for every loss and engine (Keras's <c>Loss.__call__</c>).
/// </summary>
internal sealed class LossProgram(LossDefinition definition, Dictionary<LossOption, object?> values) : ITensorProgram
{
    private readonly LossOption[] _tensorOptions = definition.Options.Where(o => o.Kind == LossOptionKind.Tensor).ToArray();

    /// <summary>The program's inputs: y_pred, y_true, then every tensor-valued option (sample weights first). Sample
    /// weights given as a .NET number are no input: <see cref="Run{TTensor}(ITensorOps{TTensor}, TTensor[], object[])"/>
    /// makes them a rank-0 tensor of y_pred's engine and dtype.</summary>
    public object?[] Inputs(object yPred, object? yTrue) =>
        [yPred, yTrue, .. _tensorOptions.Select(o => o == LossOption.SampleWeights && ScalarSampleWeight is not null ? null : values[o])];

    /// <summary>Sample weights given as a plain number (Keras's <c>sample_weight=2.3</c>): double, float, int or long.</summary>
    private double? ScalarSampleWeight => values.GetValueOrDefault(LossOption.SampleWeights) is double or float or int or long
        ? Convert.ToDouble(values[LossOption.SampleWeights], System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>The inputs' names for error messages.</summary>
    public string[] InputNames => ["y_pred", "y_true", .. _tensorOptions.Select(o => o.ParameterName)];

    /// <summary>y_true: sparse labels are often int64, which an engine of float tensors would copy to float before
    /// its fused sparse kernel could read them as given.</summary>
    public bool AdoptsLazily(int index) => index == 1;

    public TTensor[] Run<TTensor>(ITensorOps<TTensor> ops, TTensor?[] inputs) where TTensor : class =>
        Run(ops, inputs, new object?[inputs.Length]);

    public TTensor[] Run<TTensor>(ITensorOps<TTensor> ops, TTensor?[] inputs, object?[] asGiven) where TTensor : class
    {
        TTensor yPred = inputs[0]!;
        TTensor? yTrue = inputs[1];
        TensorInfo pred = ops.Describe(yPred);
        TensorInfo? trueInfo = null;   // y_true's, read once for the rank-1 rule and the device check
        long[] givenShape = pred.Shape;
        if (definition.Labels == LossLabels.SameShape)
        {
            yTrue ??= asGiven[1] is { } given ? Adopted(ops, given, pred) : null;
            if (yTrue is not null)
            {
                trueInfo = ops.Describe(yTrue);   // its shape may become a column below; its device, all it is used for later, stays
                TTensor original = yPred;
                (yPred, yTrue) = RankOneToColumn(ops, yPred, yTrue, pred.Shape, trueInfo.Shape);
                if (!ReferenceEquals(yPred, original)) pred = ops.Describe(yPred);
            }
        }
        Validate.Prediction(pred, definition.MinRank, ops.Engine);
        var tensors = new Dictionary<LossOption, TTensor>();
        for (int i = 0; i < _tensorOptions.Length; i++)
            if (inputs[2 + i] is { } t)
            {
                Validate.SameDevice(pred, ops.Describe(t), _tensorOptions[i].ParameterName);
                tensors[_tensorOptions[i]] = t;
            }
        if (yTrue is not null) Validate.SameDevice(pred, trueInfo ?? ops.Describe(yTrue), "y_true");
        if (ScalarSampleWeight is { } scalar) tensors[LossOption.SampleWeights] = ops.Scalar(scalar, pred.DType);
        // Keras's per-element loss is one value, shape (): dice/tversky over every axis, a rank-1 y_pred (one sample).
        bool oneValue = definition.UnreducedIsScalar(values, givenShape, trueInfo?.Shape);
        if (definition.Labels == LossLabels.ClassIndices && pred.Rank == 1)
        {
            // Rank 1 is one sample of C classes with one (rank-0) label, as in Keras: computed as a batch of one, (1, C)
            // with the classes on axis 1, so that every path (the fused kernels too) sees rank 2 and an engine without
            // rank-0 tensors needs no rank-0 labels; the per-element loss goes back to shape () below.
            TTensor labels = inputs[1] ?? Adopted(ops, asGiven[1]!, pred);
            TensorInfo given = ops.Describe(labels);
            if (Shapes.Count(given.Shape) != 1)
                throw new ArgumentException(
                    "Argument `y_true` must hold one class index for a rank-1 y_pred (one sample of C classes): shape () or (1,). " +
                    $"Received: y_pred.shape={pred.ShapeText}, y_true.shape={given.ShapeText}", "y_true");
            int[] axes = ((int[]?)values.GetValueOrDefault(LossOption.Axis) ?? [-1]).Select(a => Validate.Axis(a, 1) + 1).ToArray();
            var oneSampleValues = new Dictionary<LossOption, object?>(values) { [LossOption.Axis] = axes };
            TTensor[] batchOfOne = RunLoss(ops, ops.Reshape(yPred, [1, pred.Shape[0]]), ops.Reshape(labels, [1]), null, tensors, oneSampleValues, oneValue);
            return [ops.Describe(batchOfOne[0]).Rank == 1 && ops.ShapeOf(batchOfOne[0])[0] == 1 ? ops.Reshape(batchOfOne[0], []) : batchOfOne[0]];
        }
        return RunLoss(ops, yPred, yTrue, asGiven[1], tensors, values, oneValue);
    }

    /// <summary>
    /// Keras's <c>squeeze_or_expand_to_same_rank</c> where it is the same on every layout: labels of shape (B,) beside
    /// y_pred (B, 1) — a sigmoid output beside its labels — become (B, 1), and a rank-1 y_pred beside (B, 1) labels
    /// becomes (B, 1), so the per-sample loss is (B,) as in Keras (<c>losses_test.py</c>'s
    /// <c>test_base_function_reduction</c>). Keras's other case, squeezing a trailing length-1 axis at rank ≥ 3, means a
    /// different axis on a channels-first engine, so it stays refused with a hint (<see cref="Validate.MissingAxisHint"/>).
    /// </summary>
    private static (T Pred, T Labels) RankOneToColumn<T>(ITensorOps<T> ops, T yPred, T yTrue, long[] pred, long[] labels) where T : class
    {
        if (labels.Length == 1 && pred.Length == 2 && pred[1] == 1 && labels[0] == pred[0]) return (yPred, ops.Reshape(yTrue, [labels[0], 1]));
        if (pred.Length == 1 && labels.Length == 2 && labels[1] == 1 && labels[0] == pred[0]) return (ops.Reshape(yPred, [pred[0], 1]), yTrue);
        return (yPred, yTrue);
    }

    private static T Adopted<T>(ITensorOps<T> ops, object given, TensorInfo pred) where T : class
    {
        T adopted = ops.Adopt(given, "y_true");
        Validate.SameDevice(pred, ops.Describe(adopted), "y_true");
        return adopted;
    }

    /// <summary>The loss function, then sample weights and the reduction. <paramref name="oneValue"/>: Keras's
    /// per-element loss has shape () (<see cref="LossDefinition.UnreducedIsScalar(IReadOnlyDictionary{LossOption, object?}, long[], long[])"/>).</summary>
    private TTensor[] RunLoss<TTensor>(ITensorOps<TTensor> ops, TTensor yPred, TTensor? yTrue, object? yTrueAsGiven,
        Dictionary<LossOption, TTensor> tensors, IReadOnlyDictionary<LossOption, object?> values, bool oneValue) where TTensor : class
    {
        TensorInfo pred = ops.Describe(yPred);
        var c = new LossContext<TTensor>(ops, definition, values, yPred, yTrue, yTrueAsGiven, tensors);
        Reduction reduction = c.Reduction;
        // Checked before the loss runs: a fused kernel may return the mean directly.
        if (reduction is Reduction.SumOverBatchSize or Reduction.WeightedMean)
            Validate.ElementCount(pred.Shape.Where((_, d) => !c.Axes.Contains(d)).ToArray(), pred);
        LossTerms<TTensor> terms = definition.Function.Compute(c);
        if (terms.Reduced) return [terms.Loss];

        long[] lossShape = ops.ShapeOf(terms.Loss);
        // Weights the loss already carries count only in the weighted mean's denominator.
        TTensor? ownFactor = terms.WeightsInLoss ? null : terms.Weights;
        if (!tensors.TryGetValue(LossOption.SampleWeights, out TTensor? given))
            return [Reduce(ops, terms.Loss, ownFactor, terms.Weights, reduction, terms.Valid, null)];
        TTensor cast = ops.Cast(given, pred.DType);
        // Keras's reduce_values returns a rank-0 value as it is, whatever the reduction (keras/src/losses/loss.py: `if
        // reduction is None or ... or tuple(values.shape) == ()`), and a one-value loss times one weight — shape (), or
        // (1,), which squeeze_or_expand_to_same_rank squeezes beside it — is rank 0: mean_with_sample_weight gives the
        // product l·w, not l·w / w (dice 0.24 with weight 2.3: 0.552). Weights of (1, 1) or more values give a product
        // Keras does reduce (l·Σw / Σw = l). Class weights and ignore masks keep PyTorch's weighted mean.
        long[] givenWeightShape = ops.ShapeOf(given);
        if (oneValue && reduction == Reduction.WeightedMean && terms.Weights is null && KerasOneValueTimes(givenWeightShape).Length == 0)
            reduction = Reduction.Sum;
        TTensor sample = SampleWeights(ops, cast, lossShape);
        TTensor weights = terms.Weights is null ? sample : ops.Mul(terms.Weights, sample);
        TTensor factor = ownFactor is null ? sample : weights;
        // Keras's mean_with_sample_weight divides by the sample weights as given, before they are broadcast to the loss:
        // (B, 1) weights on a (B, T) loss divide by Σ w_b, a scalar weight by itself. With class weights or an ignore
        // mask the denominator stays the sum of every element's weight (PyTorch's weighted mean).
        TTensor? divisor = reduction == Reduction.WeightedMean && terms.Weights is null ? ops.Sum(cast) : null;
        TTensor result = Reduce(ops, terms.Loss, factor, weights, reduction, terms.Valid, divisor);
        if (reduction != Reduction.None) return [result];
        long[] kerasShape = KerasUnreducedShape(lossShape, givenWeightShape, oneValue);
        // () is the loss's own shape: rank 0 on torch, its (1,) stand-in on an engine without rank 0.
        return [kerasShape.Length == 0 || kerasShape.AsSpan().SequenceEqual(lossShape) ? result : ops.Reshape(result, kerasShape)];
    }

    /// <summary>
    /// The unreduced result's shape in Keras, whose <c>squeeze_or_expand_to_same_rank</c> reshapes the loss rather than
    /// the weights: (B, 1) weights on a (B,) loss give (B, 1); weights of rank ≥ 2 beside a loss with one more, trailing
    /// length-1 axis drop that axis; a one-value loss (<paramref name="oneValue"/>: dice over every axis, a rank-1 y_pred,
    /// shape () in Keras) takes <see cref="KerasOneValueTimes"/>. Otherwise the loss's shape. The call says whether the
    /// loss is one value: the channels-last engine's (1,) stand-in for () cannot be told from a batch of one by its shape
    /// ((1, 1, 1) weights gave (1,) there).
    /// </summary>
    private static long[] KerasUnreducedShape(long[] loss, long[] weights, bool oneValue)
    {
        if (oneValue) return KerasOneValueTimes(weights);
        if (weights.Length == loss.Length + 1 && weights[^1] == 1 && loss.Length == 1) return [.. loss, 1];
        if (loss.Length == weights.Length + 1 && loss[^1] == 1 && weights.Length >= 2) return loss[..^1];
        return loss;
    }

    /// <summary>
    /// The shape of Keras's unreduced one-value loss (shape ()) times sample weights of shape <paramref name="weights"/>:
    /// W, as NumPy broadcasting gives it (<c>squeeze_or_expand_to_same_rank</c> leaves a rank-0 loss alone), except (1,)
    /// weights, which it squeezes to () beside the loss, so the product is () (keras/src/losses/loss.py,
    /// <c>reduce_weighted_values</c>). The one statement of this rule: the results here, and whether the command line
    /// prints a scalar (<see cref="LossDefinition.UnreducedIsScalar(LossArguments?, long[], long[], long[])"/>).
    /// </summary>
    internal static long[] KerasOneValueTimes(long[] weights) => weights is [1] ? [] : weights;

    /// <summary>
    /// Sample weights (already in the loss's dtype) in Keras's shapes, broadcast to the per-element loss: one element (a
    /// scalar weight), a prefix of the loss shape such as (Batch,), or either with trailing length-1 axes (Keras's
    /// <c>[[1.2], [3.4], [5.6]]</c> for a (3,) loss), dropped here; an unreduced result takes Keras's shape back
    /// (<see cref="KerasUnreducedShape"/>).
    /// </summary>
    private static T SampleWeights<T>(ITensorOps<T> ops, T w, long[] lossShape) where T : class
    {
        long[] shape = ops.ShapeOf(w);
        // A one-value loss (shape () in Keras) takes weights of any shape as they are: Keras's product l·w has w's shape,
        // so sum_over_batch_size gives l·mean(w), sum l·Σw, mean_with_sample_weight l (reduce_weighted_values).
        if (Shapes.Count(lossShape) == 1 && Shapes.Count(shape) > 1) return w;
        if (Shapes.Count(shape) == 1 && Shapes.Count(lossShape) != 1)
            return ops.BroadcastTo(ops.Reshape(w, lossShape.Select(_ => 1L).ToArray()), lossShape);
        int rank = shape.Length;
        while (rank > 0 && (rank > lossShape.Length || shape[rank - 1] != lossShape[rank - 1]) && shape[rank - 1] == 1) rank--;
        bool prefix = rank <= lossShape.Length && shape.AsSpan(0, rank).SequenceEqual(lossShape.AsSpan(0, rank));
        if (!prefix)
            throw new ArgumentException(
                "Argument `sampleWeights` must be a scalar or have a shape that is a prefix of the per-element loss shape " +
                "(optionally followed by length-1 axes). " +
                $"Received: sampleWeights.shape={TensorInfo.FormatShape(shape)}, loss shape={TensorInfo.FormatShape(lossShape)}", "sampleWeights");
        long[] padded = [.. shape.AsSpan(0, rank), .. Enumerable.Repeat(1L, lossShape.Length - rank)];
        return ops.BroadcastTo(ops.Reshape(w, padded), lossShape);
    }

    /// <summary>Applies the weights and the reduction: the loss is multiplied by <paramref name="factor"/>, and
    /// <see cref="Reduction.WeightedMean"/> divides by the sum of <paramref name="weights"/> (the same weights, or
    /// those the loss already carries) or by <paramref name="divisor"/>; <paramref name="valid"/> replaces the element
    /// count of <see cref="Reduction.SumOverBatchSize"/>.</summary>
    private static T Reduce<T>(ITensorOps<T> ops, T loss, T? factor, T? weights, Reduction reduction, T? valid, T? divisor) where T : class
    {
        T weighted = factor is null ? loss : ops.Mul(loss, factor);
        return reduction switch
        {
            Reduction.None => weighted,
            Reduction.Sum => ops.Sum(weighted),
            // Without an ignore mask the denominator is the element count: the engine's own mean, one native op.
            Reduction.SumOverBatchSize => valid is null ? ops.Mean(weighted) : ops.DivideNoNan(ops.Sum(weighted), ops.Sum(valid)),
            Reduction.WeightedMean => weights is null ? ops.Mean(weighted) : ops.DivideNoNan(ops.Sum(weighted), divisor ?? ops.Sum(weights)),
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"Unknown reduction. Received: reduction={reduction}"),
        };
    }
}
