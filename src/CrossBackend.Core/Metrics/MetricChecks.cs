namespace CrossBackend;

/// <summary>Shape rules and argument checks the metrics share; messages name the argument and show what was received.</summary>
internal static class MetricChecks
{
    /// <summary>The class axis of a tensor of <paramref name="rank"/> on the engine: its <see cref="ITensorEngine.ClassAxis"/>
    /// for rank ≥ 2, the only axis for rank 1 (where both layouts agree).</summary>
    public static int ClassAxis<T>(ITensorOps<T> ops, int rank) where T : class =>
        rank < 2 ? rank - 1 : Validate.Axis(ops.Engine.ClassAxis, rank, "axis");

    /// <summary>
    /// Keras's <c>squeeze_or_expand_to_same_rank</c> with the class axis in place of the last axis: when the ranks differ
    /// by one and the longer tensor has a length-1 class axis, that axis is squeezed (or the rank-1 tensor expanded).
    /// With <c>lastAxis</c>, the last axis as Keras reads it instead of the engine's class axis: for tensors already in
    /// Keras's order (values without a class axis, or moved there).
    /// </summary>
    public static (T A, T B) SameRank<T>(ITensorOps<T> ops, T a, T b, bool lastAxis = false) where T : class
    {
        long[] sa = ops.ShapeOf(a), sb = ops.ShapeOf(b);
        int Axis(int rank) => lastAxis ? rank - 1 : ClassAxis(ops, rank);
        if (sa.Length == sb.Length + 1 && sa[Axis(sa.Length)] == 1)
        {
            if (sb.Length == 1) b = ops.ExpandDims(b, Axis(sa.Length));
            else a = ops.Squeeze(a, Axis(sa.Length));
        }
        else if (sb.Length == sa.Length + 1 && sb[Axis(sb.Length)] == 1)
        {
            if (sa.Length == 1) a = ops.ExpandDims(a, Axis(sb.Length));
            else b = ops.Squeeze(b, Axis(sb.Length));
        }
        return (a, b);
    }

    /// <summary><see cref="SameRank{T}"/>, then the shapes must be equal.</summary>
    public static (T YTrue, T YPred) SameShape<T>(ITensorOps<T> ops, T yTrue, T yPred) where T : class
    {
        (yTrue, yPred) = SameRank(ops, yTrue, yPred);
        RequireSameShape(ops.Describe(yTrue), ops.Describe(yPred), squeezed: true);
        return (yTrue, yPred);
    }

    /// <summary>y_true and y_pred must have the same shape. <paramref name="squeezed"/>: the caller squeezed a length-1
    /// class axis first (<see cref="SameShape{T}"/>), so the message may say so; metrics that never squeeze (Keras's
    /// categorical accuracies, FastEstimator's Dice) must not claim it.</summary>
    public static void RequireSameShape(TensorInfo yTrue, TensorInfo yPred, bool squeezed = false)
    {
        if (!yTrue.Shape.AsSpan().SequenceEqual(yPred.Shape))
            throw new ArgumentException(
                "Arguments `y_true` and `y_pred` must have the same shape" +
                (squeezed ? " (a length-1 class axis on one of them is squeezed first, as Keras does). "
                          : "; no axis is squeezed or broadcast (as in Keras and FastEstimator): give y_true y_pred's shape. ") +
                $"Received: y_pred.shape={yPred.ShapeText}, y_true.shape={yTrue.ShapeText}", "y_true");
    }

    /// <summary>y_pred must have a class axis: rank ≥ 2 and at least one class.</summary>
    public static int RequireClasses(TensorInfo yPred, int classAxis)
    {
        if (yPred.Rank < 2)
            throw new ArgumentException($"Argument `y_pred` must have rank >= 2 (batch and classes). Received: y_pred.shape={yPred.ShapeText}", "y_pred");
        Validate.HasClasses(yPred, classAxis);
        return classAxis;
    }

