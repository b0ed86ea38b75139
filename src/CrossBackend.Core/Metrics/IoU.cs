namespace CrossBackend;

public static partial class Metrics
{
    /// <summary>
    /// Keras's <c>IoU</c> after one <c>update_state</c> on the batch: the weighted confusion matrix of class ids, each
    /// class's intersection over union TP / (TP + FP + FN), averaged over <paramref name="targetClassIds"/>.
    /// </summary>
    /// <remarks>
    /// <para><b>Classes absent from both sides</b> (TP + FP + FN ≤ 1e-9, Keras's <c>num_valid_entries</c> rule) are left
    /// out of the mean rather than scored 0: y_true [0, 0], y_pred [0, 0] with targets [0, 1] gives 1, not 0.5. A target
    /// that occurs but is never hit scores 0 and counts. No target valid: 0. Keras divides by (denominator + 1e-7) and
    /// (count + 1e-7); here the divisions are exact, which moves results by about 1e-7 relative (its 0.33333334 is 1/3).
    /// scikit-learn's <c>jaccard_score(average="macro")</c> instead scores an absent class 0 (with a warning) and
    /// counts it.</para>
    /// <para><b>Class ids</b> are truncated toward zero, as Keras's int cast does (1.7 → 1). A pair whose true or
    /// predicted id is outside [0, <paramref name="numClasses"/>) is dropped (Keras raises there on CPU and on its torch
    /// backend; TensorFlow's GPU scatter drops it). Ids equal to <paramref name="ignoreClass"/> in y_true (compared
    /// before truncation, as Keras does) are dropped too.</para>
    /// <para>Both tensors are flattened after the arg-max (one-hot inputs), so any shape with as many ids on each side
    /// works; the order is the engine's, the same for y_true, y_pred and weights of their shape, so the result does not
    /// depend on the layout. Memory O(N·C) for N ids and C classes.</para>
    /// </remarks>
    /// <param name="yPred">Predicted class ids (any shape; integer tensors are computed in float32, Keras's dtype), or
    /// scores with a class axis when <paramref name="sparseYPred"/> is false.</param>
    /// <param name="yTrue">True class ids, or one-hot labels with a class axis when <paramref name="sparseYTrue"/> is
    /// false.</param>
    /// <param name="numClasses">The number of classes C ≥ 1 (the confusion matrix is C × C).</param>
    /// <param name="targetClassIds">The classes averaged, each in [0, C); a repeated id counts as often as it is
    /// listed (Keras gathers them).</param>
    /// <param name="sampleWeights">A tensor of the same engine, null for weights of 1: one element, as many elements as
    /// there are ids (y_true's shape after the arg-max, flattened in the same order), or that shape's leading axes such
    /// as (Batch,) (broadcast; an extension: Keras takes one element or one weight per id).</param>
    /// <param name="ignoreClass">A y_true id whose pairs are not counted (e.g. 255 or −1 for a "void" class).</param>
    /// <param name="sparseYTrue">False: y_true is one-hot and its arg-max along the class axis gives the ids.</param>
    /// <param name="sparseYPred">False: y_pred holds scores and its arg-max along the class axis gives the ids.</param>
    /// <param name="axis">The class axis the arg-max reads (an axis of the engine's layout); default the engine's
    /// (Keras's −1 channels-last, 1 channels-first).</param>
    /// <returns>A one-element tensor of y_pred's engine and floating dtype. Keras's example: y_true [0, 0, 1, 1],
    /// y_pred [0, 1, 0, 1], C = 2, targets [0] → 1/3.</returns>
    /// <exception cref="ArgumentException"><paramref name="numClasses"/> &lt; 1; a target id outside [0, C) or no
    /// target; y_true and y_pred with different numbers of ids; a dense input without a class axis; weights that do not
    /// fit.</exception>
    public static TPred IoU<TPred, TTrue>(TPred yPred, TTrue yTrue, int numClasses, IReadOnlyList<int> targetClassIds, object? sampleWeights = null,
        int? ignoreClass = null, bool sparseYTrue = true, bool sparseYPred = true, int? axis = null) where TPred : class where TTrue : class =>
        RunIoU("Metrics.IoU", yPred, yTrue, sampleWeights, new IoUProgram(numClasses, TargetCounts(numClasses, targetClassIds), ignoreClass,
            sparseYTrue, sparseYPred, axis, null));

