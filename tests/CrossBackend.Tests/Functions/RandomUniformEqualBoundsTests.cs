using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <see cref="Backend.RandomUniformLike"/> with equal bounds, on every engine: FastEstimator's
/// <c>random_uniform_like</c> is <c>torch.rand_like(x) * (maxval - minval) + minval</c> on torch and
/// <c>np.random.uniform(low=minval, high=maxval, size=x.shape).astype('float32')</c> on NumPy; with minval = maxval = 0.3
/// both give float32(0.3) = 0.30000001 everywhere (NumPy 1.24: <c>np.random.uniform(0.3, 0.3, 4).astype('float32')</c>).
/// Before session 50 equal bounds were refused ("`minval` must be below `maxval`"); crossed bounds still are.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class RandomUniformEqualBoundsTests(ITensorEngine engine)
{
    [Test]
    public void EqualBoundsGiveThatValue()
    {
        object x = Backend.ToTensor(new double[] { 0, 1, 2, 3 }, engine, DType.Int64, [2, 2]);
        object r = Backend.RandomUniformLike(x, 0.3, 0.3, seed: 7);
        Assert.That(Backend.ToType(r), Is.EqualTo(DType.Float32));
        Assert.That(engine.ToDoubleArray(r, out long[] shape), Is.EqualTo(Enumerable.Repeat((double)0.3f, 4)));
        Assert.That(shape, Is.EqualTo(new long[] { 2, 2 }));
    }

    [Test]
    public void CrossedBoundsAreRefusedNamingMinval()
    {
        object x = Backend.ToTensor(new double[] { 0, 1 }, engine, DType.Float32, [2]);
        var e = Assert.Throws<ArgumentException>(() => Backend.RandomUniformLike(x, 0.3, 0.1));
        Assert.That(e!.ParamName, Is.EqualTo("minval"));
    }
}
