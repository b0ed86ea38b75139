using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Keras 3's sample-weight rules where they are ours (keras/src/losses/loss.py, reduce_weighted_values): the
/// mean_with_sample_weight denominator is the sum of the weights as given, and an unreduced result takes the shape
/// squeeze_or_expand_to_same_rank gives the loss. Expected values computed from Keras's formulas in float64 by hand
/// (see each case). Where we do not follow Keras 3 (weights broadcast from the right), the README says so.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class KerasSampleWeightTests(ITensorEngine engine)
{
    private object Channels(double[] v, long[] shape) => engine.FromChannelsLast(v.Select(x => (float)x).ToArray(), shape);
    private object Plain(double[] v, params long[] shape) => engine.FromArray(v.Select(x => (float)x).ToArray(), shape);

    private double[] Run(string loss, object pred, object truth, object weights, Reduction reduction, out long[] shape) =>
        engine.ToDoubleArray(Losses.Compute(loss, pred, truth, new LossArguments { ["sample_weights"] = weights, ["reduction"] = reduction }), out shape);

    [Test]
    public void WeightedMeanDividesByTheWeightsAsGiven()
    {
        // MSE per sample of y = [[0, 1], [0, 0]], p = [[1, 1], [1, 0]] is [0.5, 0.5]. A scalar weight 2.3:
        // Σ 2.3·l / 2.3 = 1.0 (Keras's sum), where a mean over broadcast weights would give 0.5.
        object p = Channels([1, 1, 1, 0], [2, 2]), y = Channels([0, 1, 0, 0], [2, 2]);
        Assert.That(Run("mean_squared_error", p, y, Plain([2.3], 1), Reduction.WeightedMean, out _)[0], Is.EqualTo(1.0).Within(1e-6));

        // Categorical crossentropy with a (2, 2) per-element loss [[−log .7, −log .8], [−log .4, −log .2]] and (2, 1)
        // weights [[1.3], [0.3]]: Σ w·l / (1.3 + 0.3), not / (2·1.3 + 2·0.3).
        object probs = Channels([.7, .2, .1, .1, .8, .1, .3, .3, .4, .2, .2, .6], [2, 2, 3]);
        object labels = Channels([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0], [2, 2, 3]);
        double expected = (1.3 * (-Math.Log(.7) - Math.Log(.8)) + 0.3 * (-Math.Log(.4) - Math.Log(.2))) / 1.6;
        double actual = Run("categorical_crossentropy", probs, labels, Plain([1.3, 0.3], 2, 1), Reduction.WeightedMean, out _)[0];
        Assert.That(actual, Is.EqualTo(expected).Within(2e-6 * expected));
    }

    [Test]
    public void UnreducedResultTakesKerassShape()
    {
        // (2, 1) weights [[0.7], [0.3]] on the (2,) MSE loss [0.5, 0.5]: Keras expands the loss, giving (2, 1).
        object p = Channels([1, 1, 1, 0], [2, 2]), y = Channels([0, 1, 0, 0], [2, 2]);
        double[] values = Run("mean_squared_error", p, y, Plain([0.7, 0.3], 2, 1), Reduction.None, out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(values, Is.EqualTo(new[] { 0.35, 0.15 }).Within(1e-7));
        // (2,) weights keep the loss's (2,).
        Run("mean_squared_error", p, y, Plain([0.7, 0.3], 2), Reduction.None, out shape);
        Assert.That(shape, Is.EqualTo(new long[] { 2 }));
    }

    [Test]
    public void OneValueLossTakesTheWeightsShape()
    {
        // dice without an axis is one value for the whole batch: y = [[0, 1], [1, 1]], p = [[0.1, 0.7], [0.3, 0.9]] give
        // l = 1 − 2·1.9 / (3 + 2 + 1e-7) = 0.24000000480 (float64). Keras's reduce_weighted_values multiplies the rank-0
        // loss by (2,) weights [0.3, 0.1] with NumPy broadcasting: values [0.3·l, 0.1·l] (shape (2,)), then
        // sum_over_batch_size Σ/2 = 0.2·l, sum 0.4·l, mean_with_sample_weight Σ/Σw = l. Refused before ("a prefix of the
        // per-element loss shape").
        object p = Channels([0.1, 0.7, 0.3, 0.9], [2, 2]), y = Channels([0, 1, 1, 1], [2, 2]);
        const double loss = 1 - 3.8 / 5.0000001;
        object weights = Plain([0.3, 0.1], 2);
        Assert.That(Run("dice", p, y, weights, Reduction.SumOverBatchSize, out _)[0], Is.EqualTo(0.2 * loss).Within(1e-7));
        Assert.That(Run("dice", p, y, weights, Reduction.Sum, out _)[0], Is.EqualTo(0.4 * loss).Within(1e-7));
        Assert.That(Run("dice", p, y, weights, Reduction.WeightedMean, out _)[0], Is.EqualTo(loss).Within(1e-7));
        double[] none = Run("dice", p, y, weights, Reduction.None, out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { 2 }));
        Assert.That(none, Is.EqualTo(new[] { 0.3 * loss, 0.1 * loss }).Within(1e-7));
        // (2, 1) weights: Keras's product has shape (2, 1).
        Run("dice", p, y, Plain([0.3, 0.1], 2, 1), Reduction.None, out shape);
        Assert.That(shape, Is.EqualTo(new long[] { 2, 1 }));
        // A rank-1 y_pred is one sample (Keras's per-sample loss has shape ()): mean squared error of y = [0, 1, 1],
        // p = [0.5, 0.5, 1] is (0.25 + 0.25 + 0)/3 = 1/6, times (3,) weights [0.3, 0.1, 0.7]: sum (1/6)·1.1.
        object p1 = Plain([0.5, 0.5, 1], 3), y1 = Plain([0, 1, 1], 3);
        Assert.That(Run("mean_squared_error", p1, y1, Plain([0.3, 0.1, 0.7], 3), Reduction.Sum, out _)[0], Is.EqualTo(1.1 / 6).Within(1e-7));
    }

    [Test]
    public void OneValueLossTimesOneWeightIsTheProductUnderEveryReduction()
    {
        // Keras's reduce_values returns a rank-0 value unreduced for every reduction, so dice over every axis
        // (l = 1 − 3.8 / 5.0000001 = 0.2400000152) times one weight 2.3 is l·2.3 = 0.55200003496 under
        // mean_with_sample_weight too (check_keras_one_value_weights.py); before session 58 we divided by the weight
        // and gave l. The weight as a .NET number (shape ()) and as a (1,) tensor (squeezed to () beside the loss) alike.
        object p = Channels([0.1, 0.7, 0.3, 0.9], [2, 2]), y = Channels([0, 1, 1, 1], [2, 2]);
        const double product = 0.55200003496;
        foreach (Reduction reduction in new[] { Reduction.WeightedMean, Reduction.Sum, Reduction.SumOverBatchSize, Reduction.None })
        {
            Assert.That(Run("dice", p, y, 2.3, reduction, out _)[0], Is.EqualTo(product).Within(1e-6), $"() weight, {reduction}");
            Assert.That(Run("dice", p, y, Plain([2.3], 1), reduction, out _)[0], Is.EqualTo(product).Within(1e-6), $"(1,) weight, {reduction}");
        }
        // A (1, 1) weight: Keras's product has shape (1, 1), which reduce_values does reduce: l·2.3 / 2.3 = l.
        Assert.That(Run("dice", p, y, Plain([2.3], 1, 1), Reduction.WeightedMean, out _)[0], Is.EqualTo(0.2400000152).Within(1e-6));
        // A rank-1 y_pred is one sample: categorical crossentropy of p = [0.2, 0.5, 0.3] against [0, 1, 0] is
        // −log 0.5 = 0.69314718, times 2.3 = 1.5942385153 under mean_with_sample_weight.
        object p1 = Plain([0.2, 0.5, 0.3], 3), y1 = Plain([0, 1, 0], 3);
        Assert.That(Run("categorical_crossentropy", p1, y1, 2.3, Reduction.WeightedMean, out _)[0], Is.EqualTo(1.5942385153).Within(2e-6));
        // The same for class-index labels: sparse crossentropy of the same row with label 1.
        Assert.That(Run("sparse_categorical_crossentropy", p1, Plain([1], 1), 2.3, Reduction.WeightedMean, out _)[0],
            Is.EqualTo(1.5942385153).Within(2e-6));
        // A loss of two values keeps the weighted mean: MSE [0.5, 0.5] with weight 2.3 gives Σ 2.3·l / 2.3 = 1.0 (above).
    }

    /// <summary>An empty batch (session 58's decision, README "An empty batch"): Keras's reduce_values returns a (0,)
    /// loss as it is for every reduction (an empty tensor where one number is expected); we give 0 for sum, the empty
    /// loss for none, and refuse the means naming y_pred.</summary>
    [Test]
    public void EmptyBatchSumsToZeroAndRefusesTheMeans()
    {
        object p = Channels([], [0, 3]), y = Channels([], [0, 3]);
        var none = new LossArguments { ["reduction"] = Reduction.None };
        Assert.That(engine.ToDoubleArray(Losses.Compute("categorical_crossentropy", p, y, new LossArguments { ["reduction"] = Reduction.Sum }), out _),
            Is.EqualTo(new[] { 0.0 }));
        engine.ToDoubleArray(Losses.Compute("categorical_crossentropy", p, y, none), out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { 0 }));
        foreach (Reduction mean in new[] { Reduction.SumOverBatchSize, Reduction.WeightedMean })
        {
            var e = Assert.Throws<ArgumentException>(() =>
                Losses.Compute("categorical_crossentropy", p, y, new LossArguments { ["reduction"] = mean }))!;
            Assert.That(e.ParamName, Is.EqualTo("y_pred"));
            Assert.That(e.Message, Does.Contain("empty batch").And.Contain("y_pred.shape=(0, 3)"));
        }
    }
}
