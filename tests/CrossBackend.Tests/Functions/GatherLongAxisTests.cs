using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <c>Gather</c> and <c>GatherFromBatch</c> pick the exact row at an index above 2²⁴ of a float32 tensor on every
/// engine: the channels-last engine adopted the int64 indices into float32 tensors, and index 16777217 read row
/// 16777216 before session 53 (NumPy's <c>take</c>, <c>tf.gather</c> and <c>index_select</c> read row 16777217).
/// The values differ from row to row, so a rounded index gives a different number. About 0.5 s per engine.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class GatherLongAxisTests(ITensorEngine engine)
{
    private const int N = (1 << 24) + 3;

    private static float[] Values()
    {
        var values = new float[N];
        for (int i = 0; i < N; i++) values[i] = i % 7 * 0.1f;
        return values;
    }

    [TestCase(DType.Float32)]
    [TestCase(DType.Float16)]
    public void GatherReadsTheRowAtTheIndex(DType dtype)
    {
        float[] values = Values();
        object x = Backend.ToTensor(values, engine, dtype);
        object picked = Backend.Gather(x, Backend.ToTensor(new long[] { 16777217, 16777218, 5 }, engine));
        Assert.That(engine.Describe(picked).DType, Is.EqualTo(dtype));
        // The same three values made directly in the dtype: 0.2, 0.3 and 0.5 (2²⁴ % 7 = 1), each rounded once.
        object expected = Backend.ToTensor(new[] { values[16777217], values[16777218], values[5] }, engine, dtype);
        Assert.That(Backend.ToNumber<double>(Backend.Cast(picked, DType.Float64)),
            Is.EqualTo(Backend.ToNumber<double>(Backend.Cast(expected, DType.Float64))));
    }

    [Test]
    public void GatherFromBatchReadsTheColumnAtTheIndex()
    {
        float[] values = Values();
        object x = Backend.ToTensor(values, engine, shape: [1, N]);
        object picked = Backend.GatherFromBatch(x, Backend.ToTensor(new int[] { 16777217 }, engine));
        Assert.That(Backend.ToNumber<float>(picked), Is.EqualTo(new[] { values[16777217] }));
        Assert.That(values[16777217], Is.Not.EqualTo(values[16777216]));
    }
}
