namespace CrossBackend;

public static partial class Metrics
{
    /// <summary>
    /// FastEstimator's <c>dice_score</c> (<c>fe.backend.dice_score</c>) as a metric: per sample and channel,
    /// 2·Σ(p·y) / (Σp + Σy + ε) over the spatial axes, with FastEstimator's options and defaults.
    /// </summary>
    /// <remarks>
    /// <para>The channel axis is the engine's (FastEstimator: 1 for torch, −1 for TensorFlow/NumPy), so the same data in
    /// each engine's layout gives the same (B, C) scores. FastEstimator's docstring example (channels-last (1, 3, 3, 3))
    /// gives [[0.90909083, 0.79999984, 0.79999995]]; the same raw array read channels-first gives
    /// [[0.8000, 0.8000, 0.9091]].</para>
    /// <para>FastEstimator's <c>Dice</c> trace (the metric it reports) calls this with <paramref name="threshold"/> 0.5,
    /// <paramref name="emptyNan"/> true and <paramref name="epsilon"/> 1e-8, then averages per channel ignoring NaN.</para>
    /// </remarks>
    /// <param name="yPred">Predicted masks (B, C, …) on a channels-first engine, (B, …, C) on a channels-last one; rank ≥ 3.</param>
    /// <param name="yTrue">Ground-truth masks with y_pred's shape (cast to y_pred's dtype).</param>
    /// <param name="softDice">Square the terms of the denominator.</param>
    /// <param name="sampleAverage">Average over the batch.</param>
    /// <param name="channelAverage">Average over the channels.</param>
    /// <param name="channelWeights">A tensor of the same engine with C weights ((C,) or (1, C)) multiplying each channel's
    /// score before averaging; null for none.</param>
    /// <param name="maskOverlap">False: a pixel belongs only to its highest-scoring channel (others are zeroed first).</param>
    /// <param name="threshold">Binarise y_pred (strictly greater is 1) before scoring; null keeps continuous values.</param>
    /// <param name="emptyNan">NaN (rather than ≈0) where both masks of a channel are empty (max of both &lt; 1e-4).</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <returns>(B, C) scores; (B,) with <paramref name="channelAverage"/>; (C,) with <paramref name="sampleAverage"/>;
    /// one element with both.</returns>
    /// <exception cref="ArgumentException">Shapes differ, rank &lt; 3, or the channel weights do not have C elements.
    /// Integer and bool y_pred are scored in float32 (FastEstimator's examples pass int arrays).</exception>
    public static TPred DiceScore<TPred, TTrue>(TPred yPred, TTrue yTrue, bool softDice = false, bool sampleAverage = false,
        bool channelAverage = false, object? channelWeights = null, bool maskOverlap = true, double? threshold = null,
        bool emptyNan = false, double epsilon = 1e-6) where TPred : class where TTrue : class
    {
        if (threshold is { } t) MetricChecks.Threshold(t);
        if (!(epsilon >= 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"Argument `epsilon` must be >= 0. Received: epsilon={epsilon}");
        var program = new DiceProgram(softDice, sampleAverage, channelAverage, maskOverlap, threshold, emptyNan, epsilon);
        // Integer or bool masks (FastEstimator's own examples pass int arrays) are scored in float32, Keras's dtype for them.
        return Run<TPred>("Metrics.DiceScore", "yPred", program, [yPred, yTrue, channelWeights], ["y_pred", "y_true", "channelWeights"],
            castInteger: true, castTo: DType.Float32);
    }

    private sealed class DiceProgram(bool softDice, bool sampleAverage, bool channelAverage, bool maskOverlap,
        double? threshold, bool emptyNan, double epsilon) : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            T yPred = inputs[0]!;
            TensorInfo pred = ops.Describe(yPred);
            Validate.Prediction(pred, minRank: 3);
            DType dtype = pred.DType;
            T yTrue = ops.Cast(inputs[1]!, dtype);
            MetricChecks.RequireSameShape(ops.Describe(yTrue), pred);
            int channel = MetricChecks.ClassAxis(ops, pred.Rank);
            int[] spatial = MetricChecks.AllBut(pred.Rank, 0, channel);
            T zero = ops.Scalar(0, dtype), one = ops.Scalar(1, dtype);

            if (!maskOverlap)
            {
                T pick = ops.Max(yPred, channel, keepDims: true);
                yPred = ops.Where(ops.Compare(CompareOp.GreaterEqual, yPred, pick), yPred, zero);
            }
            if (threshold is { } t) yPred = ops.Where(ops.Compare(CompareOp.Greater, yPred, ops.Scalar(t, dtype)), one, zero);

            T numerator = ops.Sum(ops.Mul(yPred, yTrue), spatial);
            T denominator = softDice
                ? ops.Add(ops.Sum(ops.Square(yPred), spatial), ops.Sum(ops.Square(yTrue), spatial))
                : ops.Add(ops.Sum(yPred, spatial), ops.Sum(yTrue, spatial));
            T dice = ops.Div(ops.Mul(numerator, 2.0), ops.Add(denominator, epsilon));   // (B, C)

            if (inputs[2] is { } weights)
            {
                T w = ops.Cast(weights, dtype);
                long channels = pred.Shape[channel];
                if (Shapes.Count(ops.ShapeOf(w)) != channels)
                    throw new ArgumentException(
                        $"Argument `channelWeights` must hold one weight per channel ({channels}), shaped (C,) or (1, C). " +
                        $"Received: channelWeights.shape={TensorInfo.FormatShape(ops.ShapeOf(w))}", "channelWeights");
                dice = ops.Mul(dice, ops.Reshape(w, [1, channels]));
            }
            if (emptyNan)
            {
                T empty = ops.Compare(CompareOp.Less,
                    ops.Add(ops.Reduce(ReduceOp.Max, yTrue, spatial, false), ops.Reduce(ReduceOp.Max, yPred, spatial, false)),
                    ops.Scalar(1e-4, dtype));
                dice = ops.Where(empty, ops.Scalar(double.NaN, dtype), dice);
            }
            if (channelAverage) dice = ops.Mean(dice, 1);
            if (sampleAverage) dice = ops.Mean(dice, 0);
            return [dice];
        }
    }
}
