using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// The channels-last engine's layer kernels on their own, for what the model goldens do not reach: grouped
/// convolution (checked against the same convolution split into independent groups), Dense on rank-3 data, the
/// reordering kernels (Permute, Repeat, Crop) against their index definitions, and the argument checks. Whole-model numerics are checked against float64 goldens in <see cref="ModelParityTests"/>.
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

    /// <summary>The reordering kernels against their index definitions: Permute's output[i₀, i₁, i₂, i₃] is the input at
    /// the index whose axis axes[d] is i_d; Repeat keeps each cell's copies together (a, a, b, b); Crop reads
    /// input[n, y + top, x + left, c].</summary>
    [TestCase(new[] { 0, 3, 1, 2 })]
    [TestCase(new[] { 0, 2, 3, 1 })]
    [TestCase(new[] { 3, 0, 2, 1 })]
    public void PermuteMovesEveryCellToItsPermutedIndex(int[] axes)
    {
        Tensor<double> x = Random(5, 2, 3, 4, 5);
        Tensor<double> y = ShapeKernels.Permute(x, axes);
        Assert.That(y.Lengths.ToArray(), Is.EqualTo(axes.Select(a => x.Lengths[a])));
        var index = new nint[4];
        for (nint i0 = 0; i0 < y.Lengths[0]; i0++)
            for (nint i1 = 0; i1 < y.Lengths[1]; i1++)
                for (nint i2 = 0; i2 < y.Lengths[2]; i2++)
                    for (nint i3 = 0; i3 < y.Lengths[3]; i3++)
                    {
                        nint[] at = [i0, i1, i2, i3];
                        for (int d = 0; d < 4; d++) index[axes[d]] = at[d];
                        Assert.That(y[at], Is.EqualTo(x[index]));
                    }
    }

    [Test]
    public void RepeatKeepsEachCellsCopiesTogether()
    {
        Tensor<double> x = Tensor.Create(new double[] { 1, 2, 3, 4, 5, 6 }, [1, 3, 2]);
        Tensor<double> y = ShapeKernels.Repeat(x, 1, 2);
        Assert.That(y.Lengths.ToArray(), Is.EqualTo(new nint[] { 1, 6, 2 }));
        Assert.That(Values(y), Is.EqualTo(new double[] { 1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6 }));
        Assert.That(Values(ShapeKernels.Repeat(x, 2, 3)), Is.EqualTo(new double[] { 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6 }));
    }

    [Test]
    public void CropReadsTheShiftedCells()
    {
        Tensor<double> x = Random(6, 2, 5, 7, 3);
        Tensor<double> y = ShapeKernels.Crop(x, [1, 2], [0, 1]);
        Assert.That(y.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 4, 4, 3 }));
        for (nint n = 0; n < 2; n++)
            for (nint r = 0; r < 4; r++)
                for (nint col = 0; col < 4; col++)
                    for (nint c = 0; c < 3; c++)
                        Assert.That(y[n, r, col, c], Is.EqualTo(x[n, r + 1, col + 2, c]));
    }

    [Test]
    public void TheReorderingKernelsRefuseBadArguments()
    {
        Assert.Throws<ArgumentException>(() => ShapeKernels.Permute(Random(1, 2, 3), [0, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShapeKernels.Crop(Random(1, 1, 4, 2), [3], [2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShapeKernels.Repeat(Random(1, 1, 4, 2), 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShapeKernels.Repeat(Random(1, 1, 4, 2), 1, 0));
    }
}
