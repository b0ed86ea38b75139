namespace CrossBackend.Keras.Tests;

/// <summary>
/// tf.keras 2's TFOpLambda with shared layers and nested models: the op's tensors — its first argument, a tensor among
/// its kwargs (<c>{"y": ["d", 1, 0]}</c>), each element of tf.concat's list — are references <c>[layer, node, tensor]</c>
/// (keras/engine/node.py <c>Node.serialize</c>), read like any other layer's: a node index picks a shared layer's call,
/// and inside a nested model the names are the nested model's (inlined as <c>&lt;model&gt;/&lt;layer&gt;</c>).
/// Expected values are float64 sums over the float32 inputs and weights, written out in the test.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class TFOpInteractionTests(ITensorEngine engine)
{
    private static readonly float[] A = [0.3f, -1.7f, 2.9f, 0.1f, 1.1f, -0.6f];
    private static readonly float[] B = [-2.2f, 0.7f, 1.3f, 0.9f, -0.4f, 3.1f];
    private static readonly float[] K = [0.5f, -0.3f, 0.1f, 0.8f, -0.7f, 0.2f];     // (3, 2)
    private static readonly float[] Bias = [0.1f, -0.3f];

    private static string TwoInputs(string layers, string outputs) => $$$"""
        {"class_name": "Functional", "keras_version": "2.11.0", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 3], "dtype": "float32"}, "inbound_nodes": []},
          {"class_name": "InputLayer", "name": "in2", "config": {"name": "in2", "batch_input_shape": [null, 3], "dtype": "float32"}, "inbound_nodes": []},
          {{{layers}}}],
          "input_layers": [["in", 0, 0], ["in2", 0, 0]], "output_layers": {{{outputs}}}}}
        """;

    /// <summary>x·K + b in float64 for item <paramref name="item"/> of <paramref name="x"/> (3 features).</summary>
    private static double[] Dense(float[] x, int item) =>
        Enumerable.Range(0, 2).Select(j => Enumerable.Range(0, 3).Sum(i => (double)x[item * 3 + i] * K[i * 2 + j]) + Bias[j]).ToArray();

    private double[] Run(string json, KerasWeightGroup[] groups)
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), groups, keras3Layout: false), engine);
        return network.Predict([new KerasInput(A, [2, 3]), new KerasInput(B, [2, 3])])[0].Values;
    }

    private static KerasWeightGroup Weights(string group, string layer) =>
        new(group, [new KerasWeight($"{layer}/kernel:0", [3, 2], K), new KerasWeight($"{layer}/bias:0", [2], Bias)]);

    /// <summary>A shared Dense `d` called on `in` (node 0) and `in2` (node 1); ops on its second call, as first argument
    /// and as `y`: d(a) + (0.3·d(b) − d(b)). Read as the first call, it would be 0.3·d(a).</summary>
    [Test]
    public void AnOpReadsTheSharedLayersCallItsNodeIndexNames()
    {
        string json = TwoInputs("""
            {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["in", 0, 0, {}]], [["in2", 0, 0, {}]]]},
            {"class_name": "TFOpLambda", "name": "tf.math.multiply", "config": {"name": "tf.math.multiply", "function": "math.multiply"}, "inbound_nodes": [["d", 1, 0, {"y": 0.3, "name": null}]]},
            {"class_name": "TFOpLambda", "name": "tf.math.subtract", "config": {"name": "tf.math.subtract", "function": "math.subtract"}, "inbound_nodes": [["tf.math.multiply", 0, 0, {"y": ["d", 1, 0], "name": null}]]},
            {"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "__operators__.add"}, "inbound_nodes": [["d", 0, 0, {"y": ["tf.math.subtract", 0, 0], "name": null}]]}
            """, """[["x", 0, 0]]""");
        double[] values = Run(json, [Weights("d", "d")]);
        double[] expected = [.. Enumerable.Range(0, 2).SelectMany(n => Dense(A, n).Zip(Dense(B, n), (da, db) => da + ((double)(float)(db * 0.3) - db)))];
        Assert.That(values, Is.EqualTo(expected).Within(1e-5));
    }

    /// <summary>tf.concat of a shared layer's two calls, each element a reference with its own node index: [d(a), d(b)].</summary>
    [Test]
    public void ConcatReadsEachCallOfASharedLayer()
    {
        string json = TwoInputs("""
            {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["in", 0, 0, {}]], [["in2", 0, 0, {}]]]},
            {"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "concat"}, "inbound_nodes": [[["d", 0, 0, {"axis": -1, "name": null}], ["d", 1, 0, {"axis": -1, "name": null}]]]}
            """, """[["x", 0, 0]]""");
        double[] values = Run(json, [Weights("d", "d")]);
        double[] expected = [.. Enumerable.Range(0, 2).SelectMany(n => Dense(A, n).Concat(Dense(B, n)))];
        Assert.That(values, Is.EqualTo(expected).Within(1e-5));
    }

    /// <summary>A nested model `tower` called on both inputs (tf.keras 2 numbers its calls 1 and 2, keeping node 0 for
    /// itself): tower(b) − tower(a) by an op whose first argument is call 2 and whose `y` is call 1. Read as one call, 0.</summary>
    [Test]
    public void AnOpReadsTheCallsOfASharedNestedModel()
    {
        string json = TwoInputs("""
            {"class_name": "Functional", "name": "tower", "inbound_nodes": [[["in", 0, 0, {}]], [["in2", 0, 0, {}]]], "config": {"name": "tower", "layers": [
              {"class_name": "InputLayer", "name": "a", "config": {"name": "a", "batch_input_shape": [null, 3], "dtype": "float32"}, "inbound_nodes": []},
              {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["a", 0, 0, {}]]]}],
              "input_layers": [["a", 0, 0]], "output_layers": [["d", 0, 0]]}},
            {"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "math.subtract"}, "inbound_nodes": [["tower", 2, 0, {"y": ["tower", 1, 0], "name": null}]]}
            """, """[["x", 0, 0]]""");
        double[] values = Run(json, [Weights("tower", "d")]);
        double[] expected = [.. Enumerable.Range(0, 2).SelectMany(n => Dense(B, n).Zip(Dense(A, n), (db, da) => db - da))];
        Assert.That(values, Is.EqualTo(expected).Within(1e-5));
    }

    /// <summary>An op on output 1 of a nested model with two outputs, its `y` output 0 (<c>["two", 1, 1]</c> and
    /// <c>["two", 1, 0]</c>): d(a)·0.3 − d(a) where the nested model's outputs are [d(a), d(a)·0.3].</summary>
    [Test]
    public void AnOpReadsTheNestedModelsOutputItsTensorIndexNames()
    {
        string json = TwoInputs("""
            {"class_name": "Functional", "name": "two", "inbound_nodes": [[["in", 0, 0, {}]]], "config": {"name": "two", "layers": [
              {"class_name": "InputLayer", "name": "a", "config": {"name": "a", "batch_input_shape": [null, 3], "dtype": "float32"}, "inbound_nodes": []},
              {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["a", 0, 0, {}]]]},
              {"class_name": "TFOpLambda", "name": "tf.math.multiply", "config": {"name": "tf.math.multiply", "function": "math.multiply"}, "inbound_nodes": [["d", 0, 0, {"y": 0.3, "name": null}]]}],
              "input_layers": [["a", 0, 0]], "output_layers": [["d", 0, 0], ["tf.math.multiply", 0, 0]]}},
            {"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "math.subtract"}, "inbound_nodes": [["two", 1, 1, {"y": ["two", 1, 0], "name": null}]]}
            """, """[["x", 0, 0]]""");
        double[] values = Run(json, [Weights("two", "d")]);
        double[] expected = [.. Enumerable.Range(0, 2).SelectMany(n => Dense(A, n).Select(v => (double)(float)(v * 0.3) - v))];
        Assert.That(values, Is.EqualTo(expected).Within(1e-5));
    }

    /// <summary>A mask from an outer Embedding(mask_zero) enters a nested model and meets an op there: its Dense passes
    /// the mask on, the op drops it (tf.keras 2's TFOpLambda neither supports masking nor takes a mask), so the
    /// GlobalAveragePooling1D after the nested model averages every step; with the nested model's Dense as its output
    /// instead, the mask reaches the pooling and the padded steps are left out.</summary>
    [TestCase("tf.math.multiply", false)]
    [TestCase("d", true)]
    public void AMaskCrossingIntoANestedModelIsDroppedByAnOpThere(string nestedOutput, bool masked)
    {
        string json = $$$"""
            {"class_name": "Functional", "keras_version": "2.11.0", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 5], "dtype": "int32"}, "inbound_nodes": []},
              {"class_name": "Embedding", "name": "emb", "config": {"name": "emb", "input_dim": 9, "output_dim": 3, "mask_zero": true}, "inbound_nodes": [[["in", 0, 0, {}]]]},
              {"class_name": "Functional", "name": "enc", "inbound_nodes": [[["emb", 0, 0, {}]]], "config": {"name": "enc", "layers": [
                {"class_name": "InputLayer", "name": "inp", "config": {"name": "inp", "batch_input_shape": [null, 5, 3], "dtype": "float32"}, "inbound_nodes": []},
                {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["inp", 0, 0, {}]]]},
                {"class_name": "TFOpLambda", "name": "tf.math.multiply", "config": {"name": "tf.math.multiply", "function": "math.multiply"}, "inbound_nodes": [["d", 0, 0, {"y": 1.0, "name": null}]]}],
                "input_layers": [["inp", 0, 0]], "output_layers": [["{{{nestedOutput}}}", 0, 0]]}},
              {"class_name": "GlobalAveragePooling1D", "name": "x", "config": {"name": "x"}, "inbound_nodes": [[["enc", 1, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}
            """;
        float[] table = [.. Enumerable.Range(0, 27).Select(i => (float)Math.Cos(0.9 * i))];
        KerasWeightGroup[] groups = [new("emb", [new KerasWeight("emb/embeddings:0", [9, 3], table)]), Weights("enc", "d")];
        int[] ids = [3, 5, 0, 0, 1, 0, 7, 2, 8, 4];
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), groups, keras3Layout: false), engine);
        double[] values = network.Predict([new KerasInput(ids, [2, 5])])[0].Values;
        var expected = new List<double>();
        for (int n = 0; n < 2; n++)
        {
            int[] steps = [.. Enumerable.Range(0, 5).Where(t => !masked || ids[n * 5 + t] != 0)];
            for (int j = 0; j < 2; j++)
                expected.Add(steps.Average(t => Enumerable.Range(0, 3).Sum(i => (double)table[ids[n * 5 + t] * 3 + i] * K[i * 2 + j]) + Bias[j]));
        }
        Assert.That(values, Is.EqualTo(expected).Within(1e-5));
    }

    /// <summary>Ops inside a nested tf.keras 2 model `base` read the nested model's layers — a tensor `y`, tf.concat's list
    /// and a <c>_CONSTANT_VALUE</c> first argument — though the outer model has a `dense` and a `tf.math.subtract` of its
    /// own: base(h) = 1 − [g, g − Σg] with g = dense(h) inside, and the output base(h) − h with h the outer dense.</summary>
    [Test]
    public void OpsInsideANestedModelReadTheNestedModelsLayers()
    {
        const string json = """
            {"class_name": "Functional", "keras_version": "2.11.0", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 3], "dtype": "float32"}, "inbound_nodes": []},
              {"class_name": "Dense", "name": "dense", "config": {"name": "dense", "units": 4}, "inbound_nodes": [[["in", 0, 0, {}]]]},
              {"class_name": "Functional", "name": "base", "inbound_nodes": [[["dense", 0, 0, {}]]], "config": {"name": "base", "layers": [
                {"class_name": "InputLayer", "name": "inp", "config": {"name": "inp", "batch_input_shape": [null, 4], "dtype": "float32"}, "inbound_nodes": []},
                {"class_name": "Dense", "name": "dense", "config": {"name": "dense", "units": 2}, "inbound_nodes": [[["inp", 0, 0, {}]]]},
                {"class_name": "TFOpLambda", "name": "tf.math.reduce_sum", "config": {"name": "tf.math.reduce_sum", "function": "math.reduce_sum"}, "inbound_nodes": [["dense", 0, 0, {"axis": -1, "keepdims": true, "name": null}]]},
                {"class_name": "TFOpLambda", "name": "tf.math.subtract", "config": {"name": "tf.math.subtract", "function": "math.subtract"}, "inbound_nodes": [["dense", 0, 0, {"y": ["tf.math.reduce_sum", 0, 0], "name": null}]]},
                {"class_name": "TFOpLambda", "name": "tf.concat", "config": {"name": "tf.concat", "function": "concat"}, "inbound_nodes": [[["dense", 0, 0, {"axis": -1, "name": null}], ["tf.math.subtract", 0, 0, {"axis": -1, "name": null}]]]},
                {"class_name": "TFOpLambda", "name": "tf.math.subtract_1", "config": {"name": "tf.math.subtract_1", "function": "math.subtract"}, "inbound_nodes": [["_CONSTANT_VALUE", -1, 1.0, {"y": ["tf.concat", 0, 0], "name": null}]]}],
                "input_layers": [["inp", 0, 0]], "output_layers": [["tf.math.subtract_1", 0, 0]]}},
              {"class_name": "TFOpLambda", "name": "tf.math.subtract", "config": {"name": "tf.math.subtract", "function": "math.subtract"}, "inbound_nodes": [["base", 1, 0, {"y": ["dense", 0, 0], "name": null}]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["tf.math.subtract", 0, 0]]}}
            """;
        float[] k1 = [.. Enumerable.Range(0, 12).Select(i => (float)Math.Sin(0.7 * i + 0.3))];   // (3, 4)
        float[] b1 = [0.1f, -0.2f, 0.3f, 0.05f];
        float[] k2 = [.. Enumerable.Range(0, 8).Select(i => (float)Math.Cos(1.3 * i))];           // (4, 2)
        float[] b2 = [-0.1f, 0.3f];
        KerasWeightGroup[] groups =
        [
            new("dense", [new KerasWeight("dense/kernel:0", [3, 4], k1), new KerasWeight("dense/bias:0", [4], b1)]),
            new("base", [new KerasWeight("dense/kernel:0", [4, 2], k2), new KerasWeight("dense/bias:0", [2], b2)]),
        ];
        KerasGraph graph = KerasGraph.FromJson(json);
        Assert.That(graph["base/tf.math.subtract"].Inbound, Is.EqualTo(new[] { "base/dense", "base/tf.math.reduce_sum" }));
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(graph, groups, keras3Layout: false), engine);
        double[] values = network.Predict([new KerasInput(A, [2, 3])])[0].Values;
        var expected = new List<double>();
        for (int n = 0; n < 2; n++)
        {
            double[] h = [.. Enumerable.Range(0, 4).Select(j => Enumerable.Range(0, 3).Sum(i => (double)A[n * 3 + i] * k1[i * 4 + j]) + b1[j])];
            double[] g = [.. Enumerable.Range(0, 2).Select(j => Enumerable.Range(0, 4).Sum(i => h[i] * k2[i * 2 + j]) + b2[j])];
            double[] c = [.. g, .. g.Select(v => v - g.Sum())];
            expected.AddRange(c.Select((v, j) => 1 - v - h[j]));
        }
        Assert.That(values, Is.EqualTo(expected).Within(1e-5));
    }
}

