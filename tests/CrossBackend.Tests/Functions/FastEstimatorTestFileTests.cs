using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// FastEstimator's backend unit tests (<c>test/PR_test/unit_test/backend/test_*.py</c>) whose checks do not fit
/// <see cref="FunctionExamples"/>' one absolute tolerance, on every engine: values compared as the tests compare them,
/// with np.allclose (|actual − expected| ≤ atol + rtol·|expected|; NumPy's atol 1e-8 and rtol 1e-5 unless the test
/// gives its own), in the dtype the test builds; and the result dtypes, shapes and ranges the tests assert. The
/// expected values are the tests' own.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class FastEstimatorTestFileTests(ITensorEngine engine)
{
    /// <summary>np.allclose's defaults.</summary>
    private const double DefaultAtol = 1e-8, DefaultRtol = 1e-5;

    /// <summary>One test's check: the result of <paramref name="Run"/> in <paramref name="DType"/> and of
    /// <paramref name="Shape"/>, its values allclose to <paramref name="Expected"/> (row-major).</summary>
    public sealed record AllCloseCase(string Function, string Name, Func<ITensorEngine, object> Run, double[] Expected, long[] Shape, DType DType,
        double Atol = DefaultAtol, double Rtol = DefaultRtol)
    {
        public override string ToString() => $"{Function}: {Name}";
    }

    private static object T(ITensorEngine e, double[] v, DType dtype, params long[] shape) => FunctionExamples.T(e, v, shape, dtype);
    private static double[] Repeat(double value, int count) => Enumerable.Repeat(value, count).ToArray();

    private static readonly double[] ExpIn = [-2, 2, 1];
    private static readonly double[] ExpExpected = [0.13533528, 7.3890561, 2.71828183];
    private static readonly double[] IwdIn = [0.5, 0.5, 0.5, 0.5, 0.5, 0, 1, 1, 1, 1];
    private static readonly double[] LambertIn = [-1.0 / Math.E, -0.34, -0.32, -0.2, 0, 0.12, 0.15, Math.E, 5, Math.Exp(1 + Math.E), 100];
    private static readonly double[] LambertExpected = [-1.0, -0.653695, -0.560489, -0.259171, 0, 0.107743, 0.131515, 1, 1.32672, Math.E, 3.38563];
    private static readonly double[] PowIn = [1, 4, 6, 2.3, 0.5, 0];
    private static readonly double[] Pow32Expected = [1, 84.4485063, 309.089322, 14.3723927, 0.10881882, 0];
    private static readonly double[] Pow021Expected = [1, 1.33792755, 1.45683968, 1.1911401, 0.86453723, 0];
    private static readonly double[] SqrtIn = [1, 4, 6, 4, 9, 16];

    public static IEnumerable<AllCloseCase> AllClose()
    {
        yield return new("exp", "float32 [-2, 2, 1]", e => Backend.Exp(T(e, ExpIn, DType.Float32, 3)), ExpExpected, [3], DType.Float32);
        yield return new("exp", "float64 [-2, 2, 1]", e => Backend.Exp(T(e, ExpIn, DType.Float64, 3)), ExpExpected, [3], DType.Float64);

        // test_iwd's NumPy cases: [[0.5] * l, [0] + [1] * (l - 1)] give [[1/l] * l, [pr] + [(1 - pr)/(l - 1)] * (l - 1)].
        foreach ((int l, double pr, double p) in new[] { (5, 0.95, 1.0), (5, 0.80, 1.0), (5, 0.999, 1.0), (16, 0.95, 3.0), (16, 0.80, 3.0),
                     (16, 0.999, 3.0), (64, 0.95, 0.25), (64, 0.80, 0.25), (64, 0.999, 0.25), (1000, 0.999, 1.0) })
        {
            double[] input = [.. Repeat(0.5, l), 0, .. Repeat(1, l - 1)];
            double[] expected = [.. Repeat(1.0 / l, l), pr, .. Repeat((1.0 - pr) / (l - 1.0), l - 1)];
            yield return new("iwd", $"float64 l={l}, max_prob={pr}, power={p}", e => Backend.Iwd(T(e, input, DType.Float64, 2, l), p, pr, 1.0),
                expected, [2, l], DType.Float64);
        }
        yield return new("iwd", "float32 [[0.5] * 5, [0] + [8] * 4], pairwise_distance=8",
            e => Backend.Iwd(T(e, [0.5, 0.5, 0.5, 0.5, 0.5, 0, 8, 8, 8, 8], DType.Float32, 2, 5), pairwiseDistance: 8.0),
            [0.2, 0.2, 0.2, 0.2, 0.2, 0.95, 0.0125, 0.0125, 0.0125, 0.0125], [2, 5], DType.Float32);
        yield return new("iwd", "float32 eps=0.062499999999999986", e => Backend.Iwd(T(e, IwdIn, DType.Float32, 2, 5), eps: 0.062499999999999986),
            [0.2, 0.2, 0.2, 0.2, 0.2, 0.80, 0.05, 0.05, 0.05, 0.05], [2, 5], DType.Float32);

        yield return new("lambertw", "float64", e => Backend.LambertW(T(e, LambertIn, DType.Float64, 11)), LambertExpected, [11], DType.Float64);
        yield return new("lambertw", "float32, atol=1e-6", e => Backend.LambertW(T(e, LambertIn, DType.Float32, 11)), LambertExpected, [11], DType.Float32,
            Atol: 1e-6);

        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            yield return new("tensor_pow", $"{dtype.Name()} ^3.2", e => Backend.TensorPow(T(e, PowIn, dtype, 2, 3), 3.2), Pow32Expected, [2, 3], dtype);
            yield return new("tensor_pow", $"{dtype.Name()} ^0.21", e => Backend.TensorPow(T(e, PowIn, dtype, 2, 3), 0.21), Pow021Expected, [2, 3], dtype);
        }

        yield return new("tensor_sqrt", "float32", e => Backend.TensorSqrt(T(e, SqrtIn, DType.Float32, 2, 3)), [1, 2, 2.4494898, 2, 3, 4], [2, 3], DType.Float32);
        // The PyTorch test's torch.allclose (the same defaults) against four digits.
        yield return new("tensor_sqrt", "float32 to 2.4495", e => Backend.TensorSqrt(T(e, SqrtIn, DType.Float32, 2, 3)), [1, 2, 2.4495, 2, 3, 4], [2, 3], DType.Float32);
    }

    public static IEnumerable<TestCaseData> AllCloseCases() =>
        AllClose().Select(x => new TestCaseData(x).SetArgDisplayNames(x.Function, x.Name));

    [TestCaseSource(nameof(AllCloseCases))]
    public void ValuesAreAllCloseToTheTests(AllCloseCase c)
    {
        object result = c.Run(engine);
        double[] actual = engine.ToDoubleArray(result, out long[] shape);
        Assert.That(shape, Is.EqualTo(c.Shape), "shape");
        Assert.That(Backend.ToType(result), Is.EqualTo(c.DType), "dtype");
        TensorAssert.AreClose(actual, c.Expected, c.Rtol, c.Atol, message: c.ToString());
    }

    [Test]
    public void OnesLikeKeepsInt32()
    {
        object ones = Backend.OnesLike(T(engine, [0, 1, 2, 3], DType.Int32, 2, 2));
        Assert.That(Backend.ToType(ones), Is.EqualTo(DType.Int32));
        Assert.That(engine.ToDoubleArray(ones, out long[] shape), Is.EqualTo(new double[] { 1, 1, 1, 1 }));
        Assert.That(shape, Is.EqualTo(new long[] { 2, 2 }));
    }

    [Test]
    public void ZerosLikeTakesTheDType()
    {
        object zeros = Backend.ZerosLike(T(engine, [0, 1, 2, 3], DType.Int64, 2, 2), DType.Float32);
        Assert.That(Backend.ToType(zeros), Is.EqualTo(DType.Float32));
        Assert.That(engine.ToDoubleArray(zeros, out long[] shape), Is.EqualTo(new double[] { 0, 0, 0, 0 }));
        Assert.That(shape, Is.EqualTo(new long[] { 2, 2 }));
    }

    [Test]
    public void NormalizeOfIntegersIsFloat32()
    {
        object x = T(engine, Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), DType.Int64, 1, 2, 2, 3);
        Assert.That(Backend.ToType(Backend.Normalize(x, 0.5, 0.31382295, 11.0)), Is.EqualTo(DType.Float32));
    }

    [Test]
    public void ToTensorKeepsTheArraysDType()
    {
        Assert.That(Backend.ToType(Backend.ToTensor(new int[150], engine, null, [10, 15])), Is.EqualTo(DType.Int32));
        Assert.That(Backend.ToType(Backend.ToTensor(new float[4], engine, null, [4])), Is.EqualTo(DType.Float32));
        Assert.That(Backend.ToType(Backend.ToTensor(new float[15], engine, null, [5, 3])), Is.EqualTo(DType.Float32));
        Assert.That(Backend.ToType(Backend.ToTensor(new double[4], engine, null, [2, 2])), Is.EqualTo(DType.Float64));
        object int16 = Backend.ToTensor(new short[13 * 3 * 2 * 4], engine, null, [13, 3, 2, 4]);
        Assert.That(Backend.ToType(int16), Is.EqualTo(DType.Int16));
        Assert.That(Backend.GetShape(int16), Is.EqualTo(new long[] { 13, 3, 2, 4 }));
    }

    [Test]
    public void RandomNormalLikeIsFloat32OfTheInputsShape()
    {
        object fromInt = Backend.RandomNormalLike(T(engine, [0, 1, 2, 3], DType.Int64, 2, 2));
        object shifted = Backend.RandomNormalLike(T(engine, [1, 1, 2, 3], DType.Float32, 2, 2), mean: 5.0);
        foreach (object r in new[] { fromInt, shifted })
        {
            Assert.That(Backend.GetShape(r), Is.EqualTo(new long[] { 2, 2 }));
            Assert.That(Backend.ToType(r), Is.EqualTo(DType.Float32));
        }
    }

    [Test]
    public void RandomUniformLikeIsFloat32InTheRange()
    {
        object unit = Backend.RandomUniformLike(T(engine, [0, 1, 2, 3], DType.Int64, 2, 2));
        object negative = Backend.RandomUniformLike(T(engine, [1, 1, 2, 3], DType.Float32, 2, 2), -5.0, -3.0);
        foreach ((object r, double low, double high) in new[] { (unit, 0.0, 1.0), (negative, -5.0, -3.0) })
        {
            Assert.That(Backend.GetShape(r), Is.EqualTo(new long[] { 2, 2 }));
            Assert.That(Backend.ToType(r), Is.EqualTo(DType.Float32));
            Assert.That(engine.ToDoubleArray(r, out _), Has.All.GreaterThanOrEqualTo(low).And.LessThan(high));
        }
    }
}
