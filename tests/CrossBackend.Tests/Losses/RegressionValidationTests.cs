using CrossBackend.Testing;
// An alias: a sibling test namespace named Losses would otherwise hide the Losses class.
using LossApi = CrossBackend.Losses;

namespace CrossBackend.Tests;

/// <summary>
/// Bad options of the regression losses (Keras's huber, FastEstimator's smooth_l1_loss, huber and
/// l2_regularization) are refused on every engine with a message that names the argument and shows the value, and
/// l2_regularization's label-free calling convention holds. No engine is named here.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class RegressionValidationTests(ITensorEngine engine)
{
    private object Tensor(params float[] values) => engine.FromArray(values, [2, values.Length / 2]);

    private static void AssertRefused<TException>(TestDelegate call, string parameter, string message) where TException : ArgumentException
    {
        var e = Assert.Throws<TException>(call)!;
        Assert.That(e.ParamName, Is.EqualTo(parameter));
        Assert.That(e.Message, Does.Contain(message));
    }

    [TestCase(-1.0, "-1")]
    [TestCase(double.NaN, "NaN")]
    [TestCase(double.PositiveInfinity, "Infinity")]
    public void HuberRefusesABadDelta(double delta, string shown) =>
        AssertRefused<ArgumentOutOfRangeException>(() => LossApi.Huber<object, object>(Tensor(0.1f, 0.3f), Tensor(0.2f, 0.7f), delta: delta),
            "delta", $"Argument `delta` must be a finite number >= 0. Received: delta={shown}");

    [TestCase(0.0, "0")]
    [TestCase(-0.3, "-0.3")]
    public void SmoothL1RefusesBetaNotAboveZero(double beta, string shown) =>
        AssertRefused<ArgumentOutOfRangeException>(() => LossApi.SmoothL1Loss<object, object>(Tensor(0.1f, 0.3f), Tensor(0.2f, 0.7f), beta: beta),
            "beta", $"Argument `beta` must be a finite number > 0. Received: beta={shown}");

    [TestCase(0.0, "0")]
    [TestCase(-0.3, "-0.3")]
    public void FastEstimatorHuberRefusesBetaNotAboveZero(double beta, string shown) =>
        AssertRefused<ArgumentOutOfRangeException>(() => LossApi.FeHuber<object, object>(Tensor(0.1f, 0.3f), Tensor(0.2f, 0.7f), beta: beta),
            "beta", $"Argument `beta` must be a finite number > 0. Received: beta={shown}");

    [Test]
    public void L2RegularizationRefusesANegativeBeta() =>
        AssertRefused<ArgumentOutOfRangeException>(() => LossApi.L2Regularization<object>(Tensor(0.1f, 0.3f), beta: -0.1),
            "beta", "Argument `beta` must be a finite number >= 0. Received: beta=-0.1");

    [Test]
    public void L2RegularizationRefusesSampleWeights() =>
        AssertRefused<ArgumentException>(() => LossApi.Compute("l2_regularization", Tensor(0.1f, 0.3f), null,
                new LossArguments { ["sample_weights"] = engine.FromArray(new float[] { 0.3f, 0.7f }, [2]) }),
            "sampleWeights", "takes no sample weights");

    [Test]
    public void L2RegularizationRefusesAReduction() =>
        AssertRefused<ArgumentException>(() => LossApi.Compute("l2_regularization", Tensor(0.1f, 0.3f), null,
                new LossArguments { ["reduction"] = Reduction.Sum }),
            "reduction", "argument `reduction` must be none. Received: reduction=sum");

    [Test]
    public void L2RegularizationIgnoresLabels()
    {
        // 0.3 · (0.01 + 0.09 + 0.49 + 0.04) / 2 with and without y_true.
        object parameters = Tensor(0.1f, -0.3f, 0.7f, 0.2f);
        double without = engine.ToDoubleArray(LossApi.L2Regularization(parameters, beta: 0.3), out _)[0];
        double with = engine.ToDoubleArray(LossApi.Compute("l2_regularization", parameters, Tensor(9f, 9f, 9f, 9f), new LossArguments { ["beta"] = 0.3 }), out _)[0];
        Assert.That(without, Is.EqualTo(0.0945).Within(1e-7));
        Assert.That(with, Is.EqualTo(without));
    }

    [TestCase("mean_absolute_error")]
    [TestCase("mean_absolute_percentage_error")]
    [TestCase("mean_squared_logarithmic_error")]
    [TestCase("cosine_similarity")]
    [TestCase("huber")]
    [TestCase("log_cosh")]
    [TestCase("poisson")]
    [TestCase("kl_divergence")]
    [TestCase("l1_loss")]
    [TestCase("smooth_l1_loss")]
    [TestCase("fe_huber")]
    public void RefusesLabelsOfAnotherShape(string loss) =>
        AssertRefused<ArgumentException>(() => LossApi.Compute(loss, Tensor(0.1f, 0.3f, 0.5f, 0.7f), Tensor(0.2f, 0.4f)),
            "y_true", "Received: y_pred.shape=");
}
