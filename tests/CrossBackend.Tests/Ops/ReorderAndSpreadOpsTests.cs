using CrossBackend.Testing;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// The general ops <see cref="ITensorOps{TTensor}.Flip"/>, <see cref="ITensorOps{TTensor}.Roll"/> and the
/// <see cref="ReduceOp.Variance"/> / <see cref="ReduceOp.Std"/> reductions on every engine's own ops, forward and through
/// the tape's backward rules (the tape runs over any engine's ops, torch's included), in float32 and float64, against
/// float64 references written here. With <c>Gradients/ReorderAndSpreadGradientTests</c> (torch's autograd through
/// the public functions) this is the tape-vs-autograd parity of the new ops.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ReorderAndSpreadOpsTests(ITensorEngine engine)
{
    private static readonly long[] Shape = [3, 4];
    private static readonly double[] X = [0.1, -0.7, 0.3, 1.3, 0.9, 0.2, -0.4, 0.6, 1.1, -0.3, 0.7, 0.5];
    private static readonly double[] W = [0.3, 0.1, -0.7, 0.2, 0.9, -0.1, 0.4, 0.3, -0.6, 0.7, 0.1, 0.3];

    public static IEnumerable<DType> DTypes() => [DType.Float32, DType.Float64];

    private static double[] Held(double[] v, DType dtype) => dtype == DType.Float32 ? v.Select(x => (double)(float)x).ToArray() : v;
    private static double Tol(DType dtype) => dtype == DType.Float32 ? 2e-6 : 1e-13;

    /// <summary>One op's forward values and the tape's gradient of Σ w·op(x), on the engine's own ops.</summary>
    private (double[] Forward, double[] Gradient) RunOnOps(string op, DType dtype, double[] w, long[] wShape)
    {
        object x = Backend.ToTensor(X, engine, dtype, Shape), weights = Backend.ToTensor(w, engine, dtype, wShape);
        object ops = engine.OpsFor(x.GetType()) ?? throw new InvalidOperationException($"no ops for {x.GetType().Name}");
        var method = typeof(ReorderAndSpreadOpsTests).GetMethod(nameof(Run), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(TensorProgram.OpsTensorType(ops));
        return ((double[], double[]))method.Invoke(null, [ops, x, weights, op])!;
    }

    private static (double[], double[]) Run<TT>(object opsObject, object xObject, object wObject, string op) where TT : class
    {
        var inner = (ITensorOps<TT>)opsObject;
        TT[] results = inner.Scoped(() =>
        {
            var tape = new TapeOps<TT>(inner);
            TapeTensor<TT> x = tape.Watch(inner.Adopt(xObject, "x")), w = TapeOps<TT>.Constant(inner.Adopt(wObject, "w"));
            TapeTensor<TT> y = op switch
            {
                "flip" => tape.Flip(x, [-1]),
                "flip2" => tape.Flip(x, [1, 0]),
                "roll" => tape.Roll(x, [1], [1]),
                "roll2" => tape.Roll(x, [-1, 5], [0, -1]),
                "var" => tape.Reduce(ReduceOp.Variance, x, [1], keepDims: false),
                "std" => tape.Reduce(ReduceOp.Std, x, [1], keepDims: false),
                "varAll" => tape.Reduce(ReduceOp.Variance, x, null, keepDims: true),
                _ => tape.Reduce(ReduceOp.Std, x, [0], keepDims: true),
            };
            tape.Backward(tape.Reduce(ReduceOp.Sum, tape.Binary(BinaryOp.Multiply, y, w), null, keepDims: false));
            return [y.Value, tape.GradientOf(x)];
        });
        return (inner.ToHost(results[0]), inner.ToHost(results[1]));
    }

    private static int Flat(int i, int j) => i * 4 + j;

    [TestCaseSource(nameof(DTypes))]
    public void FlipForwardAndBackward(DType dtype)
    {
        double[] x = Held(X, dtype), w = Held(W, dtype);
        var (y, g) = RunOnOps("flip", dtype, W, Shape);
        Assert.That(y, Is.EqualTo(Enumerable.Range(0, 12).Select(k => x[Flat(k / 4, 3 - k % 4)])));
        Assert.That(g, Is.EqualTo(Enumerable.Range(0, 12).Select(k => w[Flat(k / 4, 3 - k % 4)])));
        (y, g) = RunOnOps("flip2", dtype, W, Shape);
        Assert.That(y, Is.EqualTo(Enumerable.Range(0, 12).Select(k => x[Flat(2 - k / 4, 3 - k % 4)])));
        Assert.That(g, Is.EqualTo(Enumerable.Range(0, 12).Select(k => w[Flat(2 - k / 4, 3 - k % 4)])));
    }

    [TestCaseSource(nameof(DTypes))]
    public void RollForwardAndBackward(DType dtype)
    {
        double[] x = Held(X, dtype), w = Held(W, dtype);
        var (y, g) = RunOnOps("roll", dtype, W, Shape);
        Assert.That(y, Is.EqualTo(Enumerable.Range(0, 12).Select(k => x[Flat(k / 4, (k % 4 + 3) % 4)])), "y_ij = x_i,(j−1) mod 4");
        Assert.That(g, Is.EqualTo(Enumerable.Range(0, 12).Select(k => w[Flat(k / 4, (k % 4 + 1) % 4)])), "by −shift");
        (y, g) = RunOnOps("roll2", dtype, W, Shape);
        Assert.That(y, Is.EqualTo(Enumerable.Range(0, 12).Select(k => x[Flat((k / 4 + 1) % 3, (k % 4 + 3) % 4)])), "rows by −1, columns by 5 ≡ 1");
        Assert.That(g, Is.EqualTo(Enumerable.Range(0, 12).Select(k => w[Flat((k / 4 + 2) % 3, (k % 4 + 1) % 4)])));
    }

    [TestCaseSource(nameof(DTypes))]
    public void VarianceAndStdForwardAndBackward(DType dtype)
    {
        double[] x = Held(X, dtype), w = Held([0.3, -0.7, 0.2], dtype);
        double[] var = new double[3], dVar = new double[12], dStd = new double[12];
        for (int i = 0; i < 3; i++)
        {
            double[] row = x.Skip(i * 4).Take(4).ToArray();
            double m = row.Average();
            var[i] = row.Sum(v => (v - m) * (v - m)) / 4;
            for (int j = 0; j < 4; j++)
            {
                dVar[Flat(i, j)] = w[i] * 2 * (row[j] - m) / 4;
                dStd[Flat(i, j)] = w[i] * (row[j] - m) / (4 * Math.Sqrt(var[i]));
            }
        }
        var (y, g) = RunOnOps("var", dtype, [0.3, -0.7, 0.2], [3]);
        TensorAssert.AreClose(y, var, Tol(dtype), Tol(dtype));
        TensorAssert.AreClose(g, dVar, Tol(dtype), Tol(dtype));
        (y, g) = RunOnOps("std", dtype, [0.3, -0.7, 0.2], [3]);
        TensorAssert.AreClose(y, var.Select(Math.Sqrt).ToArray(), Tol(dtype), Tol(dtype));
        TensorAssert.AreClose(g, dStd, Tol(dtype), Tol(dtype));

        double mean = x.Average(), all = x.Sum(v => (v - mean) * (v - mean)) / 12;
        (y, g) = RunOnOps("varAll", dtype, [0.3], [1, 1]);
        TensorAssert.AreClose(y, new[] { all }, Tol(dtype), Tol(dtype));
        TensorAssert.AreClose(g, x.Select(v => Held([0.3], dtype)[0] * 2 * (v - mean) / 12).ToArray(), Tol(dtype), Tol(dtype));

        // Along axis 0 (kept): a column's spread, the reduced axis leading (numerics' strided path).
        (y, g) = RunOnOps("stdColumns", dtype, [0.1, 0.2, 0.3, 0.4], [1, 4]);
        for (int j = 0; j < 4; j++)
        {
            double[] column = [x[Flat(0, j)], x[Flat(1, j)], x[Flat(2, j)]];
            double m = column.Average(), s = Math.Sqrt(column.Sum(v => (v - m) * (v - m)) / 3);
            Assert.That(y[j], Is.EqualTo(s).Within(Tol(dtype) * 10));
            for (int i = 0; i < 3; i++)
                Assert.That(g[Flat(i, j)], Is.EqualTo(Held([0.1, 0.2, 0.3, 0.4], dtype)[j] * (column[i] - m) / (3 * s)).Within(Tol(dtype) * 10));
        }
    }

    [Test]
    public void OpsRefuseRepeatedAxesAndMismatchedShifts()
    {
        object x = Backend.ToTensor(X, engine, DType.Float32, Shape);
        object ops = engine.OpsFor(x.GetType())!;
        var method = typeof(ReorderAndSpreadOpsTests).GetMethod(nameof(Refusals), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(TensorProgram.OpsTensorType(ops));
        method.Invoke(null, [ops, x]);
    }

    private static void Refusals<TT>(object opsObject, object xObject) where TT : class
    {
        var ops = (ITensorOps<TT>)opsObject;
        TT x = ops.Adopt(xObject, "x");
        Assert.That(Assert.Throws<ArgumentException>(() => ops.Flip(x, [1, -1]))!.ParamName, Is.EqualTo("axes"));
        Assert.That(Assert.Throws<ArgumentException>(() => ops.Roll(x, [1, 2], [0]))!.ParamName, Is.EqualTo("shifts"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => ops.Flip(x, [2]))!.ParamName, Is.EqualTo("axes").Or.EqualTo("axis"));
    }
}
