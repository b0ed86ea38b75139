namespace CrossBackend;

/// <summary>
/// A published example of a metric (Keras's or FastEstimator's documentation and tests): channels-last inputs,
/// keyword arguments and the published result. The tests run every example on every engine.
/// </summary>
/// <param name="Source">Where the number is published, e.g. "Keras docs: CategoricalAccuracy".</param>
/// <param name="YPred">y_pred, row-major, channels-last.</param>
/// <param name="Shape">y_pred's shape.</param>
/// <param name="YTrue">y_true, row-major (channels-last when it has a class axis).</param>
/// <param name="TrueShape">y_true's shape (null: y_pred's).</param>
/// <param name="Expected">The published result: per sample, or the (weighted) mean when <paramref name="Mean"/>.</param>
/// <param name="Arguments">Keyword arguments by Keras name; a <c>double[]</c> becomes a tensor of the engine (rank 1
/// unless <paramref name="ArgumentShapes"/> gives its shape).</param>
/// <param name="SampleWeights">Keras's <c>sample_weight</c> for the metric class's mean (with <paramref name="Mean"/>),
/// row-major.</param>
/// <param name="Mean">Whether <paramref name="Expected"/> is what Keras's metric class reports (the weighted mean,
/// <see cref="Metrics.Mean{T}"/>) rather than the function's per-sample values.</param>
/// <param name="Rounding">How far the published digits may be from the exact value (half a unit of the last printed
/// digit, or the source's own tolerance); 0 when printed to float32 precision.</param>
/// <param name="WeightShape">The shape of <paramref name="SampleWeights"/> (null: one axis), channels-last when it has
/// y_pred's rank.</param>
/// <param name="ArgumentShapes">Shapes of tensor-valued <paramref name="Arguments"/> by name (absent: one axis).</param>
public sealed record MetricExample(string Source, double[] YPred, long[] Shape, double[] YTrue, long[]? TrueShape,
    double[] Expected, IReadOnlyDictionary<string, object?>? Arguments = null, double[]? SampleWeights = null,
    bool Mean = false, double Rounding = 0, long[]? WeightShape = null, IReadOnlyDictionary<string, long[]>? ArgumentShapes = null)
{
    /// <summary>
    /// Runs the example on <paramref name="engine"/> with y_pred in <paramref name="dtype"/>: channels-last data moves to
    /// the engine's layout; class indices are int64. Returns the engine's result tensor.
    /// </summary>
    public object Run(MetricDefinition metric, ITensorEngine engine, DType dtype = DType.Float32)
    {
        Array Values(double[] v) => dtype == DType.Float64 ? v : v.Select(x => (float)x).ToArray();
        object Narrow(object t) => dtype.IsNarrowFloat() ? engine.Cast(t, dtype) : t;
        long[] trueShape = TrueShape ?? Shape;
        object yPred = Narrow(engine.FromChannelsLast(Values(YPred), Shape));
        object yTrue = metric.Labels == MetricLabels.ClassIndices && trueShape.Length < Shape.Length
            ? engine.FromArray(YTrue.Select(v => (long)v).ToArray(), trueShape)
            : metric.Labels == MetricLabels.ClassIndices
                ? engine.FromChannelsLast(YTrue.Select(v => (long)v).ToArray(), trueShape)
                : Narrow(engine.FromChannelsLast(Values(YTrue), trueShape));
        var arguments = (Arguments ?? new Dictionary<string, object?>()).ToDictionary(
            a => a.Key, a => a.Value is double[] tensor
                ? engine.FromArray(Values(tensor), ArgumentShapes?.GetValueOrDefault(a.Key) ?? [tensor.Length]) : a.Value);
        object result = metric.Compute(yPred, yTrue, arguments);
        if (!Mean) return result;
        long[] weightShape = WeightShape ?? [SampleWeights?.Length ?? 0];
        object? weights = SampleWeights is null ? null
            : weightShape.Length == Shape.Length ? engine.FromChannelsLast(Values(SampleWeights), weightShape)
            : engine.FromArray(Values(SampleWeights), weightShape);
        return Metrics.Mean(result, weights);
    }

    private static string Format(object? value) => value switch
    {
        null => "None",
        IEnumerable<double> list => "[" + string.Join(", ", list) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>A one-line description: the source and the arguments.</summary>
    public override string ToString() =>
        Source + (Arguments is null || Arguments.Count == 0 ? "" : " (" + string.Join(", ", Arguments.Select(a => $"{a.Key}={Format(a.Value)}")) + ")")
        + (SampleWeights is null ? "" : $" sample_weight=[{string.Join(", ", SampleWeights)}]"
            + (WeightShape is null ? "" : $" shape {TensorInfo.FormatShape(WeightShape)}"));
}
