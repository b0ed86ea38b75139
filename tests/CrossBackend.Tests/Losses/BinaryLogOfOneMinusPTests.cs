using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// The binary losses' log(1 − p) as Keras computes it, on every engine: 1 − p rounded to the dtype, then its log (not
/// log1p(−p), which libtorch's <c>binary_cross_entropy</c> takes). Near p = 0 the two differ far beyond the parity
/// tolerance: at p = 1e-5, y = 0 float32 gives −log(float32(1 − 1e-5)) = 1.0013630e-05 (NumPy:
/// <c>-np.log(np.float32(1) - np.float32(1e-5))</c>; PyTorch 1.13's <c>F.binary_cross_entropy</c> prints the same),
/// against log1p's 1.0000050e-05; at the clip bound (p = 0 → 1e-7) 1.1920929e-07 against 1.0000001e-07. The reference
/// is computed here in float64 from the dtype's rounded operands, independently of the library.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class BinaryLogOfOneMinusPTests(ITensorEngine engine)
{
    private static readonly double[] P = [0, 1e-7, 1e-5, 0.001, 0.3, 0.999, 1, 1e-5, 0.3, 0.7];
    private static readonly double[] Y = [0, 0, 0, 0, 0, 1, 1, 0.1, 0.1, 0.9];

    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void BinaryCrossentropyTakesTheLogOfTheRounded1MinusP(DType dtype)
    {
        double[] actual = PerElement("binary_crossentropy", new LossArguments { ["reduction"] = Reduction.None }, dtype);
        double[] expected = P.Select((p, i) => Reference(p, Y[i], dtype)).ToArray();
        (double rtol, _) = Tolerance.For(dtype);
        TensorAssert.AreClose(actual, expected, rtol, atol: 0, message: $"{engine.Name} {dtype}");
    }

    /// <summary>γ = 0 without class balancing is the binary crossentropy itself: the same log(1 − p).</summary>
    [TestCase(DType.Float32)]
    [TestCase(DType.Float64)]
    public void BinaryFocalCrossentropyWithGammaZeroIsTheSame(DType dtype)
    {
        double[] actual = PerElement("binary_focal_crossentropy", new LossArguments { ["gamma"] = 0.0, ["reduction"] = Reduction.None }, dtype);
        double[] expected = P.Select((p, i) => Reference(p, Y[i], dtype)).ToArray();
        (double rtol, _) = Tolerance.For(dtype);
        TensorAssert.AreClose(actual, expected, rtol, atol: 0, message: $"{engine.Name} {dtype}");
    }

    /// <summary>The README's worked example: y = 0, p = 0 gives 1.1920929e-07 in float32 on every engine.</summary>
    [Test]
    public void TheClipBoundGivesTheReadmeValue()
    {
        object pred = Backend.ToTensor(new[] { 0.0 }, engine, DType.Float32, [1, 1]);
        object yTrue = Backend.ToTensor(new[] { 0.0 }, engine, DType.Float32, [1, 1]);
        double loss = engine.ToDoubleArray(Losses.Compute("binary_crossentropy", pred, yTrue), out _)[0];
        Assert.That(loss, Is.EqualTo(1.1920929e-7).Within(1e-13));
    }

    private double[] PerElement(string loss, LossArguments arguments, DType dtype)
    {
        object pred = Backend.ToTensor(P, engine, dtype, [P.Length, 1]);
        object yTrue = Backend.ToTensor(Y, engine, dtype, [Y.Length, 1]);
        return engine.ToDoubleArray(Losses.Compute(loss, pred, yTrue, arguments), out _);
    }

    /// <summary>−(y·log p + (1 − y)·log(1 − p)) with p clipped to [ε, 1 − ε] and 1 − p rounded in the dtype.</summary>
    private static double Reference(double p, double y, DType dtype)
    {
        double Round(double v) => dtype == DType.Float32 ? (float)v : v;
        double low = Round(1e-7), high = Round(1 - Round(1e-7));
        double clipped = Math.Clamp(Round(p), low, high), label = Round(y);
        return -(label * Math.Log(clipped) + Round(1 - label) * Math.Log(Round(1 - clipped)));
    }
}
