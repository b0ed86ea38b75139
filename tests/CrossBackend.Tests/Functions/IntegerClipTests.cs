using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <c>ClipByValue</c> of integer tensors gives the same values on every engine, whether the engine clips in the
/// integer dtype (libtorch since session 52, exact for int64 beyond 2⁵³) or in float64 and casts back (the
/// channels-last engine): bounds truncated toward zero (int [0, 3] to [0.3, 2.5] → [0, 2], as Keras's declared dtype
/// and the cast give), a bound beyond the dtype's range no bound on its side, and beyond it on the far side every value
/// that bound wrapped as integer arithmetic wraps (int32 to [3e9, 4e9] → −1294967296, as PyTorch's int32 tensor +
/// 3000000000; int8 to [−1000, −200] → 56). On torch the native
/// clip had used double bounds, which libtorch's clamp promotes to float32, and +∞ cast to the dtype's minimum.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class IntegerClipTests(ITensorEngine engine)
{
    private static IEnumerable<TestCaseData> Cases() =>
    [
        new TestCaseData(DType.Int32, -2.5, 2.5, new long[] { -2, 0, 2, 2, 2 }),
        new TestCaseData(DType.Int32, 0.3, null, new long[] { 0, 0, 3, 7, 100 }),
        new TestCaseData(DType.Int32, null, 3e9, new long[] { -5, 0, 3, 7, 100 }),
        new TestCaseData(DType.Int32, 3e9, 4e9, new long[] { -1294967296, -1294967296, -1294967296, -1294967296, -1294967296 }),
        new TestCaseData(DType.Int8, -1000.0, -200.0, new long[] { 56, 56, 56, 56, 56 }),
        new TestCaseData(DType.UInt8, 0.3, 2.5, new long[] { 0, 0, 2, 2, 2 }),
        new TestCaseData(DType.Int64, -1e300, 6.9, new long[] { -5, 0, 3, 6, 6 }),
        new TestCaseData(DType.Int16, double.NegativeInfinity, double.PositiveInfinity, new long[] { -5, 0, 3, 7, 100 }),
    ];

    [TestCaseSource(nameof(Cases))]
    public void IntegerBoundsAsTheFloat64DetourGivesThem(DType dtype, double? min, double? max, long[] expected)
    {
        double[] values = dtype == DType.UInt8 ? [0, 0, 3, 7, 100] : [-5, 0, 3, 7, 100];
        if (dtype == DType.UInt8) expected = [0, 0, 2, 2, 2];
        object x = FunctionExamples.T(engine, values, [5], dtype);
        object clipped = Backend.ClipByValue(x, min, max);
        Assert.That(Backend.ToType(clipped), Is.EqualTo(dtype));
        Assert.That(Backend.ToNumber<long>(clipped), Is.EqualTo(expected));
    }
}
