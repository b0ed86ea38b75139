using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Gradient properties that hold on each engine by itself (run on every engine found): the XML docs' worked
/// examples, reduction none as the gradient of the sum, fully ignored batches, narrow floats computed in float32 and
/// rounded once, and option validation as in the forward loss. Cross-engine agreement is <see cref="GradientTests"/>.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class GradientPropertyTests(ITensorEngine engine)
{
    private object F(double[] values, long[] shape, DType dtype = DType.Float32) => new EngineHarness(engine).Tensor(values, shape, dtype);
    private object Labels(long[] values) => engine.FromArray(values, [values.Length]);
    private double[] Values(object gradient) => GradientTests.ChannelsLast(engine, gradient);

    [Test]
    public void DocumentedExamples()
    {
        object p = F([0.2, 0.3, 0.5], [1, 3]), y = F([0, 0, 1], [1, 3]);
        Assert.That(Values(GradientCalls.CategoricalCrossentropyGradient(p, y)), Is.EqualTo(new[] { 1.0, 1, -1 }).Within(1e-6));
        object z = F([0, 0, 0], [1, 3]);
        Assert.That(Values(GradientCalls.CategoricalCrossentropyGradient(z, y, fromLogits: true)),
            Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, -2 / 3.0 }).Within(1e-6));

        object p2 = F([0.2, 0.3, 0.5, 0.25, 0.25, 0.5], [2, 3]);
        Assert.That(Values(GradientCalls.SparseCategoricalCrossentropyGradient(p2, Labels([2, 0]))),
            Is.EqualTo(new[] { 0.5, 0.5, -0.5, -1.5, 0.5, 0.5 }).Within(1e-6));

        object pb = F([0.8, 0.4], [1, 2]), yb = F([1, 0], [1, 2]);
        Assert.That(Values(GradientCalls.BinaryCrossentropyGradient(pb, yb)), Is.EqualTo(new[] { -0.625, 1 / 1.2 }).Within(1e-6));
    }

    [Test]
    public void ReductionNoneIsTheGradientOfTheSum()
    {
        object p = F([0.2, 0.3, 0.5, 0.25, 0.25, 0.5], [2, 3], DType.Float64);
        double[] none = Values(GradientCalls.SparseCategoricalCrossentropyGradient(p, Labels([2, 0]), averageLoss: false));
        double[] sum = Values(GradientCalls.SparseCategoricalCrossentropyGradient(p, Labels([2, 0]), reduction: Reduction.Sum));
        Assert.That(none, Is.EqualTo(sum));
    }

    [Test]
    public void EveryElementIgnoredGivesZeroGradient()
    {
        object p = F([0.2, 0.3, 0.5, 0.25, 0.25, 0.5], [2, 3]);
        foreach (Reduction reduction in Enum.GetValues<Reduction>())
            Assert.That(Values(GradientCalls.SparseCategoricalCrossentropyGradient(p, Labels([-1, -1]), ignoreClass: -1, reduction: reduction)),
                Is.All.EqualTo(0.0), reduction.ToString());
    }

    /// <summary>float16 and bfloat16: the float32 gradient of the (rounded) inputs, rounded once to the narrow dtype,
    /// returned in the narrow dtype with y_pred's shape.</summary>
    [Test]
    public void NarrowFloatsAreComputedInFloat32AndReturnedInTheirDtype([Values(DType.Float16, DType.BFloat16)] DType narrow)
    {
        object pred32 = F([0.2, 0.3, 0.5, 0.1, 0.6, 0.3], [2, 3]);
        object target = F([0, 1, 0, 0, 0, 1], [2, 3]);
        object pred = engine.Cast(pred32, narrow);
        object rounded = engine.Cast(pred, DType.Float32);
        double[] expected = engine.ToDoubleArray(engine.Cast(GradientCalls.CategoricalCrossentropyGradient(rounded, target), narrow), out _);

        object gradient = GradientCalls.CategoricalCrossentropyGradient(pred, target);
        Assert.That(engine.Describe(gradient).DType, Is.EqualTo(narrow));
        Assert.That(engine.Describe(gradient).Shape, Is.EqualTo(engine.Describe(pred).Shape));
        Assert.That(engine.ToDoubleArray(gradient, out _), Is.EqualTo(expected));
    }

    [Test]
    public void OptionsAreValidatedAsInTheForwardLoss()
    {
        object p = F([0.2, 0.3, 0.5], [1, 3]), y = F([0, 0, 1], [1, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientCalls.CategoricalCrossentropyGradient(p, y, labelSmoothing: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientCalls.SparseCategoricalCrossentropyGradient(p, Labels([3])));
        Assert.Throws<ArgumentException>(() => GradientCalls.BinaryCrossentropyGradient(p, F([0, 1], [1, 2])));
    }
}
