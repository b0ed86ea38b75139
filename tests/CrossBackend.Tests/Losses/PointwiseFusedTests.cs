using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// An engine's fused element-wise losses (<see cref="IFusedPointwiseLoss{TTensor}"/>) held to the composed definitions
/// of the losses that use them: random data plus the edge values each kind has (|e| exactly at delta/beta, zero
/// targets for the percentage error, predictions at and below the ε clip, NaN), float32 and
/// float64, per-sample (reduction none) and the plain mean (the kernel's mean over every element), values and
/// gradients; then the kernel directly: each kind is served for the ordinary case (so the tests above exercise it) and
/// declined for broadcasting shapes, empty tensors and bad axes. Runs on every engine; no engine is named, and an
/// engine without the kernel only runs the loss-level comparisons (both paths are then the composed one).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class PointwiseFusedTests(ITensorEngine engine)
{
    /// <summary>The losses that use the kernel, with option values not exact in float32, and the kind each uses.</summary>
    private static readonly (string Loss, string? Option, double Value, PointwiseLossKind Kind)[] Uses =
    [
        ("mean_squared_error", null, 0, PointwiseLossKind.SquaredError),
        ("mean_absolute_error", null, 0, PointwiseLossKind.AbsoluteError),
        ("l1_loss", null, 0, PointwiseLossKind.AbsoluteError),
        ("huber", "delta", 0.3, PointwiseLossKind.Huber),
        ("fe_huber", "beta", 0.3, PointwiseLossKind.Huber),
        ("smooth_l1_loss", "beta", 0.3, PointwiseLossKind.SmoothL1),
        ("smooth_l1_loss", "beta", 1.7, PointwiseLossKind.SmoothL1),
        ("mean_squared_logarithmic_error", null, 0, PointwiseLossKind.SquaredLogarithmicError),
        ("mean_absolute_percentage_error", null, 0, PointwiseLossKind.AbsolutePercentageError),
        ("log_cosh", null, 0, PointwiseLossKind.LogCosh),
        ("poisson", null, 0, PointwiseLossKind.Poisson),
    ];

    /// <summary>(rows, columns): a row shorter than any SIMD width, rows with a vector body and a tail, and a tensor
    /// large enough to be split across threads (rows in chunks, the mean in blocks).</summary>
    private static readonly (int Rows, int Columns)[] Shapes = [(6, 7), (3, 37), (130, 300)];

    public static IEnumerable<TestCaseData> Cases() => CasesUpTo(int.MaxValue);

    /// <summary>The gradient runs on the shapes up to 10,000 elements: the large shape exercises the parallel value
    /// path, and the gradient path is the same code at every size.</summary>
    public static IEnumerable<TestCaseData> GradientCases() => CasesUpTo(10_000);

    private static IEnumerable<TestCaseData> CasesUpTo(int elements) =>
        from use in Uses
        from shape in Shapes
        where shape.Rows * shape.Columns <= elements
        from reduction in new[] { Reduction.None, Reduction.SumOverBatchSize }
        select new TestCaseData(use.Loss, use.Option, use.Value, shape.Rows, shape.Columns, reduction)
            .SetArgDisplayNames(use.Loss, $"{use.Option ?? "-"}={use.Value}", $"{shape.Rows}x{shape.Columns}", reduction.ToString());

    /// <summary>Seeded data in the loss's domain; the first row holds the edge values.</summary>
    private static LossExample Example(string loss, string? option, double value, int rows, int columns, Reduction reduction, bool withNaN = false)
    {
        var random = new Random(rows * 1000 + columns);
        bool positive = loss is "poisson" or "mean_squared_logarithmic_error";
        var p = new double[rows * columns];
        var y = new double[rows * columns];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = positive ? 2 * random.NextDouble() : 3 * random.NextDouble() - 1.5;
            y[i] = positive ? 2 * random.NextDouble() : 3 * random.NextDouble() - 1.5;
        }
        // Edge values in row 0: |e| = 0.3 exactly in either dtype (y = 0), e = 0, zero and ±ε targets, p at and
        // below the clip.
        (double P, double Y)[] edges = positive
            ? [(0.3, 0), (0, 0), (1e-7, 1e-7), (0, 1.5), (1e-9, 0.5), (0.7, 0.7)]
            : [(0.3, 0), (-0.3, 0), (0, 0), (0.5, 0), (0.5, 1e-7), (-0.2, -1e-7), (0.7, 0.7)];
        for (int i = 0; i < Math.Min(edges.Length, columns); i++) (p[i], y[i]) = edges[i];
        if (withNaN) p[columns + 1] = double.NaN;   // row 1 only
        var arguments = new Dictionary<string, object?> { ["reduction"] = reduction };
        if (option is not null) arguments[option] = value;
        return new LossExample("random", p, [rows, columns], y, null, arguments, []);
    }

    [TestCaseSource(nameof(Cases))]
    public void FusedLossEqualsTheComposedDefinition(string loss, string? option, double value, int rows, int columns, Reduction reduction)
    {
        LossDefinition definition = LossRegistry.Get(loss);
        LossExample example = Example(loss, option, value, rows, columns, reduction);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] fused = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Compute), out long[] fusedShape);
            double[] composed = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Composed), out long[] composedShape);
            Assert.That(fused, Has.Length.EqualTo(reduction == Reduction.None ? rows : 1), dtype.Name());
            Assert.That(fusedShape, Is.EqualTo(composedShape), $"{dtype.Name()}: result shape");
            Assert.That(fused, Is.All.Not.NaN, $"{dtype.Name()}: the edge values are all finite");
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(fused, composed, rtol, atol, message: dtype.Name());
        }
    }

    [TestCaseSource(nameof(GradientCases))]
    public void FusedGradientEqualsTheComposedGradient(string loss, string? option, double value, int rows, int columns, Reduction reduction)
    {
        LossDefinition definition = LossRegistry.Get(loss);
        LossExample example = Example(loss, option, value, rows, columns, reduction);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] fused = engine.ToDoubleArray(engine.MoveAxis(example.Run(definition, engine, dtype, LossExample.Mode.Gradient), engine.ClassAxis, -1), out _);
            double[] composed = engine.ToDoubleArray(engine.MoveAxis(example.Run(definition, engine, dtype, LossExample.Mode.ComposedGradient), engine.ClassAxis, -1), out _);
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(fused, composed, rtol, atol, message: dtype.Name());
            Assert.That(fused.Select(Math.Abs).Max(), Is.GreaterThan(1e-4), "a gradient that can be wrong");
        }
    }

    [TestCaseSource(nameof(NaNCases))]
    public void NaNInOneSamplePropagatesToThatSampleOnly(string loss, string? option, double value)
    {
        LossDefinition definition = LossRegistry.Get(loss);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] perSample = engine.ToDoubleArray(Example(loss, option, value, 4, 37, Reduction.None, withNaN: true)
                .Run(definition, engine, dtype, LossExample.Mode.Compute), out _);
            Assert.That(double.IsNaN(perSample[1]), Is.True, $"{dtype.Name()}: the sample holding NaN");
            Assert.That(perSample.Where((_, i) => i != 1), Is.All.Not.NaN, $"{dtype.Name()}: the other samples");
            double[] mean = engine.ToDoubleArray(Example(loss, option, value, 4, 37, Reduction.SumOverBatchSize, withNaN: true)
                .Run(definition, engine, dtype, LossExample.Mode.Compute), out _);
            Assert.That(double.IsNaN(mean[0]), Is.True, $"{dtype.Name()}: the mean");
        }
    }

    public static IEnumerable<TestCaseData> NaNCases() => Uses.Select(u =>
        new TestCaseData(u.Loss, u.Option, u.Value).SetArgDisplayNames(u.Loss, $"{u.Option ?? "-"}={u.Value}"));

    public static IEnumerable<TestCaseData> Kinds() => Uses.Select(u =>
        new TestCaseData(u.Kind, u.Value).SetArgDisplayNames(u.Kind.ToString(), u.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The ordinary case (same shapes, float32/float64, the class axis) is served, per sample and as the
    /// mean, so the loss-level comparisons above run the kernel on an engine that has one; the result equals the
    /// loss's reduction-none values (per sample) and their mean.</summary>
    [TestCaseSource(nameof(Kinds))]
    public void KernelServesTheOrdinaryCase(PointwiseLossKind kind, double parameter)
    {
        (double[] p, double[] y) = (Enumerable.Range(0, 3 * 37).Select(i => 0.05 + (i * 7919 % 97) / 50.0).ToArray(),
            Enumerable.Range(0, 3 * 37).Select(i => 0.05 + (i * 104729 % 89) / 45.0).ToArray());
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            var harness = new EngineHarness(engine);
            object output = harness.Tensor(p, [3, 37], dtype), target = harness.Tensor(y, [3, 37], dtype);
            if (!Offers(output)) Assert.Ignore("this engine has no fused element-wise kernel: its losses are the composed ones");
            object? perSample = Kernel(kind, parameter, target, output, engine.ClassAxis, meanOverAll: false);
            object? mean = Kernel(kind, parameter, target, output, engine.ClassAxis, meanOverAll: true);
            Assert.That(perSample, Is.Not.Null, $"{dtype.Name()}: per-sample");
            Assert.That(mean, Is.Not.Null, $"{dtype.Name()}: mean");
            double[] reference = Reference(kind, parameter, p, y, 3, 37);
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(harness.Values(perSample!), reference, rtol, atol, message: $"{dtype.Name()} per sample");
            TensorAssert.AreClose(harness.Values(mean!), new[] { reference.Average() }, rtol, atol, message: $"{dtype.Name()} mean");
        }
    }

    [Test]
    public void KernelDeclinesWhatItWasNotWrittenFor()
    {
        var harness = new EngineHarness(engine);
        object output = harness.Tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [2, 3], DType.Float32);
        if (!Offers(output)) Assert.Ignore("this engine has no fused element-wise kernel");
        object row = harness.Tensor([0.1, 0.2, 0.3], [1, 3], DType.Float32);
        object empty = harness.Tensor([], [0, 3], DType.Float32);
        foreach (PointwiseLossKind kind in Enum.GetValues<PointwiseLossKind>())
            foreach (bool mean in new[] { false, true })
            {
                Assert.That(Kernel(kind, 0.3, row, output, engine.ClassAxis, mean), Is.Null, $"{kind}: broadcasting shapes");
                Assert.That(Kernel(kind, 0.3, empty, empty, engine.ClassAxis, mean), Is.Null, $"{kind}: no elements");
                Assert.That(Kernel(kind, 0.3, output, output, 2, mean), Is.Null, $"{kind}: axis out of range");
            }
        Assert.That(Kernel((PointwiseLossKind)999, 0, output, output, engine.ClassAxis, false), Is.Null, "an unknown kind");
    }

    /// <summary>Plain float64 per-row means of each kind's maths (an independent reference, no engine).</summary>
    private static double[] Reference(PointwiseLossKind kind, double parameter, double[] p, double[] y, int rows, int columns)
    {
        double F(double a, double b)
        {
            double e = a - b, abs = Math.Abs(e);
            return kind switch
            {
                PointwiseLossKind.SquaredError => e * e,
                PointwiseLossKind.AbsoluteError => abs,
                PointwiseLossKind.Huber => abs <= parameter ? 0.5 * e * e : parameter * abs - 0.5 * parameter * parameter,
                PointwiseLossKind.SmoothL1 => abs < parameter ? 0.5 * e * e / parameter : abs - 0.5 * parameter,
                PointwiseLossKind.SquaredLogarithmicError => Math.Pow(Math.Log(Math.Max(a, 1e-7) + 1) - Math.Log(Math.Max(b, 1e-7) + 1), 2),
                PointwiseLossKind.AbsolutePercentageError => 100 * Math.Abs(-e / Math.Max(Math.Abs(b), 1e-7)),
                PointwiseLossKind.LogCosh => Math.Log(Math.Cosh(e)),
                PointwiseLossKind.Poisson => a - b * Math.Log(a + 1e-7),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
        }
        return Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, columns).Average(c => F(p[r * columns + c], y[r * columns + c]))).ToArray();
    }

    private bool Offers(object output) =>
        typeof(IFusedPointwiseLoss<>).MakeGenericType(output.GetType()).IsInstanceOfType(engine.OpsFor(output.GetType()));

    /// <summary>The engine's kernel called directly (channels-last data already moved by the harness).</summary>
    private object? Kernel(PointwiseLossKind kind, double parameter, object target, object output, int axis, bool meanOverAll)
    {
        Type fused = typeof(IFusedPointwiseLoss<>).MakeGenericType(output.GetType());
        return fused.GetMethod(nameof(IFusedPointwiseLoss<object>.PointwiseLoss),
                [typeof(PointwiseLossKind), typeof(double), output.GetType(), output.GetType(), typeof(int), typeof(bool)])!
            .Invoke(engine.OpsFor(output.GetType()), [kind, parameter, target, output, axis, meanOverAll]);
    }
}
