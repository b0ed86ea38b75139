using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <see cref="Backend.Maximum{T}(T, T)"/>, <see cref="Backend.Minimum{T}(T, T)"/> and <see cref="Backend.ClipByValue{T}(T, double?, double?)"/>
/// on results large enough to be written with non-temporal stores (256 KB and more, in several parallel blocks) and of
/// lengths that leave a tail of every size below one vector: each element must be the one the documented rule picks,
/// bit for bit, wherever it lies (start, aligned body, block edges, tail). The rule: NaN if either operand is NaN, else
/// the second operand only where it is strictly beyond the first; clip: lo where x &lt; lo, then hi where hi &lt; that,
/// else x (NaN stays NaN). NumPy 1.x and PyTorch 1.13 agree with it except on the sign of a ±0 tie, which each breaks
/// its own way (printed for maximum([−0, +0], [+0, −0]): float32 NumPy [0, −0], torch [−0, 0]; float64 torch
/// [0, −0]; libtorch's vectorised loop keeps the second operand's zero), so here a zero result is compared by value;
/// the channels-last engine's own tie rule at these sizes is checked in EngineSpecific/Numerics/StreamedExtremeTieTests.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class LargeExtremeAndClipTests(ITensorEngine engine)
{
    // Operand pairs that exercise every branch of the rule, tiled along the tensors.
    private static readonly double[] A = [-0.0, 0.0, 1.0, double.NaN, 2.0, double.NegativeInfinity, 0.3, -0.1, 0.7, -0.5, 1.5];
    private static readonly double[] B = [0.0, -0.0, double.NaN, 1.0, 2.0, 5.0, -0.3, double.PositiveInfinity, 0.1, -0.5, -2.0];

    private static double Pick(double a, double b, bool max) =>
        double.IsNaN(a) || double.IsNaN(b) ? double.NaN : (max ? a < b : b < a) ? b : a;

    private static double ClipRule(double x, double lo, double hi)
    {
        double v = x < lo ? lo : x;
        return hi < v ? hi : v;
    }

    private static double Rounded(double v, DType dtype) => dtype == DType.Float32 ? (float)v : v;

    /// <summary>Lengths around 256 KB and 1 MB of each dtype, each leaving another tail (0 to 7 elements).</summary>
    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
            foreach (int n in new[] { 65_536 + 7, 70_001, 262_144 + 3, 300_005 })
                yield return new TestCaseData(dtype, n).SetArgDisplayNames(dtype.Name(), n.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private object Tiled(double[] pattern, int n, int shift, DType dtype) =>
        Backend.ToTensor(Enumerable.Range(0, n).Select(i => pattern[(i + shift) % pattern.Length]).ToArray(), engine, dtype, [n]);

    private static void AssertBits(double[] actual, Func<int, double> expected, string what)
    {
        var differences = new List<string>();
        for (int i = 0; i < actual.Length && differences.Count < 5; i++)
        {
            double e = expected(i);
            bool same = double.IsNaN(e) ? double.IsNaN(actual[i]) : e == 0 ? actual[i] == 0 : BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits(actual[i]);
            if (!same)
                differences.Add($"[{i}] = {actual[i]:R}, expected {e:R}");
        }
        Assert.That(differences, Is.Empty, what);
    }

    [TestCaseSource(nameof(Cases))]
    public void MaximumAndMinimumOfTwoTensorsPickByTheRuleEverywhere(DType dtype, int n)
    {
        object a = Tiled(A, n, 0, dtype), b = Tiled(B, n, 0, dtype);
        double[] max = engine.ToDoubleArray(Backend.Maximum(a, b), out _), min = engine.ToDoubleArray(Backend.Minimum(a, b), out _);
        AssertBits(max, i => Pick(Rounded(A[i % A.Length], dtype), Rounded(B[i % B.Length], dtype), max: true), $"maximum, {dtype.Name()}, n={n}");
        AssertBits(min, i => Pick(Rounded(A[i % A.Length], dtype), Rounded(B[i % B.Length], dtype), max: false), $"minimum, {dtype.Name()}, n={n}");
    }

    [TestCaseSource(nameof(Cases))]
    public void MaximumAndMinimumWithAScalarOnEitherSidePickByTheRuleEverywhere(DType dtype, int n)
    {
        object x = Tiled(A, n, 3, dtype);
        object zero = Backend.ToTensor(new[] { 0.0 }, engine, dtype, [1]), negativeZero = Backend.ToTensor(new[] { -0.0 }, engine, dtype, [1]);
        double At(int i) => Rounded(A[(i + 3) % A.Length], dtype);
        AssertBits(engine.ToDoubleArray(Backend.Maximum(x, zero), out _), i => Pick(At(i), 0.0, max: true), $"maximum(x, 0), {dtype.Name()}, n={n}");
        AssertBits(engine.ToDoubleArray(Backend.Maximum(negativeZero, x), out _), i => Pick(-0.0, At(i), max: true), $"maximum(-0, x), {dtype.Name()}, n={n}");
        AssertBits(engine.ToDoubleArray(Backend.Minimum(x, negativeZero), out _), i => Pick(At(i), -0.0, max: false), $"minimum(x, -0), {dtype.Name()}, n={n}");
        AssertBits(engine.ToDoubleArray(Backend.Minimum(zero, x), out _), i => Pick(0.0, At(i), max: false), $"minimum(0, x), {dtype.Name()}, n={n}");
    }

    [TestCaseSource(nameof(Cases))]
    public void ClipPicksByTheRuleEverywhere(DType dtype, int n)
    {
        object x = Tiled(A, n, 5, dtype);
        double At(int i) => Rounded(A[(i + 5) % A.Length], dtype);
        double lo = Rounded(-0.3, dtype), hi = Rounded(0.7, dtype);
        AssertBits(engine.ToDoubleArray(Backend.ClipByValue(x, -0.3, 0.7), out _), i => ClipRule(At(i), lo, hi), $"clip(x, -0.3, 0.7), {dtype.Name()}, n={n}");
        AssertBits(engine.ToDoubleArray(Backend.ClipByValue(x, 0.0, 1.0), out _), i => ClipRule(At(i), 0.0, 1.0), $"clip(x, 0, 1), {dtype.Name()}, n={n}");
    }
}
