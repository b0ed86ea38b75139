using CrossBackend.Testing;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// The matrix product's gradients and the engines' in-place transposed product
/// (<see cref="IFusedTransposedMatMul{TTensor}"/>, which the tape's MatMul backward uses instead of a transposed copy):
/// the fused product is held bit for bit to the composed one (permute, then MatMul) and both to a float64 product
/// written here, on shapes with edge strips and panels, two depth blocks and products large enough to run in parallel;
/// the gradients of Σ w·(a·b) on every engine (its autograd, or the tape) against dA = w·bᵀ and dB = aᵀ·w computed
/// here. No engine is named: an engine without the fused product has its gradients checked all the same.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class TransposedMatMulTests(ITensorEngine engine)
{
    /// <summary>(m, k, n): the train-demo's backward shapes at an MNIST-sized batch, edge strips (m not a multiple of 6)
    /// and panels (n not a multiple of the panel width), k over one depth block (256), and 512³ (parallel packing).</summary>
    private static readonly int[][] Products = [[784, 256, 128], [256, 10, 128], [128, 256, 10], [61, 300, 37], [6, 1000, 9], [130, 520, 67], [512, 512, 512]];

    public static IEnumerable<TestCaseData> FusedCases()
    {
        foreach (int[] p in Products)
            foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
                foreach ((bool ta, bool tb) in new[] { (true, false), (false, true), (true, true) })
                    yield return new TestCaseData(p[0], p[1], p[2], ta, tb, dtype).SetArgDisplayNames(
                        $"({p[0]}, {p[1]}, {p[2]})", ta ? "aT" : "a", tb ? "bT" : "b", dtype.Name());
    }

    private static double[] Values(int count, int seed) =>
        Enumerable.Range(0, count).Select(i => Math.Sin(0.37 * i + seed) * 0.9 + 0.1 * Math.Cos(1.3 * i)).ToArray();

    /// <summary>a (m × k) · b (k × n) in float64 from values rounded to <paramref name="dtype"/>.</summary>
    private static double[] Reference(double[] a, double[] b, int m, int k, int n, DType dtype)
    {
        Func<double, double> held = dtype == DType.Float32 ? v => (float)v : v => v;
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int kk = 0; kk < k; kk++) s += held(a[i * k + kk]) * held(b[kk * n + j]);
                c[i * n + j] = s;
            }
        return c;
    }

    /// <summary>A rounding bound per element of a (m × k) · b (k × n) summed in <paramref name="dtype"/>: k·u·Σ|a||b|
    /// (the dot product's classic bound, u the unit roundoff), so that cancelling sums are judged by what they added up.</summary>
    private static double[] ErrorBound(double[] a, double[] b, int m, int k, int n, DType dtype)
    {
        double u = dtype == DType.Float32 ? Math.Pow(2, -24) : Math.Pow(2, -53);
        var bound = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int kk = 0; kk < k; kk++) s += Math.Abs(a[i * k + kk] * b[kk * n + j]);
                bound[i * n + j] = (k + 2) * u * s;
            }
        return bound;
    }

    /// <summary>The row-major values of the transpose of an (r × c) matrix.</summary>
    private static double[] Transposed(double[] x, int r, int c)
    {
        var t = new double[x.Length];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) t[j * r + i] = x[i * c + j];
        return t;
    }

    [TestCaseSource(nameof(FusedCases))]
    public void FusedProductEqualsTheComposedOneBitForBit(int m, int k, int n, bool transposeA, bool transposeB, DType dtype)
    {
        double[] a = Values(m * k, 1), b = Values(k * n, 2);
        // The operands as stored: aᵀ (k × m) and bᵀ (n × k) where the product reads them transposed.
        double[] aStored = transposeA ? Transposed(a, m, k) : a, bStored = transposeB ? Transposed(b, k, n) : b;
        object at = Backend.ToTensor(aStored, engine, dtype, transposeA ? [k, m] : [m, k]);
        object bt = Backend.ToTensor(bStored, engine, dtype, transposeB ? [n, k] : [k, n]);
        object ops = engine.OpsFor(at.GetType())!;
        var method = typeof(TransposedMatMulTests).GetMethod(nameof(FusedAndComposed), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(TensorProgram.OpsTensorType(ops));
        var (fused, composed) = ((double[]?, double[]))method.Invoke(null, [ops, at, transposeA, bt, transposeB])!;
        double[] expected = Reference(a, b, m, k, n, dtype), bound = ErrorBound(a, b, m, k, n, dtype);
        int worst = Enumerable.Range(0, expected.Length).MaxBy(i => Math.Abs(composed[i] - expected[i]) / bound[i]);
        Assert.That(Math.Abs(composed[worst] - expected[worst]), Is.LessThanOrEqualTo(bound[worst]),
            $"the composed product against float64 at {worst}: {composed[worst]} vs {expected[worst]}");
        bool offered = typeof(IFusedTransposedMatMul<>).MakeGenericType(TensorProgram.OpsTensorType(ops)).IsInstanceOfType(ops);
        if (!offered) return;   // the tape composes on this engine: its gradients are checked below
        Assert.That(fused, Is.Not.Null, "every product here is large enough for the blocked kernel, which takes transposed operands");
        Assert.That(fused, Is.EqualTo(composed), "the fused product reads the same values in the same order as the composed one");
    }

    /// <summary>The fused product (null where the ops do not offer it or decline) and the composed one, as host values.</summary>
    private static (double[]?, double[]) FusedAndComposed<TT>(object opsObject, object a, bool ta, object b, bool tb) where TT : class
    {
        var ops = (ITensorOps<TT>)opsObject;
        TT[] results = ops.Scoped(() =>
        {
            TT x = ops.Adopt(a, "a"), y = ops.Adopt(b, "b");
            TT composed = ops.MatMul(ta ? ops.Permute(x, [1, 0]) : x, tb ? ops.Permute(y, [1, 0]) : y);
            TT? fused = ops is IFusedTransposedMatMul<TT> f ? f.MatMulTransposed(x, ta, y, tb) : null;
            return fused is null ? [composed] : [composed, fused];
        });
        return (results.Length > 1 ? ops.ToHost(results[1]) : null, ops.ToHost(results[0]));
    }

    [TestCase(40, 300, 50)]
    [TestCase(61, 9, 37)]
    [TestCase(5, 4, 3)]
    public void GradientsOfAProductAreTheTransposedProducts(int m, int k, int n)
    {
        double[] a = Values(m * k, 3), b = Values(k * n, 4), w = Values(m * n, 5);
        object at = Backend.ToTensor(a, engine, DType.Float64, [m, k]), bt = Backend.ToTensor(b, engine, DType.Float64, [k, n]);
        object wt = Backend.ToTensor(w, engine, DType.Float64, [m, n]);
        object[] gradients;
        using (GradientTape tape = GradientTape.Record())
        {
            tape.Watch(at);
            tape.Watch(bt);
            object loss = Backend.ReduceSum(Backend.Multiply(Backend.MatMul(at, bt), wt));
            gradients = tape.Gradient(loss, at, bt);
        }
        double[] da = Reference(w, Transposed(b, k, n), m, n, k, DType.Float64), db = Reference(Transposed(a, m, k), w, k, m, n, DType.Float64);
        Tolerance.AssertClose(engine.ToDoubleArray(gradients[0], out long[] daShape), da, DType.Float64, "dA = w·bᵀ");
        Tolerance.AssertClose(engine.ToDoubleArray(gradients[1], out long[] dbShape), db, DType.Float64, "dB = aᵀ·w");
        Assert.That(daShape, Is.EqualTo(new long[] { m, k }));
        Assert.That(dbShape, Is.EqualTo(new long[] { k, n }));
    }
}
