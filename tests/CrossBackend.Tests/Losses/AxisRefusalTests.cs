using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// FastEstimator's <c>focal_loss</c> and <c>l2_regularization</c> have no <c>axis</c>: an explicit one is refused,
/// Keras style, naming the argument and the value, rather than silently ignored (on every engine found). The
/// CLI's <c>--axis</c> for them is tested in <see cref="Reliability.CliResultShapeTests"/>.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class AxisRefusalTests(ITensorEngine engine)
{
    private object F(double[] values, long[] shape) => engine.FromArray(values.Select(v => (float)v).ToArray(), shape);

    [TestCase("focal_loss", true)]
    [TestCase("l2_regularization", false)]
    public void AnExplicitAxisIsRefused(string name, bool labels)
    {
        LossDefinition loss = LossRegistry.Get(name);
        object pred = F([0.1, 0.3, 0.7, 0.2, 0.6, 0.4, 0.9, 0.8], [2, 2, 2]);
        object? yTrue = labels ? F([0, 1, 1, 0, 1, 0, 1, 1], [2, 2, 2]) : null;
        foreach ((object axis, string shown) in new (object, string)[] { (2, "2"), (new[] { 1, 2 }, "(1, 2)") })
        {
            var e = Assert.Throws<ArgumentException>(() => loss.Compute(pred, yTrue, new LossArguments { ["axis"] = axis }));
            Assert.That(e!.ParamName, Is.EqualTo("axis"));
            Assert.That(e.Message, Does.StartWith($"Argument `axis` is not used by `{name}`").And.Contain($"Received: axis={shown}"));
            Assert.Throws<ArgumentException>(() => loss.Gradient(pred, yTrue, new LossArguments { ["axis"] = axis }), "the gradient refuses it too");
        }
        // Without axis the call runs (the refusal is about the argument, not the data).
        Assert.That(engine.ToDoubleArray(loss.Compute(pred, yTrue), out _), Has.Length.EqualTo(1));
    }
}
