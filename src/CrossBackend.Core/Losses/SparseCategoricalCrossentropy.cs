namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Sparse categorical crossentropy: like <see cref="CategoricalCrossentropy{TPred,TTrue}"/> with class indices
    /// for labels, so that <c>sparse(label) == categorical(one_hot(label))</c> for every input, on either engine.
    /// </summary>
    /// <remarks>
    /// <para>Probabilities are divided by their sum and clipped exactly as in the categorical loss. Keras 2 and
    /// Keras 3 on TensorFlow clip <i>before</i> renormalising and so disagree with their own categorical loss: for
    /// label 0 and p = [0.5, 3.0] they give 1.098612, while we (and Keras 3 on torch/JAX/NumPy) give
    /// −log(0.5/3.5) = 1.945910, the categorical value.</para>
    /// <para><paramref name="ignoreClass"/> (PyTorch <c>ignore_index</c>, Keras <c>ignore_class</c>): those elements
    /// contribute 0 and leave the mean's denominator; if every element is ignored the mean is 0, as in Keras
    /// (PyTorch gives NaN).</para>
    /// <para><b>Example</b> (FastEstimator's test, both engines): y_pred = [[0.1, 0.8, 0.1], [0.9, 0.05, 0.05],
    /// [0.1, 0.2, 0.7]], labels [0, 1, 0] give 2.5336342; with <c>averageLoss: false</c>
    /// [2.3025851, 2.9957323, 2.3025851]. From logits [[8,1,1],[0,9,1],[2,3,5]], labels [0,1,2] and
    /// <c>classWeights</c> {0: 1, 1: 2, 2: 3}: 0.1707592 with <see cref="Reduction.SumOverBatchSize"/>, 0.0853796
    /// with <see cref="Reduction.WeightedMean"/> (PyTorch's <c>cross_entropy(weight=…)</c>).</para>
    /// </remarks>
    /// <param name="yPred">Predictions, as for <see cref="CategoricalCrossentropy{TPred,TTrue}"/>.</param>
    /// <param name="yTrue">Class indices, shape (Batch, …) — y_pred's shape without the class axis — or with a
    /// length-1 class axis (Keras's trailing 1), which is squeezed; integer, or float holding integer values.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="averageLoss">FastEstimator's shorthand for <see cref="Reduction.SumOverBatchSize"/> (true) or
    /// <see cref="Reduction.None"/> (false).</param>
    /// <param name="classWeights">Class index → weight, looked up by the label.</param>
    /// <param name="ignoreClass">A label value whose elements are ignored; it may lie outside [0, C).</param>
    /// <param name="labelSmoothing">In [0, 1]: the one-hot label becomes onehot·(1 − ls) + ls/C (PyTorch's definition).</param>
    /// <param name="axis">The class axis of <paramref name="yPred"/>; default the engine's.</param>
    /// <param name="reduction">Overrides <paramref name="averageLoss"/>.</param>
    /// <param name="sampleWeights">A tensor of the same engine: one element or a prefix of the label shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A label lies outside [0, C) and is not the ignored class, or
    /// another option is out of range.</exception>
    public static TPred SparseCategoricalCrossentropy<TPred, TTrue>(
        TPred yPred,
        TTrue yTrue,
        bool fromLogits = false,
        bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null,
        int? ignoreClass = null,
        double labelSmoothing = 0,
        int? axis = null,
        Reduction? reduction = null,
        object? sampleWeights = null)
        where TPred : class
        where TTrue : class
    {
        return Dispatch(yPred, yTrue, () => new SparseCategoricalCrossentropyProgram(
            LossOptions.Create(fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights), ignoreClass));
    }

    private sealed class SparseCategoricalCrossentropyProgram(LossOptions o, int? ignoreClass) : ILossProgram
    {
        public TTensor Run<TTensor>(ITensorBackend<TTensor> b, TTensor yPred, TTensor yTrue) where TTensor : class
        {
            ((_, int axis, long classes, _, _, double[]? table, TTensor? sample), TTensor labels) =
                LossSetup.Sparse(b, o, yPred, yTrue, ignoreClass);

            // Ignored elements get label 0 (any valid class) and weight 0.
            TTensor? valid = ignoreClass is { } ignored ? b.NotEqual(labels, ignored, yPred) : null;
            TTensor safeLabels = valid is null ? labels : b.Multiply(b.Affine(labels, 1, 0), valid);

            // Unweighted, unsmoothed mean: one fusable engine op.
            if (valid is null && table is null && sample is null && o.LabelSmoothing == 0 && o.Averages)
                return b.MeanSparseCategoricalCrossentropy(labels, yPred, o.FromLogits, axis);
            TTensor loss = o.LabelSmoothing > 0
                ? b.CategoricalCrossentropy(
                    b.Affine(b.OneHot(safeLabels, (int)classes, axis, yPred), 1 - o.LabelSmoothing, o.LabelSmoothing / classes),
                    yPred, o.FromLogits, axis)
                : b.SparseCategoricalCrossentropy(safeLabels, yPred, o.FromLogits, axis);
            TTensor? classWeight = table is null ? null : b.Gather(table, safeLabels, loss);
            return LossReduction.Reduce(b, loss, LossReduction.Combine(b, classWeight, sample, valid), o.Reduction, valid);
        }
    }
}
