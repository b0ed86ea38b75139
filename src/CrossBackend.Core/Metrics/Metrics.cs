namespace CrossBackend;

/// <summary>
/// Keras's metric functions (and FastEstimator's <c>dice_score</c>), each written once over the general ops and run on
/// whichever engine owns the tensors given. Every method takes the engine's own tensor type and returns the same type.
/// </summary>
/// <remarks>
/// <para><b>Argument order</b>: <c>(yPred, yTrue)</c>, as every function of this library and FastEstimator's backend take
/// them; Keras's metric functions take <c>(y_true, y_pred)</c>. Use named arguments when porting.</para>
/// <para><b>Layout</b>: the class (channel) axis is the engine's (<see cref="ITensorEngine.ClassAxis"/>): where Keras
/// reads the last axis, a channels-first engine reads axis 1, so data moved with <see cref="Layout.ToEngineLayout"/> gives
/// the same numbers on every engine. Per-sample results have y_pred's shape without the class axis on every engine.</para>
/// <para><b>Results</b> are in y_pred's floating dtype (Keras returns <c>floatx</c>); an integer y_pred (allowed by
/// <see cref="Accuracy{TPred,TTrue}"/> and <see cref="BinaryAccuracy{TPred,TTrue}"/>) is computed in float64.
/// Keras's metric <i>classes</i> (<c>keras.metrics.CategoricalAccuracy()</c>) report the weighted mean of these per-sample
/// values: <see cref="Mean{T}"/>.</para>
/// </remarks>
public static partial class Metrics
{
    /// <summary>Computes the registered metric <paramref name="name"/> (Keras's or FastEstimator's spelling) with keyword
    /// <paramref name="arguments"/> (e.g. <c>k</c>, <c>threshold</c>, <c>average</c>); see <see cref="MetricRegistry"/>.</summary>
    public static object Compute(string name, object yPred, object yTrue, IReadOnlyDictionary<string, object?>? arguments = null) =>
        MetricRegistry.Get(name).Compute(yPred, yTrue, arguments);

    /// <summary>
    /// The weighted mean of per-sample metric values, as Keras's <c>MeanMetricWrapper</c> reports them:
    /// Σ values·w / Σ w, 0 when Σ w = 0 (Keras's <c>divide_no_nan</c>); without weights the plain mean.
    /// </summary>
    /// <param name="values">Per-sample values, e.g. from <see cref="CategoricalAccuracy{TPred,TTrue}"/>.</param>
    /// <param name="sampleWeights">A tensor of the same engine with one element or a prefix of <paramref name="values"/>'
    /// shape such as (Batch,), broadcast over the trailing axes; null for equal weights.</param>
    /// <returns>A one-element tensor of the same engine and dtype as <paramref name="values"/>.</returns>
    /// <example><code>
    /// // keras.metrics.CategoricalAccuracy() with sample_weight=[0.7, 0.3] gives 0.3:
    /// var mean = Metrics.Mean(Metrics.CategoricalAccuracy(yPred, yTrue), sampleWeights: weights);
    /// </code></example>
    public static T Mean<T>(T values, object? sampleWeights = null) where T : class =>
        (T)Run(new MeanProgram(), [values, sampleWeights], ["values", "sampleWeights"]);

    /// <summary>Runs a metric program; a non-floating first input is computed in float64 when <paramref name="castInteger"/>.</summary>
    internal static object Run(ITensorProgram program, object?[] inputs, string[] names, bool castInteger = false)
    {
        ArgumentNullException.ThrowIfNull(inputs[0], names[0]);
        for (int i = 1; i < inputs.Length; i++)
            if (inputs[i] is null && names[i] is "y_true") throw new ArgumentNullException(names[i]);
        ITensorEngine engine = TensorEngines.EngineOf(inputs[0]!, names[0]);
        IDisposable? made = null;
        if (castInteger && !engine.Describe(inputs[0]!).DType.IsFloatingPoint())
        {
            inputs = (object?[])inputs.Clone();
            inputs[0] = engine.Cast(inputs[0]!, DType.Float64);
            made = inputs[0] as IDisposable;
        }
        try { return TensorProgram.Run(program, inputs, names)[0]; }
        finally { made?.Dispose(); }
    }

    private sealed class MeanProgram : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            T values = inputs[0]!;
            if (inputs[1] is not { } weights) return [ops.Mean(values)];
            TensorInfo info = ops.Describe(values);
            T w = MetricChecks.Weights(ops, weights, info.Shape, info.DType);
            return [ops.DivideNoNan(ops.Sum(ops.Mul(values, w)), ops.Sum(w))];
        }
    }
}
