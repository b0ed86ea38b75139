using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// The functions with a number operand (x + c, x − c, x · c, x / c, x^c) against the same function
/// with that number as a rank-0 tensor of x's dtype, bit for bit, on every engine. Edge values on both sides: ±0,
/// subnormals, values that overflow, NaN and ±∞, constants that are not exact in float32 (0.3, −0.1, 1/3) or beyond its
/// range (float32 1e300 and float16 70000 round to ∞, float16 65510 to 65504, as a cast does: torch refused them
/// before, "value cannot be converted to type float without overflow"), and the exponents libtorch special-cases (2, 3, ±0.5, 0).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ConstantOperandTests(ITensorEngine engine)
{
    private static readonly double[] Values =
        [0, -0.0, 1, -1, 0.1, 0.3, 3.7, -2.5, 1e-40, -1e-40, 1e30, -1e30, 2, 0.5, 1e-7, 65504, 7, -3, 1e200,
         double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    private static readonly double[] Constants =
        [0.3, -0.1, 1.0 / 3, 3, 2, 1, 0.5, -0.5, 1e-3, 7.5, -2, 0, -0.0, 1e-40, 65510, 70000, 1e300, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    private static readonly (string Name, Func<object, double, object> WithNumber, Func<object, object, object> WithTensor)[] Functions =
    [
        ("Add", (x, c) => Backend.Add(x, c), (x, c) => Backend.Add(x, c)),
        ("Subtract", (x, c) => Backend.Subtract(x, c), (x, c) => Backend.Subtract(x, c)),
        ("Multiply", (x, c) => Backend.Multiply(x, c), (x, c) => Backend.Multiply(x, c)),
        ("Divide", (x, c) => Backend.Divide(x, c), (x, c) => Backend.Divide(x, c)),
        ("Pow", (x, c) => Backend.Pow(x, c), (x, c) => Backend.Pow(x, c)),
        ("TensorPow", (x, c) => Backend.TensorPow(x, c), (x, c) => Backend.Pow(x, c)),
    ];

    public static IEnumerable<TestCaseData> Cases() =>
        from f in Enumerable.Range(0, Functions.Length)
        from dtype in new[] { DType.Float16, DType.BFloat16, DType.Float32, DType.Float64 }
        select new TestCaseData(f, dtype).SetArgDisplayNames(Functions[f].Name, dtype.ToString());

    [TestCaseSource(nameof(Cases))]
    public void TheNumberOperandGivesTheBitsOfTheRankZeroConstant(int function, DType dtype)
    {
        (string name, Func<object, double, object> withNumber, Func<object, object, object> withTensor) = Functions[function];
        object x = Backend.ToTensor(Values, engine, dtype, [2, Values.Length / 2]);
        foreach (double c in Constants)
        {
            object constant = Backend.ToTensor(new[] { c }, engine, dtype, []);
            AssertSameBits(withNumber(x, c), withTensor(x, constant), $"{name}(x, {c:R}) in {dtype}");
        }
    }

    /// <summary>Clip bounds beyond the dtype's range round as a cast does (float32 ±1e300 → ±∞), on every engine: torch
    /// refused them before ("value cannot be converted to type float without overflow").</summary>
    [TestCase(DType.Float32)]
    [TestCase(DType.Float16)]
    [TestCase(DType.Float64)]
    public void ClipBoundsBeyondTheRangeRoundAsACastDoes(DType dtype)
    {
        object x = Backend.ToTensor(new[] { -2.0, 0.5, 3 }, engine, dtype, [3]);
        Assert.That(engine.ToDoubleArray(Backend.ClipByValue(x, -1e300, 1e300), out _), Is.EqualTo(new[] { -2.0, 0.5, 3 }));
        double[] raised = engine.ToDoubleArray(Backend.ClipByValue(x, minValue: 1e300), out _);
        Assert.That(raised, Is.EqualTo(Enumerable.Repeat(dtype == DType.Float64 ? 1e300 : double.PositiveInfinity, 3).ToArray()));
    }

    /// <summary>Narrow floats against PyTorch 1.13 (CPU, Debian's python3-torch), which NumPy 1.24's float16 arrays
    /// match: the number operand is taken in the tensor's dtype (float16 0.3 is 0.2998046875), then the float32
    /// result rounded once. Before session 32 our engines used 0.3 at float32 precision: 3.7 · 0.3 gave 1.109375.</summary>
    [TestCase(DType.Float16, "multiply", new[] { 3.7, -3, 1, 0.1 }, new[] { 1.1103515625, -0.900390625, 0.300048828125, 0.029998779296875 })]
    [TestCase(DType.Float16, "divide", new[] { 1.0, 2 }, new[] { 3.33203125, 6.6640625 })]
    [TestCase(DType.Float16, "subtract", new[] { 0.1 }, new[] { 0.0 })]
    [TestCase(DType.Float16, "pow", new[] { 65504.0 }, new[] { 27.875 })]
    [TestCase(DType.BFloat16, "multiply", new[] { 3.7, -3, 1, 0.1 }, new[] { 1.1171875, -0.90234375, 0.30078125, 0.0301513671875 })]
    [TestCase(DType.BFloat16, "divide", new[] { 3.7, -3, 1, 0.1 }, new[] { 12.3125, -10.0, 3.328125, 0.33203125 })]
    [TestCase(DType.BFloat16, "subtract", new[] { 3.7, -3, 1, 0.1 }, new[] { 3.609375, -3.09375, 0.8984375, 0.0 })]
    [TestCase(DType.BFloat16, "pow", new[] { 250.0 }, new[] { 5.25 })]
    public void NarrowFloatConstantsGivePyTorchsNumbers(DType dtype, string function, double[] values, double[] expected)
    {
        object x = Backend.ToTensor(values, engine, dtype, [values.Length]);
        object result = function switch
        {
            "multiply" => Backend.Multiply(x, 0.3),
            "divide" => Backend.Divide(x, 0.3),
            "subtract" => Backend.Subtract(x, 0.1),
            _ => Backend.Pow(x, 0.3),
        };
        Assert.That(Backend.ToType(result), Is.EqualTo(dtype));
        Assert.That(engine.ToDoubleArray(result, out _), Is.EqualTo(expected));
    }

    /// <summary>Same dtype, shape and bits (any NaN matches any NaN; −0 and +0 differ).</summary>
    private void AssertSameBits(object actual, object expected, string what)
    {
        Assert.That(Backend.ToType(actual), Is.EqualTo(Backend.ToType(expected)), $"{what}: dtype");
        double[] a = engine.ToDoubleArray(actual, out long[] shapeA), e = engine.ToDoubleArray(expected, out long[] shapeE);
        Assert.That(shapeA, Is.EqualTo(shapeE), $"{what}: shape");
        var differences = Enumerable.Range(0, a.Length)
            .Where(i => !(double.IsNaN(a[i]) && double.IsNaN(e[i])) && BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(e[i]))
            .Select(i => $"x={Values[i]:R}: {a[i]:R} against {e[i]:R}").ToArray();
        Assert.That(differences, Is.Empty, $"{what}: {differences.Length} of {a.Length} elements differ");
    }
}
