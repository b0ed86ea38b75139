using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// FastEstimator's <c>focal_loss</c> and <c>l2_regularization</c> and Keras's <c>circle</c> have no <c>axis</c>: an
/// explicit one is refused, Keras style, naming the argument and the value, rather than silently ignored (on every
/// engine found). The data is each loss's first published example from the registry, so the call without
/// <c>axis</c> reproduces it. The registry holds the reason (<see cref="LossDefinition.NoAxis"/>), so <c>axis</c> is
/// not among their options. The CLI's <c>--axis</c> for them is tested in <see cref="Reliability.CliResultShapeTests"/>.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class AxisRefusalTests(ITensorEngine engine)
{
    [TestCase("focal_loss")]
    [TestCase("l2_regularization")]
    [TestCase("circle")]
    public void AnExplicitAxisIsRefused(string name)
    {
        LossDefinition loss = LossRegistry.Get(name);
        Assert.That(loss.NoAxis, Is.Not.Null.And.Not.Empty, "the registry says why it takes no axis");
        Assert.That(loss.Option("axis"), Is.Null, "axis is not among its options (nor its CLI options)");
        Assert.That(loss.Option("reduction"), Is.Not.Null, "the other common options stay");
        LossExample example = loss.Examples[0];
        foreach ((object axis, string shown) in new (object, string)[] { (1, "1"), (-1, "-1"), (new[] { 0, 1 }, "(0, 1)") })
        {
            LossExample withAxis = example with { Arguments = new Dictionary<string, object?>(example.Arguments) { ["axis"] = axis } };
            var e = Assert.Throws<ArgumentException>(() => withAxis.Run(loss, engine));
            Assert.That(e!.ParamName, Is.EqualTo("axis"));
            Assert.That(e.Message, Does.StartWith($"Argument `axis` is not used by `{name}`").And.Contain($"Received: axis={shown}"));
            var g = Assert.Throws<ArgumentException>(() => withAxis.Run(loss, engine, DType.Float32, LossExample.Mode.Gradient), "the gradient refuses it too");
            Assert.That(g!.Message, Does.Contain($"Received: axis={shown}"));
        }
        // Without axis the call runs and gives the published value (the refusal is about the argument, not the data).
        double[] got = engine.ToDoubleArray(example.Run(loss, engine), out _);
        (double rtol, double atol) = Tolerance.For(DType.Float32);
        TensorAssert.AreClose(got, example.Expected, rtol, atol + example.Rounding);
    }
}
