namespace CrossBackend.Keras.Tests;

/// <summary>
/// DepthwiseConv1D, SeparableConv1D and Conv1DTranspose do not support masking in Keras 3 or tf.keras 2 (see
/// <see cref="MaskRefusalTests"/>): the Embedding's mask stops there, so the GlobalAveragePooling1D after them averages
/// every step, padding included. The model with <c>mask_zero=True</c> must therefore give the numbers of the same model
/// without it, while a GlobalAveragePooling1D right after the Embedding (which takes the mask) gives others — a mask wrongly
/// handed on would change them. Before, a mask reaching these layers was refused as not checked.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class MaskDroppingConvolutionTests(ITensorEngine engine)
{
    private static readonly int[] Ids = [3, 5, 1, 0, 0, /**/ 0, 2, 7, 4, 0];

    /// <summary>in (5 ids) → Embedding(10, 4) → the layers given → GlobalAveragePooling1D, weights by order from a fixed
    /// non-round sequence.</summary>
    private static KerasModel Model(bool maskZero, string layers, string last, string version)
    {
        KerasGraph graph = KerasGraph.FromJson($$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 5], "dtype": "int32"}, "inbound_nodes": []},
              {"class_name": "Embedding", "name": "emb", "config": {"name": "emb", "input_dim": 10, "output_dim": 4, "mask_zero": {{{(maskZero ? "true" : "false")}}}}, "inbound_nodes": [[["in", 0, 0, {}]]]},
              {{{layers}}}
              {"class_name": "GlobalAveragePooling1D", "name": "pool", "config": {"name": "pool"}, "inbound_nodes": [[["{{{last}}}", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["pool", 0, 0]]}}
            """, version);
        var groups = new List<KerasWeightGroup>();
        int seed = 0;
        foreach (KerasLayer layer in graph.Layers.Where(l => l.ExpectedWeights.Count > 0))
            groups.Add(new KerasWeightGroup(layer.Name, layer.ExpectedWeights.Select(e => new KerasWeight($"{layer.Name}/{e.Name}", e.Shape,
                Enumerable.Range(0, (int)e.Shape.Aggregate(1L, (a, b) => a * b)).Select(i => (float)(0.3 * Math.Sin(0.7 * i + ++seed))).ToArray())).ToArray()));
        return KerasModel.FromWeights(graph, groups, keras3Layout: false, KerasWeightMatching.ByOrder);
    }

    private double[] Predict(KerasModel model)
    {
        using IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64);
        return network.Predict(Ids, [2, 5]).Values;
    }

    [TestCase("DepthwiseConv1D", ", \"kernel_size\": [3], \"padding\": \"same\", \"depth_multiplier\": 2")]
    [TestCase("SeparableConv1D", ", \"filters\": 3, \"kernel_size\": [2], \"padding\": \"same\"")]
    [TestCase("Conv1DTranspose", ", \"filters\": 3, \"kernel_size\": [3], \"padding\": \"same\"")]
    public void TheMaskStopsAtTheLayerSoThePoolingAveragesThePaddingToo(string className, string config)
    {
        string layer = $$$"""{"class_name": "{{{className}}}", "name": "c", "config": {"name": "c"{{{config}}}}, "inbound_nodes": [[["emb", 0, 0, {}]]]},""";
        foreach (string version in new[] { "3.6.0", "2.11.0" })
        {
            KerasModel masked = Model(true, layer, "c", version);
            Assert.That(masked.Graph["c"].MaskRole, Is.EqualTo(KerasMaskRole.Drops));
            Assert.That(Predict(masked), Is.EqualTo(Predict(Model(false, layer, "c", version))).Within(1e-15), version);
        }
        // The ids' padding matters to a pooling that takes the mask: the check above would see a wrongly passed mask.
        Assert.That(Predict(Model(true, "", "emb", "3.6.0")), Is.Not.EqualTo(Predict(Model(false, "", "emb", "3.6.0"))).Within(1e-3));
    }
}
