namespace CrossBackend;

public static partial class Metrics
{
    /// <summary>
    /// Keras's <c>categorical_accuracy</c>: 1 where the arg-max of y_pred over the class axis equals the arg-max of y_true
    /// (the first index on ties, as <c>argmax</c> picks it), else 0.
    /// </summary>
    /// <param name="yPred">Probabilities or logits (B, …, C) in the engine's layout.</param>
    /// <param name="yTrue">One-hot (or soft) labels with y_pred's shape.</param>
    /// <returns>Per-sample 0/1: y_pred's shape without the class axis. Keras's example: y_true [[0, 0, 1], [0, 1, 0]],
    /// y_pred [[0.1, 0.9, 0.8], [0.05, 0.95, 0]] → [0, 1].</returns>
    /// <exception cref="ArgumentException">The shapes differ, y_pred has rank &lt; 2 or is not floating point, or the
    /// tensors belong to different engines.</exception>
    public static TPred CategoricalAccuracy<TPred, TTrue>(TPred yPred, TTrue yTrue) where TPred : class where TTrue : class =>
        Run<TPred>("Metrics.CategoricalAccuracy", "yPred", new CategoricalAccuracyProgram(sparse: false), [yPred, yTrue], ["y_pred", "y_true"]);

    /// <summary>
    /// Keras's <c>sparse_categorical_accuracy</c>: 1 where the arg-max of y_pred over the class axis equals the integer
    /// label, else 0 (a label outside [0, C) never matches).
    /// </summary>
    /// <param name="yPred">Probabilities or logits (B, …, C) in the engine's layout.</param>
    /// <param name="yTrue">Class indices (any numeric dtype): y_pred's shape without the class axis, or with a length-1
    /// class axis (Keras's (B, 1)).</param>
    /// <returns>Per-sample 0/1: y_pred's shape without the class axis. Keras's example: y_true [[2], [1]], y_pred
    /// [[0.1, 0.6, 0.3], [0.05, 0.95, 0]] → [0, 1].</returns>
    /// <exception cref="ArgumentException">The label shape does not fit y_pred's, y_pred has rank &lt; 2 or is not
    /// floating point, or the tensors belong to different engines.</exception>
    public static TPred SparseCategoricalAccuracy<TPred, TTrue>(TPred yPred, TTrue yTrue) where TPred : class where TTrue : class =>
        Run<TPred>("Metrics.SparseCategoricalAccuracy", "yPred", new CategoricalAccuracyProgram(sparse: true), [yPred, yTrue], ["y_pred", "y_true"]);

    private sealed class CategoricalAccuracyProgram(bool sparse) : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            T yPred = inputs[0]!;
            TensorInfo pred = ops.Describe(yPred);
            Validate.Prediction(pred);
            int axis = MetricChecks.RequireClasses(pred, MetricChecks.ClassAxis(ops, pred.Rank));
            T labels;
            if (sparse) labels = MetricChecks.SparseLabels(ops, ops.Cast(inputs[1]!, pred.DType), pred, axis);
            else
            {
                MetricChecks.RequireSameShape(ops.Describe(inputs[1]!), pred);
                labels = ops.Cast(ops.ArgMax(ops.Cast(inputs[1]!, pred.DType), axis, keepDims: false), pred.DType);
            }
            T predicted = ops.Cast(ops.ArgMax(yPred, axis, keepDims: false), pred.DType);
            return [ops.CompareAs(CompareOp.Equal, labels, predicted, pred.DType)];
        }
    }
}
