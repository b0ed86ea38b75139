namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Categorical crossentropy between one-hot or soft labels and predicted probabilities (or logits), on either
    /// engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Semantics (the same on every engine, Keras's policy):</b> with <paramref name="fromLogits"/> false,
    /// each row of <paramref name="yPred"/> is divided by its sum over the class axis and clipped to
    /// [1e-7, 1 − 1e-7] (bounds in the input's dtype: 0.99999988 in float32) before the log, so rows that do not sum
    /// to 1 and exact zeros give the same finite number on both engines (FastEstimator gives NaN on zeros and
    /// engine-dependent values for unnormalised rows). With <paramref name="fromLogits"/> true, a numerically
    /// stable log-softmax is used. An element's class weight is the weight of argmax(<paramref name="yTrue"/>) over
    /// the class axis, applied with one gather. Label smoothing replaces y by y·(1 − ls) + ls/C (Keras).</para>
    /// <para><b>Example</b> (FastEstimator's, same numbers on both engines):</para>
    /// <code>
    /// // TorchSharp (channels-first: classes on axis 1)
    /// var yTrue = torch.tensor(new long[] { 0, 1, 0, 1, 0, 0, 0, 0, 1 }, 3, 3);
    /// var yPred = torch.tensor(new[] { 0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.05f, 0.1f, 0.2f, 0.7f }, 3, 3);
    /// var weights = new Dictionary&lt;int, double&gt; { [1] = 2.0, [2] = 3.0 };
    /// Losses.CategoricalCrossentropy(yPred, yTrue);                                  // 0.22839302
    /// Losses.CategoricalCrossentropy(yPred, yTrue, averageLoss: false);              // [0.22314353, 0.10536055, 0.35667497]
    /// Losses.CategoricalCrossentropy(yPred, yTrue, averageLoss: false, classWeights: weights);
    ///                                                                                // [0.44628706, 0.10536055, 1.07002491]
    /// Losses.CategoricalCrossentropy(yPred, yTrue, fromLogits: true);                // 0.69182307
    ///
    /// // System.Numerics.Tensors (channels-last: classes on the last axis)
    /// var t = Tensor.Create(new[] { 0, 1, 0, 1, 0, 0, 0, 0, 1 }, [3, 3]);
    /// var p = Tensor.Create(new[] { 0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.05f, 0.1f, 0.2f, 0.7f }, [3, 3]);
    /// Losses.CategoricalCrossentropy(p, t);                                          // [0.22839302]
    /// Losses.CategoricalCrossentropy(p, t, averageLoss: false, classWeights: weights); // [0.44628706, 0.10536055, 1.07002491]
    /// </code>
    /// </remarks>
    /// <typeparam name="TPred">The engine's tensor type; <see cref="object"/> to dispatch at run time.</typeparam>
    /// <typeparam name="TTrue">The labels' tensor type (the same engine; integer or floating point).</typeparam>
    /// <param name="yPred">Predictions, shape (Batch, …, C) on a channels-last engine or (Batch, C, …) on a
    /// channels-first one; floating point (float16 and bfloat16 are computed in float32 and returned in their dtype).</param>
    /// <param name="yTrue">One-hot or soft labels with the same shape as <paramref name="yPred"/>.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits rather than probabilities.</param>
    /// <param name="averageLoss">FastEstimator's shorthand: true is <see cref="Reduction.SumOverBatchSize"/> (the
    /// mean, a one-element tensor), false is <see cref="Reduction.None"/> (shape (Batch, …)).</param>
    /// <param name="classWeights">Class index → weight; classes not listed weigh 1.0. Keys must lie in [0, C) and
    /// weights must be finite and non-negative.</param>
    /// <param name="labelSmoothing">In [0, 1]: y becomes y·(1 − ls) + ls/C.</param>
    /// <param name="axis">The class axis; default the engine's (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">Overrides <paramref name="averageLoss"/>; see <see cref="Reduction"/> for each
    /// denominator.</param>
    /// <param name="sampleWeights">A tensor of the same engine: one element, or a prefix of the per-element loss
    /// shape such as (Batch,), broadcast over the trailing axes as in Keras.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentNullException">A tensor argument is null.</exception>
    /// <exception cref="ArgumentException">Shapes differ, rank &lt; 2, y_pred is not floating point, the tensors belong to
    /// different engines or devices, or the batch is empty while averaging.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class weight, the axis or the label smoothing is out of range.</exception>
    public static TPred CategoricalCrossentropy<TPred, TTrue>(
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
        return Dispatch(yPred, yTrue, () => new CategoricalCrossentropyProgram(
            LossOptions.Create(fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights)));
    }

    /// <summary>The engine-independent part of <see cref="CategoricalCrossentropy{TPred,TTrue}"/>.</summary>
    private sealed class CategoricalCrossentropyProgram(LossOptions o) : ILossProgram
    {
        public TTensor Run<TTensor>(ITensorBackend<TTensor> b, TTensor yPred, TTensor yTrue) where TTensor : class
        {
            (_, int axis, long classes, _, _, double[]? table, TTensor? sample) = LossSetup.Dense(b, o, yPred, yTrue);

            TTensor target = o.LabelSmoothing > 0 ? b.Affine(yTrue, 1 - o.LabelSmoothing, o.LabelSmoothing / classes) : yTrue;
            // The fused class-weighted kernel serves every reduction whose denominator does not need the weights;
            // smoothing of 1 flattens the labels, so its arg-max is taken on the original labels instead.
            if (table is not null && o.Reduction != Reduction.WeightedMean && o.LabelSmoothing < 1)
                return LossReduction.Reduce(b, b.WeightedCategoricalCrossentropy(target, yPred, o.FromLogits, axis, table),
                    sample, o.Reduction);
            // Unweighted mean: one fusable engine op (both mean reductions agree when nothing is weighted).
            if (table is null && sample is null && o.Averages)
                return b.MeanCategoricalCrossentropy(target, yPred, o.FromLogits, axis);
            TTensor loss = b.CategoricalCrossentropy(target, yPred, o.FromLogits, axis);
            TTensor? classWeight = table is null ? null : b.Gather(table, b.ArgMax(yTrue, axis), loss);
            return LossReduction.Reduce(b, loss, LossReduction.Combine(b, classWeight, sample), o.Reduction);
        }
    }
}
