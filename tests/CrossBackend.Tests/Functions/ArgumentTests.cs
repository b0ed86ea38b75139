using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>Bad arguments fail with the argument named, on every engine.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ArgumentTests(ITensorEngine engine)
{
    private object X(params long[] shape) => Ramp(engine, shape);

    /// <summary>A float32 tensor of <paramref name="shape"/> holding 0, 0.1, 0.2, … on <paramref name="engine"/>.</summary>
    internal static object Ramp(ITensorEngine engine, params long[] shape) =>
        FunctionExamples.T(engine, Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(i => 0.1 * i).ToArray(), shape, DType.Float32);

    private static void Names(string argument, TestDelegate call) =>
        Assert.That(Assert.Catch<ArgumentException>(call)!, Has.Property("ParamName").EqualTo(argument).And.Message.Contains($"`{argument}`"));

    [Test]
    public void AxisOutOfRange()
    {
        Names("axis", () => Backend.ReduceSum<object>(X(2, 3), 2));
        Names("axis", () => Backend.ReduceMean<object>(X(2, 3), [-3]));
        Names("axis", () => Backend.ArgMax(X(2, 3), 5));
        Names("axis", () => Backend.Squeeze<object>(X(2, 3), 0));
        Names("axis", () => Backend.ExpandDims<object>(X(2, 3), 4));
        Names("axis", () => Backend.Flip<object>(X(2, 3), [0, 0]));
        Names("axis", () => Backend.Percentile<object>(X(2, 3), 50, [2]));
        Names("axis", () => Backend.Softmax<object>(X(2, 3), -3));
        Names("permutation", () => Backend.Permute<object>(X(2, 3), [0]));
    }

    [Test]
    public void ShapesThatDoNotBroadcast()
    {
        Names("tensor2", () => Backend.Maximum<object>(X(2, 3), X(2, 2)));
        Names("b", () => Backend.Add<object>(X(3), X(2)));
        Names("b", () => Backend.MatMul<object>(X(2, 3), X(2, 3)));
        Names("shape", () => Backend.Reshape<object>(X(2, 3), [4, -1]));
        Names("tensors", () => Backend.Concat<object>([X(2, 3), X(2, 2)], 0));
        Names("indices", () => Backend.GatherFromBatch<object>(X(3, 2), X(2)));
        Names("mean", () => Backend.Normalize<object>(X(2, 3, 4, 5), [0.1, 0.2], [0.3, 0.3]));
    }

    [Test]
    public void OptionValues()
    {
        Names("minValue", () => Backend.ClipByValue<object>(X(2)));
        Names("percentiles", () => Backend.Percentile<object>(X(4), [101.0]));
        Names("resizeMode", () => Backend.Resize3D<object>(X(1, 1, 2, 2, 2), [2, 2, 2], "cubic"));
        Names("tensor", () => Backend.GetImageDims(X(2, 2)));
        Names("dtype", () => Backend.Cast(X(2), "complex64"));
    }

    /// <summary>A maximum, minimum or arg-max of no values: the same named error on every engine (torch passed
    /// libtorch's own "Expected reduction dim to be specified for input.numel() == 0" before). Sums and means of no
    /// values are 0 and NaN there, as in NumPy.</summary>
    [Test]
    public void MaxMinAndArgMaxOfNoValues()
    {
        object empty = FunctionExamples.T(engine, [], [0, 6], DType.Float32);
        Names("tensor", () => Backend.ReduceMax<object>(empty));
        Names("tensor", () => Backend.ReduceMin<object>(empty, 0));
        Names("tensor", () => Backend.ArgMax(empty, 0));
        Assert.That(engine.ToDoubleArray(Backend.ReduceMax<object>(empty, 1), out long[] shape), Is.Empty, "along a non-empty axis: no rows, no error");
        Assert.That(shape, Is.EqualTo(new long[] { 0 }));
        Assert.That(engine.ToDoubleArray(Backend.ReduceSum<object>(empty), out _), Is.EqualTo(new[] { 0.0 }));
        Assert.That(engine.ToDoubleArray(Backend.ReduceStd<object>(empty, 0), out long[] stdShape), Is.EqualTo(Enumerable.Repeat(double.NaN, 6)),
            "the spread of no values is NaN (libtorch also printed a warning to stderr)");
        Assert.That(stdShape, Is.EqualTo(new long[] { 6 }));
        Assert.That(engine.ToDoubleArray(Backend.ReduceStd<object>(empty, [0], keepdims: true), out long[] keptShape).Length, Is.EqualTo(6));
        Assert.That(keptShape, Is.EqualTo(new long[] { 1, 6 }));
    }

    [Test]
    public void ATensorOfAnotherEngineIsRefused()
    {
        ITensorEngine? other = TensorEngines.All.FirstOrDefault(e => e != engine);
        if (other is null) Assert.Ignore("Only one engine was found.");
        object theirs = FunctionExamples.T(other!, [1, 2], [2], DType.Float32);
        Names("tensor2", () => Backend.Maximum<object>(X(2), theirs));
        Names("indices", () => Backend.Gather<object>(X(2, 2), theirs));
        Names("b", () => Backend.MatMul<object>(X(2, 2), FunctionExamples.T(other!, [1, 2, 3, 4], [2, 2], DType.Float32)));
    }
}
