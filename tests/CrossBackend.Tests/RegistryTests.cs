using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Every loss in the registry on every engine found, with no loss or engine named here: the published examples
/// (float32, and float16/bfloat16 within their tolerances), fused kernels against the composed definition, and
/// gradients of every engine against every other. A new loss is covered by its registry entry and its examples; a
/// new engine by being referenced.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class RegistryTests(ITensorEngine engine)
{
    public static IEnumerable<TestCaseData> Examples() =>
        from loss in LossRegistry.All
        from index in Enumerable.Range(0, loss.Examples.Count)
        select new TestCaseData(loss.Name, index).SetArgDisplayNames(loss.Name, $"{index}: {loss.Examples[index]}");

    private static (LossDefinition Loss, LossExample Example) Find(string name, int index)
    {
        LossDefinition loss = LossRegistry.Get(name);
        return (loss, loss.Examples[index]);
    }

    [TestCaseSource(nameof(Examples))]
    public void ReproducesThePublishedValue(string name, int index)
    {
        (LossDefinition loss, LossExample example) = Find(name, index);
        double[] actual = engine.ToDoubleArray(example.Run(loss, engine), out _);
        (double rtol, double atol) = Tolerance.For(DType.Float32);
        TensorAssert.AreClose(actual, example.Expected, rtol, atol + example.Rounding);
    }

    [TestCaseSource(nameof(Examples))]
    public void NarrowFloatsRoundOnce(string name, int index)
    {
        (LossDefinition loss, LossExample example) = Find(name, index);
        double[] wide = engine.ToDoubleArray(example.Run(loss, engine, DType.Float32), out _);
        foreach (DType narrow in new[] { DType.Float16, DType.BFloat16 })
        {
            object result = example.Run(loss, engine, narrow);
            Assert.That(engine.Describe(result).DType, Is.EqualTo(narrow), "the result keeps the input's dtype");
            // The inputs were rounded to the narrow dtype first, so compare with the narrow dtype's tolerance, widened by
            // the input rounding's effect (one narrow ulp of the inputs).
            (double rtol, double atol) = Tolerance.For(narrow);
            TensorAssert.AreClose(engine.ToDoubleArray(result, out _), wide, 4 * rtol, 4 * atol + example.Rounding);
        }
    }

    [TestCaseSource(nameof(Examples))]
    public void FusedKernelsEqualTheComposedDefinition(string name, int index)
    {
        (LossDefinition loss, LossExample example) = Find(name, index);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] fused = engine.ToDoubleArray(example.Run(loss, engine, dtype, LossExample.Mode.Compute), out _);
            double[] composed = engine.ToDoubleArray(example.Run(loss, engine, dtype, LossExample.Mode.Composed), out _);
            (double rtol, double atol) = Tolerance.For(dtype);
            TensorAssert.AreClose(fused, composed, rtol, atol);
        }
    }

    [TestCaseSource(nameof(Examples))]
    public void GradientsAgreeWithEveryOtherEngine(string name, int index)
    {
        (LossDefinition loss, LossExample example) = Find(name, index);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            double[] mine = ChannelsLastGradient(engine, loss, example, dtype);
            Assert.That(mine, Has.Length.EqualTo(example.YPred.Length), "dL/dy_pred has y_pred's size");
            (double rtol, double atol) = Tolerance.For(dtype);
            foreach (ITensorEngine other in TensorEngines.All.Where(e => e != engine))
                // NaN where both engines give NaN agrees (the generalized crossentropy's 0·(−∞) beside a p = 0 label).
                TensorAssert.AreClose(mine, ChannelsLastGradient(other, loss, example, dtype), rtol, atol, equalNan: true,
                    message: $"{engine.Name} vs {other.Name}, {dtype.Name()}");
        }
    }

    /// <summary>The gradient moved back to the example's channels-last layout.</summary>
    private static double[] ChannelsLastGradient(ITensorEngine e, LossDefinition loss, LossExample example, DType dtype)
    {
        object gradient = example.Run(loss, e, dtype, LossExample.Mode.Gradient);
        return ChannelsLast(e, gradient, example.Shape.Length);
    }

    /// <summary>An engine's gradient of rank <paramref name="rank"/> moved back to channels-last, as doubles.</summary>
    internal static double[] ChannelsLast(ITensorEngine e, object gradient, int rank)
    {
        int classAxis = e.ClassAxis < 0 ? e.ClassAxis + rank : e.ClassAxis;
        // Rank-1 data has no class axis to move (FromChannelsLast leaves it as it is).
        object layout = rank < 2 || classAxis == rank - 1 ? gradient : e.MoveAxis(gradient, classAxis, rank - 1);
        return e.ToDoubleArray(layout, out _);
    }
}
