namespace CrossBackend;

public static partial class Metrics
{
    /// <summary>Precision over a batch: TP / (TP + FP), <b>0 when TP + FP = 0</b> (Keras's <c>divide_no_nan</c>,
    /// scikit-learn's <c>zero_division=0</c>).</summary>
    /// <param name="yPred">As <see cref="F1Score{TPred,TTrue}"/>: probabilities (binary) or scores (B, …, C).</param>
    /// <param name="yTrue">As <see cref="F1Score{TPred,TTrue}"/>: 0/1 labels of y_pred's shape, or class indices.</param>
    /// <param name="average">How the batch is counted and the classes averaged; see <see cref="ClassAverage"/>.</param>
    /// <param name="threshold">Binary: default 0.5 (Keras's NEG_INF with <paramref name="topK"/>). Multi-class: default none.</param>
    /// <param name="sampleWeights">As <see cref="F1Score{TPred,TTrue}"/>: one element, (Batch,), per-timestep (Batch, T)
    /// beside (Batch, T, C), or y_pred's rank in the engine's layout.</param>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/returns"/>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/remarks"/>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/exception"/>
    /// <param name="topK">Keras's <c>top_k</c> (binary only): only the k highest scores along the class axis can be predicted
    /// positive (ties go to the lower index, as <c>ops.top_k</c>); the threshold then defaults to Keras's NEG_INF (−1e10), so
    /// every kept score counts. Precision at k.</param>
    /// <param name="classId">Keras's <c>class_id</c> (binary only, y_pred of rank ≥ 2 as Keras 3 requires): count only this
    /// class's column of the class axis (after <paramref name="topK"/>'s filter).</param>
    public static TPred Precision<TPred, TTrue>(TPred yPred, TTrue yTrue, ClassAverage average = ClassAverage.Binary,
        double? threshold = null, object? sampleWeights = null, int? topK = null, int? classId = null)
        where TPred : class where TTrue : class =>
        ConfusionMetric(ConfusionKind.Precision, yPred, yTrue, average, threshold, sampleWeights, 1.0, topK, classId);

    /// <summary>Recall over a batch: TP / (TP + FN), <b>0 when TP + FN = 0</b> (Keras's <c>divide_no_nan</c>,
    /// scikit-learn's <c>zero_division=0</c>).</summary>
    /// <param name="yPred">As <see cref="F1Score{TPred,TTrue}"/>: probabilities (binary) or scores (B, …, C).</param>
    /// <param name="yTrue">As <see cref="F1Score{TPred,TTrue}"/>: 0/1 labels of y_pred's shape, or class indices.</param>
    /// <param name="average">How the batch is counted and the classes averaged; see <see cref="ClassAverage"/>.</param>
    /// <param name="threshold">Binary: default 0.5 (Keras's NEG_INF with <paramref name="topK"/>). Multi-class: default none.</param>
    /// <param name="sampleWeights">As <see cref="F1Score{TPred,TTrue}"/>: one element, (Batch,), per-timestep (Batch, T)
    /// beside (Batch, T, C), or y_pred's rank in the engine's layout.</param>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/returns"/>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/remarks"/>
    /// <inheritdoc cref="F1Score{TPred,TTrue}" path="/exception"/>
    /// <param name="topK">Keras's <c>top_k</c> (binary only): only the k highest scores along the class axis can be predicted
    /// positive (ties go to the lower index, as <c>ops.top_k</c>); the threshold then defaults to Keras's NEG_INF (−1e10), so
    /// every kept score counts. Recall at k.</param>
    /// <param name="classId">Keras's <c>class_id</c> (binary only, y_pred of rank ≥ 2 as Keras 3 requires): count only this
    /// class's column of the class axis (after <paramref name="topK"/>'s filter).</param>
    public static TPred Recall<TPred, TTrue>(TPred yPred, TTrue yTrue, ClassAverage average = ClassAverage.Binary,
        double? threshold = null, object? sampleWeights = null, int? topK = null, int? classId = null)
        where TPred : class where TTrue : class =>
        ConfusionMetric(ConfusionKind.Recall, yPred, yTrue, average, threshold, sampleWeights, 1.0, topK, classId);

