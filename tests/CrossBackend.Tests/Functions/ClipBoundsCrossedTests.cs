using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <see cref="Backend.ClipByValue{T}"/> with <c>minValue</c> above <c>maxValue</c>, on every engine: FastEstimator's
/// <c>clip_by_value</c> is <c>tensor.clamp(min, max)</c> on torch and <c>np.clip</c> on NumPy, and both (as
/// <c>tf.clip_by_value</c>) give <c>maxValue</c> everywhere, NaN staying NaN. PyTorch 1.13:
/// <c>torch.tensor([nan, -5., 0.5, 7., inf, -inf]).clamp(min=0.3, max=0.1)</c> → [nan, 0.1, 0.1, 0.1, 0.1, 0.1];
/// <c>torch.tensor([-5, 3, 9]).clamp(min=4, max=2)</c> → [2, 2, 2] (NumPy 1.24's <c>np.clip</c> the same). Before
/// session 50 the call was refused ("`minValue` must not exceed `maxValue`").
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ClipBoundsCrossedTests(ITensorEngine engine)
{
    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void FloatsAllTakeMaxValue(DType dtype)
    {
        object x = Backend.ToTensor(new[] { double.NaN, -5, 0.5, 7, double.PositiveInfinity, double.NegativeInfinity }, engine, dtype, [6]);
        object clipped = Backend.ClipByValue(x, 0.3, 0.1);
        double max = dtype.RoundTo(0.1);   // 0.1 in the tensor's dtype: 0.100000001 in float32
        Assert.That(Backend.ToType(clipped), Is.EqualTo(dtype));
        Assert.That(engine.ToDoubleArray(clipped, out _), Is.EqualTo(new[] { double.NaN, max, max, max, max, max }));
    }

    [Test]
    public void IntegersAllTakeMaxValue()
    {
        object x = Backend.ToTensor(new long[] { -5, 3, 9 }, engine, DType.Int64, [3]);
        Assert.That(engine.ToDoubleArray(Backend.ClipByValue(x, 4, 2), out _), Is.EqualTo(new double[] { 2, 2, 2 }));
    }
}
