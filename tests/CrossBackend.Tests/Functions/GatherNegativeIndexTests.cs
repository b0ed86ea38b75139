using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// The negative-index policy of <see cref="Backend.Gather{T}"/> and <see cref="Backend.GatherFromBatch{T}"/>: refused
/// on every engine (as <c>tf.gather</c> refuses them), naming <c>indices</c>, the value and the valid range — never an
/// engine's own message and never a row counted from the end on one engine only. Both sizes of index tensor are
/// checked: the host read (small) and the min/max reduction (above <see cref="GatherFunction.HostCheckLimit"/>).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class GatherNegativeIndexTests(ITensorEngine engine)
{
    private object Table() => Backend.ToTensor(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, engine, DType.Float64, [3, 2]);

    private object Indices(int count, int at, double bad, DType dtype)
    {
        double[] values = Enumerable.Range(0, count).Select(i => (double)(i % 2)).ToArray();
        values[at] = bad;
        return Backend.ToTensor(values, engine, dtype, [count]);
    }

    private static void AssertRefused(TestDelegate call, double bad, long n)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.That(e!.ParamName, Is.EqualTo("indices"));
        Assert.That(e.Message, Does.Contain($"Argument `indices` must hold whole numbers in [0, {n})")
            .And.Contain("negative indices are refused on every engine")
            .And.Contain($"Received: indices holds {bad}"));
    }

    [Test]
    public void GatherRefusesNegativeIndices([Values(1, 5000)] int count, [Values(DType.Int64, DType.Int32, DType.Float32)] DType dtype)
    {
        foreach (double bad in new[] { -1.0, -3.0 })   // -1 and -n: rows 2 and 0 under NumPy's rule, refused here
            AssertRefused(() => Backend.Gather(Table(), Indices(count, count - 1, bad, dtype)), bad, 3);
    }

    [Test]
    public void GatherFromBatchRefusesNegativeIndices([Values(DType.Int64, DType.Float32)] DType dtype)
    {
        // (3, 2): one index per row in [0, 2); the last row asks for -1 (column 1 under NumPy's rule).
        AssertRefused(() => Backend.GatherFromBatch(Table(), Indices(3, 2, -1, dtype)), -1, 2);
    }

    [Test]
    public void TheLastValidIndexStillGathers()
    {
        // n − 1 is what −1 meant under NumPy's rule: the message's advice gives the same row.
        double[] rows = engine.ToDoubleArray(Backend.Gather(Table(), Backend.ToTensor(new[] { 2.0, 0.0 }, engine, DType.Int64, [2])), out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(rows, Is.EqualTo(new[] { 0.5, 0.6, 0.1, 0.2 }).Within(1e-12));
        double[] picked = engine.ToDoubleArray(Backend.GatherFromBatch(Table(), Backend.ToTensor(new[] { 1.0, 0.0, 1.0 }, engine, DType.Int64, [3])), out _);
        Assert.That(picked, Is.EqualTo(new[] { 0.2, 0.3, 0.6 }).Within(1e-12));
    }
}
