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
    /// the class axis, applied with one gather.</para>
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
    /// channels-first one; floating point.</param>
    /// <param name="yTrue">One-hot or soft labels with the same shape as <paramref name="yPred"/>.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits rather than probabilities.</param>
    /// <param name="averageLoss">True: the mean over every element (a one-element tensor). False: the per-element
    /// loss, shape (Batch, …).</param>
    /// <param name="classWeights">Class index → weight; classes not listed weigh 1.0. Keys must lie in [0, C) and
    /// weights must be finite and non-negative.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentNullException">A tensor argument is null.</exception>
    /// <exception cref="ArgumentException">Shapes differ, rank &lt; 2, y_pred is not floating point, the tensors belong to
    /// different engines or devices, or the batch is empty while averaging.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class weight's key or value is out of range.</exception>
    public static TPred CategoricalCrossentropy<TPred, TTrue>(
        TPred yPred,
        TTrue yTrue,
        bool fromLogits = false,
        bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null)
        where TPred : class
        where TTrue : class
    {
        ArgumentNullException.ThrowIfNull(yPred, "y_pred");
        ArgumentNullException.ThrowIfNull(yTrue, "y_true");
        return Dispatch(new CategoricalCrossentropyProgram(fromLogits, averageLoss, classWeights), yPred, yTrue);
    }

    /// <summary>The engine-independent part of <see cref="CategoricalCrossentropy{TPred,TTrue}"/>.</summary>
    private sealed class CategoricalCrossentropyProgram(
        bool fromLogits, bool averageLoss, IReadOnlyDictionary<int, double>? classWeights) : ILossProgram
    {
        public TTensor Run<TTensor>(ITensorBackend<TTensor> b, TTensor yPred, TTensor yTrue) where TTensor : class
        {
            TensorInfo pred = b.Describe(yPred);
            Validate.PredictionAndTarget(pred, b.Describe(yTrue));
            int axis = Validate.Axis(b.ClassAxis, pred.Rank);
            Validate.HasClasses(pred, axis);
            double[]? table = classWeights is null ? null : Validate.ClassWeightTable(classWeights, pred.Shape[axis]);
            if (averageLoss) Validate.NonEmptyForAverage(pred, axis);

            TTensor loss = table is null
                ? b.CategoricalCrossentropy(yTrue, yPred, fromLogits, axis)
                : b.WeightedCategoricalCrossentropy(yTrue, yPred, fromLogits, axis, table);
            return averageLoss ? b.Mean(loss) : loss;
        }
    }
}
