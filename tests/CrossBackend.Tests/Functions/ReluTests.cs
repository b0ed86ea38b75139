using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <see cref="Backend.Relu{T}(T)"/> as <c>torch.nn.functional.relu</c> and <c>tf.nn.relu</c> define it, on every engine:
/// 0 where x &lt; 0 and x itself elsewhere, bit for bit (−0 stays −0, NaN stays NaN, subnormals and ±∞ as they are) in
/// every float dtype; and its gradient, PyTorch's <c>threshold_backward</c>: 0 where x ≤ 0 (at ±0 too, where
/// <see cref="Backend.Maximum{T}(T, T)"/> with zeros would split a tie and give one half) and the upstream gradient where
/// x &gt; 0 or is NaN. Values printed by PyTorch 1.13 (CPU, Debian's python3-torch) for
/// <c>F.relu(torch.tensor([-1., -0., 0., 2., nan]))</c>: [0., -0., 0., 2., nan], and <c>.sum().backward()</c>:
/// [0., 0., 0., 1., 1.].
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ReluTests(ITensorEngine engine)
{
    private static readonly double[] Values =
        [-1, -0.0, 0, 2, double.NaN, 0.3, -0.1, 1e-40, -1e-40, 1e30, -1e30, 65504, double.PositiveInfinity, double.NegativeInfinity];

    [TestCase(DType.Float16)]
    [TestCase(DType.BFloat16)]
    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void NegativesBecomeZeroAndEverythingElseIsKeptBitForBit(DType dtype)
    {
        object x = Backend.ToTensor(Values, engine, dtype, [2, Values.Length / 2]);
        double[] held = engine.ToDoubleArray(x, out _);
        object y = Backend.Relu(x);
        Assert.That(Backend.ToType(y), Is.EqualTo(dtype), "the dtype is kept");
        double[] actual = engine.ToDoubleArray(y, out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { 2, Values.Length / 2 }));
        string[] differences = Enumerable.Range(0, held.Length)
            .Select(i => (Input: held[i], Expected: held[i] < 0 ? 0.0 : held[i], Actual: actual[i]))
            .Where(c => !(double.IsNaN(c.Expected) && double.IsNaN(c.Actual))
                        && BitConverter.DoubleToInt64Bits(c.Expected) != BitConverter.DoubleToInt64Bits(c.Actual))
            .Select(c => $"relu({c.Input:R}) = {c.Actual:R}, expected {c.Expected:R}").ToArray();
        Assert.That(differences, Is.Empty, $"{dtype}: {differences.Length} elements differ");
    }

    /// <summary>Integers and bool keep their dtype: negatives become 0, uint8 has none (−3 is stored as 253), and
    /// max(b, false) is b.</summary>
    [TestCase(DType.Int8, new[] { 0.0, 0, 2, 1 })]
    [TestCase(DType.UInt8, new[] { 253.0, 0, 2, 1 })]
    [TestCase(DType.Int16, new[] { 0.0, 0, 2, 1 })]
    [TestCase(DType.Int32, new[] { 0.0, 0, 2, 1 })]
    [TestCase(DType.Int64, new[] { 0.0, 0, 2, 1 })]
    [TestCase(DType.Bool, new[] { 1.0, 0, 1, 1 })]
    public void IntegersAndBoolKeepTheirDType(DType dtype, double[] expected)
    {
        object y = Backend.Relu(Backend.ToTensor(new[] { -3.0, 0, 2, 1 }, engine, dtype, [4]));
        Assert.That(Backend.ToType(y), Is.EqualTo(dtype));
        Assert.That(engine.ToDoubleArray(y, out _), Is.EqualTo(expected));
    }

    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void TheGradientIsZeroWhereXIsAtMostZeroAndPassesElsewhere(DType dtype)
    {
        object x = Backend.ToTensor(Values, engine, dtype, [Values.Length]);
        double[] held = engine.ToDoubleArray(x, out _);
        double[] upstream = Enumerable.Range(0, Values.Length).Select(i => 0.3 + 0.1 * i).ToArray();
        object w = Backend.ToTensor(upstream, engine, dtype, [Values.Length]);
        object[] gradient;
        using (GradientTape tape = GradientTape.Record())
        {
            tape.Watch(x);
            gradient = tape.Gradient(Backend.ReduceSum(Backend.Multiply(Backend.Relu(x), w)), x);
        }
        double[] heldUpstream = engine.ToDoubleArray(w, out _);
        double[] expected = held.Select((v, i) => v <= 0 ? 0 : heldUpstream[i]).ToArray();   // NaN <= 0 is false: the gradient passes
        Assert.That(engine.ToDoubleArray(gradient[0], out _), Is.EqualTo(expected), "d/dx Σ w·relu(x)");
    }
}
