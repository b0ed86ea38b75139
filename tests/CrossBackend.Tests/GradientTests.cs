using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics;
using CrossBackend.Backends.Torch;
using TorchSharp;
using BFloat16 = CrossBackend.Backends.Numerics.BFloat16;

namespace CrossBackend.Tests;

/// <summary>
/// The channels-last engine's tape gradients (<see cref="LossDefinition.Gradient"/>) against TorchSharp's autograd of the same
/// losses on the same inputs, for every option and reduction.
/// </summary>
public sealed class GradientTests
{
    private static readonly EngineHarness Numerics = new(TensorEngines.Named("numerics"));

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
    public void NumericsGradientEqualsTorchAutograd(LossKind kind, bool fromLogits, long[] shape, Options options, Reduction reduction, DType dtype)
    {
        Inputs inputs = Inputs.Make(kind, fromLogits, shape, options, seed: 17 * (int)kind + shape.Length);
        double[] expected = TorchGradient(kind, inputs, fromLogits, options, reduction, dtype);
        double[] actual = NumericsGradient(kind, inputs, fromLogits, options, reduction, dtype);
        Tolerance.AssertClose(actual, expected, dtype, "dL/dy_pred");
    }

    /// <summary>An explicit <c>axis</c> (classes on axis 1 of a (B, C, L) tensor) on both engines, no layout move.</summary>
    [Test]
    public void ExplicitAxisMatchesTorch([Values] LossKind kind, [Values] bool fromLogits)
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

        var np = Tensor.Create(pred, shape.Select(v => (nint)v).ToArray());
        var nt = Tensor.Create(target, targetShape.Select(v => (nint)v).ToArray());
        var ns = Tensor.Create(sampleWeights, [3]);
        Tensor<double> numerics = kind switch
        {
            LossKind.Categorical => GradientCalls.CategoricalCrossentropyGradient(np, nt, fromLogits, classWeights: weights, axis: 1, sampleWeights: ns),
            LossKind.Sparse => GradientCalls.SparseCategoricalCrossentropyGradient(np, nt, fromLogits, classWeights: weights, axis: 1, sampleWeights: ns),
            _ => GradientCalls.BinaryCrossentropyGradient(np, nt, fromLogits, classWeights: weights, axis: 1, sampleWeights: ns),
        };

