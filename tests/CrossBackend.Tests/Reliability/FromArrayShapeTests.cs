using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// <see cref="ITensorEngine.FromArray"/> on every engine: the shape must account for every value. Before session 50
/// both engines took 38 values for shape (36,) silently, dropping the last two, and refused 38 values for (40,) in
/// their own words (System.Numerics.Tensors' "linearLength", TorchSharp's "mismatched total size").
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class FromArrayShapeTests(ITensorEngine engine)
{
    [TestCase(36L)]
    [TestCase(40L)]
    public void ALengthOtherThanTheShapesElementCountIsRefused(long length)
    {
        var e = Assert.Throws<ArgumentException>(() => engine.FromArray(new double[38], [length]))!;
        Assert.That(e.ParamName, Is.EqualTo("data"));
        Assert.That(e.Message, Does.Contain($"({length})").And.Contain("data.Length=38"));
    }

    [Test]
    public void ANegativeLengthIsRefusedNamingTheShape()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => engine.FromArray(new float[2], [-1, -2]))!;
        Assert.That(e.ParamName, Is.EqualTo("shape"));
    }

    [Test]
    public void MatchingShapesOfEveryRankAreTaken()
    {
        // Rank 0 holds one value; an empty axis holds none.
        Assert.That(engine.ToDoubleArray(engine.FromArray(new[] { 0.3 }, []), out _), Is.EqualTo(new[] { 0.3 }));
        Assert.That(engine.Describe(engine.FromArray(new float[0], [2, 0])).Shape, Is.EqualTo(new long[] { 2, 0 }));
        Assert.That(engine.ToDoubleArray(engine.FromArray(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, [2, 3]), out long[] shape),
            Is.EqualTo(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }));
        Assert.That(shape, Is.EqualTo(new long[] { 2, 3 }));
    }
}
