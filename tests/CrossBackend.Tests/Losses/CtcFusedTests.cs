using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// An engine's fused CTC kernel (<see cref="IFusedCtc{TTensor}"/>) held to the composed forward algorithm that defines
/// <c>ctc</c>, on random logits with every kind of label row: empty, repeated labels (a blank must separate them), a
/// blank inside the sequence (Keras's length rule), full rows, and an alignment that cannot fit in T steps. Values and
/// gradients, float32 and float64, fused against composed on the same engine and against every other engine. Runs on
/// every engine; no engine is named.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class CtcFusedTests(ITensorEngine engine)
{
    private static readonly LossDefinition Ctc = LossRegistry.Get("ctc");

    /// <summary>float64: both paths compute the same recursion, so only rounding separates them.</summary>
    private const double Float64Rtol = 1e-10, Float64Atol = 1e-12;

    public static IEnumerable<TestCaseData> Cases()
    {
        // T = 6, width 4: [3, 3, 3] needs 5 steps; [1, 0, 2, 0] has length 2 and uses [1, 0] (Keras counts non-zeros
        // and takes that many leading entries).
        long[] rows = [0, 0, 0, 0, 1, 1, 0, 0, 2, 3, 2, 4, 3, 3, 3, 0, 1, 0, 2, 0, 4, 0, 0, 0];
        yield return Case("random (6, 6, 5), empty/repeat/full/blank-inside rows", 6, 6, 5, rows, 4, seed: 11);
        yield return Case("random (3, 12, 9), long rows", 3, 12, 9, [5, 5, 8, 1, 1, 1, 7, 2, 3, 6, 8, 4, 0, 0, 0, 0, 0, 0], 6, seed: 12);
        yield return Case("random (2, 1, 4), one step", 2, 1, 4, [0, 0, 3, 0], 2, seed: 13);
        // [2, 2, 2, 2] needs 7 steps and gets 6; [1, 2, 3] and [4, 4, 1] fit.
        yield return Case("random (3, 6, 5), an impossible row", 3, 6, 5, [1, 2, 3, 0, 2, 2, 2, 2, 4, 4, 1, 0], 4, seed: 14, impossible: true);
        // Logits in ±1600: most softmax probabilities are below double's range (e^−745), where a kernel that works
        // with probabilities rather than their logs must hand the row back to the log-space recursion.
        yield return Case("random (3, 6, 5), logits ±1600", 3, 6, 5, [1, 2, 3, 0, 2, 4, 0, 0, 4, 4, 1, 0], 4, seed: 15, spread: 3200);
    }

    private static TestCaseData Case(string name, int batch, int time, int classes, long[] rows, int width, int seed, bool impossible = false,
        double spread = 4)
    {
        var random = new Random(seed);
        double[] logits = Enumerable.Range(0, batch * time * classes).Select(_ => spread * (random.NextDouble() - 0.5)).ToArray();
        var example = new LossExample(name, logits, [batch, time, classes], rows.Select(v => (double)v).ToArray(), [batch, width],
            new Dictionary<string, object?> { ["reduction"] = Reduction.None }, []);
        return new TestCaseData(example, impossible).SetArgDisplayNames(name);
    }

    private static (double Rtol, double Atol) ToleranceOf(DType dtype) =>
        dtype == DType.Float64 ? (Float64Rtol, Float64Atol) : Tolerance.For(dtype);

    /// <summary>The gradients' tolerance. A float32 recursion takes its shares exp(α − max) at α of about the loss's
    /// magnitude, where float32's spacing is |loss|·2⁻²³: an impossible row's log-likelihood of about −1e5 (spacing
    /// 0.0078) or logits in ±1600 (losses of thousands) leave absolute errors of that order (the composed path computes
    /// in float32; the fused one on the channels-last engine accumulates in float64).</summary>
    private static (double Rtol, double Atol) GradientToleranceOf(DType dtype, LossExample example)
    {
        (double rtol, double atol) = ToleranceOf(dtype);
        if (dtype != DType.Float32) return (rtol, atol);
        double spacing = Largest(example) * Math.Pow(2, -23);
        return (Math.Max(rtol, spacing), Math.Max(atol, spacing));
    }

    /// <summary>The example's largest per-sample loss, from the float64 composed path.</summary>
    private static double Largest(LossExample example) =>
        TensorEngines.All[0].ToDoubleArray(example.Run(Ctc, TensorEngines.All[0], DType.Float64, LossExample.Mode.Composed), out _).Max();

    [TestCaseSource(nameof(Cases))]
    public void FusedLossEqualsTheComposedDefinition(LossExample example, bool impossible)
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] fused = engine.ToDoubleArray(example.Run(Ctc, engine, dtype, LossExample.Mode.Compute), out _);
            double[] composed = engine.ToDoubleArray(example.Run(Ctc, engine, dtype, LossExample.Mode.Composed), out _);
            (double rtol, double atol) = ToleranceOf(dtype);
            TensorAssert.AreClose(fused, composed, rtol, atol, message: dtype.Name());
            Assert.That(fused, Is.All.GreaterThan(0).And.All.LessThan(double.PositiveInfinity), "−log p is positive and finite");
            Assert.That(fused.Max() > 9e4, Is.EqualTo(impossible), "an impossible row costs about 1e5 (log 0 = −1e5)");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void FusedGradientEqualsTheComposedGradient(LossExample example, bool impossible)
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] fused = Gradient(engine, example, dtype, LossExample.Mode.Gradient);
            double[] composed = Gradient(engine, example, dtype, LossExample.Mode.ComposedGradient);
            (double rtol, double atol) = GradientToleranceOf(dtype, example);
            TensorAssert.AreClose(fused, composed, rtol, atol, message: dtype.Name());
            Assert.That(fused.Select(Math.Abs).Max(), Is.GreaterThan(1e-3), "a gradient that can be wrong");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void GradientAgreesWithEveryOtherEngine(LossExample example, bool impossible)
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] mine = Gradient(engine, example, dtype, LossExample.Mode.Gradient);
            (double rtol, double atol) = GradientToleranceOf(dtype, example);
            foreach (ITensorEngine other in TensorEngines.All.Where(e => e != engine))
                TensorAssert.AreClose(mine, Gradient(other, example, dtype, LossExample.Mode.Gradient), rtol, atol,
                    message: $"{engine.Name} vs {other.Name}, {dtype.Name()}");
        }
    }

    /// <summary>The gradient in the example's channels-last layout.</summary>
    private static double[] Gradient(ITensorEngine e, LossExample example, DType dtype, LossExample.Mode mode)
    {
        object gradient = example.Run(Ctc, e, dtype, mode);
        int classAxis = e.ClassAxis < 0 ? e.ClassAxis + 3 : e.ClassAxis;
        return e.ToDoubleArray(classAxis == 2 ? gradient : e.MoveAxis(gradient, classAxis, 2), out _);
    }
}
