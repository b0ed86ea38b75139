namespace CrossBackend.Keras.Tests;

/// <summary>Review cases where a TF op's output layout meets a layer that reads channels (Conv1D, Conv2D, Dense) on
/// every engine — TorchSharp holds rank ≥ 3 channels-first — with expected values summed by hand in float64 from the
/// Keras-layout indices: tf.transpose then Conv2D, expand_dims at −1 and 1 then Conv1D / Dense, and an int32 sequence
/// cast once and read by two branches (Conv1D and a (4, 1) constant product) joined by tf.concat.</summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class TFOpLayoutEdgeTests(ITensorEngine engine)
{
    private static string Layer(string className, string name, string config, string inbound) =>
        $$$"""{"class_name": "{{{className}}}", "name": "{{{name}}}", "config": {"name": "{{{name}}}"{{{config}}}}, "inbound_nodes": [{{{inbound}}}]}""";

    private KerasPrediction Run(string shape, string dtype, string layers, KerasWeightGroup[] weights, Array x, long[] xShape)
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(TFOpJson.Model(shape, dtype, layers)), weights, keras3Layout: false), engine);
        return network.Predict([new KerasInput(x, xShape)])[0];
    }

    /// <summary>tf.transpose(x, perm) of a (batch, 2, 3, 2) image, then a 1×1 Conv2D over the new last axis: output cell
    /// (i, j) is Σ_k y[i, j, k] · w[k] with y = x transposed.</summary>
    [TestCase(new[] { 0, 2, 1, 3 })]
    [TestCase(new[] { 0, 3, 1, 2 })]
    [TestCase(new[] { 0, 1, 3, 2 })]
    public void ATransposeThenConv2DReadsTheTransposedChannels(int[] perm)
    {
        long[] inShape = [2, 2, 3, 2];
        long[] outShape = perm.Select(p => inShape[p]).ToArray();
        int channels = (int)outShape[3];
        float[] w = Enumerable.Range(0, channels).Select(k => 0.3f * (k + 1) - 0.1f * k * k).ToArray();
        string layers = Layer("TFOpLambda", "t", """, "function": "transpose" """,
                $$$"""["in", 0, 0, {"perm": [{{{string.Join(", ", perm)}}}], "conjugate": false, "name": null}]""") + ",\n" +
            Layer("Conv2D", "x", """, "filters": 1, "kernel_size": [1, 1], "use_bias": false""", """[["t", 0, 0, {}]]""");
        float[] x = Enumerable.Range(0, 24).Select(i => MathF.Cos(0.7f * i)).ToArray();
        KerasPrediction p = Run("[null, 2, 3, 2]", "float32", layers, [new("x", [new KerasWeight("x/kernel:0", [1, 1, channels, 1], w)])], x, inShape);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, outShape[1], outShape[2], 1 }));
        var expected = new List<double>();
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < outShape[1]; i++)
                for (int j = 0; j < outShape[2]; j++)
                {
                    double sum = 0;
                    for (int k = 0; k < channels; k++)
                    {
                        int[] o = [b, i, j, k], src = new int[4];
                        for (int d = 0; d < 4; d++) src[perm[d]] = o[d];
                        sum += x[((src[0] * 2 + src[1]) * 3 + src[2]) * 2 + src[3]] * (double)w[k];
                    }
                    expected.Add(sum);
                }
        Assert.That(p.Values, Is.EqualTo(expected).Within(1e-6));
    }

    /// <summary>expand_dims(axis=−1) of (batch, 4) makes (batch, 4, 1), a sequence of one channel: a Conv1D of kernel 2
    /// sums neighbours; expand_dims(axis=1) makes (batch, 1, 4), one step of four features: a Dense mixes them.</summary>
    [TestCase(-1)]
    [TestCase(1)]
    public void ExpandDimsPutsTheNewAxisWhereTheNextLayerReadsIt(int axis)
    {
        float[] x = [0.1f, 0.3f, -0.7f, 1.9f, 2.5f, -0.2f, 0.4f, 0.9f];
        string e = Layer("TFOpLambda", "e", """, "function": "expand_dims" """, $$$"""["in", 0, 0, {"axis": {{{axis}}}, "name": null}]""");
        if (axis == -1)
        {
            float[] k = [0.3f, -0.7f];
            KerasPrediction p = Run("[null, 4]", "float32", e + ",\n" + Layer("Conv1D", "x", """, "filters": 1, "kernel_size": 2, "use_bias": false""", """[["e", 0, 0, {}]]"""),
                [new("x", [new KerasWeight("x/kernel:0", [2, 1, 1], k)])], x, [2, 4]);
            Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 3, 1 }));
            double[] expected = [.. from b in Enumerable.Range(0, 2) from t in Enumerable.Range(0, 3) select (double)x[b * 4 + t] * k[0] + (double)x[b * 4 + t + 1] * k[1]];
            Assert.That(p.Values, Is.EqualTo(expected).Within(1e-6));
        }
        else
        {
            float[] w = Enumerable.Range(0, 8).Select(i => 0.1f * i - 0.3f).ToArray();   // (4, 2)
            KerasPrediction p = Run("[null, 4]", "float32", e + ",\n" + Layer("Dense", "x", """, "units": 2, "use_bias": false""", """[["e", 0, 0, {}]]"""),
                [new("x", [new KerasWeight("x/kernel:0", [4, 2], w)])], x, [2, 4]);
            Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 1, 2 }));
            double[] expected = [.. from b in Enumerable.Range(0, 2) from u in Enumerable.Range(0, 2) select Enumerable.Range(0, 4).Sum(f => (double)x[b * 4 + f] * w[f * 2 + u])];
            Assert.That(p.Values, Is.EqualTo(expected).Within(1e-6));
        }
    }

    /// <summary>An int32 (batch, 4, 3) input cast to float32 once, read by a Conv1D (kernel 1, 2 filters) and by a product
    /// with a (4, 1) constant (one factor per step), joined by tf.concat on the last axis.</summary>
    [Test]
    public void AnIntegerSequenceCastOnceFeedsTwoBranches()
    {
        float[] k = [0.1f, -0.3f, 0.7f, 0.2f, 0.5f, -0.9f];   // (1, 3, 2)
        float[] steps = [0.1f, 0.3f, -2f, 7f];
        string layers = string.Join(",\n",
            Layer("TFOpLambda", "c", """, "function": "cast" """, """["in", 0, 0, {"dtype": "float32", "name": null}]"""),
            Layer("Conv1D", "conv", """, "filters": 2, "kernel_size": 1, "use_bias": false""", """[["c", 0, 0, {}]]"""),
            Layer("TFOpLambda", "m", """, "function": "math.multiply" """, """["c", 0, 0, {"y": [[0.1], [0.3], [-2.0], [7.0]], "name": null}]"""),
            Layer("TFOpLambda", "x", """, "function": "concat" """, """[["conv", 0, 0, {"axis": -1, "name": null}], ["m", 0, 0, {"axis": -1, "name": null}]]"""));
        int[] ids = Enumerable.Range(0, 24).Select(i => (i * 7) % 11 - 5).ToArray();
        KerasPrediction p = Run("[null, 4, 3]", "int32", layers, [new("conv", [new KerasWeight("conv/kernel:0", [1, 3, 2], k)])], ids, [2, 4, 3]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 4, 5 }));
        var expected = new List<double>();
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 4; t++)
            {
                for (int f = 0; f < 2; f++) expected.Add(Enumerable.Range(0, 3).Sum(c => ids[(b * 4 + t) * 3 + c] * (double)k[c * 2 + f]));
                for (int c = 0; c < 3; c++) expected.Add(ids[(b * 4 + t) * 3 + c] * (double)steps[t]);
            }
        Assert.That(p.Values, Is.EqualTo(expected).Within(1e-6));
    }
}
