using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>
/// Sparse crossentropy from logits on batches of many short rows (enough rows for parallel chunks and for any
/// future path that vectorises across rows when classes are few), against the float64 reference of the same loss written with one-hot labels
/// (for finite logits −log_softmax[k] is exactly that). Rows holding NaN or +∞ must come out NaN.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class SparseWideRowTests(string engineName)
{
    private EngineHarness _h = null!;

    [OneTimeSetUp]
    public void FindEngine() => _h = new EngineHarness(TensorEngines.Named(engineName));

    [TestCase(new long[] { 3, 4, 5, 21 }, false), TestCase(new long[] { 3, 4, 5, 21 }, true)]
    [TestCase(new long[] { 40, 16 }, false), TestCase(new long[] { 11, 8 }, true), TestCase(new long[] { 19, 32 }, true)]
    [TestCase(new long[] { 2, 40, 41, 21 }, true), TestCase(new long[] { 12001, 5 }, true), TestCase(new long[] { 1001, 33 }, true)]   // parallel chunks whose ends are not whole blocks of rows
    [TestCase(new long[] { 700, 100 }, true), TestCase(new long[] { 9, 1000 }, false), TestCase(new long[] { 130, 47 }, true)]   // long rows (512-bit vectors where the machine has them)
    [TestCase(new long[] { 300, 100 }, false, 300.0), TestCase(new long[] { 65, 40 }, true, 300.0)]   // exp(x − m) below float's smallest normal
    public void PerElementMatchesReference(long[] shape, bool nonFinite, double spread = 40)
    {
        int classes = (int)shape[^1];
        int rows = (int)(shape.Aggregate(1L, (a, b) => a * b) / classes);
        var random = new Random(classes * 31 + rows);
        var logits = new double[rows * classes];
        var oneHot = new double[rows * classes];
        var labels = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < classes; c++) logits[r * classes + c] = (float)((random.NextDouble() - 0.5) * spread);
            labels[r] = random.Next(classes);
            oneHot[r * classes + (int)labels[r]] = 1;
            if (nonFinite && r % 7 == 3) logits[r * classes + random.Next(classes)] = double.NaN;
            if (nonFinite && r % 7 == 5) logits[r * classes + random.Next(classes)] = double.PositiveInfinity;
        }
        double[] expected = Reference.CategoricalCrossentropy(oneHot, logits, classes, fromLogits: true, DType.Float32, null);
        // Labels have no class axis: the same layout on every engine, so no channels move.
        double[] actual = _h.Values(Losses.SparseCategoricalCrossentropy(
            _h.Tensor(logits, shape, DType.Float32), _h.Engine.FromArray(labels.Select(v => (long)v).ToArray(), shape[..^1]), fromLogits: true, averageLoss: false));
        for (int i = 0; i < rows; i++)
            if (double.IsNaN(expected[i]))
            {
                Assert.That(actual[i], Is.NaN, $"[{i}] expected NaN");
                expected[i] = actual[i] = 0;
            }
        Tolerance.AssertClose(actual, expected, DType.Float32, $"sparse {string.Join("x", shape)}");
    }
}
