using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <see cref="Backend.LambertW{T}"/> runs a fixed, small number of Halley steps; this dense float64 grid (every decade
/// from 1e−12 to 1e300, the negative half-line to −1/e, and points approaching the branch point) checks that the
/// steps reach float64's precision from every starting guess, against an independent reference: bisection on
/// w·e^w = z (monotone on [−1, ∞)), which converges wherever it starts.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class LambertWGridTests(ITensorEngine engine)
{
    private static double Reference(double z)
    {
        // w·e^w is increasing on [−1, ∞): bisect in a bracket that holds W(z) for z ≥ −1/e.
        double lo = -1, hi = Math.Max(1, Math.Log(z + 1) + 1);
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            // Compare in log form above 1 so that e^w never overflows: w + log w vs log z.
            bool below = mid > 1 ? mid + Math.Log(mid) < Math.Log(z) : mid * Math.Exp(mid) < z;
            if (below) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    [Test]
    public void ConvergesToFloat64PrecisionOnADenseGrid()
    {
        var z = new List<double>();
        for (double e = -12; e <= 300; e += 0.25) z.Add(Math.Pow(10, e));
        for (int i = 1; i < 200; i++) z.Add(-i / 200.0 / Math.E);   // (−1/e, 0)
        z.AddRange([-0.2649001, -0.2648999, -0.2649]);               // either side of the starting guesses' switch
        for (int k = 2; k <= 8; k++) z.Add(-1 / Math.E + Math.Pow(10, -k));   // towards the branch point
        double[] input = z.ToArray();
        double[] w = engine.ToDoubleArray(Backend.LambertW(Backend.ToTensor(input, engine, DType.Float64, [input.Length])), out _);
        for (int i = 0; i < input.Length; i++)
        {
            double expected = Reference(input[i]);
            // W's condition number grows as 1/√(z + 1/e) near the branch point; 1e−12 relative elsewhere.
            double tolerance = 1e-12 * Math.Max(1, Math.Abs(expected)) + 1e-15 / Math.Sqrt(input[i] + 1 / Math.E);
            Assert.That(w[i], Is.EqualTo(expected).Within(tolerance), $"z = {input[i]:R}");
        }
    }
}
