using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>Keras's <c>ctc</c> beyond the registry's examples: wrong label shapes and values are refused naming
/// <c>y_true</c> and what was received; impossible alignments stay finite (Keras's JAX log ε); the typed method.
/// Runs on every engine; no engine is named.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class CtcTests(ITensorEngine engine)
{
    private static readonly double[] Logits = Enumerable.Range(0, 24).Select(i => (i - 12) / 100.0).ToArray();

    private object Pred(long time = 4) => engine.FromChannelsLast(Logits.Take((int)(2 * time * 3)).Select(v => (float)v).ToArray(), [2, time, 3]);
    private object Labels(long[] values, params long[] shape) => engine.FromArray(values, shape);

    private static void Throws(TestDelegate call, string parameter, params string[] fragments)
    {
        var e = Assert.Throws<ArgumentException>(call)!;
        Assert.That(e.ParamName, Is.EqualTo(parameter));
        foreach (string fragment in fragments) Assert.That(e.Message, Does.Contain(fragment));
    }

    [Test]
    public void RefusesLabelsOfRankOne() =>
        Throws(() => Losses.Ctc<object, object>(Pred(), Labels([1, 2], 2)), "y_true", "(Batch, MaxLabelLength)", "Received: y_true.shape=(2,)");

    [Test]
    public void RefusesLabelsOfAnotherBatch() =>
        Throws(() => Losses.Ctc<object, object>(Pred(), Labels([1, 2, 1], 3, 1)), "y_true", "Batch = 2", "Received: y_true.shape=(3, 1)");

    [Test]
    public void RefusesNegativeLabels() =>
        Throws(() => Losses.Ctc<object, object>(Pred(), Labels([1, 2, -1, 1, 2, 0], 2, 3)), "y_true", "[0, 3)", "Received: y_true[0] contains -1");

    [Test]
    public void RefusesLabelsPastTheLastClass() =>
        Throws(() => Losses.Ctc<object, object>(Pred(), Labels([1, 2, 0, 3, 1, 0], 2, 3)), "y_true", "[0, 3)", "Received: y_true[1] contains 3");

    [Test]
    public void RefusesLogitsOfRankTwo() =>
        Throws(() => Losses.Ctc<object, object>(engine.FromArray(new float[] { 0.1f, 0.2f, 0.3f, 0.4f }, [2, 2]), Labels([1, 1], 2, 1)),
            "y_pred", "rank >= 3");

    /// <summary>Three labels cannot fit in two steps: the loss is about 1e5 (log 0 = −1e5), finite, with a finite gradient.</summary>
    [Test]
    public void AnImpossibleAlignmentIsLargeAndFinite()
    {
        object p = Pred(time: 2), y = Labels([1, 2, 1, 1, 2, 2], 2, 3);
        double[] loss = engine.ToDoubleArray(Losses.Ctc<object, object>(p, y, reduction: Reduction.None), out _);
        Assert.That(loss, Is.All.GreaterThan(9e4).And.All.LessThan(double.PositiveInfinity));
        Assert.That(engine.ToDoubleArray(LossRegistry.Get("ctc").Gradient(p, y), out _), Is.All.Not.NaN);
    }

    /// <summary>Keras's rule: the label length is the count of non-zero entries, so trailing zeros are padding and the
    /// loss does not depend on how much padding there is.</summary>
    [Test]
    public void TrailingZerosArePadding()
    {
        double[] shortRows = engine.ToDoubleArray(Losses.Ctc<object, object>(Pred(), Labels([1, 2, 2, 1], 2, 2), reduction: Reduction.None), out _);
        double[] padded = engine.ToDoubleArray(Losses.Ctc<object, object>(Pred(), Labels([1, 2, 0, 0, 2, 1, 0, 0], 2, 4), reduction: Reduction.None), out _);
        TensorAssert.AreClose(padded, shortRows, 1e-6, 1e-6);
    }
}
