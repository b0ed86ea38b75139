namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Hinge loss, Keras's <c>hinge</c>: mean(max(1 − y_true·y_pred, 0)) over the axis, then the reduction, on either
    /// engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Labels</b> are expected in {−1, 1}. As in Keras 3 (<c>convert_binary_labels_to_hinge</c>), when
    /// <i>every</i> element of <paramref name="yTrue"/> is 0 or 1 the whole tensor is converted to 2·y − 1; if any
    /// element is something else (−1, 0.5, ...) no element is converted. So y = [[0, 1], [0, 0]] is read as
    /// [[−1, 1], [−1, −1]], but y = [[0, 1], [−1, 1]] keeps its 0 (which then contributes max(1 − 0, 0) = 1).
    /// PyTorch has no <c>hinge</c> for {0, 1} labels (<c>HingeEmbeddingLoss</c> is a different loss on distances,
    /// <c>MultiMarginLoss</c> is the multi-class one). FastEstimator's <c>hinge</c> does not convert: with the labels
    /// above it gives [0.8, 1.0] (a 0 label contributes max(1 − 0·p, 0) = 1) where Keras and we give [1.1, 1.5]; with
    /// {−1, 1} labels all three agree (FastEstimator's docstring example, reproduced: [0.8, 1.2, 0.85, 0]).</para>
    /// <para><b>Example</b> (Keras's tests): y_true = [[0, 1], [0, 0]], y_pred = [[0.6, 0.4], [0.4, 0.6]] give
    /// <b>1.3</b> (per element [1.1, 1.5]; sum 2.6; with sample weights [1, 0], 0.55).</para>
    /// </remarks>
    /// <param name="yPred">Predictions (scores), rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Labels in {−1, 1} (or all in {0, 1}), with y_pred's shape.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentException">Shapes differ, y_pred is not floating point, or the tensors belong to
    /// different engines or devices.</exception>
    public static TPred Hinge<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)HingeLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.Hinge{TPred,TTrue}"/>.</summary>
internal sealed class HingeLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("hinge",
        "mean(max(1 − y·p, 0)) over the axis; labels all in {0, 1} become {−1, 1}", LossLabels.SameShape, [], new HingeLoss(),
        examples:
        [
            .. HingeExamples.Keras([1.3], [2.6], [1.1, 1.5], [0.55], [1.1], [1.1, 0.0]),
            // {−1, 1} labels: no conversion, the same numbers as FastEstimator's (which never converts).
            new("FastEstimator docstring", [0.1, 0.9, 0.05, 0.05, 0.1, -0.2, 0.0, -0.7, 0.0, 0.15, 0.8, 0.05, 1.0, -1.0, -1.0, -1.0], [4, 4],
                [-1, 1, 1, -1, 1, 1, 1, 1, -1, -1, 1, -1, 1, -1, -1, -1], null,
                new Dictionary<string, object?> { ["reduction"] = Reduction.None }, [0.8, 1.2, 0.85, 0.0]),
            // FastEstimator's integration test of the Hinge TensorOp (TensorFlow and PyTorch): the mean of those, 0.7125.
            new("FastEstimator test (Hinge TensorOp, average_loss)", [0.1, 0.9, 0.05, 0.05, 0.1, -0.2, 0.0, -0.7, 0.0, 0.15, 0.8, 0.05, 1.0, -1.0, -1.0, -1.0], [4, 4],
                [-1, 1, 1, -1, 1, 1, 1, 1, -1, -1, 1, -1, 1, -1, -1, -1], null, LossExample.Defaults, [0.7125]),
        ]);

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        // The kernel converts the labels itself (one check instead of the composed compare-and-reduce).
        if (PointwiseFused.Try(c, PointwiseLossKind.HingeKerasLabels, new PointwiseLossParameters()) is { } fused) return fused;
        return new(c.Ops.Mean(Margin(c), c.Axis));
    }

    /// <summary>max(1 − y·p, 0) with Keras's label conversion.</summary>
    public static T Margin<T>(LossContext<T> c) where T : class
    {
        ITensorOps<T> o = c.Ops;
        return o.Maximum(o.RSub(1, o.Mul(SignedLabels(c), c.YPred)), 0);
    }

    /// <summary>
    /// Keras's <c>convert_binary_labels_to_hinge</c>: b = 1 when every label is 0 or 1 (one reduction over the whole
    /// tensor), else 0; the labels become y + b·(y − 1), i.e. 2y − 1 when b = 1 and y unchanged otherwise.
    /// </summary>
    public static T SignedLabels<T>(LossContext<T> c) where T : class
    {
        ITensorOps<T> o = c.Ops;
        T y = c.Target;
        // Equal(y, 0) and Equal(y, 1) never hold together, so their sum is the 0/1 "is binary" mask.
        T binary = o.Add(o.CompareAs(CompareOp.Equal, y, c.Constant(0), c.DType), o.CompareAs(CompareOp.Equal, y, c.Constant(1), c.DType));
        T allBinary = o.Reduce(ReduceOp.Min, binary, null, keepDims: false);
        return o.Add(y, o.Mul(allBinary, o.Add(y, -1)));
    }
}

/// <summary>Keras's hinge-family test inputs (losses_test.py): y_true = [[0, 1], [0, 0]], y_pred = [[0.6, 0.4], [0.4, 0.6]].</summary>
internal static class HingeExamples
{
    public static readonly double[] YTrue = [0, 1, 0, 0];
    public static readonly double[] YPred = [0.6, 0.4, 0.4, 0.6];

    /// <summary>The six published results: the mean, the sum, per element, and with sample weights [1, 0] (mean,
    /// sum and per element), checked to 3 decimals where reduced; then the scalar weight 0, which gives exactly 0.</summary>
    public static LossExample[] Keras(double[] mean, double[] sum, double[] none, double[] weightedMean, double[] weightedSum,
        double[] weightedNone)
    {
        LossExample Example(Dictionary<string, object?> args, double[] expected, double rounding, string source = "Keras tests") =>
            new(source, YPred, [2, 2], YTrue, null, args, expected, Rounding: rounding);
        return
        [
            Example([], mean, 0.0005),
            Example(new() { ["reduction"] = Reduction.Sum }, sum, 0.0005),
            Example(new() { ["reduction"] = Reduction.None }, none, 0),
            Example(new() { ["sample_weights"] = new[] { 1.0, 0.0 } }, weightedMean, 0.0005),
            Example(new() { ["reduction"] = Reduction.Sum, ["sample_weights"] = new[] { 1.0, 0.0 } }, weightedSum, KerasTestExamples.AlmostEqual,
                KerasTestExamples.Test("test_weighted")),
            Example(new() { ["reduction"] = Reduction.None, ["sample_weights"] = new[] { 1.0, 0.0 } }, weightedNone, 0),
            // test_zero_weighted: the scalar weight 0.0, asserted exactly equal to 0.
            Example(new() { ["sample_weights"] = new[] { 0.0 } }, [0], 0, KerasTestExamples.Test("test_zero_weighted")),
        ];
    }
}
