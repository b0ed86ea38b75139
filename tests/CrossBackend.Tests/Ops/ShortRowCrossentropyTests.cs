using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// The numerics engine's categorical crossentropy from logits on contiguous short rows (class axis last, few
/// classes), which it computes across rows in float32 (a block of rows transposed, one lane per row) and along the
/// row in float64 (both fixtures run, so either dtype moving path stays covered), held to the composed
/// general-op definition −Σ y·log_softmax(x) times the weight at argmax(y_true): class counts on both sides of the
/// across-rows limit, row counts that are not a multiple of the block and that run in parallel chunks, soft,
/// negative and tied labels, and NaN/±∞ in logits or labels, which must come out NaN exactly where the composed
/// path is NaN.
/// </summary>
[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public sealed class ShortRowCrossentropyTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ITensorOps<Tensor<T>> ops = NumericsOps<T>.Instance;
    private IFusedCrossentropy<Tensor<T>> Fused => (IFusedCrossentropy<Tensor<T>>)ops;
    private static readonly DType Dt = typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;

    public static IEnumerable<TestCaseData> Cases() =>
        from classes in new[] { 1, 2, 3, 7, 8, 9, 16, 21, 31, 32, 33, 40 }
        from rows in new[] { 1, 13, 3001 }
        from labels in new[] { "one-hot", "soft", "ties", "negative", "non-finite" }
        from logits in new[] { "plain", "large", "non-finite" }
        from weighted in new[] { false, true }
        where rows != 3001 || (labels != "ties" && logits != "large")   // keep the parallel cases few
        select new TestCaseData(classes, rows, labels, logits, weighted)
            .SetArgDisplayNames($"{rows}x{classes}", labels, logits, weighted ? "weighted" : "unweighted");

    [TestCaseSource(nameof(Cases))]
    public void AcrossRowsEqualsTheComposedDefinition(int classes, int rows, string labels, string logits, bool weighted)
    {
        var random = new Random(classes * 7919 + rows * 31 + labels.Length * 7 + logits.Length);   // the same data in every run
        var yTrue = new double[rows * classes];
        var yPred = new double[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            Labels(random, labels, yTrue.AsSpan(r * classes, classes), r);
            Logits(random, logits, yPred.AsSpan(r * classes, classes), r);
        }
        long[] shape = [rows, classes];
        Tensor<T> target = ops.FromValues(yTrue, shape, Dt), output = ops.FromValues(yPred, shape, Dt);
        double[]? table = weighted ? Enumerable.Range(0, classes).Select(c => 0.3 + c % 4).ToArray() : null;

        double[] actual = ops.ToHost(Fused.CategoricalCrossentropy(target, output, true, -1, table)!);

        double[] expected = ops.ToHost(ops.Unary(UnaryOp.Negate,
            ops.Reduce(ReduceOp.Sum, ops.Binary(BinaryOp.Multiply, target, ops.LogSoftmax(output, -1)), [-1], false)));
        if (table is not null)
        {
            double[] argMax = ops.ToHost(ops.ArgMax(target, -1, false));
            for (int r = 0; r < rows; r++) expected[r] = double.CreateTruncating(T.CreateTruncating(expected[r]) * T.CreateTruncating(table[(int)argMax[r]]));
        }

        Assert.That(actual, Has.Length.EqualTo(rows));
        for (int r = 0; r < rows; r++)
            if (!double.IsFinite(expected[r]) || !double.IsFinite(actual[r]))
            {
                // NaN exactly where the composed path is NaN, and the same infinity (an infinite label).
                Assert.That(actual[r], Is.EqualTo(expected[r]), $"row {r}: expected {expected[r]:R}, got {actual[r]:R}");
                actual[r] = expected[r] = 0;
            }
        if (logits == "large")
        {
            // |x| up to 1e4: the composed x − m − log Σ and the fused Σ y·(x − m) round differently by about |x|·ε.
            double eps = typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16;
            for (int r = 0; r < rows; r++)
                Assert.That(Math.Abs(actual[r] - expected[r]), Is.LessThanOrEqualTo(1e-5 * Math.Abs(expected[r]) + 4e4 * eps),
                    $"row {r}: actual {actual[r]:R}, expected {expected[r]:R}");
            return;
        }
        Tolerance.AssertClose(actual, expected, Dt, $"{rows}x{classes} {labels}/{logits}");
    }

    [Test]
    public void WeightTakesTheFirstMaximumAndTheFirstNaN()
    {
        // Labels chosen so that each rule decides a different row: first of equal maxima, −0 equal to +0, the first
        // NaN even after a larger value, an all-negative row. Nine rows: one block of eight and a partial one.
        double n = double.NaN;
        double[][] rows =
        [
            [0, 0.5, 0, 0.5, 0],
            [-0.0, 0, -1, 0, 0],
            [0, -1, 0, 0, -0.0],
            [0.2, 0.9, n, 0.1, n],
            [n, 1, 2, 3, 4],
            [-3, -1, -2, -1, -5],
            [0, 0, 0, 0, 1],
            [1, 0, 0, 0, 1],
            [0.1, 0.3, 0.3, 0.2, 0.1],
        ];
        int[] firstMax = [1, 0, 0, 2, 0, 1, 4, 0, 1];
        double[] table = [1.5, 2.5, 3.5, 4.5, 5.5];
        long[] shape = [rows.Length, 5];
        Tensor<T> target = ops.FromValues(rows.SelectMany(r => r).ToArray(), shape, Dt);
        Tensor<T> output = ops.FromValues(Enumerable.Range(0, rows.Length * 5).Select(i => 0.1 * (i % 7)).ToArray(), shape, Dt);
        double[] plain = ops.ToHost(Fused.CategoricalCrossentropy(target, output, true, -1, null)!);
        double[] weighted = ops.ToHost(Fused.CategoricalCrossentropy(target, output, true, -1, table)!);
        for (int r = 0; r < rows.Length; r++)
        {
            if (double.IsNaN(plain[r])) { Assert.That(weighted[r], Is.NaN, $"row {r}"); continue; }
            Assert.That(weighted[r] / plain[r], Is.EqualTo(table[firstMax[r]]).Within(1e-6), $"row {r}: weight of class {firstMax[r]}");
        }
    }

    private static void Labels(Random random, string kind, Span<double> row, int r)
    {
        row.Clear();
        switch (kind)
        {
            case "one-hot": row[random.Next(row.Length)] = 1; break;
            case "soft":
                double sum = 0;
                for (int c = 0; c < row.Length; c++) sum += row[c] = random.NextDouble();
                for (int c = 0; c < row.Length; c++) row[c] /= sum;
                break;
            case "ties":
                row[random.Next(row.Length)] = 0.3;
                row[random.Next(row.Length)] = 0.3;
                if (r % 4 == 0) row.Clear();
                if (r % 4 == 1) row[random.Next(row.Length)] = -0.0;
                break;
            case "negative":
                for (int c = 0; c < row.Length; c++) row[c] = random.Next(3) == 0 ? -random.NextDouble() : 0;
                if (r % 3 == 0) row.Fill(-0.3);
                break;
            case "non-finite":
                row[random.Next(row.Length)] = 1;
                switch (r % 6)
                {
                    case 0: row[random.Next(row.Length)] = double.NaN; break;
                    case 1: row[random.Next(row.Length)] = double.PositiveInfinity; break;
                    case 2: row[random.Next(row.Length)] = double.NegativeInfinity; break;
                }
                break;
        }
    }

    private static void Logits(Random random, string kind, Span<double> row, int r)
    {
        double scale = kind == "large" ? 1e4 : 3;
        for (int c = 0; c < row.Length; c++) row[c] = Math.Round((random.NextDouble() * 2 - 1) * scale, 3) + 0.1;
        if (kind == "large" && r % 2 == 0) row[random.Next(row.Length)] = -3e4;   // exp underflows to 0 next to the max
        if (kind != "non-finite") return;
        switch (r % 7)
        {
            case 0: row[random.Next(row.Length)] = double.NaN; break;
            case 1: row[random.Next(row.Length)] = double.PositiveInfinity; break;
            case 2: row[random.Next(row.Length)] = double.NegativeInfinity; break;
            case 3: row.Fill(double.NegativeInfinity); break;
            case 4: row[random.Next(row.Length)] = double.PositiveInfinity; row[random.Next(row.Length)] = double.PositiveInfinity; break;
            case 5: row[random.Next(row.Length)] = 80; break;   // Σexp would overflow without the max
        }
    }
}
