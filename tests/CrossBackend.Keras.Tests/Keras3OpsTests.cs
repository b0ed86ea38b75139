namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras 3's functional ops — operators and keras.ops calls on Keras tensors, saved as nodes of the op's own class and
/// module (keras.src.ops.numpy Multiply, args [tensor, 0.3]) — in whole .keras archives on every engine, against float64
/// NumPy goldens checked against PyTorch 1.13 (Data/make_keras3_ops_models.py): Dense → x · 0.3 + Dense → Dense; the
/// arithmetic ops with a number or a float32 NumPy array on either side and with two tensors (one broadcast), exp,
/// log, sqrt, square, abs, maximum / minimum, clip, relu, relu6, sigmoid, tanh, softmax(axis 1), mean / sum over axes
/// with and without keepdims, reshape and concatenate on a (batch, 4, 6, 5) input, which TorchSharp holds
/// channels-first; transpose, expand_dims before a Conv2D, slices with negative steps, indices and the Ellipsis; a
/// cast of an int32 input.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class Keras3OpsModelTests(ITensorEngine engine)
{
    [TestCase("k3ops_mixed")]
    [TestCase("k3ops_math")]
    [TestCase("k3ops_shape")]
    [TestCase("k3ops_cast")]
    [TestCase("k3ops_rank5")]
    public void OutputsMatchTheFloat64Golden(string stem) => GoldenModels.AssertFile(engine, $"{stem}.keras", $"{stem}_golden.npz");

    /// <summary>A number operand converts to the tensor's dtype first, as Keras 3's weak-typed Python numbers do
    /// (dtypes.result_type), on either side: x · float32(0.3) (not the one-input Multiply merge layer, the identity),
    /// float32(0.3) − x, 1 / x, x / float32(0.1) (a true division, not x · 10), max(float32(0.3), x) and x + x (one tensor
    /// read twice), bit for bit in float32.</summary>
    [TestCase("Multiply", "[X, 0.3]")]
    [TestCase("Subtract", "[0.3, X]")]
    [TestCase("TrueDivide", "[1, X]")]
    [TestCase("Divide", "[X, 0.1]")]
    [TestCase("Maximum", "[0.3, X]")]
    [TestCase("Add", "[X, X]")]
    public void ANumberOperandIsRoundedToFloat32First(string op, string args)
    {
        string json = Keras3OpJson.Model("[null, 7]", "float32", Keras3OpJson.Op("numpy", op, "x", args.Replace("X", Keras3OpJson.Tensor("in", "[null, 7]"))));
        float[] x = [0.3f, 1.7f, -2.9f, 1e-3f, 5.5f, 3.3f, -0.7f, 0.1f, 9.9f, 7.1f, -4.2f, 2.2f, 6.4f, 0.9f];
        Func<float, float> f = op switch
        {
            "Multiply" => v => v * 0.3f,
            "Subtract" => v => 0.3f - v,
            "TrueDivide" => v => 1f / v,
            "Divide" => v => v / 0.1f,
            "Maximum" => v => MathF.Max(0.3f, v),
            _ => v => v + v,
        };
        using IKerasNetwork network = KerasRuntimes.Build(Keras3OpJson.Load(json), engine);
        KerasPrediction p = network.Predict([new KerasInput(x, [2, 7])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 7 }));
        Assert.That(p.Values, Is.EqualTo(x.Select(v => (double)f(v)).ToArray()), $"{op}{args}: float32 with the number rounded to float32, bit for bit");
    }

    /// <summary>Two tensors that each broadcast against the other, the smaller first: x[:, 0:1] − x[:, :, 1:2] of a
    /// (batch, 4, 5) input is (batch, 1, 5) − (batch, 4, 1) → (batch, 4, 5), out[i, j] = x[0, j] − x[i, 1] (NumPy's
    /// broadcasting, keras/src/ops/numpy.py Subtract), on TorchSharp's channels-first layout too; bit for bit in float32.</summary>
    [Test]
    public void TwoTensorsBroadcastingEachOtherSubtractInOperandOrder()
    {
        const string Full = """{"class_name": "__slice__", "config": {"start": null, "stop": null, "step": null}}""";
        static string Slice(int start, int stop) => $$$"""{"class_name": "__slice__", "config": {"start": {{{start}}}, "stop": {{{stop}}}, "step": null}}""";
        string x = Keras3OpJson.Tensor("in", "[null, 4, 5]");
        string json = Keras3OpJson.Model("[null, 4, 5]", "float32",
            Keras3OpJson.Op("numpy", "GetItem", "row", $"[{x}, [{Full}, {Slice(0, 1)}]]") + ",\n" +
            Keras3OpJson.Op("numpy", "GetItem", "col", $"[{x}, [{Full}, {Full}, {Slice(1, 2)}]]") + ",\n" +
            Keras3OpJson.Op("numpy", "Subtract", "x", $"[{Keras3OpJson.Tensor("row", "[null, 1, 5]")}, {Keras3OpJson.Tensor("col", "[null, 4, 1]")}]"));
        float[] v = Enumerable.Range(0, 40).Select(i => (float)Math.Sin(1.3 * i) * 3f).ToArray();
        using IKerasNetwork network = KerasRuntimes.Build(Keras3OpJson.Load(json), engine);
        KerasPrediction p = network.Predict([new KerasInput(v, [2, 4, 5])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 4, 5 }));
        double[] expected = new double[40];
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 5; j++)
                    expected[n * 20 + i * 5 + j] = v[n * 20 + j] - v[n * 20 + i * 5 + 1];
        Assert.That(p.Values, Is.EqualTo(expected), "x[:, 0:1] − x[:, :, 1:2], float32 differences");
    }

    /// <summary>x[0:, 1:3] keeps every item of the batch, as x[:, 1:3] (a start of 0 on the batch axis is the whole axis
    /// whatever its length); a start of 1 is refused (RefusalTests).</summary>
    [Test]
    public void ASliceOfTheBatchAxisFromZeroKeepsEveryItem()
    {
        const string FromZero = """{"class_name": "__slice__", "config": {"start": 0, "stop": null, "step": 1}}""";
        const string Middle = """{"class_name": "__slice__", "config": {"start": 1, "stop": 3, "step": null}}""";
        string json = Keras3OpJson.Model("[null, 4]", "float32",
            Keras3OpJson.Op("numpy", "GetItem", "x", $"[{Keras3OpJson.Tensor("in", "[null, 4]")}, [{FromZero}, {Middle}]]"));
        float[] v = [0.3f, 1.7f, -2.9f, 1e-3f, 5.5f, 3.3f, 0.1f, -0.7f, 2.2f, 0.9f, -4.1f, 8.8f];
        using IKerasNetwork network = KerasRuntimes.Build(Keras3OpJson.Load(json), engine);
        KerasPrediction p = network.Predict([new KerasInput(v, [3, 4])])[0];
        Assert.That(p.Shape, Is.EqualTo(new long[] { 3, 2 }));
        Assert.That(p.Values, Is.EqualTo(new double[] { 1.7f, -2.9f, 3.3f, 0.1f, 0.9f, -4.1f }));
    }

    /// <summary>An integer or float16 NumPy array operand keeps the op in float32: Keras 3's result_type puts every int
    /// and float16 below float32 (keras/src/backend/common/dtypes.py lattice: i8 → weak float → f2 → f4) and converts
    /// the array to it. x · int32 [1, −2, 3], then float16 [0.5, 0.25, −1.5] + that, bit for bit in float32.</summary>
    [Test]
    public void IntegerAndFloat16ArrayOperandsComputeInFloat32()
    {
        string json = Keras3OpJson.Model("[null, 3]", "float32",
            Keras3OpJson.Op("numpy", "Multiply", "m", $$$"""[{{{Keras3OpJson.Tensor("in", "[null, 3]")}}}, {"class_name": "__numpy__", "config": {"value": [1, -2, 3], "dtype": "int32"}}]""") + ",\n" +
            Keras3OpJson.Op("numpy", "Add", "x", $$$"""[{"class_name": "__numpy__", "config": {"value": [0.5, 0.25, -1.5], "dtype": "float16"}}, {{{Keras3OpJson.Tensor("m", "[null, 3]")}}}]"""));
        float[] v = [0.3f, 1.7f, -2.9f, 1e-3f, 5.5f, 3.3f];
        float[] ints = [1f, -2f, 3f], halves = [0.5f, 0.25f, -1.5f];
        using IKerasNetwork network = KerasRuntimes.Build(Keras3OpJson.Load(json), engine);
        KerasPrediction p = network.Predict([new KerasInput(v, [2, 3])])[0];
        Assert.That(p.Values, Is.EqualTo(v.Select((a, i) => (double)(halves[i % 3] + a * ints[i % 3])).ToArray()), "float16 c + x · int32 c, in float32");
    }

    /// <summary>Ops inside a nested functional model read that model's tensors and its output is read by an op outside:
    /// 1 − base(x) with base = x · 0.3, the nested model's first call being its node 1 (Keras 3 keeps a Functional's own
    /// node 0), bit for bit in float32.</summary>
    [Test]
    public void OpsInsideAndAfterANestedModelReadTheirOwnTensors()
    {
        const string innerInput = """{"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "bin", "config": {"name": "bin", "batch_shape": [null, 4], "dtype": "float32"}, "inbound_nodes": []}""";
        string inner = Keras3OpJson.Op("numpy", "Multiply", "x", $"[{Keras3OpJson.Tensor("bin", "[null, 4]")}, 0.3]");
        string nested = "{\"module\": \"keras\", \"class_name\": \"Functional\", \"registered_name\": \"Functional\", \"name\": \"base\", " +
            $"\"config\": {{\"name\": \"base\", \"trainable\": true, \"layers\": [{innerInput}, {inner}], " +
            "\"input_layers\": [\"bin\", 0, 0], \"output_layers\": [\"x\", 0, 0]}, " +
            $"\"inbound_nodes\": [{{\"args\": [{Keras3OpJson.Tensor("in", "[null, 4]")}], \"kwargs\": {{}}}}]}}";
        string json = Keras3OpJson.Model("[null, 4]", "float32",
            nested + ",\n" + Keras3OpJson.Op("numpy", "Subtract", "x", $"[1, {Keras3OpJson.Tensor("base", "[null, 4]", node: 1)}]"));
        float[] v = [0.3f, 1.7f, -2.9f, 1e-3f, 5.5f, 3.3f, -0.7f, 0.1f];
        using IKerasNetwork network = KerasRuntimes.Build(Keras3OpJson.Load(json), engine);
        KerasPrediction p = network.Predict([new KerasInput(v, [2, 4])])[0];
        Assert.That(p.Values, Is.EqualTo(v.Select(a => (double)(1f - a * 0.3f)).ToArray()), "1 − x · float32(0.3), the inner op reading the inner input");
    }

    /// <summary>A mask from Embedding(mask_zero) reaching a Keras 3 op is dropped: an op is an Operation, not a Layer,
    /// and Operation.__call__ neither reads nor sets a mask, so the GlobalAveragePooling1D after it averages every step.</summary>
    [Test]
    public void AMaskReachingAnOpIsDropped()
    {
        string Json(bool maskZero) => Keras3OpJson.Model("[null, 5]", "int32", $$$"""
            {"module": "keras.layers", "class_name": "Embedding", "registered_name": null, "name": "emb", "config": {"name": "emb", "input_dim": 9, "output_dim": 3, "mask_zero": {{{(maskZero ? "true" : "false")}}}},
             "inbound_nodes": [{"args": [{{{Keras3OpJson.Tensor("in", "[null, 5]")}}}], "kwargs": {}}]},
            {{{Keras3OpJson.Op("numpy", "Multiply", "op", $"[{Keras3OpJson.Tensor("emb", "[null, 5, 3]")}, 0.1]")}}},
            {"module": "keras.layers", "class_name": "GlobalAveragePooling1D", "registered_name": null, "name": "x", "config": {"name": "x"},
             "inbound_nodes": [{"args": [{{{Keras3OpJson.Tensor("op", "[null, 5, 3]")}}}], "kwargs": {}}]}
            """);
        float[] table = Enumerable.Range(0, 27).Select(i => (float)Math.Cos(0.9 * i)).ToArray();
        KerasWeightGroup[] weights = [new("emb", [new KerasWeight("emb/embeddings:0", [9, 3], table)])];
        int[] ids = [3, 5, 0, 0, 1, 0, 7, 2, 8, 4];
        double[] Run(bool maskZero)
        {
            using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(Json(maskZero), "3.6.0"), weights, keras3Layout: false), engine);
            return network.Predict([new KerasInput(ids, [2, 5])])[0].Values;
        }
        double[] masked = Run(true), plain = Run(false);
        Assert.That(masked, Is.EqualTo(plain), "the mask is dropped at the op: the mean over all five steps");
        double expected = Enumerable.Range(0, 5).Average(t => (double)(table[ids[t] * 3] * 0.1f));
        Assert.That(plain[0], Is.EqualTo(expected).Within(1e-6), "item 0, feature 0: the mean of 0.1 · the embedding over all steps");
    }
}

