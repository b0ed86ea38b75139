using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>The loss family on every engine: published values, every option against the reference, dtypes.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class LossFamilyTests(string engineName)
{
    private EngineHarness _h = null!;

    [OneTimeSetUp]
    public void FindEngine() => _h = new EngineHarness(TensorEngines.Named(engineName));

    private object Pred(double[] v, long[] shape, DType dtype = DType.Float32) => Narrow(_h.Tensor(v, shape, Wide(dtype)), dtype);
    private object Plain(double[] v, long[] shape, DType dtype = DType.Int64) =>
        _h.Engine.Cast(_h.Engine.FromArray(v.Select(x => (float)x).ToArray(), shape), dtype);
    private static DType Wide(DType d) => d is DType.Float16 or DType.BFloat16 ? DType.Float32 : d;
    private object Narrow(object t, DType d) => d is DType.Float16 or DType.BFloat16 ? _h.Engine.Cast(t, d) : t;

    // ---- Published values (FastEstimator tests; PyTorch/Keras documentation examples) ----

    [Test]
    public void SparseFastEstimatorValues()
    {
        object pred = Pred(Cases.FePred, [3, 3]);
        object labels = Plain([0, 1, 0], [3]);
        Assert.That(_h.Values(Losses.SparseCategoricalCrossentropy(pred, labels)), Is.EqualTo(new[] { 2.5336342 }).Within(1e-6));
        Assert.That(_h.Values(Losses.SparseCategoricalCrossentropy(pred, labels, averageLoss: false)),
            Is.EqualTo(new[] { 2.3025851, 2.9957323, 2.3025851 }).Within(1e-6));
    }

    [Test]
    public void SparseAcceptsATrailingOneAndFloatLabels()
    {
        object pred = Pred(Cases.FePred, [3, 3]);
        object labels = _h.Engine.Cast(_h.Tensor([0, 1, 0], [3, 1], DType.Float32), DType.Float32);
        Assert.That(_h.Values(Losses.SparseCategoricalCrossentropy(pred, labels)), Is.EqualTo(new[] { 2.5336342 }).Within(1e-6));
    }

    [Test]
    public void BinaryFastEstimatorValue() =>
        // FastEstimator's 0.19763474 comes from TF/Keras 2, which adds ε inside the log (−log(p + 1e-7)); Keras 3's
        // plain log gives 0.19763491. The two differ by 8e-7 relative: within the documented float32 tolerance.
        Tolerance.AssertClose(_h.Values(Losses.BinaryCrossentropy(Pred([0.9, 0.3, 0.8, 0.1], [4, 1]), Pred([1, 0, 1, 0], [4, 1]))),
            [0.19763474], DType.Float32, "FastEstimator binary mean");

    [Test]
    public void BinaryClipInFloat32GivesKeras3Value() =>
        // Keras 3: 3.98560 (Keras 2: 3.83331, PyTorch: 25.0), because 1 − 1e-7 is 0.99999988 in float32.
        Assert.That(_h.Values(Losses.BinaryCrossentropy(Pred([1, 1, 1, 0], [2, 2]), Pred([1, 0, 1, 0], [2, 2]))),
            Is.EqualTo(new[] { 3.98560 }).Within(1e-5));

    [Test]
    public void ReductionDenominatorsFromTheDocs()
    {
        // logits [[8,1,1],[0,9,1],[2,3,5]], labels [0,1,2], weights [1,2,3]: 0.1707592 and 0.0853796.
        object logits = Pred([8, 1, 1, 0, 9, 1, 2, 3, 5], [3, 3]);
        object labels = Plain([0, 1, 2], [3]);
        var weights = new Dictionary<int, double> { [0] = 1, [1] = 2, [2] = 3 };
        Assert.That(_h.Values(Losses.SparseCategoricalCrossentropy(logits, labels, fromLogits: true, classWeights: weights,
            reduction: Reduction.SumOverBatchSize)), Is.EqualTo(new[] { 0.1707592 }).Within(1e-7));
        Assert.That(_h.Values(Losses.SparseCategoricalCrossentropy(logits, labels, fromLogits: true, classWeights: weights,
            reduction: Reduction.WeightedMean)), Is.EqualTo(new[] { 0.0853796 }).Within(1e-7));
        object sample = Plain([1, 2, 3], [3], DType.Float32);
        Assert.That(_h.Values(Losses.SparseCategoricalCrossentropy(logits, labels, fromLogits: true, sampleWeights: sample,
            reduction: Reduction.WeightedMean)), Is.EqualTo(new[] { 0.0853796 }).Within(1e-7));
    }

    [Test]
    public void KerasReductionNamesIncludingItsAliases()
    {
        // Keras 3's standardize_reduction: "mean" is sum_over_batch_size, "mean_with_sample_weight" divides by Σ w.
        object logits = Pred([8, 1, 1, 0, 9, 1, 2, 3, 5], [3, 3]);
        object labels = Plain([0, 1, 2], [3]);
        object sample = Plain([1, 2, 3], [3], DType.Float32);
        double Named(string reduction) => _h.Values(Losses.Compute("sparse_categorical_crossentropy", logits, labels,
            new LossArguments { ["from_logits"] = true, ["sample_weights"] = sample, ["reduction"] = reduction }))[0];
        Assert.That(Named("mean"), Is.EqualTo(0.1707592).Within(1e-7));
        Assert.That(Named("sum_over_batch_size"), Is.EqualTo(0.1707592).Within(1e-7));
        Assert.That(Named("mean_with_sample_weight"), Is.EqualTo(0.0853796).Within(1e-7));
        var ex = Assert.Throws<ArgumentException>(() => Named("average"));
        Assert.That(ex!.Message, Does.Contain("sum_over_batch_size (or mean)").And.Contain("Received: reduction=average"));
    }

    [Test]
    public void SparseNormalisesLikeCategorical()
    {
        // Keras on TF clips before renormalising (1.098612); we renormalise first, like categorical: 1.945910.
        object pred = Pred([0.5, 3.0], [1, 2]);
        Assert.That(_h.Values(Losses.SparseCategoricalCrossentropy(pred, Plain([0], [1]))), Is.EqualTo(new[] { 1.945910 }).Within(1e-6));
        Assert.That(_h.Values(Losses.CategoricalCrossentropy(pred, Pred([1, 0], [1, 2]))), Is.EqualTo(new[] { 1.945910 }).Within(1e-6));
    }

    [Test]
    public void IgnoredElementsLeaveTheMean()
    {
        object pred = Pred(Cases.FePred, [3, 3]);
        double[] perElement = _h.Values(Losses.SparseCategoricalCrossentropy(pred, Plain([0, 1, 0], [3]), averageLoss: false));
        double mean = _h.Values(Losses.SparseCategoricalCrossentropy(pred, Plain([0, -100, 0], [3]), ignoreClass: -100))[0];
        Assert.That(mean, Is.EqualTo((perElement[0] + perElement[2]) / 2).Within(1e-6));
        double[] none = _h.Values(Losses.SparseCategoricalCrossentropy(pred, Plain([0, -100, 0], [3]), ignoreClass: -100, averageLoss: false));
        Assert.That(none[1], Is.EqualTo(0.0));
        Assert.That(_h.Values(Losses.SparseCategoricalCrossentropy(pred, Plain([7, 7, 7], [3]), ignoreClass: 7)), Is.EqualTo(new[] { 0.0 }),
            "every element ignored: 0, as Keras (PyTorch gives NaN)");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void SparseWideRowsMatchReference(bool fromLogits)
    {
        // 1500 classes: past the kernels' stack buffers; 40 rows × 1500 spans several parallel tasks.
        var random = new Random(fromLogits ? 21 : 22);
        const int rows = 40, classes = 1500;
        double[] x = Enumerable.Range(0, rows * classes)
            .Select(_ => (double)(float)(fromLogits ? random.NextDouble() * 20 - 10 : random.NextDouble() + 1e-3)).ToArray();
        double[] labels = Enumerable.Range(0, rows).Select(_ => (double)random.Next(classes)).ToArray();
        double[] expected = FamilyReference.Sparse(labels, x, classes, fromLogits, 0, DType.Float32);
        object result = Losses.SparseCategoricalCrossentropy(Pred(x, [rows, classes]), Plain(labels, [rows]), fromLogits, averageLoss: false);
        Tolerance.AssertClose(_h.Values(result), expected, DType.Float32, "wide sparse rows");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void SparseWithTheClassAxisInTheMiddle(bool fromLogits)
    {
        // (2, 3, 4) with classes on axis 1, passed as it is: rows are strided on a channels-last engine.
        double[] first = Enumerable.Range(0, 24).Select(i => (double)(float)(fromLogits ? (i * 7 % 11) - 5 : 0.05 + (i * 7 % 11) / 10.0)).ToArray();
        double[] labels = [0, 2, 1, 1, 0, 2, 2, 1];                // shape (2, 4)
        var last = new double[24];                                 // the same numbers as (2, 4, 3)
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 4; i++) last[(b * 4 + i) * 3 + c] = first[(b * 3 + c) * 4 + i];
        double[] expected = FamilyReference.Sparse(labels, last, 3, fromLogits, 0, DType.Float32);
        object pred = _h.Engine.FromArray(first.Select(v => (float)v).ToArray(), [2, 3, 4]);
        object result = Losses.SparseCategoricalCrossentropy(pred, Plain(labels, [2, 4]), fromLogits, averageLoss: false, axis: 1);
        Tolerance.AssertClose(_h.Values(result), expected, DType.Float32, "sparse, class axis 1");
    }

    [TestCase(3.0)]
    [TestCase(-1.0)]
    [TestCase(0.5)]
    public void SparseLabelsOutOfRangeAreRefused(double bad)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Losses.SparseCategoricalCrossentropy(Pred(Cases.FePred, [3, 3]), Plain([0, bad, 0], [3], DType.Float32)));
        Assert.That(e!.ParamName, Is.EqualTo("y_true"));
        Assert.That(e.Message, Does.Contain("[0, 3)").And.Contain("y_true[1]"));
    }

    [Test]
    public void GradientsValidateLikeTheLosses()
    {
        // The gradient APIs share the losses' checks (LossSetup): zero classes and bad labels are refused the same way.
        object empty = Pred([], [2, 0]);
        var e = Assert.Throws<ArgumentException>(() => GradientCalls.CategoricalCrossentropyGradient(empty, empty));
        Assert.That(e!.Message, Does.Contain("at least one class"));
        var s = Assert.Throws<ArgumentOutOfRangeException>(() =>
            GradientCalls.SparseCategoricalCrossentropyGradient(Pred(Cases.FePred, [3, 3]), Plain([0, 3, 0], [3])));
        Assert.That(s!.ParamName, Is.EqualTo("y_true"));
    }

    [TestCase(-0.1)]
    [TestCase(1.5)]
    [TestCase(double.NaN)]
    public void LabelSmoothingOutOfRangeIsRefused(double ls) =>
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() =>
            Losses.CategoricalCrossentropy(Pred(Cases.FePred, [3, 3]), Pred(Cases.FeTrue, [3, 3]), labelSmoothing: ls))!.ParamName,
            Is.EqualTo("labelSmoothing"));

    [Test]
    public void ChannelsFirstDataWorksWithAnExplicitAxis()
    {
        // The same (2, 3, 2) channels-first tensor (classes on axis 1) on any engine, without moving axes.
        double[] pred = [0.2, 0.5, 0.3, 0.1, 0.5, 0.4], yTrue = [1, 0, 0, 1, 0, 0];
        double[] cl = [0.2, 0.3, 0.5, 0.5, 0.1, 0.4];   // the same numbers channels-last: (2, 2, 3)
        double[] tl = [1, 0, 0, 0, 1, 0];
        double[] expected = Reference.CategoricalCrossentropy(tl, cl, 3, false);
        object p = _h.Engine.FromArray(pred.Select(v => (float)v).ToArray(), [1, 3, 2]);
        object t = _h.Engine.FromArray(yTrue.Select(v => (float)v).ToArray(), [1, 3, 2]);
        Tolerance.AssertClose(_h.Values(Losses.CategoricalCrossentropy(p, t, axis: 1, averageLoss: false)), expected, DType.Float32, "axis 1");
    }

    // ---- Every loss × option × dtype against the reference ----

    public enum Loss { Categorical, Sparse, Binary }

    public static IEnumerable<TestCaseData> OptionCases()
    {
        DType[] dtypes = [DType.Float32, DType.Float64, DType.Float16, DType.BFloat16];
        string[] options = ["plain", "logits", "smoothing", "class weights", "sample weights", "weighted mean", "sum", "none"];
        foreach (Loss loss in Enum.GetValues<Loss>())
            foreach (string option in options)
                foreach (DType dtype in dtypes)
                    foreach (long[] shape in new[] { new long[] { 6, 4 }, [2, 3, 2, 4] })
                        yield return new TestCaseData(loss, option, dtype, shape)
                            .SetArgDisplayNames(loss.ToString(), option, dtype.Name(), string.Join("x", shape));
    }

    [TestCaseSource(nameof(OptionCases))]
    public void MatchesReference(Loss loss, string option, DType dtype, long[] shape)
    {
        var random = new Random(HashCode.Combine(loss, option, dtype, shape.Length));
        int classes = (int)shape[^1];
        int rows = (int)(Shapes.Count(shape) / classes);
        bool logits = option == "logits";
        // Inputs on a 1/64 grid are exact in float16 and bfloat16 too, so every dtype sees the reference's inputs.
        double Grid(double lo, double hi) => Math.Round((lo + random.NextDouble() * (hi - lo)) * 64) / 64;
        double[] x = Enumerable.Range(0, rows * classes).Select(_ => logits ? Grid(-4, 4) : Grid(1.0 / 64, 1)).ToArray();
        double[] labels = Enumerable.Range(0, rows).Select(_ => (double)random.Next(classes)).ToArray();
        double[] oneHot = Enumerable.Range(0, rows * classes).Select(i => labels[i / classes] == i % classes ? 1.0 : 0.0).ToArray();
        double[] binaryTarget = Enumerable.Range(0, rows * classes).Select(_ => (double)random.Next(2)).ToArray();
        double smoothing = option == "smoothing" ? 0.125 : 0;
        var classWeights = option is "class weights" or "weighted mean" ? new Dictionary<int, double> { [0] = 0.5, [1] = 2 } : null;
        double[]? sample = option is "sample weights" or "weighted mean" ? Enumerable.Range(0, (int)shape[0]).Select(i => 0.25 * (i + 1)).ToArray() : null;
        Reduction reduction = option switch { "weighted mean" => Reduction.WeightedMean, "sum" => Reduction.Sum, "none" => Reduction.None, _ => Reduction.SumOverBatchSize };

        double[] perElement = loss switch
        {
            Loss.Categorical => Reference.CategoricalCrossentropy(
                oneHot.Select(v => v * (1 - smoothing) + smoothing / classes).ToArray(), x, classes, logits, dtype),
            Loss.Sparse => FamilyReference.Sparse(labels, x, classes, logits, smoothing, dtype),
            _ => FamilyReference.Binary(binaryTarget, x, classes, logits, smoothing, dtype, classWeights),
        };
        double[]? weights = null;
        if (classWeights is not null && loss != Loss.Binary)
            weights = labels.Select(l => classWeights.GetValueOrDefault((int)l, 1.0)).ToArray();
        if (sample is not null)
        {
            double[] expanded = FamilyReference.Expand(sample, rows);
            weights = weights is null ? expanded : weights.Select((w, i) => w * expanded[i]).ToArray();
        }
        // Sample weights alone (binary folds its class weights into the element's loss): Keras 3 divides by their sum.
        double? weightTotal = sample is not null && (classWeights is null || loss == Loss.Binary) ? sample.Sum() : null;
        double[] expected = FamilyReference.Reduce(perElement, weights, reduction, weightTotal: weightTotal);

        object pred = Pred(x, shape, dtype);
        object? sampleTensor = sample is null ? null : Plain(sample, [shape[0]], Wide(dtype));
        long[] labelShape = shape[..^1];
        object result = loss switch
        {
            Loss.Categorical => Losses.CategoricalCrossentropy(pred, _h.Tensor(oneHot, shape, DType.Int64), logits,
                classWeights: classWeights, labelSmoothing: smoothing, reduction: reduction, sampleWeights: sampleTensor),
            Loss.Sparse => Losses.SparseCategoricalCrossentropy(pred, Plain(labels, labelShape), logits,
                classWeights: classWeights, labelSmoothing: smoothing, reduction: reduction, sampleWeights: sampleTensor),
            _ => Losses.BinaryCrossentropy(pred, _h.Tensor(binaryTarget, shape, Wide(dtype)), logits,
                classWeights: classWeights, labelSmoothing: smoothing, reduction: reduction, sampleWeights: sampleTensor),
        };
        Assert.That(_h.Engine.Describe(result).DType, Is.EqualTo(dtype), "the result keeps the input dtype");
        if (reduction == Reduction.None) Assert.That(_h.Shape(result), Is.EqualTo(labelShape));
        Tolerance.AssertClose(_h.Values(result), expected, dtype, $"{loss} {option}");
    }
}
