using CrossBackend.IO;
using CrossBackend.Cli;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// Issue 14, item 2: every layout converter against the NumPy results in Data/converters.npz (each of which the
/// generator proved right by running real PyTorch on it). Permutations are exact, so arrays must be equal.
/// </summary>
public sealed class KerasLayoutTests
{
    private static KerasArray<double> Case(string key)
    {
        NpyArray a = TestData.Npz("converters.npz", key);
        return new KerasArray<double>(TestData.Doubles(a), a.Shape);
    }

    private static void AssertEqual(KerasArray<double> actual, string expectedKey)
    {
        KerasArray<double> expected = Case(expectedKey);
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), $"{expectedKey}: shape");
        Assert.That(actual.Data, Is.EqualTo(expected.Data), $"{expectedKey}: values");
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void ActivationsMoveChannelsFirstAndBack(int rank)
    {
        AssertEqual(KerasLayout.ChannelsLastToFirst(Case($"act{rank}d_nhwc")), $"act{rank}d_nchw");
        AssertEqual(KerasLayout.ChannelsFirstToLast(Case($"act{rank}d_nchw")), $"act{rank}d_nhwc");
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void ConvKernelsGoToOutInKernelAndBack(int rank)
    {
        AssertEqual(KerasLayout.ConvKernelToTorch(Case($"conv{rank}d_keras")), $"conv{rank}d_torch");
        AssertEqual(KerasLayout.ConvKernelFromTorch(Case($"conv{rank}d_torch")), $"conv{rank}d_keras");
    }

    [Test]
    public void DepthwiseKernelBecomesAGroupedConvWeight() =>
        AssertEqual(KerasLayout.DepthwiseKernelToTorch(Case("depthwise_keras")), "depthwise_torch");

    [Test]
    public void ConvTransposeKernelSwapsInAndOutWithoutAFlip() =>
        AssertEqual(KerasLayout.ConvTransposeKernelToTorch(Case("conv_transpose_keras")), "conv_transpose_torch");

    [Test]
    public void DenseKernelIsTransposedBothWays()
    {
        AssertEqual(KerasLayout.DenseKernelToTorch(Case("dense_keras")), "dense_torch");
        AssertEqual(KerasLayout.DenseKernelFromTorch(Case("dense_torch")), "dense_keras");
    }

    [Test]
    public void DenseAfterFlattenRowsArePermutedFromHwcToChw()
    {
        long[] shape = TestData.Npz("converters.npz", "flatten_dense_shape").Data switch { long[] l => l, int[] i => i.Select(v => (long)v).ToArray(), _ => throw new InvalidDataException() };
        AssertEqual(KerasLayout.FlattenRowsToChannelsFirst(Case("flatten_dense_keras"), shape), "flatten_dense_rows");
        AssertEqual(KerasLayout.FlattenedDenseKernelToTorch(Case("flatten_dense_keras"), shape), "flatten_dense_torch");
    }

    [Test]
    public void DenseAfterFlattenOfASequenceIsPermutedFromStepsChannelsToChannelsSteps() =>
        AssertEqual(KerasLayout.FlattenRowsToChannelsFirst(Case("flatten1d_dense_keras"), [5, 3]), "flatten1d_dense_rows");

    [Test]
    public void FlattenPermutationRefusesAShapeThatDoesNotMatchTheKernel()
    {
        var e = Assert.Throws<ArgumentException>(() => KerasLayout.FlattenRowsToChannelsFirst(Case("flatten_dense_keras"), [3, 3, 4]));
        Assert.That(e!.ParamName, Is.EqualTo("shapeBeforeFlatten"));
        Assert.That(e.Message, Does.Contain("24 rows").And.Contain("(3, 3, 4)"));
    }

    [Test]
    public void BatchNormKeepsItsVectorsAndKerasEpsilon()
    {
        double[] gamma = Case("bn_gamma").Data, beta = Case("bn_beta").Data, mean = Case("bn_mean").Data, variance = Case("bn_var").Data;
        BatchNormParameters<double> p = KerasLayout.BatchNormToTorch([gamma, beta, mean, variance], epsilon: 1e-3);
        Assert.That(p.Weight, Is.EqualTo(gamma));
        Assert.That(p.Bias, Is.EqualTo(beta));
        Assert.That(p.RunningMean, Is.EqualTo(mean));
        Assert.That(p.RunningVar, Is.EqualTo(variance));
        Assert.That(p.Epsilon, Is.EqualTo(1e-3), "Keras's epsilon, not PyTorch's 1e-5");
        Assert.That(p.Momentum, Is.EqualTo(0.01).Within(1e-15), "PyTorch's momentum is 1 - Keras's 0.99");
    }

    [Test]
    public void BatchNormWithoutScaleOrCenterFillsOnesAndZeros()
    {
        double[] mean = Case("bn_mean").Data, variance = Case("bn_var").Data;
        BatchNormParameters<double> p = KerasLayout.BatchNormToTorch([mean, variance], epsilon: 0.01, center: false, scale: false);
        Assert.That(p.Weight, Is.All.EqualTo(1.0));
        Assert.That(p.Bias, Is.All.EqualTo(0.0));
        Assert.That(p.RunningMean, Is.EqualTo(mean));
        Assert.That(p.Epsilon, Is.EqualTo(0.01));
    }

    [Test]
    public void LstmMatricesAreTransposedAndTheBiasSplit()
    {
        RecurrentWeights<double> w = KerasLayout.LstmToTorch(Case("lstm_kernel"), Case("lstm_recurrent"), Case("lstm_bias"));
        AssertEqual(w.WeightIh, "lstm_w_ih");
        AssertEqual(w.WeightHh, "lstm_w_hh");
        Assert.That(w.BiasIh, Is.EqualTo(Case("lstm_b_ih").Data));
        Assert.That(w.BiasHh, Is.EqualTo(Case("lstm_b_hh").Data));
    }

    [Test]
    public void GruGatesAreReorderedAndTheTwoBiasesSeparated()
    {
        RecurrentWeights<double> w = KerasLayout.GruToTorch(Case("gru_kernel"), Case("gru_recurrent"), Case("gru_bias"));
        AssertEqual(w.WeightIh, "gru_w_ih");
        AssertEqual(w.WeightHh, "gru_w_hh");
        Assert.That(w.BiasIh, Is.EqualTo(Case("gru_b_ih").Data));
        Assert.That(w.BiasHh, Is.EqualTo(Case("gru_b_hh").Data));
    }

    [Test]
    public void GruWithResetBeforeIsRefusedWithTheReason()
    {
        var e = Assert.Throws<NotSupportedException>(() =>
            KerasLayout.GruToTorch(Case("gru_kernel"), Case("gru_recurrent"), Case("gru_v1_bias"), resetAfter: false));
        Assert.That(e!.Message, Does.Contain("reset_after=False").And.Contain("reset_after=True"));
    }

    [TestCase(10, 3, 2, 1, 0, 1, TestName = "n=10 k=3 s=2: one pad, at the end")]
    [TestCase(28, 3, 2, 1, 0, 1, TestName = "n=28 k=3 s=2: (0, 1)")]
    [TestCase(5, 2, 2, 1, 0, 1, TestName = "n=5 pool 2 s=2: (0, 1)")]
    [TestCase(7, 3, 1, 1, 1, 1, TestName = "n=7 k=3 s=1: symmetric (1, 1)")]
    [TestCase(6, 4, 1, 1, 1, 2, TestName = "n=6 k=4 s=1: the extra cell after")]
    [TestCase(35, 4, 2, 1, 1, 2, TestName = "n=35 k=4 s=2: (1, 2)")]
    [TestCase(9, 3, 1, 2, 2, 2, TestName = "n=9 k=3 dilation 2: (2, 2)")]
    public void SamePaddingPutsTheOddCellAtTheEnd(int n, int k, int s, int d, int before, int after) =>
        Assert.That(KerasLayout.SamePadding(n, k, s, d), Is.EqualTo((before, after)));

    [Test]
    public void WrongRanksAreRefusedNamingTheArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => KerasLayout.DenseKernelToTorch(Case("conv2d_keras")));
        Assert.That(e!.ParamName, Is.EqualTo("kernel"));
        Assert.That(e.Message, Does.Contain("rank 2").And.Contain("kernel.shape=(3, 2, 4, 5)"));
    }

    [Test]
    public void ADataLengthThatDoesNotMatchTheShapeIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => KerasLayout.DenseKernelToTorch(new KerasArray<float>(new float[5], [2, 3])));
        Assert.That(e!.Message, Does.Contain("6 elements").And.Contain("Received: 5"));
    }

    // ---- the same converters over every engine's tensors -------------------------------------------------------

    public static IEnumerable<TestCaseData> TensorCases() =>
        from engine in TensorEngines.All
        from c in new (string Name, string From, string To, Func<object, object> Convert)[]
        {
            ("channels last to first", "act2d_nhwc", "act2d_nchw", KerasLayout.ChannelsLastToFirst),
            ("channels first to last", "act3d_nchw", "act3d_nhwc", KerasLayout.ChannelsFirstToLast),
            ("conv1d kernel", "conv1d_keras", "conv1d_torch", KerasLayout.ConvKernelToTorch),
            ("conv3d kernel back", "conv3d_torch", "conv3d_keras", KerasLayout.ConvKernelFromTorch),
            ("depthwise kernel", "depthwise_keras", "depthwise_torch", KerasLayout.DepthwiseKernelToTorch),
            ("conv transpose kernel", "conv_transpose_keras", "conv_transpose_torch", KerasLayout.ConvTransposeKernelToTorch),
            ("dense kernel", "dense_keras", "dense_torch", KerasLayout.DenseKernelToTorch),
            ("flattened dense kernel", "flatten_dense_keras", "flatten_dense_torch", t => KerasLayout.FlattenedDenseKernelToTorch(t, [2, 3, 4])),
        }
        from dtype in new[] { DType.Float64, DType.Float32 }
        select new TestCaseData(engine, c.From, c.To, c.Convert, dtype).SetArgDisplayNames(engine.Name, c.Name, dtype.Name());

    [TestCaseSource(nameof(TensorCases))]
    public void TensorConvertersKeepEngineAndDType(ITensorEngine engine, string from, string to, Func<object, object> convert, DType dtype)
    {
        KerasArray<double> input = Case(from), expected = Case(to);
        Array data = dtype == DType.Float64 ? input.Data : input.Data.Select(v => (float)v).ToArray();
        object tensor = engine.FromArray(data, input.Shape);
        object result = convert(tensor);
        TensorInfo info = engine.Describe(result);
        Assert.That(TensorEngines.OwnerOf(result.GetType()), Is.SameAs(engine));
        Assert.That(info.DType, Is.EqualTo(dtype));
        Assert.That(info.Shape, Is.EqualTo(expected.Shape));
        double[] values = engine.ToDoubleArray(result, out _);
        double[] want = dtype == DType.Float64 ? expected.Data : expected.Data.Select(v => (double)(float)v).ToArray();
        Assert.That(values, Is.EqualTo(want));
        Assert.That(engine.ToDoubleArray(tensor, out _), Is.EqualTo(dtype == DType.Float64 ? input.Data : input.Data.Select(v => (double)(float)v).ToArray()), "the input is unchanged");
    }

    [TestCaseSource(typeof(TestData), nameof(TestData.EngineCases))]
    public void LstmConvertsOnTensors(ITensorEngine engine)
    {
        object T(string key) { KerasArray<double> a = Case(key); return engine.FromArray(a.Data, a.Shape); }
        (object ih, object hh, object bih, object bhh) = KerasLayout.LstmToTorch(T("lstm_kernel"), T("lstm_recurrent"), T("lstm_bias"));
        Assert.That(engine.ToDoubleArray(ih, out long[] shape), Is.EqualTo(Case("lstm_w_ih").Data));
        Assert.That(shape, Is.EqualTo(Case("lstm_w_ih").Shape));
        Assert.That(engine.ToDoubleArray(hh, out _), Is.EqualTo(Case("lstm_w_hh").Data));
        Assert.That(engine.ToDoubleArray(bih, out _), Is.EqualTo(Case("lstm_b_ih").Data));
        Assert.That(engine.ToDoubleArray(bhh, out _), Is.EqualTo(Case("lstm_b_hh").Data));
    }

    [TestCaseSource(typeof(TestData), nameof(TestData.EngineCases))]
    public void GruConvertsOnTensors(ITensorEngine engine)
    {
        object T(string key) { KerasArray<double> a = Case(key); return engine.FromArray(a.Data, a.Shape); }
        (object ih, object hh, object bih, object bhh) = KerasLayout.GruToTorch(T("gru_kernel"), T("gru_recurrent"), T("gru_bias"));
        Assert.That(engine.ToDoubleArray(ih, out _), Is.EqualTo(Case("gru_w_ih").Data));
        Assert.That(engine.ToDoubleArray(hh, out _), Is.EqualTo(Case("gru_w_hh").Data));
        Assert.That(engine.ToDoubleArray(bih, out _), Is.EqualTo(Case("gru_b_ih").Data));
        Assert.That(engine.ToDoubleArray(bhh, out _), Is.EqualTo(Case("gru_b_hh").Data));
    }

    [Test]
    public void ANonTensorIsRefusedNamingTheArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => KerasLayout.ConvKernelToTorch((object)"not a tensor"));
        Assert.That(e!.ParamName, Is.EqualTo("kernel"));
        Assert.That(e.Message, Does.Contain("String"));
    }
}
