using CrossBackend.Testing;

namespace CrossBackend.Tests.LayoutTests;

/// <summary>Channels-first ↔ channels-last on .NET arrays and on every engine's tensors.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class LayoutTests(ITensorEngine engine)
{
    /// <summary>x[n, h, w, c] = 1000n + 100h + 10w + c + 0.5, so every position is identifiable.</summary>
    private static float[,,,] Nhwc(int n, int h, int w, int c)
    {
        var x = new float[n, h, w, c];
        for (int a = 0; a < n; a++) for (int b = 0; b < h; b++) for (int d = 0; d < w; d++) for (int e = 0; e < c; e++)
            x[a, b, d, e] = 1000 * a + 100 * b + 10 * d + e + 0.5f;
        return x;
    }

    [Test]
    public void ArraysMoveTheChannelAxis()
    {
        float[,,,] nhwc = Nhwc(2, 3, 4, 5);
        float[,,,] nchw = Layout.NhwcToNchw(nhwc);
        Assert.That(new[] { nchw.GetLength(0), nchw.GetLength(1), nchw.GetLength(2), nchw.GetLength(3) }, Is.EqualTo(new[] { 2, 5, 3, 4 }));
        Assert.That(nchw[1, 4, 2, 3], Is.EqualTo(nhwc[1, 2, 3, 4]));
        Assert.That(Layout.NchwToNhwc(nchw), Is.EqualTo(nhwc));
        var ncw = Layout.NwcToNcw(new long[,,] { { { 1, 2 }, { 3, 4 }, { 5, 6 } } });
        Assert.That(ncw, Is.EqualTo(new long[,,] { { { 1, 3, 5 }, { 2, 4, 6 } } }));
        var volume = new double[1, 2, 1, 1, 3];
        volume[0, 1, 0, 0, 2] = 7;
        Assert.That(Layout.NdhwcToNcdhw(volume)[0, 2, 1, 0, 0], Is.EqualTo(7));
        Assert.That(Layout.NcdhwToNdhwc(Layout.NdhwcToNcdhw(volume)), Is.EqualTo(volume));
    }

    [Test]
    public void TensorsMoveTheChannelAxisOnTheirEngine([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        float[,,,] host = Nhwc(2, 3, 4, 5);
        object nhwc = engine.Cast(engine.FromArray(Flat(host), [2, 3, 4, 5]), dtype);
        object nchw = Layout.NhwcToNchw(nhwc);
        TensorInfo info = engine.Describe(nchw);
        Assert.That(info.Shape, Is.EqualTo(new long[] { 2, 5, 3, 4 }));
        Assert.That(info.DType, Is.EqualTo(dtype));
        TensorAssert.AreClose(nchw, Layout.NhwcToNchw(host), 0, 0);
        TensorAssert.AreClose(Layout.NchwToNhwc(nchw), host, 0, 0);
        object ncw = Layout.NwcToNcw(engine.FromArray(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, [1, 3, 2]));
        TensorAssert.AreClose(ncw, new float[,,] { { { 1, 3, 5 }, { 2, 4, 6 } } }, 0, 0);
        TensorAssert.AreClose(Layout.NcwToNwc(ncw), new float[,,] { { { 1, 2 }, { 3, 4 }, { 5, 6 } } }, 0, 0);
    }

    /// <summary>Batches large enough for the channels-last engine's permute kernels (8×8 register tiles for 8 or more
    /// channels with 16-column bands and their remainders, row by row for 3), checked element by element against
    /// x[n, h, w, c] written here, both ways.</summary>
    [TestCase(2, 5, 37, 24)]
    [TestCase(3, 4, 29, 3)]
    [TestCase(1, 2, 8, 64)]
    public void LargerBatchesMatchTheirIndices(int n, int h, int w, int c)
    {
        float[,,,] host = Nhwc(n, h, w, c);
        double[] nchw = engine.ToDoubleArray(Layout.NhwcToNchw(engine.FromArray(Flat(host), [n, h, w, c])), out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { n, c, h, w }));
        for (int a = 0; a < n; a++) for (int e = 0; e < c; e++) for (int b = 0; b < h; b++) for (int d = 0; d < w; d++)
            Assert.That(nchw[((a * c + e) * h + b) * w + d], Is.EqualTo(host[a, b, d, e]), $"[{a}, {e}, {b}, {d}]");
        object back = Layout.NchwToNhwc(engine.FromArray(nchw.Select(v => (float)v).ToArray(), [n, c, h, w]));
        Assert.That(engine.ToDoubleArray(back, out _), Is.EqualTo(Flat(host).Select(v => (double)v).ToArray()));
    }

    /// <summary>Every dtype an engine holds moves its channel axis with the same values: 4-byte integers through the
    /// float32 kernels' register paths (their bits moved, not their values), 3 channels of bytes 16 pixels at a time,
    /// the others value by value.</summary>
    [TestCase(DType.Int32, 2, 3, 19, 3)]
    [TestCase(DType.Int32, 2, 3, 19, 24)]
    [TestCase(DType.Int64, 2, 3, 19, 9)]
    [TestCase(DType.UInt8, 2, 3, 19, 3)]
    [TestCase(DType.UInt8, 1, 2, 40, 3)]
    [TestCase(DType.Int8, 2, 2, 33, 3)]
    [TestCase(DType.Float16, 2, 3, 19, 9)]
    [TestCase(DType.BFloat16, 2, 3, 19, 9)]    // values below 256: exact in bfloat16's 8 significant bits
    [TestCase(DType.BFloat16, 2, 3, 19, 3)]
    [TestCase(DType.BFloat16, 1, 2, 8, 64)]
    [TestCase(DType.Bool, 2, 3, 19, 3)]
    public void EveryDTypeMovesItsChannels(DType dtype, int n, int h, int w, int c)
    {
        int count = n * h * w * c;
        float[] values = Enumerable.Range(0, count)
            .Select(i => dtype == DType.Bool ? i % 3 % 2 : dtype == DType.Int8 ? (float)(i * 7 % 200 - 100) : (float)(i * 7 % 200)).ToArray();
        object nhwc = engine.Cast(engine.FromArray(values, [n, h, w, c]), dtype);
        object nchw = Layout.NhwcToNchw(nhwc);
        TensorInfo info = engine.Describe(nchw);
        Assert.That(info.DType, Is.EqualTo(dtype));
        double[] moved = engine.ToDoubleArray(nchw, out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { n, c, h, w }));
        for (int a = 0; a < n; a++) for (int e = 0; e < c; e++) for (int b = 0; b < h; b++) for (int d = 0; d < w; d++)
            Assert.That(moved[((a * c + e) * h + b) * w + d], Is.EqualTo(values[((a * h + b) * w + d) * c + e]), $"[{a}, {e}, {b}, {d}]");
        Assert.That(engine.ToDoubleArray(Layout.NchwToNhwc(nchw), out _), Is.EqualTo(values.Select(v => (double)v).ToArray()));
    }

    [Test]
    public void AnAxisOutsideTheTensorIsRefusedByName()
    {
        object x = engine.FromArray(new float[24], [2, 3, 4]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => engine.MoveAxis(x, 3, 0));
        Assert.That(e!.ParamName, Is.EqualTo("source"));
        Assert.That(e.Message, Does.Contain("[-3, 2]").And.Contain("Received: source=3"));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => engine.MoveAxis(x, 0, -4));
        Assert.That(e!.ParamName, Is.EqualTo("destination"));
    }

    [Test]
    public void ToEngineLayoutFollowsTheEnginesClassAxis()
    {
        float[,,,] host = Nhwc(1, 2, 3, 4);
        object mine = Layout.ToEngineLayout(engine, host);
        int rank = 4, axis = engine.ClassAxis < 0 ? engine.ClassAxis + rank : engine.ClassAxis;
        var array = (float[,,,])mine;
        Assert.That(array.GetLength(axis), Is.EqualTo(4), "the channel axis is where the engine wants it");
        Assert.That(Layout.FromEngineLayout(engine, mine), Is.EqualTo(host));
        // A tensor made by the engine from channels-last data agrees with the core's own FromChannelsLast.
        object tensor = Layout.ToEngineLayout(engine, engine.FromArray(Flat(host), [1, 2, 3, 4]));
        TensorAssert.AreClose(tensor, engine.FromChannelsLast(Flat(host), [1, 2, 3, 4]), 0, 0);
        TensorAssert.AreClose(Layout.FromEngineLayout(engine, tensor), host, 0, 0);
    }

    [Test]
    public void ToEngineFeedsEveryEngineInOneCall()
    {
        float[,,,] host = Nhwc(2, 2, 3, 3);
        object mine = Layout.ToEngine(host, engine);
        TensorAssert.AreClose(mine, engine.FromChannelsLast(Flat(host), [2, 2, 3, 3]), 0, 0);
        foreach (ITensorEngine target in TensorEngines.All)
        {
            object theirs = Layout.ToEngine(mine, target);
            Assert.That(target.Owns(theirs.GetType()), Is.True, target.Name);
            Assert.That(target.Describe(theirs).DType, Is.EqualTo(DType.Float32));
            TensorAssert.AreClose(Layout.FromEngineLayout(target, theirs), host, 0, 0, message: $"{engine.Name} → {target.Name}");
        }
        object labels = Layout.ToEngine(engine.FromArray(new[] { 1L, 2L, 3L }, [3]), engine);
        Assert.That(engine.Describe(labels).DType, Is.EqualTo(DType.Int64));
    }

    [Test]
    public void WrongRanksAreRefusedWithTheArgumentNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Layout.NhwcToNchw(engine.FromArray(new[] { 1f, 2f, 3f }, [1, 3, 1])))!;
        Assert.That(e.ParamName, Is.EqualTo("tensorOrArray"));
        Assert.That(e.Message, Does.Contain("rank 4").And.Contain("(1, 3, 1)"));
        Assert.Throws<ArgumentException>(() => Layout.NwcToNcw(new float[2, 2]));
        var unowned = Assert.Throws<ArgumentException>(() => Layout.ChannelsLastToFirst("text"))!;
        Assert.That(unowned.ParamName, Is.EqualTo("tensorOrArray"));
    }

    private static float[] Flat(float[,,,] x) => x.Cast<float>().ToArray();
}
