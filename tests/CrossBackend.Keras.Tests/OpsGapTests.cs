namespace CrossBackend.Keras.Tests;

/// <summary>
/// Forms that were refused or mishandled before: Keras 3's softmax over a tuple of axes, an empty slice key (Keras 3's
/// <c>x[()]</c> and tf.keras 2's SlicingOpLambda with <c>slice_spec: []</c>) and tf.linalg.matmul's transpose / adjoint of
/// a tensor operand, on a (batch, 4, 6, 5) input in whole model files on every engine, against float64 NumPy goldens
/// checked against PyTorch 1.13 (Data/make_ops_gap_models.py).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class OpsGapModelTests(ITensorEngine engine)
{
    /// <summary>ops.softmax(d, axis=(1, 2)), (-1, 1) and (1, 2, 3), each normalised over its axes together, and d[()].</summary>
    [Test]
    public void Keras3SoftmaxOverAxesAndEmptyKeyMatchTheFloat64Golden() => GoldenModels.AssertFile(engine, "k3ops_gap.keras", "k3ops_gap_golden.npz");

    /// <summary>tf.linalg.matmul with transpose_a / transpose_b / adjoint_a / adjoint_b on tensor operands (one or both,
    /// with a tensor or a constant as the other), and d[()] (slice_spec []).</summary>
    [Test]
    public void TensorTransposesInMatMulAndEmptySliceSpecMatchTheFloat64Golden() => GoldenModels.AssertFile(engine, "tfop_gap_k2.h5", "tfop_gap_golden.npz");

    /// <summary>An empty slice spec is the tensor itself, bit for bit, in both formats.</summary>
    [Test]
    public void AnEmptySliceKeyIsTheIdentity()
    {
        float[] v = [0.3f, -1.7f, 2.9f, 1e-3f, 5.5f, -3.3f, 0.7f, 0.1f, -0.2f, 1.5f, 2.5f, -0.9f];
        string keras3 = Keras3OpJson.Model("[null, 2, 3]", "float32", Keras3OpJson.Op("numpy", "GetItem", "x", $"[{Keras3OpJson.Tensor("in", "[null, 2, 3]")}, []]"));
        string keras2 = TFOpJson.Model("[null, 2, 3]", "float32",
            """{"class_name": "SlicingOpLambda", "name": "x", "config": {"name": "x", "function": "__operators__.getitem"}, "inbound_nodes": [["in", 0, 0, {"slice_spec": []}]]}""");
        foreach (KerasModel model in new[] { Keras3OpJson.Load(keras3), KerasModel.FromWeights(KerasGraph.FromJson(keras2), [], keras3Layout: false) })
        {
            using IKerasNetwork network = KerasRuntimes.Build(model, engine);
            KerasPrediction p = network.Predict([new KerasInput(v, [2, 2, 3])])[0];
            Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 2, 3 }));
            Assert.That(p.Values, Is.EqualTo(v.Select(a => (double)a).ToArray()));
        }
    }

    /// <summary>A softmax over the two non-batch axes of a (batch, 2, 2) input: each item's four values sum to 1, and a
    /// uniform item gives 1/4 everywhere (values written out, not from a golden).</summary>
    [Test]
    public void ASoftmaxOverAxesNormalisesEachItemOverThoseAxesTogether()
    {
        string json = Keras3OpJson.Model("[null, 2, 2]", "float32", Keras3OpJson.Op("nn", "Softmax", "x", $"[{Keras3OpJson.Tensor("in", "[null, 2, 2]")}]", "\"axis\": [1, 2]"));
        float[] v = [0.3f, 0.3f, 0.3f, 0.3f, 0.1f, 0.1f, 0.1f, 0.1f + MathF.Log(3f)];
        using IKerasNetwork network = KerasRuntimes.Build(Keras3OpJson.Load(json), engine);
        KerasPrediction p = network.Predict([new KerasInput(v, [2, 2, 2])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 2, 2 }));
        Assert.That(p.Values, Is.EqualTo(new[] { 0.25, 0.25, 0.25, 0.25, 1 / 6.0, 1 / 6.0, 1 / 6.0, 0.5 }).Within(1e-6), "e^0.1 · (1, 1, 1, 3) / (6 e^0.1)");
    }

    /// <summary>A model whose input declares batch size 1 squeezing an explicit non-batch axis keeps its batch axis (only
    /// axis=None would drop it in Keras): the values unchanged.</summary>
    [Test]
    public void ABatchOneModelSqueezingAGivenAxisKeepsTheBatchAxis()
    {
        string json = Keras3OpJson.Model("[1, 1, 4]", "float32", Keras3OpJson.Op("numpy", "Squeeze", "x", $"[{Keras3OpJson.Tensor("in", "[1, 1, 4]")}]", "\"axis\": 1"));
        float[] v = [0.3f, -1.7f, 2.9f, 1e-3f];
        using IKerasNetwork network = KerasRuntimes.Build(Keras3OpJson.Load(json), engine);
        KerasPrediction p = network.Predict([new KerasInput(v, [1, 1, 4])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { 1, 4 }));
        Assert.That(p.Values, Is.EqualTo(v.Select(a => (double)a).ToArray()));
    }
}

/// <summary>The forms whose result has no per-item batch axis are refused while reading the config, naming the layer,
/// the op, the cause and the workaround.</summary>
public sealed class OpsGapRefusalTests
{
    private static Exception Keras3(string shape, string module, string className, string args, string config = "") =>
        Assert.Catch(() => KerasGraph.FromJson(Keras3OpJson.Model(shape, "float32",
            Keras3OpJson.Op(module, className, "x", args.Replace("X", Keras3OpJson.Tensor("in", shape)), config)), "3.6.0"))!;

