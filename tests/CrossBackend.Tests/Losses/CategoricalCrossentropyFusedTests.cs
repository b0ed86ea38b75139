using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// The fused categorical crossentropy kernels held to the composed definition at sizes where an engine's large-tensor
/// paths run (torch's managed −Σ y·log p pass with the class-weight arg-max, over contiguous rows and over a
/// channels-first class axis): class weights not exact in float32, one-hot, soft, tied, negative and NaN labels,
/// probabilities with zero and NaN rows, logits, per sample and the mean, float32 and float64. The same NaN positions
/// on both paths, the rest within the dtype's tolerance. Runs on every engine.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class CategoricalCrossentropyFusedTests(ITensorEngine engine)
{
    /// <summary>Channels-last shapes of at least 2^15 elements: rows of 100 classes (a tail after full vectors), 8, 7
    /// and 3 classes (shorter than a float vector), and a segmentation batch of 21 classes (a channels-first engine
    /// sees its class axis 1, H·W apart).</summary>
    private static readonly long[][] Shapes = [[400, 100], [4200, 8], [4700, 7], [11000, 3], [2, 30, 30, 21], [3, 40, 60, 5]];

    public static IEnumerable<TestCaseData> Cases() =>
        from shape in Shapes
        from labels in new[] { "one-hot", "soft", "ties", "negative", "nan" }
        from logits in new[] { false, true }
        from weighted in new[] { false, true }
        select new TestCaseData(shape, labels, logits, weighted).SetArgDisplayNames(
            string.Join("x", shape), labels, logits ? "logits" : "probabilities", weighted ? "class weights" : "unweighted");

    [TestCaseSource(nameof(Cases))]
    public void FusedEqualsTheComposedDefinition(long[] shape, string labels, bool logits, bool weighted)
    {
        int classes = (int)shape[^1], count = (int)shape.Aggregate(1L, (a, b) => a * b), rows = count / classes;
        var random = new Random(HashCode.Combine(count, classes, labels, logits));
        var y = new double[count];
        var p = new double[count];
        for (int r = 0; r < rows; r++)
        {
            Span<double> t = y.AsSpan(r * classes, classes), q = p.AsSpan(r * classes, classes);
            Labels(random, labels, t, r);
            for (int c = 0; c < classes; c++) q[c] = logits ? random.NextDouble() * 8 - 4 : random.NextDouble();
            switch (r % 97)
            {
                case 5: q.Clear(); break;                                   // 0/0 probabilities, equal logits
                case 11: q[random.Next(classes)] = double.NaN; break;
                case 17: q[random.Next(classes)] = logits ? -1e30 : 0; break;  // a −∞-like log-softmax term, a clipped p
            }
        }
        var options = new Dictionary<string, object?> { ["from_logits"] = logits };
        if (weighted) options["class_weights"] = Enumerable.Range(0, classes).ToDictionary(c => c, c => 0.3 + 0.1 * (c % 7));
        LossDefinition definition = LossRegistry.Get("categorical_crossentropy");
        foreach (bool perSample in new[] { true, false })
        {
            var arguments = new Dictionary<string, object?>(options) { ["reduction"] = perSample ? Reduction.None : Reduction.SumOverBatchSize };
            var example = new LossExample("random", p, shape, y, null, arguments, []);
            foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
            {
                string where = $"{dtype.Name()}, {(perSample ? "per sample" : "mean")}";
                double[] fused = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Compute), out long[] fusedShape);
                double[] composed = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Composed), out long[] composedShape);
                Assert.That(fusedShape, Is.EqualTo(composedShape), $"{where}: result shape");
                for (int i = 0; i < fused.Length; i++)
                    if (double.IsNaN(composed[i]) || double.IsNaN(fused[i]))
                    {
                        Assert.That(fused[i], Is.NaN, $"{where}: [{i}] is NaN on the composed path");
                        Assert.That(composed[i], Is.NaN, $"{where}: [{i}] is NaN on the fused path");
                        fused[i] = composed[i] = 0;
                    }
                if (!perSample && labels != "nan") Assert.That(fused[0], Is.Not.NaN, $"{where}: only NaN inputs make the mean NaN");
                (double rtol, double atol) = Tolerance.For(dtype);
                TensorAssert.AreClose(fused, composed, rtol, atol, message: where);
            }
        }
    }

    /// <summary>
    /// Rows with one non-zero label (one-hot, and single labels not exact in float32, one of them negative) in float32:
    /// each loss is bit for bit −y·log clip(x / Σx, 1e-7, 1 − 1e-7) with the nearest-float log, times the weight of
    /// the label arg-max (the label's class, or for a negative label the first class whose label is 0), computed here
    /// independently. Probabilities are multiples of 2^−10, so Σx is exact in any order. Enough rows (16381 or more) that a float
    /// log which misses the nearest float for 0.08 % of arguments (MathF.Log) would be caught. Rows of 100 classes (the
    /// row kernel), of 21 (across rows: transposed blocks channels-last, class planes channels-first) and of 5.
    /// </summary>
    [TestCase(16381, 100, false)]
    [TestCase(16381, 100, true)]
    [TestCase(16383, 21, false)]
    [TestCase(16383, 21, true)]
    [TestCase(16383, 5, true)]
    public void OneLabelRowsAreTheNearestFloatTerm(int rows, int classes, bool weighted)
    {
        // 16381 and 16383 rows: not multiples of a vector or a block (partial blocks, vector tails); 16383 as a
        // 3 × 43 × 127 image batch, so that a channels-first engine also meets a partial vector at each image's end.
        var random = new Random(20261204 + classes);
        var y = new double[rows * classes];
        var p = new double[rows * classes];
        var expected = new float[rows];
        float[] values = [1f, 0.3f, 0.7f, 2.5f, -0.4f];
        float[] weights = Enumerable.Range(0, classes).Select(c => (float)(0.3 + 0.1 * (c % 7))).ToArray();
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += p[r * classes + c] = random.Next(1, 1001) / 1024.0;
            int k = random.Next(classes);
            float label = values[r % values.Length];
            y[r * classes + k] = label;
            float q = Math.Clamp((float)p[r * classes + k] / (float)sum, 1e-7f, 1f - 1e-7f);
            expected[r] = -(label * (float)Math.Log(q));
            if (weighted) expected[r] *= weights[label > 0 ? k : k == 0 ? 1 : 0];
        }
        var arguments = new Dictionary<string, object?> { ["reduction"] = Reduction.None };
        if (weighted) arguments["class_weights"] = Enumerable.Range(0, classes).ToDictionary(c => c, c => 0.3 + 0.1 * (c % 7));
        long[] shape = classes == 100 ? [rows, classes] : [3, 43, 127, classes];
        var example = new LossExample("one label", p, shape, y, null, arguments, []);
        double[] actual = engine.ToDoubleArray(example.Run(LossRegistry.Get("categorical_crossentropy"), engine, DType.Float32, LossExample.Mode.Compute), out _);
        int mismatched = Enumerable.Range(0, rows).Count(r => (float)actual[r] != expected[r]);
        int first = Enumerable.Range(0, rows).FirstOrDefault(r => (float)actual[r] != expected[r], -1);
        Assert.That(mismatched, Is.Zero, first < 0 ? "" : $"{mismatched} rows differ; row {first}: {(float)actual[first]:R}, expected {expected[first]:R}");
    }

    private static void Labels(Random random, string kind, Span<double> row, int r)
    {
        row.Clear();
        switch (kind)
        {
            case "one-hot": row[random.Next(row.Length)] = 1; break;
            case "soft":
                for (int c = 0; c < row.Length; c++) row[c] = random.NextDouble();
                break;
            case "ties":   // equal maxima (±0 among them when the row is all zero): the first must win the class weight
                row[random.Next(row.Length)] = row[random.Next(row.Length)] = 0.5;
                if (r % 4 == 0) { row.Clear(); row[random.Next(row.Length)] = -0.0; }
                break;
            case "negative":   // labels ≤ 0: the arg-max lies among zeros or negatives
                for (int c = 0; c < row.Length; c++) row[c] = random.Next(3) == 0 ? -random.NextDouble() : 0;
                if (r % 2 == 0) row.Fill(-0.25);
                break;
            case "nan":   // one-hot, with a NaN label in some rows (it counts as the greatest: its class's weight)
                row[random.Next(row.Length)] = 1;
                if (r % 13 == 0) row[random.Next(row.Length)] = double.NaN;
                break;
        }
    }
}
