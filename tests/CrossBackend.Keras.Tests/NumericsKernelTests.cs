using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// The channels-last engine's layer kernels on their own, for what the model goldens do not reach: grouped
/// convolution (checked against the same convolution split into independent groups), Dense on rank-3 data, and the
/// argument checks. Whole-model numerics are checked against float64 goldens in <see cref="ModelParityTests"/>.
/// </summary>
public sealed class NumericsKernelTests
{
    private static Tensor<double> Random(int seed, params nint[] lengths)
    {
        var random = new Random(seed);
        int count = (int)lengths.Aggregate((nint)1, (a, b) => a * b);
        return Tensor.Create(Enumerable.Range(0, count).Select(_ => random.NextDouble() - 0.5).ToArray(), lengths);
    }

    private static double[] Values<T>(Tensor<T> t)
    {
        var data = new T[t.FlattenedLength];
        t.FlattenTo(data);
        return data.Select(v => Convert.ToDouble(v)).ToArray();
    }

    /// <summary>Channels [from, from + count) of the last axis.</summary>
    private static Tensor<double> Channels(Tensor<double> t, int from, int count)
    {
        double[] v = Values(t);
        int c = (int)t.Lengths[^1], rows = v.Length / c;
        var result = new double[rows * count];
        for (int r = 0; r < rows; r++) Array.Copy(v, r * c + from, result, r * count, count);
        nint[] lengths = t.Lengths.ToArray();
        lengths[^1] = count;
        return Tensor.Create(result, lengths);
    }

    [Test]
    public void GroupedConvolutionEqualsItsGroupsRunApart()
    {
        // groups = 2: 6 input channels, 3 per group (the kernel's in axis), 4 filters, 2 per group.
        Tensor<double> x = Random(1, 2, 9, 8, 6), kernel = Random(2, 3, 3, 3, 4), bias = Random(3, 4);
        Padding2D padding = Padding2D.Same(9, 8, (3, 3), (2, 2));
        Tensor<double> grouped = Conv2DKernel.Conv2D(x, kernel, bias, (2, 2), padding, groups: 2);
        double[] expected = new double[grouped.FlattenedLength];
        for (int g = 0; g < 2; g++)
        {
            Tensor<double> groupBias = Tensor.Create(Values(bias).Skip(2 * g).Take(2).ToArray(), [2]);
            Tensor<double> part = Conv2DKernel.Conv2D(Channels(x, 3 * g, 3), Channels(kernel, 2 * g, 2), groupBias, (2, 2), padding);
            double[] p = Values(part);
            for (int r = 0; r < p.Length / 2; r++) { expected[r * 4 + 2 * g] = p[r * 2]; expected[r * 4 + 2 * g + 1] = p[r * 2 + 1]; }
        }
        Assert.That(grouped.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 5, 4, 4 }));
        Assert.That(Values(grouped), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void DenseAppliesToTheLastAxisOfAnyRank()
    {
        Tensor<double> x = Random(4, 2, 3, 5), w = Random(5, 5, 4), b = Random(6, 4);
        double[] y = Values(MatMulKernel.Dense(x, w, b)), xv = Values(x), wv = Values(w), bv = Values(b);
        for (int r = 0; r < 6; r++)
            for (int j = 0; j < 4; j++)
                Assert.That(y[r * 4 + j], Is.EqualTo(bv[j] + Enumerable.Range(0, 5).Sum(k => xv[r * 5 + k] * wv[k * 4 + j])).Within(1e-12));
    }

    [Test]
    public void EngineSamePaddingAgreesWithTheConverters()
    {
        for (int n = 1; n <= 20; n++)
            for (int k = 1; k <= 5; k++)
                for (int s = 1; s <= 3; s++)
                    for (int d = 1; d <= 2; d++)
                        Assert.That(Padding2D.SameAxis(n, k, s, d), Is.EqualTo(KerasLayout.SamePadding(n, k, s, d)), $"n={n} k={k} s={s} d={d}");
    }

    [Test]
    public void AKernelOfTheWrongShapeIsRefusedWithTheExpectedShape()
    {
        var e = Assert.Throws<ArgumentException>(() => Conv2DKernel.Conv2D(Random(1, 1, 5, 5, 3), Random(2, 3, 3, 2, 4), null, (1, 1), Padding2D.None));
        Assert.That(e!.ParamName, Is.EqualTo("kernel"));
        Assert.That(e.Message, Does.Contain("(kh, kw, 3, F)").And.Contain("kernel.shape=(3, 3, 2, 4)"));
    }

    [Test]
    public void AnEmbeddingIndexOutOfRangeNamesItsPosition()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ShapeKernels.Embedding(Tensor.Create(new long[] { 1, 7, 20 }, [3]), Random(1, 20, 4)));
        Assert.That(e!.Message, Does.Contain("holds 20 at flat position 2").And.Contain("[0, 20)"));
    }

    [Test]
    public void AveragePoolingDividesByTheRealCellsOnly()
    {
        // A 3x3 image of ones, pool 2 stride 2 "same": pads (0, 1) on both axes. Every window averages real ones only.
        Tensor<double> ones = Tensor.Create(Enumerable.Repeat(1.0, 9).ToArray(), [1, 3, 3, 1]);
        Tensor<double> pooled = Pool2DKernel.AvgPool2D(ones, (2, 2), (2, 2), Padding2D.Same(3, 3, (2, 2), (2, 2)));
        Assert.That(Values(pooled), Is.All.EqualTo(1.0));
    }

    /// <summary>A 3×3 window at stride 2 over 2×2 cells has no output (PyTorch 1.13 raises for the same call); C#'s
    /// truncating division made it (2 − 3) / 2 + 1 = 1, reading the missing cells as zeros.</summary>
    [Test]
    public void KernelsRefuseAnInputSmallerThanTheWindowAtAStrideAboveOne()
    {
        Tensor<double> image = Random(1, 1, 2, 2, 1);
        var conv = Assert.Throws<ArgumentException>(() => Conv2DKernel.Conv2D(image, Random(2, 3, 3, 1, 1), null, (2, 2), Padding2D.None))!;
        Assert.That(conv.Message, Does.Contain("at least 3x3 cells"));
        var max = Assert.Throws<ArgumentException>(() => Pool2DKernel.MaxPool2D(image, (3, 3), (2, 2), Padding2D.None))!;
        Assert.That(max.Message, Does.Contain("at least 3x3 cells"));
        Assert.Throws<ArgumentException>(() => Pool2DKernel.AvgPool2D(image, (3, 3), (2, 2), Padding2D.None));
        var conv1 = Assert.Throws<ArgumentException>(() => Conv2DKernel.Conv1D(Random(3, 1, 2, 1), Random(4, 2, 1, 1), null, 2, 0, 0, dilation: 2))!;
        Assert.That(conv1.Message, Does.Contain("at least 1x3 cells"));
    }
}
