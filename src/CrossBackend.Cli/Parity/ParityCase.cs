namespace CrossBackend.Cli.Parity;

/// <summary>The losses the parity report covers.</summary>
public enum ParityLoss { Categorical, Sparse, Binary }

/// <summary>
/// One embedded parity input: channels-last float32 data and the loss options. <see cref="YTrue"/> is one-hot (its
/// arg-max gives the sparse labels) or, for the binary loss, 0/1 targets.
/// </summary>
public sealed record ParityCase(
    string Name, double[] YTrue, double[] YPred, long[] Shape, bool FromLogits,
    IReadOnlyDictionary<int, double>? ClassWeights = null, double? Published = null,
    ParityLoss Loss = ParityLoss.Categorical, double LabelSmoothing = 0, Reduction Reduction = Reduction.SumOverBatchSize,
    double[]? SampleWeights = null, int? IgnoreClass = null)
{
    public int Classes => (int)Shape[^1];

    /// <summary>The sparse labels: the arg-max of each one-hot row, or the ignored class where the row is all zero.</summary>
    public double[] Labels() => Enumerable.Range(0, YTrue.Length / Classes).Select(r =>
    {
        ReadOnlySpan<double> row = YTrue.AsSpan(r * Classes, Classes);
        int k = row.IndexOf(1.0);
        return k >= 0 ? k : IgnoreClass ?? throw new InvalidOperationException($"{Name}: row {r} has no label");
    }).Select(v => (double)v).ToArray();
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
        new("sparse: fastestimator", [1, 0, 0, 0, 1, 0, 1, 0, 0], FePred, [3, 3], false, Published: 2.5336342, Loss: ParityLoss.Sparse),
        new("sparse: weighted mean (docs example)", [1, 0, 0, 0, 1, 0, 0, 0, 1], [8, 1, 1, 0, 9, 1, 2, 3, 5], [3, 3], true,
            new Dictionary<int, double> { [0] = 1, [1] = 2, [2] = 3 }, Published: 0.0853796, Loss: ParityLoss.Sparse, Reduction: Reduction.WeightedMean),
        new("sparse: sum over batch (docs example)", [1, 0, 0, 0, 1, 0, 0, 0, 1], [8, 1, 1, 0, 9, 1, 2, 3, 5], [3, 3], true,
            new Dictionary<int, double> { [0] = 1, [1] = 2, [2] = 3 }, Published: 0.1707592, Loss: ParityLoss.Sparse),
        new("sparse: renormalised, not clipped first", [1, 0], [0.5, 3.0], [1, 2], false, Published: 1.945910, Loss: ParityLoss.Sparse),
        new("sparse: ignoreClass -1 (row 2 ignored)", [1, 0, 0, 0, 0, 0, 1, 0, 0], FePred, [3, 3], false, Loss: ParityLoss.Sparse, IgnoreClass: -1),
        new("binary: fastestimator (4, 1)", [1, 0, 1, 0], [0.9, 0.3, 0.8, 0.1], [4, 1], false, Published: 0.19763474, Loss: ParityLoss.Binary),
        new("binary: clip in float32 (Keras 3)", [1, 0, 1, 0], [1, 1, 1, 0], [2, 2], false, Published: 3.98560, Loss: ParityLoss.Binary),
        Random("binary: logits, smoothing 0.1 (32, 4)", [32, 4], 11, soft: false, (r, c) => Logits(r, c, 8), fromLogits: true,
            loss: ParityLoss.Binary, smoothing: 0.1, binary: true),
        Random("binary: class weights, sum (32, 4)", [32, 4], 12, soft: false, Probabilities, loss: ParityLoss.Binary,
            weights: new() { [0] = 0.5, [1] = 3.0 }, reduction: Reduction.Sum, binary: true),
        Random("sparse: smoothing 0.2, sample weights (2, 8, 8, 5)", [2, 8, 8, 5], 13, soft: false, (r, c) => Logits(r, c, 4),
            fromLogits: true, loss: ParityLoss.Sparse, smoothing: 0.2, sampleWeights: [0.5, 2.0]),
        Random("categorical: smoothing 0.1, weighted mean (64, 10)", [64, 10], 14, soft: false, Probabilities,
            smoothing: 0.1, weights: new() { [2] = 4.0 }, reduction: Reduction.WeightedMean, sampleWeights: Enumerable.Range(1, 64).Select(i => i / 64.0).ToArray()),
        Random("soft labels (64, 10)", [64, 10], 1, soft: true, Probabilities),
        Random("rows not summing to 1 (64, 10)", [64, 10], 2, soft: false, (r, c) => Scale(Probabilities(r, c), 0.1 + 9.9 * r.NextDouble())),
        Random("zeros in y_pred (64, 10)", [64, 10], 3, soft: true, WithZeros),
        Random("large logits ±1000 (64, 10)", [64, 10], 4, soft: false, (r, c) => Logits(r, c, 1000), fromLogits: true),
        Random("segmentation (2, 8, 8, 5)", [2, 8, 8, 5], 5, soft: false, Probabilities),
        Random("segmentation logits (2, 8, 8, 5)", [2, 8, 8, 5], 6, soft: true, (r, c) => Logits(r, c, 5), fromLogits: true),
        Random("class weights, soft labels (64, 10)", [64, 10], 7, soft: true, Probabilities, weights: new() { [0] = 0.5, [3] = 2.0, [9] = 4.0 }),
    ];

    private static ParityCase Random(string name, long[] shape, int seed, bool soft, Func<System.Random, int, double[]> pred,
        bool fromLogits = false, Dictionary<int, double>? weights = null, ParityLoss loss = ParityLoss.Categorical,
        double smoothing = 0, Reduction reduction = Reduction.SumOverBatchSize, double[]? sampleWeights = null, bool binary = false)
    {
        var random = new System.Random(seed);
        int classes = (int)shape[^1];
        long rows = shape.Aggregate(1L, (a, b) => a * b) / classes;
        var yTrue = new List<double>();
        var yPred = new List<double>();
        for (long i = 0; i < rows; i++)
        {
            yTrue.AddRange(binary ? Enumerable.Range(0, classes).Select(_ => (double)random.Next(2))
                : soft ? Probabilities(random, classes) : OneHot(random, classes));
            yPred.AddRange(pred(random, classes));
        }
        static double[] AsFloat32(List<double> v) => v.Select(x => (double)(float)x).ToArray();
        return new ParityCase(name, AsFloat32(yTrue), AsFloat32(yPred), shape, fromLogits, weights, Loss: loss,
            LabelSmoothing: smoothing, Reduction: reduction, SampleWeights: sampleWeights);
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