    /// <summary>Precision at each of several thresholds (Keras's <c>Precision(thresholds=[...])</c>), binary counting:
    /// one value per threshold, in their order; one threshold gives one value, as Keras returns it.</summary>
    /// <param name="yPred">Probabilities of the positive class, any shape (with <paramref name="topK"/> or
    /// <paramref name="classId"/>, scores along the engine's class axis).</param>
    /// <param name="yTrue">0/1 labels of y_pred's shape.</param>
    /// <param name="thresholds">At least one; an element is predicted positive when y_pred &gt; the threshold.</param>
    /// <param name="sampleWeights">As <see cref="Precision{TPred,TTrue}(TPred,TTrue,ClassAverage,double?,object?,int?,int?)"/>.</param>
    /// <param name="topK">As <see cref="Precision{TPred,TTrue}(TPred,TTrue,ClassAverage,double?,object?,int?,int?)"/>.</param>
    /// <param name="classId">As <see cref="Precision{TPred,TTrue}(TPred,TTrue,ClassAverage,double?,object?,int?,int?)"/>.</param>
    /// <returns>A (T,) tensor of y_pred's engine and dtype for T thresholds (one element for one). Keras's example:
    /// thresholds [0.5, 0.7], y_pred [1, 0, 0.6, 0], y_true [0, 1, 1, 0] → [0.5, 0].</returns>
    /// <exception cref="ArgumentException"><paramref name="thresholds"/> is empty or holds NaN or a value outside [0, 1]
    /// (Keras's range), or a bad tensor.</exception>
    public static TPred Precision<TPred, TTrue>(TPred yPred, TTrue yTrue, IReadOnlyList<double> thresholds, object? sampleWeights = null,
        int? topK = null, int? classId = null) where TPred : class where TTrue : class =>
        AtThresholds(ConfusionKind.Precision, yPred, yTrue, thresholds, sampleWeights, topK, classId);

    /// <summary>Recall at each of several thresholds (Keras's <c>Recall(thresholds=[...])</c>), binary counting: one value
    /// per threshold, in their order; one threshold gives one value, as Keras returns it.</summary>
    /// <inheritdoc cref="Precision{TPred,TTrue}(TPred,TTrue,IReadOnlyList{double},object?,int?,int?)" path="/param"/>
    /// <returns>A (T,) tensor of y_pred's engine and dtype for T thresholds (one element for one). Keras's example:
    /// thresholds [0.5, 0.7], y_pred [1, 0, 0.6, 0], y_true [0, 1, 1, 0] → [0.5, 0].</returns>
    /// <exception cref="ArgumentException"><paramref name="thresholds"/> is empty or holds NaN or a value outside [0, 1]
    /// (Keras's range), or a bad tensor.</exception>
    public static TPred Recall<TPred, TTrue>(TPred yPred, TTrue yTrue, IReadOnlyList<double> thresholds, object? sampleWeights = null,
        int? topK = null, int? classId = null) where TPred : class where TTrue : class =>
        AtThresholds(ConfusionKind.Recall, yPred, yTrue, thresholds, sampleWeights, topK, classId);

