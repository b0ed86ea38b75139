using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// bool, int8, uint8 and int16 tensors on every engine: created from .NET arrays, cast to and from float (floats to
/// integers truncate toward zero; to bool, non-zero — NaN included — is true), read back, and kept as their dtype by
/// functions that move values. Values stay inside each type's range here; out-of-range values are
/// <see cref="CastAndSignEdgeTests"/>'s.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class NarrowIntegerStorageTests(ITensorEngine engine)
{
    private static readonly double[] Signed = [-1.7, 2.9, 0, 0.4, -0.2, 100.6, -120.9, 7];
    private static readonly double[] Unsigned = [1.7, 2.9, 0, 0.4, 0.2, 200.6, 254.9, 7];

    public static IEnumerable<TestCaseData> Cases() =>
    [
        new TestCaseData(DType.Int8, Signed).SetArgDisplayNames("int8"),
        new TestCaseData(DType.Int16, Signed.Select(v => v * 100).ToArray()).SetArgDisplayNames("int16"),
        new TestCaseData(DType.UInt8, Unsigned).SetArgDisplayNames("uint8"),
    ];

    [TestCaseSource(nameof(Cases))]
    public void FloatsCastToIntegersTruncateTowardZeroAndComeBack(DType dtype, double[] values)
    {
        foreach (DType from in new[] { DType.Float32, DType.Float64 })
        {
            object x = Backend.ToTensor(values, engine, from, [2, 4]);
            double[] held = engine.ToDoubleArray(x, out _);
            object cast = engine.Cast(x, dtype);
            Assert.That(engine.Describe(cast).DType, Is.EqualTo(dtype), $"engine.Cast from {from.Name()}");
            Assert.That(engine.ToDoubleArray(cast, out long[] shape), Is.EqualTo(held.Select(Math.Truncate)), $"engine.Cast from {from.Name()}");
            Assert.That(shape, Is.EqualTo(new long[] { 2, 4 }));
            object viaBackend = Backend.Cast(x, dtype);
            Assert.That(Backend.ToType(viaBackend), Is.EqualTo(dtype), $"Backend.Cast from {from.Name()}");
            Assert.That(engine.ToDoubleArray(viaBackend, out _), Is.EqualTo(held.Select(Math.Truncate)));
            object back = engine.Cast(cast, from);
            Assert.That(engine.Describe(back).DType, Is.EqualTo(from));
            Assert.That(engine.ToDoubleArray(back, out _), Is.EqualTo(held.Select(Math.Truncate)));
        }
    }

    [Test]
    public void NonZeroIsTrue([Values(DType.Float32, DType.Float64, DType.Int32)] DType from)
    {
        double[] values = from == DType.Int32 ? [-3, 0, 2, 0, 1, 7] : [-0.5, 0, 2.3, -0.0, double.NaN, 1e-30];
        object x = Backend.ToTensor(values, engine, from, [6]);
        object b = engine.Cast(x, DType.Bool);
        Assert.That(engine.Describe(b).DType, Is.EqualTo(DType.Bool));
        double[] expected = from == DType.Int32 ? [1, 0, 1, 0, 1, 1] : [1, 0, 1, 0, 1, from == DType.Float32 ? 1 : 1];
        Assert.That(engine.ToDoubleArray(b, out _), Is.EqualTo(expected));
        Assert.That(Backend.ToNumber(b), Is.EqualTo(expected.Select(v => v != 0).ToArray()));
        Assert.That(engine.ToDoubleArray(engine.Cast(b, DType.Float32), out _), Is.EqualTo(expected));
    }

    [Test]
    public void ArraysOfEveryNarrowTypeRoundTrip()
    {
        (Array Data, DType DType)[] arrays =
        [
            (new sbyte[] { -128, -3, 0, 5, 127, 1 }, DType.Int8),
            (new short[] { -32768, -300, 0, 500, 32767, 1 }, DType.Int16),
            (new byte[] { 0, 3, 128, 255, 1, 2 }, DType.UInt8),
            (new[] { true, false, true, true, false, false }, DType.Bool),
        ];
        foreach ((Array data, DType dtype) in arrays)
        {
            object t = Backend.ToTensor(data, engine, shape: [2, 3]);
            Assert.That(Backend.ToType(t), Is.EqualTo(dtype), data.GetType().Name);
            Assert.That(Backend.ToNumber(t), Is.EqualTo(data), data.GetType().Name);
            // A function that only moves values keeps the dtype (computed natively or in float64, stored back).
            object moved = Backend.Transpose(t);
            Assert.That(Backend.ToType(moved), Is.EqualTo(dtype), $"transpose of {data.GetType().Name}");
            Assert.That(Backend.GetShape(moved), Is.EqualTo(new long[] { 3, 2 }));
            object layout = engine.MoveAxis(t, 0, 1);
            Assert.That(engine.Describe(layout).DType, Is.EqualTo(dtype), $"MoveAxis of {data.GetType().Name}");
        }
    }
}
