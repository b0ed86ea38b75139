namespace CrossBackend;

/// <summary>One published example of a backend function: its input built on an engine, the expected values
/// (row-major) and shape, and the absolute tolerance the published digits allow.</summary>
/// <param name="Function">FastEstimator's name of the function, e.g. <c>clip_by_value</c>.</param>
/// <param name="Name">The example: its arguments, or "test: …" for a value of FastEstimator's unit tests.</param>
/// <param name="Run">Builds the input on an engine and calls the <see cref="Backend"/> function; the result is that
/// engine's tensor.</param>
/// <param name="Expected">The published values, row-major.</param>
/// <param name="Shape">The published shape (null: checked elsewhere, per layout); a rank-0 result may be (1,) on
/// engines without rank-0 tensors.</param>
/// <param name="Tolerance">The absolute difference the published digits allow.</param>
internal sealed record FunctionExample(string Function, string Name, Func<ITensorEngine, object> Run, double[] Expected, long[]? Shape, double Tolerance = 1e-6)
{
    /// <summary>The function and the example, e.g. "clip_by_value: min=-2, max=3".</summary>
    public override string ToString() => $"{Function}: {Name}";
}

/// <summary>
/// FastEstimator's documented examples (the docstrings of <c>fastestimator/backend/_*.py</c>) and the values of its
/// backend unit tests (<c>test/PR_test/unit_test/backend/test_*.py</c>, names starting "test:"), one entry each, run
/// on every engine by the tests and by <c>crossbackend parity</c>. Integer examples run in int64 (NumPy's default)
/// unless the test builds int32 (TensorFlow's), float ones in float32. Layout-dependent examples (get_image_dims,
/// per-channel normalize) and the test values checked with np.allclose's relative tolerance are in the test project.
/// </summary>
internal static class FunctionExamples
{
    internal static object T(ITensorEngine e, double[] values, long[] shape, DType dtype) => Backend.ToTensor(values, e, dtype, shape);
    private static object I(ITensorEngine e, double[] v, params long[] s) => T(e, v, s, DType.Int64);
    private static object F(ITensorEngine e, double[] v, params long[] s) => T(e, v, s, DType.Float32);
    private static object I32(ITensorEngine e, double[] v, params long[] s) => T(e, v, s, DType.Int32);
    /// <summary>Channels-last data in the engine's layout (channels to axis 1 on channels-first engines), and back.</summary>
    private static object InLayout(ITensorEngine e, object x) => e.ClassAxis == -1 ? x : e.MoveAxis(x, -1, 1);
    private static object ChannelsLast(ITensorEngine e, object x) => e.ClassAxis == -1 ? x : e.MoveAxis(x, 1, -1);
    private static double[] Range(int n, int from = 0) => Enumerable.Range(from, n).Select(i => (double)i).ToArray();

    private static readonly double[] Cube = [1, 2, 3, 4, 5, 6, 7, 8];   // [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    private static readonly double[] Twelve = Range(12);                  // [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]]
    private static readonly double[] Argmax = [2, 7, 5, 9, 1, 3, 4, 8, 2];
    private static readonly double[] Clip = [-5, 4, 2, 0, 9, -2];
    private static readonly double[] Rolled = [1, 2, 3, 5, 6, 7];
    private static readonly double[] LambertIn = [-1.0 / Math.E, -0.34, -0.32, -0.2, 0, 0.12, 0.15, Math.E, 5, Math.Exp(1 + Math.E), 100];
    private static readonly double[] PowIn = [1, 4, 6, 2.3, 0.5, 0];
    // The unit tests' inputs: [[1, 2], [3, 3]] (NumPy), [[1, 1], [2, -3], [4, 1]] (TensorFlow int32, PyTorch float32),
    // test_percentile's [[1, 3, 9], [2, 7, 5], [8, 4, 6]].
    private static readonly double[] TestNp = [1, 2, 3, 3];
    private static readonly double[] TestTensor = [1, 1, 2, -3, 4, 1];
    private static readonly double[] PercentileIn = [1, 3, 9, 2, 7, 5, 8, 4, 6];
    // test_tensor_normalize: arange(12) as (1, 2, 2, 3) channels-last, mean 0.5, std 0.31382295, max 11.
    private static readonly double[] NormalizeExpected =
        [-1.593255, -1.3035723, -1.0138896, -0.7242068, -0.4345241, -0.14484136, 0.14484136, 0.4345241, 0.7242068, 1.0138896, 1.3035723, 1.593255];

