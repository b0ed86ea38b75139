namespace CrossBackend.Keras.Tests;

/// <summary>What the port does not compute exactly with a Keras mask is refused at load, naming the layer and why;
/// the mask roles it does compute are reported on each layer.</summary>
public sealed class MaskRefusalTests
{
    /// <summary>A functional model: int tokens (5) → Embedding(mask_zero=True) → the layers given, the last one the output.</summary>
    private static KerasGraph Graph(string layers, string output, string? version = null, string ids = "[null, 5]") => KerasGraph.FromJson($$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": {{{ids}}}, "dtype": "int32"}, "inbound_nodes": []},
          {"class_name": "Embedding", "name": "emb", "config": {"name": "emb", "input_dim": 10, "output_dim": 4, "mask_zero": true}, "inbound_nodes": [[["in", 0, 0, {}]]]},
          {{{layers}}}],
          "input_layers": [["in", 0, 0]], "output_layers": [["{{{output}}}", 0, 0]]}}
        """, version);

    private static string Layer(string className, string name, string config, params string[] inbound) =>
        $$$"""{"class_name": "{{{className}}}", "name": "{{{name}}}", "config": {"name": "{{{name}}}"{{{config}}}}, "inbound_nodes": [[{{{string.Join(", ", inbound.Select(i => $"[\"{i}\", 0, 0, {{}}]"))}}}]]}""";

    [Test]
    public void TheSoftmaxLayerIsRefusedBecauseKerasBroadcastsTheMaskAgainstTheFeatures()
    {
        var e = Assert.Throws<NotSupportedException>(() => Graph(Layer("Dense", "d", ", \"units\": 3", "emb") + ", " + Layer("Softmax", "s", "", "d"), "s", "3"));
        Assert.That(e!.Message, Does.StartWith("layer `s` (Softmax) receives a mask").And.Contain("-1e9").And.Contain("Activation(\"softmax\")"));
    }

    /// <summary>A masked merge takes the rule of the Keras that wrote the file: Keras 2's AND, Keras 3.0–3.3's drop,
    /// Keras 3.4+'s OR (a 3.4 development build may predate the change).</summary>
    [TestCase("2.11.0", KerasMaskRole.MergesAll, true)]
    [TestCase("2.2.4", KerasMaskRole.MergesAll, true)]
    [TestCase("3.0.0", KerasMaskRole.Drops, false)]
    [TestCase("3.3.3", KerasMaskRole.Drops, false)]
    [TestCase("3.4.0", KerasMaskRole.MergesAny, true)]
    [TestCase("3.10.0", KerasMaskRole.MergesAny, true)]
    public void AMaskedMergeTakesItsWritersRule(string version, KerasMaskRole role, bool masked)
    {
        KerasLayer add = Graph(Layer("Dense", "d", ", \"units\": 4", "emb") + ", " + Layer("Add", "a", "", "d", "emb"), "a", version)["a"];
        Assert.That((add.MaskRole, add.OutputMasked), Is.EqualTo((role, masked)));
    }

    /// <summary>Without the writer's full version the rule is unknown: refused, naming the three rules and the fix.</summary>
    [TestCase(null)]
    [TestCase("3")]
    [TestCase("3.4.0.dev2024050803")]
    [TestCase("4.0.0")]
    public void AMaskedMergeOfAnUnknownKerasIsRefused(string? version)
    {
        var e = Assert.Throws<NotSupportedException>(() => Graph(Layer("Dense", "d", ", \"units\": 4", "emb") + ", " + Layer("Concatenate", "c", "", "d", "emb"), "c", version));
        Assert.That(e!.Message, Does.StartWith("layer `c` (Concatenate) receives a mask").And.Contain("Keras 3.4 and later").And.Contain("\"3.6.0\""));
    }

    /// <summary>Merges whose masked inputs differ in rank or broadcast are refused: Keras 3.4+ loses the expanded
    /// inputs' masks and Keras 2 cannot stack them.</summary>
    [Test]
    public void AMaskedMergeOfDifferentShapesIsRefused()
    {
        string pooled = Layer("GlobalAveragePooling1D", "p", "", "emb");
        var rank = Assert.Throws<NotSupportedException>(() => Graph(pooled + ", " + Layer("Multiply", "m", "", "emb", "p"), "m", "3.6.0"));
        Assert.That(rank!.Message, Does.StartWith("layer `m` (Multiply) receives a mask").And.Contain("different ranks"));
        string step = Layer("Reshape", "r", ", \"target_shape\": [1, 4]", "p");
        var broadcast = Assert.Throws<NotSupportedException>(() => Graph(pooled + ", " + step + ", " + Layer("Maximum", "m", "", "emb", "r"), "m", "2.11.0"));
        Assert.That(broadcast!.Message, Does.StartWith("layer `m` (Maximum) receives a mask").And.Contain("broadcast"));
    }

    /// <summary>ZeroPadding1D, Cropping1D, UpSampling1D and Permute set no supports_masking in Keras 3 or tf.keras 2: the
    /// mask stops there (they were refused as unchecked before); standalone Keras before 2.4 raised, so its file is refused.</summary>
    [TestCase("ZeroPadding1D", ", \"padding\": [1, 2]")]
    [TestCase("Cropping1D", ", \"cropping\": [1, 1]")]
    [TestCase("UpSampling1D", ", \"size\": 2")]
    [TestCase("Permute", ", \"dims\": [2, 1]")]
    public void TheReshapingLayersDropTheMask(string className, string config)
    {
        foreach (string version in new[] { "3", "2.11.0" })
        {
            KerasLayer layer = Graph(Layer(className, "r", config, "emb"), "r", version)["r"];
            Assert.That((layer.MaskRole, layer.OutputMasked), Is.EqualTo((KerasMaskRole.Drops, false)), version);
        }
        Assert.That(Assert.Throws<NotSupportedException>(() => Graph(Layer(className, "r", config, "emb"), "r", "2.3.1"))!.Message,
            Does.StartWith($"layer `r` ({className}) receives a mask").And.Contain("does not support masking"));
    }

    /// <summary>Conv2D, the 2-D poolings, ZeroPadding2D, Cropping2D and UpSampling2D over a (batch, 5, 3) mask (Embedding
    /// of (5, 3) ids): no supports_masking in Keras 3's BaseConv / BasePooling / reshaping layers or tf.keras 2's, so the
    /// mask stops there (refused as unchecked before).</summary>
    [TestCase("Conv2D", ", \"filters\": 2, \"kernel_size\": [2, 2]")]
    [TestCase("MaxPooling2D", ", \"pool_size\": [2, 2]")]
    [TestCase("AveragePooling2D", ", \"pool_size\": [2, 1], \"padding\": \"same\"")]
    [TestCase("ZeroPadding2D", ", \"padding\": [[1, 0], [0, 2]]")]
    [TestCase("Cropping2D", ", \"cropping\": [[1, 0], [0, 1]]")]
    [TestCase("UpSampling2D", ", \"size\": [2, 2]")]
    public void TheTwoDimensionalLayersDropTheMask(string className, string config)
    {
        KerasLayer layer = Graph(Layer(className, "c", config, "emb"), "c", "3.6.0", "[null, 5, 3]")["c"];
        Assert.That((layer.MaskRole, layer.OutputMasked), Is.EqualTo((KerasMaskRole.Drops, false)));
    }

    /// <summary>The layers whose mask rule was read last (they were refused as unchecked before): none sets
    /// supports_masking, overrides compute_mask or takes a mask in call in Keras 3 (keras/src/layers/pooling/
    /// base_global_pooling.py, global_{average,max}_pooling{2,3}d.py; convolutional/base_depthwise_conv.py,
    /// base_separable_conv.py, base_conv_transpose.py; reshaping/{zero_padding,cropping,up_sampling}3d.py) or tf.keras 2
    /// (keras/layers/pooling/base_global_pooling{2,3}d.py; convolutional/base_depthwise_conv.py and
    /// base_separable_conv.py over base_conv.py's Conv, conv{1,2,3}d_transpose.py over Conv1D/2D/3D; reshaping/*3d.py), so
    /// both drop the mask; standalone Keras before 2.4 raised, and an unknown writer is refused. The ids' shape gives the
    /// layer its rank: (5) for the 1-D layers, (5, 3) for the 2-D ones, (2, 3, 4) for the 3-D ones.</summary>
    [TestCase("GlobalAveragePooling2D", "", "[null, 5, 3]")]
    [TestCase("GlobalMaxPooling2D", ", \"keepdims\": true", "[null, 5, 3]")]
    [TestCase("GlobalAveragePooling3D", "", "[null, 2, 3, 4]")]
    [TestCase("GlobalMaxPooling3D", "", "[null, 2, 3, 4]")]
    [TestCase("ZeroPadding3D", ", \"padding\": [[1, 0], [0, 1], [1, 1]]", "[null, 2, 3, 4]")]
    [TestCase("Cropping3D", ", \"cropping\": [[0, 1], [1, 0], [1, 1]]", "[null, 2, 3, 4]")]
    [TestCase("UpSampling3D", ", \"size\": [2, 1, 2]", "[null, 2, 3, 4]")]
    [TestCase("Conv3DTranspose", ", \"filters\": 2, \"kernel_size\": [2, 2, 2], \"strides\": [2, 1, 1]", "[null, 2, 3, 4]")]
    [TestCase("DepthwiseConv2D", ", \"kernel_size\": [2, 2], \"depth_multiplier\": 2", "[null, 5, 3]")]
    [TestCase("SeparableConv2D", ", \"filters\": 3, \"kernel_size\": [2, 2], \"padding\": \"same\"", "[null, 5, 3]")]
    [TestCase("Conv2DTranspose", ", \"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [2, 2]", "[null, 5, 3]")]
    [TestCase("DepthwiseConv1D", ", \"kernel_size\": [3], \"padding\": \"same\"", "[null, 5]")]
    [TestCase("SeparableConv1D", ", \"filters\": 3, \"kernel_size\": [2]", "[null, 5]")]
    [TestCase("Conv1DTranspose", ", \"filters\": 2, \"kernel_size\": [3], \"strides\": [2]", "[null, 5]")]
    public void TheGlobalPoolingsThreeDimensionalReshapingAndOtherConvolutionsDropTheMask(string className, string config, string ids)
    {
        foreach (string version in new[] { "3", "3.6.0", "2.11.0", "2.2.4-tf" })
        {
            KerasLayer layer = Graph(Layer(className, "c", config, "emb"), "c", version, ids)["c"];
            Assert.That((layer.MaskRole, layer.OutputMasked), Is.EqualTo((KerasMaskRole.Drops, false)), version);
        }
        Assert.That(Assert.Throws<NotSupportedException>(() => Graph(Layer(className, "c", config, "emb"), "c", "2.3.1", ids))!.Message,
            Does.StartWith($"layer `c` ({className}) receives a mask").And.Contain("Keras 2.3.1").And.Contain("does not support masking"));
        Assert.That(Assert.Throws<NotSupportedException>(() => Graph(Layer(className, "c", config, "emb"), "c", null, ids))!.Message,
            Does.StartWith($"layer `c` ({className}) receives a mask").And.Contain("does not say which Keras wrote it"));
    }

    /// <summary>SpatialDropout2D/3D subclass Dropout (Keras 3 keras/src/layers/regularization/spatial_dropout.py's
    /// BaseSpatialDropout(Dropout); tf.keras 2 keras/layers/regularization/spatial_dropout{2,3}d.py), and BatchNormalization
    /// and LayerNormalization set supports_masking: all hand the (batch, 5, 3) or (batch, 2, 3, 4) mask on, whoever wrote
    /// the file.</summary>
    [TestCase("SpatialDropout2D", ", \"rate\": 0.3", "[null, 5, 3]")]
    [TestCase("SpatialDropout3D", ", \"rate\": 0.3", "[null, 2, 3, 4]")]
    [TestCase("BatchNormalization", "", "[null, 5, 3]")]
    [TestCase("LayerNormalization", "", "[null, 2, 3, 4]")]
    public void TheSpatialDropoutsAndNormalizationsPassTheMask(string className, string config, string ids)
    {
        foreach (string? version in new[] { "3", "2.11.0", "2.3.1", null })
        {
            KerasLayer layer = Graph(Layer(className, "c", config, "emb"), "c", version, ids)["c"];
            Assert.That((layer.MaskRole, layer.OutputMasked), Is.EqualTo((KerasMaskRole.PassesThrough, true)), version ?? "unknown");
        }
    }

    /// <summary>An Embedding without mask_zero after a mask hands none on (its compute_mask returns None in every Keras);
    /// one with mask_zero makes its own.</summary>
    [Test]
    public void AnEmbeddingAfterAMaskDropsItOrMakesItsOwn()
    {
        string Embedding(bool maskZero) => Layer("Embedding", "e2", $", \"input_dim\": 10, \"output_dim\": 2, \"mask_zero\": {(maskZero ? "true" : "false")}", "emb");
        KerasLayer plain = Graph(Embedding(false), "e2", "3")["e2"], masking = Graph(Embedding(true), "e2", "3")["e2"];
        Assert.That((plain.MaskRole, plain.OutputMasked), Is.EqualTo((KerasMaskRole.Drops, false)));
        Assert.That((masking.MaskRole, masking.OutputMasked), Is.EqualTo((KerasMaskRole.Produces, true)));
    }

    private static string TimeDistributed(string className, string config) =>
        Layer("TimeDistributed", "t", $", \"layer\": {{\"class_name\": \"{className}\", \"config\": {{\"name\": \"i\"{config}}}}}", "emb");

    /// <summary>TimeDistributed around a layer with masking support hands the mask on under every writer (Keras 3: no
    /// compute_mask of its own; Keras 2: the inner compute_mask returns it); before, a mask reaching it was refused.</summary>
    [TestCase("3")]
    [TestCase("2.11.0")]
    [TestCase("2.2.4")]
    [TestCase(null)]
    public void TimeDistributedAroundAMaskingLayerPassesTheMask(string? version)
    {
        foreach ((string cls, string config) in new[] { ("Dense", ", \"units\": 3"), ("Dropout", ", \"rate\": 0.1"), ("Activation", ", \"activation\": \"tanh\"") })
        {
            KerasLayer t = Graph(TimeDistributed(cls, config), "t", version)["t"];
            Assert.That((t.MaskRole, t.OutputMasked), Is.EqualTo((KerasMaskRole.PassesThrough, true)), cls);
        }
    }

    /// <summary>Around a layer without masking support (a Conv1D over (batch, 5, 3, 4)): Keras 3 hands the mask on
    /// unchanged, built where it still fits the output ("same") and refused where it does not ("valid" shortens the
    /// steps); tf.keras 2's compute_mask raises there, so a Keras 2 file is refused, and so is an unknown writer.</summary>
    [Test]
    public void TimeDistributedAroundAConvolutionFollowsTheWritersRule()
    {
        string Conv(string padding) => TimeDistributed("Conv1D", $", \"filters\": 2, \"kernel_size\": [2], \"padding\": \"{padding}\"");
        KerasLayer same = Graph(Conv("same"), "t", "3.6.0", "[null, 5, 3]")["t"];
        Assert.That((same.MaskRole, same.OutputMasked), Is.EqualTo((KerasMaskRole.PassesThrough, true)));
        Assert.That(Assert.Throws<NotSupportedException>(() => Graph(Conv("valid"), "t", "3.6.0", "[null, 5, 3]"))!.Message,
            Does.StartWith("layer `t` (TimeDistributed) receives a mask").And.Contain("(batch, 5, 3)").And.Contain("(batch, 5, 2)"));
        Assert.That(Assert.Throws<NotSupportedException>(() => Graph(Conv("same"), "t", "2.11.0", "[null, 5, 3]"))!.Message,
            Does.Contain("Keras 2.11.0").And.Contain("does not support masking"));
        Assert.That(Assert.Throws<NotSupportedException>(() => Graph(Conv("same"), "t", null, "[null, 5, 3]"))!.Message,
            Does.Contain("does not say which Keras wrote it"));
    }

    /// <summary>GlobalAveragePooling1D's call takes a mask, and Keras hands the wrapped one the step's (batch,) slice of the
    /// (batch, time) mask, which it cannot expand: refused.</summary>
    [Test]
    public void TimeDistributedAroundAMaskUsingLayerIsRefused()
    {
        var e = Assert.Throws<NotSupportedException>(() => Graph(TimeDistributed("GlobalAveragePooling1D", ""), "t", "3", "[null, 5, 3]"));
        Assert.That(e!.Message, Does.StartWith("layer `t` (TimeDistributed) receives a mask").And.Contain("expand_dims"));
    }

    /// <summary>Bidirectional takes a mask (both halves), and hands it on only with return_sequences (compute_mask).</summary>
    [Test]
    public void BidirectionalUsesTheMask()
    {
        string Lstm(bool sequences) => $"{{\"class_name\": \"LSTM\", \"config\": {{\"name\": \"l\", \"units\": 3, \"return_sequences\": {(sequences ? "true" : "false")}}}}}";
        KerasLayer last = Graph(Layer("Bidirectional", "b", $", \"layer\": {Lstm(false)}, \"merge_mode\": \"concat\"", "emb"), "b", "3")["b"];
        Assert.That((last.MaskRole, last.OutputMasked), Is.EqualTo((KerasMaskRole.Recurrent, false)));
        KerasLayer sequence = Graph(Layer("Bidirectional", "b", $", \"layer\": {Lstm(true)}, \"merge_mode\": \"sum\"", "emb"), "b", "3")["b"];
        Assert.That((sequence.MaskRole, sequence.OutputMasked), Is.EqualTo((KerasMaskRole.Recurrent, true)));
    }

    /// <summary>Bidirectional sets zero_output_for_mask = return_sequences on both halves, so an unrolled one returning
    /// sequences meets the unrolled backward corner below (refused); without return_sequences it is built.</summary>
    [Test]
    public void AnUnrolledBidirectionalReturningSequencesIsRefused()
    {
        string Bi(bool sequences) => Layer("Bidirectional", "b",
            $", \"layer\": {{\"class_name\": \"SimpleRNN\", \"config\": {{\"name\": \"r\", \"units\": 3, \"unroll\": true, \"return_sequences\": {(sequences ? "true" : "false")}}}}}, \"merge_mode\": \"concat\"", "emb");
        var e = Assert.Throws<NotSupportedException>(() => Graph(Bi(true), "b", "3"));
        Assert.That(e!.Message, Does.StartWith("layer `b` (Bidirectional) receives a mask").And.Contain("zero_output_for_mask=True").And.Contain("unroll=False"));
        Assert.That(Graph(Bi(false), "b", "3")["b"].MaskRole, Is.EqualTo(KerasMaskRole.Recurrent));
    }

    /// <summary>keras/src/backend/tensorflow/rnn.py's unrolled loop zeroes its reversed outputs with the unreversed
    /// mask; that corner is refused, the same layer without unroll is built.</summary>
    [Test]
    public void AnUnrolledBackwardLayerZeroingMaskedOutputsIsRefused()
    {
        string Lstm(bool unroll) => Layer("LSTM", "l", $", \"units\": 3, \"return_sequences\": true, \"go_backwards\": true, \"zero_output_for_mask\": true, \"unroll\": {(unroll ? "true" : "false")}", "emb");
        var e = Assert.Throws<NotSupportedException>(() => Graph(Lstm(true), "l", "3"));
        Assert.That(e!.Message, Does.StartWith("layer `l` (LSTM) receives a mask").And.Contain("unroll=False"));
        Assert.That(Graph(Lstm(false), "l", "3")["l"].MaskRole, Is.EqualTo(KerasMaskRole.Recurrent));
    }

    /// <summary>Keras 3 and tf.keras 2 drop the mask at GlobalMaxPooling1D; standalone Keras before 2.4 raised there
    /// (Layer.__call__ called compute_mask): the writer's version decides.</summary>
    [TestCase("3")]
    [TestCase("2.11.0")]
    [TestCase("2.2.4-tf")]
    public void ALayerWithoutMaskingSupportDropsTheMaskInTfKerasAndKeras3(string version) =>
        Assert.That(Graph(Layer("GlobalMaxPooling1D", "p", "", "emb"), "p", version)["p"].MaskRole, Is.EqualTo(KerasMaskRole.Drops));

    [Test]
    public void StandaloneKerasBefore24RaisedThereSoItsFileIsRefused()
    {
        string pool = Layer("GlobalMaxPooling1D", "p", "", "emb");
        Assert.That(Assert.Throws<NotSupportedException>(() => Graph(pool, "p", "2.3.1"))!.Message,
            Does.StartWith("layer `p` (GlobalMaxPooling1D) receives a mask").And.Contain("Keras 2.3.1").And.Contain("does not support masking"));
        Assert.That(Assert.Throws<NotSupportedException>(() => Graph(pool, "p"))!.Message, Does.Contain("does not say which Keras wrote it"));
    }

    /// <summary>The roles the port computes: the mask passes Dense, stops at an LSTM without return_sequences, and a
    /// layer without a masked input has none.</summary>
    [Test]
    public void EachLayerReportsWhatItDoesWithTheMask()
    {
        KerasGraph graph = Graph(Layer("Dense", "d", ", \"units\": 4", "emb") + ", " + Layer("LSTM", "l", ", \"units\": 2", "d") + ", " +
                                 Layer("Dense", "o", ", \"units\": 1", "l"), "o", "3");
        Assert.That(new[] { "in", "emb", "d", "l", "o" }.Select(n => (graph[n].MaskRole, graph[n].OutputMasked)), Is.EqualTo(new[]
        {
            (KerasMaskRole.None, false), (KerasMaskRole.Produces, true), (KerasMaskRole.PassesThrough, true),
            (KerasMaskRole.Recurrent, false), (KerasMaskRole.None, false),
        }));
    }
}
