namespace CrossBackend;

public static partial class Metrics
{
    /// <summary>Precision over a batch: TP / (TP + FP), <b>0 when TP + FP = 0</b> (Keras's <c>divide_no_nan</c>,
    /// scikit-learn's <c>zero_division=0</c>).</summary>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/param"/>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/returns"/>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/remarks"/>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/exception"/>
    public static TPred Precision<TPred, TTrue>(TPred yPred, TTrue yTrue, ClassAverage average = ClassAverage.Binary,
        double? threshold = null, object? sampleWeights = null) where TPred : class where TTrue : class =>
        ConfusionMetric(ConfusionKind.Precision, yPred, yTrue, average, threshold, sampleWeights);

    /// <summary>Recall over a batch: TP / (TP + FN), <b>0 when TP + FN = 0</b> (Keras's <c>divide_no_nan</c>,
    /// scikit-learn's <c>zero_division=0</c>).</summary>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/param"/>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/returns"/>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/remarks"/>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/exception"/>
    public static TPred Recall<TPred, TTrue>(TPred yPred, TTrue yTrue, ClassAverage average = ClassAverage.Binary,
        double? threshold = null, object? sampleWeights = null) where TPred : class where TTrue : class =>
        ConfusionMetric(ConfusionKind.Recall, yPred, yTrue, average, threshold, sampleWeights);

    /// <summary>
    /// F1 over a batch: 2·TP / (2·TP + FP + FN) (the harmonic mean of precision and recall), <b>0 when the denominator
    /// is 0</b> (scikit-learn's <c>zero_division=0</c>).
    /// </summary>
    /// <remarks>
    /// <para><b>Counting.</b> Binary: an element is predicted positive when y_pred &gt; threshold (default 0.5, Keras's
    /// <c>Precision</c>/<c>Recall</c>), and is truly positive when y_true ≠ 0. Multi-class (every other
    /// <see cref="ClassAverage"/>): with no threshold a class is predicted where y_pred equals the row's maximum over the
    /// class axis and is not 0 (Keras's <c>F1Score(threshold=None)</c>: tied maxima are all predicted, an all-zero row
    /// predicts nothing); with a threshold, every class with y_pred &gt; threshold (multi-label). Counts are summed over
    /// every axis except the class axis.</para>
    /// <para><b>Zero division.</b> Every ratio is 0 when its denominator is 0, never NaN. Keras's <c>F1Score</c> instead adds
    /// ε = 1e-7 to its denominators, which moves its results by about 1e-7 (its published 0.6666667 is 2/3 here).</para>
    /// </remarks>
    /// <param name="yPred">Binary: probabilities of the positive class, any shape. Multi-class: scores (B, …, C) in the
    /// engine's layout.</param>
    /// <param name="yTrue">Binary: 0/1 labels with y_pred's shape (a length-1 class axis is squeezed, as in Keras).
    /// Multi-class: one-hot (or multi-hot) labels with y_pred's shape, or class indices (y_pred's shape without the
    /// class axis).</param>
    /// <param name="average">How the batch is counted and the classes averaged; see <see cref="ClassAverage"/>.</param>
    /// <param name="threshold">Binary: default 0.5. Multi-class: default none (the arg-max rule above).</param>
    /// <param name="sampleWeights">A tensor of the same engine weighting each count: one element, or a prefix of the sample
    /// shape (y_pred's shape without the class axis in multi-class mode) such as (Batch,); null for equal weights.</param>
    /// <returns>A tensor of y_pred's engine and dtype: (C,) for <see cref="ClassAverage.PerClass"/>, one element
    /// otherwise. Keras's examples: precision and recall of y_true [0, 1, 1, 1], y_pred [1, 0, 1, 1] are 0.6666667;
    /// F1 per class of Keras's F1Score example (threshold 0.5) is [0.5, 0.8, 0.6666667].</returns>
    /// <exception cref="ArgumentException">Shapes do not fit, y_pred is not floating point, the weights' shape does not fit,
    /// or the tensors belong to different engines.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN, or <paramref name="average"/> is
    /// not a <see cref="ClassAverage"/>.</exception>
    public static TPred F1Score<TPred, TTrue>(TPred yPred, TTrue yTrue, ClassAverage average = ClassAverage.Binary,
        double? threshold = null, object? sampleWeights = null) where TPred : class where TTrue : class =>
        ConfusionMetric(ConfusionKind.F1, yPred, yTrue, average, threshold, sampleWeights);

    internal enum ConfusionKind { Precision, Recall, F1 }

