namespace CrossBackend.Keras.Tests;

/// <summary>
/// tf.keras 2's TensorFlow ops on Keras tensors (TFOpLambda / SlicingOpLambda) in a whole .h5 file on every engine,
/// against a float64 NumPy golden checked against PyTorch 1.13 (Data/make_tfop_models.py): x / 127.5 − 1, d · 0.3 + 0.1,
/// 1 − a (a number as the first operand), −x, relu, relu6, sigmoid, tanh, products, sums, differences and quotients of
/// two tensors (one broadcasting (4, 6, 5) by (1, 6, 5)), reduce_mean over axis 1 with keepdims, reduce_sum over
/// [1, −1], softmax over axis 1, x[:, 1:, ::2], x[..., 0], x[:, −1, 1:5:2, :], tf.reshape(·, (−1, 9, 5)) and tf.concat
/// along axis 1 and −1 — on a (batch, 4, 6, 5) input, which TorchSharp holds channels-first.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class TFOpLambdaModelTests(ITensorEngine engine)
{
    [Test]
    public void OutputsMatchTheFloat64Golden() => GoldenModels.AssertFile(engine, "tfops_k2.h5", "tfops_golden.npz");

    /// <summary>keras.applications' <c>preprocess_input</c> on a Keras tensor as tf.keras 2 records it
    /// (imagenet_utils.py <c>_preprocess_symbolic_input</c>, Data/make_tfop_preprocess_models.py), each before a Conv2D
    /// so the channel order counts: "caffe" x[..., ::-1] then tf.nn.bias_add with float32 −mean; "torch" x / 255,
    /// bias_add, then a division by a float32 std list; "tf" x / 127.5 − 1 — inputs in [0, 255]. And "consts": negative
    /// steps on two axes (x[:, ::-1, 4:0:-2]), a (2, 1) constant multiplier, a (4, 1, 3) constant as the first operand of
    /// a subtraction and a (1, 4, 2, 3) divisor.</summary>
    [TestCase("tfop_preprocess_caffe")]
    [TestCase("tfop_preprocess_torch")]
    [TestCase("tfop_preprocess_tf")]
    [TestCase("tfop_consts")]
    public void PreprocessInputAndConstantArraysMatchTheFloat64Golden(string stem) => GoldenModels.AssertFile(engine, $"{stem}_k2.h5", $"{stem}_golden.npz");

    /// <summary>tf.cast after an integer input and element-wise math (Data/make_tfop_math_models.py): a uint8 image input
    /// cast to float32, Rescaling(1/127.5, −1), Conv2D (the integer input reaches TorchSharp in Keras's layout, the
    /// cast moves its channels, so the conv's channel order counts); an int32 input cast, Dense, a float cast; and
    /// exp, log, sqrt, square, abs, maximum / minimum with a number (first or second), a constant list, a tensor and a
    /// broadcast (1, 6, 5) tensor on a (batch, 4, 6, 5) input; clip_by_value(−0.3, 0.7), transpose(perm=[0, 2, 1]),
    /// expand_dims(axis=−1) before a Conv2D (the new axis is its channels axis, channels-first on TorchSharp) and
    /// expand_dims(axis=1).</summary>
    [TestCase("tfop_cast_uint8")]
    [TestCase("tfop_cast_int32")]
    [TestCase("tfop_math")]
    [TestCase("tfop_shape")]
    public void CastsAndMathOpsMatchTheFloat64Golden(string stem) => GoldenModels.AssertFile(engine, $"{stem}_k2.h5", $"{stem}_golden.npz");

    /// <summary>tf.cast of int32 to float32 rounds to nearest, ties to even, as TensorFlow's Cast: 2^24 + 1 is 2^24,
    /// 2^24 + 3 is 2^24 + 4; a float64 network keeps every int exactly.</summary>
    [Test]
    public void ACastOfIntsRoundsToNearestFloat32()
    {
        string json = TFOpJson.Model("[null, 3]", "int32",
            """{"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "cast"}, "inbound_nodes": [["in", 0, 0, {"dtype": "float32", "name": null}]]}""");
        int[] ids = [16777217, 16777219, -7];
        KerasModel model = KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false);
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine))
            Assert.That(network.Predict([new KerasInput(ids, [1, 3])])[0].Values, Is.EqualTo(new double[] { 16777216, 16777220, -7 }));
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64))
            Assert.That(network.Predict([new KerasInput(ids, [1, 3])])[0].Values, Is.EqualTo(new double[] { 16777217, 16777219, -7 }));
    }

    /// <summary>tf.clip_by_value with numbers is TensorFlow's minimum with float32(0.3), then maximum with float32(0.1),
    /// bit for bit.</summary>
    [Test]
    public void ClipByValueClipsToTheFloat32Bounds()
    {
        string json = TFOpJson.Model("[null, 6]", "float32",
            """{"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "clip_by_value"}, "inbound_nodes": [["in", 0, 0, {"clip_value_min": 0.1, "clip_value_max": 0.3, "name": null}]]}""");
        float[] x = [-1f, 0.05f, 0.1f, 0.2f, 0.31f, 7f];
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false), engine);
        Assert.That(network.Predict([new KerasInput(x, [1, 6])])[0].Values, Is.EqualTo(x.Select(v => (double)MathF.Max(MathF.Min(v, 0.3f), 0.1f)).ToArray()));
    }

    /// <summary>A cast to float64 builds in float64 (an int input cast, then · 0.1 in float64) and is refused in a float32
    /// network, where TensorFlow would run the ops after it in float64 and the network cannot.</summary>
    [Test]
    public void ACastToFloat64NeedsAFloat64Network()
    {
        string json = TFOpJson.Model("[null, 2]", "int32", """
            {"class_name": "TFOpLambda", "name": "c", "config": {"name": "c", "function": "cast"}, "inbound_nodes": [["in", 0, 0, {"dtype": "float64", "name": null}]]},
            {"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "math.multiply"}, "inbound_nodes": [["c", 0, 0, {"y": 0.1, "name": null}]]}
            """);
        KerasModel model = KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false);
        var e = Assert.Throws<NotSupportedException>(() => KerasRuntimes.Build(model, engine).Dispose());
        Assert.That(e!.Message, Does.Contain("layer `c`").And.Contain("tf.cast to float64").And.Contain("Build the network in float64"));
        using IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64);
        Assert.That(network.Predict([new KerasInput(new[] { 3, -7 }, [1, 2])])[0].Values, Is.EqualTo(new[] { 3 * 0.1, -7 * 0.1 }));
    }

    /// <summary>A constant array converts to float32 before the op as a number does: tf.math.truediv(x, [0.1, 0.3, 0.7])
    /// over the last axis and [[2, 3, 5]] / x (the array first) on a (batch, 2, 3) input, which TorchSharp holds
    /// channels-first, bit for bit x / float32(c) per channel.</summary>
    [TestCase("""["in", 0, 0, {"y": [0.1, 0.3, 0.7], "name": null}]""", false)]
    [TestCase("""["_CONSTANT_VALUE", -1, [[2.0, 3.0, 5.0]], {"y": ["in", 0, 0], "name": null}]""", true)]
    public void AConstantArrayDividesPerChannelInFloat32(string node, bool arrayFirst)
    {
        string json = TFOpJson.Model("[null, 2, 3]", "float32",
            $$$"""{"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "math.truediv"}, "inbound_nodes": [{{{node}}}]}""");
        float[] x = [0.3f, 1.7f, -2.9f, 1e-3f, 5.5f, 3.3f, -0.7f, 0.1f, 9.9f, 7.1f, -4.2f, 2.2f];
        float[] c = arrayFirst ? [2f, 3f, 5f] : [0.1f, 0.3f, 0.7f];
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false), engine);
        KerasPrediction p = network.Predict([new KerasInput(x, [2, 2, 3])])[0];
        double[] expected = x.Select((v, i) => (double)(arrayFirst ? c[i % 3] / v : v / c[i % 3])).ToArray();
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 2, 3 }));
        Assert.That(p.Values, Is.EqualTo(expected), "float32 division by float32(c) of the item's channel, bit for bit");
    }

    /// <summary>A mask from Embedding(mask_zero) reaching a TFOpLambda is dropped, as tf.keras 2 drops it (the layer
    /// neither supports masking nor takes a mask): the GlobalAveragePooling1D after it averages every step, as without the mask.</summary>
    [Test]
    public void AMaskReachingAnOpIsDropped()
    {
        string Json(bool maskZero) => TFOpJson.Model("[null, 5]", "int32", $$$"""
            {"class_name": "Embedding", "name": "emb", "config": {"name": "emb", "input_dim": 9, "output_dim": 3, "mask_zero": {{{(maskZero ? "true" : "false")}}}}, "inbound_nodes": [[["in", 0, 0, {}]]]},
            {"class_name": "TFOpLambda", "name": "op", "config": {"name": "op", "function": "math.multiply"}, "inbound_nodes": [["emb", 0, 0, {"y": 0.1, "name": null}]]},
            {"class_name": "GlobalAveragePooling1D", "name": "x", "config": {"name": "x"}, "inbound_nodes": [[["op", 0, 0, {}]]]}
            """);
        float[] table = Enumerable.Range(0, 27).Select(i => (float)Math.Cos(0.9 * i)).ToArray();
        KerasWeightGroup[] weights = [new("emb", [new KerasWeight("emb/embeddings:0", [9, 3], table)])];
        int[] ids = [3, 5, 0, 0, 1, 0, 7, 2, 8, 4];
        double[] Run(bool maskZero)
        {
            using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(Json(maskZero)), weights, keras3Layout: false), engine);
            return network.Predict([new KerasInput(ids, [2, 5])])[0].Values;
        }
        double[] masked = Run(true), plain = Run(false);
        Assert.That(masked, Is.EqualTo(plain), "the mask is dropped at the op: the mean over all five steps");
        double expected = Enumerable.Range(0, 5).Average(t => (double)(table[ids[t] * 3] * 0.1f));
        Assert.That(plain[0], Is.EqualTo(expected).Within(1e-6), "item 0, feature 0: the mean of 0.1 · the embedding over all steps");
    }

    /// <summary>A division by a number is TensorFlow's: the number rounded to float32 first, then a true division (not a
    /// product with its reciprocal), bit for bit in float32 — tf.math.divide(x, 0.1) and 2 / x (tf.math.truediv with the
    /// number first, saved as a <c>_CONSTANT_VALUE</c> node).</summary>
    [TestCase("math.divide", """["in", 0, 0, {"y": 0.1, "name": null}]""", false)]
    [TestCase("math.truediv", """["_CONSTANT_VALUE", -1, 2.0, {"y": ["in", 0, 0], "name": null}]""", true)]
    public void ANumberDividesAsTensorFlowDividesInFloat32(string function, string node, bool numberFirst)
    {
        string json = TFOpJson.Model("[null, 7]", "float32",
            $$$"""{"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "{{{function}}}"}, "inbound_nodes": [{{{node}}}]}""");
        float[] x = [0.3f, 1.7f, -2.9f, 1e-3f, 5.5f, 3.3f, -0.7f, 0.1f, 9.9f, 7.1f, -4.2f, 2.2f, 6.4f, 0.9f];
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false), engine);
        double[] values = network.Predict([new KerasInput(x, [2, 7])])[0].Values;
        double[] expected = x.Select(v => (double)(numberFirst ? 2f / v : v / 0.1f)).ToArray();
        Assert.That(values, Is.EqualTo(expected), "float32 division by float32(0.1), bit for bit");
        if (!numberFirst) Assert.That(x.Select(v => (double)(v * 10f)).SequenceEqual(expected), Is.False, "the inputs tell a true division from x * 10");
    }

    /// <summary>An index or a reduction that leaves only the batch axis gives one number per item: x[:, 2] and
    /// reduce_sum(x, axis=-1) of a (batch, 5) input, then their difference.</summary>
    [Test]
    public void AnOpMayLeaveOnlyTheBatchAxis()
    {
        string json = TFOpJson.Model("[null, 5]", "float32", """
            {"class_name": "SlicingOpLambda", "name": "pick", "config": {"name": "pick", "function": "__operators__.getitem"}, "inbound_nodes": [["in", 0, 0, {"slice_spec": [{"start": null, "stop": null, "step": null}, 2]}]]},
            {"class_name": "TFOpLambda", "name": "total", "config": {"name": "total", "function": "math.reduce_sum"}, "inbound_nodes": [["in", 0, 0, {"axis": -1}]]},
            {"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "math.subtract"}, "inbound_nodes": [["total", 0, 0, {"y": ["pick", 0, 0], "name": null}]]}
            """);
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false), engine);
        KerasPrediction p = network.Predict([new KerasInput(new float[] { 1, 2, 3, 4, 5, 10, 20, 30, 40, 50 }, [2, 5])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2 }));
        Assert.That(p.Values, Is.EqualTo(new double[] { 12, 120 }), "the sum of each row less its third value");
    }

    /// <summary>An op whose two tensors' unknown lengths do not broadcast at predict time is refused naming the layer.</summary>
    [Test]
    public void TwoTensorsThatDoNotBroadcastAreRefusedNamingTheLayer()
    {
        string json = TFOpJson.Model("[null, null, 3]", "float32", """
            {"class_name": "TFOpLambda", "name": "cut", "config": {"name": "cut", "function": "__operators__.getitem"}, "inbound_nodes": [["in", 0, 0, {"slice_spec": [{"start": null, "stop": null, "step": null}, {"start": 1, "stop": null, "step": null}]}]]},
            {"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "math.add"}, "inbound_nodes": [["in", 0, 0, {"y": ["cut", 0, 0], "name": null}]]}
            """);
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false), engine);
        var e = Assert.Throws<ArgumentException>(() => network.Predict([new KerasInput(new float[24], [2, 4, 3])]));
        Assert.That(e!.Message, Does.Contain("layer `x`"));
        // Length 1 after the slice stretches: (2, 2, 3) + (2, 1, 3).
        KerasPrediction p = network.Predict([new KerasInput(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), [2, 2, 3])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 2, 3 }));
        Assert.That(p.Values.Take(6), Is.EqualTo(new double[] { 3, 5, 7, 6, 8, 10 }), "x + x[:, 1:]: row 1 added to rows 0 and 1");
    }
}

