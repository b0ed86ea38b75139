namespace CrossBackend;

/// <summary>How <see cref="Metrics.R2Score{TPred,TTrue}"/> combines the scores of the outputs (Keras's
/// <c>class_aggregation</c>, scikit-learn's <c>multioutput</c>).</summary>
public enum R2Aggregation
{
    /// <summary>The plain mean of the outputs' scores (Keras's and scikit-learn's default, <c>"uniform_average"</c>).</summary>
    UniformAverage,
    /// <summary>The outputs' scores weighted by the (weighted) variance of their y_true (<c>"variance_weighted_average"</c>).</summary>
    VarianceWeightedAverage,
    /// <summary>One score per output, a (C,) result (Keras's <c>class_aggregation=None</c>, scikit-learn's
    /// <c>"raw_values"</c>).</summary>
    PerOutput,
}

public static partial class Metrics
{
    /// <summary>
    /// Keras's <c>R2Score</c> after one <c>update_state</c> on the batch: per output column, 1 − Σw(y − ŷ)² / Σw(y − ȳ)²
    /// with ȳ the weighted mean of y_true, then aggregated; optionally adjusted for <paramref name="numRegressors"/>.
    /// </summary>
    /// <remarks>
    /// <para><b>Constant y_true</b> (every weighted y_true of a column equal), Keras's rule: its total sum of squares is
    /// 0, so the column scores <b>0</b> when the predictions miss and <b>NaN</b> when they are exact (Keras computes
    /// 1 − 0/0; scikit-learn's <c>r2_score</c> gives 1.0 there and 0.0 for a miss with its default
    /// <c>force_finite=True</c>). Worked example: y_true [[1], [1]], y_pred [[1], [1]] → NaN here and in Keras, 1.0 in
    /// scikit-learn; y_pred [[1], [2]] → 0 in all three. A NaN column makes the averages NaN, as in Keras. Constancy is
    /// tested exactly (maximum = minimum over the rows with a non-zero weight), not from the rounded variance, so
    /// y_true [0.1, 0.1, 0.1] is constant on every engine (Keras's float32 Σy² − (Σy)²/n leaves a rounding residue
    /// there, giving a huge negative score). No weighted row at all: NaN (Keras's 0/0 mean).</para>
    /// <para>The variance is Σw(y − ȳ)², mathematically Keras's Σwy² − ȳ·Σwy, without its cancellation.</para>
    /// <para><b>Adjusted R²</b>: 1 − (1 − R²)(n − 1)/(n − p − 1) with Keras's n = the number of y_true <i>elements</i>
    /// (batch × outputs, Keras's <c>ops.size(y_true)</c>), not scikit-learn-style samples; when p ≥ n − 1 the plain
    /// score is returned (Keras warns and falls back).</para>
    /// </remarks>
    /// <param name="yPred">Predictions (Batch, Outputs); a (Batch,) tensor beside (Batch, 1) labels is expanded, as
    /// Keras's <c>squeeze_or_expand_to_same_rank</c> does. Integer tensors are computed in float32.</param>
    /// <param name="yTrue">Targets of y_pred's shape (or (Batch,) beside a (Batch, 1) y_pred).</param>
    /// <param name="aggregation">How the outputs' scores are combined; default the uniform average.</param>
    /// <param name="numRegressors">p ≥ 0: the number of independent regressors for the adjusted score; 0 is the plain
    /// score.</param>
    /// <param name="sampleWeights">A tensor of the same engine, null for weights of 1: one element, (Batch,) or
    /// (Batch, 1) (one weight per row), (1, Outputs) or (Batch, Outputs).</param>
    /// <returns>A tensor of y_pred's engine and floating dtype: one element, or (Outputs,) for
    /// <see cref="R2Aggregation.PerOutput"/>. Keras's example: y_true [[1], [4], [3]], y_pred [[2], [4], [4]] →
    /// 0.57142854 (4/7).</returns>
    /// <exception cref="ArgumentException">Inputs that are not 2-D (Keras: "R2Score expects 2D inputs with shape
    /// (batch_size, output_dim)"), shapes that differ, weights that do not fit, a negative
    /// <paramref name="numRegressors"/> or an undefined <paramref name="aggregation"/>.</exception>
    public static TPred R2Score<TPred, TTrue>(TPred yPred, TTrue yTrue, R2Aggregation aggregation = R2Aggregation.UniformAverage,
        int numRegressors = 0, object? sampleWeights = null) where TPred : class where TTrue : class
    {
        if (!Enum.IsDefined(aggregation))
            throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation,
                $"Argument `aggregation` must be an R2Aggregation (Keras's class_aggregation: uniform_average, variance_weighted_average or None). Received: aggregation={aggregation}");
        if (numRegressors < 0)
            throw new ArgumentOutOfRangeException(nameof(numRegressors), numRegressors,
                $"Argument `numRegressors` must be >= 0 (0 gives the plain R2 score). Received: numRegressors={numRegressors}");
        return Run<TPred>("Metrics.R2Score", "yPred", new R2Program(aggregation, numRegressors), [yPred, yTrue, sampleWeights],
            ["y_pred", "y_true", "sampleWeights"], castInteger: true, castTo: DType.Float32);
    }

    private sealed class R2Program(R2Aggregation aggregation, int numRegressors) : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            TensorInfo pred = ops.Describe(inputs[0]!);
            Validate.Prediction(pred, minRank: 0);
            DType dtype = pred.DType;
            (T yTrue, T yPred) = MetricChecks.SameRank(ops, ops.Cast(inputs[1]!, dtype), inputs[0]!);
            long[] shape = ops.ShapeOf(yPred), trueShape = ops.ShapeOf(yTrue);
            if (shape.Length != 2 || trueShape.Length != 2)
                throw new ArgumentException(
                    "Arguments `y_pred` and `y_true` must be 2-D: R2Score expects 2D inputs with shape (batch_size, output_dim), as Keras's R2Score " +
                    "does; reshape a single output to (batch_size, 1). " +
                    $"Received: y_pred.shape={pred.ShapeText}, y_true.shape={TensorInfo.FormatShape(ops.ShapeOf(inputs[1]!))}", "y_pred");
            if (!shape.AsSpan().SequenceEqual(trueShape))
                throw new ArgumentException(
                    $"Arguments `y_true` and `y_pred` must have the same shape (batch_size, output_dim). Received: y_pred.shape={pred.ShapeText}, " +
                    $"y_true.shape={TensorInfo.FormatShape(ops.ShapeOf(inputs[1]!))}", "y_true");
            T w = inputs[2] is { } given ? MetricChecks.Weights(ops, given, shape, dtype) : ops.Full(shape, 1, dtype);

            T count = ops.Sum(w, [0]);
            T mean = ops.Div(ops.Sum(ops.Mul(w, yTrue), [0]), count);
            T total = ops.Sum(ops.Mul(w, ops.Square(ops.Sub(yTrue, mean))), [0]);
            T residual = ops.Sum(ops.Mul(w, ops.Square(ops.Sub(yTrue, yPred))), [0]);
            // Constant y_true over the weighted rows: Keras's total is 0 there, and 1 − residual/0 is −∞ (which Keras sets
            // to 0) or NaN for an exact fit.
            T weighted = ops.Compare(CompareOp.NotEqual, w, ops.Scalar(0, dtype));
            T highest = ops.Reduce(ReduceOp.Max, ops.Where(weighted, yTrue, ops.Scalar(double.NegativeInfinity, dtype)), [0], false);
            T lowest = ops.Reduce(ReduceOp.Min, ops.Where(weighted, yTrue, ops.Scalar(double.PositiveInfinity, dtype)), [0], false);
            T constant = ops.Compare(CompareOp.LessEqual, highest, lowest);
            total = ops.Where(constant, ops.Scalar(0, dtype), total);
            T constantScore = ops.Where(ops.Compare(CompareOp.Equal, residual, ops.Scalar(0, dtype)), ops.Scalar(double.NaN, dtype), ops.Scalar(0, dtype));
            T raw = ops.Where(constant, constantScore, ops.RSub(1, ops.Div(residual, total)));

            T score = aggregation switch
            {
                R2Aggregation.UniformAverage => ops.Mean(raw),
                R2Aggregation.VarianceWeightedAverage => ops.Div(ops.Sum(ops.Mul(total, raw)), ops.Sum(total)),
                _ => raw,
            };
            // Keras's n is the number of y_true elements; with p >= n - 1 it warns and keeps the plain score.
            double n = Shapes.Count(shape), p = numRegressors;
            if (p == 0 || p >= n - 1) return [score];
            return [ops.RSub(1, ops.Mul(ops.RSub(1, score), (n - 1) / (n - p - 1)))];
        }
    }
}
