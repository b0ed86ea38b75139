namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras 3's ops.power (x ** p, p ** x, an array exponent, two tensors), ops.max / ops.min / ops.amax / ops.amin over
/// axes with and without keepdims, ops.squeeze (given axes and axis=None), ops.matmul with a constant matrix or vector
/// on either side, of two tensors and of a (batch, k) tensor, and ops.transpose with negative axes, on a (batch, 4, 6, 5)
/// input (TorchSharp holds it channels-first) in a whole .keras archive on every engine, against float64 NumPy goldens
/// checked against PyTorch 1.13 (Data/make_keras3_ops_more_models.py).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class Keras3OpsMoreModelTests(ITensorEngine engine)
{
    [Test]
    public void OutputsMatchTheFloat64Golden() => GoldenModels.AssertFile(engine, "k3ops_more.keras", "k3ops_more_golden.npz");

    /// <summary>Edge forms (Data/make_keras3_ops_edge_models.py): a (batch, k) tensor times a vector (shape (batch,)), a
    /// tensor's stacked 1 broadcast against a constant's stacked axis, a constant's stacked 1 against the batch axis, two
    /// tensors with a stacked 1 broadcast, negative bases to an int32 exponent array, an array base, x ** 0, max / min
    /// with negative axes lists and keepdims, squeeze of their axes.</summary>
    [Test]
    public void EdgeFormsMatchTheFloat64Golden() => GoldenModels.AssertFile(engine, "k3ops_edge.keras", "k3ops_edge_golden.npz");

    /// <summary>A float64 model (float64 input and Keras tensors) with float64 NumPy constants, NumPy's default dtype, as
    /// matmul operands on either side and a power's exponent: Keras 3 computes these in the tensor's own float64
    /// (Data/make_keras3_ops_edge_models.py k3ops_f64).</summary>
    [Test]
    public void Float64ModelWithFloat64ConstantsMatchesTheGolden() => GoldenModels.AssertFile(engine, "k3ops_f64.keras", "k3ops_f64_golden.npz");

    /// <summary>ops.squeeze(x) (axis=None) on a (batch, 1, 4, 1) input drops the two axes of static length 1, as
    /// Squeeze.compute_output_spec does, and keeps the batch axis even for a batch of one (the backends' squeeze would
    /// drop it there; every layer here runs per item): the values as they were, bit for bit.</summary>
    [TestCase(2)]
    [TestCase(1)]
    public void SqueezeWithoutAxisDropsTheStaticOnesAndKeepsTheBatchAxis(int batch)
    {
        string json = Keras3OpJson.Model("[null, 1, 4, 1]", "float32",
            Keras3OpJson.Op("numpy", "Squeeze", "x", $"[{Keras3OpJson.Tensor("in", "[null, 1, 4, 1]")}]", "\"axis\": null"));
        float[] v = [0.3f, -1.7f, 2.9f, 1e-3f, 5.5f, -3.3f, 0.7f, 0.1f];
        using IKerasNetwork network = KerasRuntimes.Build(Keras3OpJson.Load(json), engine);
        KerasPrediction p = network.Predict([new KerasInput(v[..(4 * batch)], [batch, 1, 4, 1])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { batch, 4 }));
        Assert.That(p.Values, Is.EqualTo(v[..(4 * batch)].Select(a => (double)a).ToArray()), "squeezing moves no value");
    }

    /// <summary>ops.max(x, axis=-1) then ops.min over the rest: max and min pick values, so the result is exact; a NaN
    /// in an item propagates to that item's maximum (NumPy's max, tf.reduce_max and torch.amax agree).</summary>
    [Test]
    public void MaxAndMinPickExactValuesAndPropagateNaN()
    {
        string x = Keras3OpJson.Tensor("in", "[null, 2, 3]");
        string json = Keras3OpJson.Model("[null, 2, 3]", "float32",
            Keras3OpJson.Op("numpy", "Max", "m", $"[{x}]", "\"axis\": -1, \"keepdims\": false, \"initial\": null") + ",\n" +
            Keras3OpJson.Op("numpy", "Min", "x", $"[{Keras3OpJson.Tensor("m", "[null, 2]")}]", "\"axis\": [1], \"keepdims\": true, \"initial\": null"));
        float[] v = [0.3f, -1.7f, 2.9f, 1e-3f, 5.5f, -3.3f, 0.7f, float.NaN, 0.1f, -0.2f, -0.4f, -0.9f];
        using IKerasNetwork network = KerasRuntimes.Build(Keras3OpJson.Load(json), engine);
        KerasPrediction p = network.Predict([new KerasInput(v, [2, 2, 3])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(p.Values[0], Is.EqualTo((double)2.9f), "min(max(0.3, −1.7, 2.9), max(0.001, 5.5, −3.3))");
        Assert.That(p.Values[1], Is.NaN, "a NaN in the item reaches its maximum, then its minimum");
    }
}

/// <summary>The forms of the new ops that are not built are refused while reading the config, naming the layer, the op
/// and the fix.</summary>
public sealed class Keras3OpsMoreRefusalTests
{
    private static string Model(string shape, string op) => Keras3OpJson.Model(shape, "float32", op);

    private static TException Refused<TException>(string shape, string className, string args, string config = "") where TException : Exception =>
        Assert.Throws<TException>(() => KerasGraph.FromJson(
            Model(shape, Keras3OpJson.Op("numpy", className, "x", args.Replace("X", Keras3OpJson.Tensor("in", shape)), config)), "3.6.0"))!;

    private const string Float32Matrix = """{"class_name": "__numpy__", "config": {"value": [[0.1, 0.3], [0.7, 0.2], [0.3, 0.1], [0.5, 0.3]], "dtype": "float32"}}""";

    [TestCase("[null, 4, 6]", "Squeeze", "\"axis\": 0", "axis 0 is the batch axis")]
    [TestCase("[null, null, 1]", "Squeeze", "\"axis\": null", "axis=None on a tensor of shape (None, None, 1), whose axis 1 has an unknown length")]
    [TestCase("[null, 4, 1]", "Squeeze", "\"axis\": []", "axis=() (NumPy and JAX squeeze nothing, TensorFlow's tf.squeeze reads an empty axis list as every axis of length 1)")]
    [TestCase("[null, 4, 6]", "Max", "\"axis\": 1, \"keepdims\": false, \"initial\": 0.3", "initial=0.3: only initial=None is supported")]
    [TestCase("[null, 4, 6]", "Min", "\"axis\": null, \"keepdims\": false, \"initial\": null", "axis=None, which reduces every axis, the batch axis too")]
    [TestCase("[null, 4, 6]", "Amax", "\"axis\": 1, \"keepdims\": false, \"initial\": null", "the config entries initial")]
    [TestCase("[null, 4, 6]", "Transpose", "\"axes\": [-2, 0, -1]", "keeps the batch axis first")]
    public void AFormNotBuiltIsRefusedNamingTheOp(string shape, string className, string config, string expected)
    {
        var e = Refused<NotSupportedException>(shape, className, "[X]", config);
        Assert.That(e.Message, Does.Contain("layer `x`").And.Contain($"keras.src.ops.numpy.{className}").And.Contain(expected));
    }

    /// <summary>An axis that is not of length 1 is one Keras's Squeeze.compute_output_spec refuses ("Cannot squeeze axis"),
    /// so no Keras model holds it: the config is not Keras's.</summary>
    [TestCase("[null, 4, 6]", "1", "axis 1 of (None, 4, 6) has length 4, not 1")]
    [TestCase("[null, null, 1]", "[1, 2]", "axis 1 of (None, None, 1) has length None, not 1")]
    public void SqueezingAnAxisNotOfLengthOneIsInvalid(string shape, string axis, string expected)
    {
        var e = Refused<InvalidDataException>(shape, "Squeeze", "[X]", $"\"axis\": {axis}");
        Assert.That(e.Message, Does.Contain("layer `x`").And.Contain(expected));
    }

    /// <summary>Products the runtimes cannot run per item: a scalar operand (NumPy's matmul takes none), one summing over
    /// the batch axis (a (batch, 4) tensor as the second operand), the batch axis broadcast against a constant's stacked
    /// axis, two tensors whose stacked axes would pair the batch axis with another, a summed axis of unknown length, and a
    /// float64 constant (Keras 3 would compute in float64).</summary>
    [TestCase("[null, 4]", "[X, 0.3]", "a scalar")]
    [TestCase("[null, 4]", $"[{Float32Matrix}, X]", "sum over the batch axis")]
    [TestCase("[null, 4, 6]", "[X, X]", "do not multiply")]
    [TestCase("[null, 3, 4]", """[X, {"class_name": "__numpy__", "config": {"value": [[[0.1], [0.3], [0.7], [0.2]], [[0.1], [0.3], [0.7], [0.2]]], "dtype": "float32"}}]""", "broadcast against an axis of the other operand")]
    [TestCase("[null, 3, null]", $"[X, {Float32Matrix}]", "the summed axis has a length unknown when loading")]
    [TestCase("[null, 3, 4]", """[X, {"class_name": "__numpy__", "config": {"value": [0.1, 0.3, 0.7, 0.2], "dtype": "float64"}}]""", "a float64 constant array")]
    public void AMatrixProductNotBuiltIsRefused(string shape, string args, string expected)
    {
        Exception e = Assert.Catch(() => KerasGraph.FromJson(Model(shape, Keras3OpJson.Op("numpy", "Matmul", "x", args.Replace("X", Keras3OpJson.Tensor("in", shape)))), "3.6.0"))!;
        Assert.That(e, expected == "do not multiply" ? Is.InstanceOf<InvalidDataException>() : Is.InstanceOf<NotSupportedException>());
        Assert.That(e.Message, Does.Contain("layer `x`").And.Contain("keras.src.ops.numpy.Matmul").And.Contain(expected));
    }

    /// <summary>Two tensors of different ranks: (batch, 3, 4) @ a (batch, 1, 4, 2) tensor lines the first one's batch axis
    /// up with the second's axis 1, so the result would hold two batch axes.</summary>
    [Test]
    public void TwoTensorsWhoseStackedAxesMixTheBatchAxisAreRefused()
    {
        string x = Keras3OpJson.Tensor("in", "[null, 3, 4]");
        string json = Model("[null, 3, 4]",
            Keras3OpJson.Op("numpy", "Reshape", "y", $"[{x}]", "\"newshape\": [-1, 1, 4, 3]") + ",\n" +
            Keras3OpJson.Op("numpy", "Matmul", "x", $"[{x}, {Keras3OpJson.Tensor("y", "[null, 1, 4, 3]")}]"));
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json, "3.6.0"));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain("(batch, 3, 4) @ (batch, 1, 4, 3)").And.Contain("batch axis would not stay"));
    }
}
