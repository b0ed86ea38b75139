using CrossBackend.Testing;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// The general op <see cref="ITensorOps{TTensor}.Dot"/> (Σ a·b along axes) on every engine's own ops, forward and
/// through the tape's backward rule, in float32 and float64, against a float64 reference written here: short and long
/// rows (one-pass and piecewise paths), every axis, trailing and non-trailing axis sets, keepDims.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class DotOpTests(ITensorEngine engine)
{
    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            yield return new TestCaseData(new long[] { 3, 4 }, new[] { 1 }, false, dtype);
            yield return new TestCaseData(new long[] { 3, 4 }, null, false, dtype);
            yield return new TestCaseData(new long[] { 3, 4 }, new[] { 0 }, true, dtype);
            yield return new TestCaseData(new long[] { 5, 37 }, new[] { -1 }, true, dtype);
            yield return new TestCaseData(new long[] { 2, 3, 50 }, new[] { 1, 2 }, false, dtype);
            yield return new TestCaseData(new long[] { 2, 3, 50 }, new[] { 0, 2 }, false, dtype);
            yield return new TestCaseData(new long[] { 2, 150001 }, new[] { 1 }, false, dtype);
            yield return new TestCaseData(new long[] { 300001 }, null, true, dtype);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void SumOfProductsForwardAndBackward(long[] shape, int[]? axes, bool keepDims, DType dtype)
    {
        int n = (int)Shapes.Count(shape);
        var random = new Random(7);
        double[] a = Held(Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1), dtype);
        double[] b = Held(Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1), dtype);

        // Reference: each element's output index; products rounded to the dtype (as the composed multiply does).
        int rank = shape.Length;
        bool[] reduced = new bool[rank];
        foreach (int axis in axes ?? Enumerable.Range(0, rank).ToArray()) reduced[axis < 0 ? axis + rank : axis] = true;
        long[] outShape = shape.Select((s, d) => reduced[d] ? 1L : s).ToArray();
        var sum = new double[Shapes.Count(outShape)];
        var scale = new double[sum.Length];
        int[] outIndex = new int[n];
        for (int i = 0; i < n; i++)
        {
            long rest = i, flat = 0, stride = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                long k = rest % shape[d];
                rest /= shape[d];
                if (!reduced[d]) flat += k * stride;
                stride *= outShape[d];
            }
            outIndex[i] = (int)flat;
            double product = Held([a[i] * b[i]], dtype)[0];
            sum[flat] += product;
            scale[flat] += Math.Abs(product);
        }
        double[] weights = Held(Enumerable.Range(0, sum.Length).Select(k => 0.1 + 0.3 * (k % 5)), dtype);

        var (y, gradient) = Run(a, b, weights, shape, outShape, axes, keepDims, dtype, out long[] yShape);
        long[] expectedShape = keepDims ? outShape : shape.Where((_, d) => !reduced[d]).ToArray();
        // Engines without rank-0 tensors give a full reduction the shape [1] (the ITensorOps contract).
        Assert.That(yShape, Is.EqualTo(expectedShape).Or.EqualTo(expectedShape.Length == 0 ? new long[] { 1 } : expectedShape));
        double relative = dtype == DType.Float32 ? 2e-6 : 1e-13;
        for (int k = 0; k < sum.Length; k++)
            Assert.That(y[k], Is.EqualTo(sum[k]).Within(relative * (scale[k] + 1)), $"output {k}");
        for (int i = 0; i < n; i += Math.Max(1, n / 997))
            Assert.That(gradient[i], Is.EqualTo(weights[outIndex[i]] * b[i]).Within(relative * 4), $"d/da at {i}");
    }

    [Test]
    public void MismatchedShapesAreRefusedNamingBothShapes()
    {
        var ex = Assert.Catch<Exception>(() => Run(new double[6], new double[6], [0.0], [2, 3], [1, 1], null, false, DType.Float32, out _, otherShape: [3, 2]));
        Exception inner = ex is System.Reflection.TargetInvocationException { InnerException: { } e } ? e : ex!;
        Assert.That(inner, Is.InstanceOf<ArgumentException>());
        Assert.That(inner.Message, Does.Contain("same shape").And.Contain("(2, 3)").And.Contain("(3, 2)"));
    }

    private static double[] Held(IEnumerable<double> v, DType dtype) => dtype == DType.Float32 ? v.Select(x => (double)(float)x).ToArray() : v.ToArray();

    private (double[] Y, double[] Gradient) Run(double[] a, double[] b, double[] weights, long[] shape, long[] outShape, int[]? axes,
        bool keepDims, DType dtype, out long[] yShape, long[]? otherShape = null)
    {
        object x = Backend.ToTensor(a, engine, dtype, shape), other = Backend.ToTensor(b, engine, dtype, otherShape ?? shape);
        object w = Backend.ToTensor(weights, engine, dtype, outShape);
        object ops = engine.OpsFor(x.GetType()) ?? throw new InvalidOperationException($"no ops for {x.GetType().Name}");
        var method = typeof(DotOpTests).GetMethod(nameof(RunOn), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(TensorProgram.OpsTensorType(ops));
        var (y, g, s) = ((double[], double[], long[]))method.Invoke(null, [ops, x, other, w, axes, keepDims])!;
        yShape = s;
        return (y, g);
    }

    private static (double[], double[], long[]) RunOn<TT>(object opsObject, object aObject, object bObject, object wObject, int[]? axes, bool keepDims) where TT : class
    {
        var inner = (ITensorOps<TT>)opsObject;
        long[] shape = [];
        TT[] results = inner.Scoped(() =>
        {
            var tape = new TapeOps<TT>(inner);
            TapeTensor<TT> a = tape.Watch(inner.Adopt(aObject, "a")), b = TapeOps<TT>.Constant(inner.Adopt(bObject, "b"));
            TapeTensor<TT> w = TapeOps<TT>.Constant(inner.Adopt(wObject, "w"));
            TapeTensor<TT> y = tape.Dot(a, b, axes, keepDims);
            shape = inner.Describe(y.Value).Shape;
            TapeTensor<TT> aligned = keepDims ? y : tape.Reshape(y, inner.Describe(w.Value).Shape);
            tape.Backward(tape.Reduce(ReduceOp.Sum, tape.Binary(BinaryOp.Multiply, aligned, w), null, keepDims: false));
            return [y.Value, tape.GradientOf(a)];
        });
        return (inner.ToHost(results[0]), inner.ToHost(results[1]), shape);
    }
}
