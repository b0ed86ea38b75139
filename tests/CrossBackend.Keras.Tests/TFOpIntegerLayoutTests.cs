namespace CrossBackend.Keras.Tests;

/// <summary>An integer image input read by a Keras layer other than Embedding before tf.cast (Keras's Flatten and
/// Permute keep the integers, tf.cast then converts them) is refused at load naming the layer: TorchSharp ran the layer
/// on the integers in Keras's layout and gave a scrambled order (63 where Keras gives 13), the channels-last engine
/// refused only at predict time. Declared float32, the same model gives Keras's order on every engine.</summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class TFOpIntegerLayoutTests(ITensorEngine engine)
{
    private static string Json(string className, string config, string dtype) => TFOpJson.Model("[null, 2, 3, 2]", dtype, $$$"""
        {"class_name": "{{{className}}}", "name": "f", "config": {"name": "f"{{{config}}}}, "inbound_nodes": [[["in", 0, 0, {}]]]},
        {"class_name": "TFOpLambda", "name": "x", "config": {"name": "x", "function": "cast"}, "inbound_nodes": [["f", 0, 0, {"dtype": "float32", "name": null}]]}
        """);

    [TestCase("Flatten", """, "data_format": "channels_last" """)]
    [TestCase("Permute", """, "dims": [2, 1, 3]""")]
    public void ALayerOtherThanEmbeddingOnAnIntegerInputIsRefusedAndTheFloatFormKeepsKerassOrder(string className, string config)
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Json(className, config, "uint8")));
        Assert.That(e!.Message, Does.Contain($"layer `f` ({className}) reads the integer input `in` (uint8)").And.Contain("tf.cast(x, tf.float32)"));

        float[] values = Enumerable.Range(0, 24).Select(i => i * 10f + 3f).ToArray();
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(Json(className, config, "float32")), [], keras3Layout: false), engine);
        KerasPrediction p = network.Predict([new KerasInput(values, [2, 2, 3, 2])])[0];
        double[] expected = className == "Flatten" ? values.Select(v => (double)v).ToArray()
            : [.. from b in Enumerable.Range(0, 2) from w in Enumerable.Range(0, 3) from h in Enumerable.Range(0, 2) from c in Enumerable.Range(0, 2) select (double)values[((b * 2 + h) * 3 + w) * 2 + c]];
        Assert.That(p.Values, Is.EqualTo(expected));
    }
}