        TorchEngine.EnsureNativeLoadable();
        using var scope = torch.NewDisposeScope();
        torch.Tensor tp = torch.tensor(pred, shape, torch.ScalarType.Float64).requires_grad_(true);
        torch.Tensor tt = kind == LossKind.Sparse
            ? torch.tensor(target.Select(v => (long)v).ToArray(), targetShape)
            : torch.tensor(target, targetShape, torch.ScalarType.Float64);
        torch.Tensor ts = torch.tensor(sampleWeights, [3], torch.ScalarType.Float64);
        torch.Tensor loss = kind switch
        {
            LossKind.Categorical => Losses.CategoricalCrossentropy(tp, tt, fromLogits, classWeights: weights, axis: 1, sampleWeights: ts),
            LossKind.Sparse => Losses.SparseCategoricalCrossentropy(tp, tt, fromLogits, classWeights: weights, axis: 1, sampleWeights: ts),
            _ => Losses.BinaryCrossentropy(tp, tt, fromLogits, classWeights: weights, axis: 1, sampleWeights: ts),
        };
        loss.backward();
        Tolerance.AssertClose(Values(numerics), tp.grad!.data<double>().ToArray(), DType.Float64, "dL/dy_pred");
    }

    /// <summary>Zeros, exact ones and values at the clip bounds: the clip's gradient mask must match torch's
    /// (torch.clamp passes gradient where min ≤ x ≤ max, bounds included).</summary>
    [TestCase(LossKind.Categorical)]
    [TestCase(LossKind.Sparse)]
    [TestCase(LossKind.Binary)]
    public void ClipMaskMatchesTorch(LossKind kind)
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
        {
            double[] expected = TorchGradient(kind, inputs, false, options, reduction, DType.Float32);
            double[] actual = NumericsGradient(kind, inputs, false, options, reduction, DType.Float32);
            Assert.That(actual.All(double.IsFinite), $"{reduction}: finite");
            Tolerance.AssertClose(actual, expected, DType.Float32, $"{kind} {reduction}");
        }
    }

    [Test]
    public void TorchClampPassesGradientAtItsBounds()
    {
        TorchEngine.EnsureNativeLoadable();
        using var scope = torch.NewDisposeScope();
        torch.Tensor x = torch.tensor(new[] { 1e-7f, 1f - 1e-7f, 0f, 1f, 0.5f }).requires_grad_(true);
        x.clamp(1e-7, 1.0 - 1e-7).sum().backward();
        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1f, 0f, 0f, 1f }));
    }

    // The worked examples of the XML docs.
    [Test]
    public void DocumentedExamples()
    {
        var p = Tensor.Create(new[] { 0.2f, 0.3f, 0.5f }, [1, 3]);
        var y = Tensor.Create(new[] { 0f, 0f, 1f }, [1, 3]);
        Assert.That(Values(GradientCalls.CategoricalCrossentropyGradient(p, y)), Is.EqualTo(new[] { 1.0, 1, -1 }).Within(1e-6));
        var z = Tensor.Create(new[] { 0f, 0f, 0f }, [1, 3]);
        Assert.That(Values(GradientCalls.CategoricalCrossentropyGradient(z, y, fromLogits: true)),
            Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, -2 / 3.0 }).Within(1e-6));

        var p2 = Tensor.Create(new[] { 0.2f, 0.3f, 0.5f, 0.25f, 0.25f, 0.5f }, [2, 3]);
        var labels = Tensor.Create(new[] { 2, 0 }, [2]);
        Assert.That(Values(GradientCalls.SparseCategoricalCrossentropyGradient(p2, labels)),
            Is.EqualTo(new[] { 0.5, 0.5, -0.5, -1.5, 0.5, 0.5 }).Within(1e-6));

        var pb = Tensor.Create(new[] { 0.8f, 0.4f }, [1, 2]);
        var yb = Tensor.Create(new[] { 1f, 0f }, [1, 2]);
        Assert.That(Values(GradientCalls.BinaryCrossentropyGradient(pb, yb)), Is.EqualTo(new[] { -0.625, 1 / 1.2 }).Within(1e-6));
    }

    [Test]
    public void ReductionNoneIsTheGradientOfTheSum()
    {
        var p = Tensor.Create(new[] { 0.2, 0.3, 0.5, 0.25, 0.25, 0.5 }, [2, 3]);
        var labels = Tensor.Create(new[] { 2, 0 }, [2]);
        double[] none = Values(GradientCalls.SparseCategoricalCrossentropyGradient(p, labels, averageLoss: false));
        double[] sum = Values(GradientCalls.SparseCategoricalCrossentropyGradient(p, labels, reduction: Reduction.Sum));
        Assert.That(none, Is.EqualTo(sum));
    }

    [Test]
    public void EveryElementIgnoredGivesZeroGradient()
    {
        var p = Tensor.Create(new[] { 0.2f, 0.3f, 0.5f, 0.25f, 0.25f, 0.5f }, [2, 3]);
        var labels = Tensor.Create(new[] { -1, -1 }, [2]);
        foreach (Reduction reduction in Enum.GetValues<Reduction>())
            Assert.That(Values(GradientCalls.SparseCategoricalCrossentropyGradient(p, labels, ignoreClass: -1, reduction: reduction)),
                Is.All.EqualTo(0.0), reduction.ToString());
    }

    [Test]
    public void NarrowFloatsAreComputedInFloat32AndReturnedInTheirDtype()
    {
        float[] pred = [0.2f, 0.3f, 0.5f, 0.1f, 0.6f, 0.3f];
        var target = Tensor.Create(new float[] { 0, 1, 0, 0, 0, 1 }, [2, 3]);
        // The float32 gradient of the same (rounded) inputs, rounded once to the narrow dtype.
        float[] halfPred = pred.Select(v => (float)(Half)v).ToArray();
        float[] bfPred = pred.Select(v => (float)(BFloat16)v).ToArray();
        double[] halfExpected = Values(GradientCalls.CategoricalCrossentropyGradient(Tensor.Create(halfPred, [2, 3]), target))
            .Select(v => (double)(Half)(float)v).ToArray();
        double[] bfExpected = Values(GradientCalls.CategoricalCrossentropyGradient(Tensor.Create(bfPred, [2, 3]), target))
            .Select(v => (double)(float)(BFloat16)(float)v).ToArray();

        Tensor<Half> half = GradientCalls.CategoricalCrossentropyGradient(Tensor.Create(pred.Select(v => (Half)v).ToArray(), [2, 3]), target);
        Tensor<BFloat16> bf = GradientCalls.CategoricalCrossentropyGradient(Tensor.Create(pred.Select(v => (BFloat16)v).ToArray(), [2, 3]), target);
        Assert.That(half.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 3 }));
        Assert.That(Values(half), Is.EqualTo(halfExpected));
        Assert.That(Values(bf), Is.EqualTo(bfExpected));
    }

    /// <summary>One gradient API on both engines: on torch it is autograd's, with y_pred's shape and dtype.</summary>
    [Test]
    public void TorchGradientComesFromAutograd()
    {
        TorchEngine.EnsureNativeLoadable();
        using var scope = torch.NewDisposeScope();
        torch.Tensor p = torch.tensor(new[] { 0.2f, 0.3f, 0.5f }, [1, 3]);
        torch.Tensor y = torch.tensor(new[] { 0f, 0f, 1f }, [1, 3]);
        torch.Tensor g = GradientCalls.CategoricalCrossentropyGradient(p, y);
        Assert.That(g.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1f, -1f }).Within(1e-6));
        Assert.That(p.requires_grad, Is.False, "y_pred is left as it was");
    }

    [Test]
    public void OptionsAreValidatedAsInTheForwardLoss()
    {
        var p = Tensor.Create(new[] { 0.2f, 0.3f, 0.5f }, [1, 3]);
        var y = Tensor.Create(new[] { 0f, 0f, 1f }, [1, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientCalls.CategoricalCrossentropyGradient(p, y, labelSmoothing: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            GradientCalls.SparseCategoricalCrossentropyGradient(p, Tensor.Create(new[] { 3 }, [1])));
        Assert.Throws<ArgumentException>(() => GradientCalls.BinaryCrossentropyGradient(p, Tensor.Create(new[] { 0f, 1f }, [1, 2])));
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

    private static double[] NumericsGradient(LossKind kind, Inputs x, bool fromLogits, Options o, Reduction reduction, DType dtype)
    {
        object pred = Numerics.Tensor(x.Pred, x.Shape, dtype);
        object target = Numerics.Tensor(x.Target, x.TargetShape, kind == LossKind.Sparse ? DType.Int64 : dtype);
        object? sample = o.SampleWeights ? Numerics.Tensor(x.SampleWeights, [x.Shape[0]], dtype) : null;
        object gradient = kind switch
        {
            LossKind.Categorical => GradientCalls.CategoricalCrossentropyGradient(pred, target, fromLogits, classWeights: ClassWeights(kind, o),
                labelSmoothing: Smoothing(o), reduction: reduction, sampleWeights: sample),
            LossKind.Sparse => GradientCalls.SparseCategoricalCrossentropyGradient(pred, target, fromLogits, classWeights: ClassWeights(kind, o),
                ignoreClass: IgnoreClass(kind, o), labelSmoothing: Smoothing(o), reduction: reduction, sampleWeights: sample),
            _ => GradientCalls.BinaryCrossentropyGradient(pred, target, fromLogits, classWeights: ClassWeights(kind, o),
                labelSmoothing: Smoothing(o), reduction: reduction, sampleWeights: sample),
        };
        Assert.That(Numerics.Shape(gradient), Is.EqualTo(x.Shape), "the gradient has y_pred's shape");
        Assert.That(Numerics.Engine.Describe(gradient).DType, Is.EqualTo(dtype), "and its dtype");
        return Numerics.Values(gradient);
    }

    /// <summary>torch's autograd on channels-first copies of the inputs; the gradient is moved back to channels-last.</summary>
    private static double[] TorchGradient(LossKind kind, Inputs x, bool fromLogits, Options o, Reduction reduction, DType dtype)
    {
        TorchEngine.EnsureNativeLoadable();
        using var scope = torch.NewDisposeScope();
        torch.ScalarType type = dtype == DType.Float64 ? torch.ScalarType.Float64 : torch.ScalarType.Float32;
        torch.Tensor pred = torch.tensor(x.Pred, x.Shape, type).movedim([-1], [1]).contiguous().requires_grad_(true);
        torch.Tensor target = kind == LossKind.Sparse
            ? torch.tensor(x.Target.Select(v => (long)v).ToArray(), x.TargetShape)
            : torch.tensor(x.Target, x.TargetShape, type).movedim([-1], [1]).contiguous();
        torch.Tensor? sample = o.SampleWeights ? torch.tensor(x.SampleWeights, [x.Shape[0]], type) : null;
        torch.Tensor loss = kind switch
        {
            LossKind.Categorical => Losses.CategoricalCrossentropy(pred, target, fromLogits, classWeights: ClassWeights(kind, o),
                labelSmoothing: Smoothing(o), reduction: reduction, sampleWeights: sample),
            LossKind.Sparse => Losses.SparseCategoricalCrossentropy(pred, target, fromLogits, classWeights: ClassWeights(kind, o),
                ignoreClass: IgnoreClass(kind, o), labelSmoothing: Smoothing(o), reduction: reduction, sampleWeights: sample),
            _ => Losses.BinaryCrossentropy(pred, target, fromLogits, classWeights: ClassWeights(kind, o),
                labelSmoothing: Smoothing(o), reduction: reduction, sampleWeights: sample),
        };
        (reduction == Reduction.None ? loss.sum() : loss).backward();
        return pred.grad!.movedim([1], [-1]).contiguous().to_type(torch.ScalarType.Float64).data<double>().ToArray();
    }

    private static double[] Values<T>(Tensor<T> t) where T : struct => Numerics.Values(t);
}
