using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// An option set to null through <see cref="LossArguments"/> (what a JSON <c>null</c> or Python's <c>None</c> becomes):
/// <c>reduction</c> null is Keras 3's <c>reduction=None</c>, no reduction (<c>keras.losses.Loss</c> accepts it;
/// <c>loss_test.py::test_reduction</c>), and any other option with a default is refused by name. Both threw a
/// NullReferenceException on every engine before session 49.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class NullOptionTests(ITensorEngine engine)
{
    /// <summary>Keras's MeanSquaredError docstring case (y_true [[0, 1], [0, 0]]; its y_pred [[1, 1], [1, 0]] gives
    /// [0.5, 0.5] with <c>reduction=None</c>) with y_pred [[1.3, 1.3], [1.3, 0.3]], not exact in float32: per sample
    /// (1.3² + 0.3²)/2 = 0.89 both times.</summary>
    [Test]
    public void NullReductionIsNoReduction()
    {
        object p = engine.FromChannelsLast(new[] { 1.3f, 1.3f, 1.3f, 0.3f }, [2, 2]);
        object t = engine.FromChannelsLast(new[] { 0f, 1f, 0f, 0f }, [2, 2]);
        var arguments = new LossArguments { ["reduction"] = null };
        double[] none = engine.ToDoubleArray(Losses.Compute("mean_squared_error", p, t, arguments), out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { 2 }));
        Assert.That(none, Is.EqualTo(new[] { 0.89, 0.89 }).Within(1e-6));
        double[] gradient = engine.ToDoubleArray(Losses.Gradient("mean_squared_error", p, t, arguments), out _);
        // d/dp of the per-sample sum: 2·(p − y)/2 per element.
        Assert.That(gradient, Is.EqualTo(new[] { 1.3, 0.3, 1.3, 0.3 }).Within(1e-6));
    }

    [TestCase("binary_crossentropy", "from_logits", "fromLogits")]
    [TestCase("categorical_crossentropy", "label_smoothing", "labelSmoothing")]
    [TestCase("huber", "delta", "delta")]
    public void NullForAnOptionWithADefaultIsRefusedByName(string loss, string option, string parameter)
    {
        object p = engine.FromChannelsLast(new[] { 0.1f, 0.9f, 0.3f, 0.7f }, [2, 2]);
        object t = engine.FromChannelsLast(new[] { 0f, 1f, 1f, 0f }, [2, 2]);
        var e = Assert.Throws<ArgumentException>(() => Losses.Compute(loss, p, t, new LossArguments { [option] = null }))!;
        Assert.That(e.ParamName, Is.EqualTo(parameter));
        Assert.That(e.Message, Does.Contain("Leave it out for its default"));
    }
}
