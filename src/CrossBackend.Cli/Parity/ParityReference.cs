namespace CrossBackend.Cli.Parity;

/// <summary>
/// The float64 reference the parity report compares against: Keras's definition evaluated row by row in double
/// precision, with the clip bounds taken in float32 (the inputs' dtype), as Keras does.
/// </summary>
public static class ParityReference
{
    private static readonly double ClipLow = 1e-7f, ClipHigh = 1f - 1e-7f;

    /// <summary>The weighted per-element losses (Reduction.None) and the case's reduced value.</summary>
    public static (double[] PerElement, double Reduced) Evaluate(ParityCase c)
    {
        int k = c.Classes, rows = c.YPred.Length / k;
        double[] labels = c.Loss == ParityLoss.Sparse ? c.Labels() : [];
        var loss = new double[rows];
        var weight = new double[rows];
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<double> x = c.YPred.AsSpan(row * k, k);
            double[] y = c.YTrue.AsSpan(row * k, k).ToArray();
            bool ignored = c.Loss == ParityLoss.Sparse && labels[row] == c.IgnoreClass;
            double sample = c.SampleWeights is null ? 1 : c.SampleWeights[row / (rows / c.SampleWeights.Length)];
            if (c.Loss == ParityLoss.Binary)
            {
                loss[row] = Binary(x, y, c);
                weight[row] = sample;
                continue;
            }
            double classWeight = ignored ? 0 : Weight(y, c.ClassWeights);
            double[] target = y.Select(v => v * (1 - c.LabelSmoothing) + c.LabelSmoothing / k).ToArray();
            loss[row] = ignored ? 0 : -Dot(target, c.FromLogits ? LogSoftmax(x) : LogClippedProbabilities(x));
            weight[row] = classWeight * sample;
        }
        double[] weighted = loss.Select((l, i) => l * weight[i]).ToArray();
        int counted = c.Loss == ParityLoss.Sparse && c.IgnoreClass is { } ig ? labels.Count(l => l != ig) : rows;
        double reduced = c.Reduction switch
        {
            Reduction.Sum => weighted.Sum(),
            Reduction.WeightedMean => weight.Sum() == 0 ? 0 : weighted.Sum() / weight.Sum(),
            _ => counted == 0 ? 0 : weighted.Sum() / counted,
        };
        return (weighted, reduced);
    }

    /// <summary>Binary CE of one row, averaged over it; class weights by target value.</summary>
    private static double Binary(ReadOnlySpan<double> x, double[] y, ParityCase c)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double z = y[i] * (1 - c.LabelSmoothing) + 0.5 * c.LabelSmoothing;
            double e = c.FromLogits
                ? Math.Max(x[i], 0) - x[i] * z + Math.Log(1 + Math.Exp(-Math.Abs(x[i])))
                : -(z * Math.Log(Math.Clamp(x[i], ClipLow, ClipHigh)) + (1 - z) * Math.Log(1 - Math.Clamp(x[i], ClipLow, ClipHigh)));
            total += e * (c.ClassWeights?.GetValueOrDefault((int)y[i], 1.0) ?? 1.0);
        }
        return total / x.Length;
    }

    private static double[] LogSoftmax(ReadOnlySpan<double> x)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x) max = Math.Max(max, v);
        double total = 0;
        foreach (double v in x) total += Math.Exp(v - max);
        double shift = max + Math.Log(total);
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++) result[i] = x[i] - shift;
        return result;
    }

    private static double[] LogClippedProbabilities(ReadOnlySpan<double> x)
    {
        double total = 0;
        foreach (double v in x) total += v;
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++) result[i] = Math.Log(Math.Clamp(x[i] / total, ClipLow, ClipHigh));
        return result;
    }

    private static double Dot(ReadOnlySpan<double> a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < b.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double Weight(ReadOnlySpan<double> y, IReadOnlyDictionary<int, double>? weights)
    {
        if (weights is null) return 1.0;
        int best = 0;
        for (int i = 1; i < y.Length; i++) if (y[i] > y[best]) best = i;
        return weights.GetValueOrDefault(best, 1.0);
    }
}
