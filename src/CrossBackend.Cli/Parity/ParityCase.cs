namespace CrossBackend.Cli.Parity;

/// <summary>One parity input: a registered loss's or metric's example (channels-last inputs, keyword arguments, and
/// the published result when there is one), run on an engine in a dtype, or a backend function's published example
/// (which fixes its own dtypes).</summary>
/// <param name="Name">The case as the report prints it: the function, then the example.</param>
/// <param name="Kind">"loss", "metric" or "function": where it comes from (the JSON key that names the function).</param>
/// <param name="Function">The registered name, e.g. <c>categorical_crossentropy</c>.</param>
/// <param name="Published">The published values, or null for the edge cases that have none.</param>
/// <param name="Rounding">How far the published digits may be from the exact value.</param>
/// <param name="Run">Runs the example on an engine in a dtype; the result is that engine's tensor.</param>
/// <param name="HasFloat64">Whether <paramref name="Run"/> takes the dtype (losses and metrics run in float32 and in
/// float64); a function example runs in its own dtypes only.</param>
public sealed record ParityCase(string Name, string Kind, string Function, double[]? Published, double Rounding, Func<ITensorEngine, DType, object> Run,
    bool HasFloat64 = true)
{
    internal static ParityCase Of(LossDefinition loss, string name, LossExample input) =>
        new(name, "loss", loss.Name, input.Expected.Length == 0 ? null : input.Expected, input.Rounding, (e, dtype) => input.Run(loss, e, dtype));

    internal static ParityCase Of(MetricDefinition metric, MetricExample example) =>
        new($"{metric.Name}: {example}", "metric", metric.Name, example.Expected, example.Rounding, (e, dtype) => example.Run(metric, e, dtype));

    internal static ParityCase Of(FunctionExample example) =>
        new(example.ToString(), "function", example.Function, example.Expected, example.Tolerance, (e, _) => example.Run(e), HasFloat64: false);
}

/// <summary>
/// The report's cases, enumerated from the registries: every published example of every loss (FastEstimator's first),
/// then edge cases where engines and libraries are known to diverge (soft labels, rows that do not sum to 1, zeros,
/// huge logits, segmentation shapes), then every published example of every metric and of every backend function.
/// </summary>
public static class ParityCases
{
    public static IReadOnlyList<ParityCase> Default()
    {
        var cases = new List<ParityCase>();
        foreach (LossDefinition loss in LossRegistry.All)
            foreach (LossExample example in loss.Examples)
                cases.Add(ParityCase.Of(loss, $"{loss.Name}: {example}", example));
        foreach ((string loss, string name, LossExample input) in EdgeCases())
            cases.Add(ParityCase.Of(LossRegistry.Get(loss), $"{loss}: {name}", input));
        foreach (MetricDefinition metric in MetricRegistry.All)
            foreach (MetricExample example in metric.Examples)
                cases.Add(ParityCase.Of(metric, example));
        foreach (FunctionExample example in FunctionExamples.All())
            cases.Add(ParityCase.Of(example));
        return Numbered(cases);
    }

    /// <summary>Examples from one source with the same options (Keras tests of one function on other inputs) share a
    /// description: the second and later get " #2", " #3", so each row of the table and each JSON line names one case.</summary>
    private static List<ParityCase> Numbered(List<ParityCase> cases)
    {
        var seen = new Dictionary<string, int>();
        for (int i = 0; i < cases.Count; i++)
        {
            int n = seen[cases[i].Name] = seen.GetValueOrDefault(cases[i].Name) + 1;
            if (n > 1) cases[i] = cases[i] with { Name = $"{cases[i].Name} #{n}" };
        }
        return cases;
    }

