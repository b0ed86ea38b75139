namespace CrossBackend.Keras.Tests;

/// <summary>
/// tf.keras 2's TFOpLambda forms of tf.math.pow (a ** 0.3, d ** 2, 0.3 ** d, a list exponent, a list base, two tensors),
/// tf.math.reduce_max / reduce_min (an axis, a list with a negative axis, keepdims), tf.squeeze (an axis, axis=None,
/// axis=[], a list, a negative axis) and tf.linalg.matmul (a constant matrix on either side, transpose_a / transpose_b /
/// adjoint_b of the constant, a (1, 5, 3) and a (4, 5, 2) stacked constant, a (4, 5, 3) one first with transpose_a, two
/// tensors, a (batch, 5) tensor) on a
/// (batch, 4, 6, 5) input (TorchSharp holds it channels-first) in a whole .h5 file on every engine, against a float64
/// NumPy golden checked against PyTorch 1.13 (Data/make_tfop_more_models.py).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class TFOpMoreModelTests(ITensorEngine engine)
{
    [Test]
    public void OutputsMatchTheFloat64Golden() => GoldenModels.AssertFile(engine, "tfop_more_k2.h5", "tfop_more_golden.npz");

    /// <summary>tf.squeeze(x) (axis=None) on a (batch, 1, 4, 1) input drops the two axes of static length 1 and keeps the
    /// batch axis even for a batch of one: the values as they were, bit for bit.</summary>
    [TestCase(2)]
    [TestCase(1)]
    public void SqueezeWithoutAxisDropsTheStaticOnesAndKeepsTheBatchAxis(int batch)
    {
        string json = TFOpJson.Model("[null, 1, 4, 1]", "float32", Op("squeeze", """{"axis": null, "name": null}"""));
        float[] v = [0.3f, -1.7f, 2.9f, 1e-3f, 5.5f, -3.3f, 0.7f, 0.1f];
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false), engine);
        KerasPrediction p = network.Predict([new KerasInput(v[..(4 * batch)], [batch, 1, 4, 1])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { batch, 4 }));
        Assert.That(p.Values, Is.EqualTo(v[..(4 * batch)].Select(a => (double)a).ToArray()), "squeezing moves no value");
    }

    /// <summary>tf.math.reduce_max then reduce_min pick values, so the result is exact.</summary>
    [Test]
    public void ReduceMaxAndMinPickExactValues()
    {
        string json = TFOpJson.Model("[null, 2, 3]", "float32",
            Op("math.reduce_max", """{"axis": -1, "keepdims": false, "name": null}""", "m") + ",\n" +
            Op("math.reduce_min", """{"axis": [1], "keepdims": true, "name": null}""", "x", "m"));
        float[] v = [0.3f, -1.7f, 2.9f, 1e-3f, 5.5f, -3.3f, 0.7f, -0.6f, 0.1f, -0.2f, -0.4f, -0.9f];
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false), engine);
        KerasPrediction p = network.Predict([new KerasInput(v, [2, 2, 3])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(p.Values, Is.EqualTo(new double[] { 2.9f, -0.2f }), "min(max(0.3, −1.7, 2.9), max(0.001, 5.5, −3.3)); min(0.7, −0.2)");
    }

    /// <summary>a_is_sparse, b_is_sparse, grad_a and grad_b are hints to TensorFlow's kernels: the product is the same
    /// with them (x · M in float32 against the float64 product of the same float32 values, written out here).</summary>
    [Test]
    public void SparsityAndGradientHintsLeaveTheProductAsItIs()
    {
        string json = TFOpJson.Model("[null, 4]", "float32", Op("linalg.matmul",
            """{"b": [[0.1, 0.3], [0.7, 0.2], [0.3, 0.1], [0.5, 0.3]], "a_is_sparse": true, "b_is_sparse": true, "grad_a": true, "grad_b": false, "name": null}"""));
        float[] x = [0.3f, -1.7f, 2.9f, 0.1f, 5.5f, -3.3f, 0.7f, -0.6f];
        float[,] m = { { 0.1f, 0.3f }, { 0.7f, 0.2f }, { 0.3f, 0.1f }, { 0.5f, 0.3f } };
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false), engine);
        KerasPrediction p = network.Predict([new KerasInput(x, [2, 4])])[0];
        var expected = new double[4];
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 2; c++)
                for (int k = 0; k < 4; k++) expected[r * 2 + c] += (double)x[r * 4 + k] * m[k, c];
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(p.Values, Is.EqualTo(expected).Within(2e-6), "float32 products of values up to 5.5");
    }

    internal static string Op(string function, string kwargs, string name = "x", string source = "in") =>
        $$"""{"class_name": "TFOpLambda", "name": "{{name}}", "config": {"name": "{{name}}", "function": "{{function}}"}, "inbound_nodes": [["{{source}}", 0, 0, {{kwargs}}]]}""";
}

/// <summary>The forms of tf.math.pow, reduce_max / reduce_min, tf.squeeze and tf.linalg.matmul that are not built are
/// refused while reading the config, naming the layer, the function and the option.</summary>
public sealed class TFOpMoreRefusalTests
{
    private const string Matrix = "[[0.1, 0.3], [0.7, 0.2], [0.3, 0.1], [0.5, 0.3]]";

