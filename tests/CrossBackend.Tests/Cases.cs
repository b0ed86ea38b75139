namespace CrossBackend.Tests;

/// <summary>A loss input in channels-last layout, as Keras/NumPy hold it.</summary>
public sealed record LossCase(string Name, double[] YTrue, double[] YPred, long[] Shape, bool FromLogits)
{
    public int Classes => (int)Shape[^1];
    public override string ToString() => Name;
}

/// <summary>Seeded inputs covering the shapes, label kinds and edge cases the engines must agree on.</summary>
public static class Cases
{
    public static readonly double[] FeTrue = [0, 1, 0, 1, 0, 0, 0, 0, 1];
    public static readonly double[] FePred = [0.1, 0.8, 0.1, 0.9, 0.05, 0.05, 0.1, 0.2, 0.7];
    public static readonly Dictionary<int, double> FeWeights = new() { [1] = 2.0, [2] = 3.0 };

    public static IEnumerable<LossCase> All()
    {
        yield return new("fastestimator", FeTrue, FePred, [3, 3], false);
        yield return new("fastestimator logits", FeTrue, FePred, [3, 3], true);
        foreach (long[] shape in new[] { new long[] { 17, 5 }, [2, 3, 4, 6] })
        {
            string s = string.Join("x", shape);
            yield return Make($"one-hot {s}", shape, 1, OneHot, Probabilities);
            yield return Make($"soft {s}", shape, 2, Soft, Probabilities);
            yield return Make($"unnormalised rows {s}", shape, 3, OneHot, Unnormalised);
            yield return Make($"zeros in y_pred {s}", shape, 4, Soft, WithZeros);
            yield return Make($"logits {s}", shape, 5, Soft, (r, n) => Logits(r, n, 3), fromLogits: true);
            yield return Make($"large logits {s}", shape, 6, OneHot, (r, n) => Logits(r, n, 500), fromLogits: true);
        }
    }

    private delegate double[] Generator(Random random, int classes);

    private static LossCase Make(string name, long[] shape, int seed, Generator labels, Generator pred, bool fromLogits = false)
    {
        var random = new Random(seed);
        int classes = (int)shape[^1];
        long rows = shape.Aggregate(1L, (a, b) => a * b) / classes;
        var yTrue = new List<double>();
        var yPred = new List<double>();
        for (long r = 0; r < rows; r++)
        {
            yTrue.AddRange(labels(random, classes));
            yPred.AddRange(pred(random, classes));
        }
        // Values are made float32-exact so that float32 and float64 engines see the same inputs as the reference.
        return new(name, yTrue.Select(v => (double)(float)v).ToArray(), yPred.Select(v => (double)(float)v).ToArray(), shape, fromLogits);
    }

    private static double[] OneHot(Random random, int classes)
    {
        var row = new double[classes];
        row[random.Next(classes)] = 1;
        return row;
    }

    private static double[] Soft(Random random, int classes)
    {
        double[] row = Enumerable.Range(0, classes).Select(_ => random.NextDouble()).ToArray();
        double sum = row.Sum();
        return row.Select(v => v / sum).ToArray();
    }

    private static double[] Probabilities(Random random, int classes) => Soft(random, classes);

    /// <summary>Positive values whose row sums range over [0.1, 10].</summary>
    private static double[] Unnormalised(Random random, int classes)
    {
        double scale = 0.1 + random.NextDouble() * 9.9;
        return Soft(random, classes).Select(v => v * scale).ToArray();
    }

    /// <summary>Probabilities with exact zeros (about half the entries; at least one entry stays positive).</summary>
    private static double[] WithZeros(Random random, int classes)
    {
        double[] row = Soft(random, classes);
        int keep = random.Next(classes);
        for (int c = 0; c < classes; c++)
            if (c != keep && random.Next(2) == 0) row[c] = 0;
        return row;
    }

    private static double[] Logits(Random random, int classes, double scale) =>
        Enumerable.Range(0, classes).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();
}
