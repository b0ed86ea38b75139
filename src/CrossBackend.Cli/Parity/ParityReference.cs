namespace CrossBackend.Cli.Parity;

/// <summary>
/// The float64 reference the parity report compares against: Keras's definition evaluated row by row in double
/// precision, with the clip bounds taken in float32 (the inputs' dtype), as Keras does.
/// </summary>
public static class ParityReference
{
    private static readonly double ClipLow = 1e-7f, ClipHigh = 1f - 1e-7f;

    public static double[] PerElement(ParityCase c)
    {
        int k = c.Classes;
        return Enumerable.Range(0, c.YPred.Length / k).Select(row =>
        {
            ReadOnlySpan<double> y = c.YTrue.AsSpan(row * k, k), x = c.YPred.AsSpan(row * k, k);
            return -Dot(y, c.FromLogits ? LogSoftmax(x) : LogClippedProbabilities(x)) * Weight(y, c.ClassWeights);
        }).ToArray();
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
