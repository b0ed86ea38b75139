using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>Layout-aware functions, given the same image in each engine's own layout (channels-last NHWC data moved
/// to the engine's channel axis).</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class LayoutTests(ITensorEngine engine)
{
    /// <summary>A channels-last array moved to the engine's layout (channels to axis 1 on channels-first engines).</summary>
    private object Image(double[] nhwc, long[] shape, DType dtype = DType.Float32)
    {
        object x = FunctionExamples.T(engine, nhwc, shape, dtype);
        return engine.ClassAxis == -1 ? x : engine.MoveAxis(x, -1, 1);
    }

    private double[] ChannelsLast(object t)
    {
        object back = engine.ClassAxis == -1 ? t : engine.MoveAxis(t, 1, -1);
        return engine.ToDoubleArray(back, out _);
    }

    [Test]
    public void GetImageDimsReadsChannelsHeightWidth()
    {
        object batch = Image(new double[2 * 12 * 12 * 3], [2, 12, 12, 3]);
        Assert.That(Backend.GetImageDims(batch), Is.EqualTo((3L, 12L, 12L)));
        object image = Image(new double[5 * 7 * 3], [1, 5, 7, 3]);
        Assert.That(Backend.GetImageDims(Backend.Squeeze<object>(image, 0)), Is.EqualTo((3L, 5L, 7L)));
    }

    [Test]
    public void NormalizePerChannelMatchesFastEstimator()
    {
        // FastEstimator: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] channels-last (H=2, W=2, C=2), mean (0.5, 0.625), std 0.2795, max 8.
        object x = Image([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
        double[] actual = ChannelsLast(Backend.Normalize<object>(x, [0.5, 0.625], [0.2795, 0.2795], 8.0));
        double[] published = [-1.34164073, -1.34164073, -0.44721358, -0.44721358, 0.44721358, 0.44721358, 1.34164073, 1.34164073];
        Assert.That(actual, Is.EqualTo(published).Within(1e-4));
        double[] formula = new double[] { 1, 2, 3, 4, 5, 6, 7, 8 }.Select((v, i) => (v - (i % 2 == 0 ? 4.0 : 5.0)) / (0.2795 * 8 + 1e-7)).ToArray();
        Assert.That(actual, Is.EqualTo(formula).Within(2e-6));
    }

    [Test]
    public void Resize3DNearestAndAreaInTheEnginesLayout()
    {
        // Two channels, 2×2×2 volume, channels-last; channel 1 is channel 0 + 10.
        double[] v = Enumerable.Range(0, 16).Select(i => (double)(i / 2 + (i % 2) * 10)).ToArray();
        object x = Image(v, [1, 2, 2, 2, 2]);
        object nearest = Backend.Resize3D<object>(x, [4, 4, 4]);
        Assert.That(Backend.GetShape(nearest), Is.EqualTo(engine.ClassAxis == -1 ? new long[] { 1, 4, 4, 4, 2 } : new long[] { 1, 2, 4, 4, 4 }));
        double[] n = ChannelsLast(nearest);
        for (int d = 0; d < 4; d++) for (int h = 0; h < 4; h++) for (int w = 0; w < 4; w++) for (int c = 0; c < 2; c++)
            Assert.That(n[((d * 4 + h) * 4 + w) * 2 + c], Is.EqualTo((d / 2) * 4 + (h / 2) * 2 + w / 2 + 10 * c));
        // Area down to 1×1×1: the mean of each channel (3.5 and 13.5).
        Assert.That(ChannelsLast(Backend.Resize3D<object>(x, [1, 1, 1], "area")), Is.EqualTo(new[] { 3.5, 13.5 }));
        // Area 2 → 3 along depth only: adaptive pooling averages [0,1), [0,2), [1,2).
        double[] a = ChannelsLast(Backend.Resize3D<object>(x, [3, 2, 2], "area"));
        Assert.That(a[0], Is.EqualTo(0)); Assert.That(a[8], Is.EqualTo(2)); Assert.That(a[16], Is.EqualTo(4));
    }
}
