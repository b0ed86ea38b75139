using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Keras's <c>squeeze_or_expand_to_same_rank</c> for rank-1 tensors beside (B, 1) ones, taken on every engine (rank 2
/// has the same axes in both layouts): labels (B,) beside a sigmoid's (B, 1) output, and a rank-1 y_pred beside (B, 1)
/// labels, give the per-sample loss (B,) of Keras, not a refusal.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class RankOneLabelTests(ITensorEngine engine)
{
    private readonly EngineHarness _h = new(engine);

    [Test]
    public void LabelsOfRankOneBesideAColumnOfPredictionsAreTakenAsAColumn()
    {
        // keras/src/losses/losses_test.py, MeanSquaredErrorTest.test_base_function_reduction: y_true (3,) beside y_pred
        // (3, 1) gives a loss of shape (3,); values not exact in float32, reference (y − p)² in float64.
        double[] truth = [4.1, 8, 12.3], pred = [3.3, 0.1, 1];
        object loss = Losses.MeanSquaredError(_h.Tensor(pred, [3, 1], DType.Float64), _h.Tensor(truth, [3], DType.Float64), reduction: Reduction.None);
        Assert.That(_h.Shape(loss), Is.EqualTo(new long[] { 3 }));
        Assert.That(_h.Values(loss), Is.EqualTo(truth.Zip(pred, (t, p) => (t - p) * (t - p)).ToArray()).Within(1e-12));
    }

    [Test]
    public void BinaryLabelsOfRankOneGiveFastEstimatorsNumber()
    {
        // FastEstimator's binary_crossentropy example, with the labels as a plain vector: 0.22839302.
        object loss = Losses.BinaryCrossentropy(_h.Tensor([0.2, 0.7, 0.9], [3, 1], DType.Float32), _h.Tensor([0, 1, 1], [3], DType.Float32));
        Assert.That(_h.Values(loss)[0], Is.EqualTo(0.22839302).Within(1e-6));
    }

    [Test]
    public void APredictionOfRankOneBesideAColumnOfLabelsIsTakenAsAColumn()
    {
        // Keras expands the rank-1 side whichever it is: y_pred (3,) beside y_true (3, 1) is per sample, |t − p|,
        // and (3,) sample weights then weigh one sample each (sum over batch size: mean of w·|t − p|).
        double[] truth = [0.1, 0.3, 2], pred = [0.3, 0.1, 1.5], weights = [0.3, 1, 2];
        object y = _h.Tensor(pred, [3], DType.Float64), t = _h.Tensor(truth, [3, 1], DType.Float64);
        double[] perSample = truth.Zip(pred, (a, b) => Math.Abs(a - b)).ToArray();
        object none = Losses.MeanAbsoluteError(y, t, reduction: Reduction.None);
        Assert.That(_h.Shape(none), Is.EqualTo(new long[] { 3 }));
        Assert.That(_h.Values(none), Is.EqualTo(perSample).Within(1e-12));
        object weighted = Losses.MeanAbsoluteError(y, t, sampleWeights: _h.Tensor(weights, [3], DType.Float64));
        Assert.That(_h.Values(weighted)[0], Is.EqualTo(perSample.Zip(weights, (l, w) => l * w).Sum() / 3).Within(1e-12));
    }

    [Test]
    public void OtherRankMismatchesAreStillRefused()
    {
        // (2,) labels beside (3, 1) predictions are not one column of the same samples.
        var e = Assert.Throws<ArgumentException>(() =>
            Losses.MeanSquaredError(_h.Tensor([0.1, 0.2, 0.3], [3, 1], DType.Float32), _h.Tensor([0.1, 0.2], [2], DType.Float32)))!;
        Assert.That(e.ParamName, Is.EqualTo("y_true"));
        Assert.That(e.Message, Does.Contain("y_true.shape=(2,)"));
    }
}
