namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Circle loss, Keras 3's <c>circle</c> (Sun et al., 2020): pulls same-label embeddings together and pushes
    /// different-label ones apart in cosine distance, one loss per query embedding, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Formula</b> (Keras's): d = max(1 − y_pred·refᵀ, 0) for every query/reference pair; positives are the
    /// pairs with equal labels (without i = j when <paramref name="removeDiagonal"/>), negatives the others;
    /// wp = max(m + d, 0) and wn = max(1 + m − d, 0) on their pairs; the loss is softplus(logsumexp(−γ·wp·(m − d)) over
    /// the positives + logsumexp(γ·wn·(1 − m − d)) over the negatives). A query with no positive (or no negative) pair
    /// scores 0 and, as Keras's mask does, is left out of the <see cref="Reduction.SumOverBatchSize"/> denominator and
    /// the weighted mean (so the mean is over queries with a loss &gt; 0).</para>
    /// <para><b>Examples</b> (Keras's tests, embeddings (5, 4), labels [1, 1, 2, 2, 3]): <b>188.3883</b> (γ = 80,
    /// m = 0.4); <b>652.7617</b> (γ = 256, m = 0.25); with sample weights [2, 2, 1, 1, 0.5] <b>244.91918</b>, and
    /// <b>163.27948</b> with <see cref="Reduction.WeightedMean"/>; against 6 reference embeddings without removing the
    /// diagonal, per query <b>[61.5844, 94.3465, 276.9344, 90.9873, 48.8963]</b>. PyTorch and FastEstimator have no
    /// circle loss.</para>
    /// <para>Keras's <c>circle</c> has no <c>axis</c>: an explicit <c>axis</c> (through <see cref="LossDefinition"/> or
    /// the CLI's <c>--axis</c>) is refused naming the value, not ignored.</para>
    /// </remarks>
    /// <param name="yPred">L2-normalised embeddings, (Batch, D), floating point.</param>
    /// <param name="yTrue">Integer labels, (Batch,) or (Batch, 1).</param>
    /// <param name="refLabels">Labels of the reference embeddings, (N,); null: <paramref name="yTrue"/>.</param>
    /// <param name="refEmbeddings">L2-normalised reference embeddings, (N, D); null: <paramref name="yPred"/>.</param>
    /// <param name="removeDiagonal">Whether the pairs i = j are not positives (a query is not its own positive).</param>
    /// <param name="gamma">The scale γ; a finite number ≥ 0.</param>
    /// <param name="margin">The relaxation m; a finite number ≥ 0.</param>
    /// <param name="reduction">How the per-query losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar or (Batch,).</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred Circle<TPred, TTrue>(TPred yPred, TTrue yTrue, object? refLabels = null, object? refEmbeddings = null,
        bool removeDiagonal = true, double gamma = 80, double margin = 0.4, Reduction reduction = Reduction.SumOverBatchSize,
        object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)CircleLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [CircleLoss.RefLabels.Name] = refLabels,
            [CircleLoss.RefEmbeddings.Name] = refEmbeddings,
            [CircleLoss.RemoveDiagonal.Name] = removeDiagonal,
            [CircleLoss.Gamma.Name] = gamma,
            [CircleLoss.Margin.Name] = margin,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.Circle{TPred,TTrue}"/>.</summary>
internal sealed class CircleLoss : ILossFunction
{
    internal static readonly LossOption RefLabels = new("ref_labels", "refLabels", LossOptionKind.Tensor, null,
        "integer labels of the reference embeddings, (N,) (default: y_true)");
    internal static readonly LossOption RefEmbeddings = new("ref_embeddings", "refEmbeddings", LossOptionKind.Tensor, null,
        "L2-normalised reference embeddings, (N, D) (default: y_pred)");
    internal static readonly LossOption RemoveDiagonal = LossOption.Flag("remove_diagonal", "removeDiagonal", true,
        "the pairs i = j are not positives");
    internal static readonly LossOption Gamma = LossOption.NonNegative("gamma", "gamma", 80, "the scale γ");
    internal static readonly LossOption Margin = LossOption.NonNegative("margin", "margin", 0.4, "the relaxation m");

    public static readonly LossDefinition Definition = new("circle",
        "softplus(logsumexp over positives + logsumexp over negatives) of weighted cosine distances, per query embedding",
        LossLabels.IntegerLabels, [RefLabels, RefEmbeddings, RemoveDiagonal, Gamma, Margin], new CircleLoss(), minRank: 2,
        examples: Examples())
    {
        NaNStaysInItsElement = false,
        NoAxis = "Keras's circle has no axis; y_pred holds (Batch, D) embeddings and the similarity is taken over D",
    };

