namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Binary crossentropy, averaged over the class axis as Keras does, on either engine.
    /// </summary>
    /// <remarks>
    /// <para>Probabilities are clipped to [1e-7, 1 − 1e-7] with the bounds in the input's dtype (in float32
    /// 1 − 1e-7 is 0.99999988), then plain logs are taken (Keras 3). Keras 2 also added ε inside the log, and PyTorch
    /// clamps each log at −100 instead of clipping p. Example y = [[1,0],[1,0]], p = [[1,1],[1,0]] (float32): we and
    /// Keras 3 give <b>3.98560</b>, Keras 2 gives 3.83331, PyTorch's <c>binary_cross_entropy</c> gives 25.0. Logits go
    /// through the stable max(x, 0) − x·y + log(1 + exp(−|x|)).</para>
    /// <para>Class weights (FastEstimator's) are looked up element-wise by the target value truncated to an integer
    /// (0 or 1 for hard labels) and applied before the mean over the class axis.</para>
    /// <para><b>Example</b> (FastEstimator's test, both engines): p = [[0.9], [0.3], [0.8], [0.1]],
    /// y = [[1], [0], [1], [0]] give 0.19763474.</para>
    /// </remarks>
    /// <param name="yPred">Predictions (probabilities or logits), rank ≥ 2.</param>
    /// <param name="yTrue">Targets in [0, 1], same shape.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="averageLoss">FastEstimator's shorthand for <see cref="Reduction.SumOverBatchSize"/> (true) or
    /// <see cref="Reduction.None"/> (false).</param>
    /// <param name="classWeights">Target value → weight (keys 0 and 1).</param>
    /// <param name="labelSmoothing">In [0, 1]: y becomes y·(1 − ls) + 0.5·ls.</param>
    /// <param name="axis">The axis averaged over; default the engine's class axis.</param>
    /// <param name="reduction">Overrides <paramref name="averageLoss"/>.</param>
    /// <param name="sampleWeights">A tensor of the same engine: one element or a prefix of the per-element loss shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred BinaryCrossentropy<TPred, TTrue>(
        TPred yPred,
        TTrue yTrue,
        bool fromLogits = false,
        bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null,
        double labelSmoothing = 0,
        int? axis = null,
        Reduction? reduction = null,
        object? sampleWeights = null)
        where TPred : class
        where TTrue : class
    {
        return Dispatch(yPred, yTrue, () => new BinaryCrossentropyProgram(
            LossOptions.Create(fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights)));
    }

    private sealed class BinaryCrossentropyProgram(LossOptions o) : ILossProgram
    {
        public TTensor Run<TTensor>(ITensorBackend<TTensor> b, TTensor yPred, TTensor yTrue) where TTensor : class
        {
            (_, int axis, _, _, _, double[]? table, TTensor? sample) = LossSetup.Dense(b, o, yPred, yTrue, weightClasses: 2);

            TTensor target = o.LabelSmoothing > 0 ? b.Affine(yTrue, 1 - o.LabelSmoothing, 0.5 * o.LabelSmoothing) : yTrue;
            TTensor elementwise = b.BinaryCrossentropy(target, yPred, o.FromLogits);
            if (table is not null) elementwise = b.Multiply(elementwise, b.Gather(table, yTrue, elementwise));
            return LossReduction.Reduce(b, b.MeanAlong(elementwise, axis), sample, o.Reduction);
        }
    }
}