    /// <summary>Precision or recall at each of <paramref name="thresholds"/> (binary counting); the registry's entry for
    /// Keras's <c>thresholds</c> list.</summary>
    internal static TPred AtThresholds<TPred, TTrue>(ConfusionKind kind, TPred yPred, TTrue yTrue, IReadOnlyList<double> thresholds,
        object? sampleWeights, int? topK, int? classId) where TPred : class where TTrue : class
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (thresholds.Count == 0)
            throw new ArgumentException("Argument `thresholds` must hold at least one threshold. Received: thresholds=[]", nameof(thresholds));
        foreach (double t in thresholds) MetricChecks.UnitThreshold(t, aboveZero: false, nameof(thresholds));
        CheckBinaryOptions(ClassAverage.Binary, topK, classId);
        return Run<TPred>($"Metrics.{kind}", "yPred", new ConfusionProgram(kind, ClassAverage.Binary, [.. thresholds], 1.0, topK, classId), [yPred, yTrue, sampleWeights],
            ["y_pred", "y_true", "sampleWeights"]);
    }

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
    /// <param name="average">How the batch is counted and the classes averaged; see <see cref="ClassAverage"/>. The default
    /// is Keras's <c>F1Score</c>/<c>FBetaScore</c> default (<c>average=None</c>): one score per class. (Precision and
    /// recall default to <see cref="ClassAverage.Binary"/>, as Keras's <c>Precision</c>/<c>Recall</c> count.)</param>
    /// <param name="threshold">Binary: default 0.5. Multi-class: default none (the arg-max rule above).</param>
    /// <param name="sampleWeights">A tensor of the same engine weighting each count, null for equal weights: one element;
    /// or y_pred's leading axes without the class axis, each of their length or 1, such as (Batch,) or per-timestep
    /// (Batch, T), in the order every engine shares (binary counting: they weigh every element of the class axis alike,
    /// which is Keras's last axis even for binary data); or, binary counting, y_pred's rank in the engine's layout
    /// (moved with the data, such as Keras's (Batch, T, 1)), each axis of y_pred's length or 1.</param>
    /// <returns>A tensor of y_pred's engine and dtype: (C,) for <see cref="ClassAverage.PerClass"/>, one element
    /// otherwise. Keras's examples: precision and recall of y_true [0, 1, 1, 1], y_pred [1, 0, 1, 1] are 0.6666667;
    /// F1 per class of Keras's F1Score example (threshold 0.5) is [0.5, 0.8, 0.6666667].</returns>
    /// <exception cref="ArgumentException">Shapes do not fit, y_pred is not floating point, the weights' shape does not fit,
    /// or the tensors belong to different engines.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN or outside Keras's range ((0, 1] for
    /// F1 and F-beta, [0, 1] for precision and recall), or <paramref name="average"/> is not a <see cref="ClassAverage"/>.</exception>
    public static TPred F1Score<TPred, TTrue>(TPred yPred, TTrue yTrue, ClassAverage average = ClassAverage.PerClass,
        double? threshold = null, object? sampleWeights = null) where TPred : class where TTrue : class =>
        ConfusionMetric(ConfusionKind.F1, yPred, yTrue, average, threshold, sampleWeights, 1.0, null, null);

    /// <summary>
    /// F-beta over a batch (Keras's <c>FBetaScore</c>): (1 + β²)·TP / ((1 + β²)·TP + FP + β²·FN), the weighted harmonic
    /// mean (1 + β²)·P·R / (β²·P + R) in which recall counts β times as much as precision; <b>0 when the denominator is
    /// 0</b>. β = 1 is <see cref="F1Score{TPred,TTrue}"/>.
    /// </summary>
    /// <remarks>Counting, averaging and zero division as <see cref="F1Score{TPred,TTrue}"/>. Keras's example
    /// (<c>f_score_metrics_test.py</c>, threshold 0.66, y_pred [[0.7, 0.7, 0.7], [1, 0, 0], [0.9, 0.8, 0]], y_true
    /// [[0, 0, 1], [1, 1, 0], [1, 1, 1]]): per class β = 0.5 → [0.71428573, 0.5, 0.833334], β = 2 → [0.9090904, 0.5,
    /// 0.555556]; macro β = 0.5 → 0.6825397.</remarks>
    /// <param name="yPred">See <see cref="F1Score{TPred,TTrue}"/>.</param>
    /// <param name="yTrue">See <see cref="F1Score{TPred,TTrue}"/>.</param>
    /// <param name="beta">β &gt; 0, finite: how many times recall counts as much as precision (Keras's default 1.0).</param>
    /// <param name="average">See <see cref="F1Score{TPred,TTrue}"/>.</param>
    /// <param name="threshold">See <see cref="F1Score{TPred,TTrue}"/>.</param>
    /// <param name="sampleWeights">See <see cref="F1Score{TPred,TTrue}"/>.</param>
    /// <returns>A tensor of y_pred's engine and dtype: (C,) for <see cref="ClassAverage.PerClass"/>, one element otherwise.</returns>
    /// <exception cref="ArgumentException">As <see cref="F1Score{TPred,TTrue}"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is not a finite number &gt; 0, <paramref name="threshold"/>
    /// is NaN or outside (0, 1], or <paramref name="average"/> is not a <see cref="ClassAverage"/>.</exception>
    public static TPred FBetaScore<TPred, TTrue>(TPred yPred, TTrue yTrue, double beta = 1.0, ClassAverage average = ClassAverage.PerClass,
        double? threshold = null, object? sampleWeights = null) where TPred : class where TTrue : class
    {
        if (!(beta > 0) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta,
                $"Argument `beta` must be a finite number > 0 (how many times recall counts as much as precision; 1 gives F1). Received: beta={beta}");
        return ConfusionMetric(ConfusionKind.F1, yPred, yTrue, average, threshold, sampleWeights, beta, null, null);
    }

    internal enum ConfusionKind { Precision, Recall, F1 }

    /// <summary>Precision, recall or F-beta with one threshold (or none, multi-class); the public metrics and the
    /// registry call it.</summary>
    internal static TPred ConfusionMetric<TPred, TTrue>(ConfusionKind kind, TPred yPred, TTrue yTrue, ClassAverage average,
        double? threshold, object? sampleWeights, double beta, int? topK, int? classId) where TPred : class where TTrue : class
    {
        if (!Enum.IsDefined(average))
            throw new ArgumentOutOfRangeException(nameof(average), average, $"Argument `average` must be a ClassAverage. Received: average={average}");
        if (threshold is { } t) MetricChecks.UnitThreshold(t, aboveZero: kind == ConfusionKind.F1);
        CheckBinaryOptions(average, topK, classId);
        // Keras's Precision/Recall: a 0.5 threshold, or NEG_INF when top_k is set (every kept score is predicted).
        if (average == ClassAverage.Binary) threshold ??= topK is null ? 0.5 : KerasNegInf;
        return Run<TPred>(kind == ConfusionKind.F1 ? "Metrics.FBetaScore" : $"Metrics.{kind}", "yPred", new ConfusionProgram(kind, average, threshold is { } one ? [one] : null, beta, topK, classId), [yPred, yTrue, sampleWeights],
            ["y_pred", "y_true", "sampleWeights"]);
    }

    /// <summary>topK and classId: binary counting only, k ≥ 1, a class index ≥ 0 (its upper bound is checked against
    /// y_pred's shape).</summary>
    private static void CheckBinaryOptions(ClassAverage average, int? topK, int? classId)
    {
        if ((topK is not null || classId is not null) && average != ClassAverage.Binary)
            throw new ArgumentException(
                "Arguments `topK` and `classId` select binary counts (one class's column, or the top k scores), as Keras's Precision/Recall do; " +
                $"they need average=Binary. Received: average={average}, topK={topK?.ToString() ?? "null"}, classId={classId?.ToString() ?? "null"}",
                topK is not null ? nameof(topK) : nameof(classId));
        if (topK is { } k) MetricChecks.K(k, nameof(topK));
        if (classId is < 0)
            throw new ArgumentOutOfRangeException(nameof(classId), classId, $"Argument `classId` must be >= 0 (a class index). Received: classId={classId}");
    }

    /// <summary>Keras's <c>metrics_utils.NEG_INF</c>: the threshold Precision/Recall use with <c>top_k</c>.</summary>
    private const double KerasNegInf = -1e10;

    /// <summary>The counts and the score. <paramref name="thresholds"/>: binary counting, one or more (one value per
    /// threshold, the labels, weights and top-k selection computed once); multi-class, none or one.</summary>
    private sealed class ConfusionProgram(ConfusionKind kind, ClassAverage average, double[]? thresholds, double beta, int? topK, int? classId)
        : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            TensorInfo pred = ops.Describe(inputs[0]!);
            Validate.Prediction(pred, minRank: 1);
            DType dtype = pred.DType;
            if (average != ClassAverage.Binary)
            {
                (T predicted, T actual, T? weights, int[] axes) = MultiClass(ops, inputs, pred, dtype);
                return [Counted(ops, predicted, actual, weights, axes)];
            }
            (T scores, T? kept, T labels, T? sampleWeights, int[] all) = Binary(ops, inputs, dtype);
            T[] values = thresholds!.Select(t =>
            {
                T predicted = ops.CompareAs(CompareOp.Greater, scores, ops.Scalar(t, dtype), dtype);
                return Counted(ops, kept is null ? predicted : ops.Mul(predicted, kept), labels, sampleWeights, all);
            }).ToArray();
            return [values.Length == 1 ? values[0] : ops.Concat(values.Select(v => ops.Reshape(v, [1])).ToArray(), 0)];
        }

        /// <summary>TP, FP and FN summed over <paramref name="axes"/>, then the score, averaged as asked.</summary>
        private T Counted<T>(ITensorOps<T> ops, T predicted, T actual, T? weights, int[] axes) where T : class
        {
            T notPredicted = ops.RSub(1, predicted), notActual = ops.RSub(1, actual);
            T Count(T a, T b) => ops.Sum(weights is null ? ops.Mul(a, b) : ops.Mul(ops.Mul(a, b), weights), axes);
            T tp = Count(predicted, actual), fp = Count(predicted, notActual), fn = Count(notPredicted, actual);
            if (average == ClassAverage.Micro) (tp, fp, fn) = (ops.Sum(tp), ops.Sum(fp), ops.Sum(fn));

            T score = Score(ops, tp, fp, fn);
            return average switch
            {
                ClassAverage.Macro => ops.Mean(score),
                ClassAverage.Weighted => ops.DivideNoNan(ops.Sum(ops.Mul(score, ops.Add(tp, fn))), ops.Sum(ops.Add(tp, fn))),
                _ => score,
            };
        }

        private T Score<T>(ITensorOps<T> ops, T tp, T fp, T fn) where T : class => kind switch
        {
            ConfusionKind.Precision => ops.DivideNoNan(tp, ops.Add(tp, fp)),
            ConfusionKind.Recall => ops.DivideNoNan(tp, ops.Add(tp, fn)),
            _ => FBeta(ops, tp, fp, fn),
        };

        /// <summary>(1 + β²)·TP / ((1 + β²)·TP + FP + β²·FN); β = 1 skips the multiplication by 1.</summary>
        private T FBeta<T>(ITensorOps<T> ops, T tp, T fp, T fn) where T : class
        {
            double b2 = beta * beta;
            T weightedTp = ops.Mul(tp, 1 + b2);
            return ops.DivideNoNan(weightedTp, ops.Add(ops.Add(weightedTp, fp), b2 == 1 ? fn : ops.Mul(fn, b2)));
        }

        /// <summary>The scores a threshold is applied to, the 0/1 mask of those that may be predicted (null: all), 0/1
        /// labels of the same shape, weights broadcast to it, and every axis to count: with <c>topK</c> only the top k
        /// scores along the class axis may be predicted, with <c>classId</c> only that class's column is counted (Keras's
        /// <c>update_confusion_matrix_variables</c>).</summary>
        private (T Scores, T? Kept, T Actual, T? Weights, int[] Axes) Binary<T>(ITensorOps<T> ops, T?[] inputs, DType dtype) where T : class
        {
            (T yTrue, T yPred) = MetricChecks.SameShape(ops, ops.Cast(inputs[1]!, dtype), inputs[0]!);
            long[] shape = ops.ShapeOf(yPred);
            int[] all = Enumerable.Range(0, shape.Length).ToArray();
            T actual = ops.CompareAs(CompareOp.NotEqual, yTrue, ops.Scalar(0, dtype), dtype);
            T? weights = inputs[2] is { } w ? MetricChecks.ElementWeights(ops, w, shape, dtype) : null;
            if (topK is null && classId is null) return (yPred, null, actual, weights, all);

            int axis = MetricChecks.ClassAxis(ops, shape.Length);
            Validate.HasClasses(ops.Describe(yPred), axis);
            if (classId is { } c)
            {
                if (shape.Length < 2)
                    throw new ArgumentException(
                        "Argument `y_pred` must have rank >= 2 (samples, classes) when `classId` is given, as Keras 3 requires. " +
                        $"Received: y_pred.shape={TensorInfo.FormatShape(shape)}. For one sample, add a batch axis: shape (1, {shape[0]}).", "y_pred");
                if (c >= shape[axis])
                    throw new ArgumentOutOfRangeException(nameof(classId), c,
                        $"Argument `classId` must be a class index below the class axis's length {shape[axis]} (axis {axis} of y_pred {TensorInfo.FormatShape(shape)}). Received: classId={c}");
                T Column(T x) => ops.Slice(x, axis, c, 1);
                T? keptInColumn = topK is { } k ? TopKColumn(ops, yPred, axis, c, k, dtype) : null;
                return (Column(yPred), keptInColumn, Column(actual), weights is null ? null : Column(weights), all);
            }
            return (yPred, TopKMask(ops, yPred, axis, topK!.Value, dtype), actual, weights, all);
        }

        /// <summary>
        /// 1 where a score is among the k highest of its row along <paramref name="axis"/>: the scores above the row's
        /// k-th highest, then the scores equal to it in index order until k are kept (TensorFlow's <c>top_k</c> puts the
        /// lower index first, which Keras's <c>_filter_top_k</c> inherits). A NaN score takes no place (it counts as −∞
        /// when the k-th highest is found) and is never predicted anyway (NaN &gt; threshold is false).
        /// </summary>
        /// <remarks>Two sorts per row: the scores (for the k-th highest) and the indices of the tied scores (for the
        /// last tied index kept), so time O(C log C) and memory of the input's size per row. (A product with a (C, C)
        /// triangle, used before, took 8 s and 1.2 GB at C = 10,000 and overflowed from C ≈ 46,341.) Indices and counts
        /// are float64, exact for any class count.</remarks>
        private static T TopKMask<T>(ITensorOps<T> ops, T yPred, int axis, int k, DType dtype) where T : class
        {
            long[] shape = ops.ShapeOf(yPred);
            long classes = shape[axis];
            if (k >= classes) return ops.Full(shape, 1, dtype);
            int last = shape.Length - 1;
            T x = axis == last ? yPred : ops.MoveAxis(yPred, axis, last);
            T withoutNaN = ops.Where(ops.Compare(CompareOp.NotEqual, x, x), ops.Scalar(double.NegativeInfinity, dtype), x);
            T kth = ops.Slice(ops.Sort(withoutNaN, last), last, classes - k, 1);
            T higher = ops.CompareAs(CompareOp.Greater, x, kth, DType.Float64);
            T tied = ops.Compare(CompareOp.Equal, x, kth);
            // Fewer than k scores are above the k-th highest, so at least one place is left for the tied ones.
            T room = ops.RSub(k, ops.Sum(higher, [last], keepDims: true));
            long[] indexShape = Enumerable.Repeat(1L, shape.Length).ToArray();
            indexShape[last] = classes;
            T index = ops.FromValues(Enumerable.Range(0, (int)classes).Select(i => (double)i).ToArray(), indexShape, DType.Float64);
            // The tied classes' indices in order (the others sort after them, at C): the room-th is the last one kept.
            // When NaN scores took places there are fewer tied classes than room, the lookup finds C and all are kept.
            T tiedIndex = ops.Where(tied, index, ops.Scalar(classes, DType.Float64));
            T lastKept = ops.TakeAlongAxis(ops.Sort(tiedIndex, last), ops.Sub(room, ops.Scalar(1, DType.Float64)), last);
            T keptTied = ops.Mul(ops.Cast(tied, DType.Float64), ops.CompareAs(CompareOp.LessEqual, index, lastKept, DType.Float64));
            T kept = ops.Cast(ops.Add(higher, keptTied), dtype);
            return axis == last ? kept : ops.MoveAxis(kept, last, axis);
        }

        /// <summary><see cref="TopKMask{T}"/> for one class's column only (length 1 at <paramref name="axis"/>): fewer
        /// than k scores of its row are higher or equal at a lower index.</summary>
        private static T TopKColumn<T>(ITensorOps<T> ops, T yPred, int axis, long classId, int k, DType dtype) where T : class
        {
            long classes = ops.ShapeOf(yPred)[axis];
            int rank = ops.ShapeOf(yPred).Length;
            T score = ops.Slice(yPred, axis, classId, 1);
            long[] maskShape = Enumerable.Repeat(1L, rank).ToArray();
            maskShape[axis] = classes;
            double[] before = Enumerable.Range(0, (int)classes).Select(i => i < classId ? 1.0 : 0.0).ToArray();
            T tiedBefore = ops.Mul(ops.CompareAs(CompareOp.Equal, yPred, score, DType.Float64), ops.FromValues(before, maskShape, DType.Float64));
            T ahead = ops.Sum(ops.Add(ops.CompareAs(CompareOp.Greater, yPred, score, DType.Float64), tiedBefore), [axis], keepDims: true);
            return ops.CompareAs(CompareOp.Less, ahead, ops.Scalar(k, DType.Float64), dtype);
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
                : ops.OneHot(MetricChecks.SparseLabels(ops, yTrue, pred, axis, orOneHot: true), (int)classes, axis, dtype);
            T predicted = thresholds is [var t]
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
