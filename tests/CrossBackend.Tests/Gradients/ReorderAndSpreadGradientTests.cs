using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// The gradients of flip, roll, the population std (and the variance behind it) through the one gradient API on every
/// engine — the tape's backward rules on engines without autograd, the engine's autograd elsewhere (torch) — in float32
/// and float64, against hand-derived float64 gradients of L = Σ w·f(x) with weights w not exact in binary. Agreement of
/// every engine with the reference is the tape-vs-autograd parity.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ReorderAndSpreadGradientTests(ITensorEngine engine)
{
    private static readonly long[] Shape = [3, 4];
    private static readonly double[] X = [0.1, -0.7, 0.3, 1.3, 0.9, 0.2, -0.4, 0.6, 1.1, -0.3, 0.7, 0.5];
    private static readonly double[] W = [0.3, 0.1, -0.7, 0.2, 0.9, -0.1, 0.4, 0.3, -0.6, 0.7, 0.1, 0.3];

    public static IEnumerable<DType> DTypes() => [DType.Float32, DType.Float64];

    private static double[] Held(double[] v, DType dtype) => dtype == DType.Float32 ? v.Select(x => (double)(float)x).ToArray() : v;

    private static double Tol(DType dtype) => dtype == DType.Float32 ? 2e-6 : 1e-13;

    /// <summary>∂/∂x Σ w·f(x), where f keeps or reduces the shape (w then has f's result shape).</summary>
    private double[] Gradient(Func<object, object> f, double[] w, long[] wShape, DType dtype)
    {
        object x = Backend.ToTensor(X, engine, dtype, Shape), weights = Backend.ToTensor(w, engine, dtype, wShape);
        using var tape = GradientTape.Record();
        tape.Watch(x);
        object loss = Backend.ReduceSum(Backend.Multiply(f(x), weights));
        object g = tape.Gradient(loss, x)[0];
        Assert.That(Backend.GetShape(g), Is.EqualTo(Shape));
        Assert.That(Backend.ToType(g), Is.EqualTo(dtype));
        return engine.ToDoubleArray(g, out _);
    }

    [TestCaseSource(nameof(DTypes))]
    public void FlipGoesBackByFlip(DType dtype)
    {
        // L = Σ_ij w_ij x_{i, 3−j}: ∂L/∂x_ij = w_{i, 3−j}.
        double[] expected = Enumerable.Range(0, 12).Select(k => W[k / 4 * 4 + 3 - k % 4]).ToArray();
        TensorAssert.AreClose(Gradient(x => Backend.Flip(x, [1]), W, Shape, dtype), Held(expected, dtype), Tol(dtype), Tol(dtype));
        // Both axes: ∂L/∂x_ij = w_{2−i, 3−j}.
        double[] both = Enumerable.Range(0, 12).Select(k => W[(2 - k / 4) * 4 + 3 - k % 4]).ToArray();
        TensorAssert.AreClose(Gradient(x => Backend.Flip(x, [0, 1]), W, Shape, dtype), Held(both, dtype), Tol(dtype), Tol(dtype));
    }

    [TestCaseSource(nameof(DTypes))]
    public void RollGoesBackByRollingTheOtherWay(DType dtype)
    {
        // y_ij = x_{i, (j − 1) mod 4}: ∂L/∂x_ij = w_{i, (j + 1) mod 4}; with rows rolled by −1 as well, w_{(i − 1) mod 3, (j + 1) mod 4}.
        double[] expected = Enumerable.Range(0, 12).Select(k => W[k / 4 * 4 + (k % 4 + 1) % 4]).ToArray();
        TensorAssert.AreClose(Gradient(x => Backend.Roll(x, 1, 1), W, Shape, dtype), Held(expected, dtype), Tol(dtype), Tol(dtype));
        double[] both = Enumerable.Range(0, 12).Select(k => W[(k / 4 + 2) % 3 * 4 + (k % 4 + 1) % 4]).ToArray();
        TensorAssert.AreClose(Gradient(x => Backend.Roll(x, [-1, 5], [0, 1]), W, Shape, dtype), Held(both, dtype), Tol(dtype), Tol(dtype));
    }

    [TestCaseSource(nameof(DTypes))]
    public void StdGoesBackAsDeviationOverCountTimesStd(DType dtype)
    {
        // Per row i: s_i = √(Σ_j (x_ij − m_i)² / n); ∂s_i/∂x_ij = (x_ij − m_i) / (n·s_i).
        double[] x = Held(X, dtype), w = [0.3, -0.7, 0.2];
        var expected = new double[12];
        for (int i = 0; i < 3; i++)
        {
            double[] row = x.Skip(i * 4).Take(4).ToArray();
            double m = row.Average(), s = Math.Sqrt(row.Sum(v => (v - m) * (v - m)) / 4);
            for (int j = 0; j < 4; j++) expected[i * 4 + j] = w[i] * (row[j] - m) / (4 * s);
        }
        TensorAssert.AreClose(Gradient(t => Backend.ReduceStd(t, 1), w, [3], dtype), expected, Tol(dtype), Tol(dtype));

        // Over every element, kept dims: one s for all twelve.
        double mean = x.Average(), std = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / 12);
        double[] all = x.Select(v => 0.3 * (v - mean) / (12 * std)).ToArray();
        TensorAssert.AreClose(Gradient(t => Backend.ReduceStd(t, null, keepdims: true), [0.3], [1, 1], dtype), all, Tol(dtype), Tol(dtype));
    }

    [TestCaseSource(nameof(DTypes))]
    public void VarianceGoesBackAsTwiceTheDeviationOverCount(DType dtype)
    {
        // The variance has no public function of its own: it is std² here, whose gradient is 2·s·∂s = 2(x − m)/n.
        double[] x = Held(X, dtype), w = [0.3, -0.7, 0.2];
        var expected = new double[12];
        for (int i = 0; i < 3; i++)
        {
            double[] row = x.Skip(i * 4).Take(4).ToArray();
            double m = row.Average();
            for (int j = 0; j < 4; j++) expected[i * 4 + j] = w[i] * 2 * (row[j] - m) / 4;
        }
        TensorAssert.AreClose(Gradient(t => Backend.Pow(Backend.ReduceStd(t, 1), 2), w, [3], dtype), expected, 10 * Tol(dtype), 10 * Tol(dtype));
    }
}
