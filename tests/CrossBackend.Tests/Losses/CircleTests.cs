using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>Keras's <c>circle</c> beyond the registry's examples: bad options and shapes name the argument and the
/// value received; the typed method; the mean over queries with a loss. Runs on every engine; no engine is named.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class CircleTests(ITensorEngine engine)
{
    private static readonly double[] Embeddings =
    [
        0.6, 0.8, 0, 0.8, 0, 0.6, 0, 0.6, 0.8, 0.8, 0.6, 0,
    ];

    private object F(double[] values, params long[] shape) => engine.FromArray(values.Select(v => (float)v).ToArray(), shape);
    private object L(params long[] labels) => engine.FromArray(labels, [labels.Length]);

    private static void Throws<TException>(TestDelegate call, string parameter, params string[] fragments) where TException : ArgumentException
    {
        var e = Assert.Throws<TException>(call)!;
        Assert.That(e.ParamName, Is.EqualTo(parameter));
        foreach (string fragment in fragments) Assert.That(e.Message, Does.Contain(fragment));
    }

    [TestCase("gamma", -0.1)]
    [TestCase("margin", -0.3)]
    [TestCase("gamma", double.NaN)]
    public void RefusesNegativeOrNonFiniteOptions(string option, double value) =>
        Throws<ArgumentOutOfRangeException>(() => LossRegistry.Get("circle").Compute(F(Embeddings, 4, 3), L(0, 0, 1, 1), new LossArguments { [option] = value }),
            option, "a finite number >= 0", $"Received: {option}=");

    [Test]
    public void RefusesLabelsOfAnotherLength() =>
        Throws<ArgumentException>(() => Losses.Circle<object, object>(F(Embeddings, 4, 3), L(0, 0, 1)), "y_true", "Received: y_true.shape=(3,)");

    [Test]
    public void RefusesEmbeddingsOfRankThree() =>
        Throws<ArgumentException>(() => Losses.Circle<object, object>(F([.. Embeddings, .. Embeddings], 2, 4, 3), L(0, 1)), "y_pred", "(Batch, D)");

    [Test]
    public void RefusesReferenceEmbeddingsOfAnotherSize() =>
        Throws<ArgumentException>(() => Losses.Circle<object, object>(F(Embeddings, 4, 3), L(0, 0, 1, 1), refLabels: L(0, 1, 1), refEmbeddings: F(Embeddings, 3, 4)),
            "refEmbeddings", "(N, 3)", "Received: refEmbeddings.shape=(3, 4)");

    [Test]
    public void RefusesReferenceLabelsOfAnotherLength() =>
        Throws<ArgumentException>(() => Losses.Circle<object, object>(F(Embeddings, 4, 3), L(0, 0, 1, 1), refLabels: L(0, 1), refEmbeddings: F(Embeddings, 4, 3)),
            "refLabels", "Received: refLabels.shape=(2,)");

    [Test]
    public void NeedsReferenceLabelsForOtherReferenceEmbeddings() =>
        Throws<ArgumentException>(() => Losses.Circle<object, object>(F(Embeddings, 4, 3), L(0, 0, 1, 1), refEmbeddings: F(Embeddings[..9], 3, 3)),
            "refLabels", "Received: refEmbeddings.shape=(3, 3)");

    /// <summary>A query alone in its class has no positive pair: it scores 0 and, as in Keras (its mask), does not count
    /// in the mean: the mean is over the queries with a loss.</summary>
    [Test]
    public void TheMeanSkipsQueriesWithoutPositives()
    {
        object p = F(Embeddings, 4, 3), y = L(0, 0, 1, 2);
        double[] each = engine.ToDoubleArray(Losses.Circle<object, object>(p, y, gamma: 3.3, margin: 0.3, reduction: Reduction.None), out _);
        Assert.That(each[2], Is.EqualTo(0.0));
        Assert.That(each[3], Is.EqualTo(0.0));
        Assert.That(each[0], Is.GreaterThan(0.0));
        double mean = engine.ToDoubleArray(Losses.Circle<object, object>(p, y, gamma: 3.3, margin: 0.3), out _)[0];
        Assert.That(mean, Is.EqualTo((each[0] + each[1]) / 2).Within(1e-5));
        double[] gradient = engine.ToDoubleArray(LossRegistry.Get("circle").Gradient(p, y, new LossArguments { ["gamma"] = 3.3 }), out _);
        Assert.That(gradient, Is.All.Not.NaN);
    }
}
