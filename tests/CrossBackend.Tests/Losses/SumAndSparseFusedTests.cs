using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// The fused whole-tensor (dice, tversky, l2_regularization), sparse-label (sparse categorical crossentropy,
/// categorical generalized crossentropy) and cosine similarity kernels held to the composed definitions of the losses
/// that use them: options not exact in float32, shapes with short and long rows, rank 1 and 3, inputs outside
/// [0, 1], zero and tiny vectors, probabilities at and beyond the ε clip, per sample and the plain mean, float32 and
/// float64; and out-of-range labels still refused with the composed path's message. Runs on every engine; an engine
/// without (or declining) a kernel compares the composed path with itself.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class SumAndSparseFusedTests(ITensorEngine engine)
{
    private static readonly (string Loss, Dictionary<string, object?> Options)[] Uses =
    [
        ("dice", new()),
        ("tversky", new()),
        ("tversky", new() { ["alpha"] = 0.3, ["beta"] = 0.9 }),
        ("l2_regularization", new()),
        ("l2_regularization", new() { ["beta"] = 0.3 }),
        ("cosine_similarity", new()),
        ("sparse_categorical_crossentropy", new()),
        ("sparse_categorical_crossentropy", new() { ["from_logits"] = true }),
        ("categorical_generalized_cross_entropy", new()),
        ("categorical_generalized_cross_entropy", new() { ["q"] = 0.3 }),
        ("categorical_generalized_cross_entropy", new() { ["q"] = 1.0 }),
    ];

    /// <summary>Channels-last shapes: short rows, long rows (above the torch kernel's 1024-element row bound), rank 1
    /// (whole-tensor losses), rank 3, and enough elements for several parallel pieces (150,000).</summary>
    private static readonly long[][] Shapes = [[6, 7], [3, 37], [130, 300], [2, 3000], [5000], [4, 5, 6], [300, 500]];

    public static IEnumerable<TestCaseData> Cases() =>
        from i in Enumerable.Range(0, Uses.Length)
        from shape in Shapes
        where shape.Length >= 2 || Uses[i].Loss is "dice" or "tversky" or "l2_regularization"
        from perSample in Uses[i].Loss is "dice" or "tversky" or "l2_regularization" ? new[] { false } : new[] { true, false }
        select new TestCaseData(i, shape, perSample).SetArgDisplayNames(
            Uses[i].Loss, Describe(Uses[i].Options), string.Join("x", shape), perSample ? "per sample" : "mean");

    private static string Describe(Dictionary<string, object?> options) =>
        options.Count == 0 ? "defaults" : string.Join(",", options.Select(o => $"{o.Key}={o.Value}"));

    private static bool Sparse(string loss) => loss is "sparse_categorical_crossentropy" or "categorical_generalized_cross_entropy";

    /// <summary>Seeded data; the first row holds the edge values of each loss.</summary>
    private static LossExample Example(int use, long[] shape, bool perSample, double[]? labels = null)
    {
        (string loss, Dictionary<string, object?> options) = Uses[use];
        var random = new Random(shape.Aggregate(17, (h, d) => h * 31 + (int)d) + use);
        int count = (int)shape.Aggregate(1L, (a, b) => a * b), classes = (int)shape[^1], rows = count / classes;
        var p = new double[count];
        double[]? y = null;
        for (int i = 0; i < count; i++) p[i] = random.NextDouble();
        switch (loss)
        {
            case "dice" or "tversky":
                // Half hard labels, half soft; some predictions beyond [0, 1] (Keras's test uses 4 and 6).
                y = Enumerable.Range(0, count).Select(_ => random.Next(2) == 0 ? random.Next(2) : random.NextDouble()).ToArray();
                for (int i = 0; i < Math.Min(4, count); i++) p[i] = 1.5 + 3 * i;
                break;
            case "l2_regularization":
                for (int i = 0; i < count; i++) p[i] = 2 * p[i] - 1;
                break;
            case "cosine_similarity":
                y = Enumerable.Range(0, count).Select(_ => 2 * random.NextDouble() - 1).ToArray();
                for (int i = 0; i < count; i++) p[i] = 2 * p[i] - 1;
                // Row 0: a zero prediction (loss 0 whatever y is); row 1: a tiny one, 3e-7·y (norm floored at 1e-7).
                for (int c = 0; c < classes; c++) p[c] = 0;
                if (rows > 1) for (int c = 0; c < classes; c++) p[classes + c] = 3e-7 * y[classes + c] / Math.Sqrt(classes);
                break;
            default:
                y = labels ?? Enumerable.Range(0, rows).Select(_ => (double)random.Next(classes)).ToArray();
                // Row 0's label reads a 0 (the clip, or 1/q) and row 1's a 1 (above the clip after renormalising).
                if (labels is null)
                {
                    p[(int)y[0]] = 0;
                    if (rows > 1) { for (int c = 0; c < classes; c++) p[classes + c] = 0; p[classes + (int)y[1]] = 1; }
                }
                break;
        }
        var arguments = new Dictionary<string, object?>(options);
        if (loss != "l2_regularization") arguments["reduction"] = perSample ? Reduction.None : Reduction.SumOverBatchSize;
        return new LossExample("random", p, shape, y, Sparse(loss) ? shape[..^1] : null, arguments, []);
    }

    [TestCaseSource(nameof(Cases))]
    public void FusedLossEqualsTheComposedDefinition(int use, long[] shape, bool perSample)
    {
        LossDefinition definition = LossRegistry.Get(Uses[use].Loss);
        LossExample example = Example(use, shape, perSample);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] fused = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Compute), out long[] fusedShape);
            double[] composed = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Composed), out long[] composedShape);
            Assert.That(fusedShape, Is.EqualTo(composedShape), $"{dtype.Name()}: result shape");
            Assert.That(fused, Is.All.Not.NaN, $"{dtype.Name()}: the edge values are all finite");
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(fused, composed, rtol, atol, message: dtype.Name());
        }
    }

    /// <summary>The kernels receive the labels unchecked: a label below 0 or at C is still refused, naming y_true and
    /// the bad value, per sample and for the mean.</summary>
    [TestCase("sparse_categorical_crossentropy", -1.0)]
    [TestCase("sparse_categorical_crossentropy", 7.0)]
    [TestCase("categorical_generalized_cross_entropy", -1.0)]
    [TestCase("categorical_generalized_cross_entropy", 7.0)]
    public void OutOfRangeLabelsAreStillRefused(string loss, double bad)
    {
        int use = Array.FindIndex(Uses, u => u.Loss == loss);
        foreach (bool perSample in new[] { true, false })
        {
            LossExample example = Example(use, [6, 7], perSample, labels: [0, 3, bad, 6, 1, 2]);
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => example.Run(LossRegistry.Get(loss), engine, DType.Float32, LossExample.Mode.Compute))!;
            Assert.That(error.ParamName, Is.EqualTo("y_true"));
            Assert.That(error.Message, Does.Contain($"y_true[2] (flat index)={bad}"));
        }
    }

    /// <summary>int64 labels as the caller gives them — which an engine of float tensors hands to its kernel without a
    /// float copy — shaped (N,) or (N, 1), give the values of float labels and of a float64 reference: −log of the
    /// renormalised probability at the label, and (1 − p^q)/q, within the dtype's tolerance.</summary>
    [TestCase("sparse_categorical_crossentropy")]
    [TestCase("categorical_generalized_cross_entropy")]
    public void IntegerLabelsAsGivenGiveTheValuesOfFloatLabels(string loss)
    {
        var harness = new EngineHarness(engine);
        double[] p = [0.1, 0.2, 0.7, 0.3, 0.3, 0.4, 0.25, 0.5, 0.25, 0.6, 0.3, 0.1];
        long[] labels = [2, 0, 1, 1];
        double[] reference = labels.Select((l, r) => loss == "sparse_categorical_crossentropy"
            ? -Math.Log(p[r * 3 + l] / (p[r * 3] + p[r * 3 + 1] + p[r * 3 + 2]))
            : (1 - Math.Pow(p[r * 3 + l], 0.5)) / 0.5).ToArray();
        LossDefinition definition = LossRegistry.Get(loss);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            object output = harness.Tensor(p, [4, 3], dtype);
            var arguments = new LossArguments { ["reduction"] = Reduction.None };
            object asFloat = harness.Tensor(labels.Select(l => (double)l).ToArray(), [4], dtype);
            double[] fromFloat = engine.ToDoubleArray(definition.Compute(output, asFloat, arguments), out _);
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(fromFloat, reference, rtol, atol, message: $"{dtype.Name()} float labels");
            foreach (long[] shape in new long[][] { [4], [4, 1] })
            {
                double[] fromIntegers = engine.ToDoubleArray(definition.Compute(output, engine.FromArray(labels, shape), arguments), out long[] resultShape);
                Assert.That(resultShape, Is.EqualTo(new long[] { 4 }), $"{dtype.Name()} int64 labels {string.Join("x", shape)}");
                // Within the dtype's tolerance, not bit for bit: an engine may serve one label dtype with its fused
                // kernel and the other with the composed path (torch: float labels are composed, and its scalar
                // p^0.5 in the kernel differs from the composed general pow by an ulp on some CPUs).
                TensorAssert.AreClose(fromIntegers, fromFloat, rtol, atol, message: $"{dtype.Name()} int64 labels {string.Join("x", shape)}");
                TensorAssert.AreClose(fromIntegers, reference, rtol, atol, message: $"{dtype.Name()} int64 labels {string.Join("x", shape)} against the reference");
                object mean = definition.Compute(output, engine.FromArray(labels, shape));
                TensorAssert.AreClose(engine.ToDoubleArray(mean, out _), new[] { reference.Average() }, rtol, atol, message: $"{dtype.Name()} mean");
            }
        }
    }

    /// <summary>The label check runs a vector at a time with a scalar tail: a bad label of any dtype, in the first
    /// vector, a later one or the tail, is still refused with the composed path's message naming its index.</summary>
    [TestCase(-1.0)]
    [TestCase(7.0)]
    [TestCase(2.5)]
    [TestCase(-0.3)]
    [TestCase(double.NaN)]
    [TestCase(1099511627779.0)]   // 2^40 + 3: far outside [0, C) in every dtype, whatever rounding or wrapping
    public void ABadLabelAnywhereIsRefused(double bad)
    {
        var harness = new EngineHarness(engine);
        const int rows = 37, classes = 7;
        var random = new Random(5);
        object output = harness.Tensor(Enumerable.Range(0, rows * classes).Select(_ => 0.05 + random.NextDouble()).ToArray(), [rows, classes], DType.Float32);
        bool integral = bad == Math.Floor(bad);
        foreach (DType labelType in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64 })
        {
            if (labelType is DType.Int32 or DType.Int64 && !integral) continue;
            if (labelType == DType.Int32 && Math.Abs(bad) > int.MaxValue) continue;
            foreach (int at in new[] { 0, 5, 8, 17, 33, 36 })
            {
                double[] labels = Enumerable.Range(0, rows).Select(r => (double)(r % classes)).ToArray();
                labels[at] = bad;
                object y = labelType switch
                {
                    DType.Int64 => engine.FromArray(labels.Select(l => (long)l).ToArray(), [rows]),
                    DType.Int32 => engine.FromArray(labels.Select(l => (int)l).ToArray(), [rows]),
                    _ => harness.Tensor(labels, [rows], labelType),
                };
                foreach (bool fromLogits in new[] { false, true })
                {
                    string what = $"{labelType.Name()} label {bad} at {at}{(fromLogits ? ", from logits" : "")}";
                    var error = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SparseCategoricalCrossentropy(output, y, fromLogits: fromLogits), what)!;
                    Assert.That(error.ParamName, Is.EqualTo("y_true"), what);
                    Assert.That(error.Message, Does.Contain($"y_true[{at}] (flat index)="), what);
                }
            }
        }
    }

    /// <summary>int32 and int64 labels over row counts around the check's vector widths (4 and 8 labels per step,
    /// then the tail) give the float64 reference for every row: −log(p_label / Σp), and from logits
    /// −x_label + log Σ exp(x), per row and as the mean.</summary>
    [TestCase(8)]
    [TestCase(9)]
    [TestCase(16)]
    [TestCase(37)]
    public void IntegerLabelsAroundTheVectorWidthsGiveTheReference(int rows)
    {
        var harness = new EngineHarness(engine);
        const int classes = 5;
        var random = new Random(rows);
        double[] p = Enumerable.Range(0, rows * classes).Select(_ => 0.05 + random.NextDouble()).ToArray();
        long[] labels = Enumerable.Range(0, rows).Select(_ => (long)random.Next(classes)).ToArray();
        double[] Row(int r) => p.Skip(r * classes).Take(classes).ToArray();
        LossDefinition definition = LossRegistry.Get("sparse_categorical_crossentropy");
        foreach (bool fromLogits in new[] { false, true })
        {
            double[] reference = labels.Select((l, r) => fromLogits
                ? -Row(r)[l] + Math.Log(Row(r).Sum(Math.Exp))
                : -Math.Log(Row(r)[l] / Row(r).Sum())).ToArray();
            foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
            {
                object output = harness.Tensor(p, [rows, classes], dtype);
                (double rtol, double atol) = Tolerance.For(dtype);
                foreach (Array given in new Array[] { labels, labels.Select(l => (int)l).ToArray() })
                {
                    string what = $"{dtype.Name()} {given.GetType().GetElementType()!.Name} labels, {rows} rows{(fromLogits ? ", from logits" : "")}";
                    var perRow = new LossArguments { ["reduction"] = Reduction.None, ["from_logits"] = fromLogits };
                    double[] values = engine.ToDoubleArray(definition.Compute(output, engine.FromArray(given, [rows]), perRow), out _);
                    TensorAssert.AreClose(values, reference, rtol, atol, message: what);
                    double[] mean = engine.ToDoubleArray(definition.Compute(output, engine.FromArray(given, [rows]), new LossArguments { ["from_logits"] = fromLogits }), out _);
                    TensorAssert.AreClose(mean, new[] { reference.Average() }, rtol, atol, message: what + ", mean");
                }
            }
        }
    }

    /// <summary>An engine offering the kernels serves the ordinary case (so the comparisons above run them there).</summary>
    [Test]
    public void KernelsServeTheOrdinaryCase()
    {
        var harness = new EngineHarness(engine);
        object output = harness.Tensor([0.1, 0.2, 0.7, 0.3, 0.3, 0.4], [2, 3], DType.Float32);
        object target = harness.Tensor([0, 0, 1, 1, 0, 0], [2, 3], DType.Float32);
        // int64 labels as a caller gives them: the engine's tensor type or another of the same engine.
        object labels = engine.FromArray(new long[] { 2, 0 }, [2]);
        var served = (bool?[])typeof(SumAndSparseFusedTests).GetMethod(nameof(Served), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(output.GetType()).Invoke(null, [engine.OpsFor(output.GetType()), target, output, labels, engine.ClassAxis])!;
        if (served.All(s => s is null)) Assert.Ignore("this engine has none of these fused kernels: its losses are the composed ones");
        Assert.That(served, Has.None.EqualTo(false), "whole tensor (dice, tversky, l2), sparse (crossentropy, gce), cosine");
    }

    /// <summary>For each kernel: null when the engine does not offer it, else whether it served the case.</summary>
    private static bool?[] Served<T>(object ops, object target, object output, object labels, int axis) where T : class
    {
        T y = (T)target, p = (T)output;
        var whole = ops as IFusedWholeTensorLoss<T>;
        var sparse = ops as IFusedSparseLoss<T>;
        var pointwise = ops as IFusedPointwiseLoss<T>;
        return
        [
            whole is null ? null : whole.WholeTensorLoss(WholeTensorLossKind.Dice, 0, 0, y, p) is not null,
            whole is null ? null : whole.WholeTensorLoss(WholeTensorLossKind.Tversky, 0.3, 0.7, y, p) is not null,
            whole is null ? null : whole.WholeTensorLoss(WholeTensorLossKind.ScaledSumOfSquares, 0.3, 0, null, p) is not null,
            sparse is null ? null : sparse.SparseLoss(SparseLossKind.Crossentropy, 0, labels, p, axis, true) is not null,
            sparse is null ? null : sparse.SparseLoss(SparseLossKind.GeneralizedCrossEntropy, 0.5, labels, p, axis, false) is not null,
            pointwise is null ? null : pointwise.PointwiseLoss(PointwiseLossKind.CosineSimilarity, new PointwiseLossParameters(), y, p, axis, true) is not null,
        ];
    }
}