/// <summary>What no engine builds is refused while reading the config, naming the layer and the op.</summary>
public sealed class TFOpLambdaRefusalTests
{
    private static string Op(string function, string node, string className = "TFOpLambda") => TFOpJson.Model("[null, 4, 6]", "float32",
        $$$"""{"class_name": "{{{className}}}", "name": "x", "config": {"name": "x", "function": "{{{function}}}"}, "inbound_nodes": [{{{node}}}]}""");

    [Test]
    public void AnUnsupportedFunctionIsRefusedByNameWithTheSupportedList()
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Op("math.rsqrt", """["in", 0, 0, {"name": null}]""")));
        Assert.That(e!.Message, Does.Contain("layer `x` (TFOpLambda) calls tf.math.rsqrt, which is not supported; supported: tf.__operators__.add"));
        Assert.That(e.Message, Does.Contain("tf.__operators__.getitem"));
    }

    [TestCase("math.multiply", """["in", 0, 0, {"y": [[[1.0]], [[2.0]]], "name": null}]""", "reaches the batch axis")]
    [TestCase("math.multiply", """["in", 0, 0, {"y": [[1.0], [2.0, 3.0]], "name": null}]""", "ragged constant array")]
    [TestCase("math.add", """["in", 0, 0, {"y": [], "name": null}]""", "empty constant array")]
    [TestCase("nn.bias_add", """["in", 0, 0, {"bias": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "data_format": "NCHW"}]""", "channels-first bias_add is not")]
    [TestCase("nn.bias_add", """["in", 0, 0, {"bias": [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]}]""", "only a 1-D bias")]
    [TestCase("nn.bias_add", """["in", 0, 0, {"bias": ["in", 0, 0]}]""", "not a tensor")]
    [TestCase("__operators__.getitem", """["in", 0, 0, {"slice_spec": [{"start": 1, "stop": null, "step": null}]}]""", "slices the batch axis")]
    [TestCase("__operators__.getitem", """["in", 0, 0, {"slice_spec": [{"start": null, "stop": null, "step": -1}]}]""", "slices the batch axis")]
    [TestCase("__operators__.getitem", """["in", 0, 0, {"slice_spec": [{"start": null, "stop": null, "step": null}, null]}]""", "tf.newaxis")]
    [TestCase("reshape", """["in", 0, 0, {"shape": [2, 24], "name": null}]""", "first (batch) entry is -1")]
    [TestCase("math.reduce_mean", """["in", 0, 0, {}]""", "axis=None")]
    [TestCase("math.reduce_sum", """["in", 0, 0, {"axis": 0}]""", "batch axis")]
    [TestCase("nn.softmax", """["in", 0, 0, {"axis": 1, "name": null, "extra": 3}]""", "extra=3")]
    [TestCase("cast", """["in", 0, 0, {"dtype": "int32", "name": null}]""", "only float32 and float64")]
    [TestCase("cast", """["in", 0, 0, {"dtype": "float16", "name": null}]""", "only float32 and float64")]
    [TestCase("cast", """["in", 0, 0, {"name": null}]""", "no `dtype`")]
    [TestCase("math.exp", """["in", 0, 0, {"name": null, "base": 2}]""", "base=2")]
    [TestCase("math.maximum", """["in", 0, 0, {"name": null}]""", "no second operand")]
    [TestCase("clip_by_value", """["in", 0, 0, {"clip_value_min": ["in", 0, 0], "clip_value_max": 1.0, "name": null}]""", "only number bounds")]
    [TestCase("transpose", """["in", 0, 0, {"perm": [1, 0, 2], "conjugate": false, "name": null}]""", "keeps the batch axis first")]
    [TestCase("transpose", """["in", 0, 0, {"name": null}]""", "perm=None reverses the batch axis")]
    [TestCase("expand_dims", """["in", 0, 0, {"axis": 0, "name": null}]""", "batch axis")]
    [TestCase("expand_dims", """["in", 0, 0, {"axis": -4, "name": null}]""", "batch axis")]
    public void AnUnsupportedArgumentIsRefusedNamingTheOp(string function, string node, string expected)
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Op(function, node, function == "__operators__.getitem" ? "SlicingOpLambda" : "TFOpLambda")));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain(expected));
        Assert.That(e.Message, Does.Contain($"tf.{function}"));
    }

    /// <summary>What TensorFlow itself would not build is invalid data, naming the layer: a constant that does not
    /// broadcast, a bias not as long as the last axis, a slice step of 0.</summary>
    [TestCase("math.subtract", """["in", 0, 0, {"y": [1.0, 2.0, 3.0], "name": null}]""", "does not broadcast")]
    [TestCase("nn.bias_add", """["in", 0, 0, {"bias": [1.0, 2.0, 3.0]}]""", "does not match the last axis")]
    [TestCase("__operators__.getitem", """["in", 0, 0, {"slice_spec": [{"class_name": "__ellipsis__"}, {"start": null, "stop": null, "step": 0}]}]""", "step 0")]
    public void WhatTensorFlowRefusesIsInvalidData(string function, string node, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(Op(function, node, function == "__operators__.getitem" ? "SlicingOpLambda" : "TFOpLambda")));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain(expected));
    }

    /// <summary>A constant that would stretch an axis the architecture leaves unknown (None) is refused at load.</summary>
    [TestCase("nn.bias_add", """{"bias": [1.0, 2.0, 3.0], "data_format": "NHWC"}""")]
    [TestCase("math.multiply", """{"y": [1.0, 2.0, 3.0], "name": null}""")]
    public void AConstantAgainstAnUnknownAxisIsRefused(string function, string kwargs)
    {
        string json = TFOpJson.Model("[null, 4, null]", "float32",
            $$$"""{"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "{{{function}}}"}, "inbound_nodes": [["in", 0, 0, {{{kwargs}}}]]}""");
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain($"tf.{function}").And.Contain("unknown length"));
    }

    /// <summary>An op other than tf.cast on an integer input is refused naming the layer and the fix: TensorFlow would
    /// compute in integers (and TorchSharp holds integer inputs in Keras's layout).</summary>
    [TestCase("math.multiply", """{"y": 0.1, "name": null}""")]
    [TestCase("math.exp", """{"name": null}""")]
    [TestCase("transpose", """{"perm": [0, 2, 1, 3], "conjugate": false, "name": null}""")]
    [TestCase("nn.relu", """{"name": null}""")]
    public void AnOpOnAnIntegerInputOtherThanCastIsRefused(string function, string kwargs)
    {
        string json = TFOpJson.Model("[null, 4, 6, 3]", "uint8",
            $$$"""{"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "{{{function}}}"}, "inbound_nodes": [["in", 0, 0, {{{kwargs}}}]]}""");
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain("on the integer input `in` (uint8)").And.Contain("tf.cast(x, tf.float32)"));
    }

    [Test]
    public void TensorsOfDifferentRanksAreRefused()
    {
        string json = TFOpJson.Model("[null, 4, 6]", "float32", """
            {"class_name": "GlobalAveragePooling1D", "name": "g", "config": {"name": "g"}, "inbound_nodes": [[["in", 0, 0, {}]]]},
            {"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "math.multiply"}, "inbound_nodes": [["in", 0, 0, {"y": ["g", 0, 0], "name": null}]]}
            """);
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain("the second tensor's batch axis meets axis 1 (length 4)").And.Contain("tf.expand_dims(y, 1)"));
    }
}

/// <summary>A functional tf.keras 2 config: input <c>in</c> of <paramref name="batchShape"/>, then the layers, output <c>x</c>.</summary>
internal static class TFOpJson
{
    public static string Model(string batchShape, string dtype, string layers) => $$$"""
        {"class_name": "Functional", "keras_version": "2.11.0", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": {{{batchShape}}}, "dtype": "{{{dtype}}}"}, "inbound_nodes": []},
          {{{layers}}}],
          "input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}
        """;
}
