using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Gradients (<see cref="LossDefinition.Gradient"/>) of every engine against every other engine found, on the same
/// channels-last inputs, for every option and reduction: engines with their own autograd (<see cref="IAutograd{T}"/>)
/// and engines differentiated by the core's tape meet here. No engine is named: the first engine found is the
/// yardstick and every other one must agree with it. Per-engine properties (documented examples, narrow floats,
/// option validation) run on each engine in <see cref="GradientPropertyTests"/>.
/// </summary>
public sealed class GradientTests
{
    public enum LossKind { Categorical, Sparse, Binary }

    /// <summary>A named set of options; <see cref="Ignore"/> is used by the sparse loss only.</summary>
    public sealed record Options(string Name, bool ClassWeights = false, bool Smoothing = false, bool SampleWeights = false, bool Ignore = false)
    {
        public override string ToString() => Name;
    }

    private static readonly Options[] OptionSets =
    [
        new("plain"),
        new("class weights", ClassWeights: true),
        new("label smoothing", Smoothing: true),
        new("sample weights", SampleWeights: true),
        new("all", ClassWeights: true, Smoothing: true, SampleWeights: true),
        new("ignore class", Ignore: true),
        new("ignore class + weights", ClassWeights: true, SampleWeights: true, Ignore: true),
    ];

    private static readonly long[][] TestShapes = [[4, 5], [2, 3, 4, 5]];

    public static IEnumerable<TestCaseData> MatrixCases() =>
        from kind in Enum.GetValues<LossKind>()
        from fromLogits in new[] { false, true }
        from shape in TestShapes
        from options in OptionSets
        where !options.Ignore || kind == LossKind.Sparse
        from reduction in Enum.GetValues<Reduction>()
        from dtype in new[] { DType.Float32, DType.Float64 }
        select new TestCaseData(kind, fromLogits, shape, options, reduction, dtype).SetArgDisplayNames(
            kind.ToString(), fromLogits ? "logits" : "probabilities", string.Join("x", shape), options.Name,
            reduction.ToString(), dtype.Name());

    [TestCaseSource(nameof(MatrixCases))]
    public void EveryEngineGivesTheSameGradient(LossKind kind, bool fromLogits, long[] shape, Options options, Reduction reduction, DType dtype)
    {
        Inputs inputs = Inputs.Make(kind, fromLogits, shape, options, seed: 17 * (int)kind + shape.Length);
        AgreeAcrossEngines(e => Gradient(e, kind, inputs, fromLogits, options, reduction, dtype), dtype, "dL/dy_pred");
    }

    /// <summary>Every engine's result against the first engine's.</summary>
    private static void AgreeAcrossEngines(Func<ITensorEngine, double[]> gradient, DType dtype, string what)
    {
        Assume.That(TensorEngines.All.Count, Is.GreaterThanOrEqualTo(2), "comparing engines needs two of them");
        ITensorEngine first = TensorEngines.All[0];
        double[] expected = gradient(first);
        foreach (ITensorEngine other in TensorEngines.All.Skip(1))
            Tolerance.AssertClose(gradient(other), expected, dtype, $"{what}: {other.Name} vs {first.Name}");
    }

