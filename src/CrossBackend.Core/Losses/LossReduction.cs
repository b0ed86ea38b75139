namespace CrossBackend;

/// <summary>Weights and reductions, written once for every loss and engine (Keras's split: above the kernels).</summary>
internal static class LossReduction
{
    /// <summary>
    /// The sample weights adopted from the caller and broadcast to <paramref name="lossShape"/>, or null. Accepted
    /// shapes: one element (a scalar weight), or any prefix of the loss shape such as (Batch,).
    /// </summary>
    public static TTensor? SampleWeights<TTensor>(ITensorBackend<TTensor> b, LossOptions options, long[] lossShape, TTensor dtypeOf)
        where TTensor : class
    {
        if (options.SampleWeights is null) return null;
        TTensor weights = b.Adopt(options.SampleWeights, "sampleWeights");
        TensorInfo info = b.Describe(weights);
        long count = Shapes.Count(info.Shape);
        bool scalar = count == 1 && info.Rank <= 1;
        bool prefix = info.Rank <= lossShape.Length && info.Shape.AsSpan().SequenceEqual(lossShape.AsSpan(0, info.Rank));
        if (!scalar && !prefix)
            throw new ArgumentException(
                "Argument `sampleWeights` must be a scalar or have a shape that is a prefix of the per-element loss shape. " +
                $"Received: sampleWeights.shape={info.ShapeText}, loss shape={TensorInfo.FormatShape(lossShape)}", "sampleWeights");
        return b.ExpandTo(weights, lossShape, dtypeOf);
    }

    /// <summary>The product of the weights that are present, or null when none is.</summary>
    public static TTensor? Combine<TTensor>(ITensorBackend<TTensor> b, params TTensor?[] weights) where TTensor : class
    {
        TTensor? product = null;
        foreach (TTensor? w in weights)
            if (w is not null) product = product is null ? w : b.Multiply(product, w);
        return product;
    }

    /// <summary>
    /// Applies the weights and the reduction. <paramref name="validMask"/> (1 = counted, 0 = ignored) replaces the
    /// element count for <see cref="Reduction.SumOverBatchSize"/>; it must already be part of
    /// <paramref name="weights"/>.
    /// </summary>
    public static TTensor Reduce<TTensor>(ITensorBackend<TTensor> b, TTensor loss, TTensor? weights,
        Reduction reduction, TTensor? validMask = null) where TTensor : class
    {
        TTensor weighted = weights is null ? loss : b.Multiply(loss, weights);
        return reduction switch
        {
            Reduction.None => weighted,
            Reduction.Sum => b.Sum(weighted),
            // Without an ignore mask the denominator is the element count: the engine's own mean, one native op.
            Reduction.SumOverBatchSize => validMask is null
                ? b.Mean(weighted)
                : b.DivideNoNan(b.Sum(weighted), b.Sum(validMask)),
            Reduction.WeightedMean => weights is null
                ? b.Mean(weighted)
                : b.DivideNoNan(b.Sum(weighted), b.Sum(weights)),
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"Unknown reduction. Received: reduction={reduction}"),
        };
    }
}
