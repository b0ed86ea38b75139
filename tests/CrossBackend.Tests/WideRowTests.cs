using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>
/// Rows wide enough for the SIMD kernels' vector paths (full vectors, the overlapping tail vector, the skipped
/// all-zero label vectors, the fused class-weight arg-max) and batches large enough to run in parallel, against
/// the float64 reference. Non-finite rows must come out NaN exactly where the reference is NaN.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class WideRowTests(string engineName)
{
    private EngineHarness _h = null!;

    [OneTimeSetUp]
    public void FindEngine() => _h = new EngineHarness(TensorEngines.Named(engineName));

    private static readonly long[][] Shapes = [[1500, 100], [3, 4, 5, 21], [40, 16], [9, 37], [11, 8], [6, 10]];

    public static IEnumerable<TestCaseData> WideCases() =>
        from shape in Shapes
        from labels in new[] { "one-hot", "soft", "ties", "negative", "late one-hot" }
        from pred in new[] { "probabilities", "zeros", "logits", "large logits", "non-finite" }
        from dtype in new[] { DType.Float32, DType.Float64 }
        from weighted in new[] { false, true }
        select new TestCaseData(shape, labels, pred, dtype, weighted)
            .SetArgDisplayNames(string.Join("x", shape), labels, pred, dtype.Name(), weighted ? "weighted" : "unweighted");

    [TestCaseSource(nameof(WideCases))]
    public void PerElementMatchesReference(long[] shape, string labels, string pred, DType dtype, bool weighted)
    {
        int classes = (int)shape[^1];
        long rows = shape.Aggregate(1L, (a, b) => a * b) / classes;
        var random = new Random(HashCode.Combine(classes, rows, labels, pred));
        var yTrue = new double[rows * classes];
        var yPred = new double[rows * classes];
        for (long r = 0; r < rows; r++)
        {
            Span<double> t = yTrue.AsSpan((int)(r * classes), classes), p = yPred.AsSpan((int)(r * classes), classes);
            Labels(random, labels, t);
            Pred(random, pred, p, r);
        }
        for (int i = 0; i < yTrue.Length; i++) { yTrue[i] = (float)yTrue[i]; yPred[i] = (float)yPred[i]; }
        bool fromLogits = pred.Contains("logits");
        Dictionary<int, double>? weights = weighted ? Enumerable.Range(0, classes).ToDictionary(c => c, c => 0.5 + c % 3) : null;

        double[] expected = Reference.CategoricalCrossentropy(yTrue, yPred, classes, fromLogits, dtype, weights);
        double[] actual = _h.Values(Losses.CategoricalCrossentropy(
            _h.Tensor(yPred, shape, dtype), _h.Tensor(yTrue, shape, dtype), fromLogits, averageLoss: false, classWeights: weights));

        for (int i = 0; i < expected.Length; i++)
            if (double.IsNaN(expected[i]))
            {
                Assert.That(actual[i], Is.NaN, $"[{i}] expected NaN");
                expected[i] = actual[i] = 0;
            }
        if (pred == "large logits" && dtype == DType.Float64)
        {
            // The reference's own x − (max + log Σ) carries |x|·ε64 of rounding (|x| ≤ 500): allow that much absolutely.
            for (int i = 0; i < expected.Length; i++)
                Assert.That(Math.Abs(actual[i] - expected[i]), Is.LessThanOrEqualTo(1e-12 * Math.Abs(expected[i]) + 500 * 1e-15),
                    $"[{i}]: actual {actual[i]:R}, expected {expected[i]:R}");
            return;
        }
        Tolerance.AssertClose(actual, expected, dtype, $"{labels}/{pred}");
    }

    private static void Labels(Random random, string kind, Span<double> row)
    {
        row.Clear();
        switch (kind)
        {
            case "one-hot": row[random.Next(row.Length)] = 1; break;
            case "late one-hot": row[row.Length - 1 - random.Next(Math.Min(3, row.Length))] = 1; break;
            case "soft":
                for (int c = 0; c < row.Length; c++) row[c] = random.NextDouble();
                double sum = 0;
                foreach (double v in row) sum += v;
                for (int c = 0; c < row.Length; c++) row[c] /= sum;
                break;
            case "ties":   // equal maxima far apart, zeros between: the first must win the class weight
                int a = random.Next(row.Length), b = random.Next(row.Length);
                row[a] = row[b] = 0.5;
                if (random.Next(4) == 0) row.Clear();   // an all-zero row: argmax is class 0
                break;
            case "negative":   // labels ≤ 0: the arg-max lies among zeros or negatives
                for (int c = 0; c < row.Length; c++) row[c] = random.Next(3) == 0 ? -random.NextDouble() : 0;
                if (random.Next(2) == 0) row.Fill(-0.25);
                break;
        }
    }

    private static void Pred(Random random, string kind, Span<double> row, long r)
    {
        for (int c = 0; c < row.Length; c++) row[c] = kind switch
        {
            "logits" => random.NextDouble() * 6 - 3,
            "large logits" => (random.NextDouble() * 2 - 1) * 500,
            _ => random.NextDouble(),
        };
        if (kind == "zeros")
            for (int c = 0; c < row.Length; c++)
                if (random.Next(2) == 0) row[c] = 0;
        if (kind == "non-finite")
            switch (r % 5)
            {
                case 0: row[random.Next(row.Length)] = double.NaN; break;
                case 1: row.Clear(); break;                                            // 0/0
                case 2: row[random.Next(row.Length)] = double.PositiveInfinity; break; // ∞/∞
                case 3: row.Fill(0); row[random.Next(row.Length)] = 1e-30; break;        // tiny but non-zero sum
            }
    }
}
