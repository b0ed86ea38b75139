using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <see cref="Backend.ClipByValue{T}"/> with <c>minValue</c> above <c>maxValue</c> is refused on every engine, because
/// FastEstimator's two paths disagree there: TensorFlow's <c>clip_by_value</c> is max(min(x, hi), lo) and gives
/// <c>minValue</c> everywhere (tensorflow/python/ops/clip_ops.py), while PyTorch 1.13's
/// <c>torch.tensor([-5., 0.5, 7.]).clamp(min=0.3, max=0.1)</c> and NumPy's <c>np.clip</c> give [0.1, 0.1, 0.1].
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ClipBoundsCrossedTests(ITensorEngine engine)
{
    [Test]
    public void CrossedBoundsAreRefusedNamingMinValue()
    {
        object x = Backend.ToTensor(new[] { -5, 0.5, 7 }, engine, DType.Float32, [3]);
        var e = Assert.Throws<ArgumentException>(() => Backend.ClipByValue(x, 0.3, 0.1))!;
        Assert.That(e.ParamName, Is.EqualTo("minValue"));
        Assert.That(e.Message, Does.Contain("minValue=0.3").And.Contain("maxValue=0.1").And.Contain("Swap"));
    }

    [Test]
    public void EqualBoundsGiveThatValue()
    {
        // Not crossed: every library gives the bound (0.3 in float32, 0.300000012).
        object x = Backend.ToTensor(new[] { -5, 0.5, 7 }, engine, DType.Float32, [3]);
        Assert.That(engine.ToDoubleArray(Backend.ClipByValue(x, 0.3, 0.3), out _), Is.EqualTo(Enumerable.Repeat((double)0.3f, 3)));
    }
}
