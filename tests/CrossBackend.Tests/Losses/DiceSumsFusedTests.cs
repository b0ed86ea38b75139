using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// The fused Dice sums (<see cref="IFusedDiceSums{TTensor}"/>) and ratio (<see cref="IFusedDiceRatio{TTensor}"/>) held
/// to <c>dice_score</c>'s composed definition (a dot product and two sums over the spatial axes, then the ratio): channel counts below, at and past a vector width, one and two spatial
/// axes, a batch of one with enough pixels to be split into pieces, soft Dice, options not exact in float32 (ε 0.3,
/// threshold 0.3, channel weights 0.1/0.7), float32 and float64, and NaN or ±∞ in one pixel matching the composed
/// path. Runs on every engine; one without the kernel compares the composed path with itself.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class DiceSumsFusedTests(ITensorEngine engine)
{
    private static readonly long[][] Shapes = [[2, 5, 3], [3, 7, 17], [2, 9, 8], [2, 4, 5, 33], [1, 3000, 100], [4, 64, 16], [2, 40, 45]];

    private static readonly Dictionary<string, object?>[] Options =
    [
        new(),
        new() { ["soft_dice"] = true, ["epsilon"] = 0.3 },
        new() { ["threshold"] = 0.3, ["channel_average"] = true },
        new() { ["mask_overlap"] = false, ["sample_average"] = true },
        new() { ["empty_nan"] = true },
    ];

    public static IEnumerable<TestCaseData> Cases() =>
        from s in Enumerable.Range(0, Shapes.Length)
        from o in Enumerable.Range(0, Options.Length)
        select new TestCaseData(s, o).SetArgDisplayNames(string.Join("x", Shapes[s]),
            Options[o].Count == 0 ? "defaults" : string.Join(",", Options[o].Select(kv => $"{kv.Key}={kv.Value}")));

    private static LossExample Example(long[] shape, Dictionary<string, object?> options, Action<double[]>? edit = null)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var random = new Random((int)n + options.Count);
        double[] p = Enumerable.Range(0, (int)n).Select(_ => random.NextDouble()).ToArray();
        double[] y = Enumerable.Range(0, (int)n).Select(_ => (double)random.Next(2)).ToArray();
        var arguments = new Dictionary<string, object?>(options);
        if (options.Count == 0) arguments["channel_weights"] = Enumerable.Range(0, (int)shape[^1]).Select(c => c % 2 == 0 ? 0.1 : 0.7).ToArray();
        edit?.Invoke(p);
        return new LossExample("random", p, shape, y, null, arguments, []);
    }

    [TestCaseSource(nameof(Cases))]
    public void FusedEqualsComposed(int shape, int option)
    {
        LossDefinition definition = LossRegistry.Get("dice_score");
        LossExample example = Example(Shapes[shape], Options[option]);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] fused = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Compute), out long[] fusedShape);
            double[] composed = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Composed), out long[] composedShape);
            Assert.That(fusedShape, Is.EqualTo(composedShape), $"{dtype.Name()}: result shape");
            Assert.That(fused, Is.All.Not.NaN, dtype.Name());
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(fused, composed, rtol, atol, message: dtype.Name());
        }
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void NonFinitePixelMatchesTheComposedPath(double bad)
    {
        LossDefinition definition = LossRegistry.Get("dice_score");
        long[] shape = [3, 7, 17];
        LossExample example = Example(shape, new(), p => p[(1 * 7 + 2) * 17 + 5] = bad);   // batch 1, pixel 2, channel 5
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] fused = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Compute), out _);
            double[] composed = engine.ToDoubleArray(example.Run(definition, engine, dtype, LossExample.Mode.Composed), out _);
            Assert.That(fused.Select(double.IsNaN), Is.EqualTo(composed.Select(double.IsNaN)), $"{bad} {dtype.Name()}: NaN where composed is NaN");
            Assert.That(composed.Count(double.IsNaN), Is.EqualTo(1), $"{bad} {dtype.Name()}: only (batch 1, channel 5) is hit");
            double[] Finite(double[] v) => v.Select(x => double.IsFinite(x) ? x : 0).ToArray();
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(Finite(fused), Finite(composed), rtol, atol, message: $"{bad} {dtype.Name()}");
        }
    }

    /// <summary>Calls the optional kernel <paramref name="method"/> of <paramref name="kernel"/> (an open generic
    /// interface) on the example's y_pred and y_true over the spatial axis, with <paramref name="options"/> after them;
    /// ignores the test on an engine without the kernel and fails if the kernel declines.</summary>
    private (EngineHarness Harness, object? Result) CallKernel(LossExample example, long[] shape, DType dtype, Type kernel,
        string method, string absent, params object[] options)
    {
        var harness = new EngineHarness(engine);
        object p = harness.Tensor(example.YPred, shape, dtype), y = harness.Tensor(example.YTrue!, shape, dtype);
        Type fused = kernel.MakeGenericType(p.GetType());
        object ops = engine.OpsFor(p.GetType())!;
        if (!fused.IsInstanceOfType(ops)) Assert.Ignore(absent);
        int[] spatial = engine.ClassAxis == 1 ? [2] : [1];
        object? result = fused.GetMethod(method)!.Invoke(ops, [p, y, spatial, .. options]);
        Assert.That(result, Is.Not.Null, dtype.Name());
        return (harness, result);
    }

    /// <summary>An engine offering the ratio kernel serves hard and soft Dice over its spatial axes, with the ratio a
    /// float64 loop written here gives (ε 0.3, not exact in float32).</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void RatioKernelServesTheSpatialRatio(bool squares)
    {
        long[] shape = [2, 40, 19];
        LossExample example = Example(shape, new());
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            (EngineHarness harness, object? result) = CallKernel(example, shape, dtype, typeof(IFusedDiceRatio<>),
                nameof(IFusedDiceRatio<object>.DiceRatio), "this engine has no fused Dice ratio: it composes it from its sums",
                squares, 0.3);
            double[] pv = example.YPred.Select(v => dtype == DType.Float32 ? (double)(float)v : v).ToArray(), yv = example.YTrue!;
            var expected = new double[2 * 19];
            for (int b = 0; b < 2; b++)
                for (int c = 0; c < 19; c++)
                {
                    double intersection = 0, sum = 0;
                    for (int s = 0; s < 40; s++)
                    {
                        int i = (b * 40 + s) * 19 + c;
                        intersection += pv[i] * yv[i];
                        sum += squares ? pv[i] * pv[i] + yv[i] * yv[i] : pv[i] + yv[i];
                    }
                    expected[b * 19 + c] = 2 * intersection / (sum + 0.3);
                }
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(harness.Values(result!), expected, rtol, atol, message: dtype.Name());
        }
    }

    /// <summary>An engine offering the kernel serves the channels-last case over its spatial axes, with the sums a
    /// float64 loop written here gives.</summary>
    [Test]
    public void KernelServesTheSpatialSums()
    {
        long[] shape = [2, 40, 19];
        LossExample example = Example(shape, new());
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            (EngineHarness harness, object? result) = CallKernel(example, shape, dtype, typeof(IFusedDiceSums<>),
                nameof(IFusedDiceSums<object>.DiceSums), "this engine has no fused Dice sums: its dice_score is composed", false);
            var sums = (System.Runtime.CompilerServices.ITuple)result!;
            double[] pv = example.YPred.Select(v => dtype == DType.Float32 ? (double)(float)v : v).ToArray(), yv = example.YTrue!;
            var expected = new double[3][] { new double[2 * 19], new double[2 * 19], new double[2 * 19] };
            for (int b = 0; b < 2; b++)
                for (int s = 0; s < 40; s++)
                    for (int c = 0; c < 19; c++)
                    {
                        int i = (b * 40 + s) * 19 + c;
                        expected[0][b * 19 + c] += pv[i] * yv[i];
                        expected[1][b * 19 + c] += pv[i];
                        expected[2][b * 19 + c] += yv[i];
                    }
            (double rtol, double atol) = Tolerance.For(dtype);
            for (int k = 0; k < 3; k++)
                TensorAssert.AreClose(harness.Values(sums[k]!), expected[k], rtol, atol, message: $"{dtype.Name()} sum {k}");
        }
    }
}