    /// <summary>Every example, grouped by function.</summary>
    public static IEnumerable<FunctionExample> All()
    {
        yield return new("abs", "[-2, 7, -19]", e => Backend.Abs(I(e, [-2, 7, -19], 3)), [2, 7, 19], [3]);
        yield return new("argmax", "axis=0", e => Backend.ArgMax(I(e, Argmax, 3, 3), 0), [1, 2, 0], [3]);
        yield return new("argmax", "axis=1", e => Backend.ArgMax(I(e, Argmax, 3, 3), 1), [1, 0, 1], [3]);
        yield return new("clip_by_value", "min=-2, max=3", e => Backend.ClipByValue(I(e, Clip, 6), -2, 3), [-2, 3, 2, 0, 3, -2], [6]);
        yield return new("clip_by_value", "min=-2", e => Backend.ClipByValue(I(e, Clip, 6), minValue: -2), [-2, 4, 2, 0, 9, -2], [6]);
        yield return new("concat", "axis=0", e => Backend.Concat([I(e, [0, 1], 1, 2), I(e, [2, 3], 1, 2), I(e, [4, 5], 1, 2)], 0), Range(6), [3, 2]);
        yield return new("concat", "axis=1", e => Backend.Concat([I(e, [0, 1], 1, 2), I(e, [2, 3], 1, 2), I(e, [4, 5], 1, 2)], 1), Range(6), [1, 6]);
        yield return new("exp", "[-2, 2, 1]", e => Backend.Exp(F(e, [-2, 2, 1], 3)), [0.1353, 7.3891, 2.7183], [3], 5e-5);
        yield return new("expand_dims", "axis=0", e => Backend.ExpandDims(I(e, [2, 7, 5], 3), 0), [2, 7, 5], [1, 3]);
        yield return new("expand_dims", "axis=1", e => Backend.ExpandDims(I(e, [2, 7, 5], 3), 1), [2, 7, 5], [3, 1]);
        yield return new("flip", "axis=[0]", e => Backend.Flip(I(e, Twelve, 3, 2, 2), [0]), [8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3], [3, 2, 2]);
        yield return new("flip", "axis=[0, 1]", e => Backend.Flip(I(e, Twelve, 3, 2, 2), [0, 1]), [10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1], [3, 2, 2]);
        yield return new("gather", "2-D", e => Backend.Gather(I(e, Range(6), 3, 2), I(e, [1, 0, 1], 3)), [2, 3, 0, 1, 2, 3], [3, 2]);
        yield return new("gather", "3-D", e => Backend.Gather(I(e, Twelve, 3, 2, 2), I(e, [1, 0, 1], 3)), [4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7], [3, 2, 2]);
        yield return new("gather", "test: 3-D, indices [[1], [0], [1]]", e => Backend.Gather(I(e, Twelve, 3, 2, 2), I(e, [1, 0, 1], 3, 1)),
            [4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7], [3, 2, 2]);
        yield return new("gather_from_batch", "2-D", e => Backend.GatherFromBatch(I(e, Range(6), 3, 2), I(e, [1, 0, 1], 3)), [1, 2, 5], [3]);
        yield return new("gather_from_batch", "3-D", e => Backend.GatherFromBatch(I(e, Twelve, 3, 2, 2), I(e, [1, 0, 1], 3)), [2, 3, 4, 5, 10, 11], [3, 2]);
        // One index is squeezed to a scalar by FastEstimator (np.take / tf.gather / torch indexing with it): the axis goes.
        yield return new("gather", "one index [[2]] drops the axis", e => Backend.Gather(I(e, Range(6), 3, 2), I(e, [2], 1, 1)), [4, 5], [2]);
        yield return new("gather", "one index [1] of a 3-D tensor", e => Backend.Gather(I(e, Twelve, 3, 2, 2), I(e, [1], 1)), [4, 5, 6, 7], [2, 2]);
        yield return new("iwd", "[[0.5]*5, [0, 1, 1, 1, 1]]", e => Backend.Iwd(F(e, [.5, .5, .5, .5, .5, 0, 1, 1, 1, 1], 2, 5)),
            [0.2, 0.2, 0.2, 0.2, 0.2, 0.95, 0.0125, 0.0125, 0.0125, 0.0125], [2, 5]);
        // FastEstimator divides by reshape(sum, [-1, 1]): one row of distances (C,) gives (1, C).
        yield return new("iwd", "one row [0, 1, 1, 1, 1] gives (1, 5)", e => Backend.Iwd(F(e, [0, 1, 1, 1, 1], 5)), [0.95, 0.0125, 0.0125, 0.0125, 0.0125], [1, 5], 1e-7);
        yield return new("lambertw", "docstring points", e => Backend.LambertW(F(e, LambertIn, 11)),
            [-1, -0.654, -0.560, -0.259, 0, 0.108, 0.132, 1, 1.327, 2.718, 3.386], [11], 5e-4 + 1e-6);
        yield return new("matmul", "(2, 3)·(3, 1)", e => Backend.MatMul(I(e, Range(6), 2, 3), I(e, [1, 2, 3], 3, 1)), [8, 26], [2, 1]);
        yield return new("maximum", "[[2, 7, 6]], [[2, 7, 5]]", e => Backend.Maximum(I(e, [2, 7, 6], 1, 3), I(e, [2, 7, 5], 1, 3)), [2, 7, 6], [1, 3]);
        yield return new("ones_like", "int", e => Backend.OnesLike(I(e, Range(4), 2, 2)), [1, 1, 1, 1], [2, 2]);
        yield return new("ones_like", "float32", e => Backend.OnesLike(I(e, Range(4), 2, 2), DType.Float32), [1, 1, 1, 1], [2, 2]);
        yield return new("zeros_like", "int", e => Backend.ZerosLike(I(e, Range(4), 2, 2)), [0, 0, 0, 0], [2, 2]);
        yield return new("percentile", "[66]", e => Backend.Percentile(I(e, Range(9, 1), 3, 3), [66]), [6], [1, 1, 1]);
        yield return new("percentile", "[66], axis=0", e => Backend.Percentile(I(e, Range(9, 1), 3, 3), [66], [0]), [4, 5, 6], [1, 1, 3]);
        yield return new("percentile", "[66], axis=1", e => Backend.Percentile(I(e, Range(9, 1), 3, 3), [66], [1]), [2, 5, 8], [1, 3, 1]);
        yield return new("percentile", "test: 50", e => Backend.Percentile(I(e, PercentileIn, 3, 3), 50), [5], [1, 1]);
        yield return new("percentile", "test: [0, 50]", e => Backend.Percentile(I(e, PercentileIn, 3, 3), [0, 50]), [1, 5], [2, 1, 1]);
        yield return new("percentile", "test: 50, axis=0", e => Backend.Percentile(I(e, PercentileIn, 3, 3), 50, [0]), [2, 4, 6], [1, 3]);
        yield return new("percentile", "test: 50, axis=1", e => Backend.Percentile(I(e, PercentileIn, 3, 3), 50, [1]), [3, 5, 6], [3, 1]);
        yield return new("percentile", "test: 50, axis=[0, 1]", e => Backend.Percentile(I(e, PercentileIn, 3, 3), 50, [0, 1]), [5], [1, 1]);
        yield return new("percentile", "test: [0, 50], axis=[0, 1]", e => Backend.Percentile(I(e, PercentileIn, 3, 3), [0, 50], [0, 1]), [1, 5], [2, 1, 1]);
        yield return new("percentile", "test: 50, axis=0, keepdims=False", e => Backend.Percentile(I(e, PercentileIn, 3, 3), 50, [0], false), [2, 4, 6], [3]);
        yield return new("percentile", "test: 50, axis=1, keepdims=False", e => Backend.Percentile(I(e, PercentileIn, 3, 3), 50, [1], false), [3, 5, 6], [3]);
        yield return new("percentile", "test: 50, axis=[0, 1], keepdims=False", e => Backend.Percentile(I(e, PercentileIn, 3, 3), 50, [0, 1], false), [5], []);
        yield return new("percentile", "test: [0, 50], axis=[0, 1], keepdims=False", e => Backend.Percentile(I(e, PercentileIn, 3, 3), [0, 50], [0, 1], false),
            [1, 5], [2]);
        yield return new("permute", "[2, 0, 1]", e => Backend.Permute(I(e, Twelve, 3, 2, 2), [2, 0, 1]), [0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11], [2, 3, 2]);
        yield return new("permute", "[0, 2, 1]", e => Backend.Permute(I(e, Twelve, 3, 2, 2), [0, 2, 1]), [0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11], [3, 2, 2]);
        yield return new("pow", "[-2, 7, -19]^2", e => Backend.Pow(I(e, [-2, 7, -19], 3), 2), [4, 49, 361], [3]);
        foreach ((string fn, Func<object, int[]?, object> f, double[][] expected) in new (string, Func<object, int[]?, object>, double[][])[]
        {
            ("reduce_max", (x, a) => Backend.ReduceMax(x, a), [[8], [5, 6, 7, 8], [3, 4, 7, 8], [6, 8]]),
            ("reduce_min", (x, a) => Backend.ReduceMin(x, a), [[1], [1, 2, 3, 4], [1, 2, 5, 6], [1, 3]]),
            ("reduce_sum", (x, a) => Backend.ReduceSum(x, a), [[36], [6, 8, 10, 12], [4, 6, 12, 14], [14, 22]]),
            ("reduce_mean", (x, a) => Backend.ReduceMean(x, a), [[4.5], [3, 4, 5, 6], [2, 3, 6, 7], [3.5, 5.5]]),
                        // FastEstimator's docstring prints 2.23606798 (√5) for axis=[0, 2]; NumPy 1.24 gives 2.06155281 (√4.25): a typo.
            ("reduce_std", (x, a) => Backend.ReduceStd(x, a), [[2.2913], [2, 2, 2, 2], [1, 1, 1, 1], [2.06155281, 2.06155281]]),
        })
        {
            int[]?[] axes = [null, [0], [1], [0, 2]];
            long[][] shapes = [[], [2, 2], [2, 2], [2]];
            for (int k = 0; k < 4; k++)
            {
                int[]? axis = axes[k];
                yield return new(fn, axis is null ? "all" : $"axis=[{string.Join(", ", axis)}]", e => f(F(e, Cube, 2, 2, 2), axis), expected[k], shapes[k],
                    fn == "reduce_std" && k == 0 ? 5e-5 : 1e-6);
            }
        }
        // The unit tests' values (test_reduce_std: assertAlmostEqual with delta 0.001).
        yield return new("reduce_max", "test: [[1, 2], [3, 3]]", e => Backend.ReduceMax(I(e, TestNp, 2, 2)), [3], []);
        yield return new("reduce_max", "test: [[1, 2], [3, 3]], axis=0", e => Backend.ReduceMax(I(e, TestNp, 2, 2), 0), [3, 3], [2]);
        yield return new("reduce_max", "test: int32 [[1, 1], [2, -3], [4, 1]]", e => Backend.ReduceMax(I32(e, TestTensor, 3, 2)), [4], []);
        yield return new("reduce_max", "test: float32 [[1, 1], [2, -3], [4, 1]]", e => Backend.ReduceMax(F(e, TestTensor, 3, 2)), [4], []);
        yield return new("reduce_min", "test: [[1, 2], [3, 3]]", e => Backend.ReduceMin(I(e, TestNp, 2, 2)), [1], []);
        yield return new("reduce_min", "test: [[1, 2], [3, 3]], axis=0", e => Backend.ReduceMin(I(e, TestNp, 2, 2), 0), [1, 2], [2]);
        yield return new("reduce_min", "test: int32 [[1, 1], [2, -3], [4, 1]]", e => Backend.ReduceMin(I32(e, TestTensor, 3, 2)), [-3], []);
        yield return new("reduce_min", "test: float32 [[1, 1], [2, -3], [4, 1]]", e => Backend.ReduceMin(F(e, TestTensor, 3, 2)), [-3], []);
        yield return new("reduce_sum", "test: [[1, 2], [3, 3]]", e => Backend.ReduceSum(I(e, TestNp, 2, 2)), [9], []);
        yield return new("reduce_sum", "test: [[1, 2], [3, 3]], axis=0", e => Backend.ReduceSum(I(e, TestNp, 2, 2), 0), [4, 5], [2]);
        yield return new("reduce_sum", "test: int32 [[1, 1], [2, -3], [4, 1]]", e => Backend.ReduceSum(I32(e, TestTensor, 3, 2)), [6], []);
        yield return new("reduce_sum", "test: float32 [[1, 1], [2, -3], [4, 1]]", e => Backend.ReduceSum(F(e, TestTensor, 3, 2)), [6], []);
        yield return new("reduce_mean", "test: [[1, 2], [3, 3]]", e => Backend.ReduceMean(I(e, TestNp, 2, 2)), [2.25], []);
        yield return new("reduce_mean", "test: [[1, 2], [3, 3]], axis=0", e => Backend.ReduceMean(I(e, TestNp, 2, 2), 0), [2, 2.5], [2]);
        yield return new("reduce_mean", "test: float32 [[1, 1], [2, -3], [4, 1]]", e => Backend.ReduceMean(F(e, TestTensor, 3, 2)), [1], []);
        yield return new("reduce_std", "test: [[1, 2], [3, 3]]", e => Backend.ReduceStd(I(e, TestNp, 2, 2)), [0.829], [], 0.001);
        yield return new("reduce_std", "test: float32 [[1, 1], [2, -3], [4, 2]]", e => Backend.ReduceStd(F(e, [1, 1, 2, -3, 4, 2], 3, 2)), [2.114], [], 0.001);
        yield return new("reshape", "[-1]", e => Backend.Reshape(F(e, Cube, 2, 2, 2), [-1]), Cube, [8]);
        yield return new("reshape", "[2, 4]", e => Backend.Reshape(F(e, Cube, 2, 2, 2), [2, 4]), Cube, [2, 4]);
        yield return new("reshape", "[4, 2]", e => Backend.Reshape(F(e, Cube, 2, 2, 2), [4, 2]), Cube, [4, 2]);
        yield return new("reshape", "[2, 2, 2, 1]", e => Backend.Reshape(F(e, Cube, 2, 2, 2), [2, 2, 2, 1]), Cube, [2, 2, 2, 1]);
        yield return new("roll", "shift=1, axis=0", e => Backend.Roll(F(e, Rolled, 2, 3), 1, 0), [5, 6, 7, 1, 2, 3], [2, 3]);
        yield return new("roll", "shift=2, axis=1", e => Backend.Roll(F(e, Rolled, 2, 3), 2, 1), [2, 3, 1, 6, 7, 5], [2, 3]);
        yield return new("roll", "shift=-2, axis=1", e => Backend.Roll(F(e, Rolled, 2, 3), -2, 1), [3, 1, 2, 7, 5, 6], [2, 3]);
        yield return new("roll", "shift=[-1, -1], axis=[0, 1]", e => Backend.Roll(F(e, Rolled, 2, 3), [-1, -1], [0, 1]), [6, 7, 5, 2, 3, 1], [2, 3]);
        yield return new("roll", "test: shift=0, axis=1", e => Backend.Roll(F(e, Rolled, 2, 3), 0, 1), Rolled, [2, 3]);
        yield return new("sign", "[-2, 7, -19]", e => Backend.Sign(I(e, [-2, 7, -19], 3)), [-1, 1, -1], [3]);
        yield return new("sign", "test: [[1, 2], [3, -3]]", e => Backend.Sign(I(e, [1, 2, 3, -3], 2, 2)), [1, 1, 1, -1], [2, 2]);
        yield return new("sign", "test: float32 [[1, 1], [2, -3], [4, 1]]", e => Backend.Sign(F(e, TestTensor, 3, 2)), [1, 1, 1, -1, 1, 1], [3, 2]);
        yield return new("squeeze", "all", e => Backend.Squeeze(I(e, Range(6, 1), 3, 1, 2, 1)), Range(6, 1), [3, 2]);
        yield return new("squeeze", "axis=1", e => Backend.Squeeze(I(e, Range(6, 1), 3, 1, 2, 1), 1), Range(6, 1), [3, 2, 1]);
        yield return new("squeeze", "axis=3", e => Backend.Squeeze(I(e, Range(6, 1), 3, 1, 2, 1), 3), Range(6, 1), [3, 1, 2]);
        yield return new("squeeze", "test: (2, 1, 2, 1)", e => Backend.Squeeze(I(e, TestNp, 2, 1, 2, 1)), TestNp, [2, 2]);
        yield return new("squeeze", "test: (2, 1, 2, 1), axis=1", e => Backend.Squeeze(I(e, TestNp, 2, 1, 2, 1), 1), TestNp, [2, 2, 1]);
        yield return new("squeeze", "test: float32 (3, 2, 1)", e => Backend.Squeeze(F(e, TestTensor, 3, 2, 1)), TestTensor, [3, 2]);
        yield return new("tensor_normalize", "0.5625, 0.2864, 8.0", e => Backend.Normalize(F(e, Cube, 2, 2, 2), 0.5625, 0.2864, 8.0),
            [-1.52752516, -1.0910894, -0.65465364, -0.21821788, 0.21821788, 0.65465364, 1.0910894, 1.52752516], [2, 2, 2], 1e-4);
        // assert_array_almost_equal (decimal=6: |difference| < 1.5e-6); channels-first engines get the channels at axis 1,
        // as the test gives PyTorch np.moveaxis(x, -1, 1), and the result is read back channels-last.
        yield return new("tensor_normalize", "test: float32 arange(12) (1, 2, 2, 3)",
            e => ChannelsLast(e, Backend.Normalize(InLayout(e, F(e, Twelve, 1, 2, 2, 3)), 0.5, 0.31382295, 11.0)), NormalizeExpected, [1, 2, 2, 3], 1.5e-6);
        yield return new("tensor_normalize", "test: int arange(12) (1, 2, 2, 3)",
            e => ChannelsLast(e, Backend.Normalize(InLayout(e, I(e, Twelve, 1, 2, 2, 3)), 0.5, 0.31382295, 11.0)), NormalizeExpected, [1, 2, 2, 3], 1.5e-6);
        yield return new("tensor_pow", "3.2", e => Backend.TensorPow(F(e, PowIn, 2, 3), 3.2), [1, 84.449, 309.089, 14.372, 0.109, 0], [2, 3], 5e-4 + 1e-6);
        yield return new("tensor_pow", "0.21", e => Backend.TensorPow(F(e, PowIn, 2, 3), 0.21), [1, 1.338, 1.457, 1.191, 0.865, 0], [2, 3], 5e-4 + 1e-6);
        yield return new("tensor_round", "ties to even", e => Backend.TensorRound(F(e, [1.25, 4.5, 6, 4, 9.11, 16], 2, 3)), [1, 4, 6, 4, 9, 16], [2, 3]);
        yield return new("tensor_round", "TensorFlow docstring: 16.9", e => Backend.TensorRound(F(e, [1.25, 4.5, 6, 4, 9.11, 16.9], 2, 3)), [1, 4, 6, 4, 9, 17], [2, 3]);
        yield return new("tensor_sqrt", "int64 → float32", e => Backend.TensorSqrt<object>(I(e, [1, 4, 6, 4, 9, 16], 2, 3)), [1, 2, 2.44948974, 2, 3, 4], [2, 3]);
        yield return new("transpose", "3×3", e => Backend.Transpose(I(e, Range(9), 3, 3)), [0, 3, 6, 1, 4, 7, 2, 5, 8], [3, 3]);
        yield return new("where", "n > 4, n, -1", e => Backend.Where(e.FromArray(Range(9).Select(v => v > 4).ToArray(), [3, 3]), I(e, Range(9), 3, 3), -1),
            [-1, -1, -1, -1, -1, 5, 6, 7, 8], [3, 3]);
        yield return new("where", "test: float32 n > 4, n, -1", e => Backend.Where(e.FromArray(Range(9).Select(v => v > 4).ToArray(), [3, 3]), F(e, Range(9), 3, 3), -1),
            [-1, -1, -1, -1, -1, 5, 6, 7, 8], [3, 3]);
        yield return new("zscore", "[[0, 1], [2, 3]]", e => Backend.ZScore<object>(I(e, Range(4), 2, 2)), [-1.34164079, -0.4472136, 0.4472136, 1.34164079], [2, 2]);
        yield return new("resize_3d", "2×2×2 → 4×4×4 nearest", e => Backend.Resize3D(F(e, Range(8), 1, 1, 2, 2, 2).Let(x => e.ClassAxis == -1 ? Backend.Reshape(x, [1, 2, 2, 2, 1]) : x), [4, 4, 4]),
            Resize3DExpected(), null);   // shape checked per layout in LayoutTests
        // test_resize3d: area 2 → 4 repeats each value in a 2×2×2 block, as PyTorch's F.interpolate(mode="area") does.
        yield return new("resize_3d", "test: 2×2×2 → 4×4×4 area", e => Backend.Resize3D(F(e, Range(8), 1, 1, 2, 2, 2).Let(x => e.ClassAxis == -1 ? Backend.Reshape(x, [1, 2, 2, 2, 1]) : x), [4, 4, 4], "area"),
            Resize3DExpected(), null);
    }

    /// <summary>The docstring's 4×4×4 volume: each value of the 2×2×2 input repeated in a 2×2×2 block.</summary>
    private static double[] Resize3DExpected()
    {
        var v = new double[64];
        for (int d = 0; d < 4; d++) for (int h = 0; h < 4; h++) for (int w = 0; w < 4; w++) v[(d * 4 + h) * 4 + w] = (d / 2) * 4 + (h / 2) * 2 + w / 2;
        return v;
    }

    private static TOut Let<TIn, TOut>(this TIn x, Func<TIn, TOut> f) => f(x);
}
