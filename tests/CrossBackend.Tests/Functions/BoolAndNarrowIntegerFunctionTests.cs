using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// Functions that compute integers natively on torch, given bool and narrow integer tensors, on every engine. Before
/// session 50 both cases below threw libtorch's own error on the torch engine while the channels-last engine answered:
/// <c>Abs</c> of bool ("abs_cpu" not implemented for 'Bool') and <c>Where</c> with a number beyond a uint8 or int8
/// tensor's range ("value cannot be converted to type uint8_t without overflow").
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class BoolAndNarrowIntegerFunctionTests(ITensorEngine engine)
{
    private static readonly bool[] Condition = [true, false, true, false];

    /// <summary>NumPy 1.24: <c>np.abs(np.array([True, False, True, False]))</c> → [True, False, True, False] (abs of
    /// bool is the identity; torch.abs refuses bool).</summary>
    [Test]
    public void AbsOfBoolIsTheIdentity()
    {
        object r = Backend.Abs(engine.FromArray(Condition, [2, 2]));
        Assert.That(Backend.ToType(r), Is.EqualTo(DType.Bool));
        Assert.That(engine.ToDoubleArray(r, out long[] shape), Is.EqualTo(new double[] { 1, 0, 1, 0 }));
        Assert.That(shape, Is.EqualTo(new long[] { 2, 2 }));
    }

    /// <summary>
    /// FastEstimator's <c>where</c> on torch casts a number to the tensor's dtype with
    /// <c>torch.tensor(no).type(yes.dtype)</c>; PyTorch 1.13: <c>torch.tensor(-1).type(torch.uint8)</c> → 255,
    /// <c>torch.tensor(300).type(torch.uint8)</c> → 44, <c>torch.tensor(300).type(torch.int8)</c> → 44,
    /// <c>torch.tensor(-2).type(torch.uint8)</c> → 254, <c>torch.tensor(-200).type(torch.int8)</c> → 56, as
    /// <see cref="Backend.Cast(object, DType)"/> wraps them.
    /// </summary>
    [TestCase(DType.UInt8, -1.0, 255.0)]
    [TestCase(DType.UInt8, 300.0, 44.0)]
    [TestCase(DType.Int8, 300.0, 44.0)]
    [TestCase(DType.Int8, -200.0, 56.0)]
    // Fractions and numbers beyond int32 (the channels-last engine gave 253 and −1294967296 before, computing in float64
    // first): torch.tensor(-2.7).type(torch.uint8) → 254, torch.tensor(3e9).type(torch.int32) → −2147483648.
    [TestCase(DType.UInt8, -2.7, 254.0)]
    [TestCase(DType.Int32, 3e9, -2147483648.0)]
    [TestCase(DType.Int32, 0.3, 0.0)]
    public void WhereWrapsANumberBeyondANarrowIntegerRange(DType dtype, double number, double wrapped)
    {
        object x = Backend.ToTensor(new double[] { 1, 2, 3, 4 }, engine, dtype, [4]);
        object condition = engine.FromArray(Condition, [4]);

        object no = Backend.Where(condition, x, number);
        Assert.That(Backend.ToType(no), Is.EqualTo(dtype));
        Assert.That(engine.ToDoubleArray(no, out _), Is.EqualTo(new[] { 1, wrapped, 3, wrapped }));

        object yes = Backend.Where(condition, number, x);
        Assert.That(Backend.ToType(yes), Is.EqualTo(dtype));
        Assert.That(engine.ToDoubleArray(yes, out _), Is.EqualTo(new[] { wrapped, 2, wrapped, 4 }));
    }
}
