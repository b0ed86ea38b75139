using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// One policy on every engine for sources the tape cannot differentiate: a source that was never watched (a forgotten
/// parameter, a loss's labels) or that the target does not use gets zeros of its shape and dtype — on TorchSharp,
/// libtorch's autograd.grad aborted the whole process for it (SIGABRT, uncatchable) — and watching an integer tensor
/// is an <see cref="ArgumentException"/> naming <c>source</c> with the cast that fixes it (torch gave libtorch's text).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class UnwatchedSourceGradientTests(ITensorEngine engine)
{
    /// <summary>d Σ x·w / dx = w; w unwatched gets zeros. PyTorch 1.13:
    /// <c>torch.autograd.grad([(x*w).sum()], [x])</c> with x = [0.1, 0.3], w = [0.3, 0.7] → [0.3, 0.7].</summary>
    [Test]
    public void AnUnwatchedSourceGetsZerosAndTheWatchedOneItsGradient()
    {
        object x = engine.FromArray(new[] { 0.1, 0.3 }, [2]), w = engine.FromArray(new[] { 0.3, 0.7 }, [2]);
        using var tape = GradientTape.Record();
        tape.Watch(x);
        object[] g = tape.Gradient(Backend.Multiply(x, w), x, w);
        TensorAssert.AreClose(engine.ToDoubleArray(g[0], out _), new double[] { 0.3, 0.7 }, 1e-15, 0);
        Assert.That(engine.ToDoubleArray(g[1], out long[] shape), Is.EqualTo(new[] { 0.0, 0.0 }));
        Assert.That(shape, Is.EqualTo(new long[] { 2 }));
    }

    [Test]
    public void ASourceNeverWatchedNorUsedGetsZerosOfItsDType()
    {
        object x = engine.FromArray(new[] { 0.1, 0.3 }, [2]), unused = engine.FromArray(new[] { 0.5f, 0.7f, 0.9f }, [3]);
        using var tape = GradientTape.Record();
        tape.Watch(x);
        object g = tape.Gradient(Backend.Multiply(x, x), unused)[0];
        Assert.That(engine.ToDoubleArray(g, out _), Is.EqualTo(new[] { 0.0, 0.0, 0.0 }));
        Assert.That(engine.Describe(g).DType, Is.EqualTo(DType.Float32));
    }

    /// <summary>The labels of a loss are not watched: their gradient is zeros; the prediction's is 2(p − y)/2 (mean of
    /// two), PyTorch 1.13: <c>F.mse_loss(p, y)</c> backward with p = [[0.1, 0.7]], y = [[0.3, 0.2]] → [[-0.2, 0.5]].</summary>
    [Test]
    public void TheGradientOfALossWithRespectToItsUnwatchedLabelsIsZeros()
    {
        object p = engine.FromArray(new[] { 0.1, 0.7 }, [1, 2]), y = engine.FromArray(new[] { 0.3, 0.2 }, [1, 2]);
        using var tape = GradientTape.Record();
        tape.Watch(p);
        object[] g = tape.Gradient(Losses.MeanSquaredError(p, y), p, y);
        TensorAssert.AreClose(engine.ToDoubleArray(g[0], out _), new double[] { -0.2, 0.5 }, 1e-15, 1e-15);
        Assert.That(engine.ToDoubleArray(g[1], out _), Is.EqualTo(new[] { 0.0, 0.0 }));
    }

    [Test]
    public void WatchingAnIntegerTensorNamesTheSourceAndTheCast()
    {
        object labels = engine.FromArray(new[] { 1, 2 }, [2]);
        using var tape = GradientTape.Record();
        var e = Assert.Throws<ArgumentException>(() => tape.Watch(labels))!;
        Assert.That(e.ParamName, Is.EqualTo("source"));
        Assert.That(e.Message, Does.Contain("floating-point").And.Contain("int32").And.Contain("Cast("));
    }
}
