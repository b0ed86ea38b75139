using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// Gradients across dtypes, as PyTorch's: a float32 parameter used with float64 data, or cast inside the tape, gets a
/// gradient in its own dtype (the channels-last tape threw InvalidCastException Tensor&lt;Single&gt; → Tensor&lt;Double&gt;:
/// float32 and float64 are separate tensor types there, and the conversion between them was not recorded).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class MixedDTypeGradientTests(ITensorEngine engine)
{
    /// <summary>PyTorch 1.13: x float64 [[0.1, 0.3], [0.7, 0.9]], w float32 [[0.5, −0.1], [0.3, 0.7]], y [[0.1, 0], [0, 0.1]]:
    /// <c>((x @ w.double() − y)**2).mean(1).mean().backward()</c> → w.grad float32 [0.219, 0.171, 0.285, 0.237]
    /// (printed 0.21899999678134918, 0.17099998891353607, 0.2849999964237213, 0.2369999885559082).</summary>
    [Test]
    public void AFloat32ParameterTimesFloat64DataGetsAFloat32Gradient()
    {
        object x = engine.FromArray(new[] { 0.1, 0.3, 0.7, 0.9 }, [2, 2]), y = engine.FromArray(new[] { 0.1, 0.0, 0.0, 0.1 }, [2, 2]);
        object w = engine.FromArray(new[] { 0.5f, -0.1f, 0.3f, 0.7f }, [2, 2]);
        using var tape = GradientTape.Record();
        tape.Watch(w);
        object loss = Losses.MeanSquaredError(Backend.MatMul(x, w), y);
        object g = tape.Gradient(loss, w)[0];
        Assert.That(engine.Describe(g).DType, Is.EqualTo(DType.Float32));
        TensorAssert.AreClose(engine.ToDoubleArray(g, out _), new double[] { 0.219, 0.171, 0.285, 0.237 }, 1e-7, 1e-7);
    }

    /// <summary>PyTorch 1.13: w float32 [0.5, −0.1, 0.3], c float64 [0.1, 0.3, 0.7]: <c>(w.double()**2 * c).sum()</c> →
    /// float32 [0.1, −0.06, 0.42].</summary>
    [Test]
    public void ACastToFloat64InsideTheTapeIsDifferentiated()
    {
        object w = engine.FromArray(new[] { 0.5f, -0.1f, 0.3f }, [3]), c = engine.FromArray(new[] { 0.1, 0.3, 0.7 }, [3]);
        using var tape = GradientTape.Record();
        tape.Watch(w);
        object wide = Backend.Cast(w, "float64");
        object g = tape.Gradient(Backend.Multiply(Backend.Multiply(wide, wide), c), w)[0];
        Assert.That(engine.Describe(g).DType, Is.EqualTo(DType.Float32));
        TensorAssert.AreClose(engine.ToDoubleArray(g, out _), new double[] { 0.1, -0.06, 0.42 }, 1e-7, 1e-8);
    }

    /// <summary>PyTorch 1.13: w float64 [0.5, −0.1, 0.3]: <c>(w.float()**2).sum()</c> → float64 [1.0,
    /// −0.20000000298023224, 0.6000000238418579] (2·w rounded to float32).</summary>
    [Test]
    public void ACastToFloat32GivesAFloat64SourceItsGradientInFloat64()
    {
        object w = engine.FromArray(new[] { 0.5, -0.1, 0.3 }, [3]);
        using var tape = GradientTape.Record();
        tape.Watch(w);
        object narrow = Backend.Cast(w, "float32");
        object g = tape.Gradient(Backend.Multiply(narrow, narrow), w)[0];
        Assert.That(engine.Describe(g).DType, Is.EqualTo(DType.Float64));
        Assert.That(engine.ToDoubleArray(g, out _), Is.EqualTo(new[] { 1.0, -0.20000000298023224, 0.6000000238418579 }));
    }
}
