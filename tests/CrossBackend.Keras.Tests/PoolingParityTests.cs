namespace CrossBackend.Keras.Tests;

/// <summary>
/// "same" pooling, 2-D and 1-D, in every padding case the engines treat differently (symmetric pads: PyTorch's own padding;
/// asymmetric: explicit pads), against a float64 reference written here from TensorFlow's definition: a window
/// covers the real cells it overlaps, max takes their maximum, average divides by their count.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class PoolingParityTests(ITensorEngine engine)
{
    private const int N = 2, H = 7, W = 6, C = 3;

    private static double[] Input()
    {
        var random = new Random(7);
        return Enumerable.Range(0, N * H * W * C).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    private static double[] Reference(double[] x, int pool, int stride, bool max)
    {
        (int top, _) = KerasLayout.SamePadding(H, pool, stride);
        (int left, _) = KerasLayout.SamePadding(W, pool, stride);
        int oh = (H + stride - 1) / stride, ow = (W + stride - 1) / stride;
        var y = new List<double>();
        for (int n = 0; n < N; n++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int c = 0; c < C; c++)
                    {
                        var cells = new List<double>();
                        for (int a = i * stride - top; a < i * stride - top + pool; a++)
                            for (int b = j * stride - left; b < j * stride - left + pool; b++)
                                if (a >= 0 && a < H && b >= 0 && b < W) cells.Add(x[((n * H + a) * W + b) * C + c]);
                        y.Add(max ? cells.Max() : cells.Average());
                    }
        return y.ToArray();
    }

    [TestCase(3, 1, TestName = "pool 3 stride 1: symmetric (1, 1)")]
    [TestCase(2, 1, TestName = "pool 2 stride 1: (0, 1)")]
    [TestCase(3, 2, TestName = "pool 3 stride 2: (1, 1) rows, (1, 1) cols")]
    [TestCase(2, 2, TestName = "pool 2 stride 2: (0, 1) rows, (0, 0) cols")]
    [TestCase(4, 3, TestName = "pool 4 stride 3: (1, 2)")]
    public void SamePoolingMatchesTensorFlowsDefinition(int pool, int stride)
    {
        double[] x = Input();
        foreach (bool max in new[] { true, false })
        {
            KerasArchitecture a = KerasArchitecture.Sequential([H, W, C]);
            KerasGraph graph = (max ? a.MaxPooling2D(pool, stride, "same") : a.AveragePooling2D(pool, stride, "same")).Build();
            KerasModel model = KerasModel.FromWeights(graph, [], keras3Layout: false);
            using IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64);
            KerasPrediction p = network.Predict(x, [N, H, W, C]);
            Assert.That(p.Values, Is.EqualTo(Reference(x, pool, stride, max)).Within(1e-12), max ? "max" : "average");
        }
    }

    /// <summary>TensorFlow's 1-D "same" pooling over a steps axis of unknown length (pads computed per call), against
    /// the definition: a window covers the real steps it overlaps.</summary>
    [TestCase(7, 2, 2, TestName = "1-D length 7 pool 2 stride 2: (0, 1)")]
    [TestCase(7, 3, 2, TestName = "1-D length 7 pool 3 stride 2: (1, 1)")]
    [TestCase(7, 4, 3, TestName = "1-D length 7 pool 4 stride 3: (1, 2)")]
    [TestCase(6, 4, 3, TestName = "1-D length 6 pool 4 stride 3: (0, 1)")]
    [TestCase(6, 2, 1, TestName = "1-D length 6 pool 2 stride 1: (0, 1)")]
    public void SamePooling1DMatchesTensorFlowsDefinition(int length, int pool, int stride)
    {
        var random = new Random(length * 100 + pool * 10 + stride);
        double[] x = Enumerable.Range(0, N * length * C).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        (int before, _) = KerasLayout.SamePadding(length, pool, stride);
        int steps = (length + stride - 1) / stride;
        foreach (bool max in new[] { true, false })
        {
            var expected = new List<double>();
            for (int n = 0; n < N; n++)
                for (int i = 0; i < steps; i++)
                    for (int c = 0; c < C; c++)
                    {
                        var cells = Enumerable.Range(i * stride - before, pool).Where(a => a >= 0 && a < length).Select(a => x[(n * length + a) * C + c]).ToList();
                        expected.Add(max ? cells.Max() : cells.Average());
                    }
            KerasArchitecture a = KerasArchitecture.Sequential([-1, C]);
            KerasGraph graph = (max ? a.MaxPooling1D(pool, stride, "same") : a.AveragePooling1D(pool, stride, "same")).Build();
            using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(graph, [], keras3Layout: false), engine, DType.Float64);
            KerasPrediction p = network.Predict(x, [N, length, C]);
            Assert.That(p.Shape, Is.EqualTo(new long[] { N, steps, C }));
            Assert.That(p.Values, Is.EqualTo(expected).Within(1e-12), max ? "max" : "average");
        }
    }
}
