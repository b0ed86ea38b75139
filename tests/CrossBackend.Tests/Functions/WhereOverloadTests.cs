using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>Every overload of <see cref="Backend.Where{T}(object, T, T)"/> on every engine: two tensors, a tensor and a
/// constant either way round, and two constants in a stated dtype (the two-tensor and two-constant overloads were
/// refused before, with "no dtype other").</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class WhereOverloadTests(ITensorEngine engine)
{
    private static readonly bool[] Condition = [true, false, false, true, true, false];
    private static readonly double[] A = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], B = [-0.7, -0.8, -0.9, -1.1, -1.2, -1.3];

    private object Cond() => engine.FromArray(Condition, [2, 3]);
    private object T(double[] v, DType dtype = DType.Float64) => Backend.ToTensor(v, engine, dtype, [2, 3]);
    private double[] Read(object t) => engine.ToDoubleArray(t, out _);
    private static double[] Pick(double[] yes, double[] no) => Condition.Select((c, i) => c ? yes[i] : no[i]).ToArray();

    [Test]
    public void TwoTensors()
    {
        object r = Backend.Where(Cond(), T(A), T(B));
        Assert.That(Read(r), Is.EqualTo(Pick(A, B)));
        Assert.That(Backend.ToType(r), Is.EqualTo(DType.Float64));
    }

    [Test]
    public void ATensorAndAConstant()
    {
        Assert.That(Read(Backend.Where(Cond(), T(A), 0.3)), Is.EqualTo(Pick(A, Enumerable.Repeat(0.3, 6).ToArray())));
        Assert.That(Read(Backend.Where(Cond(), 0.3, T(B))), Is.EqualTo(Pick(Enumerable.Repeat(0.3, 6).ToArray(), B)));
    }

    [Test]
    public void TwoConstantsInTheStatedDType([Values(DType.Float32, DType.Float64, DType.Int64)] DType dtype)
    {
        object r = Backend.Where(Cond(), 7, -2, dtype);
        Assert.That(Backend.ToType(r), Is.EqualTo(dtype));
        Assert.That(Read(r), Is.EqualTo(Condition.Select(c => c ? 7.0 : -2.0)));
    }
}
