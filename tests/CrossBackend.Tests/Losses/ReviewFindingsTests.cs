using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Three findings of a user review, on every engine: rank-1 inputs to the crossentropies (Keras accepts one sample of
/// C classes and returns one value), sparse crossentropy with class weights and label smoothing together (PyTorch's
/// <c>cross_entropy(weight=w, label_smoothing=ε)</c>), and sample weights given as a plain number (Keras's
/// <c>sample_weight=2.3</c>). Expected values: PyTorch 1.13 (<c>torch.nn.functional</c>, float64 unless noted) and
/// Keras 3's docstrings and losses_test.py.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ReviewFindingsTests(ITensorEngine engine)
{
    private static readonly (double Rtol, double Atol) Float32 = Tolerance.For(DType.Float32);
    private static readonly Dictionary<int, double> Weights = new() { [0] = 1, [1] = 2, [2] = 3 };

    private object Floats(double[] v, params long[] shape) => engine.FromChannelsLast(v.Select(x => (float)x).ToArray(), shape);
    private object Labels(long[] v, params long[] shape) => engine.FromArray(v, shape);

    private double[] Values(object tensor) => engine.ToDoubleArray(tensor, out _);

    private double One(object tensor)
    {
        double[] v = Values(tensor);
        Assert.That(v, Has.Length.EqualTo(1), "one value for one sample");
        return v[0];
    }

    private static void Close(double actual, double expected) =>
        TensorAssert.AreClose(new[] { actual }, new[] { expected }, Float32.Rtol, Float32.Atol);

    /// <summary>Sample weights of shape () and (1,) for a rank-1 input (one sample).</summary>
    private IEnumerable<object> OneWeight(double w) =>
        [engine.FromArray(new[] { (float)w }, []), engine.FromArray(new[] { (float)w }, [1]), w];

    // ---- 1. Rank-1 inputs ----

    [Test]
    public void BinaryCrossentropyTakesRankOne()
    {
        // Keras's BinaryCrossentropy docstring, "Example 1: (batch_size = 1, number of samples = 4)": 0.8654 (PyTorch's
        // binary_cross_entropy_with_logits, float32: 0.86545795).
        object logits = Floats([-18.6, 0.51, 2.94, -12.8], 4), y = Floats([0, 1, 0, 0], 4);
        Close(One(Losses.BinaryCrossentropy(logits, y, fromLogits: true)), 0.86545795);
        Close(One(Losses.BinaryCrossentropy(logits, y, fromLogits: true, reduction: Reduction.None)), 0.86545795);
        // Label smoothing 0.1: targets 0.05 / 0.95 (PyTorch: 1.2275829497810973).
        Close(One(Losses.BinaryCrossentropy(logits, y, fromLogits: true, labelSmoothing: 0.1)), 1.2275829497810973);
        foreach (object w in OneWeight(0.8))
        {
            Close(One(Losses.BinaryCrossentropy(logits, y, fromLogits: true, sampleWeights: w)), 0.8 * 0.86545795);
            // Keras's reduce_values returns the rank-0 product as it is under mean_with_sample_weight too (0.86545795
            // before session 58, which divided by the weight).
            Close(One(Losses.BinaryCrossentropy(logits, y, fromLogits: true, sampleWeights: w, reduction: Reduction.WeightedMean)), 0.8 * 0.86545795);
        }
    }

    [Test]
    public void CategoricalCrossentropyTakesRankOneAsOneSample()
    {
        // One sample of 3 classes: Keras's categorical_crossentropy on shape (C,) returns a scalar. Logits [8, 1, 1],
        // target [1, 0, 0], label smoothing 0.3: PyTorch cross_entropy(label_smoothing=0.3) = 1.401822102892925.
        object logits = Floats([8, 1, 1], 3), y = Floats([1, 0, 0], 3);
        Close(One(Losses.CategoricalCrossentropy(logits, y, fromLogits: true, labelSmoothing: 0.3)), 1.401822102892925);
        Close(One(Losses.CategoricalCrossentropy(logits, y, fromLogits: true, labelSmoothing: 0.3, reduction: Reduction.None)), 1.401822102892925);
        // Probabilities: the Keras docs' first sample, −log 0.95; class weights read the weight of argmax(y) = 1.
        object p = Floats([0.05, 0.95, 0], 3), t = Floats([0, 1, 0], 3);
        Close(One(Losses.CategoricalCrossentropy(p, t)), 0.05129329438755058);
        Close(One(Losses.CategoricalCrossentropy(p, t, classWeights: Weights)), 2 * 0.05129329438755058);
        foreach (object w in OneWeight(0.3))
        {
            Close(One(Losses.CategoricalCrossentropy(logits, y, fromLogits: true, labelSmoothing: 0.3, sampleWeights: w)), 0.3 * 1.401822102892925);
            // A rank-0 loss times one weight is not divided by it (Keras's reduce_values; 1.401822102892925 before session 58).
            Close(One(Losses.CategoricalCrossentropy(logits, y, fromLogits: true, labelSmoothing: 0.3, sampleWeights: w,
                reduction: Reduction.WeightedMean)), 0.3 * 1.401822102892925);
        }
    }

    [Test]
    public void CategoricalFocalCrossentropyTakesRankOne()
    {
        // The Keras docs' first sample (reduction none prints 3.2058331e-05); Keras's formula in float64: 3.2058309e-05.
        object p = Floats([0.05, 0.95, 0], 3), t = Floats([0, 1, 0], 3);
        Close(One(Losses.CategoricalFocalCrossentropy(p, t)), 3.2058308992219164e-05);
        foreach (object w in OneWeight(0.3))
            Close(One(Losses.CategoricalFocalCrossentropy(p, t, sampleWeights: w)), 0.3 * 3.2058308992219164e-05);
    }

    [Test]
    public void SparseCategoricalCrossentropyTakesRankOneWithOneLabel()
    {
        // Logits [0, 9, 1], label 1, class weights {0: 1, 1: 2, 2: 3}, ε = 0.3: PyTorch cross_entropy on the batch of one
        // gives 3.3009175343644617 unreduced and 1.6504587671822308 as its weighted mean (÷ w[1] = 2).
        object logits = Floats([0, 9, 1], 3);
        foreach (object label in new[] { Labels([1], []), Labels([1], 1) })
        {
            Close(One(Losses.SparseCategoricalCrossentropy(logits, label, fromLogits: true, classWeights: Weights, labelSmoothing: 0.3,
                reduction: Reduction.None)), 3.3009175343644617);
            Close(One(Losses.SparseCategoricalCrossentropy(logits, label, fromLogits: true, classWeights: Weights, labelSmoothing: 0.3,
                reduction: Reduction.WeightedMean)), 1.6504587671822308);
            // No options: the fused kernels' case. PyTorch cross_entropy([[0, 9, 1]], [1]) = 0.00045876718.
            Close(One(Losses.SparseCategoricalCrossentropy(logits, label, fromLogits: true)), 4.5876718223098996e-04);
            foreach (object w in OneWeight(0.3))
                Close(One(Losses.SparseCategoricalCrossentropy(logits, label, fromLogits: true, sampleWeights: w)), 0.3 * 4.5876718223098996e-04);
        }
        // Probabilities: the Keras docs' first sample, label 1: −log 0.95.
        Close(One(Losses.SparseCategoricalCrossentropy(Floats([0.05, 0.95, 0], 3), Labels([1], []))), 0.05129329438755058);
        // A rank-1 y_pred takes one label only.
        var error = Assert.Throws<ArgumentException>(() => Losses.SparseCategoricalCrossentropy(logits, Labels([1, 2], 2), fromLogits: true))!;
        Assert.That(error.ParamName, Is.EqualTo("y_true"));
        Assert.That(error.Message, Does.Contain("y_pred.shape=(3,)").And.Contain("y_true.shape=(2,)"));
    }

    [Test]
    public void GeneralizedCrossEntropyTakesRankOneWithOneLabel()
    {
        // (1 − 0.7^0.5) / 0.5 for p = [0.7, 0.3], label 0 (Keras's formula).
        object p = Floats([0.7, 0.3], 2);
        foreach (object label in new[] { Labels([0], []), Labels([0], 1) })
            Close(One(Losses.CategoricalGeneralizedCrossEntropy(p, label, q: 0.5)), 0.3266799469318489);
        foreach (object w in OneWeight(0.3))
            Close(One(Losses.CategoricalGeneralizedCrossEntropy(p, Labels([0], []), q: 0.5, sampleWeights: w)), 0.3 * 0.3266799469318489);
    }

    public static IEnumerable<TestCaseData> RankOneCalls()
    {
        var w = new Dictionary<int, double> { [0] = 0.3, [1] = 2.0, [2] = 1.7 };
        LossArguments A(params (string Key, object? Value)[] pairs)
        {
            var a = new LossArguments();
            foreach ((string k, object? v) in pairs) a[k] = v;
            return a;
        }
        (string Loss, LossArguments Arguments)[] calls =
        [
            ("binary_crossentropy", A()),
            ("binary_crossentropy", A(("from_logits", true), ("label_smoothing", 0.1))),
            ("binary_crossentropy", A(("class_weights", new Dictionary<int, double> { [1] = 0.3 }), ("reduction", Reduction.None))),
            ("categorical_crossentropy", A()),
            ("categorical_crossentropy", A(("from_logits", true))),
            ("categorical_crossentropy", A(("from_logits", true), ("class_weights", w))),
            ("categorical_crossentropy", A(("class_weights", w), ("reduction", Reduction.None))),
            ("categorical_crossentropy", A(("class_weights", w), ("reduction", Reduction.WeightedMean), ("sample_weights", 0.3))),
            ("categorical_crossentropy", A(("label_smoothing", 0.1), ("reduction", Reduction.Sum))),
            ("categorical_focal_crossentropy", A()),
            ("categorical_focal_crossentropy", A(("from_logits", true), ("gamma", 0.3))),
            ("categorical_focal_crossentropy", A(("alpha", new[] { 0.1, 0.3, 0.7 }))),
            ("sparse_categorical_crossentropy", A()),
            ("sparse_categorical_crossentropy", A(("from_logits", true))),
            ("sparse_categorical_crossentropy", A(("from_logits", true), ("reduction", Reduction.None))),
            ("sparse_categorical_crossentropy", A(("class_weights", w), ("reduction", Reduction.WeightedMean))),
            ("sparse_categorical_crossentropy", A(("ignore_class", 1), ("reduction", Reduction.None))),
            ("categorical_generalized_cross_entropy", A(("q", 0.3))),
            ("categorical_generalized_cross_entropy", A(("q", 0.3), ("reduction", Reduction.None))),
        ];
        return calls.Select(c => new TestCaseData(c.Loss, c.Arguments).SetArgDisplayNames(c.Loss,
            string.Join(", ", c.Arguments.Select(a => $"{a.Key}={a.Value switch { IEnumerable<KeyValuePair<int, double>> d => string.Join(";", d), double[] v => string.Join(";", v), var v => v }}"))));
    }

    /// <summary>Every fused path either handles rank 1 or declines: the result and the gradient equal the composed
    /// definition's, float32 and float64, and the result is one value.</summary>
    [TestCaseSource(nameof(RankOneCalls))]
    public void RankOneFusedPathsEqualTheComposedDefinition(string name, LossArguments arguments)
    {
        LossDefinition loss = LossRegistry.Get(name);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            object Pred() => dtype == DType.Float32 ? engine.FromArray(new[] { 0.2f, 0.5f, 0.3f }, [3]) : engine.FromArray(new[] { 0.2, 0.5, 0.3 }, [3]);
            object True() => loss.Labels == LossLabels.ClassIndices ? engine.FromArray(new long[] { 1 }, [])
                : dtype == DType.Float32 ? engine.FromArray(new[] { 0f, 1f, 0f }, [3]) : engine.FromArray(new[] { 0.0, 1, 0 }, [3]);
            (double rtol, double atol) = Tolerance.For(dtype);
            double[] fused = Values(loss.Compute(Pred(), True(), arguments));
            Assert.That(fused, Has.Length.EqualTo(1));
            TensorAssert.AreClose(fused, Values(loss.ComputeComposed(Pred(), True(), arguments)), rtol, atol);
            double[] gradient = Values(loss.Gradient(Pred(), True(), arguments));
            Assert.That(gradient, Has.Length.EqualTo(3));
            TensorAssert.AreClose(gradient, Values(loss.GradientComposed(Pred(), True(), arguments)), rtol, atol);
        }
    }

    // ---- 2. Sparse crossentropy: class weights with label smoothing (PyTorch) ----

    private static readonly double[] ReviewLogits = [8, 1, 1, 0, 9, 1, 2, 3, 5];

    private object Sparse(double[] pred, long[] labels, bool fromLogits, Reduction reduction, double smoothing, int? ignoreClass = null,
        IReadOnlyDictionary<int, double>? weights = null) =>
        Losses.SparseCategoricalCrossentropy(Floats(pred, 3, 3), Labels(labels, 3), fromLogits: fromLogits, classWeights: weights ?? Weights,
            labelSmoothing: smoothing, ignoreClass: ignoreClass, reduction: reduction);

    [Test]
    public void SmoothedClassWeightsFollowPyTorch()
    {
        // The review's repro: F.cross_entropy(logits, [0, 1, 2], weight=[1, 2, 3], label_smoothing=0.1). Before: 0.43537962
        // and [0.4685, 1.1343, 1.0095] (the whole smoothed loss times w[label]).
        long[] labels = [0, 1, 2];
        Close(One(Sparse(ReviewLogits, labels, true, Reduction.WeightedMean, 0.1)), 0.49924588404331804);
        TensorAssert.AreClose(Values(Sparse(ReviewLogits, labels, true, Reduction.None, 0.1)),
            new[] { 1.1686709798488844, 1.100917534364462, 0.7258867900465618 }, Float32.Rtol, Float32.Atol);
        // reduction='sum' (float32 in PyTorch: 2.9954752922058105); sum_over_batch_size is that sum / 3.
        Close(One(Sparse(ReviewLogits, labels, true, Reduction.Sum, 0.1)), 2.9954752922058105);
        Close(One(Sparse(ReviewLogits, labels, true, Reduction.SumOverBatchSize, 0.1)), 2.9954752922058105 / 3);
        // ε = 0.3: [3.502368733760803, 3.3009175343644617, 1.1585842528019714], weighted mean 1.3269784201545392.
        Close(One(Sparse(ReviewLogits, labels, true, Reduction.WeightedMean, 0.3)), 1.3269784201545392);
        TensorAssert.AreClose(Values(Sparse(ReviewLogits, labels, true, Reduction.None, 0.3)),
            new[] { 3.502368733760803, 3.3009175343644617, 1.1585842528019714 }, Float32.Rtol, Float32.Atol);
    }

    [Test]
    public void SmoothedClassWeightsFollowPyTorchWithProbabilitiesAndIgnoredLabels()
    {
        // Probabilities whose rows sum to 1 (none clipped): PyTorch's cross_entropy of log p, labels [0, 1, 0], ε = 0.1:
        // [2.394214166181461, 5.895118821844776, 2.292042775350589], weighted mean 2.6453439408442065.
        double[] p = [0.1, 0.8, 0.1, 0.9, 0.05, 0.05, 0.1, 0.2, 0.7];
        TensorAssert.AreClose(Values(Sparse(p, [0, 1, 0], false, Reduction.None, 0.1)),
            new[] { 2.394214166181461, 5.895118821844776, 2.292042775350589 }, Float32.Rtol, Float32.Atol);
        Close(One(Sparse(p, [0, 1, 0], false, Reduction.WeightedMean, 0.1)), 2.6453439408442065);
        // ignore_index: labels [0, −100, 2] (PyTorch) / ignoreClass −1 (ours): the ignored element is 0 and leaves the
        // denominator Σ w[y_i] = 1 + 3: [1.1686709798488844, 0, 0.7258867900465618], mean 0.4736394424738616.
        TensorAssert.AreClose(Values(Sparse(ReviewLogits, [0, -1, 2], true, Reduction.None, 0.1, ignoreClass: -1)),
            new[] { 1.1686709798488844, 0, 0.7258867900465618 }, Float32.Rtol, Float32.Atol);
        Close(One(Sparse(ReviewLogits, [0, -1, 2], true, Reduction.WeightedMean, 0.1, ignoreClass: -1)), 0.4736394424738616);
    }

    [Test]
    public void EachOptionAloneStillFollowsPyTorch()
    {
        long[] labels = [0, 1, 2];
        // weight= alone: 0.08537961598770737; label_smoothing=0.1 alone: 0.45737562987714725.
        Close(One(Sparse(ReviewLogits, labels, true, Reduction.WeightedMean, 0)), 0.08537961598770737);
        Close(One(Sparse(ReviewLogits, labels, true, Reduction.WeightedMean, 0.1, weights: new Dictionary<int, double>())), 0.45737562987714725);
    }

    [Test]
    public void TheReductionsWorkedExampleHasPyTorchsPerElementLosses()
    {
        // README "Reductions" and Reduction's remarks: F.cross_entropy(logits, [0, 1, 2], reduction='none') in float64
        // (PyTorch 1.13) is [0.0018221028929251222, 0.00045876718223098996, 0.16984601955628567]; the weighted sum with
        // w = [1, 2, 3] is 0.5122776959262421 (the README printed [0.0018224, 0.0004578, 0.1698289] until session 51).
        long[] labels = [0, 1, 2];
        TensorAssert.AreClose(Values(Sparse(ReviewLogits, labels, true, Reduction.None, 0, weights: new Dictionary<int, double>())),
            new[] { 0.0018221028929251222, 0.00045876718223098996, 0.16984601955628567 }, Float32.Rtol, Float32.Atol);
        Close(One(Sparse(ReviewLogits, labels, true, Reduction.Sum, 0)), 0.5122776959262421);
    }

    [Test]
    public void SmoothedClassWeightsGradientFollowsPyTorch()
    {
        // d/dlogits of F.cross_entropy(logits, [0, 1, 2], weight=[1, 2, 3], label_smoothing=0.1), reduction='mean'.
        object gradient = LossRegistry.Get("sparse_categorical_crossentropy").Gradient(Floats(ReviewLogits, 3, 3), Labels([0, 1, 2], 3),
            new LossArguments { ["from_logits"] = true, ["class_weights"] = Weights, ["label_smoothing"] = 0.1, ["reduction"] = Reduction.WeightedMean });
        TensorAssert.AreClose(RegistryTests.ChannelsLast(engine, gradient, 2),
            new[] { 0.02744403, -0.010944237, -0.016499793, -0.005514438, 0.022069335, -0.016554897, 0.01474931, 0.044083235, -0.058832545 },
            Float32.Rtol, 1e-6);
    }

    // ---- 3. Sample weights given as a number ----

    [Test]
    public void NumberSampleWeightsAreScalarWeights()
    {
        // Keras's losses_test.py BinaryCrossentropyTest.test_scalar_weighted: y = [[1, 0], [1, 0]], p = [[1, 1], [1, 0]],
        // sample_weight=2.3 → 9.1668 (assertAlmostEqual, 3 decimals); the unweighted loss is 3.98560 (README).
        object p = Floats([1, 1, 1, 0], 2, 2), y = Floats([1, 0, 1, 0], 2, 2);
        var loss = LossRegistry.Get("binary_crossentropy");
        Assert.That(One(loss.Compute(p, y, new LossArguments { ["sample_weights"] = 2.3 })), Is.EqualTo(9.1668).Within(5e-4));
        Assert.That(One(Losses.BinaryCrossentropy(p, y, sampleWeights: 2.3)), Is.EqualTo(9.1668).Within(5e-4));
        Assert.That(One(Losses.BinaryCrossentropy(p, y, sampleWeights: 2.3f)), Is.EqualTo(9.1668).Within(5e-4));
        // Keras's weighted mean divides by the weight as given (2.3, not broadcast): the sum of the two samples' losses.
        Assert.That(One(Losses.BinaryCrossentropy(p, y, sampleWeights: 2.3, reduction: Reduction.WeightedMean)), Is.EqualTo(2 * 3.98560).Within(1e-5));
        // int and long: 2 × 3.98560.
        Assert.That(One(Losses.BinaryCrossentropy(p, y, sampleWeights: 2)), Is.EqualTo(2 * 3.98560).Within(1e-5));
        Assert.That(One(Losses.BinaryCrossentropy(p, y, sampleWeights: 2L)), Is.EqualTo(2 * 3.98560).Within(1e-5));
        // Unreduced: the per-sample losses times the weight, in the loss's shape.
        double[] perSample = engine.ToDoubleArray(Losses.BinaryCrossentropy(p, y, sampleWeights: 2.3, reduction: Reduction.None), out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { 2 }));
        double[] unweighted = Values(Losses.BinaryCrossentropy(p, y, reduction: Reduction.None));
        TensorAssert.AreClose(perSample, unweighted.Select(v => 2.3 * v).ToArray(), Float32.Rtol, Float32.Atol);

        // CategoricalCrossentropyTest / SparseCategoricalCrossentropyTest.test_scalar_weighted: 0.7449 (probabilities).
        object probs = Floats(KerasTestExamples.CrossentropyProbabilities, 3, 3);
        Assert.That(One(Losses.CategoricalCrossentropy(probs, Floats([1, 0, 0, 0, 1, 0, 0, 0, 1], 3, 3), sampleWeights: 2.3)),
            Is.EqualTo(0.7449).Within(5e-4));
        Assert.That(One(LossRegistry.Get("sparse_categorical_crossentropy").Compute(probs, Labels([0, 1, 2], 3),
            new LossArguments { ["sample_weights"] = 2.3 })), Is.EqualTo(0.7449).Within(5e-4));
    }

    [Test]
    public void NumberSampleWeightsKeepYPredsDType()
    {
        object p = engine.FromChannelsLast(new[] { 1.0, 1, 1, 0 }, [2, 2]), y = engine.FromChannelsLast(new[] { 1.0, 0, 1, 0 }, [2, 2]);
        object result = Losses.BinaryCrossentropy(p, y, sampleWeights: 2.3);
        Assert.That(engine.Describe(result).DType, Is.EqualTo(DType.Float64));
        // The weight is taken in float64 too: exactly 2.3 times the unweighted float64 loss (its clip bound 1 − 1e-7 is
        // exact in float64, so the value is not float32's 9.1668).
        Assert.That(One(result), Is.EqualTo(2.3 * One(Losses.BinaryCrossentropy(p, y))).Within(1e-12));
    }

    [Test]
    public void OtherObjectsAreStillRefused()
    {
        object p = Floats([1, 1, 1, 0], 2, 2), y = Floats([1, 0, 1, 0], 2, 2);
        var error = Assert.Throws<ArgumentException>(() => Losses.BinaryCrossentropy(p, y, sampleWeights: "2.3"))!;
        Assert.That(error.ParamName, Is.EqualTo("sampleWeights"));
        Assert.Throws<ArgumentException>(() => Losses.BinaryCrossentropy(p, y, sampleWeights: 2.3m));
    }

    /// <summary>An integer loss option given as a whole double (as JSON gives it) means that integer; a fraction is
    /// refused naming the option.</summary>
    [Test]
    public void IntegerLossOptionsTakeWholeDoubles()
    {
        object p = Floats(ReviewLogits, 3, 3), y = Labels([0, 1, 2], 3);
        LossArguments Args(object ignore) => new() { ["from_logits"] = true, ["ignore_class"] = ignore };
        double asInt = One(Losses.Compute("sparse_categorical_crossentropy", p, y, Args(1)));
        Assert.That(One(Losses.Compute("sparse_categorical_crossentropy", p, y, Args(1.0))), Is.EqualTo(asInt));
        var error = Assert.Throws<ArgumentException>(() => Losses.Compute("sparse_categorical_crossentropy", p, y, Args(1.5)))!;
        Assert.That(error.ParamName, Is.EqualTo("ignoreClass"));
    }
}