    private static LossExample[] Examples()
    {
        double[] labels = [1, 1, 2, 2, 3];
        double[] embeddings =
        [
            0.70014004, -0.42008403, 0.14002801, 0.56011203,
            0.17609018, 0.70436073, -0.52827054, 0.44022545,
            -0.34050261, 0.25537696, -0.68100522, 0.59587957,
            0.32163376, -0.75047877, 0.53605627, -0.21442251,
            0.51261459, -0.34174306, 0.17087153, 0.76892189,
        ];
        double[] refLabels = [1, 1, 2, 2, 3, 4];
        double[] refEmbeddings =
        [
            0.40824829, -0.54433105, 0.27216553, 0.68041382,
            0.76376261, 0.10910895, -0.54554473, 0.32732684,
            -0.74420841, 0.24806947, 0.49613894, -0.3721042,
            0.52981294, -0.13245324, 0.79471941, -0.26490647,
            0.54554473, -0.32732684, 0.10910895, 0.76376261,
            -0.27216553, 0.68041382, 0.40824829, -0.54433105,
        ];
        double[] weights = [2.0, 2.0, 1.0, 1.0, 0.5];
        // Keras's assertAlmostEqual checks 3 decimals (|Δ| < 1.5e-3); its assertAllClose values are printed to 4.
        LossExample Query(Dictionary<string, object?> args, double rounding, params double[] expected) =>
            new("Keras test", embeddings, [5, 4], labels, null, args, expected, rounding,
                new Dictionary<string, long[]> { ["ref_labels"] = [6], ["ref_embeddings"] = [6, 4], ["sample_weights"] = [5] });
        LossExample References(Dictionary<string, object?> args, double rounding, params double[] expected) =>
            new("Keras test", refEmbeddings, [6, 4], refLabels, null, args, expected, rounding);
        return
        [
            Query([], 1.5e-3, 188.3883),
            Query(new() { ["gamma"] = 256.0, ["margin"] = 0.25 }, 1.5e-3, 652.7617),
            Query(new() { ["ref_labels"] = refLabels, ["ref_embeddings"] = refEmbeddings, ["remove_diagonal"] = false, ["reduction"] = Reduction.None },
                5e-5, 61.5844, 94.3465, 276.9344, 90.9873, 48.8963),
            Query(new() { ["sample_weights"] = weights }, 1.5e-3, 244.91918),
            Query(new() { ["sample_weights"] = weights, ["reduction"] = Reduction.WeightedMean }, 1.5e-3, 163.27948),
            References(new() { ["reduction"] = Reduction.None }, 5e-5, 82.9116, 36.7942, 92.4590, 52.6798, 0.0, 0.0),
            References(new() { ["reduction"] = Reduction.Sum }, 1.5e-3, 264.845),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        ITensorOps<T> o = c.Ops;
        long[] shape = c.Pred.Shape;
        if (shape.Length != 2)
            throw new ArgumentException($"Argument `y_pred` must hold embeddings of shape (Batch, D). Received: y_pred.shape={TensorInfo.FormatShape(shape)}", "y_pred");
        long batch = shape[0], dim = shape[1];
        T labels = Labels(o, c.YTrue, batch, "y_true", "(Batch,) or (Batch, 1)");
        T? refEmbeddingsGiven = c.Tensor(RefEmbeddings), refLabelsGiven = c.Tensor(RefLabels);
        T refs = refEmbeddingsGiven is null ? c.YPred : o.Cast(refEmbeddingsGiven, c.DType);
        long[] refShape = o.ShapeOf(refs);
        if (refShape.Length != 2 || refShape[1] != dim)
            throw new ArgumentException(
                $"Argument `refEmbeddings` must have shape (N, {dim}), the embedding size of y_pred. Received: refEmbeddings.shape={TensorInfo.FormatShape(refShape)}", "refEmbeddings");
        long n = refShape[0];
        T refLabels = refLabelsGiven is null ? labels : Labels(o, refLabelsGiven, n, "refLabels", $"(N,) with N = {n}, the number of reference embeddings");
        if (refLabelsGiven is null && n != batch)
            throw new ArgumentException(
                $"Argument `refLabels` is needed when `refEmbeddings` has another length than y_pred. Received: refEmbeddings.shape={TensorInfo.FormatShape(refShape)}, y_pred.shape={TensorInfo.FormatShape(shape)}", "refLabels");

        double gamma = c.Number(Gamma), margin = c.Number(Margin);
        bool removeDiagonal = c.Bool(RemoveDiagonal);
        T similarities = o.MatMul(c.YPred, o.Permute(refs, [1, 0]));   // (Batch, N)
        // Without sample weights both means are Keras's masked mean (the denominator counts the queries with a loss):
        // an engine's kernel may take it itself.
        bool maskedMean = c.Tensor(LossOption.SampleWeights) is null && c.Reduction is Reduction.SumOverBatchSize or Reduction.WeightedMean;
        IFusedCircleLoss<T>? fused = o as IFusedCircleLoss<T>;
        if (maskedMean && fused?.CircleLoss(similarities, labels, refLabels, removeDiagonal, gamma, margin, maskedMean: true) is { } mean)
            return new(mean, Reduced: true);
        T zero = c.Constant(0);
        T loss = fused?.CircleLoss(similarities, labels, refLabels, removeDiagonal, gamma, margin, maskedMean: false) is { } fast
            ? fast
            : Composed(c, similarities, labels, refLabels, removeDiagonal, gamma, margin, zero);
        // Keras masks the queries whose loss is 0 out of the averages (set_keras_mask(loss, loss > 0)).
        T counted = o.CompareAs(CompareOp.Greater, loss, zero, c.DType);
        return new(loss, counted, counted);
    }

    /// <summary>The per-query losses from the (Batch, N) similarities: the definition an engine's fused kernel is held
    /// to.</summary>
    private static T Composed<T>(LossContext<T> c, T similarities, T labels, T refLabels, bool removeDiagonal, double gamma, double margin,
        T zero) where T : class
    {
        ITensorOps<T> o = c.Ops;
        long[] size = o.ShapeOf(similarities);
        long batch = size[0], n = size[1];
        T distances = o.Maximum(o.RSub(1, similarities), 0);
        T same = o.Cast(o.Compare(CompareOp.Equal, o.Reshape(labels, [batch, 1]), o.Reshape(refLabels, [1, n])), c.DType);
        T negative = o.RSub(1, same);
        T positive = removeDiagonal ? o.Mul(same, o.FromValues(OffDiagonal(batch, n), [batch, n], c.DType)) : same;

        T positiveWeights = o.Maximum(o.Mul(o.Add(distances, margin), positive), 0);
        T negativeWeights = o.Maximum(o.Mul(o.RSub(1 + margin, distances), negative), 0);
        T positiveTerms = o.Mul(o.Mul(positiveWeights, o.RSub(margin, distances)), -gamma);
        T negativeTerms = o.Mul(o.Mul(negativeWeights, o.RSub(1 - margin, distances)), gamma);
        (T positiveLse, T noPositive) = MaskedLogSumExp(c, positiveTerms, positive);
        (T negativeLse, T noNegative) = MaskedLogSumExp(c, negativeTerms, negative);
        return o.Where(noPositive, zero, o.Where(noNegative, zero, o.Softplus(o.Add(positiveLse, negativeLse))));
    }

    /// <summary>Integer labels of <paramref name="count"/> entries as an int64 (N,) tensor (equality is then exact for
    /// any label, whatever y_pred's dtype).</summary>
    private static T Labels<T>(ITensorOps<T> o, T labels, long count, string name, string expected) where T : class
    {
        long[] shape = o.ShapeOf(labels);
        bool ok = (shape.Length == 1 && shape[0] == count) || (shape.Length == 2 && shape[0] == count && shape[1] == 1);
        if (!ok)
            throw new ArgumentException($"Argument `{name}` must hold one integer label per embedding: shape {expected}. Received: {name}.shape={TensorInfo.FormatShape(shape)}", name);
        T integers = o.Cast(labels, DType.Int64);
        return shape.Length == 1 ? integers : o.Reshape(integers, [count]);   // (N,) already: no view to make
    }

    private static double[] OffDiagonal(long rows, long columns)
    {
        var mask = new double[rows * columns];
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < columns; j++)
                mask[i * columns + j] = i == j ? 0 : 1;
        return mask;
    }

    /// <summary>log Σ exp(x) along axis 1 over the entries where <paramref name="mask"/> is 1, and whether a row has
    /// none (its value is then 0, a placeholder). No −∞ enters an op whose backward would turn it into NaN: the
    /// shift is the masked maximum, and empty rows take log 1.</summary>
    private static (T Value, T Empty) MaskedLogSumExp<T>(LossContext<T> c, T x, T mask) where T : class
    {
        ITensorOps<T> o = c.Ops;
        T inMask = o.Compare(CompareOp.Greater, mask, c.Constant(0));
        T masked = o.Where(inMask, x, c.Constant(double.NegativeInfinity));
        T max = o.Max(masked, 1, keepDims: true);
        T shift = o.Where(o.Compare(CompareOp.Equal, max, c.Constant(double.NegativeInfinity)), c.Constant(0), max);
        T sum = o.Sum(o.Exp(o.Sub(masked, shift)), 1);
        T empty = o.Compare(CompareOp.Equal, sum, c.Constant(0));
        T value = o.Add(o.Log(o.Where(empty, c.Constant(1), sum)), o.Reshape(shift, [o.ShapeOf(sum)[0]]));
        return (value, empty);
    }
}
