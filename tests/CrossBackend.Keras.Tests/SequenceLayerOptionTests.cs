namespace CrossBackend.Keras.Tests;

/// <summary>
/// How the 1-D pooling, padding, cropping, up-sampling, Permute and RepeatVector configs are read (every form Keras 2 and
/// 3 save: ints, pairs, pairs of pairs, <c>strides</c> None), and what is refused, naming the layer: channels_first data,
/// an UpSampling2D interpolation other than "nearest", a crop that leaves no cell, a window larger than the input, dims
/// that are not a permutation, and inputs of the wrong rank.
/// </summary>
public sealed class SequenceLayerOptionTests
{
    private static KerasGraph Functional(long?[] input, string layer) => KerasGraph.FromJson($$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, {{{string.Join(", ", input.Select(v => v?.ToString() ?? "null"))}}}]}, "inbound_nodes": []},
          {{{layer}}}],
          "input_layers": [["in", 0, 0]], "output_layers": [["l", 0, 0]]}}
        """);

    private static string Layer(string className, string config) =>
        $$"""{"class_name": "{{className}}", "name": "l", "config": {"name": "l"{{config}}}, "inbound_nodes": [[["in", 0, 0, {}]]]}""";

    private static KerasLayer Built(long?[] input, string className, string config) => Functional(input, Layer(className, config))["l"];

    [TestCase(""", "pool_size": [3], "strides": null""", 3, 3, 2, TestName = "strides None: the pool size")]
    [TestCase(""", "pool_size": 3""", 3, 3, 2, TestName = "no strides, pool_size an int")]
    [TestCase(", \"pool_size\": [2], \"strides\": [1], \"padding\": \"same\"", 2, 1, 7, TestName = "same, stride 1")]
    [TestCase("", 2, 2, 3, TestName = "Keras's defaults: pool 2, strides 2, valid")]
    public void Pooling1DReadsItsWindowAndStrides(string config, int pool, int stride, long steps)
    {
        KerasLayer l = Built([7, 3], "MaxPooling1D", config);
        var spec = (PoolingSpec)l.Spec;
        Assert.That((spec.Rank, spec.Kind, spec.PoolSize, spec.Strides), Is.EqualTo((1, KerasPoolingKind.Max, new[] { pool }, new[] { stride })));
        Assert.That(l.OutputShape, Is.EqualTo(new[] { steps, 3L }));
    }

    [TestCase("GlobalAveragePooling1D", false, new long[] { 3 })]
    [TestCase("GlobalMaxPooling1D", true, new long[] { 1, 3 })]
    public void GlobalPooling1DKeepsTheStepsAxisOnlyWithKeepDims(string className, bool keepDims, long[] shape)
    {
        KerasLayer l = Built([null, 3], className, $$""", "keepdims": {{(keepDims ? "true" : "false")}}""");
        Assert.That(l.Spec, Is.EqualTo(new GlobalPoolingSpec(1, className.Contains("Max") ? KerasPoolingKind.Max : KerasPoolingKind.Average, keepDims)));
        Assert.That(l.OutputShape, Is.EqualTo(shape));
    }

    [TestCase("ZeroPadding1D", "", new[] { 1 }, new[] { 1 }, TestName = "ZeroPadding1D default 1")]
    [TestCase("ZeroPadding1D", """, "padding": 2""", new[] { 2 }, new[] { 2 }, TestName = "ZeroPadding1D int")]
    [TestCase("ZeroPadding1D", """, "padding": [1, 3]""", new[] { 1 }, new[] { 3 }, TestName = "ZeroPadding1D (left, right)")]
    [TestCase("Cropping1D", "", new[] { 1 }, new[] { 1 }, TestName = "Cropping1D default (1, 1)")]
    [TestCase("Cropping1D", """, "cropping": [0, 2]""", new[] { 0 }, new[] { 2 }, TestName = "Cropping1D (start, end)")]
    [TestCase("ZeroPadding2D", """, "padding": [[1, 0], [2, 3]]""", new[] { 1, 2 }, new[] { 0, 3 }, TestName = "ZeroPadding2D pairs")]
    [TestCase("Cropping2D", "", new[] { 0, 0 }, new[] { 0, 0 }, TestName = "Cropping2D default none")]
    [TestCase("Cropping2D", """, "cropping": 1""", new[] { 1, 1 }, new[] { 1, 1 }, TestName = "Cropping2D int")]
    [TestCase("Cropping2D", """, "cropping": [1, 2]""", new[] { 1, 2 }, new[] { 1, 2 }, TestName = "Cropping2D (rows, columns)")]
    [TestCase("Cropping2D", """, "cropping": [[1, 0], [2, 1]]""", new[] { 1, 2 }, new[] { 0, 1 }, TestName = "Cropping2D ((top, bottom), (left, right))")]
    [TestCase("Cropping2D", """, "cropping": [1, [0, 2]]""", new[] { 1, 0 }, new[] { 1, 2 }, TestName = "Cropping2D mixed, as standardize_tuple reads each entry")]
    public void PaddingAndCroppingReadEveryFormKerasSaves(string className, string config, int[] before, int[] after)
    {
        long?[] input = className.EndsWith("1D", StringComparison.Ordinal) ? [7, 3] : [6, 8, 3];
        KerasLayer l = Built(input, className, config);
        (int[] b, int[] a) = l.Spec switch { ZeroPaddingSpec z => (z.Before, z.After), CroppingSpec c => (c.Before, c.After), _ => throw new AssertionException(l.Spec.ToString()) };
        Assert.That((b, a), Is.EqualTo((before, after)));
        int sign = className.StartsWith("Zero", StringComparison.Ordinal) ? 1 : -1;
        Assert.That(l.OutputShape[..^1], Is.EqualTo(input[..^1].Select((n, d) => n!.Value + sign * (before[d] + after[d]))));
    }

    [Test]
    public void UpSamplingPermuteAndRepeatVectorShapes()
    {
        KerasGraph g = KerasArchitecture.Sequential([-1, 3]).UpSampling1D(3, name: "up").Permute([2, 1], name: "swap").Build();
        Assert.That(g["up"].OutputShape, Is.EqualTo(new long[] { -1, 3 }), "an unknown length stays unknown");
        Assert.That(g["swap"].OutputShape, Is.EqualTo(new long[] { 3, -1 }));
        KerasGraph image = KerasArchitecture.Sequential([4, 5, 2]).UpSampling2D(2, 3, name: "up").Permute([3, 1, 2], name: "p").Flatten().RepeatVector(4, name: "rep").Build();
        Assert.That(image["up"].OutputShape, Is.EqualTo(new long[] { 8, 15, 2 }));
        Assert.That(image["p"].OutputShape, Is.EqualTo(new long[] { 2, 8, 15 }));
        Assert.That(image["rep"].OutputShape, Is.EqualTo(new long[] { 4, 240 }));
        Assert.That(((UpSamplingSpec)image["up"].Spec).Size, Is.EqualTo(new[] { 2, 3 }));
    }

    /// <summary>UpSampling1D saves an int (Keras 2 and 3); UpSampling2D an int or a pair.</summary>
    [TestCase("UpSampling1D", """, "size": 2""", new[] { 2 })]
    [TestCase("UpSampling2D", ", \"size\": 3, \"interpolation\": \"nearest\"", new[] { 3, 3 })]
    [TestCase("UpSampling2D", "", new[] { 2, 2 })]
    public void UpSamplingReadsItsSize(string className, string config, int[] size)
    {
        long?[] input = className == "UpSampling1D" ? [7, 3] : [4, 5, 3];
        Assert.That(((UpSamplingSpec)Built(input, className, config).Spec).Size, Is.EqualTo(size));
    }

    [TestCase("bicubic")]
    [TestCase("lanczos3")]
    [TestCase("lanczos5")]
    [TestCase("area")]
    public void AnUpSampling2DInterpolationOtherThanNearestOrBilinearIsRefusedByName(string interpolation)
    {
        var e = Assert.Throws<NotSupportedException>(() => Built([4, 5, 3], "UpSampling2D", $", \"size\": [2, 2], \"interpolation\": \"{interpolation}\""));
        Assert.That(e!.Message, Does.StartWith($"layer `l` (UpSampling2D) uses interpolation=\"{interpolation}\"; only \"nearest\" (each cell repeated) and \"bilinear\"").And.Contain("Save the model with one of them"));
    }

    [TestCase("MaxPooling1D")]
    [TestCase("AveragePooling1D")]
    [TestCase("GlobalAveragePooling1D")]
    [TestCase("GlobalMaxPooling1D")]
    [TestCase("Cropping2D")]
    [TestCase("UpSampling2D")]
    public void ChannelsFirstIsRefusedNamingTheLayer(string className)
    {
        long?[] input = className.EndsWith("1D", StringComparison.Ordinal) ? [7, 3] : [4, 5, 3];
        var e = Assert.Throws<NotSupportedException>(() => Built(input, className, ", \"data_format\": \"channels_first\""));
        Assert.That(e!.Message, Is.EqualTo($"layer `l` ({className}) uses data_format=\"channels_first\"; only Keras's default channels_last models are supported"));
    }

    [Test]
    public void ACropThatLeavesNoCellIsRefusedNamingTheLayer()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasArchitecture.Sequential([7, 3]).Cropping1D(3, 4, name: "crop").Build());
        Assert.That(e!.Message, Does.StartWith("layer `crop` (Cropping1D): cropping (3, 4) on spatial axis 1 leaves no cell of 7"));
        e = Assert.Throws<InvalidDataException>(() => KerasArchitecture.Sequential([4, 5, 3]).Cropping2D(0, 0, 2, 3, name: "crop").Build());
        Assert.That(e!.Message, Does.StartWith("layer `crop` (Cropping2D): cropping (2, 3) on spatial axis 2 leaves no cell of 5"));
    }

    [Test]
    public void APool1DWindowLargerThanTheInputIsRefusedNamingTheLayer()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasArchitecture.Sequential([3, 2]).MaxPooling1D(4, name: "pool").Build());
        Assert.That(e!.Message, Does.StartWith("layer `pool` (MaxPooling1D): an input of 3 (steps) is smaller than its window: pool 4"));
    }

    [TestCase("MaxPooling1D", """, "pool_size": [2]""", "(steps, channels)")]
    [TestCase("GlobalAveragePooling1D", "", "(steps, channels)")]
    [TestCase("ZeroPadding1D", "", "(steps, channels)")]
    [TestCase("UpSampling1D", "", "(steps, channels)")]
    [TestCase("Cropping1D", "", "(steps, channels)")]
    [TestCase("RepeatVector", """, "n": 2""", "(features)")]
    public void A1DLayerOnImagesIsRefusedNamingTheLayer(string className, string config, string needs)
    {
        var e = Assert.Throws<InvalidDataException>(() => Built([4, 5, 3], className, config));
        Assert.That(e!.Message, Does.StartWith($"layer `l` ({className}) needs an input of {needs}").And.EndWith("it receives (batch, 4, 5, 3)"));
    }

    [TestCase("[1, 1]", TestName = "an axis twice")]
    [TestCase("[0, 1]", TestName = "the batch axis")]
    [TestCase("[2, 3]", TestName = "out of range")]
    public void PermuteDimsThatAreNotAPermutationAreRefused(string dims)
    {
        var e = Assert.Throws<InvalidDataException>(() => Built([7, 3], "Permute", $$""", "dims": {{dims}}"""));
        Assert.That(e!.Message, Does.StartWith("layer `l` (Permute): dims").And.Contain("must be a permutation of 1 to 2 (1-based axes, the batch axis excluded)"));
    }

    [Test]
    public void PermuteDimsOfAnotherRankAreRefused()
    {
        var e = Assert.Throws<InvalidDataException>(() => Built([4, 5, 3], "Permute", """, "dims": [2, 1]"""));
        Assert.That(e!.Message, Does.StartWith("layer `l` (Permute) needs an input of 2 non-batch axes"));
    }

    [TestCase("ZeroPadding1D", """, "padding": [-1, 2]""")]
    [TestCase("Cropping1D", """, "cropping": [1, 2, 3]""")]
    [TestCase("Cropping2D", """, "cropping": [[1, 2], [3]]""")]
    public void BadPaddingOrCroppingIsRefusedNamingTheLayer(string className, string config)
    {
        long?[] input = className.EndsWith("1D", StringComparison.Ordinal) ? [7, 3] : [6, 8, 3];
        var e = Assert.Throws<InvalidDataException>(() => Built(input, className, config));
        Assert.That(e!.Message, Does.StartWith("layer `l`: ").And.Contain("of non-negative ints"));
    }

    /// <summary>`inspect` says which channels-first dimensions a Keras Permute becomes.</summary>
    [Test]
    public void InspectNamesTheChannelsFirstPermute()
    {
        KerasGraph g = KerasArchitecture.Sequential([4, 5, 2]).Permute([3, 1, 2], name: "p").Build();
        // Keras (H, W, C) -> (C, H, W) is (N, C, H, W) -> (N, W, C, H) channels-first.
        Assert.That(CrossBackend.Keras.Torch.KerasTorchConversion.Describe(g)["p"], Is.EqualTo("Keras's Permute (3, 1, 2) as permute(0, 3, 1, 2) of the channels-first tensor"));
    }
}