/// <summary>An op reading an integer input (<c>inputs / 127.5</c> on uint8 images, <c>x[:, 1:]</c> of token ids) is refused
/// while reading the config, naming the layer and the input: the runtimes keep integer inputs as token ids in Keras's
/// layout, where the numerics engine's ops need floats and TorchSharp's channels-first ops would meet another layout
/// (a (1, 3, 2) int input halved then flattened gave 0.5, 1.5, 2.5, 1, 2, 3 there instead of 0.5, 1, 1.5, 2, 2.5, 3).</summary>
public sealed class TFOpIntegerInputTests
{
    [TestCase("TFOpLambda", "math.truediv", """["in", 0, 0, {"y": 127.5, "name": null}]""", "[null, 3, 2]")]
    [TestCase("TFOpLambda", "math.multiply", """["_CONSTANT_VALUE", -1, 2.0, {"y": ["in", 0, 0], "name": null}]""", "[null, 3, 2]")]
    [TestCase("SlicingOpLambda", "__operators__.getitem", """["in", 0, 0, {"slice_spec": [{"start": null, "stop": null, "step": null}, {"start": 1, "stop": null, "step": null}]}]""", "[null, 4]")]
    public void AnOpOnAnIntegerInputIsRefusedNamingIt(string className, string function, string node, string shape)
    {
        string json = TFOpJson.Model(shape, "uint8",
            $$$"""{"class_name": "{{{className}}}", "name": "x", "config": {"name": "x", "function": "{{{function}}}"}, "inbound_nodes": [{{{node}}}]}""");
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json));
        Assert.That(e!.Message, Does.Contain($"layer `x` ({className}) calls tf.{function} on the integer input `in` (uint8)").And.Contain("declare the input float32"));
    }
}
