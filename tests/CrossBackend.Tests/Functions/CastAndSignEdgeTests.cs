using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// Values at the edges of a cast and of sign, the same on every engine and as PyTorch 1.13 and NumPy 1.24 give them
/// on x86 (measured with Debian's python3-torch and python3-numpy; both agree for float32 and float64 sources): floats
/// to integers truncate toward zero; NaN, ±∞ and values beyond int32/int64 give the type's minimum; int16, int8 and
/// uint8 take that int32 value wrapped to their width; integers to narrower integers wrap. Before session 32 the
/// channels-last engine saturated (−1.0 → uint8 0, where both libraries give 255) or threw .NET's "Arithmetic
/// operation resulted in an overflow", and torch's sign gave 0 for NaN against the documented NaN.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class CastAndSignEdgeTests(ITensorEngine engine)
{
    private static readonly double[] Floats = [-1.0, 300.7, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e30, -2.5, 3e9, -129.9, 65535.9, 2147483520.0];

    private static readonly (DType Target, double[] Expected)[] FromFloats =
    [
        (DType.UInt8, [255, 44, 0, 0, 0, 0, 254, 0, 127, 255, 128]),
        (DType.Int8, [-1, 44, 0, 0, 0, 0, -2, 0, 127, -1, -128]),
        (DType.Int16, [-1, 300, 0, 0, 0, 0, -2, 0, -129, -1, -128]),
        (DType.Int32, [-1, 300, int.MinValue, int.MinValue, int.MinValue, int.MinValue, -2, int.MinValue, -129, 65535, 2147483520]),
        (DType.Int64, [-1, 300, long.MinValue, long.MinValue, long.MinValue, long.MinValue, -2, 3e9, -129, 65535, 2147483520]),
    ];

    public static IEnumerable<TestCaseData> FloatCases() =>
        from t in Enumerable.Range(0, FromFloats.Length)
        from source in new[] { DType.Float32, DType.Float64 }
        select new TestCaseData(t, source).SetArgDisplayNames(FromFloats[t].Target.Name(), "from " + source.Name());

    [TestCaseSource(nameof(FloatCases))]
    public void FloatsCastAsPyTorchAndNumPyCastThem(int target, DType source)
    {
        (DType dtype, double[] expected) = FromFloats[target];
        object x = Backend.ToTensor(Floats, engine, source, [Floats.Length]);
        object cast = Backend.Cast(x, dtype);
        Assert.That(Backend.ToType(cast), Is.EqualTo(dtype));
        Assert.That(engine.ToDoubleArray(cast, out _), Is.EqualTo(expected));
    }

    [TestCase(DType.UInt8, new[] { 44.0, 251, 255, 0, 127 })]
    [TestCase(DType.Int8, new[] { 44.0, -5, -1, 0, 127 })]
    [TestCase(DType.Int16, new[] { 300.0, -5, 255, 256, 127 })]
    public void IntegersWrapToANarrowerType(DType dtype, double[] expected)
    {
        object x = Backend.ToTensor(new long[] { 300, -5, 255, 256, 127 }, engine, DType.Int64, [5]);
        Assert.That(engine.ToDoubleArray(Backend.Cast(x, dtype), out _), Is.EqualTo(expected));
    }

    [TestCase(DType.Float16)]
    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void SignKeepsNaN(DType dtype)
    {
        object x = Backend.ToTensor(new[] { double.NaN, 0.0, 2, -3, double.PositiveInfinity, double.NegativeInfinity, 1e-40 }, engine, dtype, [7]);
        double[] sign = engine.ToDoubleArray(Backend.Sign(x), out _);
        Assert.That(double.IsNaN(sign[0]), $"sign(NaN) = {sign[0]}, NaN expected (NumPy's and Keras's sign; libtorch's gives 0)");
        Assert.That(sign[1..6], Is.EqualTo(new[] { 0.0, 1, -1, 1, -1 }));
        Assert.That(sign[6], Is.EqualTo(dtype == DType.Float16 ? 0 : 1), "1e-40: 0 in float16, a subnormal in float32");
        double[] zero = engine.ToDoubleArray(Backend.Sign(Backend.ToTensor(new[] { -0.0, 0.0 }, engine, dtype, [2])), out _);
        Assert.That(zero.Select(double.IsNegative), Is.EqualTo(new[] { false, false }), "sign(−0) is +0, as NumPy and PyTorch give it");
    }
}