    /// <summary>Keras's <c>MeanIoU</c>: <see cref="IoU{TPred,TTrue}"/> over every class 0 … C − 1 (classes absent from
    /// both sides left out of the mean). Keras's example: y_true [0, 0, 1, 1], y_pred [0, 1, 0, 1], weights
    /// [0.3, 0.3, 0.3, 0.1] → (1/3 + 1/7) / 2 = 0.23809525.</summary>
    /// <inheritdoc cref="IoU{TPred,TTrue}" path="/param"/>
    /// <inheritdoc cref="IoU{TPred,TTrue}" path="/returns"/>
    /// <inheritdoc cref="IoU{TPred,TTrue}" path="/exception"/>
    public static TPred MeanIoU<TPred, TTrue>(TPred yPred, TTrue yTrue, int numClasses, object? sampleWeights = null, int? ignoreClass = null,
        bool sparseYTrue = true, bool sparseYPred = true, int? axis = null) where TPred : class where TTrue : class =>
        IoU(yPred, yTrue, numClasses, AllClasses(numClasses), sampleWeights, ignoreClass, sparseYTrue, sparseYPred, axis);

    /// <summary>Keras's <c>OneHotIoU</c>: <see cref="IoU{TPred,TTrue}"/> with one-hot y_true (its arg-max gives the
    /// ids) and, by default, scores in y_pred. Keras's example (targets [0, 2], weights [0.1, 0.2, 0.3, 0.4]) gives
    /// 0.071.</summary>
    /// <inheritdoc cref="IoU{TPred,TTrue}" path="/param"/>
    /// <inheritdoc cref="IoU{TPred,TTrue}" path="/returns"/>
    /// <inheritdoc cref="IoU{TPred,TTrue}" path="/exception"/>
    public static TPred OneHotIoU<TPred, TTrue>(TPred yPred, TTrue yTrue, int numClasses, IReadOnlyList<int> targetClassIds, object? sampleWeights = null,
        int? ignoreClass = null, bool sparseYPred = false, int? axis = null) where TPred : class where TTrue : class =>
        IoU(yPred, yTrue, numClasses, targetClassIds, sampleWeights, ignoreClass, sparseYTrue: false, sparseYPred, axis);

    /// <summary>Keras's <c>OneHotMeanIoU</c>: <see cref="MeanIoU{TPred,TTrue}"/> with one-hot y_true and, by default,
    /// scores in y_pred. Keras's example (weights [0.1, 0.2, 0.3, 0.4]) gives 0.048.</summary>
    /// <inheritdoc cref="IoU{TPred,TTrue}" path="/param"/>
    /// <inheritdoc cref="IoU{TPred,TTrue}" path="/returns"/>
    /// <inheritdoc cref="IoU{TPred,TTrue}" path="/exception"/>
    public static TPred OneHotMeanIoU<TPred, TTrue>(TPred yPred, TTrue yTrue, int numClasses, object? sampleWeights = null, int? ignoreClass = null,
        bool sparseYPred = false, int? axis = null) where TPred : class where TTrue : class =>
        IoU(yPred, yTrue, numClasses, AllClasses(numClasses), sampleWeights, ignoreClass, sparseYTrue: false, sparseYPred, axis);

    /// <summary>
    /// Keras's <c>BinaryIoU</c>: y_pred ≥ <paramref name="threshold"/> is class 1, below it class 0 (note ≥, where
    /// Precision and Recall use &gt;), then <see cref="IoU{TPred,TTrue}"/> with two classes. Keras's example: y_true
    /// [0, 1, 0, 1], y_pred [0.1, 0.2, 0.4, 0.7], threshold 0.3 → 1/3; with weights [0.2, 0.3, 0.4, 0.1] → 0.17361112.
    /// </summary>
    /// <param name="yPred">Scores of class 1, any shape.</param>
    /// <param name="yTrue">0/1 labels with as many elements (ids are truncated toward zero).</param>
    /// <param name="targetClassIds">[0], [1] or [0, 1] (default: both).</param>
    /// <param name="threshold">Any number (Keras takes logits too); not NaN.</param>
    /// <param name="sampleWeights">As <see cref="IoU{TPred,TTrue}"/>.</param>
    /// <inheritdoc cref="IoU{TPred,TTrue}" path="/returns"/>
    /// <exception cref="ArgumentException">A target id outside [0, 2), a NaN threshold, shapes or weights that do not
    /// fit.</exception>
    public static TPred BinaryIoU<TPred, TTrue>(TPred yPred, TTrue yTrue, IReadOnlyList<int>? targetClassIds = null, double threshold = 0.5,
        object? sampleWeights = null) where TPred : class where TTrue : class
    {
        MetricChecks.Threshold(threshold);
        return RunIoU("Metrics.BinaryIoU", yPred, yTrue, sampleWeights,
            new IoUProgram(2, TargetCounts(2, targetClassIds ?? [0, 1]), null, true, true, null, threshold));
    }

