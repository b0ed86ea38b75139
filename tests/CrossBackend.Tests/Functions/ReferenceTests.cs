using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// Each computing function against an independent float64 computation written here, on every engine, in float32 and
/// float64, on data with values not exact in binary (0.1·k − 0.3 patterns) and a shape of (3, 4, 5).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ReferenceTests(ITensorEngine engine)
{
    private static readonly long[] Shape = [3, 4, 5];
    private static readonly double[] Data = Enumerable.Range(0, 60).Select(i => Math.Round(Math.Sin(i * 1.3) * 2.7 + 0.1 * (i % 7) - 0.3, 6)).ToArray();
    private static readonly double[] Positive = Data.Select(v => Math.Abs(v) + 0.1).ToArray();

    private static (double Rtol, double Atol) Tol(DType dtype) => dtype == DType.Float64 ? (1e-12, 1e-12) : (2e-6, 1e-6);

    private double[] Read(object t) => engine.ToDoubleArray(t, out _);

    private object In(double[] values, DType dtype) => FunctionExamples.T(engine, values, Shape, dtype);

    /// <summary>The values as the dtype holds them (the reference starts from the same inputs).</summary>
    private static double[] Held(double[] values, DType dtype) => dtype == DType.Float32 ? values.Select(v => (double)(float)v).ToArray() : values;

    private static void Close(double[] actual, double[] expected, DType dtype)
    {
        (double rtol, double atol) = Tol(dtype);
        TensorAssert.AreClose(actual, expected, rtol, atol);
    }

    public static IEnumerable<TestCaseData> DTypes() => [new(DType.Float32), new(DType.Float64)];

    [TestCaseSource(nameof(DTypes))]
    public void ElementWise(DType dtype)
    {
        double[] x = Held(Data, dtype), p = Held(Positive, dtype);
        Close(Read(Backend.Exp(In(Data, dtype))), x.Select(Math.Exp).ToArray(), dtype);
        Close(Read(Backend.TensorSqrt(In(Positive, dtype))), p.Select(Math.Sqrt).ToArray(), dtype);
        Close(Read(Backend.TensorPow(In(Positive, dtype), 0.3)), p.Select(v => Math.Pow(v, dtype == DType.Float32 ? (float)0.3 : 0.3)).ToArray(), dtype);
        Close(Read(Backend.TensorRound(In(Data, dtype))), x.Select(v => Math.Round(v, MidpointRounding.ToEven)).ToArray(), dtype);
        Close(Read(Backend.ClipByValue(In(Data, dtype), -0.3, 0.1)), x.Select(v => Math.Clamp(v, dtype == DType.Float32 ? (float)-0.3 : -0.3, dtype == DType.Float32 ? (float)0.1 : 0.1)).ToArray(), dtype);
        Close(Read(Backend.Relu(In(Data, dtype))), x.Select(v => Math.Max(v, 0)).ToArray(), dtype);
    }

    /// <summary>exp where it underflows to 0 or overflows to +∞ (a masked softmax row's −∞, a confident model's
    /// −1000), mixed with ordinary values in every vector: IEEE's 0 and +∞ exactly, the others as Math.Exp; and a
    /// softmax over rows with −∞ entries.</summary>
    [TestCaseSource(nameof(DTypes))]
    public void ExpAtTheEdgesOfItsRange(DType dtype)
    {
        double[] edges = [-1e9, double.NegativeInfinity, -1000, -745.2, -0.3, 0.1, 88.5, 709.5, 710, 1e9, double.PositiveInfinity, -80.3];
        double[] x = Held(Enumerable.Range(0, 60).Select(i => edges[i % edges.Length]).ToArray(), dtype);
        double[] expected = x.Select(v => dtype == DType.Float32 ? (double)(float)Math.Exp(v) : Math.Exp(v)).ToArray();
        double[] actual = Read(Backend.Exp(In(x, dtype)));
        for (int i = 0; i < 60; i++)
            if (expected[i] == 0 || double.IsPositiveInfinity(expected[i]))
                Assert.That(actual[i], Is.EqualTo(expected[i]), $"exp({x[i]}) in {dtype.Name()}");
        Close(actual, expected, dtype);

        // Each (3, 4, ·) row of 5 keeps at least one finite value; the −∞ entries get probability 0.
        double[] masked = Held(Data.Select((v, i) => i % 5 is 1 or 3 ? double.NegativeInfinity : v).ToArray(), dtype);
        var softmax = new double[60];
        for (int row = 0; row < 12; row++)
        {
            double[] values = masked.Skip(row * 5).Take(5).ToArray();
            double max = values.Max(), sum = values.Sum(v => Math.Exp(v - max));
            for (int j = 0; j < 5; j++) softmax[row * 5 + j] = Math.Exp(values[j] - max) / sum;
        }
        Close(Read(Backend.Softmax(In(masked, dtype))), softmax, dtype);
    }

    /// <summary>Axes (null: all) of the (3, 4, 5) data, reduced in float64 here.</summary>
    private static double[] Reduce(double[] x, int[]? axes, Func<double[], double> f)
    {
        int[] reduced = axes?.Select(a => a < 0 ? a + 3 : a).ToArray() ?? [0, 1, 2];
        var groups = new SortedDictionary<long, List<double>>();
        for (int i = 0; i < 60; i++)
        {
            int[] at = [i / 20, i / 5 % 4, i % 5];
            long key = 0;
            for (int d = 0; d < 3; d++) key = key * Shape[d] + (reduced.Contains(d) ? 0 : at[d]);
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(x[i]);
        }
        return groups.Values.Select(g => f([.. g])).ToArray();
    }

    private static double Std(double[] g) { double m = g.Average(); return Math.Sqrt(g.Select(v => (v - m) * (v - m)).Average()); }

    private static readonly int[]?[] AxisCases = [null, [0], [1], [-1], [0, 2], [2, 1]];

    [TestCaseSource(nameof(DTypes))]
    public void Reductions(DType dtype)
    {
        double[] x = Held(Data, dtype);
        foreach (int[]? axes in AxisCases)
        {
            string label = axes is null ? "all" : string.Join(",", axes);
            Close(Read(Backend.ReduceSum(In(Data, dtype), axes)), Reduce(x, axes, g => g.Sum()), dtype);
            Close(Read(Backend.ReduceMean(In(Data, dtype), axes)), Reduce(x, axes, g => g.Average()), dtype);
            Close(Read(Backend.ReduceMax(In(Data, dtype), axes)), Reduce(x, axes, g => g.Max()), dtype);
            Close(Read(Backend.ReduceMin(In(Data, dtype), axes)), Reduce(x, axes, g => g.Min()), dtype);
            Close(Read(Backend.ReduceStd(In(Data, dtype), axes)), Reduce(x, axes, Std), dtype);
            // NumPy's percentile with interpolation='lower': index ⌊p/100·(n−1)⌋ of the sorted values.
            foreach (double q in new[] { 0.0, 10, 50, 66, 99.9, 100 })
                Close(Read(Backend.Percentile(In(Data, dtype), q, axes)), Reduce(x, axes, g => g.Order().ElementAt((int)Math.Floor(q / 100 * (g.Length - 1)))), dtype);
            Assert.That(Backend.GetShape(Backend.ReduceSum(In(Data, dtype), axes, keepdims: true)),
                Is.EqualTo(Shape.Select((d, i) => axes is null || axes.Select(a => a < 0 ? a + 3 : a).Contains(i) ? 1 : d)), label);
        }
    }

    [TestCaseSource(nameof(DTypes))]
    public void SoftmaxMatMulZScoreIwd(DType dtype)
    {
        double[] x = Held(Data, dtype);
        var softmax = new double[60];
        for (int r = 0; r < 12; r++)
        {
            double[] row = x[(r * 5)..(r * 5 + 5)];
            double m = row.Max(), s = row.Sum(v => Math.Exp(v - m));
            for (int c = 0; c < 5; c++) softmax[r * 5 + c] = Math.Exp(row[c] - m) / s;
        }
        Close(Read(Backend.Softmax(In(Data, dtype))), softmax, dtype);

        object a = FunctionExamples.T(engine, Data[..12], [3, 4], dtype), b = FunctionExamples.T(engine, Data[12..32], [4, 5], dtype);
        double[] ha = Held(Data[..12], dtype), hb = Held(Data[12..32], dtype);
        var product = new double[15];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) for (int k = 0; k < 4; k++) product[i * 5 + j] += ha[i * 4 + k] * hb[k * 5 + j];
        Close(Read(Backend.MatMul(a, b)), product, dtype);

        double mean = x.Average(), std = Math.Sqrt(x.Select(v => (v - mean) * (v - mean)).Average());
        Close(Read(Backend.ZScore(In(Data, dtype))), x.Select(v => (v - mean) / Math.Max(std, 1e-7)).ToArray(), dtype);

        double[] p = Held(Positive, dtype);
        double eps = Math.Pow((1 - 0.9) / (0.9 * 4), 1 / 2.0);
        var iwd = new double[60];
        for (int r = 0; r < 12; r++)
        {
            double[] w = p[(r * 5)..(r * 5 + 5)].Select(d => Math.Pow(1 / Math.Max(d, eps), 2)).ToArray();
            for (int c = 0; c < 5; c++) iwd[r * 5 + c] = w[c] / w.Sum();
        }
        Close(Read(Backend.Iwd(In(Positive, dtype), power: 2, maxProb: 0.9)), iwd, dtype);
    }

    [TestCaseSource(nameof(DTypes))]
    public void LambertWSatisfiesItsEquation(DType dtype)
    {
        double[] z = Held([-0.3678, -0.3, -0.1, 0.1, 0.3, 1, 2.5, 10, 1e3, 1e5], dtype);
        double[] w = Read(Backend.LambertW(FunctionExamples.T(engine, z, [z.Length], dtype)));
        // Newton on w·e^w = z in float64, from log(1+z): an independent reference.
        double[] reference = z.Select(v =>
        {
            double r = v < -0.25 ? -1 + Math.Sqrt(2 * (1 + Math.E * v)) : Math.Log(1 + v);
            for (int i = 0; i < 100; i++) r -= (r * Math.Exp(r) - v) / (Math.Exp(r) * (r + 1));
            return r;
        }).ToArray();
        TensorAssert.AreClose(w, reference, dtype == DType.Float64 ? 1e-10 : 2e-6, dtype == DType.Float64 ? 1e-10 : 1e-6);
    }

    [Test]
    public void PercentilesOfRowsHoldingNaNAreNaN()
    {
        // np.percentile(x, [0, 50, 100], axis=1, method='lower') and tfp.stats.percentile (FastEstimator's NumPy and
        // TensorFlow paths) give NaN for every percentile of a row holding a NaN; before session 57 the 0th and 50th
        // were the row's numbers (1, 3 and 0.1, 2), as FastEstimator's torch path (kthvalue, NaN sorted last) gives.
        object x = FunctionExamples.T(engine, [3, double.NaN, 1, 2, 0.1, double.NaN, 0.3, 0.1, 0.2], [3, 3], DType.Float64);
        Assert.That(Read(Backend.Percentile(x, [0.0, 50, 100], [1], keepdims: false)),
            Is.EqualTo(new[] { double.NaN, double.NaN, 0.1, double.NaN, double.NaN, 0.2, double.NaN, double.NaN, 0.3 }));
    }

    [Test]
    public void SeededNoiseIsTheSameOnEveryEngine()
    {
        object like = In(Data, DType.Float32);
        double[] uniform = Read(Backend.RandomUniformLike(like, -5, -3, DType.Float64, seed: 42));
        double[] normal = Read(Backend.RandomNormalLike(like, mean: 5, std: 0.3, DType.Float64, seed: 42));
        foreach (ITensorEngine other in TensorEngines.All)
        {
            object theirs = FunctionExamples.T(other, Data, Shape, DType.Float32);
            Assert.That(other.ToDoubleArray(Backend.RandomUniformLike(theirs, -5, -3, DType.Float64, seed: 42), out _), Is.EqualTo(uniform), other.Name);
            Assert.That(other.ToDoubleArray(Backend.RandomNormalLike(theirs, mean: 5, std: 0.3, DType.Float64, seed: 42), out _), Is.EqualTo(normal), other.Name);
        }
        Assert.That(uniform, Has.All.InRange(-5.0, -3.0));
        Assert.That(uniform.Average(), Is.EqualTo(-4).Within(0.25));
        Assert.That(normal.Average(), Is.EqualTo(5).Within(0.15));
        Assert.That(Read(Backend.RandomUniformLike(like, seed: 43)), Is.Not.EqualTo(Read(Backend.RandomUniformLike(like, seed: 42))));
        Assert.That(Backend.ToType(Backend.RandomNormalLike(like)), Is.EqualTo(DType.Float32));
    }
}
