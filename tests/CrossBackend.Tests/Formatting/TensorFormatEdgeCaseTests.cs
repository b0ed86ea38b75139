using CrossBackend.Testing;

namespace CrossBackend.Tests.FormattingTests;

/// <summary>
/// Printing cases a review found wrong, each against <c>repr</c> from NumPy 1.24.2 (<c>/usr/bin/python3</c>):
/// nan/inf beside scientific notation (<c>repr(np.array([np.nan, 1e-10]))</c>), a 0-d True
/// (<c>repr(np.array(True))</c>), <c>np.set_printoptions(precision=0)</c>, int64 beyond 2⁵³ in a .NET array
/// (<c>repr(np.array([9007199254740993, 1]))</c>), and unsigned arrays (printed as the engines hold them, int64:
/// <c>repr(np.array([4000000000, 1], dtype=np.int64))</c>).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class TensorFormatEdgeCaseTests(ITensorEngine engine)
{
    [TestCase(new[] { double.NaN, 1e-10 }, "array([   nan, 1.e-10])")]
    [TestCase(new[] { double.NaN, 1e-10, -1e10 }, "array([    nan,  1.e-10, -1.e+10])")]
    public void NanBesideScientificNotationIsAsWideAsTheNumbers(double[] values, string numpy)
    {
        Assert.That(TensorFormat.ToString(values), Is.EqualTo(numpy));
        Assert.That(TensorFormat.ToString(engine.FromArray(values, [values.Length])), Is.EqualTo(numpy));
    }

    [Test]
    public void InfinityBesideScientificFloat32()
    {
        Assert.That(TensorFormat.ToString(engine.FromArray(new[] { float.PositiveInfinity, 1.5e20f }, [2])),
            Is.EqualTo("array([    inf, 1.5e+20], dtype=float32)"));
        Assert.That(TensorFormat.ToString(new[] { float.NegativeInfinity, 2e-5f, 3f }), Is.EqualTo("array([  -inf, 2.e-05, 3.e+00], dtype=float32)"));
    }

    /// <summary>System.Numerics.Tensors has no rank 0, so the 0-d case goes through the formatter directly.</summary>
    [Test]
    public void ZeroDimensionalBoolsHaveNoPadding()
    {
        Assert.That(TensorFormat.Format([1], [], DType.Bool, TensorFormatOptions.Default), Is.EqualTo("array(True)"));
        Assert.That(TensorFormat.Format([0], [], DType.Bool, TensorFormatOptions.Default), Is.EqualTo("array(False)"));
        Assert.That(TensorFormat.ToString(engine.FromArray(new[] { true, false }, [2])), Is.EqualTo("array([ True, False])"));
    }

    [Test]
    public void PrecisionZeroRoundsToWholeNumbersTiesToEven()
    {
        var options = new TensorFormatOptions { Precision = 0 };
        Assert.That(TensorFormat.ToString(new[] { 0.5, 1.5, 2.5 }, options), Is.EqualTo("array([0., 2., 2.])"));
        Assert.That(TensorFormat.ToString(engine.FromArray(new[] { 0.5f, 1.5f, 2.5f }, [3]), options), Is.EqualTo("array([0., 2., 2.], dtype=float32)"));
        Assert.That(TensorFormat.ToString(new[] { 1.25, 3.75, 100.5 }, options), Is.EqualTo("array([  1.,   4., 100.])"));
        Assert.That(TensorFormat.ToString(new[] { 0.25, 1e-10 }, options), Is.EqualTo("array([2.e-01, 1.e-10])"));
    }

    /// <summary>A whole number with more digits than its dtype holds prints exactly, as NumPy's arrays print it (its
    /// scalar repr, <c>np.float16(8336)</c> → 8340.0, is the shortest instead): <c>repr(np.array([8336.],
    /// dtype=np.float16))</c>, <c>repr(np.array([9992., -8336., 2054.], dtype=np.float16))</c>,
    /// <c>repr(np.array([67108872., 1e6], dtype=np.float32))</c>; found by the fuzz cases.</summary>
    [Test]
    public void WholeNumbersWiderThanTheDTypePrintExactly()
    {
        Assert.That(TensorFormat.ToString(new[] { (Half)8336 }), Is.EqualTo("array([8336.], dtype=float16)"));
        Assert.That(TensorFormat.ToString(engine.Cast(engine.FromArray(new[] { 9992f, -8336f, 2054f }, [3]), DType.Float16)),
            Is.EqualTo("array([ 9992., -8336.,  2054.], dtype=float16)"));
        Assert.That(TensorFormat.ToString(engine.FromArray(new[] { 67108872f, 1e6f }, [2])), Is.EqualTo("array([67108872.,  1000000.], dtype=float32)"));
        Assert.That(TensorFormat.ToString(new[] { 67108872f, float.NaN }), Is.EqualTo("array([67108872.,       nan], dtype=float32)"));
    }

    /// <summary>NumPy's largest/smallest ratio is computed in the dtype: <c>repr(np.array([0.1, 100.], dtype=np.float16))</c>
    /// and <c>repr(np.array([0.5167034, 516.7034], dtype=np.float32))</c> stay positional, their ratio rounding to
    /// 1000.0 (1000.244 and 1.0000000065e3 in float64).</summary>
    [Test]
    public void TheMagnitudeRatioIsRoundedToTheDType()
    {
        Assert.That(TensorFormat.ToString(new[] { (Half)0.1, (Half)100 }), Is.EqualTo("array([  0.1, 100. ], dtype=float16)"));
        Assert.That(TensorFormat.ToString(engine.Cast(engine.FromArray(new[] { 0.1f, 100f }, [2]), DType.Float16)),
            Is.EqualTo("array([  0.1, 100. ], dtype=float16)"));
        Assert.That(TensorFormat.ToString(engine.FromArray(new[] { 0.5167034f, 516.7034f }, [2])),
            Is.EqualTo("array([  0.5167034, 516.7034   ], dtype=float32)"));
        // The same float16 values in float64 (repr(np.array([0.0999755859375, 100.]))): the ratio is over 1000.
        Assert.That(TensorFormat.ToString(new[] { 0.0999755859375, 100.0 }), Is.EqualTo("array([9.99755859e-02, 1.00000000e+02])"));
    }

    [Test]
    public void ANegativePrecisionIsRefusedNamingIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TensorFormat.ToString(new[] { 1.0 }, new TensorFormatOptions { Precision = -1 }))!;
        Assert.That(e.ParamName, Is.EqualTo("options"));
        Assert.That(e.Message, Does.Contain("Precision").And.Contain(">= 0"));
    }

    [Test]
    public void AFloatModeOrSignOutsideTheirEnumsIsRefusedNamingTheChoices()
    {
        var mode = Assert.Throws<ArgumentOutOfRangeException>(() => TensorFormat.ToString(new[] { 0.1 }, new TensorFormatOptions { FloatMode = (TensorFloatMode)7 }))!;
        Assert.That(mode.ParamName, Is.EqualTo("options"));
        Assert.That(mode.Message, Does.Contain("FloatMode").And.Contain("MaxPrecEqual").And.Contain("Received: FloatMode=7"));
        var sign = Assert.Throws<ArgumentOutOfRangeException>(() => TensorFormat.ToString(new[] { 0.1 }, new TensorFormatOptions { Sign = (TensorSign)3 }))!;
        Assert.That(sign.Message, Does.Contain("Sign").And.Contain("Plus, Space").And.Contain("Received: Sign=3"));
    }

    [Test]
    public void Int64BeyondTwoTo53PrintsExactly()
    {
        Assert.That(TensorFormat.ToString(new[] { 9007199254740993L, 1 }), Is.EqualTo("array([9007199254740993,                1])"));
        Assert.That(TensorFormat.ToString(engine.FromArray(new[] { 9007199254740993L, 1 }, [2])), Is.EqualTo("array([9007199254740993,                1])"));
    }

    [Test]
    public void UnsignedArraysPrintAsTheEnginesHoldThem()
    {
        Assert.That(TensorFormat.ToString(new uint[] { 4000000000, 1 }), Is.EqualTo("array([4000000000,          1])"));
        Assert.That(TensorFormat.ToString(engine.FromArray(new uint[] { 4000000000, 1 }, [2])), Is.EqualTo("array([4000000000,          1])"));
        Assert.That(TensorFormat.ToString(new ushort[] { 60000 }), Is.EqualTo("array([60000], dtype=int32)"));
    }

    [Test]
    public void JaggedAndNonNumericArraysAreRefusedSayingWhich()
    {
        var jagged = Assert.Throws<ArgumentException>(() => TensorFormat.ToString(new[] { new[] { 1f } }))!;
        Assert.That(jagged.ParamName, Is.EqualTo("tensor"));
        Assert.That(jagged.Message, Does.Contain("jagged").And.Contain("Single[][]"));
        var text = Assert.Throws<ArgumentException>(() => TensorFormat.ToString(new[] { "a" }))!;
        Assert.That(text.Message, Does.Contain("String[]").And.Contain("numbers"));
    }
}
