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
    /// </summary>
    public static (T A, T B) SameRank<T>(ITensorOps<T> ops, T a, T b) where T : class
    {
        long[] sa = ops.ShapeOf(a), sb = ops.ShapeOf(b);
        if (sa.Length == sb.Length + 1 && sa[ClassAxis(ops, sa.Length)] == 1)
        {
            if (sb.Length == 1) b = ops.ExpandDims(b, ClassAxis(ops, sa.Length));
            else a = ops.Squeeze(a, ClassAxis(ops, sa.Length));
        }
        else if (sb.Length == sa.Length + 1 && sb[ClassAxis(ops, sb.Length)] == 1)
        {
            if (sa.Length == 1) a = ops.ExpandDims(a, ClassAxis(ops, sb.Length));
            else b = ops.Squeeze(b, ClassAxis(ops, sb.Length));
        }
        return (a, b);
    }

    /// <summary><see cref="SameRank{T}"/>, then the shapes must be equal.</summary>
    public static (T YTrue, T YPred) SameShape<T>(ITensorOps<T> ops, T yTrue, T yPred) where T : class
    {
        (yTrue, yPred) = SameRank(ops, yTrue, yPred);
        RequireSameShape(ops.Describe(yTrue), ops.Describe(yPred));
        return (yTrue, yPred);
    }

    /// <summary>y_true and y_pred must have the same shape.</summary>
    public static void RequireSameShape(TensorInfo yTrue, TensorInfo yPred)
    {
        if (!yTrue.Shape.AsSpan().SequenceEqual(yPred.Shape))
            throw new ArgumentException(
                "Arguments `y_true` and `y_pred` must have the same shape (a length-1 class axis on one of them is squeezed first, as Keras does). " +
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
    /// (B, …, 1) on a channels-first engine). Returns the labels without that axis.
    /// </summary>
    public static T SparseLabels<T>(ITensorOps<T> ops, T labels, TensorInfo pred, int classAxis) where T : class
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
            $"{TensorInfo.FormatShape(expected)}, optionally with a length-1 axis at the class axis or last. " +
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
    /// Sample weights broadcast to <paramref name="shape"/>: one element, or a prefix of <paramref name="shape"/> (such as
    /// (Batch,)), possibly with trailing length-1 axes, as Keras accepts them.
    /// </summary>
    public static T Weights<T>(ITensorOps<T> ops, T weights, long[] shape, DType dtype, string name = "sampleWeights") where T : class
    {
        T w = ops.Cast(weights, dtype);
        long[] ws = ops.ShapeOf(w);
        if (Shapes.Count(ws) == 1) return ops.BroadcastTo(ops.Reshape(w, shape.Select(_ => 1L).ToArray()), shape);
        int rank = ws.Length;
        while (rank > 0 && (rank > shape.Length || ws[rank - 1] != shape[rank - 1]) && ws[rank - 1] == 1) rank--;
        if (rank > shape.Length || !ws.AsSpan(0, rank).SequenceEqual(shape.AsSpan(0, rank)))
            throw new ArgumentException(
                $"Argument `{name}` must have one element or a shape that is a prefix of {TensorInfo.FormatShape(shape)} such as (Batch,). " +
                $"Received: {name}.shape={TensorInfo.FormatShape(ws)}", name);
        long[] padded = [.. ws.AsSpan(0, rank), .. Enumerable.Repeat(1L, shape.Length - rank)];
        return ops.BroadcastTo(ops.Reshape(w, padded), shape);
    }

    /// <summary>Every axis except <paramref name="keep"/>.</summary>
    public static int[] AllBut(int rank, params int[] keep) => Enumerable.Range(0, rank).Where(d => !keep.Contains(d)).ToArray();
}
