using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// float16 and bfloat16 sources on every engine: the channels-last tape refused to watch them (its <c>Tensor&lt;Half&gt;</c>
/// has no general ops) while torch's autograd differentiates them. Functions compute narrow floats in float32 and round
/// once, so the gradient is PyTorch's of <c>f(x.float()).to(dtype)</c>, rounded to the narrow dtype at each cast.
/// Values from /usr/bin/python3 (PyTorch 1.13), quoted on each test.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class NarrowFloatGradientTests(ITensorEngine engine)
{
    /// <summary><c>x = torch.tensor([0.1, 0.3, -0.7], dtype=d, requires_grad=True);
    /// torch.autograd.grad(x.float().exp().to(d).sum(), x)</c> → float16 [1.10546875, 1.349609375, 0.49658203125],
    /// bfloat16 [1.1015625, 1.3515625, 0.49609375].</summary>
    [TestCase(DType.Float16, new[] { 1.10546875, 1.349609375, 0.49658203125 })]
    [TestCase(DType.BFloat16, new[] { 1.1015625, 1.3515625, 0.49609375 })]
    public void ExpOfANarrowFloatHasPyTorchsGradientInItsDType(DType dtype, double[] expected)
    {
        object x = Backend.ToTensor(new[] { 0.1, 0.3, -0.7 }, engine, dtype, [3]);
        using var tape = GradientTape.Record();
        tape.Watch(x);
        object g = tape.Gradient(Backend.Exp(x), x)[0];
        Assert.That(Backend.ToType(g), Is.EqualTo(dtype));
        Assert.That(engine.ToDoubleArray(g, out _), Is.EqualTo(expected));
    }

    /// <summary>Two functions, each rounding its result: <c>y1 = (x.float() * x.float()).to(d);
    /// y2 = y1.float().std(unbiased=False).to(d)</c>, x = [0.1, 0.3, −0.7, 1.3] → float16 y2 0.67138671875, gradient
    /// [−0.04168701171875, −0.10723876953125, 0.04156494140625, 1.0830078125]; bfloat16 0.66796875,
    /// [−0.041748046875, −0.107421875, 0.041259765625, 1.078125].</summary>
    [TestCase(DType.Float16, 0.67138671875, new[] { -0.04168701171875, -0.10723876953125, 0.04156494140625, 1.0830078125 })]
    [TestCase(DType.BFloat16, 0.66796875, new[] { -0.041748046875, -0.107421875, 0.041259765625, 1.078125 })]
    public void AChainOfFunctionsOnANarrowFloatHasPyTorchsGradient(DType dtype, double value, double[] expected)
    {
        object x = Backend.ToTensor(new[] { 0.1, 0.3, -0.7, 1.3 }, engine, dtype, [4]);
        using var tape = GradientTape.Record();
        tape.Watch(x);
        object y = Backend.ReduceStd(Backend.Multiply(x, x));
        object g = tape.Gradient(y, x)[0];
        Assert.That(engine.ToDoubleArray(y, out _), Is.EqualTo(new[] { value }));
        Assert.That(Backend.ToType(g), Is.EqualTo(dtype));
        Assert.That(engine.ToDoubleArray(g, out _), Is.EqualTo(expected));
    }

    /// <summary>A watched float16 source the target does not use gets zeros of its shape and dtype, as any source.</summary>
    [Test]
    public void AnUnusedNarrowSourceGetsZerosInItsDType()
    {
        object x = Backend.ToTensor(new[] { 0.1, 0.3 }, engine, DType.Float16, [2]);
        object w = Backend.ToTensor(new[] { 0.7, 0.2 }, engine, DType.Float32, [2]);
        using var tape = GradientTape.Record();
        tape.Watch(x);
        tape.Watch(w);
        object[] g = tape.Gradient(Backend.ReduceSum(Backend.Exp(w)), x, w);
        Assert.That(Backend.ToType(g[0]), Is.EqualTo(DType.Float16));
        Assert.That(engine.ToDoubleArray(g[0], out _), Is.EqualTo(new[] { 0.0, 0.0 }));
    }

    /// <summary><c>torch.autograd.grad(x.float().sign().to(d).sum(), x)</c> → zeros: a narrow target with no path to the
    /// source (sign, round) gives the source zeros, as any target does.</summary>
    [Test]
    public void ANarrowTargetWithoutAPathGivesZeros([Values(DType.Float16, DType.BFloat16)] DType dtype)
    {
        object x = Backend.ToTensor(new[] { -0.3, 0.7 }, engine, dtype, [2]);
        using var tape = GradientTape.Record();
        tape.Watch(x);
        object g = tape.Gradient(Backend.TensorRound(Backend.Sign(x)), x)[0];
        Assert.That(Backend.ToType(g), Is.EqualTo(dtype));
        Assert.That(engine.ToDoubleArray(g, out _), Is.EqualTo(new[] { 0.0, 0.0 }));
    }
}