    /// <summary>
    /// Sparse labels beside y_pred: y_pred's shape without the class axis, or with a length-1 axis there or last (Keras's
    /// (B, …, 1) on a channels-first engine). Returns the labels without that axis. <c>orOneHot</c>: the metric also
    /// takes one-hot labels of y_pred's shape, and the message says so.
    /// </summary>
    public static T SparseLabels<T>(ITensorOps<T> ops, T labels, TensorInfo pred, int classAxis, bool orOneHot = false) where T : class
    {
        long[] t = ops.ShapeOf(labels);
        long[] expected = Shapes.Without(pred.Shape, classAxis);
        if (t.AsSpan().SequenceEqual(expected)) return labels;
        if (t.Length == pred.Rank && t[classAxis] == 1 && Shapes.Without(t, classAxis).AsSpan().SequenceEqual(expected))
            return ops.Squeeze(labels, classAxis);
        // Keras writes the length-1 axis last, (B, …, 1), whatever the engine's layout.
        if (t.Length == pred.Rank && t[^1] == 1 && Shapes.Without(t, t.Length - 1).AsSpan().SequenceEqual(expected))
            return ops.Squeeze(labels, t.Length - 1);
        throw new ArgumentException(
            "Argument `y_true` must hold one class index per sample: y_pred's shape without the class axis " +
            $"{TensorInfo.FormatShape(expected)}, optionally with a length-1 axis at the class axis or last" +
            (orOneHot ? $", or one-hot (multi-hot) labels of y_pred's shape {pred.ShapeText}. " : ". ") +
            $"Received: y_pred.shape={pred.ShapeText}, y_true.shape={TensorInfo.FormatShape(t)}", "y_true");
    }

    /// <summary>1 where a label is an integer in [0, <paramref name="classes"/>), else 0 (in <paramref name="dtype"/>):
    /// out-of-range labels count as misses, as TensorFlow's <c>in_top_k</c> counts them.</summary>
    public static T ValidLabels<T>(ITensorOps<T> ops, T labels, long classes, DType dtype) where T : class
    {
        T atLeastZero = ops.CompareAs(CompareOp.GreaterEqual, labels, ops.Scalar(0, dtype), dtype);
        T belowClasses = ops.CompareAs(CompareOp.Less, labels, ops.Scalar(classes, dtype), dtype);
        T integral = ops.CompareAs(CompareOp.Equal, labels, ops.Unary(UnaryOp.Floor, labels), dtype);
        return ops.Mul(ops.Mul(atLeastZero, belowClasses), integral);
    }

    /// <summary>k must be at least 1.</summary>
    public static int K(int k, string name = "k")
    {
        if (k < 1)
            throw new ArgumentOutOfRangeException(name, k, $"Argument `{name}` must be >= 1 (the number of top predictions that count). Received: {name}={k}");
        return k;
    }

    /// <summary>A threshold must be a number (not NaN).</summary>
    public static double Threshold(double threshold, string name = "threshold")
    {
        if (double.IsNaN(threshold))
            throw new ArgumentOutOfRangeException(name, threshold, $"Argument `{name}` must be a number. Received: {name}=NaN");
        return threshold;
    }

    /// <summary>
    /// A threshold of Keras's confusion metrics, which compare probabilities with it: in [0, 1] for Precision and Recall
    /// (Keras's "Threshold values must be in [0, 1]"), in (0, 1] for F1Score and FBetaScore (<paramref name="aboveZero"/>;
    /// Keras's "It should verify 0 &lt; threshold &lt;= 1").
    /// </summary>
    public static double UnitThreshold(double threshold, bool aboveZero, string name = "threshold")
    {
        Threshold(threshold, name);
        if (threshold > 1 || (aboveZero ? threshold <= 0 : threshold < 0))
            throw new ArgumentOutOfRangeException(name, threshold,
                $"Argument `{name}` must be in {(aboveZero ? "(0, 1]" : "[0, 1]")}, as Keras's " +
                $"{(aboveZero ? "F1Score and FBetaScore require" : "Precision and Recall require")}: y_pred is compared with it as a " +
                $"probability (for logits, apply a sigmoid or softmax first). Received: {name}={threshold}");
        return threshold;
    }