    private static TPred ConfusionMetric<TPred, TTrue>(ConfusionKind kind, TPred yPred, TTrue yTrue, ClassAverage average,
        double? threshold, object? sampleWeights) where TPred : class where TTrue : class
    {
        if (!Enum.IsDefined(average))
            throw new ArgumentOutOfRangeException(nameof(average), average, $"Argument `average` must be a ClassAverage. Received: average={average}");
        if (threshold is { } t) MetricChecks.Threshold(t);
        if (average == ClassAverage.Binary) threshold ??= 0.5;
        return (TPred)Run(new ConfusionProgram(kind, average, threshold), [yPred, yTrue, sampleWeights], ["y_pred", "y_true", "sampleWeights"]);
    }

    private sealed class ConfusionProgram(ConfusionKind kind, ClassAverage average, double? threshold) : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            TensorInfo pred = ops.Describe(inputs[0]!);
            Validate.Prediction(pred, minRank: 1);
            DType dtype = pred.DType;
            (T predicted, T actual, T? weights, int[] axes) = average == ClassAverage.Binary
                ? Binary(ops, inputs, dtype)
                : MultiClass(ops, inputs, pred, dtype);
            T notPredicted = ops.RSub(1, predicted), notActual = ops.RSub(1, actual);
            T Count(T a, T b) => ops.Sum(weights is null ? ops.Mul(a, b) : ops.Mul(ops.Mul(a, b), weights), axes);
            T tp = Count(predicted, actual), fp = Count(predicted, notActual), fn = Count(notPredicted, actual);
            if (average == ClassAverage.Micro) (tp, fp, fn) = (ops.Sum(tp), ops.Sum(fp), ops.Sum(fn));

            T score = Score(ops, tp, fp, fn);
            return [average switch
            {
                ClassAverage.Macro => ops.Mean(score),
                ClassAverage.Weighted => ops.DivideNoNan(ops.Sum(ops.Mul(score, ops.Add(tp, fn))), ops.Sum(ops.Add(tp, fn))),
                _ => score,
            }];
        }

        private T Score<T>(ITensorOps<T> ops, T tp, T fp, T fn) where T : class => kind switch
        {
            ConfusionKind.Precision => ops.DivideNoNan(tp, ops.Add(tp, fp)),
            ConfusionKind.Recall => ops.DivideNoNan(tp, ops.Add(tp, fn)),
            _ => ops.DivideNoNan(ops.Mul(tp, 2.0), ops.Add(ops.Add(ops.Mul(tp, 2.0), fp), fn)),
        };

        /// <summary>0/1 predictions and labels of the same shape, weights broadcast to it, every axis counted.</summary>
        private (T, T, T?, int[]) Binary<T>(ITensorOps<T> ops, T?[] inputs, DType dtype) where T : class
        {
            (T yTrue, T yPred) = MetricChecks.SameShape(ops, ops.Cast(inputs[1]!, dtype), inputs[0]!);
            long[] shape = ops.ShapeOf(yPred);
            T predicted = ops.CompareAs(CompareOp.Greater, yPred, ops.Scalar(threshold!.Value, dtype), dtype);
            T actual = ops.CompareAs(CompareOp.NotEqual, yTrue, ops.Scalar(0, dtype), dtype);
            T? weights = inputs[2] is { } w ? MetricChecks.Weights(ops, w, shape, dtype) : null;
            return (predicted, actual, weights, Enumerable.Range(0, shape.Length).ToArray());
        }

        /// <summary>0/1 predictions and labels per class, weights at the class axis, counted over every other axis.</summary>
        private (T, T, T?, int[]) MultiClass<T>(ITensorOps<T> ops, T?[] inputs, TensorInfo pred, DType dtype) where T : class
        {
            T yPred = inputs[0]!;
            int axis = MetricChecks.RequireClasses(pred, MetricChecks.ClassAxis(ops, pred.Rank));
            long classes = pred.Shape[axis];
            T yTrue = ops.Cast(inputs[1]!, dtype);
            T actual = ops.ShapeOf(yTrue).AsSpan().SequenceEqual(pred.Shape)
                ? ops.CompareAs(CompareOp.NotEqual, yTrue, ops.Scalar(0, dtype), dtype)
                : ops.OneHot(MetricChecks.SparseLabels(ops, yTrue, pred, axis), (int)classes, axis, dtype);
            T predicted = threshold is { } t
                ? ops.CompareAs(CompareOp.Greater, yPred, ops.Scalar(t, dtype), dtype)
                : ops.Mul(ops.CompareAs(CompareOp.GreaterEqual, yPred, ops.Max(yPred, axis, keepDims: true), dtype),
                          ops.CompareAs(CompareOp.Greater, ops.Abs(yPred), ops.Scalar(1e-9, dtype), dtype));
            T? weights = null;
            if (inputs[2] is { } w)
            {
                long[] sampleShape = Shapes.Without(pred.Shape, axis);
                weights = ops.ExpandDims(MetricChecks.Weights(ops, w, sampleShape, dtype), axis);
            }
            return (predicted, actual, weights, MetricChecks.AllBut(pred.Rank, axis));
        }
    }
}
