using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>The result dtype each function states, on every engine: integers computed in float64 (or natively) and
/// cast back, float16/bfloat16 computed in float32 and rounded once.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class DTypeTests(ITensorEngine engine)
{
    private object T(double[] v, DType dtype, params long[] shape) => FunctionExamples.T(engine, v, shape, dtype);

    private static (DType, double[]) Read(object tensor) =>
        ((DType)Backend.ToType(tensor), TensorEngines.OwnerOf(tensor.GetType())!.ToDoubleArray(tensor, out _));

    [TestCase(DType.Int32)]
    [TestCase(DType.Int64)]
    [TestCase(DType.Float16)]
    [TestCase(DType.BFloat16)]
    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void AbsSignAndReductionsKeepTheDType(DType dtype)
    {
        object x = T([-2, 7, -19, 4], dtype, 2, 2);
        Assert.That(Read(Backend.Abs<object>(x)), Is.EqualTo((dtype, new double[] { 2, 7, 19, 4 })));
        Assert.That(Read(Backend.Sign<object>(x)), Is.EqualTo((dtype, new double[] { -1, 1, -1, 1 })));
        Assert.That(Read(Backend.ReduceSum<object>(x, 1)), Is.EqualTo((dtype, new double[] { 5, -15 })));
        Assert.That(Read(Backend.ReduceMax<object>(x, 0)), Is.EqualTo((dtype, new double[] { -2, 7 })));
        Assert.That(Read(Backend.Transpose<object>(x)), Is.EqualTo((dtype, new double[] { -2, -19, 7, 4 })));
        Assert.That(Read(Backend.ArgMax(x, 1)), Is.EqualTo((DType.Int64, new double[] { 1, 1 })));
    }

    [TestCase(DType.Int32)]
    [TestCase(DType.Int64)]
    public void IntegerMeansAndRootsAreFloat32(DType dtype)
    {
        object x = T([1, 2, 4, 8], dtype, 2, 2);
        (DType mean, double[] means) = Read(Backend.ReduceMean<object>(x, 1));
        Assert.That(mean, Is.EqualTo(DType.Float32));
        Assert.That(means, Is.EqualTo(new double[] { 1.5, 6 }));
        (DType root, double[] roots) = Read(Backend.TensorSqrt<object>(x));
        Assert.That(root, Is.EqualTo(DType.Float32));
        Assert.That(roots, Is.EqualTo(new[] { 1, Math.Sqrt(2), 2, Math.Sqrt(8) }.Select(v => (double)(float)v)));
    }

    [Test]
    public void Float16IsComputedInFloat32AndRoundedOnce()
    {
        // exp(0.1) = 1.10517…; float16 holds 1.1054688 (nearest of the float32 result).
        (DType dtype, double[] v) = Read(Backend.Exp<object>(T([0.1], DType.Float16, 1)));
        Assert.That(dtype, Is.EqualTo(DType.Float16));
        Assert.That(v[0], Is.EqualTo((double)(Half)(float)Math.Exp((double)(Half)0.1)));
    }

    [Test]
    public void BinaryFunctionsPromote()
    {
        object a = T([1, 2], DType.Int32, 2), b = T([0.1, 0.3], DType.Float64, 2);
        (DType dtype, double[] v) = Read(Backend.Add<object>(a, b));
        Assert.That(dtype, Is.EqualTo(DType.Float64));
        Assert.That(v, Is.EqualTo(new[] { 1.1, 2.3 }));
        (DType max, double[] m) = Read(Backend.Maximum<object>(T([0.1, 0.5], DType.Float32, 2), b));
        Assert.That(max, Is.EqualTo(DType.Float64));
        Assert.That(m, Is.EqualTo(new[] { (double)0.1f, 0.5 }), "float32's 0.1 is 0.100000001, above float64's 0.1");
    }

    [Test]
    public void CastTruncatesTowardZero()
    {
        (DType dtype, double[] v) = Read(Backend.Cast(T([-1.7, 2.9, 0.3], DType.Float64, 3), DType.Int32));
        Assert.That(dtype, Is.EqualTo(DType.Int32));
        Assert.That(v, Is.EqualTo(new double[] { -1, 2, 0 }));
    }

    [Test]
    public void ToNumberReturnsTheDTypesArray()
    {
        Assert.That(Backend.ToNumber(T([1, 2], DType.Int64, 2)), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(Backend.ToNumber(T([0.1, 2], DType.Float32, 2)), Is.EqualTo(new[] { 0.1f, 2f }));
        Assert.That(Backend.ToNumber<double>(T([0.1, 2], DType.Float64, 2)), Is.EqualTo(new[] { 0.1, 2 }));
    }

    [Test]
    public void ToTensorTakesMultidimensionalArraysAndOtherEnginesTensors()
    {
        object x = Backend.ToTensor(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }, engine);
        Assert.That(Backend.GetShape(x), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(Backend.ToType(x), Is.EqualTo(DType.Float32));
        foreach (ITensorEngine other in TensorEngines.All)
        {
            object copy = Backend.ToTensor(x, other);
            Assert.That(TensorEngines.OwnerOf(copy.GetType()), Is.SameAs(other));
            Assert.That(Backend.ToNumber<float>(copy), Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
        }
    }
}