    /// <summary>An explicit <c>axis</c> (classes on axis 1 of a (B, C, L) tensor) on every engine, no layout move.</summary>
    [Test]
    public void ExplicitAxisAgreesAcrossEngines([Values] LossKind kind, [Values] bool fromLogits)
    {
        long[] shape = [3, 4, 2];
        var random = new Random(5);
        double[] pred = Enumerable.Range(0, 24).Select(_ => (double)(float)(fromLogits ? 4 * random.NextDouble() - 2 : 0.05 + 0.9 * random.NextDouble())).ToArray();
        long[] targetShape = kind == LossKind.Sparse ? [3, 2] : shape;
        double[] target = kind == LossKind.Sparse
            ? Enumerable.Range(0, 6).Select(_ => (double)random.Next(4)).ToArray()
            : Enumerable.Range(0, 24).Select(_ => (double)(float)random.NextDouble()).ToArray();
        double[] sampleWeights = [0.5, 1, 2];
        var weights = new Dictionary<int, double> { [1] = 2 };

        AgreeAcrossEngines(e =>
        {
            object p = e.FromArray(pred, shape);
            object t = kind == LossKind.Sparse ? e.FromArray(target.Select(v => (long)v).ToArray(), targetShape) : e.FromArray(target, targetShape);
            object w = e.FromArray(sampleWeights, [3]);
            object g = kind switch
            {
                LossKind.Categorical => GradientCalls.CategoricalCrossentropyGradient(p, t, fromLogits, classWeights: weights, axis: 1, sampleWeights: w),
                LossKind.Sparse => GradientCalls.SparseCategoricalCrossentropyGradient(p, t, fromLogits, classWeights: weights, axis: 1, sampleWeights: w),
                _ => GradientCalls.BinaryCrossentropyGradient(p, t, fromLogits, classWeights: weights, axis: 1, sampleWeights: w),
            };
            Assert.That(e.Describe(g).Shape, Is.EqualTo(shape), $"{e.Name}: y_pred's shape");
            return e.ToDoubleArray(g, out _);
        }, DType.Float64, "dL/dy_pred");
    }

    /// <summary>Zeros, exact ones and values at the clip bounds: the clip's gradient mask must be the same on every
    /// engine (torch.clamp passes gradient where min ≤ x ≤ max, bounds included; the tape copies that).</summary>
    [TestCase(LossKind.Categorical)]
    [TestCase(LossKind.Sparse)]
    [TestCase(LossKind.Binary)]
    public void ClipMaskAgreesAcrossEngines(LossKind kind)
    {
        const double eps = (double)1e-7f, upper = (double)(1f - 1e-7f);
        long[] shape = [4, 3];
        double[] pred = kind == LossKind.Binary
            ? [0, 1, 0.5, eps, upper, 0.25, 1, 0, 0.75, eps, 0.5, upper]
            : [0, 1, 0, 0.2, 0, 0.8, 0, 0, 2, 0.3, 0.3, 0.4];
        double[] target = kind == LossKind.Sparse
            ? [1, 0, 2, 0]
            : kind == LossKind.Binary
                ? [1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0]
                : [0.5, 0.5, 0, 0, 1, 0, 0.2, 0.3, 0.5, 1, 0, 0];
        var inputs = new Inputs(shape, pred, target, kind == LossKind.Sparse ? [shape[0]] : shape, [1, 2, 0.5, 1]);
        var options = new Options("sample weights", SampleWeights: true);
        foreach (Reduction reduction in Enum.GetValues<Reduction>())
            AgreeAcrossEngines(e =>
            {
                double[] g = Gradient(e, kind, inputs, false, options, reduction, DType.Float32);
                Assert.That(g.All(double.IsFinite), $"{e.Name} {reduction}: finite");
                return g;
            }, DType.Float32, $"{kind} {reduction}");
    }

    // ---- the two sides ----

    /// <summary>Channels-last inputs; <see cref="Target"/> has <see cref="TargetShape"/> (the label shape for the
    /// sparse loss).</summary>
    public sealed record Inputs(long[] Shape, double[] Pred, double[] Target, long[] TargetShape, double[] SampleWeights)
    {
        public static Inputs Make(LossKind kind, bool fromLogits, long[] shape, Options options, int seed)
        {
            var random = new Random(seed);
            int classes = (int)shape[^1];
            long count = shape.Aggregate(1L, (a, b) => a * b);
            long rows = count / classes;
            // Logits away from 0 (where max(x, 0) has a kink); probabilities and unnormalised rows away from the clip.
            double[] pred = Enumerable.Range(0, (int)count).Select(_ => fromLogits
                ? (random.Next(2) == 0 ? -1 : 1) * (0.05 + 3 * random.NextDouble())
                : kind == LossKind.Binary ? 0.02 + 0.96 * random.NextDouble() : 0.05 + random.NextDouble()).ToArray();
            double[] target;
            long[] targetShape = shape;
            switch (kind)
            {
                case LossKind.Sparse:
                    targetShape = shape[..^1];
                    target = Enumerable.Range(0, (int)rows)
                        .Select(i => options.Ignore && i % 3 == 1 ? -1 : random.Next(classes)).Select(v => (double)v).ToArray();
                    break;
                case LossKind.Binary:
                    target = Enumerable.Range(0, (int)count)
                        .Select(_ => options.ClassWeights ? random.Next(2) : random.NextDouble()).ToArray();
                    break;
                default:
                    target = new double[count];
                    for (long r = 0; r < rows; r++)
                    {
                        if (shape.Length == 2)
                        {
                            double[] row = Enumerable.Range(0, classes).Select(_ => random.NextDouble()).ToArray();
                            for (int c = 0; c < classes; c++) target[r * classes + c] = row[c] / row.Sum();
                        }
                        else
                        {
                            target[r * classes + random.Next(classes)] = 1;
                        }
                    }
                    break;
            }
            double[] sample = Enumerable.Range(0, (int)shape[0]).Select(i => 0.25 + 0.5 * i).ToArray();
            // float32-exact, so that both dtypes and both engines see the same numbers.
            return new(shape, pred.Select(v => (double)(float)v).ToArray(), target.Select(v => (double)(float)v).ToArray(),
                targetShape, sample);
        }
    }

