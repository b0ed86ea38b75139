namespace CrossBackend.Keras.Tests;

/// <summary>
/// MultiHeadAttention, Attention and AdditiveAttention in whole files on every engine against float64 NumPy goldens
/// (Data/make_attention_models.py; the MHA formula checked against real PyTorch 1.13 nn.MultiheadAttention, self- and
/// cross-attention with kdim/vdim, and the Attention scores against torch ops): a Transformer encoder block with the
/// steps None (MHA self-attention → Add → LayerNormalization → Dense relu → Dense → Add → LayerNormalization →
/// GlobalAveragePooling1D → Dense), cross-attention (query, value and key from different branches, other lengths and
/// widths, value_dim ≠ key_dim, output_shape, called by keyword; then a bias-free MHA called positionally), and the
/// Luong / Bahdanau layers (dot and concat scores, with and without scale, with a key). Each model as tf.keras 2 writes
/// it (.h5: the value and key as keywords on the query's inbound reference; weights `mha/query/kernel:0`, …) and as
/// Keras 3 does (.keras: args/kwargs nodes; MHA's variables under <c>_query_dense/vars</c>, …).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class AttentionModelTests(ITensorEngine engine)
{
    [TestCase("transformer")]
    [TestCase("cross_attention")]
    [TestCase("attention")]
    [TestCase("causal_attention")]
    public void OutputsMatchTheFloat64Golden(string stem) => GoldenModels.AssertBothFormats(engine, stem);

    /// <summary>The Transformer block declares (None, None, 6): 5 steps and 2 steps run through the same model.</summary>
    [Test]
    public void AnUnknownStepCountTakesAnyLength() => GoldenModels.AssertBothFormats(engine, "transformer", "inputs_short", "outputs_short");

    /// <summary>use_causal_mask=True with the steps None: the lower-triangular mask is sized per call (6 query steps
    /// against 4 value steps, then 4 against 2).</summary>
    [Test]
    public void ACausalMaskIsSizedPerCall() => GoldenModels.AssertBothFormats(engine, "causal_attention", "inputs_short", "outputs_short");
}

/// <summary>How the attention layers read their calls and weights, and what they refuse.</summary>
public sealed class AttentionConfigTests
{
    [TestCase("cross_attention.keras")]
    [TestCase("cross_attention_k2.h5")]
    public void TheCallsTensorsAreReadInQueryValueKeyOrderPositionalOrKeyword(string file)
    {
        KerasGraph g = KerasModel.Load(TestData.Path(file)).Graph;
        Assert.That(g["mha_kw"].Inbound, Is.EqualTo(new[] { "q", "v", "k" }), "called by keyword (Keras 3) / value and key keywords (tf.keras 2)");
        Assert.That(g["mha_pos"].Inbound, Is.EqualTo(new[] { "mha_kw", "v" }));
        Assert.That(g["mha_kw"].OutputShape, Is.EqualTo(new long[] { 5, 5 }));
        Assert.That(g["mha_kw"].ExpectedWeights.Select(w => (w.Name, w.Shape)), Is.EqualTo(new[]
        {
            ("query/kernel", new long[] { 5, 3, 2 }), ("query/bias", new long[] { 3, 2 }),
            ("key/kernel", new long[] { 4, 3, 2 }), ("key/bias", new long[] { 3, 2 }),
            ("value/kernel", new long[] { 3, 3, 4 }), ("value/bias", new long[] { 3, 4 }),
            ("attention_output/kernel", new long[] { 3, 4, 5 }), ("attention_output/bias", new long[] { 5 }),
        }));
        Assert.That(g["mha_pos"].ExpectedWeights.Select(w => w.Name), Is.EqualTo(new[] { "query/kernel", "key/kernel", "value/kernel", "attention_output/kernel" }));
    }