    private static IEnumerable<(string Loss, string Name, LossExample Input)> EdgeCases()
    {
        const string cce = "categorical_crossentropy", sparse = "sparse_categorical_crossentropy", binary = "binary_crossentropy";
        yield return (cce, "soft labels (64, 10)", Random([64, 10], 1, Soft, Probabilities));
        yield return (cce, "rows not summing to 1 (64, 10)", Random([64, 10], 2, OneHot, (r, c) => Scale(Probabilities(r, c), 0.1 + 9.9 * r.NextDouble())));
        yield return (cce, "zeros in y_pred (64, 10)", Random([64, 10], 3, Soft, WithZeros));
        yield return (cce, "large logits ±1000 (64, 10)", Random([64, 10], 4, OneHot, (r, c) => Logits(r, c, 1000), new() { ["from_logits"] = true }));
        yield return (cce, "segmentation (2, 8, 8, 5)", Random([2, 8, 8, 5], 5, OneHot, Probabilities));
        yield return (cce, "segmentation logits, per element (2, 8, 8, 5)", Random([2, 8, 8, 5], 6, Soft, (r, c) => Logits(r, c, 5),
            new() { ["from_logits"] = true, ["reduction"] = Reduction.None }));
        yield return (cce, "class weights, soft labels (64, 10)", Random([64, 10], 7, Soft, Probabilities,
            new() { ["class_weights"] = new Dictionary<int, double> { [0] = 0.5, [3] = 2.0, [9] = 4.0 } }));
        yield return (cce, "smoothing 0.1, weighted mean (64, 10)", Random([64, 10], 14, OneHot, Probabilities,
            new() { ["label_smoothing"] = 0.1, ["class_weights"] = new Dictionary<int, double> { [2] = 4.0 }, ["reduction"] = Reduction.WeightedMean,
                ["sample_weights"] = Enumerable.Range(1, 64).Select(i => i / 64.0).ToArray() }));
        yield return (binary, "logits, smoothing 0.1 (32, 4)", Random([32, 4], 11, Bits, (r, c) => Logits(r, c, 8),
            new() { ["from_logits"] = true, ["label_smoothing"] = 0.1 }));
        yield return (binary, "class weights, sum (32, 4)", Random([32, 4], 12, Bits, Probabilities,
            new() { ["class_weights"] = new Dictionary<int, double> { [0] = 0.5, [1] = 3.0 }, ["reduction"] = Reduction.Sum }));
        LossExample seg = Random([2, 8, 8, 5], 13, OneHot, (r, c) => Logits(r, c, 4),
            new() { ["from_logits"] = true, ["label_smoothing"] = 0.2, ["sample_weights"] = new[] { 0.5, 2.0 } });
        yield return (sparse, "smoothing 0.2, sample weights (2, 8, 8, 5)", AsIndices(seg));
        yield return (sparse, "ignore_class -1, per element (64, 10)",
            AsIndices(Random([64, 10], 15, OneHot, Probabilities, new() { ["ignore_class"] = -1, ["reduction"] = Reduction.None }), ignoreEvery: 7));
        yield return ("mean_squared_error", "regression, weighted (64, 10)", Random([64, 10], 16, (r, c) => Logits(r, c, 3), (r, c) => Logits(r, c, 3),
            new() { ["sample_weights"] = Enumerable.Range(1, 64).Select(i => i * 0.3).ToArray() }));
    }

    /// <summary>Float32-representable inputs: one row of labels and one of predictions per element.</summary>
    private static LossExample Random(long[] shape, int seed, Func<System.Random, int, double[]> labels, Func<System.Random, int, double[]> pred,
        Dictionary<string, object?>? arguments = null)
    {
        var random = new System.Random(seed);
        int classes = (int)shape[^1];
        long rows = shape.Aggregate(1L, (a, b) => a * b) / classes;
        var yTrue = new List<double>();
        var yPred = new List<double>();
        for (long i = 0; i < rows; i++)
        {
            yTrue.AddRange(labels(random, classes));
            yPred.AddRange(pred(random, classes));
        }
        static double[] AsFloat32(IEnumerable<double> v) => v.Select(x => (double)(float)x).ToArray();
        return new LossExample("edge case", AsFloat32(yPred), shape, AsFloat32(yTrue), null, arguments ?? [], []);
    }

    /// <summary>The example with its one-hot labels replaced by their class indices (every <paramref name="ignoreEvery"/>-th
    /// element by the ignored class −1).</summary>
    private static LossExample AsIndices(LossExample e, int ignoreEvery = 0)
    {
        int classes = (int)e.Shape[^1];
        double[] labels = Enumerable.Range(0, e.YTrue!.Length / classes)
            .Select(r => ignoreEvery > 0 && r % ignoreEvery == 0 ? -1.0 : Array.IndexOf(e.YTrue, 1.0, r * classes, classes) - r * classes).ToArray();
        return e with { YTrue = labels, TrueShape = e.Shape[..^1] };
    }

    private static double[] OneHot(System.Random random, int classes)
    {
        var row = new double[classes];
        row[random.Next(classes)] = 1;
        return row;
    }

    private static double[] Soft(System.Random random, int classes) => Probabilities(random, classes);

    private static double[] Bits(System.Random random, int classes) => Enumerable.Range(0, classes).Select(_ => (double)random.Next(2)).ToArray();

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