    /// <summary>
    /// Sample weights broadcast to <paramref name="shape"/>, an axis order that every engine shares (no class axis): one
    /// element, or <paramref name="shape"/>'s leading axes (such as (Batch,)), each of its length or 1, possibly with
    /// trailing length-1 axes beyond it (Keras's (Batch, 1) beside (Batch,)).
    /// </summary>
    public static T Weights<T>(ITensorOps<T> ops, T weights, long[] shape, DType dtype, string name = "sampleWeights") where T : class
    {
        T w = ops.Cast(weights, dtype);
        long[] ws = ops.ShapeOf(w);
        if (Shapes.Count(ws) == 1) return ops.BroadcastTo(ops.Reshape(w, shape.Select(_ => 1L).ToArray()), shape);
        int rank = ws.Length;
        while (rank > shape.Length && ws[rank - 1] == 1) rank--;
        if (rank > shape.Length || !LeadingAxesFit(ws.AsSpan(0, rank), shape))
            throw new ArgumentException(
                $"Argument `{name}` must have one element or the leading axes of {TensorInfo.FormatShape(shape)}, each of that length or 1, " +
                $"such as (Batch,). Received: {name}.shape={TensorInfo.FormatShape(ws)}", name);
        long[] padded = [.. ws.AsSpan(0, rank), .. Enumerable.Repeat(1L, shape.Length - rank)];
        return ops.BroadcastTo(ops.Reshape(w, padded), shape);
    }

    /// <summary>
    /// Sample weights for every element of a y_pred of <paramref name="shape"/> (engine layout), as Keras's
    /// <c>update_confusion_matrix_variables</c> broadcasts them (expanded at the last axis, then
    /// <c>squeeze_or_expand_to_same_rank</c>). Weights with fewer axes than y_pred never cover Keras's last axis (the
    /// class axis of a channels-first engine): they are y_pred's leading axes without it, in the order every engine
    /// shares, e.g. per-timestep (B, T) beside (B, T, C), held as (B, C, T) channels-first, weighs element [b, c, t]
    /// by w[b, t]. Weights of y_pred's rank are in the engine's layout (moved with the data), each axis y_pred's length
    /// or 1. A trailing length-1 axis beyond y_pred's rank is dropped.
    /// </summary>
    public static T ElementWeights<T>(ITensorOps<T> ops, T weights, long[] shape, DType dtype, string name = "sampleWeights") where T : class
    {
        T w = ops.Cast(weights, dtype);
        long[] ws = ops.ShapeOf(w);
        if (Shapes.Count(ws) == 1 || ws.Length > shape.Length) return Weights(ops, w, shape, dtype, name);
        if (ws.Length == shape.Length)
        {
            if (!LeadingAxesFit(ws, shape))
                throw new ArgumentException(
                    $"Argument `{name}` with y_pred's rank must be in the engine's layout, each axis of y_pred's length or 1: {TensorInfo.FormatShape(shape)}. " +
                    "Move weights laid out as Keras's (channels-last) data with Layout.ToEngineLayout, or leave out the class axis " +
                    $"(per-timestep weights (Batch, T) weigh every class alike). Received: {name}.shape={TensorInfo.FormatShape(ws)}", name);
            return ops.BroadcastTo(w, shape);
        }
        int axis = ClassAxis(ops, shape.Length);
        T perSample = Weights(ops, w, Shapes.Without(shape, axis), dtype, name);
        return ops.BroadcastTo(ops.ExpandDims(perSample, axis), shape);
    }

    /// <summary>Whether each axis of <paramref name="weights"/> is the length of <paramref name="shape"/>'s axis at the same
    /// place, or 1 (broadcast): weights' shapes as NumPy broadcasts them over the leading axes. Weights must not have more
    /// axes than <paramref name="shape"/>.</summary>
    public static bool LeadingAxesFit(ReadOnlySpan<long> weights, long[] shape)
    {
        for (int i = 0; i < weights.Length; i++)
            if (weights[i] != shape[i] && weights[i] != 1) return false;
        return true;
    }

    /// <summary>Every axis except <paramref name="keep"/>.</summary>
    public static int[] AllBut(int rank, params int[] keep) => Enumerable.Range(0, rank).Where(d => !keep.Contains(d)).ToArray();
}