/// <summary>What no engine builds is refused while reading the config, naming the layer, the op and its module.</summary>
public sealed class Keras3OpsRefusalTests
{
    private static readonly string X = Keras3OpJson.Tensor("in", "[null, 4, 6]");

    private static NotSupportedException Refused(string module, string className, string args, string config = "") =>
        Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Keras3OpJson.Model("[null, 4, 6]", "float32", Keras3OpJson.Op(module, className, "x", args, config)), "3.6.0"))!;

    [Test]
    public void AnUnsupportedOpIsRefusedByModuleAndClassWithTheSupportedList()
    {
        NotSupportedException e = Refused("numpy", "Tensordot", $"[{X}, {X}]", "\"axes\": 2");
        Assert.That(e.Message, Does.Contain("layer `x` is Keras 3's functional op keras.src.ops.numpy.Tensordot"));
        Assert.That(e.Message, Does.Contain("supported: keras.src.ops.numpy.Add").And.Contain("keras.src.ops.numpy.GetItem"));
    }

    [TestCase("numpy", "Mean", "[X]", "\"axis\": null, \"keepdims\": false", "axis=None")]
    [TestCase("numpy", "Multiply", """[X, {"class_name": "__numpy__", "config": {"value": [0.1, 0.3, 0.7, 0.2, 0.1, 0.5], "dtype": "float64"}}]""", "", "a float64 constant array: Keras 3 then computes the op in float64")]
    [TestCase("numpy", "Multiply", """[X, {"class_name": "__numpy__", "config": {"value": [true, false, true, true, false, true], "dtype": "bool"}}]""", "", "a bool constant array")]
    [TestCase("numpy", "Clip", "[X]", "\"x_min\": 0.7, \"x_max\": 0.3", "backends disagree")]
    [TestCase("numpy", "Clip", "[X]", "\"x_min\": null, \"x_max\": 0.3", "not a number")]
    [TestCase("numpy", "GetItem", """[X, {"class_name": "__slice__", "config": {"start": 1, "stop": null, "step": null}}]""", "", "slices the batch axis")]
    [TestCase("numpy", "GetItem", """[X, [{"class_name": "__slice__", "config": {"start": null, "stop": null, "step": null}}, null]]""", "", "None/newaxis")]
    [TestCase("numpy", "Transpose", "[X]", "\"axes\": null", "axes=None")]
    [TestCase("numpy", "Transpose", "[X]", "\"axes\": [1, 0, 2]", "keeps the batch axis first")]
    [TestCase("numpy", "Reshape", "[X]", "\"newshape\": [3, 8]", "first (batch) entry is -1")]
    [TestCase("numpy", "Cumsum", "[X]", "\"axis\": 1, \"dtype\": null", "which is not supported")]
    [TestCase("nn", "Softmax", "[X]", "\"axis\": [1, \"a\"]", "only ints")]
    [TestCase("nn", "Softmax", "[X]", "\"axis\": null", "axis=None")]
    [TestCase("core", "Cast", "[X]", "\"dtype\": \"int32\"", "only float32 and float64")]
    [TestCase("numpy", "ExpandDims", "[X]", "\"axis\": [1, 2]", "only one new axis")]
    [TestCase("numpy", "Mean", "[X]", "\"axis\": 1, \"keepdims\": false, \"where\": null", "where")]
    public void AFormNotBuiltIsRefusedNamingTheOp(string module, string className, string args, string config, string expected)
    {
        NotSupportedException e = Refused(module, className, args.Replace("X", X), config);
        Assert.That(e.Message, Does.Contain($"layer `x` is Keras 3's functional op keras.src.ops.{module}.{className}").And.Contain(expected));
    }

    /// <summary>Call keywords are not a form Keras 3's ops are saved with (their settings are the config), so they are refused.</summary>
    [Test]
    public void CallKeywordsAreRefused()
    {
        string op = Keras3OpJson.Op("numpy", "Exp", "x", $"[{X}]").Replace("\"kwargs\": {}", "\"kwargs\": {\"out\": 1}");
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Keras3OpJson.Model("[null, 4, 6]", "float32", op), "3.6.0"));
        Assert.That(e!.Message, Does.Contain("keras.src.ops.numpy.Exp").And.Contain("call keywords"));
    }

    /// <summary>ops.concatenate's default axis 0 is the batch axis; two tensors of different ranks would line up from the last axis.</summary>
    [Test]
    public void ConcatenatingAlongTheBatchAxisAndMixedRanksAreRefused()
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Keras3OpJson.Model("[null, 4, 6]", "float32",
            Keras3OpJson.Op("numpy", "Concatenate", "x", $"[[{X}, {X}]]", "\"axis\": 0")), "3.6.0"));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain("batch axis"));
        string json = Keras3OpJson.Model("[null, 4, 6]", "float32", Keras3OpJson.Op("numpy", "Mean", "m", $"[{X}]", "\"axis\": 1, \"keepdims\": false") + ",\n" +
            Keras3OpJson.Op("numpy", "Add", "x", $"[{X}, {Keras3OpJson.Tensor("m", "[null, 6]")}]"));
        e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json, "3.6.0"));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain("the second tensor's batch axis meets axis 1 (length 4)").And.Contain("ops.expand_dims(y, axis=1)"));
    }

    /// <summary>An op on an integer input other than ops.cast is refused (the runtimes hold integer inputs as ids).</summary>
    [Test]
    public void AnOpOnAnIntegerInputIsRefused()
    {
        string json = Keras3OpJson.Model("[null, 4, 6]", "int32", Keras3OpJson.Op("numpy", "Multiply", "x", $"[{X}, 0.5]"));
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json, "3.6.0"));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain("keras.src.ops.numpy.Multiply on the integer input `in`")
            .And.Contain("keras.ops.cast(x, \"float32\")").And.Not.Contain("tf.cast"));
        // An op that reads as a layer's spec (ops.transpose as Permute) is named by its module and class as well.
        json = Keras3OpJson.Model("[null, 4, 6]", "int32", Keras3OpJson.Op("numpy", "Transpose", "x", $"[{X}]", "\"axes\": [0, 2, 1]"));
        e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json, "3.6.0"));
        Assert.That(e!.Message, Does.Contain("keras.src.ops.numpy.Transpose on the integer input `in`").And.Contain("keras.ops.cast(x, \"float32\")"));
    }

    /// <summary>An op outside a functional config (no inbound node to read its call from) is refused, not read as the
    /// layer of its class name.</summary>
    [Test]
    public void AnOpWithoutItsCallIsRefused()
    {
        string json = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 4], "dtype": "float32"}},
              {"module": "keras.src.ops.numpy", "class_name": "Multiply", "registered_name": "Multiply", "config": {"name": "multiply"}}]}}
            """;
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json, "3.6.0"));
        Assert.That(e!.Message, Does.Contain("layer `multiply` is Keras 3's functional op keras.src.ops.numpy.Multiply").And.Contain("without its call"));
    }
}

/// <summary>Keras 3 functional configs with ops, as keras/src/models/functional.py <c>get_config</c> writes them.</summary>
internal static class Keras3OpJson
{
    /// <summary>A Keras tensor argument: saving/serialization_lib.py's <c>__keras_tensor__</c> with its keras_history
    /// (<paramref name="node"/>: the call of the layer that made it; a nested Functional's first call is node 1).</summary>
    public static string Tensor(string layer, string shape, int node = 0) =>
        "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": " + shape + ", \"dtype\": \"float32\", \"keras_history\": [\"" + layer + "\", " + node + ", 0]}}";

    /// <summary>An op node of module <c>keras.src.ops.&lt;module&gt;</c>: its config (the constructor's arguments and its
    /// name) and one call with <paramref name="args"/>.</summary>
    public static string Op(string module, string className, string name, string args, string config = "") =>
        "{\"module\": \"keras.src.ops." + module + "\", \"class_name\": \"" + className + "\", \"registered_name\": \"" + className +
        "\", \"name\": \"" + name + "\", \"config\": {" + (config.Length > 0 ? config + ", " : "") + "\"name\": \"" + name +
        "\"}, \"inbound_nodes\": [{\"args\": " + args + ", \"kwargs\": {}}]}";

    /// <summary>A functional model: input <c>in</c> of <paramref name="batchShape"/> and <paramref name="dtype"/>, the entries, output <c>x</c>.</summary>
    public static string Model(string batchShape, string dtype, string entries) => $$$"""
        {"module": "keras", "class_name": "Functional", "config": {"name": "m", "layers": [
          {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "in", "config": {"name": "in", "batch_shape": {{{batchShape}}}, "dtype": "{{{dtype}}}"}, "inbound_nodes": []},
          {{{entries}}}],
          "input_layers": ["in", 0, 0], "output_layers": ["x", 0, 0]}}
        """;

    /// <summary>The model of <paramref name="json"/> without weights.</summary>
    public static KerasModel Load(string json) => KerasModel.FromWeights(KerasGraph.FromJson(json, "3.6.0"), [], keras3Layout: false);
}
