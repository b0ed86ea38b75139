using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Keras's <c>dice</c> and <c>tversky</c> and FastEstimator's <c>dice_score</c> beyond the registry's examples: bad
/// options name the argument and the value received, the published values that contain NaN (FastEstimator's
/// <c>empty_nan</c>), the typed C# methods, and the axis defaults. Runs on every engine; no engine is named.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class SegmentationLossTests(ITensorEngine engine)
{
    private object F(double[] values, params long[] shape) => engine.FromChannelsLast(values.Select(v => (float)v).ToArray(), shape);

    private static readonly double[] Pred = [0.1, 0.7, 0.3, 0.9, 0.6, 0.2, 0.4, 0.8];
    private static readonly double[] Truth = [0, 1, 0, 1, 1, 0, 1, 1];

    private static void Throws<TException>(TestDelegate call, string parameter, params string[] fragments) where TException : ArgumentException
    {
        var e = Assert.Throws<TException>(call)!;
        Assert.That(e.ParamName, Is.EqualTo(parameter));
        foreach (string fragment in fragments) Assert.That(e.Message, Does.Contain(fragment));
    }

    [TestCase("alpha", -0.1)]
    [TestCase("beta", -0.3)]
    [TestCase("alpha", double.NaN)]
    [TestCase("beta", double.PositiveInfinity)]
    public void TverskyRefusesNegativeOrNonFiniteWeights(string option, double value) =>
        Throws<ArgumentOutOfRangeException>(() => LossRegistry.Get("tversky").Compute(F(Pred, 2, 4), F(Truth, 2, 4), new LossArguments { [option] = value }),
            option, $"Argument `{option}` must be a finite number >= 0", $"Received: {option}=");

    [Test]
    public void DiceRefusesADifferentTargetShape() =>
        Throws<ArgumentException>(() => Losses.Dice<object, object>(F(Pred, 2, 4), F(Truth, 4, 2)), "y_true", "Received: y_pred.shape=");

    [Test]
    public void DiceScoreRefusesANegativeEpsilon() =>
        Throws<ArgumentOutOfRangeException>(() => Losses.DiceScore<object, object>(F(Pred, 1, 2, 2, 2), F(Truth, 1, 2, 2, 2), epsilon: -1),
            "epsilon", "Received: epsilon=-1");

    [Test]
    public void DiceScoreRefusesANonFiniteThreshold() =>
        Throws<ArgumentOutOfRangeException>(() => Losses.DiceScore<object, object>(F(Pred, 1, 2, 2, 2), F(Truth, 1, 2, 2, 2), threshold: double.NaN),
            "threshold", "Received: threshold=NaN");

    [Test]
    public void DiceScoreNeedsOneWeightPerChannel() =>
        Throws<ArgumentException>(() => Losses.DiceScore<object, object>(F(Pred, 1, 2, 2, 2), F(Truth, 1, 2, 2, 2), channelWeights: [0.3, 0.7, 0.1]),
            "channelWeights", "one weight per channel (2)", "Received: channelWeights=[0.3, 0.7, 0.1]");

    [Test]
    public void DiceScoreAcceptsOnlyReductionNone() =>
        Throws<ArgumentException>(() => LossRegistry.Get("dice_score").Compute(F(Pred, 1, 2, 2, 2), F(Truth, 1, 2, 2, 2),
            new LossArguments { ["reduction"] = Reduction.Sum }), "reduction", "Received: reduction=sum");

    [Test]
    public void DiceScoreRefusesSampleWeights() =>
        Throws<ArgumentException>(() => LossRegistry.Get("dice_score").Compute(F(Pred, 1, 2, 2, 2), F(Truth, 1, 2, 2, 2),
            new LossArguments { ["sample_weights"] = engine.FromArray(new float[] { 0.3f }, [1]) }), "sampleWeights", "channelWeights");

    [Test]
    public void DiceScoreNeedsASpatialAxis() =>
        Throws<ArgumentException>(() => Losses.DiceScore<object, object>(F(Pred, 2, 4), F(Truth, 2, 4)), "y_pred", "rank >= 3");

    /// <summary>FastEstimator's <c>test_empty_nan</c>: the blank slice scores NaN in every channel.</summary>
    [Test]
    public void DiceScoreEmptyNanReproducesFastEstimatorsTest()
    {
        (double[] pred, double[] truth) = DiceScoreLoss.FastEstimatorTestMasks();
        object result = Losses.DiceScore<object, object>(F(pred, 5, 20, 20, 3), F(truth, 5, 20, 20, 3), emptyNan: true);
        Assert.That(engine.Describe(result).Shape, Is.EqualTo(new long[] { 5, 3 }));
        double[] expected = [double.NaN, double.NaN, double.NaN, 0, 0, 0, 0, 0, 0, 0.75472, 0.82353, 0.24, 1, 1, 1];
        TensorAssert.AreClose(engine.ToDoubleArray(result, out _), expected, 1e-5, 1.5e-4, equalNan: true);
    }

    /// <summary>A binarised prediction has no gradient: every engine returns zeros (none refuses the call).</summary>
    [Test]
    public void DiceScoreWithAThresholdHasAZeroGradient()
    {
        object gradient = LossRegistry.Get("dice_score").Gradient(F(Pred, 1, 2, 2, 2), F(Truth, 1, 2, 2, 2), new LossArguments { ["threshold"] = 0.5 });
        Assert.That(engine.ToDoubleArray(gradient, out _), Is.All.EqualTo(0.0));
    }

    /// <summary>Keras's default axis=None sums over every axis, the batch included: one value for the batch, equal to
    /// the loss of the flattened batch (not the mean of per-sample losses).</summary>
    [Test]
    public void DiceWithoutAxesIsOneValueOverTheWholeBatch()
    {
        double[] whole = engine.ToDoubleArray(Losses.Dice<object, object>(F(Pred, 2, 4), F(Truth, 2, 4), reduction: Reduction.None), out _);
        double inter = Pred.Zip(Truth, (p, y) => p * y).Sum();
        Assert.That(whole, Has.Length.EqualTo(1));
        Assert.That(whole[0], Is.EqualTo(1 - 2 * inter / (Pred.Sum() + Truth.Sum() + 1e-7)).Within(1e-6));

        double[] perSample = engine.ToDoubleArray(Losses.Dice<object, object>(F(Pred, 2, 4), F(Truth, 2, 4), axes: [1], reduction: Reduction.None), out _);
        Assert.That(perSample, Has.Length.EqualTo(2));
        Assert.That(perSample.Average(), Is.Not.EqualTo(whole[0]).Within(1e-3), "the batch-wide Dice differs from the mean of per-sample ones here");
    }

    /// <summary>The typed method passes its keyword parameters through: Keras's custom-coefficient test value.</summary>
    [Test]
    public void TverskyTypedMethodReproducesKerasCustomCoefficients()
    {
        object result = Losses.Tversky<object, object>(F([4, 1, 6, 1], 2, 2), F([1, 2, 1, 2], 2, 2), alpha: 0.2, beta: 0.8);
        Assert.That(engine.ToDoubleArray(result, out _)[0], Is.EqualTo(-0.29629636).Within(1e-6));
    }
}
