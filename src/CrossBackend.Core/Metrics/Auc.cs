namespace CrossBackend;

/// <summary>The curve <see cref="Metrics.Auc{TPred,TTrue}"/> integrates (Keras's <c>curve</c>).</summary>
public enum AucCurve
{
    /// <summary>Recall (true-positive rate) against the false-positive rate (Keras's "ROC").</summary>
    Roc,
    /// <summary>Precision against recall (Keras's "PR").</summary>
    Pr,
}

/// <summary>How <see cref="Metrics.Auc{TPred,TTrue}"/> sums the curve between thresholds (Keras's <c>summation_method</c>).</summary>
public enum AucSummation
{
    /// <summary>ROC: the trapezoid rule. PR: Davis &amp; Goadrich's interpolation, TP and FP linear between thresholds
    /// (not their ratio).</summary>
    Interpolation,
    /// <summary>Each interval's lower end (left sum where the curve rises, right where it falls).</summary>
    Minoring,
    /// <summary>Each interval's higher end.</summary>
    Majoring,
}

public static partial class Metrics
{
    /// <summary>Keras's <c>backend.epsilon()</c>: the thresholds start at 0 − ε and end at 1 + ε.</summary>
    private const double AucEpsilon = 1e-7;

    /// <summary>
    /// Keras's <c>AUC</c> after one <c>update_state</c> on the batch: the weighted TP, FP, TN and FN at each threshold,
    /// then the area under the ROC or PR curve they trace.
    /// </summary>
    /// <remarks>
    /// <para><b>Thresholds</b> (<see cref="AucThresholds"/>): 0 − 1e-7, the <paramref name="numThresholds"/> − 2 evenly
    /// spaced (i + 1)/(T − 1), 1 + 1e-7; or the given <paramref name="thresholds"/>, sorted, between the same two ends
    /// (T = count + 2; <paramref name="numThresholds"/> is then ignored, as in Keras). A score counts as positive at a
    /// threshold when it is strictly above it. With evenly spaced thresholds (the default, or given ones that are,
    /// by Keras's <c>is_evenly_distributed_thresholds</c>), Keras clips scores to [0, 1] and counts through buckets
    /// ⌈p·(T − 1)⌉ − 1, which this follows, so the same float32 rounding gives the same counts.</para>
    /// <para><b>Zero division</b>: every rate is 0 when its denominator is (Keras's <c>divide_no_nan</c>): a batch with
    /// no positives has recall 0 everywhere and ROC AUC 0 (scikit-learn's <c>roc_auc_score</c> raises instead).</para>
    /// <para>This is Keras's thresholded approximation, not the exact rank statistic scikit-learn computes; with 200
    /// thresholds the two differ by up to about 1/200 on data with scores between thresholds. Memory O(N·T).</para>
    /// </remarks>
    /// <param name="yPred">Scores (probabilities, or logits with <paramref name="fromLogits"/>), any shape;
    /// (Batch, Labels) with <paramref name="multiLabel"/>.</param>
    /// <param name="yTrue">Labels of y_pred's shape; any non-zero value is positive (Keras casts to bool). A length-1
    /// class axis on either side is squeezed, as Keras does.</param>
    /// <param name="numThresholds">T &gt; 1 (Keras's default 200).</param>
    /// <param name="curve">ROC (default) or PR.</param>
    /// <param name="summation">How intervals are summed; default interpolation.</param>
    /// <param name="thresholds">Thresholds to use instead of the evenly spaced ones (any finite numbers; Keras adds
    /// the two ends).</param>
    /// <param name="multiLabel">True: one curve per label (column of a (Batch, Labels) y_pred), the AUCs averaged
    /// (weighted by <paramref name="labelWeights"/>). False: every element is one binary prediction.</param>
    /// <param name="labelWeights">One non-negative weight per label (the class axis's length): with
    /// <paramref name="multiLabel"/> the weights of the labels' AUCs, otherwise weights of each element by its
    /// label (Keras's rule).</param>
    /// <param name="fromLogits">Apply a sigmoid to y_pred first.</param>
    /// <param name="sampleWeights">A tensor of the same engine, null for weights of 1: as
    /// <see cref="Precision{TPred,TTrue}(TPred,TTrue,ClassAverage,double?,object?,int?,int?)"/> (one element, (Batch,),
    /// per-timestep, or y_pred's rank in the engine's layout). Negative weights are taken as given.</param>
    /// <returns>A one-element tensor of y_pred's engine and floating dtype. Keras's example: T = 3, y_true
    /// [0, 0, 1, 1], y_pred [0, 0.5, 0.3, 0.9] → 0.75; with weights [1, 0, 0, 1] → 1.</returns>
    /// <exception cref="ArgumentException"><paramref name="numThresholds"/> ≤ 1; a NaN or infinite threshold; an
    /// undefined curve or summation; a negative, NaN or miscounted label weight; y_pred not of rank 2 with
    /// <paramref name="multiLabel"/>; shapes or weights that do not fit.</exception>
    public static TPred Auc<TPred, TTrue>(TPred yPred, TTrue yTrue, int numThresholds = 200, AucCurve curve = AucCurve.Roc,
        AucSummation summation = AucSummation.Interpolation, IReadOnlyList<double>? thresholds = null, bool multiLabel = false,
        IReadOnlyList<double>? labelWeights = null, bool fromLogits = false, object? sampleWeights = null) where TPred : class where TTrue : class
    {
        if (!Enum.IsDefined(curve))
            throw new ArgumentOutOfRangeException(nameof(curve), curve, $"Argument `curve` must be ROC or PR. Received: curve={curve}");
        if (!Enum.IsDefined(summation))
            throw new ArgumentOutOfRangeException(nameof(summation), summation,
                $"Argument `summation` must be interpolation, minoring or majoring. Received: summation={summation}");
        double[] all = AucThresholds(numThresholds, thresholds);
        if (labelWeights is not null)
            foreach (double w in labelWeights)
                if (!(w >= 0) || double.IsInfinity(w))
                    throw new ArgumentOutOfRangeException(nameof(labelWeights), w,
                        $"Argument `labelWeights` must hold finite weights >= 0, one per label. Received: labelWeights=[{string.Join(", ", labelWeights)}]");
        var program = new AucProgram(all, thresholds is null || EvenlySpaced(thresholds), curve, summation, multiLabel, labelWeights?.ToArray(), fromLogits);
        return Run<TPred>("Metrics.Auc", "yPred", program, [yPred, yTrue, sampleWeights], ["y_pred", "y_true", "sampleWeights"]);
    }