    [Test]
    public void AttentionWeightsAreTheScaleThenTheConcatWeight()
    {
        KerasGraph g = KerasModel.Load(TestData.Path("attention.keras")).Graph;
        Assert.That(g["att_concat"].ExpectedWeights.Select(w => (w.Name, w.Shape)), Is.EqualTo(new[] { ("scale", Array.Empty<long>()), ("concat_score_weight", Array.Empty<long>()) }));
        Assert.That(g["add_scaled"].ExpectedWeights.Select(w => (w.Name, w.Shape)), Is.EqualTo(new[] { ("scale", new long[] { 4 }) }));
        Assert.That(g["add_plain"].ExpectedWeights, Is.Empty);
        Assert.That(g["att_dot"].Inbound, Is.EqualTo(new[] { "q", "v", "k" }));
        Assert.That(g["att_dot"].OutputShape, Is.EqualTo(new long[] { 5, 3 }), "(T_q, the value's features)");
        IReadOnlyDictionary<string, string> d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(g);
        Assert.That(d["att_concat"], Does.StartWith("concat_score_weight * sum(tanh(scale * (q + k)))"));
        d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("transformer.keras")).Graph);
        Assert.That(d["mha"], Does.StartWith("2 heads").And.Contain("1/sqrt(3) before q.k^T"));
    }

    private static string Model(string attention) => $$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 5, 4]}, "inbound_nodes": []},
          { {{{attention}}} }],
          "input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}
        """;

    private const string Mha = "\"class_name\": \"MultiHeadAttention\", \"name\": \"x\", \"config\": {\"name\": \"x\", \"num_heads\": 2, \"key_dim\": 3";
    private const string Tensor = "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 5, 4], \"keras_history\": [\"in\", 0, 0]}}";

    [TestCase(Mha + ", \"attention_axes\": [1]}, \"inbound_nodes\": [[[\"in\", 0, 0, {\"value\": [\"in\", 0, 0]}]]]", "attention_axes=[1]")]
    [TestCase(Mha + ", \"output_shape\": [2, 3]}, \"inbound_nodes\": [[[\"in\", 0, 0, {\"value\": [\"in\", 0, 0]}]]]", "output_shape=[2, 3]")]
    [TestCase(Mha + "}, \"inbound_nodes\": [[[\"in\", 0, 0, {\"value\": [\"in\", 0, 0], \"return_attention_scores\": true}]]]", "return_attention_scores=True")]
    [TestCase(Mha + "}, \"inbound_nodes\": [[[\"in\", 0, 0, {\"value\": [\"in\", 0, 0], \"attention_mask\": [\"in\", 0, 0]}]]]", "attention_mask=<tensor>")]
    [TestCase(Mha + "}, \"inbound_nodes\": [{\"args\": [" + Tensor + "], \"kwargs\": {\"value\": " + Tensor + ", \"query_mask\": " + Tensor + "}}]", "query_mask=<tensor>")]
    [TestCase("\"class_name\": \"Attention\", \"name\": \"x\", \"config\": {\"name\": \"x\"}, \"inbound_nodes\": [{\"args\": [[" + Tensor + ", " + Tensor + "]], \"kwargs\": {\"mask\": [" + Tensor + ", null]}}]", "mask=<tensor>")]
    [TestCase("\"class_name\": \"Attention\", \"name\": \"x\", \"config\": {\"name\": \"x\"}, \"inbound_nodes\": [{\"args\": [[" + Tensor + ", " + Tensor + "]], \"kwargs\": {\"return_attention_scores\": true}}]", "return_attention_scores=True")]
    public void UnsupportedAttentionIsRefusedNamingTheLayerAndArgument(string layerJson, string says)
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(Model(layerJson)));
        Assert.That(e!.Message, Does.Contain("layer `x`").And.Contain(says));
    }

    /// <summary>use_causal_mask=True is a call argument (tf.keras 2: a keyword on the inbound reference; Keras 3: in
    /// kwargs), and tf.keras 2 before 2.10 wrote Attention's config causal=True: each makes the layer causal.</summary>
    [TestCase(Mha + "}, \"inbound_nodes\": [[[\"in\", 0, 0, {\"value\": [\"in\", 0, 0], \"use_causal_mask\": true}]]]")]
    [TestCase(Mha + "}, \"inbound_nodes\": [{\"args\": [" + Tensor + ", " + Tensor + "], \"kwargs\": {\"use_causal_mask\": true, \"query_mask\": null}}]")]
    [TestCase("\"class_name\": \"Attention\", \"name\": \"x\", \"config\": {\"name\": \"x\"}, \"inbound_nodes\": [[[\"in\", 0, 0, {\"use_causal_mask\": true}], [\"in\", 0, 0, {\"use_causal_mask\": true}]]]")]
    [TestCase("\"class_name\": \"AdditiveAttention\", \"name\": \"x\", \"config\": {\"name\": \"x\", \"causal\": true}, \"inbound_nodes\": [[[\"in\", 0, 0, {}], [\"in\", 0, 0, {}]]]")]
    public void UseCausalMaskIsReadFromTheCallOrTheOldConfig(string layerJson)
    {
        LayerSpec spec = KerasGraph.FromJson(Model(layerJson))["x"].Spec;
        Assert.That(spec is MultiHeadAttentionSpec { Causal: true } or AttentionSpec { Causal: true }, spec.ToString());
        LayerSpec plain = KerasGraph.FromJson(Model(layerJson.Replace("\"use_causal_mask\": true", "\"use_causal_mask\": false").Replace("\"causal\": true", "\"causal\": false")))["x"].Spec;
        Assert.That(plain is MultiHeadAttentionSpec { Causal: false } or AttentionSpec { Causal: false }, plain.ToString());
    }

    [Test]
    public void AnAttentionLayerNeedsAQueryAndAValue()
    {
        var e = Assert.Throws<InvalidDataException>(() => KerasGraph.FromJson(Model(
            "\"class_name\": \"Attention\", \"name\": \"x\", \"config\": {\"name\": \"x\"}, \"inbound_nodes\": [[[\"in\", 0, 0, {}]]]")));
        Assert.That(e!.Message, Does.Contain("layer `x` (Attention) must read a query and a value"));
    }

    private static KerasGraph Masked(string className, string config, string kwargs, string? version)
    {
        string inbound = className == "Attention" ? $"[[\"emb\", 0, 0, {kwargs}], [\"emb\", 0, 0, {kwargs}]]" : $"[[\"emb\", 0, 0, {kwargs}]]";
        return KerasGraph.FromJson($$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 5], "dtype": "int32"}, "inbound_nodes": []},
              {"class_name": "Embedding", "name": "emb", "config": {"name": "emb", "input_dim": 10, "output_dim": 4, "mask_zero": true}, "inbound_nodes": [[["in", 0, 0, {}]]]},
              {"class_name": "{{{className}}}", "name": "x", "config": {"name": "x"{{{config}}}}, "inbound_nodes": [{{{inbound}}}]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}
            """, version);
    }

    /// <summary>A mask reaching an attention layer is used by the writer's rule, and refused where the rule is not known:
    /// MultiHeadAttention from tf.keras before 2.10 (which did not read Keras masks there) or an unknown writer;
    /// Attention from a writer known only as "3" (Keras 3.0–3.3 hand on no mask, 3.4+ the query's).</summary>
    [TestCase("MultiHeadAttention", ", \"num_heads\": 1, \"key_dim\": 2", "{\"value\": [\"emb\", 0, 0]}", "2.9.0", "only since 2.10")]
    [TestCase("MultiHeadAttention", ", \"num_heads\": 1, \"key_dim\": 2", "{\"value\": [\"emb\", 0, 0]}", null, "does not say which Keras")]
    [TestCase("Attention", "", "{}", "3", "says only that Keras 3 wrote it")]
    [TestCase("MultiHeadAttention", ", \"num_heads\": 1, \"key_dim\": 2, \"dropout\": 0.1", "{\"value\": [\"emb\", 0, 0]}", "3.10.0", "from Keras 3.10 the Softmax layer")]
    [TestCase("MultiHeadAttention", ", \"num_heads\": 1, \"key_dim\": 2, \"dropout\": 0.1", "{\"value\": [\"emb\", 0, 0]}", "3", "save the model with dropout=0.0")]
    public void AMaskReachingAnAttentionLayerIsRefusedWhereTheRuleIsUnknown(string className, string config, string kwargs, string? version, string says)
    {
        var e = Assert.Throws<NotSupportedException>(() => Masked(className, config, kwargs, version));
        Assert.That(e!.Message, Does.StartWith($"layer `x` ({className}) receives a mask").And.Contain(says));
    }

    [TestCase("MultiHeadAttention", ", \"num_heads\": 1, \"key_dim\": 2", "{\"value\": [\"emb\", 0, 0]}", "3", true)]
    [TestCase("MultiHeadAttention", ", \"num_heads\": 1, \"key_dim\": 2", "{\"value\": [\"emb\", 0, 0]}", "2.10.0", true)]
    [TestCase("MultiHeadAttention", ", \"num_heads\": 1, \"key_dim\": 2, \"dropout\": 0.0", "{\"value\": [\"emb\", 0, 0]}", "3.10.0", true)]
    [TestCase("MultiHeadAttention", ", \"num_heads\": 1, \"key_dim\": 2, \"dropout\": 0.1", "{\"value\": [\"emb\", 0, 0]}", "3.9.2", true)]
    [TestCase("MultiHeadAttention", ", \"num_heads\": 1, \"key_dim\": 2, \"dropout\": 0.1", "{\"value\": [\"emb\", 0, 0]}", "2.15.0", true)]
    [TestCase("Attention", "", "{}", "2.11.0", true)]
    [TestCase("Attention", "", "{}", "3.4.1", true)]
    [TestCase("Attention", "", "{}", "3.3.3", false)]
    public void AMaskReachingAnAttentionLayerIsUsedAndTheQueryMaskHandedOnByRelease(string className, string config, string kwargs, string version, bool handsOn)
    {
        KerasLayer x = Masked(className, config, kwargs, version)["x"];
        Assert.That(x.MaskRole, Is.EqualTo(KerasMaskRole.Attends));
        Assert.That(x.OutputMasked, Is.EqualTo(handsOn));
    }

    /// <summary>Keras 3 records Attention's <c>mask=[None, None]</c> only when no mask arrives, and then runs the call
    /// with that list (Layer.__call__ fills only a None mask): with a mask arriving, such a call is refused; without
    /// the entry (Keras fills it) the mask is used.</summary>
    [TestCase("\"mask\": [null, null], ", true)]
    [TestCase("", false)]
    public void AKeras3AttentionCallRecordingNullMasksIsRefusedWhenAMaskArrives(string maskEntry, bool refused)
    {
        const string T = "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 5, 4], \"keras_history\": [\"emb\", 0, 0]}}";
        string json = $$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_shape": [null, 5], "dtype": "int32"}, "inbound_nodes": []},
              {"class_name": "Embedding", "name": "emb", "config": {"name": "emb", "input_dim": 10, "output_dim": 4, "mask_zero": true},
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 5], "keras_history": ["in", 0, 0]}}], "kwargs": {}}]},
              {"class_name": "Attention", "name": "x", "config": {"name": "x"}, "inbound_nodes": [{"args": [[{{{T}}}, {{{T}}}]], "kwargs": { {{{maskEntry}}}"training": false}}]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}
            """;
        if (!refused)
        {
            Assert.That(KerasGraph.FromJson(json, "3.6.0")["x"].MaskRole, Is.EqualTo(KerasMaskRole.Attends));
            return;
        }
        var e = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json, "3.6.0"));
        Assert.That(e!.Message, Does.StartWith("layer `x` (Attention) receives a mask").And.Contain("mask=[None, …]"));
        Assert.That(KerasGraph.FromJson(json.Replace("\"mask_zero\": true", "\"mask_zero\": false"), "3.6.0")["x"].MaskRole, Is.EqualTo(KerasMaskRole.None),
            "without a mask the recorded nulls are what Keras writes");
    }

    [Test]
    public void TheTorchDescriptionSaysHowTheMasksAreUsed()
    {
        IReadOnlyDictionary<string, string> d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("mask_cross.keras")).Graph);
        Assert.That(d["mha"], Does.Contain("scores kept where query, value and key steps are unmasked"));
        Assert.That(d["att"], Does.Contain("output times the query mask"));
        d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("cross_inputs.keras")).Graph);
        Assert.That(d["mha"], Does.Not.Contain("Keras masks"));
    }
}
