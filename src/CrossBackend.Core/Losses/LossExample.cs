namespace CrossBackend;

/// <summary>
/// A documented example of a loss with its published result (Keras's or FastEstimator's documentation and tests):
/// channels-last inputs, keyword arguments and the expected values. Each loss file lists its own; the parity report
/// and the tests run every example on every engine, and the XML docs quote them.
/// </summary>
/// <param name="Source">Where the number is published, e.g. "Keras docs" or "FastEstimator test".</param>
/// <param name="YPred">y_pred, row-major, channels-last.</param>
/// <param name="Shape">y_pred's shape.</param>
/// <param name="YTrue">y_true, row-major (null for losses without labels).</param>
/// <param name="TrueShape">y_true's shape (null: y_pred's).</param>
/// <param name="Arguments">Keyword arguments by Keras name (tensor-valued ones as <c>double[]</c> with their shape in
/// <paramref name="TensorShapes"/>).</param>
/// <param name="Expected">The published result: one value for a reduced loss, else per element.</param>
/// <param name="Rounding">Half a unit of the last digit the source prints (0.0005 for "1.177"); 0 when the source
/// prints the value to float32 precision.</param>
/// <param name="TensorShapes">Shapes of tensor-valued arguments, by name.</param>
public sealed record LossExample(string Source, double[] YPred, long[] Shape, double[]? YTrue, long[]? TrueShape,
    IReadOnlyDictionary<string, object?> Arguments, double[] Expected, double Rounding = 0,
    IReadOnlyDictionary<string, long[]>? TensorShapes = null)
{
    /// <summary>No keyword arguments.</summary>
    internal static readonly IReadOnlyDictionary<string, object?> Defaults = new Dictionary<string, object?>();

    /// <summary>
    /// Runs the example on <paramref name="engine"/> with y_pred (and same-shape labels) in <paramref name="dtype"/>:
    /// channels-last data moves into the engine's layout; class indices are int64; tensor-valued arguments keep their
    /// shape. Returns the engine's result tensor.
    /// </summary>
    public object Run(LossDefinition loss, ITensorEngine engine, DType dtype = DType.Float32) => Run(loss, engine, dtype, Mode.Compute);

    internal enum Mode { Compute, Composed, Gradient, ComposedGradient }

    internal object Run(LossDefinition loss, ITensorEngine engine, DType dtype, Mode mode)
    {
        Array Values(double[] v) => dtype == DType.Float64 ? v : v.Select(x => (float)x).ToArray();
        object Floating(double[] v, long[] shape) => Narrow(engine.FromChannelsLast(Values(v), shape));
        object Narrow(object t) => dtype.IsNarrowFloat() ? engine.Cast(t, dtype) : t;
        var arguments = new LossArguments();
        foreach ((string name, object? value) in Arguments)
            arguments[name] = value is double[] tensor && loss.Option(name)?.Kind == LossOptionKind.Tensor
                ? engine.FromArray(Values(tensor), TensorShapes?.GetValueOrDefault(name) ?? [tensor.Length])
                : value;
        object? yTrue = YTrue is null ? null
            : loss.Labels is LossLabels.ClassIndices or LossLabels.IntegerLabels ? engine.FromArray(YTrue.Select(v => (long)v).ToArray(), TrueShape ?? Shape[..^1])
            : Floating(YTrue, TrueShape ?? Shape);
        object yPred = Floating(YPred, Shape);
        return mode switch
        {
            Mode.Composed => loss.ComputeComposed(yPred, yTrue, arguments),
            Mode.Gradient => loss.Gradient(yPred, yTrue, arguments),
            Mode.ComposedGradient => loss.GradientComposed(yPred, yTrue, arguments),
            _ => loss.Compute(yPred, yTrue, arguments),
        };
    }

    /// <summary>A one-line description: the source and the non-default arguments. A tensor argument of rank 2 or more
    /// is named by its shape (<c>ref_embeddings=&lt;(6, 4) array&gt;</c>): its values inlined made one parity-table name
    /// 400 characters wide, and with it every row of the table.</summary>
    public override string ToString() =>
        Source + (Arguments.Count == 0 ? "" : " (" + string.Join(", ", Arguments.Select(a => $"{a.Key}={Describe(a.Key, a.Value)}")) + ")");

    private string Describe(string name, object? value) => value switch
    {
        double[] when TensorShapes?.GetValueOrDefault(name) is { Length: > 1 } shape => $"<{TensorInfo.FormatShape(shape)} array>",
        IReadOnlyDictionary<int, double> w => LossOption.Format(string.Join(",", w.Select(p => $"{p.Key}={p.Value}"))),
        _ => LossOption.Format(value),
    };
}