    /// <summary>Keras's <c>AUC(...).thresholds</c>: 0 − 1e-7, then <paramref name="thresholds"/> sorted (when given)
    /// or the <paramref name="numThresholds"/> − 2 values (i + 1)/(T − 1), then 1 + 1e-7.</summary>
    /// <param name="numThresholds">T &gt; 1, used when <paramref name="thresholds"/> is null.</param>
    /// <param name="thresholds">Finite thresholds, or null for the evenly spaced ones.</param>
    /// <returns>T values (count + 2 for given thresholds). Keras's example: thresholds [0.3, 0.5] →
    /// [−1e-7, 0.3, 0.5, 1 + 1e-7].</returns>
    /// <exception cref="ArgumentException"><paramref name="numThresholds"/> ≤ 1 without thresholds, or a NaN or
    /// infinite threshold.</exception>
    public static double[] AucThresholds(int numThresholds = 200, IReadOnlyList<double>? thresholds = null)
    {
        if (thresholds is not null)
        {
            foreach (double t in thresholds)
                if (!double.IsFinite(t))
                    throw new ArgumentOutOfRangeException(nameof(thresholds), t,
                        $"Argument `thresholds` must hold finite numbers. Received: thresholds=[{string.Join(", ", thresholds)}]");
            return [0 - AucEpsilon, .. thresholds.Order(), 1 + AucEpsilon];
        }
        if (numThresholds <= 1)
            throw new ArgumentOutOfRangeException(nameof(numThresholds), numThresholds,
                $"Argument `numThresholds` must be an integer > 1 (Keras's rule; the default is 200). Received: numThresholds={numThresholds}");
        return [0 - AucEpsilon, .. Enumerable.Range(0, numThresholds - 2).Select(i => (i + 1) * 1.0 / (numThresholds - 1)), 1 + AucEpsilon];
    }

