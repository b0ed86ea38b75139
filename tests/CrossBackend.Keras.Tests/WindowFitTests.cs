namespace CrossBackend.Keras.Tests;

/// <summary>
/// A convolution or pooling window larger than its input with "valid" padding has no output: Keras's length is
/// floor((n − k_eff) / s) + 1 = 0 for n &lt; k_eff, TensorFlow raises, and PyTorch 1.13 raises too
/// (<c>torch.nn.functional.conv2d(torch.ones(1,1,2,2), torch.ones(1,1,3,3), stride=2)</c>: "Kernel size can't be
/// greater than actual input size"; <c>max_pool2d(torch.ones(1,1,2,2), 3, 2)</c>: "Output size is too small"). C#'s
/// truncating division gave (2 − 3) / 2 + 1 = 1 and the numerics engine printed a number. Every engine now refuses
/// before computing, with one message naming the layer; the first size that fits (k_eff) still runs.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class WindowFitTests(ITensorEngine engine)
{
    /// <summary>The message for a 3×3 stride-2 "valid" Conv2D on a 2×2 input, word for word on every engine.</summary>
    private const string Conv2DMessage = "layer `conv2d` (Conv2D): an input of 2x2 (height x width) is smaller than its window: kernel 3x3, " +
        "strides 2x2, padding \"valid\" needs at least 3x3 and would give 0x0 outputs. Feed an input of at least 3x3 (height x width), or use padding=\"same\".";

    /// <summary>Input (None, None, 1) → Conv2D(1, 3, strides 2, "valid", no bias, kernel of ones) → GlobalMaxPooling2D:
    /// on a 3×3 input of ones the one output cell is the sum of the nine cells, 9.</summary>
    private IKerasNetwork OnesConv()
    {
        KerasGraph graph = KerasArchitecture.Sequential([-1, -1, 1]).Conv2D(1, 3, strides: 2, useBias: false).GlobalMaxPooling2D().Build();
        var kernel = new KerasWeight("conv2d/kernel:0", [3, 3, 1, 1], Enumerable.Repeat(1f, 9).ToArray());
        KerasModel model = KerasModel.FromWeights(graph, [new KerasWeightGroup("conv2d", [kernel])], keras3Layout: false);
        return KerasRuntimes.Build(model, engine);
    }

    [Test]
    public void AConvolutionRefusesAnInputSmallerThanItsKernelAtPredictTime()
    {
        using IKerasNetwork network = OnesConv();
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[4], [1, 2, 2, 1]))!;
        Assert.That(e.Message, Does.StartWith(Conv2DMessage), "the same words on every engine, before libtorch runs");
        Assert.That(e.ParamName, Is.EqualTo("input"));
    }

    [Test]
    public void AConvolutionRunsOnTheSmallestInputThatFits()
    {
        using IKerasNetwork network = OnesConv();
        KerasPrediction p = network.Predict(Enumerable.Repeat(1f, 9).ToArray(), [1, 3, 3, 1]);
        Assert.That(p.Values, Is.EqualTo(new double[] { 9 }));
    }

    [TestCase("MaxPooling2D")]
    [TestCase("AveragePooling2D")]
    public void PoolingRefusesAnInputSmallerThanItsWindowAtPredictTime(string kind)
    {
        KerasArchitecture a = KerasArchitecture.Sequential([-1, -1, 1]);
        KerasGraph graph = (kind == "MaxPooling2D" ? a.MaxPooling2D(3, 2) : a.AveragePooling2D(3, 2)).GlobalMaxPooling2D().Build();
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(graph, [], keras3Layout: false), engine);
        string layer = kind == "MaxPooling2D" ? "max_pooling2d" : "average_pooling2d";
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[6], [1, 2, 3, 1]))!;
        Assert.That(e.Message, Does.StartWith($"layer `{layer}` ({kind}): an input of 2x3 (height x width) is smaller than its window: pool 3x3, " +
            "strides 2x2, padding \"valid\" needs at least 3x3 and would give 0x1 outputs."));
        // 3×3 fits: one window over every cell (max 8, mean 4 of 0 … 8).
        KerasPrediction p = network.Predict(Enumerable.Range(0, 9).Select(v => (float)v).ToArray(), [1, 3, 3, 1]);
        Assert.That(p.Values, Is.EqualTo(new double[] { kind == "MaxPooling2D" ? 8 : 4 }));
    }

    [Test]
    public void ADilatedConv1DRefusesAnInputShorterThanItsDilatedKernel()
    {
        // Kernel 2 with dilation 2 spans 3 steps. (Stride 1: Keras refuses strides > 1 with dilation_rate > 1.)
        KerasGraph graph = KerasArchitecture.Sequential([-1, 1]).Conv1D(1, 2, strides: 1, useBias: false, dilation: 2).Build();
        var kernel = new KerasWeight("conv1d/kernel:0", [2, 1, 1], new float[] { 1, 1 });
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(graph, [new KerasWeightGroup("conv1d", [kernel])], keras3Layout: false), engine);
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[2], [1, 2, 1]))!;
        Assert.That(e.Message, Does.StartWith("layer `conv1d` (Conv1D): an input of 2 (steps) is smaller than its window: kernel 2 with dilation 2, " +
            "strides 1, padding \"valid\" needs at least 3 and would give 0 outputs."));
        Assert.That(network.Predict(new float[] { 1, 5, 7 }, [1, 3, 1]).Values, Is.EqualTo(new double[] { 8 }), "steps 0 and 2");
    }
}

/// <summary>The same refusal for a static input shape, when the architecture is built (no engine involved).</summary>
public sealed class StaticWindowFitTests
{
    [Test]
    public void AStaticInputSmallerThanTheKernelIsRefusedWhenTheArchitectureIsBuilt()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasArchitecture.Sequential([2, 2, 1]).Conv2D(1, 3, strides: 2).Build())!;
        Assert.That(e.Message, Does.StartWith("layer `conv2d` (Conv2D): an input of 2x2 (height x width) is smaller than its window: kernel 3x3"));
    }

    [Test]
    public void AStaticInputSmallerThanThePoolIsRefusedEvenWithAnUnknownOtherAxis()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasArchitecture.Sequential([-1, 2, 1]).MaxPooling2D(3, 2).Build())!;
        Assert.That(e.Message, Does.StartWith("layer `max_pooling2d` (MaxPooling2D): an input of None x 2 (height x width) is smaller than its window: pool 3x3, " +
            "strides 2x2, padding \"valid\" needs at least 3x3 and would give None x 0 outputs."));
    }

    [TestCase(3, 1L, TestName = "3 cells, kernel 3, stride 2: one output")]
    [TestCase(4, 1L, TestName = "4 cells: still one")]
    [TestCase(5, 2L, TestName = "5 cells: two")]
    public void InputsThatFitGiveKerassFloorLength(int n, long expected)
    {
        KerasGraph graph = KerasArchitecture.Sequential([n, n, 1]).Conv2D(1, 3, strides: 2).Build();
        Assert.That(graph["conv2d"].OutputShape, Is.EqualTo(new[] { expected, expected, 1L }));
    }
}
