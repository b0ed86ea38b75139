using CrossBackend.Testing;
using CrossBackend.Tests.References;

namespace CrossBackend.Tests;

/// <summary>
/// <see cref="Losses.L2Regularization{TParams}(IReadOnlyList{TParams}, double)"/>: FastEstimator's
/// <c>l2_regularization(model, beta)</c> over a list of parameter tensors, on every engine found — against a plain
/// float64 sum, the single-tensor path on the concatenated values, and the sum of the single-tensor path per tensor.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class L2RegularizationListTests(ITensorEngine engine)
{
    private const double Beta = 0.3;
    private static readonly long[][] Shapes = [[3, 4], [5], [2, 3, 2]];

    private static double[][] Values() => Shapes.Select((s, i) => Ref.Uniform(700 + i, s.Aggregate(1L, (a, b) => a * b), -2, 2)).ToArray();

    private object[] Tensors(DType dtype) => Values().Select((v, i) =>
        engine.FromArray(dtype == DType.Float64 ? v : v.Select(x => (float)x).ToArray(), Shapes[i])).ToArray();

    private double One(object result)
    {
        Assert.That(engine.ToDoubleArray(result, out _), Has.Length.EqualTo(1), "one value");
        return engine.ToDoubleArray(result, out _)[0];
    }

    [Test]
    public void SumsOverEveryTensorAsTheFloat64ReferenceAndTheSingleTensorPath([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        double expected = Beta * Values().SelectMany(v => v).Sum(x => x * x) / 2;
        object[] tensors = Tensors(dtype);
        object fromArray = Losses.L2Regularization(tensors, Beta);
        object fromList = Losses.L2Regularization(tensors.ToList(), Beta);
        object fromReadOnly = Losses.L2Regularization((IReadOnlyList<object>)tensors, Beta);
        double[] all = Values().SelectMany(v => v).ToArray();
        object single = Losses.L2Regularization(engine.FromArray(dtype == DType.Float64 ? all : all.Select(x => (float)x).ToArray(), [all.Length]), Beta);
        double perTensor = tensors.Sum(t => One(Losses.L2Regularization(t, Beta)));

        Assert.That(engine.Describe(fromArray).DType, Is.EqualTo(dtype), "the result keeps the parameters' dtype");
        (double rtol, double atol) = Tolerance.For(dtype);
        foreach ((string what, double actual) in new[] { ("array", One(fromArray)), ("List", One(fromList)), ("IReadOnlyList", One(fromReadOnly)) })
        {
            Assert.That(actual, Is.EqualTo(expected).Within(rtol * Math.Abs(expected) + atol), $"{what} vs the float64 reference");
            Assert.That(actual, Is.EqualTo(One(single)).Within(rtol * Math.Abs(expected) + atol), $"{what} vs the single tensor of all values");
            Assert.That(actual, Is.EqualTo(perTensor).Within(rtol * Math.Abs(expected) + atol), $"{what} vs the sum of the single-tensor calls");
        }
    }

    [Test]
    public void AListOfOneIsTheSingleTensorCall()
    {
        object t = Tensors(DType.Float64)[2];
        Assert.That(One(Losses.L2Regularization(new[] { t }, Beta)), Is.EqualTo(One(Losses.L2Regularization(t, Beta))).Within(1e-15));
    }

    [Test]
    public void ATensorOfAnotherEngineOrNoEngineIsRefusedByItsPlaceInTheList()
    {
        object[] tensors = Tensors(DType.Float32);
        var strangers = TensorEngines.All.Where(e => e != engine)
            .Select(e => e.FromArray(new float[] { 0.1f, 0.3f }, [2])).Append(new double[] { 0.1, 0.3 });
        foreach (object stranger in strangers)
        {
            var e = Assert.Throws<ArgumentException>(() => Losses.L2Regularization(new[] { tensors[0], tensors[1], stranger }, Beta));
            Assert.That(e!.ParamName, Is.EqualTo("parameters[2]"));
            Assert.That(e.Message, Does.Contain("`parameters[2]`").And.Contain("Received"));
        }
    }

    [Test]
    public void MixedDtypesEmptyListsNullsAndBadBetaAreRefusedNamingTheArgument()
    {
        object[] f32 = Tensors(DType.Float32), f64 = Tensors(DType.Float64);
        var dtype = Assert.Throws<ArgumentException>(() => Losses.L2Regularization(new[] { f32[0], f64[1] }, Beta));
        Assert.That(dtype!.ParamName, Is.EqualTo("parameters[1]"));
        Assert.That(dtype.Message, Does.Contain("float32").And.Contain("float64"));

        var empty = Assert.Throws<ArgumentException>(() => Losses.L2Regularization(Array.Empty<object>(), Beta));
        Assert.That(empty!.ParamName, Is.EqualTo("parameters"));

        var missing = Assert.Throws<ArgumentNullException>(() => Losses.L2Regularization(new[] { f32[0], null! }, Beta));
        Assert.That(missing!.ParamName, Is.EqualTo("parameters[1]"));

        var beta = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.L2Regularization(f32, -0.1));
        Assert.That(beta!.ParamName, Is.EqualTo("beta"));
        Assert.That(beta.Message, Does.Contain("Received: beta=-0.1"));
    }
}
