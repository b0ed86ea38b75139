using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// Gradients at a NaN operand follow PyTorch 1.13's backward formulas on every engine (the torch engine differentiates
/// with libtorch's autograd, the channels-last tape writes the same formulas). Found by the session-51 gradient audit
/// (every public Backend function in float64 on both engines against <c>torch.autograd.grad</c>, 86 cases): before it the
/// tape gave NaN for Abs at NaN and 0 to both operands of Maximum/Minimum where one is NaN, and the torch engine passed
/// Sign's upstream gradient through at NaN. Golden values: PyTorch 1.13 run here, weights w = [0.1, 0.3, 0.7, 1.3],
/// the gradient of Σ w·f.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class NaNOperandGradientTests(ITensorEngine engine)
{
    private static readonly double[] Weights = [0.1, 0.3, 0.7, 1.3];

    private double[][] Gradients(Func<object[], object> f, params double[][] inputs)
    {
        object[] xs = inputs.Select(v => Backend.ToTensor(v, engine, DType.Float64, [4])).ToArray();
        using var tape = GradientTape.Record();
        foreach (object x in xs) tape.Watch(x);
        object[] g = tape.Gradient(Backend.Multiply(f(xs), Backend.ToTensor(Weights, engine, DType.Float64, [4])), xs);
        return g.Select(t => engine.ToDoubleArray(t, out _)).ToArray();
    }

    /// <summary>PyTorch's abs_backward is g·sgn(x), and sgn(NaN) is 0: x = [NaN, −0.3, 0, 0.2] → [0, −0.3, 0, 1.3].</summary>
    [Test]
    public void AbsPassesNothingAtNaN() =>
        Assert.That(Gradients(a => Backend.Abs(a[0]), [double.NaN, -0.3, 0.0, 0.2])[0], Is.EqualTo(new[] { 0.0, -0.3, 0, 1.3 }));

    /// <summary>PyTorch 1.13's maximum/minimum backward: where(a == b, g/2, g), zeroed where the operand lost (a &lt; b
    /// for maximum). A NaN on either side neither wins nor loses nor ties, so <b>both</b> operands get the whole g:
    /// a = [NaN, −0.3, 1.1, 0.2], b = [0.4, NaN, NaN, 0.2] → [0.1, 0.3, 0.7, 0.65] for each, for maximum and minimum.</summary>
    [TestCase(true)]
    [TestCase(false)]
    public void ANaNOperandOfMaximumOrMinimumGivesTheGradientToBoth(bool maximum)
    {
        double[][] g = Gradients(a => maximum ? Backend.Maximum(a[0], a[1]) : Backend.Minimum(a[0], a[1]),
            [double.NaN, -0.3, 1.1, 0.2], [0.4, double.NaN, double.NaN, 0.2]);
        Assert.That(g[0], Is.EqualTo(new[] { 0.1, 0.3, 0.7, 0.65 }));
        Assert.That(g[1], Is.EqualTo(new[] { 0.1, 0.3, 0.7, 0.65 }));
    }

    /// <summary>Sign's gradient is 0 everywhere, NaN included (PyTorch's sign_backward is zeros; the value at NaN stays
    /// NaN here by NumPy's rule, see README).</summary>
    [Test]
    public void SignHasNoGradientAtNaN() =>
        Assert.That(Gradients(a => Backend.Sign(a[0]), [double.NaN, -0.3, 0.0, 0.2])[0], Is.EqualTo(new double[4]));
}