    private static TPred RunIoU<TPred, TTrue>(string call, TPred yPred, TTrue yTrue, object? sampleWeights, IoUProgram program)
        where TPred : class where TTrue : class =>
        // Sparse ids arrive as integers: computed in float32, the dtype Keras's IoU metrics default to.
        Run<TPred>(call, "yPred", program, [yPred, yTrue, sampleWeights], ["y_pred", "y_true", "sampleWeights"], castInteger: true, castTo: DType.Float32);

    private static int[] AllClasses(int numClasses)
    {
        CheckNumClasses(numClasses);
        return Enumerable.Range(0, numClasses).ToArray();
    }

    private static void CheckNumClasses(int numClasses)
    {
        if (numClasses < 1)
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses,
                $"Argument `numClasses` must be >= 1 (the confusion matrix is numClasses x numClasses). Received: numClasses={numClasses}");
    }

    /// <summary>How many times each class is listed in <paramref name="targetClassIds"/> (Keras gathers the listed ids,
    /// so a repeated id counts twice); ids outside [0, C) are refused, as Keras's "Target class id … is out of range".</summary>
    private static double[] TargetCounts(int numClasses, IReadOnlyList<int> targetClassIds)
    {
        CheckNumClasses(numClasses);
        ArgumentNullException.ThrowIfNull(targetClassIds);
        if (targetClassIds.Count == 0)
            throw new ArgumentException("Argument `targetClassIds` must list at least one class id. Received: targetClassIds=[]", nameof(targetClassIds));
        var counts = new double[numClasses];
        foreach (int id in targetClassIds)
        {
            if (id < 0 || id >= numClasses)
                throw new ArgumentOutOfRangeException(nameof(targetClassIds), id,
                    $"Argument `targetClassIds` must hold class ids in [0, {numClasses}) (numClasses={numClasses}). Received: target class id {id} " +
                    $"in targetClassIds=[{string.Join(", ", targetClassIds)}]");
            counts[id]++;
        }
        return counts;
    }

    /// <summary>The IoU metrics' batch computation. <c>targetCounts</c>: how often each class is a target (Keras's gathered
    /// <c>target_class_ids</c>); <c>threshold</c>: BinaryIoU's (y_pred ≥ threshold is class 1), null for the others.</summary>
    private sealed class IoUProgram(int numClasses, double[] targetCounts, int? ignoreClass, bool sparseTrue, bool sparsePred, int? axis,
        double? threshold) : ITensorProgram
    {
        /// <summary>Keras's <c>num_valid_entries</c> rule: a class counts when TP + FP + FN exceeds this.</summary>
        private const double ValidDenominator = 1e-9;

        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            TensorInfo pred = ops.Describe(inputs[0]!);
            // Rank is checked by ClassIds for scores: its message says why a class axis is needed (sparse_y_pred=False).
            Validate.Prediction(pred, minRank: 0);
            DType dtype = pred.DType;
            T yPred = inputs[0]!;
            T predIds = threshold is { } t ? ops.CompareAs(CompareOp.GreaterEqual, yPred, ops.Scalar(t, dtype), dtype)
                : sparsePred ? yPred : ClassIds(ops, yPred, "y_pred", dtype);
            T trueIds = sparseTrue ? ops.Cast(inputs[1]!, dtype) : ClassIds(ops, ops.Cast(inputs[1]!, dtype), "y_true", dtype);
            long[] idShape = ops.ShapeOf(trueIds);
            long n = Shapes.Count(idShape);
            if (Shapes.Count(ops.ShapeOf(predIds)) != n)
                throw new ArgumentException(
                    "Arguments `y_true` and `y_pred` must hold one class id each per element (after the arg-max of one-hot inputs), as Keras " +
                    $"flattens both. Received: y_pred.shape={pred.ShapeText} ({Shapes.Count(ops.ShapeOf(predIds))} ids), " +
                    $"y_true.shape={TensorInfo.FormatShape(ops.ShapeOf(inputs[1]!))} ({n} ids)", "y_true");
            T w = inputs[2] is { } given ? FlatWeights(ops, given, idShape, n, dtype) : ops.Full([n], 1, dtype);
            trueIds = ops.Reshape(trueIds, [n]);
            predIds = ops.Reshape(predIds, [n]);
            if (ignoreClass is { } ignored) w = ops.Mul(w, ops.CompareAs(CompareOp.NotEqual, trueIds, ops.Scalar(ignored, dtype), dtype));

            // One row per id: 1 at its class. An id outside [0, C) (or NaN) has an all-zero row, and its pair is dropped.
            T classes = ops.FromValues(Enumerable.Range(0, numClasses).Select(c => (double)c).ToArray(), [1, numClasses], dtype);
            T isTrue = ops.CompareAs(CompareOp.Equal, ops.Reshape(Truncate(ops, trueIds), [n, 1]), classes, dtype);
            T isPred = ops.CompareAs(CompareOp.Equal, ops.Reshape(Truncate(ops, predIds), [n, 1]), classes, dtype);
            w = ops.Mul(w, ops.Mul(ops.Sum(isTrue, [1]), ops.Sum(isPred, [1])));
            T weights = ops.BroadcastTo(ops.Reshape(w, [n, 1]), [n, numClasses]);
            // The confusion matrix's row sums (true count), column sums (predicted count) and diagonal (TP), per class.
            T rows = ops.Dot(isTrue, weights, [0], false);
            T columns = ops.Dot(isPred, weights, [0], false);
            T truePositives = ops.Dot(ops.Mul(isTrue, isPred), weights, [0], false);
            T denominator = ops.Sub(ops.Add(rows, columns), truePositives);
            T valid = ops.CompareAs(CompareOp.Greater, denominator, ops.Scalar(ValidDenominator, dtype), dtype);
            T iou = ops.Mul(ops.DivideNoNan(truePositives, denominator), valid);
            T targets = ops.FromValues(targetCounts, [numClasses], dtype);
            return [ops.DivideNoNan(ops.Sum(ops.Mul(targets, iou)), ops.Sum(ops.Mul(targets, valid)))];
        }

        /// <summary>The arg-max along the class axis, as class ids in <paramref name="dtype"/>.</summary>
        private T ClassIds<T>(ITensorOps<T> ops, T x, string name, DType dtype) where T : class
        {
            TensorInfo info = ops.Describe(x);
            if (info.Rank < 2)
                throw new ArgumentException(
                    $"Argument `{name}` must have a class axis (rank >= 2) when it is one-hot or holds scores (sparse_{name}=False); its arg-max " +
                    $"gives the class ids. Received: {name}.shape={info.ShapeText}", name);
            int classAxis = axis is { } given ? Validate.Axis(given, info.Rank, "axis") : MetricChecks.ClassAxis(ops, info.Rank);
            if (info.Shape[classAxis] == 0)
                throw new ArgumentException($"Argument `{name}` must have at least one class on axis {classAxis}. Received: {name}.shape={info.ShapeText}", name);
            return ops.Cast(ops.ArgMax(x, classAxis, keepDims: false), dtype);
        }

        /// <summary>Keras's int cast: toward zero.</summary>
        private static T Truncate<T>(ITensorOps<T> ops, T x) where T : class =>
            ops.Mul(ops.Unary(UnaryOp.Sign, x), ops.Unary(UnaryOp.Floor, ops.Abs(x)));

        /// <summary>One weight per id, flattened in the ids' order: one element (broadcast), one per id (Keras's rule), or
        /// the ids' leading axes (broadcast over the rest).</summary>
        private static T FlatWeights<T>(ITensorOps<T> ops, T weights, long[] idShape, long n, DType dtype) where T : class
        {
            T w = ops.Cast(weights, dtype);
            long count = Shapes.Count(ops.ShapeOf(w));
            if (count == n) return ops.Reshape(w, [n]);
            return ops.Reshape(MetricChecks.Weights(ops, w, idShape, dtype), [n]);
        }
    }
}
