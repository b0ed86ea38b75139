namespace CrossBackend.Keras.Tests;

/// <summary>Review edge cases of the tf.keras 2 TF ops on every engine, with expected values independent of the ports'
/// layout code: index lists from Python's <c>slice.indices</c> (printed by python3), float32 arithmetic per cell from the
/// Keras-layout indices, and IEEE specials (log 0 = −inf, log −1 = NaN, sqrt −1 = NaN, NaN through maximum/minimum).</summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class TFOpEdgeCaseTests(ITensorEngine engine)
{
    private KerasPrediction Run(string shape, string layers, float[] x, long[] xShape, DType dtype = DType.Float32)
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(TFOpJson.Model(shape, "float32", layers)), [], keras3Layout: false), engine, dtype);
        return network.Predict([new KerasInput(x, xShape)])[0];
    }

    private static string Op(string function, string node, string className = "TFOpLambda") =>
        $$$"""{"class_name": "{{{className}}}", "name": "x", "config": {"name": "x", "function": "{{{function}}}"}, "inbound_nodes": [{{{node}}}]}""";

    /// <summary>Negative-step slices on the steps axis (axis 1) of a (batch, 5, 3) input, which TorchSharp holds as
    /// (batch, 3, 5): the kept step indices are Python's <c>range(*slice(...).indices(5))</c>.</summary>
    [TestCase("null", "null", -2, new[] { 4, 2, 0 })]
    [TestCase("3", "0", -1, new[] { 3, 2, 1 })]
    [TestCase("-1", "null", -1, new[] { 4, 3, 2, 1, 0 })]
    [TestCase("10", "null", -3, new[] { 4, 1 })]
    [TestCase("null", "-10", -1, new[] { 4, 3, 2, 1, 0 })]
    [TestCase("-2", "1", -2, new[] { 3 })]
    [TestCase("2", "-8", -1, new[] { 2, 1, 0 })]
    public void ANegativeStepSliceKeepsPythonsIndices(string start, string stop, int step, int[] kept)
    {
        float[] x = Enumerable.Range(0, 30).Select(i => (float)i).ToArray();
        KerasPrediction p = Run("[null, 5, 3]", Op("__operators__.getitem",
            $$$"""["in", 0, 0, {"slice_spec": [{"start": null, "stop": null, "step": null}, {"start": {{{start}}}, "stop": {{{stop}}}, "step": {{{step}}}}]}]""",
            "SlicingOpLambda"), x, [2, 5, 3]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, kept.Length, 3 }));
        double[] expected = [.. from b in Enumerable.Range(0, 2) from s in kept from c in Enumerable.Range(0, 3) select (double)(b * 15 + s * 3 + c)];
        Assert.That(p.Values, Is.EqualTo(expected));
    }

    /// <summary>x[0:, 1:] and x[0::1, 1:] keep every item of the batch, as x[:, 1:] does (Python's
    /// <c>range(*slice(0, None, 1).indices(n))</c> is every index for any n); x[1:] is refused.</summary>
    [TestCase("0", "null")]
    [TestCase("0", "1")]
    [TestCase("null", "1")]
    public void AWholeSliceOfTheBatchAxisFromZeroKeepsEveryItem(string start, string step)
    {
        float[] x = Enumerable.Range(0, 30).Select(i => 0.1f * i).ToArray();
        KerasPrediction p = Run("[null, 5, 3]", Op("__operators__.getitem",
            $$$"""["in", 0, 0, {"slice_spec": [{"start": {{{start}}}, "stop": null, "step": {{{step}}}}, {"start": 1, "stop": null, "step": null}]}]""",
            "SlicingOpLambda"), x, [2, 5, 3]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 4, 3 }));
        double[] expected = [.. from b in Enumerable.Range(0, 2) from s in Enumerable.Range(1, 4) from c in Enumerable.Range(0, 3) select (double)x[b * 15 + s * 3 + c]];
        Assert.That(p.Values, Is.EqualTo(expected));
    }

    /// <summary>x[..., 3:0:-1] on the channels axis of a (batch, 2, 2, 5) image, channels-first on TorchSharp.</summary>
    [Test]
    public void ANegativeStepSliceOfTheChannelsAxisReversesThem()
    {
        float[] x = Enumerable.Range(0, 40).Select(i => (float)i).ToArray();
        KerasPrediction p = Run("[null, 2, 2, 5]", Op("__operators__.getitem",
            """["in", 0, 0, {"slice_spec": [{"class_name": "__ellipsis__"}, {"start": 3, "stop": 0, "step": -1}]}]""", "SlicingOpLambda"), x, [2, 2, 2, 5]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 2, 2, 3 }));
        double[] expected = [.. from pix in Enumerable.Range(0, 8) from c in new[] { 3, 2, 1 } select (double)(pix * 5 + c)];
        Assert.That(p.Values, Is.EqualTo(expected));
    }

    /// <summary>A constant array of each rank against a (batch, H=2, W=3, C=4) image, TorchSharp's (batch, 4, 2, 3): the
    /// cell (h, w, c) meets the constant's cell aligned from the last axis, NumPy's broadcasting, in float32.</summary>
    [TestCase("math.subtract", "c4", true)]
    [TestCase("math.multiply", "h1c", false)]
    [TestCase("math.subtract", "full", true)]
    [TestCase("math.maximum", "wc", false)]
    [TestCase("math.minimum", "h1c", true)]
    [TestCase("nn.bias_add", "c4", false)]
    public void AConstantArrayMeetsTheSameCellsOnARank4Input(string function, string kind, bool first)
    {
        float C(int h, int w, int c) => kind switch
        {
            "c4" => 0.1f * (c + 1),
            "h1c" => 0.3f * (h + 1) - 0.1f * c,
            "wc" => 0.7f * w - 0.3f * c,
            _ => 0.1f * (h * 12 + w * 4 + c) - 1.3f,
        };
        string Values(IEnumerable<int> hs, IEnumerable<int> ws, IEnumerable<int> cs, bool withH, bool withW, bool batch) =>
            (batch ? "[" : "") + (withH ? "[" : "") + string.Join(", ", hs.Select(h =>
                (withW ? "[" : "") + string.Join(", ", ws.Select(w => "[" + string.Join(", ", cs.Select(c => ((double)C(h, w, c)).ToString("R"))) + "]")) + (withW ? "]" : "")))
            + (withH ? "]" : "") + (batch ? "]" : "");
        int[] c4 = [0, 1, 2, 3];
        string array = kind switch
        {
            "c4" => Values([0], [0], c4, false, false, false),
            "h1c" => Values([0, 1], [0], c4, true, true, false),   // (2, 1, 4)
            "wc" => Values([0], [0, 1, 2], c4, false, true, false),  // (3, 4)
            _ => Values([0, 1], [0, 1, 2], c4, true, true, true),    // (1, 2, 3, 4)
        };
        // The C values are float32 already, so float32(c) is C(h, w, c) exactly (printed round-trip as doubles).
        string node = function == "nn.bias_add" ? $$$"""["in", 0, 0, {"bias": {{{array}}}, "data_format": null}]"""
            : first ? $$$"""["_CONSTANT_VALUE", -1, {{{array}}}, {"y": ["in", 0, 0], "name": null}]"""
            : $$$"""["in", 0, 0, {"y": {{{array}}}, "name": null}]""";
        float[] x = Enumerable.Range(0, 48).Select(i => MathF.Sin(1.3f * i) * 2f).ToArray();
        KerasPrediction p = Run("[null, 2, 3, 4]", Op(function, node), x, [2, 2, 3, 4]);
        double[] expected = new double[48];
        for (int i = 0; i < 48; i++)
        {
            int h = i / 12 % 2, w = i / 4 % 3, c = i % 4;
            float k = C(h, w, kind == "h1c" ? c : c), v = x[i];
            if (kind == "h1c") k = C(h, 0, c);
            if (kind == "wc") k = C(0, w, c);
            if (kind == "c4") k = C(0, 0, c);
            (float a, float b) = first ? (k, v) : (v, k);
            expected[i] = function switch
            {
                "math.subtract" => a - b,
                "math.multiply" => a * b,
                "math.maximum" => MathF.Max(a, b),
                "math.minimum" => MathF.Min(a, b),
                _ => a + b,
            };
        }
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 2, 3, 4 }));
        Assert.That(p.Values, Is.EqualTo(expected), "float32 arithmetic per cell, bit for bit");
    }

    /// <summary>IEEE specials as TensorFlow's float32 kernels give them: log 0 = −inf, log of a negative and sqrt of a
    /// negative NaN, abs and square exact; on a (batch, 2, 3) input.</summary>
    [TestCase("math.log")]
    [TestCase("math.sqrt")]
    [TestCase("math.square")]
    [TestCase("math.abs")]
    public void LogAndSqrtGiveIeeeSpecials(string function)
    {
        float[] x = [0f, -1f, 4f, 0.3f, -0f, 1e-30f, 2.5f, -0.1f, 1e20f, 7f, 0.1f, -3.3f];
        KerasPrediction p = Run("[null, 2, 3]", Op(function, """["in", 0, 0, {"name": null}]"""), x, [2, 2, 3]);
        double[] expected = x.Select(v => function switch
        {
            "math.log" => Math.Log(v),
            "math.sqrt" => Math.Sqrt(v),
            "math.square" => (double)(v * v),
            _ => (double)Math.Abs(v),
        }).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNaN(expected[i]) || double.IsInfinity(expected[i]) || function is "math.square" or "math.abs")
                Assert.That(p.Values[i], Is.EqualTo(expected[i]), $"cell {i}: {function}({x[i]})");
            else
                Assert.That(p.Values[i], Is.EqualTo(expected[i]).Within(Math.Abs(expected[i]) * 3e-7 + 1e-37), $"cell {i}: {function}({x[i]})");
        }
    }

    /// <summary>tf.clip_by_value with the lower bound above the upper one is minimum(x, hi) then maximum(·, lo): every
    /// cell the lower bound (clip_ops.py); and NaN passes through maximum, minimum and clip_by_value as TensorFlow's
    /// kernels propagate it.</summary>
    [Test]
    public void ClipByValueWithCrossedBoundsGivesTheLowerBound()
    {
        float[] x = [-1f, 0.2f, 0.5f, 9f];
        KerasPrediction p = Run("[null, 4]", Op("clip_by_value", """["in", 0, 0, {"clip_value_min": 0.7, "clip_value_max": 0.3, "name": null}]"""), x, [1, 4]);
        Assert.That(p.Values, Is.EqualTo(Enumerable.Repeat((double)0.7f, 4)));
    }

    [TestCase("clip_by_value", """{"clip_value_min": -0.3, "clip_value_max": 0.7, "name": null}""")]
    [TestCase("math.maximum", """{"y": 0.3, "name": null}""")]
    [TestCase("math.minimum", """{"y": 0.3, "name": null}""")]
    public void NaNPropagates(string function, string kwargs)
    {
        float[] x = [float.NaN, 0.1f, 2f, -5f];
        KerasPrediction p = Run("[null, 4]", Op(function, $$$"""["in", 0, 0, {{{kwargs}}}]"""), x, [1, 4]);
        Assert.That(double.IsNaN(p.Values[0]), Is.True, $"{function}(NaN) is NaN, got {p.Values[0]}");
    }

    /// <summary>tf.cast of int64 above 2^24 and below zero rounds to nearest, ties to even (2^24 + 1 → 2^24, 2^25 + 3 →
    /// 2^25 + 4, −(2^24 + 3) → −(2^24 + 4), 2^40 + 2^16 + 1 → 2^40 + 2^17).</summary>
    [Test]
    public void ACastOfInt64RoundsToNearestEven()
    {
        string json = TFOpJson.Model("[null, 4]", "int64", Op("cast", """["in", 0, 0, {"dtype": "float32", "name": null}]"""));
        long[] ids = [16777217, 33554435, -16777219, (1L << 40) + (1L << 16) + 1];
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false), engine);
        Assert.That(network.Predict([new KerasInput(ids, [1, 4])])[0].Values,
            Is.EqualTo(new double[] { 16777216, 33554436, -16777220, (1L << 40) + (1L << 17) }));
    }

    /// <summary>int64 beyond 2^53 converts in one rounding, as TensorFlow's Cast (Eigen's static_cast) and NumPy's
    /// astype: 2^60 + 2^36 + 1 is 2^60 + 2^37 in float32 (through float64 first it would tie down to 2^60), and
    /// 2^53 + 1, 2^53 + 3 tie to even in float64 (values printed by NumPy 1.24).</summary>
    [Test]
    public void ACastOfLargeInt64RoundsOnce()
    {
        string json = TFOpJson.Model("[null, 4]", "int64", Op("cast", """["in", 0, 0, {"dtype": "float32", "name": null}]"""));
        long[] ids = [(1L << 60) + (1L << 36) + 1, (1L << 53) + 1, (1L << 53) + 3, -((1L << 60) + (1L << 36) + 1)];
        KerasModel model = KerasModel.FromWeights(KerasGraph.FromJson(json), [], keras3Layout: false);
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine))
            Assert.That(network.Predict([new KerasInput(ids, [1, 4])])[0].Values,
                Is.EqualTo(new double[] { 1152921642045800448, 9007199254740992, 9007199254740992, -1152921642045800448 }), "float32");
        string json64 = TFOpJson.Model("[null, 4]", "int64", Op("cast", """["in", 0, 0, {"dtype": "float64", "name": null}]"""));
        using (IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json64), [], keras3Layout: false), engine, DType.Float64))
            Assert.That(network.Predict([new KerasInput(ids, [1, 4])])[0].Values,
                Is.EqualTo(new double[] { 1152921573326323712, 9007199254740992, 9007199254740996, -1152921573326323712 }), "float64");
    }

    /// <summary>tf.cast of a float input is that tensor itself (an alias): as the model's output it comes back on its
    /// own and the input survives; read beside the input (cast(x) · x, a (batch, 2, 3) input) it gives x², twice over.</summary>
    [Test]
    public void ACastOfAFloatInputIsAnAliasThatSurvivesTwoPredictions()
    {
        float[] x = [0.1f, -0.3f, 0.7f, 1.9f, -2.5f, 0.2f];
        string castOnly = TFOpJson.Model("[null, 2, 3]", "float32", Op("cast", """["in", 0, 0, {"dtype": "float32", "name": null}]"""));
        string squared = TFOpJson.Model("[null, 2, 3]", "float32",
            """{"class_name": "TFOpLambda", "name": "c", "config": {"name": "c", "function": "cast"}, "inbound_nodes": [["in", 0, 0, {"dtype": "float32", "name": null}]]},""" +
            Op("math.multiply", """["c", 0, 0, {"y": ["in", 0, 0], "name": null}]"""));
        using IKerasNetwork a = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(castOnly), [], keras3Layout: false), engine);
        using IKerasNetwork b = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(squared), [], keras3Layout: false), engine);
        for (int run = 0; run < 2; run++)
        {
            Assert.That(a.Predict([new KerasInput(x, [1, 2, 3])])[0].Values, Is.EqualTo(x.Select(v => (double)v)), $"run {run}");
            Assert.That(b.Predict([new KerasInput(x, [1, 2, 3])])[0].Values, Is.EqualTo(x.Select(v => (double)(v * v))), $"run {run}");
        }
    }

    /// <summary>A 1-D constant over the last axis and a (second-to-last, 1) constant given first, on inputs of rank 2,
    /// 3 and 4 (TorchSharp holds ranks 3 and 4 channels-first): bias_add, maximum, and c − x, bit for bit in float32.</summary>
    [TestCase("[null, 4]", new long[] { 3, 4 })]
    [TestCase("[null, 5, 4]", new long[] { 2, 5, 4 })]
    [TestCase("[null, 3, 5, 4]", new long[] { 2, 3, 5, 4 })]
    public void ConstantsLineUpFromTheLastAxisAtEveryRank(string shape, long[] xShape)
    {
        float[] bias = [0.1f, -0.3f, 0.7f, 1.3f];
        int rows = (int)xShape[^2];
        float[] column = Enumerable.Range(0, rows).Select(r => 0.3f * r - 0.7f).ToArray();
        string list = "[" + string.Join(", ", bias.Select(v => ((double)v).ToString("R"))) + "]";
        string columnList = "[" + string.Join(", ", column.Select(v => "[" + ((double)v).ToString("R") + "]")) + "]";
        int n = (int)xShape.Aggregate(1L, (a, b) => a * b);
        float[] x = Enumerable.Range(0, n).Select(i => MathF.Sin(0.9f * i) * 1.5f).ToArray();
        var cases = new (string Function, string Node, Func<float, int, float> Expected)[]
        {
            ("nn.bias_add", $$$"""["in", 0, 0, {"bias": {{{list}}}, "data_format": "NHWC"}]""", (v, i) => v + bias[i % 4]),
            ("math.maximum", $$$"""["in", 0, 0, {"y": {{{list}}}, "name": null}]""", (v, i) => MathF.Max(v, bias[i % 4])),
            ("math.subtract", $$$"""["_CONSTANT_VALUE", -1, {{{columnList}}}, {"y": ["in", 0, 0], "name": null}]""", (v, i) => column[i / 4 % rows] - v),
        };
        foreach ((string function, string node, Func<float, int, float> expected) in cases)
        {
            if (xShape.Length == 2 && function == "math.subtract") continue;   // a (rows, 1) constant would reach the batch axis
            KerasPrediction p = Run(shape, Op(function, node), x, xShape);
            Assert.That(p.Shape, Is.EqualTo(xShape), function);
            Assert.That(p.Values, Is.EqualTo(x.Select((v, i) => (double)expected(v, i))), function);
        }
    }
}
