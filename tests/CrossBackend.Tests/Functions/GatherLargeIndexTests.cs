using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>Gather with index tensors above the host-check limit (checked by a min/max reduction on the engine and one
/// read of its 2–3 numbers): valid indices gather, a bad one is still named with its value.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class GatherLargeIndexTests(ITensorEngine engine)
{
    private const int Count = 5000;

    [Test]
    public void ValidIndicesGatherAndBadOnesAreNamed([Values(DType.Int64, DType.Float32)] DType indexType)
    {
        object table = Backend.ToTensor(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, engine, DType.Float64, [3, 2]);
        // 0..2 (negative indices are refused on every engine: GatherNegativeIndexTests)
        double[] good = Enumerable.Range(0, Count).Select(i => (double)(i % 3)).ToArray();
        object rows = Backend.Gather(table, Backend.ToTensor(good, engine, indexType, [Count]));
        double[] values = engine.ToDoubleArray(rows, out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { Count, 2 }));
        for (int i = 0; i < 12; i++)
        {
            int r = (int)good[i / 2];
            Assert.That(values[i], Is.EqualTo(0.1 * (r * 2 + i % 2 + 1)).Within(1e-12));
        }
        foreach (double bad in indexType == DType.Float32 ? new[] { 3.0, -4.0, 1.5 } : new[] { 3.0, -4.0 })
        {
            double[] withBad = (double[])good.Clone();
            withBad[4321] = bad;
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.Gather(table, Backend.ToTensor(withBad, engine, indexType, [Count])));
            Assert.That(e!.ParamName, Is.EqualTo("indices"));
            Assert.That(e.Message, Does.Contain($"indices holds {bad}"));
        }
    }
}
