using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// FastEstimator's <c>dice_score</c> docstring passes integer masks (<c>np.array</c> of ints, <c>torch.tensor</c> of
/// ints) and prints [[0.90909083, 0.79999984, 0.79999995]]: integer and bool y_pred are scored in float32 on every
/// engine (they were refused as "not floating point").
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class DiceScoreIntegerMaskTests(ITensorEngine engine)
{
    // FastEstimator's docstring arrays, channels-last (1, 3, 3, 3).
    private static readonly int[] True = [0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1];
    private static readonly int[] Pred = [0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1];

    [Test]
    public void IntegerMasksGiveFastEstimatorsPrintedScores()
    {
        object yPred = engine.FromChannelsLast(Pred, [1, 3, 3, 3]), yTrue = engine.FromChannelsLast(True, [1, 3, 3, 3]);
        object score = Metrics.DiceScore(yPred, yTrue);
        Assert.That(engine.Describe(score).DType, Is.EqualTo(DType.Float32));
        TensorAssert.AreClose(engine.ToDoubleArray(score, out _), new[] { 0.90909083, 0.79999984, 0.79999995 }, 1e-7, 0);
        object boolPred = engine.FromChannelsLast(Pred.Select(v => v != 0).ToArray(), [1, 3, 3, 3]);
        TensorAssert.AreClose(engine.ToDoubleArray(Metrics.DiceScore(boolPred, yTrue), out _), new[] { 0.90909083, 0.79999984, 0.79999995 }, 1e-7, 0);
    }

    /// <summary>The loss form (<c>Losses.DiceScore</c>, the registry's dice_score) takes them too.</summary>
    [Test]
    public void TheLossFormTakesIntegerMasksToo()
    {
        object yPred = engine.FromChannelsLast(Pred, [1, 3, 3, 3]), yTrue = engine.FromChannelsLast(True, [1, 3, 3, 3]);
        TensorAssert.AreClose(engine.ToDoubleArray(Losses.DiceScore(yPred, yTrue), out _), new[] { 0.90909083, 0.79999984, 0.79999995 }, 1e-7, 0);
        TensorAssert.AreClose(engine.ToDoubleArray(Losses.Compute("dice_score", yPred, yTrue), out _), new[] { 0.90909083, 0.79999984, 0.79999995 }, 1e-7, 0);
    }
}
