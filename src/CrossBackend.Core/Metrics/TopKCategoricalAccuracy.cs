namespace CrossBackend;

public static partial class Metrics
{
    /// <summary>
    /// Keras's <c>top_k_categorical_accuracy</c>: 1 where the true class (the arg-max of y_true) is among the
    /// <paramref name="k"/> highest scores of y_pred, else 0.
    /// </summary>
    /// <remarks>
    /// Ties follow TensorFlow's <c>in_top_k</c> (and Keras's torch and JAX backends, which compare with the k-th largest
    /// value): the true class is in the top k when fewer than k classes score <i>strictly</i> higher, so classes tied
    /// at the boundary are all in. A row with any non-finite score (NaN, ±∞), the true class's or another's, is never
    /// in the top k: TensorFlow's kernel (<c>in_topk_op.h</c>) cannot say there, and Keras 3's TensorFlow backend calls it
    /// (Keras's torch backend agrees for a NaN, its JAX backend does not). k larger than the number of classes is
    /// allowed: every row of finite scores is then in. Computed on the engine with general ops (a gather, a comparison
    /// and a count per row), no host round trip.
    /// </remarks>
    /// <param name="yPred">Scores (B, …, C) in the engine's layout.</param>
    /// <param name="yTrue">One-hot labels with y_pred's shape.</param>
    /// <param name="k">How many top scores count; ≥ 1. Keras's default is 5.</param>
    /// <returns>Per-sample 0/1: y_pred's shape without the class axis. Keras's example (k=1): y_true [[0, 0, 1],
    /// [0, 1, 0]], y_pred [[0.1, 0.9, 0.8], [0.05, 0.95, 0]] → [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException">The shapes differ, y_pred has rank &lt; 2, or the tensors belong to different
    /// engines.</exception>
    public static TPred TopKCategoricalAccuracy<TPred, TTrue>(TPred yPred, TTrue yTrue, int k = 5) where TPred : class where TTrue : class =>
        Run<TPred>("Metrics.TopKCategoricalAccuracy", "yPred", new TopKProgram(MetricChecks.K(k), sparse: false), [yPred, yTrue], ["y_pred", "y_true"]);

    /// <summary>
    /// Keras's <c>sparse_top_k_categorical_accuracy</c>: 1 where the integer label is among the <paramref name="k"/>
    /// highest scores of y_pred, else 0; ties and non-finite scores as in <see cref="TopKCategoricalAccuracy{TPred,TTrue}"/>
    /// (a row with a NaN or ±∞ score is never in). A label outside [0, C) is never in the top k (TensorFlow's rule).
    /// </summary>
    /// <param name="yPred">Scores (B, …, C) in the engine's layout.</param>
    /// <param name="yTrue">Class indices: y_pred's shape without the class axis, or with a length-1 class axis.</param>
    /// <param name="k">How many top scores count; ≥ 1. Keras's default is 5.</param>
    /// <returns>Per-sample 0/1 with y_true's shape (Keras reshapes the matches to y_true's shape, so labels (B, 1) give
    /// (B, 1)). Keras's example (k=1): y_true [2, 1], y_pred [[0.1, 0.9, 0.8], [0.05, 0.95, 0]] → [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException">The label shape does not fit y_pred's, y_pred has rank &lt; 2, or the tensors
    /// belong to different engines.</exception>
    public static TPred SparseTopKCategoricalAccuracy<TPred, TTrue>(TPred yPred, TTrue yTrue, int k = 5) where TPred : class where TTrue : class =>
        Run<TPred>("Metrics.SparseTopKCategoricalAccuracy", "yPred", new TopKProgram(MetricChecks.K(k), sparse: true), [yPred, yTrue], ["y_pred", "y_true"]);

    private sealed class TopKProgram(int k, bool sparse) : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            T yPred = inputs[0]!;
            TensorInfo pred = ops.Describe(yPred);
            Validate.Prediction(pred);
            int axis = MetricChecks.RequireClasses(pred, MetricChecks.ClassAxis(ops, pred.Rank));
            DType dtype = pred.DType;
            T labels, valid;
            long[] resultShape;
            if (sparse)
            {
                T given = ops.Cast(inputs[1]!, dtype);
                resultShape = ops.ShapeOf(given);
                labels = MetricChecks.SparseLabels(ops, given, pred, axis);
                valid = MetricChecks.ValidLabels(ops, labels, pred.Shape[axis], dtype);
                labels = ops.Where(ops.Compare(CompareOp.Equal, valid, ops.Scalar(1, dtype)), labels, ops.Scalar(0, dtype));
            }
            else
            {
                MetricChecks.RequireSameShape(ops.Describe(inputs[1]!), pred);
                labels = ops.Cast(ops.ArgMax(ops.Cast(inputs[1]!, dtype), axis, keepDims: false), dtype);
                resultShape = ops.ShapeOf(labels);
                valid = ops.Full(resultShape, 1, dtype);
            }
            // The true class's score, kept at the class axis so it broadcasts against its row.
            T target = ops.TakeAlongAxis(yPred, ops.ExpandDims(labels, axis), axis);
            T higher = ops.Sum(ops.CompareAs(CompareOp.Greater, yPred, target, dtype), axis);
            T inTop = ops.CompareAs(CompareOp.Less, higher, ops.Scalar(k, dtype), dtype);
            // TensorFlow's in_top_k "cannot say" when any score of the row is non-finite: the row is never in. x − x is 0
            // exactly when x is finite (NaN for NaN and ±∞), so the row's sum of x − x is 0 only when every score is.
            T finite = ops.CompareAs(CompareOp.Equal, ops.Sum(ops.Sub(yPred, yPred), [axis]), ops.Scalar(0, dtype), dtype);
            T matches = ops.Mul(ops.Mul(inTop, finite), valid);
            return [ops.Reshape(matches, resultShape)];
        }
    }
}
