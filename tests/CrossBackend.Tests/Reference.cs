namespace CrossBackend.Tests;

/// <summary>
/// An independent, deliberately plain float64 reference for Keras's categorical crossentropy, on channels-last
/// data (classes on the last axis). It shares no code with the library.
/// </summary>
public static class Reference
{
    /// <summary>The clip bounds Keras uses, taken in the input's dtype (in float32 1 − 1e-7 is 0.99999988).</summary>
    public static (double Low, double High) ClipBounds(DType dtype) => dtype == DType.Float64
        ? (1e-7, 1.0 - 1e-7)
        : ((double)1e-7f, (double)(1f - 1e-7f));

    /// <summary>Per-element loss: one value per row of <paramref name="classes"/> values.</summary>
    public static double[] CategoricalCrossentropy(double[] yTrue, double[] yPred, int classes, bool fromLogits,
        DType dtype = DType.Float32, IReadOnlyDictionary<int, double>? classWeights = null)
    {
        int rows = yPred.Length / classes;
        var loss = new double[rows];
        (double low, double high) = ClipBounds(dtype);
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            if (fromLogits)
            {
                double max = double.NegativeInfinity;
                for (int c = 0; c < classes; c++) max = Math.Max(max, yPred[r * classes + c]);
                double sumExp = 0;
                for (int c = 0; c < classes; c++) sumExp += Math.Exp(yPred[r * classes + c] - max);
                // log_softmax = (x − max) − log Σexp(x − max): subtracting max first keeps (x − max) exact for
                // huge logits, where x − (max + log Σ) would lose the small log Σ term to rounding (≈ ulp(1e4)).
                double logSumExp = Math.Log(sumExp);
                for (int c = 0; c < classes; c++)
                    sum += yTrue[r * classes + c] * ((yPred[r * classes + c] - max) - logSumExp);
            }
            else
            {
                double rowSum = 0;
                for (int c = 0; c < classes; c++) rowSum += yPred[r * classes + c];
                for (int c = 0; c < classes; c++)
                {
                    double p = Math.Clamp(yPred[r * classes + c] / rowSum, low, high);
                    sum += yTrue[r * classes + c] * Math.Log(p);
                }
            }
            loss[r] = -sum * ClassWeight(yTrue, r, classes, classWeights);
        }
        return loss;
    }

    /// <summary>The weight of argmax(y_true) in row <paramref name="row"/> (first maximum on ties).</summary>
    private static double ClassWeight(double[] yTrue, int row, int classes, IReadOnlyDictionary<int, double>? classWeights)
    {
        if (classWeights is null) return 1.0;
        int best = 0;
        for (int c = 1; c < classes; c++)
            if (yTrue[row * classes + c] > yTrue[row * classes + best]) best = c;
        return classWeights.TryGetValue(best, out double w) ? w : 1.0;
    }

    /// <summary>The plain mean.</summary>
    public static double Mean(double[] values) => values.Sum() / values.Length;
}
