using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Categorical and sparse crossentropy, from logits and from probabilities, differentiated through the engine's fused
/// forward and one-pass gradient (<see cref="IFusedCrossentropyGradient{TTensor}"/>, recorded by the tape) against the
/// composed graph's gradient on the same engine and against every other engine: one-hot, soft and smoothed labels,
/// sparse labels, class and sample weights, each reduction, rows shorter than a vector, with a tail, long rows, rows of
/// 8 and of 32 classes (the bounds of the across-rows short-row kernels), a
/// segmentation map, clipped probabilities, rows with NaN, ±∞ or a zero sum, and a class axis that is not last (the
/// tape's general-op fallback). An engine with its own autograd differentiates both paths itself. No engine is named.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class CrossentropyGradientTests(ITensorEngine engine)
{
    private static readonly LossDefinition Categorical = LossRegistry.Get("categorical_crossentropy");
    private static readonly LossDefinition Sparse = LossRegistry.Get("sparse_categorical_crossentropy");

    /// <summary>float64: the two paths differ only in rounding.</summary>
    private const double Float64Rtol = 1e-10, Float64Atol = 1e-13;

    public static IEnumerable<TestCaseData> Cases()
    {
        long[][] shapes = [[7, 5], [33, 37], [6, 100], [2, 3, 4, 21], [19, 8], [17, 32]];
        foreach (long[] shape in shapes)
            foreach (bool sparse in new[] { false, true })
            {
                yield return Case(shape, sparse, "probabilities, mean", soft: false, [], logits: false);
                yield return Case(shape, sparse, "probabilities, none", soft: !sparse, new() { ["reduction"] = Reduction.None }, logits: false);
                yield return Case(shape, sparse, "clipped probabilities, sum", soft: false, new() { ["reduction"] = Reduction.Sum }, logits: false, clipped: true);
                int rows = (int)(shape.Aggregate(1L, (a, b) => a * b) / shape[^1]);
                double[] sampleWeights = Enumerable.Range(0, (int)shape[0]).Select(i => i % 2 == 0 ? 0.3 : 0.7).ToArray();
                yield return Case(shape, sparse, "mean", soft: false, []);
                yield return Case(shape, sparse, "none", soft: false, new() { ["reduction"] = Reduction.None });
                yield return Case(shape, sparse, "sum", soft: false, new() { ["reduction"] = Reduction.Sum });
                yield return Case(shape, sparse, "sample weights", soft: false, new() { ["sample_weights"] = sampleWeights });
                yield return Case(shape, sparse, "class weights", soft: false,
                    new() { ["class_weights"] = new Dictionary<int, double> { [1] = 0.3, [3] = 2.5 } });
                if (sparse) continue;
                yield return Case(shape, sparse, "soft labels", soft: true, []);
                yield return Case(shape, sparse, "label smoothing 0.1", soft: true, new() { ["label_smoothing"] = 0.1 });
            }
        yield return Case([9, 40], false, "NaN, +∞ and −∞ logits", soft: true, new() { ["reduction"] = Reduction.None }, nonFinite: true);
        yield return Case([9, 40], true, "NaN, +∞ and −∞ logits", soft: false, new() { ["reduction"] = Reduction.None }, nonFinite: true);
        // 21 classes: rows a vector width does not divide (the engines' overlapping last vector), non-finite rows among them.
        yield return Case([9, 21], false, "NaN, +∞ and −∞ logits", soft: true, new() { ["reduction"] = Reduction.None }, nonFinite: true);
        yield return Case([9, 21], true, "NaN, +∞ and −∞ logits", soft: false, new() { ["reduction"] = Reduction.None }, nonFinite: true);
        yield return Case([9, 40], false, "NaN, +∞ and zero-sum probabilities", soft: true, new() { ["reduction"] = Reduction.None }, nonFinite: true, logits: false);
        yield return Case([9, 40], true, "NaN, +∞ and zero-sum probabilities", soft: false, new() { ["reduction"] = Reduction.None }, nonFinite: true, logits: false);
    }

    private static TestCaseData Case(long[] shape, bool sparse, string what, bool soft, Dictionary<string, object?> options,
        bool nonFinite = false, bool logits = true, bool clipped = false)
    {
        int classes = (int)shape[^1], rows = (int)(shape.Aggregate(1L, (a, b) => a * b) / classes);
        var random = new Random(classes * 101 + rows + (logits ? 0 : 1));
        double[] pred = Enumerable.Range(0, rows * classes)
            .Select(_ => logits ? 8 * (random.NextDouble() - 0.5) : 0.05 + random.NextDouble()).ToArray();
        if (clipped)
            for (int r = 0; r < rows; r += 2)
            {
                pred[r * classes] = 1e-9;                            // q below ε: the clip stops its own term
                if (r % 4 == 0) pred[r * classes + classes - 1] = 1e9;   // q above 1 − ε
            }
        if (nonFinite)
        {
            pred[1 * classes + 2] = double.NaN;
            pred[3 * classes + 5] = double.PositiveInfinity;
            if (logits) pred[5 * classes + 7] = double.NegativeInfinity;   // a finite maximum: the row's gradient stays finite
            else for (int c = 0; c < classes; c++) pred[5 * classes + c] = 0;   // Σx = 0
        }
        int[] index = Enumerable.Range(0, rows).Select(_ => random.Next(classes)).ToArray();
        double[] labels;
        if (sparse) labels = index.Select(i => (double)i).ToArray();
        else
        {
            labels = new double[rows * classes];
            for (int r = 0; r < rows; r++)
            {
                if (!soft) { labels[r * classes + index[r]] = 1; continue; }
                double sum = 0;
                for (int c = 0; c < classes; c++) sum += labels[r * classes + c] = random.NextDouble();
                for (int c = 0; c < classes; c++) labels[r * classes + c] /= sum;
            }
        }
        options["from_logits"] = logits;
        var shapes = options.ContainsKey("sample_weights") ? new Dictionary<string, long[]> { ["sample_weights"] = [shape[0]] } : null;
        var example = new LossExample($"{(sparse ? "sparse" : "categorical")} {string.Join("x", shape)} {what}", pred, shape, labels,
            sparse ? shape[..^1] : shape, options, [], TensorShapes: shapes);
        return new TestCaseData(example, sparse).SetArgDisplayNames(example.Source);
    }

    private static (double Rtol, double Atol) ToleranceOf(DType dtype) =>
        dtype == DType.Float64 ? (Float64Rtol, Float64Atol) : Tolerance.For(dtype);

    [TestCaseSource(nameof(Cases))]
    public void FusedGradientEqualsTheComposedGradient(LossExample example, bool sparse)
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] fused = Gradient(engine, example, sparse, dtype, LossExample.Mode.Gradient);
            double[] composed = Gradient(engine, example, sparse, dtype, LossExample.Mode.ComposedGradient);
            (double rtol, double atol) = ToleranceOf(dtype);
            TensorAssert.AreClose(fused, composed, rtol, atol, equalNan: true, message: dtype.Name());
            Assert.That(fused.Where(double.IsFinite).Select(Math.Abs).Max(), Is.GreaterThan(1e-3), "a gradient that can be wrong");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void GradientAgreesWithEveryOtherEngine(LossExample example, bool sparse)
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] mine = Gradient(engine, example, sparse, dtype, LossExample.Mode.Gradient);
            (double rtol, double atol) = ToleranceOf(dtype);
            foreach (ITensorEngine other in TensorEngines.All.Where(e => e != engine))
                TensorAssert.AreClose(mine, Gradient(other, example, sparse, dtype, LossExample.Mode.Gradient), rtol, atol, equalNan: true,
                    message: $"{engine.Name} vs {other.Name}, {dtype.Name()}");
        }
    }

    /// <summary>Logits laid out (classes, rows) with <c>axis</c> 0 on every engine (no layout moves): the engine's
    /// one-pass gradient takes contiguous rows only, so this runs the tape's general-op fallback where it has one.</summary>
    [TestCase(false, true), TestCase(true, true), TestCase(false, false), TestCase(true, false)]
    public void ClassAxisFirstMatchesTheComposedGradient(bool sparse, bool fromLogits)
    {
        const int classes = 11, rows = 13;
        var random = new Random(sparse ? 7 : 8);
        double[] logits = Enumerable.Range(0, classes * rows).Select(_ => fromLogits ? 6 * (random.NextDouble() - 0.5) : 0.05 + random.NextDouble()).ToArray();
        logits[3] = 1e-10;   // a clipped probability (from logits, a very negative logit's tiny term)
        long[] index = Enumerable.Range(0, rows).Select(_ => (long)random.Next(classes)).ToArray();
        index[3] = 0;   // row 3's label is its clipped class: the clip's mask decides that term
        var dense = new double[classes * rows];
        for (int r = 0; r < rows; r++) dense[index[r] * rows + r] = 1;
        var arguments = new LossArguments { ["from_logits"] = fromLogits, ["axis"] = 0, ["reduction"] = Reduction.SumOverBatchSize };
        object yPred = engine.FromArray(logits, [classes, rows]);
        object yTrue = sparse ? engine.FromArray(index, [rows]) : engine.FromArray(dense, [classes, rows]);
        LossDefinition loss = sparse ? Sparse : Categorical;
        double[] fused = engine.ToDoubleArray(loss.Gradient(yPred, yTrue, arguments), out _);
        double[] composed = engine.ToDoubleArray(loss.GradientComposed(yPred, yTrue, arguments), out _);
        TensorAssert.AreClose(fused, composed, Float64Rtol, Float64Atol);
        Assert.That(fused.Select(Math.Abs).Max(), Is.GreaterThan(1e-3), "a gradient that can be wrong");
    }

    /// <summary>The gradient in the example's channels-last layout.</summary>
    private static double[] Gradient(ITensorEngine e, LossExample example, bool sparse, DType dtype, LossExample.Mode mode)
    {
        object gradient = example.Run(sparse ? Sparse : Categorical, e, dtype, mode);
        int rank = example.Shape.Length, classAxis = e.ClassAxis < 0 ? e.ClassAxis + rank : e.ClassAxis;
        return e.ToDoubleArray(classAxis == rank - 1 ? gradient : e.MoveAxis(gradient, classAxis, rank - 1), out _);
    }
}
