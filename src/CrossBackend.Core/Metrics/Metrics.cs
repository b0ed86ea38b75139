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
/// <see cref="Accuracy{TPred,TTrue}"/> and <see cref="BinaryAccuracy{TPred,TTrue}"/>) is computed in float64; on an
/// engine whose tensor type fixes the element type (<c>Tensor&lt;int&gt;</c>) pass it typed as <see cref="object"/> to
/// receive that floating result (typed, the call throws an <see cref="InvalidOperationException"/> that says so).
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
    /// The weighted mean of metric values, as Keras's <c>Mean</c> metric (and every <c>MeanMetricWrapper</c> such as
    /// <c>keras.metrics.CategoricalAccuracy()</c>) reports them, Keras 3.4 and later: each sample's values are averaged
    /// down to the weights' rank, multiplied by the weights, and the total divided by the total weight (each sample's
    /// weights averaged over their own axes), 0 when that is 0 (Keras's <c>divide_no_nan</c>). Without weights: the
    /// mean over samples of each sample's mean, 0 for no samples.
    /// </summary>
    /// <param name="values">Metric values, one or more per sample, e.g. from
    /// <see cref="CategoricalAccuracy{TPred,TTrue}"/> (per sample) or <see cref="Accuracy{TPred,TTrue}"/> (per
    /// element); an integer tensor is averaged in float64.</param>
    /// <param name="sampleWeights">A tensor of the same engine, null for equal weights: one element; (Batch,); or
    /// values' leading axes, each of them either values' length or 1 (broadcast, as NumPy does): values' own shape,
    /// (Batch, 1), (1, C), per-timestep (Batch, T). Weights of the values' rank are in the engine's layout (moved with
    /// the data); fewer axes are Keras's leading axes, in the order every engine shares: on a channels-first engine,
    /// values of rank ≥ 3 are then read with their class axis (axis 1) last, as Keras holds them, so (B, T) weights
    /// weigh (B, C, T) values by [b, t]. A length-1 last axis on either side is squeezed first, as Keras's
    /// <c>squeeze_or_expand_to_same_rank</c> does.</param>
    /// <param name="valuesHaveClassAxis">True (default): values of rank ≥ 3 are laid out like the data, with the
    /// engine's class axis: per-element results (<see cref="Accuracy{TPred,TTrue}"/>,
    /// <see cref="BinaryAccuracy{TPred,TTrue}"/>) or data moved with <see cref="Layout.ToEngineLayout"/>. False: values
    /// without a class axis, whose axes are in the same order on every engine: per-sample results of a y_pred of rank
    /// ≥ 4, such as <see cref="SparseCategoricalAccuracy{TPred,TTrue}"/>'s (B, H, W). It matters only on a
    /// channels-first engine, for values of rank ≥ 3 weighted by fewer axes than they have.</param>
    /// <returns>A one-element tensor of the same engine and dtype as <paramref name="values"/> (float64 for integer
    /// values).</returns>
    /// <exception cref="ArgumentException"><paramref name="sampleWeights"/> has more axes than
    /// <paramref name="values"/> or a length that neither matches nor broadcasts; the tensors belong to different
    /// engines.</exception>
    /// <example><code>
    /// // keras.metrics.CategoricalAccuracy() with sample_weight=[0.7, 0.3] gives 0.3:
    /// var mean = Metrics.Mean(Metrics.CategoricalAccuracy(yPred, yTrue), sampleWeights: weights);
    /// // keras.metrics.Accuracy(): y_pred [[0, 2], [3, 4]], y_true [[1, 2], [3, 4]], weights [[1, 0], [0, 1]] give 0.5.
    /// </code></example>
    public static T Mean<T>(T values, object? sampleWeights = null, bool valuesHaveClassAxis = true) where T : class =>
        Run<T>("Metrics.Mean", "values", new MeanProgram(valuesHaveClassAxis), [values, sampleWeights], ["values", "sampleWeights"], castInteger: true);

    /// <summary>As <see cref="Run(ITensorProgram, object?[], string[], bool, DType)"/>, the result handed back as the
    /// caller's type by <see cref="TypedResult"/> (<paramref name="call"/> and <paramref name="argument"/> name the
    /// public method and its first parameter in the message when it is not).</summary>
    internal static TPred Run<TPred>(string call, string argument, ITensorProgram program, object?[] inputs, string[] names,
        bool castInteger = false, DType castTo = DType.Float64) where TPred : class =>
        TypedResult.As<TPred>(Run(program, inputs, names, castInteger, castTo), inputs[0]!, call, argument);

    /// <summary>Runs a metric program; a non-floating first input is computed in <paramref name="castTo"/> (float64
    /// unless stated) when <paramref name="castInteger"/>.</summary>
    internal static object Run(ITensorProgram program, object?[] inputs, string[] names, bool castInteger = false, DType castTo = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(inputs[0], names[0]);
        for (int i = 1; i < inputs.Length; i++)
            if (inputs[i] is null && names[i] is "y_true") throw new ArgumentNullException(names[i]);
        return castInteger ? TensorProgram.RunWithFloatingFirst(program, inputs, names, castTo) : TensorProgram.Run(program, inputs, names)[0];
    }

    /// <summary>Keras's <c>reduce_to_samplewise_values</c> with <c>ops.mean</c>, then <c>Mean.result()</c>.</summary>
    private sealed class MeanProgram(bool valuesHaveClassAxis) : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class
        {
            T values = inputs[0]!;
            DType dtype = ops.DTypeOf(values);
            if (ops.RankOf(values) == 0) values = ops.Reshape(values, [1]);
            if (inputs[1] is not { } weights)
            {
                long samples = ops.ShapeOf(values)[0];
                return [ops.DivideNoNan(ops.Sum(MeanAfter(ops, values, 1)), ops.Scalar(samples, dtype))];
            }
            T w = ops.Cast(weights, dtype);
            long[] weightShape = ops.ShapeOf(w);
            // One element is Keras's scalar weight: every sample weighs it, so it cancels unless it is 0.
            if (Shapes.Count(weightShape) == 1) w = ops.Reshape(w, [1]);
            // Weights with fewer axes than the values are Keras's leading axes, which never include Keras's last axis: on a
            // channels-first engine the values' class axis (axis 1) goes last first, so both are in Keras's order (the
            // mean over the rest does not depend on the order).
            int rank = ops.RankOf(values), classAxis = MetricChecks.ClassAxis(ops, rank);
            if (valuesHaveClassAxis && rank >= 3 && classAxis != rank - 1 && ops.RankOf(w) < rank)
                values = ops.MoveAxis(values, classAxis, rank - 1);
            (values, w) = MetricChecks.SameRank(ops, values, w, lastAxis: true);
            int weightRank = ops.RankOf(w);
            values = MeanAfter(ops, values, weightRank);
            long[] shape = ops.ShapeOf(values), ws = ops.ShapeOf(w);
            if (ws.Length > shape.Length || !MetricChecks.LeadingAxesFit(ws, shape))
                throw new ArgumentException(
                    "Argument `sampleWeights` must have one element or values' leading axes, each of values' length or 1 " +
                    "(such as (Batch,), (Batch, 1), per-timestep (Batch, T) or values' shape in the engine's layout; for per-sample values " +
                    $"of rank >= 3 pass valuesHaveClassAxis: false). Received: sampleWeights.shape={TensorInfo.FormatShape(weightShape)}, " +
                    $"values.shape={TensorInfo.FormatShape(ops.ShapeOf(inputs[0]!))}", "sampleWeights");
            w = ops.BroadcastTo(w, shape);
            T total = ops.Sum(MeanAfter(ops, ops.Mul(values, w), 1));
            return [ops.DivideNoNan(total, ops.Sum(MeanAfter(ops, w, 1)))];
        }

        /// <summary>The mean over every axis from <paramref name="first"/> on (none to average: x itself).</summary>
        private static T MeanAfter<T>(ITensorOps<T> ops, T x, int first) where T : class
        {
            int rank = ops.RankOf(x);
            return rank <= first ? x : ops.Mean(x, Enumerable.Range(first, rank - first).ToArray());
        }
    }
}