    /// <summary>Keras's <c>is_evenly_distributed_thresholds([0] + sorted + [1])</c>: at least three, each within
    /// 1e-7 + 1e-5·|even| of i/(n − 1) (NumPy's <c>allclose</c> with Keras's ε as atol).</summary>
    private static bool EvenlySpaced(IReadOnlyList<double> thresholds)
    {
        double[] all = [0.0, .. thresholds.Order(), 1.0];
        if (all.Length < 3) return false;
        for (int i = 0; i < all.Length; i++)
        {
            double even = (float)i / (float)(all.Length - 1);
            if (!(Math.Abs(all[i] - even) <= AucEpsilon + 1e-5 * Math.Abs(even))) return false;
        }
        return true;
    }

    /// <summary>AUC's batch computation. <c>thresholds</c>: every threshold, the ε ends included, ascending;
    /// <c>evenly</c>: Keras's bucket path (scores clipped to [0, 1], positive at threshold i when
    /// max(⌈p·(T − 1)⌉ − 1, 0) ≥ i).</summary>
    private sealed class AucProgram(double[] thresholds, bool evenly, AucCurve curve, AucSummation summation, bool multiLabel,
        double[]? labelWeights, bool fromLogits) : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            TensorInfo pred = ops.Describe(inputs[0]!);
            Validate.Prediction(pred, minRank: 0);
            DType dtype = pred.DType;
            T yPred = fromLogits ? ops.Sigmoid(inputs[0]!) : inputs[0]!;
            (yPred, T yTrue) = MetricChecks.SameRank(ops, yPred, ops.Cast(inputs[1]!, dtype));
            long[] shape = ops.ShapeOf(yPred);
            MetricChecks.RequireSameShape(ops.Describe(yTrue), ops.Describe(yPred), squeezed: true);
            if (multiLabel && shape.Length != 2)
                throw new ArgumentException(
                    $"Argument `y_pred` must have rank 2 (batch, labels) when `multiLabel` is true, as Keras requires. Received: y_pred.shape={pred.ShapeText}",
                    "y_pred");
            T weights = inputs[2] is { } w ? MetricChecks.ElementWeights(ops, w, shape, dtype) : ops.Full(shape, 1, dtype);
            int labelAxis = shape.Length == 0 ? -1 : MetricChecks.ClassAxis(ops, shape.Length);
            if (labelWeights is not null)
            {
                long labels = labelAxis < 0 ? 1 : shape[labelAxis];
                if (labelWeights.Length != labels)
                    throw new ArgumentException(
                        $"Argument `labelWeights` must hold one weight per label: {labels} (the class axis of y_pred {pred.ShapeText}). " +
                        $"Received: {labelWeights.Length} weights", "labelWeights");
                if (!multiLabel && labelAxis >= 0)
                {
                    long[] along = shape.Select(_ => 1L).ToArray();
                    along[labelAxis] = labels;
                    weights = ops.Mul(weights, ops.FromValues(labelWeights, along, dtype));
                }
            }
            T positive = ops.CompareAs(CompareOp.NotEqual, yTrue, ops.Scalar(0, dtype), dtype);

            // Rows of predictions, one row per curve: (1, N) flattened, or (Labels, Batch) per label.
            long count = Shapes.Count(shape);
            T Rows(T x) => multiLabel ? ops.Permute(x, [1, 0]) : ops.Reshape(x, [1, count]);
            T scores = Rows(yPred), truePositive = Rows(ops.Mul(positive, weights)), trueNegative = Rows(ops.Mul(ops.RSub(1, positive), weights));
            long curves = ops.ShapeOf(scores)[0], samples = ops.ShapeOf(scores)[1];
            int t = thresholds.Length;
            T above = Above(ops, scores, dtype);   // (curves, samples, T)
            T Count(T w) => ops.Dot(above, ops.BroadcastTo(ops.Reshape(w, [curves, samples, 1]), [curves, samples, t]), [1], false);   // (curves, T)
            T tp = Count(truePositive), fp = Count(trueNegative);
            T fn = ops.Sub(ops.Sum(truePositive, [1], keepDims: true), tp), tn = ops.Sub(ops.Sum(trueNegative, [1], keepDims: true), fp);