    /// <summary>Keras 3's reductions with axis=None reduce the batch axis too (operation_utils.py reduce_shape: shape ()
    /// or, with keepdims=True, (1, …, 1)).</summary>
    [TestCase("Sum", "\"axis\": null, \"keepdims\": false", "(shape (), without a batch axis)")]
    [TestCase("Mean", "\"axis\": null, \"keepdims\": true", "axis=None and keepdims=True")]
    [TestCase("Max", "\"axis\": null, \"keepdims\": true, \"initial\": null", "(shape (1, …, 1), its batch axis of length 1 whatever the batch)")]
    [TestCase("Amin", "\"axis\": null, \"keepdims\": false", "one value for the whole batch")]
    public void AKeras3ReductionOverEveryAxisIsRefused(string className, string config, string expected)
    {
        Exception e = Keras3("[null, 4, 6]", "numpy", className, "[X]", config);
        Assert.That(e, Is.InstanceOf<NotSupportedException>());
        Assert.That(e.Message, Does.Contain("layer `x`").And.Contain($"keras.src.ops.numpy.{className}").And.Contain(expected)
            .And.Contain("give every non-batch axis (axis=(1, 2) for a (batch, h, w) tensor)"));
    }

    /// <summary>TensorFlow's reduce_* with axis=None reduce every axis as well.</summary>
    [TestCase("math.reduce_sum", """{"axis": null, "keepdims": true, "name": null}""", "axis=None and keepdims=True")]
    [TestCase("math.reduce_mean", """{"name": null}""", "(shape (), without a batch axis)")]
    public void ATensorFlowReductionOverEveryAxisIsRefused(string function, string kwargs, string expected)
    {
        Exception e = Assert.Catch(() => KerasGraph.FromJson(TFOpJson.Model("[null, 4, 6]", "float32", TFOpMoreModelTests.Op(function, kwargs))))!;
        Assert.That(e, Is.InstanceOf<NotSupportedException>());
        Assert.That(e.Message, Does.Contain("layer `x`").And.Contain($"tf.{function}").And.Contain(expected).And.Contain("axis=[1, 2]"));
    }

    /// <summary>A softmax axis tuple holding the batch axis, or empty, is refused.</summary>
    [TestCase("\"axis\": [0, 1]", "axis 0 is the batch axis")]
    [TestCase("\"axis\": []", "axis=() (a softmax over no axis")]
    [TestCase("\"axis\": [1, -2]", "an axis is listed twice")]
    public void ASoftmaxAxisTupleNotBuiltIsRefused(string config, string expected)
    {
        Exception e = Keras3("[null, 4, 6]", "nn", "Softmax", "[X]", config);
        Assert.That(e.Message, Does.Contain("layer `x`").And.Contain("keras.src.ops.nn.Softmax").And.Contain(expected));
    }

    /// <summary>ops.power / tf.math.pow of a (batch, 4, 6) tensor and a (batch, 6) one: NumPy's broadcasting would meet the
    /// second's batch axis with the first's axis 1.</summary>
    [Test]
    public void APowerOfTensorsOfDifferentRanksIsRefusedNamingTheAxes()
    {
        string x = Keras3OpJson.Tensor("in", "[null, 4, 6]");
        string json = Keras3OpJson.Model("[null, 4, 6]", "float32", Keras3OpJson.Op("numpy", "Mean", "m", $"[{x}]", "\"axis\": 1, \"keepdims\": false") + ",\n" +
            Keras3OpJson.Op("numpy", "Power", "x", $"[{Keras3OpJson.Tensor("m", "[null, 6]")}, {x}]"));
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json, "3.6.0"));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain("keras.src.ops.numpy.Power").And.Contain("(None, 6) and (None, 4, 6)")
            .And.Contain("the first tensor's batch axis meets axis 1 (length 4)").And.Contain("ops.expand_dims(y, axis=1)"));
        string keras2 = TFOpJson.Model("[null, 4, 6]", "float32",
            TFOpMoreModelTests.Op("math.reduce_mean", """{"axis": [1, 2], "name": null}""", "m") + ",\n" +
            TFOpMoreModelTests.Op("math.pow", """{"y": ["m", 0, 0], "name": null}"""));
        e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(keras2));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain("tf.math.pow").And.Contain("(None, 4, 6) and (None)")
            .And.Contain("the second tensor's batch axis meets axis 2 (length 6)").And.Contain("tf.expand_dims(y, 1)"));
    }

    /// <summary>A model whose input declares batch size 1: squeeze with axis=None drops the batch axis too in Keras
    /// (Squeeze.compute_output_spec) and TensorFlow, an output without a batch axis.</summary>
    [Test]
    public void ABatchOneModelSqueezingEveryAxisIsRefused()
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Keras3OpJson.Model("[1, 1, 4]", "float32",
            Keras3OpJson.Op("numpy", "Squeeze", "x", $"[{Keras3OpJson.Tensor("in", "[1, 1, 4]")}]", "\"axis\": null")), "3.6.0"));
        Assert.That(e!.Message, Does.Contain("layer `x` (keras.src.ops.numpy.Squeeze) squeezes a tensor of shape (1, 1, 4)").And.Contain("declares a batch size of 1")
            .And.Contain("ops.squeeze(x, axis=1)"));
        string keras2 = TFOpJson.Model("[1, 1, 4]", "float32",
            TFOpMoreModelTests.Op("math.abs", """{"name": null}""", "d") + ",\n" +
            TFOpMoreModelTests.Op("squeeze", """{"axis": [], "name": null}""", "x", "d"));
        e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(keras2));
        Assert.That(e!.Message, Does.Contain("layer `x` (tf.squeeze) squeezes a tensor of shape (1, 1, 4)").And.Contain("tf.squeeze(x, axis=[1])"));
    }
}
