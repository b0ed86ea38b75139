using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>Every published FastEstimator example of <see cref="FunctionExamples"/> on every engine: values within the
/// published digits and the documented shape (a rank-0 result may be [1] on engines without rank-0 tensors).</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class PublishedExampleTests(ITensorEngine engine)
{
    public static IEnumerable<TestCaseData> Examples() =>
        FunctionExamples.All().Select((x, i) => new TestCaseData(i).SetArgDisplayNames(x.Function, x.Name));

    [TestCaseSource(nameof(Examples))]
    public void ReproducesThePublishedNumbers(int index)
    {
        FunctionExample example = FunctionExamples.All().ElementAt(index);
        object result = example.Run(engine);
        Assert.That(TensorEngines.OwnerOf(result.GetType()), Is.SameAs(engine), "the result belongs to the input's engine");
        double[] actual = engine.ToDoubleArray(result, out long[] shape);
        if (example.Shape is { } expectedShape)
            Assert.That(shape, Is.EqualTo(expectedShape).Or.EqualTo(expectedShape.Length == 0 ? new long[] { 1 } : expectedShape), "shape");
        Assert.That(actual, Is.EqualTo(example.Expected).Within(example.Tolerance), example.ToString());
    }

    [Test]
    public void CheckNanFindsNaNAndInfinity()
    {
        double[] values = [1, 2, 3, double.NaN, 5, 6, 7, 8];
        Assert.That(Backend.CheckNan(FunctionExamples.T(engine, values, [2, 2, 2], DType.Float32)), Is.True);
        values[3] = double.PositiveInfinity;
        Assert.That(Backend.CheckNan(FunctionExamples.T(engine, values, [2, 2, 2], DType.Float64)), Is.True);
        values[3] = 4;
        Assert.That(Backend.CheckNan(FunctionExamples.T(engine, values, [2, 2, 2], DType.Float32)), Is.False);
        Assert.That(Backend.CheckNan(FunctionExamples.T(engine, values, [2, 2, 2], DType.Int32)), Is.False);
    }

    [Test]
    public void GetShapeAndToType()
    {
        object x = FunctionExamples.T(engine, Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), [3, 2, 2], DType.Int64);
        Assert.That(Backend.GetShape(x), Is.EqualTo(new long[] { 3, 2, 2 }));
        Assert.That(Backend.ToType(x), Is.EqualTo(DType.Int64));
        Assert.That(Backend.ToType(Backend.Cast(x, "float16")), Is.EqualTo(DType.Float16));
        Assert.That(Backend.ToType(Backend.Cast(x, DType.Float64)), Is.EqualTo(DType.Float64));
        Assert.That(Backend.ToType(Backend.ConvertTensorPrecision(x)), Is.EqualTo(DType.Float32));
    }
}