    private static IReadOnlyDictionary<int, double>? ClassWeights(LossKind kind, Options o) => !o.ClassWeights ? null
        : kind == LossKind.Binary ? new Dictionary<int, double> { [0] = 0.7, [1] = 2.5 }
        : new Dictionary<int, double> { [0] = 0.5, [2] = 2.0, [3] = 1.5 };

    private static double Smoothing(Options o) => o.Smoothing ? 0.2 : 0;

    private static int? IgnoreClass(LossKind kind, Options o) => kind == LossKind.Sparse && o.Ignore ? -1 : null;

    /// <summary>One engine's gradient on channels-last inputs moved into its layout, moved back to channels-last.</summary>
    internal static double[] Gradient(ITensorEngine e, LossKind kind, Inputs x, bool fromLogits, Options o, Reduction reduction, DType dtype)
    {
        var h = new EngineHarness(e);
        object pred = h.Tensor(x.Pred, x.Shape, dtype);
        // Class indices have no class axis: they go in as they are (no layout move).
        object target = kind == LossKind.Sparse ? e.FromArray(x.Target.Select(v => (long)v).ToArray(), x.TargetShape) : h.Tensor(x.Target, x.TargetShape, dtype);
        object? sample = o.SampleWeights ? h.Tensor(x.SampleWeights, [x.Shape[0]], dtype) : null;
        object gradient = kind switch
        {
            LossKind.Categorical => GradientCalls.CategoricalCrossentropyGradient(pred, target, fromLogits, classWeights: ClassWeights(kind, o),
                labelSmoothing: Smoothing(o), reduction: reduction, sampleWeights: sample),
            LossKind.Sparse => GradientCalls.SparseCategoricalCrossentropyGradient(pred, target, fromLogits, classWeights: ClassWeights(kind, o),
                ignoreClass: IgnoreClass(kind, o), labelSmoothing: Smoothing(o), reduction: reduction, sampleWeights: sample),
            _ => GradientCalls.BinaryCrossentropyGradient(pred, target, fromLogits, classWeights: ClassWeights(kind, o),
                labelSmoothing: Smoothing(o), reduction: reduction, sampleWeights: sample),
        };
        Assert.That(e.Describe(gradient).Shape, Is.EqualTo(e.Describe(pred).Shape), $"{e.Name}: the gradient has y_pred's shape");
        Assert.That(e.Describe(gradient).DType, Is.EqualTo(dtype), $"{e.Name}: and its dtype");
        return ChannelsLast(e, gradient);
    }

    /// <summary>A tensor of y_pred's shape moved back to channels-last, as float64.</summary>
    internal static double[] ChannelsLast(ITensorEngine e, object tensor)
    {
        int rank = e.Describe(tensor).Rank;
        int classAxis = e.ClassAxis < 0 ? e.ClassAxis + rank : e.ClassAxis;
        object layout = rank < 2 || classAxis == rank - 1 ? tensor : e.MoveAxis(tensor, classAxis, rank - 1);
        return e.ToDoubleArray(layout, out _);
    }
}
