namespace CrossBackend;

public static partial class Metrics
{
    /// <summary>
    /// Keras's <c>accuracy</c>: 1 where y_pred equals y_true, 0 elsewhere, element by element (Keras 3.4 and later; before
    /// 3.4 Keras averaged over the last axis: <see cref="Mean{T}"/> of either gives the same number).
    /// </summary>
    /// <param name="yPred">Predicted values (any numeric dtype).</param>
    /// <param name="yTrue">Targets with y_pred's shape (a length-1 class axis on either is squeezed first, as Keras's
    /// <c>squeeze_or_expand_to_same_rank</c> does).</param>
    /// <returns>One value per element, in the shape of the two inputs after that squeeze. Keras's example: y_true
    /// [[1], [2], [3], [4]], y_pred [[0], [2], [3], [4]] → [[0], [1], [1], [1]] (mean 0.75).</returns>
    /// <exception cref="ArgumentException">The shapes differ, or the tensors belong to different engines.</exception>
    public static TPred Accuracy<TPred, TTrue>(TPred yPred, TTrue yTrue) where TPred : class where TTrue : class =>
        Run<TPred>("Metrics.Accuracy", "yPred", new AccuracyProgram(null), [yPred, yTrue], ["y_pred", "y_true"], castInteger: true);

    /// <summary>
    /// Keras's <c>binary_accuracy</c>: y_pred &gt; <paramref name="threshold"/> compared with y_true (0/1), element by
    /// element (Keras 3.4 and later; before 3.4 Keras averaged over the last axis).
    /// </summary>
    /// <param name="yPred">Probabilities (or any scores compared with <paramref name="threshold"/>).</param>
    /// <param name="yTrue">0/1 targets with y_pred's shape (a length-1 class axis on either is squeezed or expanded, as in
    /// Keras: y_true (4,) against y_pred (4, 1) works).</param>
    /// <param name="threshold">Strictly greater is positive; rounded to y_pred's dtype first, as Keras casts it.</param>
    /// <returns>One value per element, in the shape of the two inputs after that squeeze or expansion. Keras's example:
    /// y_true [[1], [1], [0], [0]], y_pred [[0.98], [1], [0], [0.6]] → [[1], [1], [1], [0]] (mean 0.75).</returns>
    /// <exception cref="ArgumentException">The shapes differ, or the tensors belong to different engines.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN.</exception>
    public static TPred BinaryAccuracy<TPred, TTrue>(TPred yPred, TTrue yTrue, double threshold = 0.5) where TPred : class where TTrue : class =>
        Run<TPred>("Metrics.BinaryAccuracy", "yPred", new AccuracyProgram(MetricChecks.Threshold(threshold)), [yPred, yTrue], ["y_pred", "y_true"], castInteger: true);

    /// <summary><c>accuracy</c> (no threshold) and <c>binary_accuracy</c> (a threshold), written once.</summary>
    private sealed class AccuracyProgram(double? threshold) : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            DType dtype = ops.DTypeOf(inputs[0]!);
            (T yTrue, T yPred) = MetricChecks.SameShape(ops, ops.Cast(inputs[1]!, dtype), inputs[0]!);
            if (threshold is { } t) yPred = ops.CompareAs(CompareOp.Greater, yPred, ops.Scalar(t, dtype), dtype);
            return [ops.CompareAs(CompareOp.Equal, yTrue, yPred, dtype)];
        }
    }
}
