using CrossBackend.Testing;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// The general op <see cref="ITensorOps{TTensor}.ArgSort"/> (stable, NaN last) on every engine's own ops, and the
/// tape's backward of <see cref="ITensorOps{TTensor}.Sort"/> built on it (the tape runs over torch's ops too), in float32
/// and float64. Data: 60 values 0.1·((7i) mod 3), NaN at 5, 17 and 44 — long rows of ties. Golden values: NumPy 1.24's
/// <c>np.argsort(x, axis, kind='stable')</c>, equal to PyTorch 1.13's <c>torch.sort(x, dim, stable=True).indices</c>,
/// and PyTorch 1.13's <c>torch.autograd.grad</c> of Σ w·sort(x, dim=0, stable=True).values.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ArgSortOpTests(ITensorEngine engine)
{
    private static readonly double[] X = Enumerable.Range(0, 60).Select(i => i is 5 or 17 or 44 ? double.NaN : 0.1 * (i * 7 % 3)).ToArray();

    public static IEnumerable<DType> DTypes() => [DType.Float32, DType.Float64];

    /// <summary>(ArgSort(x, axis) as doubles, the tape's gradient of Σ w·Sort(x, axis)) on the engine's own ops.</summary>
    private (double[] Order, double[] Gradient) RunOnOps(long[] shape, int axis, DType dtype)
    {
        object x = Backend.ToTensor(X, engine, dtype, shape);
        object w = Backend.ToTensor(Enumerable.Range(0, 60).Select(k => 0.3 + 0.1 * k).ToArray(), engine, dtype, shape);
        object ops = engine.OpsFor(x.GetType()) ?? throw new InvalidOperationException($"no ops for {x.GetType().Name}");
        var method = typeof(ArgSortOpTests).GetMethod(nameof(Run), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(TensorProgram.OpsTensorType(ops));
        return ((double[], double[]))method.Invoke(null, [ops, x, w, axis])!;
    }

    private static (double[], double[]) Run<TT>(object opsObject, object xObject, object wObject, int axis) where TT : class
    {
        var inner = (ITensorOps<TT>)opsObject;
        TT[] results = inner.Scoped(() =>
        {
            var tape = new TapeOps<TT>(inner);
            TapeTensor<TT> x = tape.Watch(inner.Adopt(xObject, "x")), w = TapeOps<TT>.Constant(inner.Adopt(wObject, "w"));
            tape.Backward(tape.Reduce(ReduceOp.Sum, tape.Binary(BinaryOp.Multiply, tape.Sort(x, axis), w), null, keepDims: false));
            return [inner.ArgSort(x.Value, axis), tape.GradientOf(x)];
        });
        return (inner.ToHost(results[0]), inner.ToHost(results[1]));
    }

    /// <summary>−0 and +0 tie (kept in input order), ±∞ sort as numbers, the smallest subnormals on either side of the
    /// zeros, NaNs last: NumPy 1.24's <c>argsort(kind='stable')</c> and PyTorch 1.13's stable sort (float32 and float64)
    /// give [4, 9, 0, 1, 5, 6, 8, 3, 2, 7].</summary>
    [TestCaseSource(nameof(DTypes))]
    public void ArgSortTiesSignedZerosAndSortsInfinities(DType dtype)
    {
        double[] x = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, double.NaN, 1e-45, -1e-45];
        object t = Backend.ToTensor(x, engine, dtype);
        object ops = engine.OpsFor(t.GetType()) ?? throw new InvalidOperationException($"no ops for {t.GetType().Name}");
        var method = typeof(ArgSortOpTests).GetMethod(nameof(ArgSortOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(TensorProgram.OpsTensorType(ops));
        Assert.That((double[])method.Invoke(null, [ops, t])!, Is.EqualTo(new double[] { 4, 9, 0, 1, 5, 6, 8, 3, 2, 7 }));
    }

    private static double[] ArgSortOf<TT>(object opsObject, object xObject) where TT : class
    {
        var inner = (ITensorOps<TT>)opsObject;
        return inner.ToHost(inner.Scoped(() => new[] { inner.ArgSort(inner.Adopt(xObject, "x"), 0) })[0]);
    }

    [TestCaseSource(nameof(DTypes))]
    public void ArgSortIsStableWithNaNLastAlongTheLastAxis(DType dtype)
    {
        Assert.That(RunOnOps([3, 20], -1, dtype).Order, Is.EqualTo(new double[]
        {
            0, 3, 6, 9, 12, 15, 18, 1, 4, 7, 10, 13, 16, 19, 2, 8, 11, 14, 5, 17,
            1, 4, 7, 10, 13, 16, 19, 2, 5, 8, 11, 14, 17, 0, 3, 6, 9, 12, 15, 18,
            2, 5, 8, 11, 14, 17, 0, 3, 6, 9, 12, 15, 18, 1, 7, 10, 13, 16, 19, 4,
        }));
    }

    /// <summary>Along axis 0 of (20, 3): column 0 is 0 throughout but for a NaN at row 1 (index order kept, NaN last).
    /// PyTorch 1.13's gradient of Σ w·sort: w[place, j] goes to the element at that place.</summary>
    [TestCaseSource(nameof(DTypes))]
    public void ArgSortAndSortsGradientAlongALeadingAxis(DType dtype)
    {
        var (order, gradient) = RunOnOps([20, 3], 0, dtype);
        Assert.That(order, Is.EqualTo(new double[]
        {
            0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 6, 5, 5, 7, 6, 6, 8, 7, 7, 9, 8, 8, 10, 9, 9, 11,
            10, 10, 12, 11, 11, 13, 12, 12, 15, 13, 13, 16, 14, 14, 17, 15, 15, 18, 16, 16, 19, 17, 17, 1, 18, 18, 5, 19, 19, 14,
        }));
        double tolerance = dtype == DType.Float32 ? 5e-7 : 1e-15;
        TensorAssert.AreClose(gradient, new[]
        {
            0.3, 0.4, 0.5, 0.6, 0.7, 5.6, 0.9, 1.0, 0.8, 1.2, 1.3, 1.1, 1.5, 1.6, 1.4, 1.8, 1.9, 5.9, 2.1, 2.2,
            1.7, 2.4, 2.5, 2.0, 2.7, 2.8, 2.3, 3.0, 3.1, 2.6, 3.3, 3.4, 2.9, 3.6, 3.7, 3.2, 3.9, 4.0, 3.5, 4.2,
            4.3, 3.8, 4.5, 4.6, 6.2, 4.8, 4.9, 4.1, 5.1, 5.2, 4.4, 5.4, 5.5, 4.7, 5.7, 5.8, 5.0, 6.0, 6.1, 5.3,
        }, tolerance, tolerance);
    }
}
