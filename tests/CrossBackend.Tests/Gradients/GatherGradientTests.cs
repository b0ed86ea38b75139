using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// Row lookups of a table of rank ≥ 2 (an embedding) are differentiated on every engine: each gathered row's gradient
/// goes back to its row, repeated indices adding up (the tape differentiated Take of a 1-D table only). Percentiles'
/// gradients are held in <see cref="PercentileGradientTests"/>.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class GatherGradientTests(ITensorEngine engine)
{
    /// <summary>PyTorch 1.13: x = [[0.1, 0.3], [0.5, 0.7], [0.9, 1.1]], c = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]:
    /// <c>(x[torch.tensor([2, 0, 2])] * c).sum().backward()</c> → [[0.3, 0.4], [0, 0], [0.6, 0.8]].</summary>
    [Test]
    public void GatheredRowsOfATableScatterTheirGradientsBackAddingRepeats()
    {
        object x = engine.FromArray(new[] { 0.1, 0.3, 0.5, 0.7, 0.9, 1.1 }, [3, 2]);
        object c = engine.FromArray(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, [3, 2]);
        object indices = engine.FromArray(new long[] { 2, 0, 2 }, [3]);
        using var tape = GradientTape.Record();
        tape.Watch(x);
        object g = tape.Gradient(Backend.Multiply(Backend.Gather(x, indices), c), x)[0];
        TensorAssert.AreClose(engine.ToDoubleArray(g, out long[] shape), new double[] { 0.3, 0.4, 0, 0, 0.6, 0.8 }, 1e-15, 1e-16);
        Assert.That(shape, Is.EqualTo(new long[] { 3, 2 }));
    }

    /// <summary>PyTorch 1.13: x = 0.1·arange(12) as (3, 2, 2), c = [[0.1, 0.2], [0.3, 0.4]]:
    /// <c>(x[torch.tensor([1, 1])] * c).sum().backward()</c> → block 1 = [[0.2, 0.4], [0.6, 0.8]], the others 0.</summary>
    [Test]
    public void GatheringFromARankThreeTableScattersWholeBlocks()
    {
        object x = engine.FromArray(Enumerable.Range(0, 12).Select(i => 0.1 * i).ToArray(), [3, 2, 2]);
        object c = engine.FromArray(new[] { 0.1, 0.2, 0.3, 0.4 }, [1, 2, 2]);
        using var tape = GradientTape.Record();
        tape.Watch(x);
        object g = tape.Gradient(Backend.Multiply(Backend.Gather(x, engine.FromArray(new long[] { 1, 1 }, [2])), c), x)[0];
        TensorAssert.AreClose(engine.ToDoubleArray(g, out _), new double[] { 0, 0, 0, 0, 0.2, 0.4, 0.6, 0.8, 0, 0, 0, 0 }, 1e-15, 1e-16);
    }
}
