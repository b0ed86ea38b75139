using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>
/// Matrix products large enough for a blocked kernel, with shapes that leave partial tiles at the bottom and the
/// right (rows not a multiple of 4, columns not a multiple of the vector width), depths that cross a 256-deep block,
/// and a broadcast batch, and single matrices from 4 rows up — on every engine, in float32 and float64, against a
/// float64 loop written here.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class MatMulBlockedShapesTests(string engineName)
{
    private static IEnumerable<TestCaseData> Shapes() =>
        from shape in new[] { (8, 8, 16), (9, 300, 17), (13, 257, 33), (64, 513, 100), (37, 64, 64), (130, 20, 48) }
        from float32 in new[] { true, false }
        select new TestCaseData(shape.Item1, shape.Item2, shape.Item3, float32);

    /// <summary>Single matrices: 4–8 rows (one strip, or one and a zero-padded one), b read in place (whole panels,
    /// rows ≤ 2 KB apart; 1 KB with 256-bit panels) or packed (wider rows, a partial panel; columns around both limits: 128,
    /// 129, 256, 257, 300, 512, 513), and products large enough to run in parallel with
    /// few strips, so that the tasks split the columns, and results of 8–15 columns (one partial panel).</summary>
    private static IEnumerable<TestCaseData> MatrixShapes() =>
        from shape in new[] { (4, 300, 64), (5, 64, 512), (8, 600, 96), (7, 40, 1024), (8, 512, 512), (40, 300, 256), (50, 700, 640), (32, 128, 10), (64, 64, 8), (13, 200, 15),
            (9, 100, 257), (6, 80, 300), (5, 70, 513), (7, 50, 129), (6, 90, 128), (40, 300, 300), (30, 300, 257) }
        from float32 in new[] { true, false }
        select new TestCaseData(shape.Item1, shape.Item2, shape.Item3, float32);

    [TestCaseSource(nameof(Shapes))]
    public void MatchesAFloat64Loop(int m, int k, int n, bool float32) => Check(m, k, n, float32, batch: 2);

    [TestCaseSource(nameof(MatrixShapes))]
    public void OneMatrixMatchesAFloat64Loop(int m, int k, int n, bool float32) => Check(m, k, n, float32, batch: 1);

    private void Check(int m, int k, int n, bool float32, int batch)
    {
        ITensorEngine engine = TensorEngines.Named(engineName);
        var random = new Random(m * 1000 + k * 10 + n);
        double[] a = Enumerable.Range(0, batch * m * k).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] b = Enumerable.Range(0, k * n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        if (float32)
        {
            a = a.Select(v => (double)(float)v).ToArray();
            b = b.Select(v => (double)(float)v).ToArray();
        }
        object Make(double[] values, long[] shape) =>
            float32 ? engine.FromArray(values.Select(v => (float)v).ToArray(), shape) : engine.FromArray(values, shape);

        // a: a batch of matrices (b, one matrix, broadcast over it), or one matrix.
        long[] aShape = batch == 1 ? [m, k] : [batch, m, k];
        double[] actual = engine.ToDoubleArray(Backend.MatMul(Make(a, aShape), Make(b, [k, n])), out long[] resultShape);
        Assert.That(resultShape, Is.EqualTo(batch == 1 ? new long[] { m, n } : new long[] { batch, m, n }));
        double tolerance = float32 ? 1e-5 : 1e-13;   // relative to Σ|terms|: a wrong or missing term moves the sum by ~1/k of it
        for (int q = 0; q < batch; q++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0, scale = 0;
                    for (int kk = 0; kk < k; kk++)
                    {
                        double term = a[(q * m + i) * k + kk] * b[kk * n + j];
                        sum += term;
                        scale += Math.Abs(term);
                    }
                    Assert.That(actual[(q * m + i) * n + j], Is.EqualTo(sum).Within(tolerance * (scale + 1)), $"batch {q}, [{i}, {j}]");
                }
    }
}
