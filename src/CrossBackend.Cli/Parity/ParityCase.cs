namespace CrossBackend.Cli.Parity;

/// <summary>One embedded parity input: channels-last float32 data and the loss options.</summary>
public sealed record ParityCase(
    string Name, double[] YTrue, double[] YPred, long[] Shape, bool FromLogits,
    IReadOnlyDictionary<int, double>? ClassWeights = null, double? Published = null)
{
    public int Classes => (int)Shape[^1];
}

/// <summary>The report's default cases: FastEstimator's published example first, then the edge cases.</summary>
public static class ParityCases
{
    private static readonly double[] FeTrue = [0, 1, 0, 1, 0, 0, 0, 0, 1];
    private static readonly double[] FePred = [0.1, 0.8, 0.1, 0.9, 0.05, 0.05, 0.1, 0.2, 0.7];
    private static readonly Dictionary<int, double> FeWeights = new() { [1] = 2.0, [2] = 3.0 };

    public static IReadOnlyList<ParityCase> Default() =>
    [
        new("fastestimator example", FeTrue, FePred, [3, 3], false, Published: 0.22839302),
        new("fastestimator class weights", FeTrue, FePred, [3, 3], false, FeWeights, Published: (0.44628706 + 0.10536055 + 1.07002491) / 3),
        new("fastestimator logits", FeTrue, FePred, [3, 3], true, Published: 0.69182307),
        Random("soft labels (64, 10)", [64, 10], 1, soft: true, Probabilities),
        Random("rows not summing to 1 (64, 10)", [64, 10], 2, soft: false, (r, c) => Scale(Probabilities(r, c), 0.1 + 9.9 * r.NextDouble())),
        Random("zeros in y_pred (64, 10)", [64, 10], 3, soft: true, WithZeros),
        Random("large logits ±1000 (64, 10)", [64, 10], 4, soft: false, (r, c) => Logits(r, c, 1000), fromLogits: true),
        Random("segmentation (2, 8, 8, 5)", [2, 8, 8, 5], 5, soft: false, Probabilities),
        Random("segmentation logits (2, 8, 8, 5)", [2, 8, 8, 5], 6, soft: true, (r, c) => Logits(r, c, 5), fromLogits: true),
        Random("class weights, soft labels (64, 10)", [64, 10], 7, soft: true, Probabilities, weights: new() { [0] = 0.5, [3] = 2.0, [9] = 4.0 }),
    ];

    private static ParityCase Random(string name, long[] shape, int seed, bool soft, Func<System.Random, int, double[]> pred,
        bool fromLogits = false, Dictionary<int, double>? weights = null)
    {
        var random = new System.Random(seed);
        int classes = (int)shape[^1];
        long rows = shape.Aggregate(1L, (a, b) => a * b) / classes;
        var yTrue = new List<double>();
        var yPred = new List<double>();
        for (long i = 0; i < rows; i++)
        {
            yTrue.AddRange(soft ? Probabilities(random, classes) : OneHot(random, classes));
            yPred.AddRange(pred(random, classes));
        }
        static double[] AsFloat32(List<double> v) => v.Select(x => (double)(float)x).ToArray();
        return new ParityCase(name, AsFloat32(yTrue), AsFloat32(yPred), shape, fromLogits, weights);
    }

    private static double[] OneHot(System.Random random, int classes)
    {
        var row = new double[classes];
        row[random.Next(classes)] = 1;
        return row;
    }

    private static double[] Probabilities(System.Random random, int classes) => Scale(
        Enumerable.Range(0, classes).Select(_ => random.NextDouble()).ToArray(), 1.0);

    private static double[] Scale(double[] row, double total)
    {
        double sum = row.Sum();
        return row.Select(v => v / sum * total).ToArray();
    }

    private static double[] WithZeros(System.Random random, int classes)
    {
        double[] row = Probabilities(random, classes);
        int keep = random.Next(classes);
        return row.Select((v, c) => c != keep && random.Next(2) == 0 ? 0.0 : v).ToArray();
    }

    private static double[] Logits(System.Random random, int classes, double scale) =>
        Enumerable.Range(0, classes).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();
}
