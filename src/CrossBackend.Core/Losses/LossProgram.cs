namespace CrossBackend;

/// <summary>
/// One loss call: validates what every loss shares, runs the loss function, then applies sample weights and the
/// reduction — once, for every loss and engine (Keras's <c>Loss.__call__</c>).
/// </summary>
internal sealed class LossProgram(LossDefinition definition, Dictionary<LossOption, object?> values) : ITensorProgram
{
    private readonly LossOption[] _tensorOptions = definition.Options.Where(o => o.Kind == LossOptionKind.Tensor).ToArray();

    /// <summary>The program's inputs: y_pred, y_true, then every tensor-valued option (sample weights first).</summary>
    public object?[] Inputs(object yPred, object? yTrue) => [yPred, yTrue, .. _tensorOptions.Select(o => values[o])];

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
        TensorInfo pred = ops.Describe(yPred);
        Validate.Prediction(pred, definition.MinRank, ops.Engine);
        var tensors = new Dictionary<LossOption, TTensor>();
        for (int i = 0; i < _tensorOptions.Length; i++)
            if (inputs[2 + i] is { } t)
            {
                Validate.SameDevice(pred, ops.Describe(t), _tensorOptions[i].ParameterName);
                tensors[_tensorOptions[i]] = t;
            }
        if (inputs[1] is { } yTrue) Validate.SameDevice(pred, ops.Describe(yTrue), "y_true");

        var c = new LossContext<TTensor>(ops, definition, values, yPred, inputs[1], asGiven[1], tensors);
        Reduction reduction = c.Reduction;
        // Checked before the loss runs: a fused kernel may return the mean directly.
        if (reduction is Reduction.SumOverBatchSize or Reduction.WeightedMean)
            Validate.ElementCount(pred.Shape.Where((_, d) => !c.Axes.Contains(d)).ToArray(), pred);
        LossTerms<TTensor> terms = definition.Function.Compute(c);
        if (terms.Reduced) return [terms.Loss];

        long[] lossShape = ops.ShapeOf(terms.Loss);
        if (!tensors.TryGetValue(LossOption.SampleWeights, out TTensor? given))
            return [Reduce(ops, terms.Loss, terms.Weights, reduction, terms.Valid, null)];
        TTensor cast = ops.Cast(given, pred.DType);
        TTensor sample = SampleWeights(ops, cast, lossShape);
        TTensor weights = terms.Weights is null ? sample : ops.Mul(terms.Weights, sample);
        // Keras's mean_with_sample_weight divides by the sample weights as given, before they are broadcast to the loss:
        // (B, 1) weights on a (B, T) loss divide by Σ w_b, a scalar weight by itself. With class weights or an ignore
        // mask the denominator stays the sum of every element's weight (PyTorch's weighted mean).
        TTensor? divisor = reduction == Reduction.WeightedMean && terms.Weights is null ? ops.Sum(cast) : null;
        TTensor result = Reduce(ops, terms.Loss, weights, reduction, terms.Valid, divisor);
        if (reduction != Reduction.None) return [result];
        long[] kerasShape = KerasUnreducedShape(lossShape, ops.ShapeOf(given));
        return [kerasShape.AsSpan().SequenceEqual(lossShape) ? result : ops.Reshape(result, kerasShape)];
    }

    /// <summary>
    /// The unreduced result's shape in Keras, whose <c>squeeze_or_expand_to_same_rank</c> reshapes the loss rather than
    /// the weights: (B, 1) weights on a (B,) loss give (B, 1); weights of rank ≥ 2 beside a loss with one more, trailing
    /// length-1 axis drop that axis. Otherwise the loss's shape.
    /// </summary>
    private static long[] KerasUnreducedShape(long[] loss, long[] weights)
    {
        if (weights.Length == loss.Length + 1 && weights[^1] == 1 && loss.Length == 1) return [.. loss, 1];
        if (loss.Length == weights.Length + 1 && loss[^1] == 1 && weights.Length >= 2) return loss[..^1];
        return loss;
    }

    /// <summary>
    /// Sample weights (already in the loss's dtype) in Keras's shapes, broadcast to the per-element loss: one element (a
    /// scalar weight), a prefix of the loss shape such as (Batch,), or either with trailing length-1 axes (Keras's
    /// <c>[[1.2], [3.4], [5.6]]</c> for a (3,) loss), dropped here; an unreduced result takes Keras's shape back
    /// (<see cref="KerasUnreducedShape"/>).
    /// </summary>
    private static T SampleWeights<T>(ITensorOps<T> ops, T w, long[] lossShape) where T : class
    {
        long[] shape = ops.ShapeOf(w);
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

    /// <summary>Applies the weights and the reduction; <paramref name="valid"/> replaces the element count of
    /// <see cref="Reduction.SumOverBatchSize"/>, <paramref name="divisor"/> the sum of the weights of
    /// <see cref="Reduction.WeightedMean"/>.</summary>
    private static T Reduce<T>(ITensorOps<T> ops, T loss, T? weights, Reduction reduction, T? valid, T? divisor) where T : class
    {
        T weighted = weights is null ? loss : ops.Mul(loss, weights);
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
