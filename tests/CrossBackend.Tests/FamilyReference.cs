namespace CrossBackend.Tests;

/// <summary>
/// Plain float64 reference for sparse and binary crossentropy, label smoothing, sample weights and the four
/// reductions, on channels-last data. Independent of the library (only its public enums are named).
/// </summary>
public static class FamilyReference
{
    /// <summary>Sparse CCE per element: −log p[label], p as Keras (normalised, clipped) or a log-softmax.</summary>
    public static double[] Sparse(double[] labels, double[] yPred, int classes, bool fromLogits, double smoothing, DType dtype)
    {
        var oneHot = new double[yPred.Length];
        for (int r = 0; r < labels.Length; r++)
            for (int c = 0; c < classes; c++)
                oneHot[r * classes + c] = (c == (int)labels[r] ? 1 - smoothing : 0) + smoothing / classes;
        return Reference.CategoricalCrossentropy(oneHot, yPred, classes, fromLogits, dtype);
    }

    /// <summary>Binary CE per element, averaged over the last axis; class weights looked up by the target value.</summary>
    public static double[] Binary(double[] yTrue, double[] yPred, int classes, bool fromLogits, double smoothing, DType dtype,
        IReadOnlyDictionary<int, double>? classWeights = null)
    {
        (double low, double high) = Reference.ClipBounds(dtype);
        var loss = new double[yPred.Length / classes];
        for (int r = 0; r < loss.Length; r++)
        {
            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                int i = r * classes + c;
                double y = yTrue[i] * (1 - smoothing) + 0.5 * smoothing;
                double x = yPred[i];
                double e = fromLogits
                    ? Math.Max(x, 0) - x * y + Math.Log(1 + Math.Exp(-Math.Abs(x)))
                    : -(y * Math.Log(Math.Clamp(x, low, high)) + (1 - y) * Math.Log(1 - Math.Clamp(x, low, high)));
                double w = classWeights is not null && classWeights.TryGetValue((int)yTrue[i], out double cw) ? cw : 1.0;
                sum += e * w;
            }
            loss[r] = sum / classes;
        }
        return loss;
    }

    /// <summary>Applies per-element weights (null = 1) and a reduction; ignored elements have weight 0 and leave
    /// the count. <paramref name="weightTotal"/> replaces Σ w as the weighted mean's denominator (Keras 3 divides by the
    /// sample weights as given, one per sample, when they are the only weights).</summary>
    public static double[] Reduce(double[] loss, double[]? weights, Reduction reduction, bool[]? ignored = null, double? weightTotal = null)
    {
        double[] w = weights ?? loss.Select(_ => 1.0).ToArray();
        if (ignored is not null) w = w.Select((v, i) => ignored[i] ? 0 : v).ToArray();
        double[] weighted = loss.Select((l, i) => w[i] == 0 ? 0 : l * w[i]).ToArray();
        double total = weighted.Sum();
        int counted = ignored is null ? loss.Length : ignored.Count(x => !x);
        return reduction switch
        {
            Reduction.None => weighted,
            Reduction.Sum => [total],
            Reduction.SumOverBatchSize => [counted == 0 ? 0 : total / counted],
            Reduction.WeightedMean => (weightTotal ?? w.Sum()) is var sum && sum == 0 ? [0] : [total / sum],
            _ => throw new ArgumentOutOfRangeException(nameof(reduction)),
        };
    }

    /// <summary>Per-batch sample weights expanded over the trailing axes (Keras broadcasting).</summary>
    public static double[] Expand(double[] perBatch, int elements) =>
        Enumerable.Range(0, elements).Select(i => perBatch[i / (elements / perBatch.Length)]).ToArray();
}