            T byCurve = ops.Sum(curve == AucCurve.Pr && summation == AucSummation.Interpolation
                ? InterpolatedPr(ops, tp, fp, fn, t)
                : Riemann(ops, tp, fp, tn, fn, t), [1]);
            if (!multiLabel) return [ops.Sum(byCurve)];
            if (labelWeights is null) return [ops.Mean(byCurve)];
            T lw = ops.FromValues(labelWeights, [labelWeights.Length], dtype);
            return [ops.DivideNoNan(ops.Sum(ops.Mul(byCurve, lw)), ops.Sum(lw))];
        }

        /// <summary>1 where a score is positive at a threshold: (curves, samples) scores against T thresholds.</summary>
        private T Above<T>(ITensorOps<T> ops, T scores, DType dtype) where T : class
        {
            long[] s = ops.ShapeOf(scores);
            int t = thresholds.Length;
            T column = ops.Reshape(scores, [s[0], s[1], 1]);
            if (!evenly)
                return ops.CompareAs(CompareOp.Greater, column, ops.FromValues(thresholds, [1, 1, t], dtype), dtype);
            // Keras's optimized path: clip to [0, 1], bucket = ⌈p·(T − 1)⌉ − 1 (ceil as −floor(−x)), at least 0 (the −ε
            // threshold takes every score), positive at thresholds 0 … bucket.
            T clipped = ops.Clip(column, 0, 1);
            T bucket = ops.Maximum(ops.Sub(ops.Neg(ops.Unary(UnaryOp.Floor, ops.Neg(ops.Mul(clipped, t - 1.0)))), ops.Scalar(1, dtype)), 0);
            T index = ops.FromValues(Enumerable.Range(0, t).Select(i => (double)i).ToArray(), [1, 1, t], dtype);
            return ops.CompareAs(CompareOp.GreaterEqual, bucket, index, dtype);
        }

        private static T Lower<T>(ITensorOps<T> ops, T x, int t) where T : class => ops.Slice(x, 1, 0, t - 1);

        private static T Upper<T>(ITensorOps<T> ops, T x, int t) where T : class => ops.Slice(x, 1, 1, t - 1);

        /// <summary>Keras's <c>interpolate_pr_auc</c> (Davis &amp; Goadrich 2006, section 4): with TP and P = TP + FP linear in
        /// each interval, the area is slope·(ΔTP + intercept·log(P_A / P_B)) / (TP_B + FN_B), divisions that would be by 0
        /// giving 0 and the log taken only where both P are positive.</summary>
        private static T InterpolatedPr<T>(ITensorOps<T> ops, T tp, T fp, T fn, int t) where T : class
        {
            DType dtype = ops.DTypeOf(tp);
            T p = ops.Add(tp, fp);
            T dtp = ops.Sub(Lower(ops, tp, t), Upper(ops, tp, t));
            T dp = ops.Sub(Lower(ops, p, t), Upper(ops, p, t));
            T slope = ops.DivideNoNan(dtp, ops.Maximum(dp, 0));
            T intercept = ops.Sub(Upper(ops, tp, t), ops.Mul(slope, Upper(ops, p, t)));
            T bothPositive = ops.Compare(CompareOp.Greater,
                ops.Mul(ops.CompareAs(CompareOp.Greater, Lower(ops, p, t), ops.Scalar(0, dtype), dtype),
                        ops.CompareAs(CompareOp.Greater, Upper(ops, p, t), ops.Scalar(0, dtype), dtype)), ops.Scalar(0, dtype));
            T ratio = ops.Where(bothPositive, ops.DivideNoNan(Lower(ops, p, t), ops.Maximum(Upper(ops, p, t), 0)), ops.Scalar(1, dtype));
            T area = ops.Mul(slope, ops.Add(dtp, ops.Mul(intercept, ops.Log(ratio))));
            return ops.DivideNoNan(area, ops.Maximum(ops.Add(Upper(ops, tp, t), Upper(ops, fn, t)), 0));
        }

        /// <summary>Σ (x_A − x_B)·height over the intervals, x and y the ROC or PR coordinates.</summary>
        private T Riemann<T>(ITensorOps<T> ops, T tp, T fp, T tn, T fn, int t) where T : class
        {
            T recall = ops.DivideNoNan(tp, ops.Add(tp, fn));
            (T x, T y) = curve == AucCurve.Roc
                ? (ops.DivideNoNan(fp, ops.Add(fp, tn)), recall)
                : (recall, ops.DivideNoNan(tp, ops.Add(tp, fp)));
            T a = Lower(ops, y, t), b = Upper(ops, y, t);
            T heights = summation switch
            {
                AucSummation.Interpolation => ops.Div(ops.Add(a, b), 2.0),
                AucSummation.Minoring => ops.Minimum(a, b),
                _ => ops.Maximum(a, b),
            };
            return ops.Mul(ops.Sub(Lower(ops, x, t), Upper(ops, x, t)), heights);
        }
    }
}
