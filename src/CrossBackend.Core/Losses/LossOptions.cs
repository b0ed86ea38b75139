namespace CrossBackend;

/// <summary>The options every loss shares, checked once.</summary>
internal sealed record LossOptions(
    bool FromLogits,
    double LabelSmoothing,
    int? Axis,
    Reduction Reduction,
    object? SampleWeights,
    IReadOnlyDictionary<int, double>? ClassWeights)
{
    public static LossOptions Create(bool fromLogits, bool averageLoss, IReadOnlyDictionary<int, double>? classWeights,
        double labelSmoothing, int? axis, Reduction? reduction, object? sampleWeights)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing,
                $"Argument `labelSmoothing` must be in [0, 1]. Received: labelSmoothing={labelSmoothing}");
        if (reduction is { } r && r != Reduction.None && !averageLoss)
            throw new ArgumentException(
                $"Arguments `averageLoss` and `reduction` disagree: averageLoss=false means Reduction.None. Received: averageLoss=false, reduction={r}",
                nameof(reduction));
        return new LossOptions(fromLogits, labelSmoothing, axis,
            reduction ?? (averageLoss ? Reduction.SumOverBatchSize : Reduction.None), sampleWeights, classWeights);
    }

    /// <summary>Whether the reduction divides by a count or a weight sum.</summary>
    public bool Averages => Reduction is Reduction.SumOverBatchSize or Reduction.WeightedMean;
}
