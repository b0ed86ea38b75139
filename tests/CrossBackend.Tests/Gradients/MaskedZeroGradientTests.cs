using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// Where a backward formula is 0·∞ or 0/0, PyTorch 1.13 masks it to 0 and so must every engine (the tape gave NaN or
/// −∞, which spread to every parameter of a training step): std_backward at a zero deviation (a constant slice),
/// pow_backward_self at exponent 0, pow_backward_exponent at base 0 with exponent ≥ 0, prod_backward at a zero.
/// Values: float64, gradient of the sum, from /usr/bin/python3 (PyTorch 1.13.0a0) as quoted on each test.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class MaskedZeroGradientTests(ITensorEngine engine)
{
    /// <summary><c>x.std(1, unbiased=False).sum().backward()</c>, x = [[0.3, 0.3, 0.3], [0.1, 0.2, 0.3]] →
    /// [[0, 0, 0], [-0.408248290463863, ~0, 0.408248290463863]].</summary>
    [Test]
    public void StdOfAConstantSliceHasAZeroGradient()
    {
        double[] g = GradientOfSum(x => Backend.ReduceStd(x, 1), engine.FromArray(new[] { 0.3, 0.3, 0.3, 0.1, 0.2, 0.3 }, [2, 3]));
        TensorAssert.AreClose(g, new double[] { 0, 0, 0, -0.4082482904638632, 0, 0.40824829046386285 }, 1e-12, 1e-12);
    }

    /// <summary><c>x.std(unbiased=False).backward()</c>, x = [0.3, 0.3, 0.3] → [0, 0, 0]; FastEstimator's zscore of a
    /// constant, (x − mean)/max(std, ε), → [0, 0, 0] as well.</summary>
    [Test]
    public void StdAndZScoreOfAConstantTensorHaveZeroGradients()
    {
        Assert.That(GradientOfSum(x => Backend.ReduceStd(x), engine.FromArray(new[] { 0.3, 0.3, 0.3 }, [3])), Is.EqualTo(new[] { 0.0, 0.0, 0.0 }));
        Assert.That(GradientOfSum(x => Backend.ZScore(x), engine.FromArray(new[] { 0.7, 0.7, 0.7 }, [3])), Is.EqualTo(new[] { 0.0, 0.0, 0.0 }));
    }

    /// <summary><c>torch.pow(x, 0.)</c> and <c>torch.pow(x, torch.zeros(2))</c> backward, x = [0, 0.3] → [0, 0].</summary>
    [Test]
    public void PowerZeroHasAZeroGradientAtZero()
    {
        object x = engine.FromArray(new[] { 0.0, 0.3 }, [2]);
        Assert.That(GradientOfSum(v => Backend.Pow(v, 0.0), x), Is.EqualTo(new[] { 0.0, 0.0 }));
        Assert.That(GradientOfSum(v => Backend.Pow(v, engine.FromArray(new[] { 0.0, 0.0 }, [2])), x), Is.EqualTo(new[] { 0.0, 0.0 }));
    }

    /// <summary><c>torch.pow(a, p)</c> backward with a = [0, 0, 0], p = [0, 0.3, −0.1] → da = [0, inf, −inf],
    /// dp = [0, 0, −inf] (exponent masked where a = 0 and p ≥ 0).</summary>
    [Test]
    public void PowerOfZeroFollowsPyTorchForBaseAndExponent()
    {
        object a = engine.FromArray(new[] { 0.0, 0.0, 0.0 }, [3]), p = engine.FromArray(new[] { 0.0, 0.3, -0.1 }, [3]);
        using var tape = GradientTape.Record();
        tape.Watch(a);
        tape.Watch(p);
        object[] g = tape.Gradient(Backend.Pow(a, p), a, p);
        Assert.That(engine.ToDoubleArray(g[0], out _), Is.EqualTo(new[] { 0.0, double.PositiveInfinity, double.NegativeInfinity }));
        Assert.That(engine.ToDoubleArray(g[1], out _), Is.EqualTo(new[] { 0.0, 0.0, double.NegativeInfinity }));
    }

    /// <summary><c>x.prod().backward()</c>: x = [0.3, 0, 0.2] → [0, 0.06, 0]; x = [0, 0, 0.2] → [0, 0, 0];
    /// x = [0.3, 0.5, 0.2] → [0.1, 0.06, 0.15]. No public function reduces by product, so an internal program does.</summary>
    [Test]
    public void ProductHasPyTorchsGradientAtZeros()
    {
        TensorAssert.AreClose(GradientOfSum(Product, engine.FromArray(new[] { 0.3, 0.0, 0.2 }, [3])), new double[] { 0, 0.06, 0 }, 1e-15, 1e-17);
        Assert.That(GradientOfSum(Product, engine.FromArray(new[] { 0.0, 0.0, 0.2 }, [3])), Is.EqualTo(new[] { 0.0, 0.0, 0.0 }));
        TensorAssert.AreClose(GradientOfSum(Product, engine.FromArray(new[] { 0.3, 0.5, 0.2 }, [3])), new double[] { 0.1, 0.06, 0.15 }, 1e-15, 1e-17);
    }

    private static object Product(object x) => TensorProgram.Run(new ProductProgram(), [x], ["x"])[0];

    private sealed class ProductProgram : ITensorProgram
    {
        public T[] Run<T>(ITensorOps<T> ops, T?[] inputs) where T : class => [ops.Reduce(ReduceOp.Prod, inputs[0]!, null, keepDims: false)];
    }

    private double[] GradientOfSum(Func<object, object> f, object x)
    {
        using var tape = GradientTape.Record();
        tape.Watch(x);
        return engine.ToDoubleArray(tape.Gradient(f(x), x)[0], out _);
    }
}