    private static Exception Refused(string shape, string function, string kwargs) =>
        Assert.Catch(() => KerasGraph.FromJson(TFOpJson.Model(shape, "float32", TFOpMoreModelTests.Op(function, kwargs))))!;

    [TestCase("[null, 4]", $$"""{"b": {{Matrix}}, "transpose_a": true, "name": null}""", "(batch, 4) transposed @ (4, 2): the product would sum over the batch axis")]
    [TestCase("[null, 4]", """{"b": ["in", 0, 0], "adjoint_b": true, "name": null}""", "(batch, 4) @ (batch, 4) transposed: the batch axis would not stay")]
    [TestCase("[null, 3, 4]", $$"""{"b": {{Matrix}}, "a_is_sparse": "yes", "name": null}""", "a_is_sparse=\"yes\": a boolean is expected")]
    [TestCase("[null, 3, 4]", $$"""{"b": {{Matrix}}, "output_type": "int32", "name": null}""", "output_type=\"int32\"")]
    [TestCase("[null, 3, 4]", """{"b": [0.1, 0.3, 0.7, 0.2], "name": null}""", "refuses a vector")]
    [TestCase("[null, 3, 4]", """{"b": 0.3, "name": null}""", "b, a number")]
    [TestCase("[null, 3, 4]", """{"b": 0.3, "name": null}""", "use tf.math.multiply")]
    [TestCase("[null, 4]", $$"""{"b": {{Matrix}}, "transpose_b": true, "name": null}""", "do not multiply")]
    [TestCase("[null, 3, null]", $$"""{"b": {{Matrix}}, "name": null}""", "the summed axis has a length unknown when loading")]
    public void AMatrixProductNotBuiltIsRefused(string shape, string kwargs, string expected)
    {
        Exception e = Refused(shape, "linalg.matmul", kwargs);
        Assert.That(e, expected == "do not multiply" ? Is.InstanceOf<InvalidDataException>() : Is.InstanceOf<NotSupportedException>());
        Assert.That(e.Message, Does.Contain("layer `x`").And.Contain("tf.linalg.matmul").And.Contain(expected));
    }

    /// <summary>tf.linalg.matmul raises on transpose and adjoint of one operand both True, so no saved model holds it.</summary>
    [Test]
    public void TransposeAndAdjointOfOneOperandAreInvalid()
    {
        Exception e = Refused("[null, 3, 4]", "linalg.matmul", $$"""{"b": {{Matrix}}, "transpose_b": true, "adjoint_b": true, "name": null}""");
        Assert.That(e, Is.InstanceOf<InvalidDataException>());
        Assert.That(e.Message, Does.Contain("layer `x`").And.Contain("transpose and adjoint"));
    }

    [TestCase("[null, 4, 6]", "math.reduce_max", """{"axis": null, "keepdims": false, "name": null}""", "axis=None, which reduces every axis, the batch axis too")]
    [TestCase("[null, 4, 6]", "math.reduce_min", """{"name": null}""", "axis=None, which reduces every axis, the batch axis too")]
    [TestCase("[null, 4, 6]", "math.reduce_max", """{"axis": [], "name": null}""", "axis=[] (no reduction)")]
    [TestCase("[null, 4, 6]", "math.reduce_min", """{"axis": 0, "name": null}""", "axis 0 is the batch axis")]
    [TestCase("[null, 4, 6]", "math.reduce_max", """{"axis": 1, "keepdims": "yes", "name": null}""", "keepdims=\"yes\"")]
    [TestCase("[null, 4, 6]", "squeeze", """{"axis": 0, "name": null}""", "axis 0 is the batch axis")]
    [TestCase("[null, null, 1]", "squeeze", """{"axis": null, "name": null}""", "whose axis 1 has an unknown length")]
    [TestCase("[null, null, 1]", "squeeze", """{"axis": [1, 2], "name": null}""", "axis 1 of (None, None, 1) has an unknown length")]
    [TestCase("[null, 4, 6]", "math.pow", """{"y": "two", "name": null}""", "y=\"two\"")]
    [TestCase("[null, 4, 6]", "math.pow", """{"name": null}""", "no second operand `y`")]
    public void AFormNotBuiltIsRefusedNamingTheOption(string shape, string function, string kwargs, string expected)
    {
        Exception e = Refused(shape, function, kwargs);
        Assert.That(e, Is.InstanceOf<NotSupportedException>());
        Assert.That(e.Message, Does.Contain("layer `x`").And.Contain($"tf.{function}").And.Contain(expected));
    }

    /// <summary>An axis of a known length other than 1 is one TensorFlow's Squeeze refuses when the model is built, so no
    /// saved model holds it.</summary>
    [Test]
    public void SqueezingAnAxisNotOfLengthOneIsInvalid()
    {
        Exception e = Refused("[null, 4, 6]", "squeeze", """{"axis": 1, "name": null}""");
        Assert.That(e, Is.InstanceOf<InvalidDataException>());
        Assert.That(e.Message, Does.Contain("layer `x`").And.Contain("axis 1 of (None, 4, 6) has length 4, not 1").And.Contain("TensorFlow's Squeeze"));
    }
}
