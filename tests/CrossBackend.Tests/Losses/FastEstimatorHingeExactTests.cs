using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// FastEstimator's <c>test/PR_test/unit_test/backend/test_hinge.py</c> compares with exact equality
/// (<c>fastestimator.test.unittest_util.is_equal</c>: <c>np.array_equal</c> / <c>torch.equal</c>), not
/// <c>allclose</c>: hinge(y_pred, y_true) must be float32 [0.8, 1.2, 0.85, 0.0] bit for bit. A float32 mean summed
/// from the left (TensorFlow, PyTorch 1.13, NumPy) gives those; the channels-last engine, which accumulates float32 in
/// double and rounds once (README, "float32 sums and means"), gives the float nearest the exact mean of the row's four
/// float32 margins, 0.84999996 for 0.85: one unit in the last place. Every engine must give one of the two, bit for bit.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class FastEstimatorHingeExactTests(ITensorEngine engine)
{
    private readonly EngineHarness _h = new(engine);

    private static readonly double[] Truth = [-1, 1, 1, -1, 1, 1, 1, 1, -1, -1, 1, -1, 1, -1, -1, -1];
    private static readonly double[] Pred = [0.1, 0.9, 0.05, 0.05, 0.1, -0.2, 0.0, -0.7, 0.0, 0.15, 0.8, 0.05, 1.0, -1.0, -1.0, -1.0];

    [Test]
    public void EachRowIsFastEstimatorsFloatOrTheNearestFloatToTheExactMean()
    {
        object loss = Losses.Hinge(_h.Tensor(Pred, [4, 4], DType.Float32), _h.Tensor(Truth, [4, 4], DType.Int64), reduction: Reduction.None);
        float[] actual = _h.Values(loss).Select(v => (float)v).ToArray();
        float[] published = [0.8f, 1.2f, 0.85f, 0.0f];
        for (int row = 0; row < 4; row++)
        {
            // The margins max(1 − y·p, 0) in float32, as every engine forms them; their exact mean, rounded once.
            double exact = Enumerable.Range(0, 4)
                .Select(k => (double)MathF.Max(1f - (float)Truth[row * 4 + k] * (float)Pred[row * 4 + k], 0f)).Average();
            float nearest = (float)exact;
            Assert.That(actual[row], Is.EqualTo(published[row]).Or.EqualTo(nearest),
                $"row {row}: FastEstimator's {published[row]:R} or the nearest float to the exact mean, {nearest:R}");
            Assert.That(Math.Abs(BitConverter.SingleToInt32Bits(actual[row]) - BitConverter.SingleToInt32Bits(published[row])), Is.LessThanOrEqualTo(1),
                $"row {row}: within one unit in the last place of FastEstimator's value");
        }
    }

    [Test]
    public void TheRowsThatAreExactInEveryOrderMatchFastEstimatorBitForBit()
    {
        object loss = Losses.Hinge(_h.Tensor(Pred, [4, 4], DType.Float32), _h.Tensor(Truth, [4, 4], DType.Int64), reduction: Reduction.None);
        float[] actual = _h.Values(loss).Select(v => (float)v).ToArray();
        Assert.That(new[] { actual[0], actual[1], actual[3] }, Is.EqualTo(new[] { 0.8f, 1.2f, 0.0f }));
    }
}
