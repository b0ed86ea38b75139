using System.Text.Json.Nodes;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// What <see cref="KerasFunctional"/> writes: layers in Keras's own <c>model.layers</c> order (the order Keras 3 numbers
/// weight groups by), names from one per-class counter across the model as a fresh Keras session gives them, the call
/// format the config reader takes, and clear refusals of misuse naming the argument.
/// </summary>
public sealed class KerasFunctionalTests
{
    private static string[] Names(KerasGraph g) => g.Layers.Select(l => l.Name).ToArray();

    /// <summary>The orders Data/make_keras_order_weights.py computes in Python from the goldens' Keras 3 configs with
    /// keras/src/ops/function.py's walk: deepest first, ties in the order the walk from the outputs meets them — not the
    /// order the layers were made in (q before v_full, da before db, att_dot before att_concat).</summary>
    [Test]
    public void LayersComeInKerassOrderNotTheOrderTheyWereMadeIn()
    {
        Assert.That(Names(FunctionalArchitectures.CrossAttention()), Is.EqualTo(new[] { "x", "v_full", "k", "q", "v", "mha_kw", "mha_pos" }));
        Assert.That(Names(FunctionalArchitectures.Attention()),
            Is.EqualTo(new[] { "x", "q", "v_full", "att_concat", "add_scaled", "v", "k", "add_plain", "att_dot", "att_plain", "out" }));
        Assert.That(Names(FunctionalArchitectures.TwoInputs()), Is.EqualTo(new[] { "seq", "feat", "db", "da", "gap", "cat", "h", "head_b", "per_step", "head_a" }));
        Assert.That(Names(FunctionalArchitectures.Transformer()), Is.EqualTo(new[] { "x", "mha", "add1", "ln1", "ff1", "ff2", "add2", "ln2", "gap", "head" }));
    }

    /// <summary>So a Keras 3 file numbered in another order does not load: attention.keras numbers its Attention groups
    /// in the script's hand order (att_dot first), which no Keras 3 writes for this graph; its Keras-ordered weights file does.</summary>
    [Test]
    public void AKeras3FileNumberedInAnotherOrderIsRefused()
    {
        KerasGraph graph = FunctionalArchitectures.Attention();
        var e = Assert.Throws<InvalidDataException>(() => KerasModel.Load(TestData.Path("attention.keras"), graph));
        Assert.That(e!.Message, Does.Contain("att_concat").And.Contain("layers/attention"));
        Assert.That(KerasModel.Load(TestData.Path("attention_keras_order.weights.h5"), graph).Graph.HasWeights, Is.True);
    }

    /// <summary>A keyword call (mha(query=, value=, key=)) is walked in sorted-name order key, query, value; a positional
    /// one as called. Three Dense branches of one depth come in that walk order, and so take their Keras 3 numbers.</summary>
    [TestCase(false, new[] { "x", "to_q", "to_v", "to_k", "mha" })]
    [TestCase(true, new[] { "x", "to_k", "to_q", "to_v", "mha" })]
    public void AKeywordCallChangesTheWalkOrderOfItsTensors(bool byKeyword, string[] expected)
    {
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol x = f.Input([5, 4], name: "x");
        KerasSymbol q = f.Apply(l => l.Dense(4, name: "to_q"), x), k = f.Apply(l => l.Dense(3, name: "to_k"), x), v = f.Apply(l => l.Dense(2, name: "to_v"), x);
        KerasGraph g = f.Build([f.MultiHeadAttention(2, 3, q, v, key: k, byKeyword: byKeyword, name: "mha")]);
        Assert.That(Names(g), Is.EqualTo(expected));
        Assert.That(g["mha"].Inbound, Is.EqualTo(new[] { "to_q", "to_v", "to_k" }), "the layer still reads [query, value, key]");
        Assert.That(g["mha"].ExpectedWeights[2].Shape, Is.EqualTo(new long[] { 3, 2, 3 }), "the key projection reads the key's 3 features");
    }

    /// <summary>tf.keras 2 records a call's first argument apart from the rest (keras/engine/base_layer.py
    /// <c>_set_connectivity_metadata((inputs,) + args, kwargs, …)</c>, keras/engine/node.py
    /// <c>nest.flatten((call_args, call_kwargs))</c>), so its <c>model.layers</c> walks <c>mha(query=q, value=v, key=k)</c>
    /// as q, then the keywords by name (key, value) — not Keras 3's key, query, value; a positional call is q, v, k in
    /// both. A tf.keras 2 weights file matched by order (<c>load_weights(by_name=False)</c>; its groups named as another
    /// session numbered them) lists three equal-shaped branches in that order, and each must take its own group.</summary>
    [TestCase(true, new[] { "to_q", "to_k", "to_v", "mha" })]
    [TestCase(false, new[] { "to_q", "to_v", "to_k", "mha" })]
    public void ATfKeras2FileMatchedByOrderFollowsTfKeras2sWalkOfAKeywordCall(bool byKeyword, string[] fileOrder)
    {
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol x = f.Input([5, 4], name: "x");
        KerasSymbol q = f.Apply(l => l.Dense(4, name: "to_q"), x), k = f.Apply(l => l.Dense(4, name: "to_k"), x), v = f.Apply(l => l.Dense(4, name: "to_v"), x);
        KerasGraph g = f.Build([f.MultiHeadAttention(2, 2, q, v, key: k, byKeyword: byKeyword, name: "mha")]);
        KerasWeightGroup[] groups = fileOrder.Select((layer, i) => new KerasWeightGroup($"dense_{7 + i}",
            g[layer].ExpectedWeights.Select(e => new KerasWeight($"dense_{7 + i}/{e.Name}", e.Shape,
                Enumerable.Repeat(0.1f * (i + 1), (int)e.Shape.Aggregate(1L, (a, b) => a * b)).ToArray())).ToArray())).ToArray();
        KerasModel model = KerasModel.FromWeights(g, groups, keras3Layout: false, KerasWeightMatching.ByOrder);
        for (int i = 0; i < fileOrder.Length; i++)
            Assert.That(model.Graph[fileOrder[i]].Weights[0], Is.SameAs(groups[i].Weights[0]), $"{fileOrder[i]} takes the file's group {i}");
    }

    /// <summary>One counter per class across the model, Apply's layers included; a MultiHeadAttention takes the next
    /// softmax and dropout names for the sub-layers Keras makes at its first call; a Bidirectional's inner LSTM takes an
    /// lstm name; inputs are tf.keras 2's input_1, input_2.</summary>
    [Test]
    public void NamesFollowKerassPerClassCounters()
    {
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol x = f.Input([4, 6]), y = f.Input([4, 6]);
        KerasSymbol d = f.Apply(l => l.Dense(6), x);
        KerasSymbol m = f.MultiHeadAttention(2, 3, d, y);
        KerasSymbol s = f.Apply(l => l.Softmax().Dropout(0.1), m);
        KerasSymbol sum = f.Add([s, x]);
        KerasSymbol cat = f.Concatenate([sum, f.Apply(l => l.Dense(6), y)]);
        KerasSymbol rnn = f.Apply(l => l.BidirectionalLSTM(3, returnSequences: true).LSTM(2), cat);
        Assert.That(new[] { x, y, d, m, s, sum, cat, rnn }.Select(v => v.Name),
            Is.EqualTo(new[] { "input_1", "input_2", "dense", "multi_head_attention", "dropout_1", "add", "concatenate", "lstm_1" }));
        KerasGraph g = f.Build([rnn]);
        Assert.That(g.Inputs, Is.EqualTo(new[] { "input_1", "input_2" }));
        Assert.That(g["dropout_1"].Inbound, Is.EqualTo(new[] { "softmax_1" }), "Apply chains its layers");
        Assert.That(g["softmax_1"].Inbound, Is.EqualTo(new[] { "multi_head_attention" }));
        Assert.That(g["concatenate"].Inbound, Is.EqualTo(new[] { "add", "dense_1" }));
        Assert.That(g["lstm_1"].Inbound, Is.EqualTo(new[] { "bidirectional" }));
    }

    /// <summary>The config is tf.keras 2's <c>to_json()</c> form: the query the inbound reference with value, key and
    /// use_causal_mask as keywords on it; Attention's list of references; input_layers / output_layers as given.</summary>
    [Test]
    public void TheConfigIsTfKeras2sFunctionalJson()
    {
        KerasFunctional f = KerasArchitecture.Functional(name: "m");
        KerasSymbol q = f.Input([-1, 4], name: "q"), v = f.Input([-1, 3], name: "v");
        KerasSymbol mha = f.MultiHeadAttention(2, 3, q, v, key: v, valueDim: 5, outputShape: 4, useCausalMask: true, name: "mha");
        KerasSymbol att = f.Attention(mha, q, useScale: true, scoreMode: "concat", name: "att");
        JsonNode root = JsonNode.Parse(f.ToJson([att, mha], inputs: [v, q]))!;
        Assert.That(root["class_name"]!.GetValue<string>(), Is.EqualTo("Functional"));
        JsonNode config = root["config"]!;
        Assert.That(config["input_layers"]!.ToJsonString(), Is.EqualTo("""[["v",0,0],["q",0,0]]"""));
        Assert.That(config["output_layers"]!.ToJsonString(), Is.EqualTo("""[["att",0,0],["mha",0,0]]"""));
        JsonNode[] layers = config["layers"]!.AsArray().Select(l => l!).ToArray();
        JsonNode m = layers.Single(l => l["name"]!.GetValue<string>() == "mha");
        Assert.That(m["inbound_nodes"]!.ToJsonString(), Is.EqualTo("""[[["q",0,0,{"value":["v",0,0],"key":["v",0,0],"use_causal_mask":true}]]]"""));
        Assert.That(m["config"]!["value_dim"]!.GetValue<int>(), Is.EqualTo(5));
        JsonNode a = layers.Single(l => l["name"]!.GetValue<string>() == "att");
        Assert.That(a["inbound_nodes"]!.ToJsonString(), Is.EqualTo("""[[["mha",0,0,{}],["q",0,0,{}]]]"""));
        Assert.That(a["config"]!["score_mode"]!.GetValue<string>(), Is.EqualTo("concat"));
        KerasGraph g = f.Build([att, mha], inputs: [v, q]);
        Assert.That(g.Inputs, Is.EqualTo(new[] { "v", "q" }));
        Assert.That(g["mha"].Spec, Is.EqualTo(new MultiHeadAttentionSpec(2, 3, 5, true, 4) { Causal = true }));
        Assert.That(g["mha"].OutputShape, Is.EqualTo(new long[] { -1, 4 }), "(steps, output_shape), the batch axis left out");
    }

    [Test]
    public void ASymbolOfAnotherBuilderIsRefusedNamingTheArgument()
    {
        KerasFunctional f = KerasArchitecture.Functional(name: "first"), g = KerasArchitecture.Functional(name: "second");
        KerasSymbol x = f.Input([3, 4], name: "x"), other = g.Input([3, 4], name: "other");
        var e = Assert.Throws<ArgumentException>(() => f.MultiHeadAttention(2, 3, x, other));
        Assert.That(e!.ParamName, Is.EqualTo("value"));
        Assert.That(e.Message, Does.Contain("`other`, a symbol of another KerasFunctional builder (model `second`)"));
        Assert.That(Assert.Throws<ArgumentException>(() => f.Add([x, other]))!.ParamName, Is.EqualTo("inputs"));
        Assert.That(Assert.Throws<ArgumentException>(() => f.Apply(l => l.Dense(2), other))!.ParamName, Is.EqualTo("input"));
        Assert.That(Assert.Throws<ArgumentException>(() => f.Build([other]))!.ParamName, Is.EqualTo("outputs"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => f.Attention(null!, x))!.ParamName, Is.EqualTo("query"));
    }

    [Test]
    public void InputsAndOutputsThatDoNotConnectAreRefused()
    {
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol a = f.Input([3], name: "a"), b = f.Input([3], name: "b"), c = f.Input([3], name: "c");
        KerasSymbol sum = f.Add([a, b], name: "sum");
        var e = Assert.Throws<ArgumentException>(() => f.Build([]));
        Assert.That(e!.ParamName, Is.EqualTo("outputs"));
        Assert.That(e.Message, Does.Contain("at least one"));
        e = Assert.Throws<ArgumentException>(() => f.Build([sum]));
        Assert.That(e!.Message, Does.Contain("input `c` is read by no layer that leads to the outputs (`sum`)"));
        e = Assert.Throws<ArgumentException>(() => f.Build([sum], inputs: [a]));
        Assert.That(e!.ParamName, Is.EqualTo("inputs"));
        Assert.That(e.Message, Does.Contain("the outputs read input `b`, which argument `inputs` does not list (`a`)"));
        e = Assert.Throws<ArgumentException>(() => f.Build([sum], inputs: [a, sum]));
        Assert.That(e!.Message, Does.Contain("`sum`, the output of a Add layer; a model's inputs are symbols made by Input"));
        e = Assert.Throws<ArgumentException>(() => f.Build([sum], inputs: [a, b, a]));
        Assert.That(e!.Message, Does.Contain("lists `a` twice"));
        Assert.That(f.Build([sum], inputs: [b, a]).Inputs, Is.EqualTo(new[] { "b", "a" }), "an input left out of `inputs` and unread is no error");
    }

    /// <summary>An Apply refused for a name taken (by an earlier layer, or twice in its own chain) adds none of its
    /// layers and takes no number, so the corrected call names its layers as a first call would.</summary>
    [Test]
    public void ARefusedApplyLeavesTheBuilderAsItWas()
    {
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol x = f.Input([3], name: "x");
        var e = Assert.Throws<ArgumentException>(() => f.Apply(l => l.Dense(2).Dense(2, name: "x"), x));
        Assert.That(e!.Message, Does.Contain("already has a layer named `x` (InputLayer), so this Dense cannot take it"));
        e = Assert.Throws<ArgumentException>(() => f.Apply(l => l.Dense(2, name: "a").ReLU(name: "a"), x));
        Assert.That(e!.ParamName, Is.EqualTo("layers"));
        Assert.That(e.Message, Does.Contain("already has a layer named `a` (Dense), so this ReLU cannot take it"));
        KerasSymbol d = f.Apply(l => l.Dense(2, name: "a").Dense(2), x);
        Assert.That(d.Name, Is.EqualTo("dense"));
        Assert.That(Names(f.Build([d])), Is.EqualTo(new[] { "x", "a", "dense" }));
    }

    [Test]
    public void ANameUsedTwiceIsRefused()
    {
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol x = f.Input([3], name: "x");
        KerasSymbol d = f.Apply(l => l.Dense(2, name: "dense"), x);
        var e = Assert.Throws<ArgumentException>(() => f.Apply(l => l.Dense(2), d));
        Assert.That(e!.Message, Does.Contain("already has a layer named `dense` (Dense), so this Dense cannot take it"));
        e = Assert.Throws<ArgumentException>(() => f.Add([x, d], name: "x"));
        Assert.That(e!.ParamName, Is.EqualTo("name"));
        Assert.That(e.Message, Does.Contain("named `x` (InputLayer)"));
    }

    [Test]
    public void ApplysLambdaMisuseIsRefused()
    {
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol x = f.Input([3]);
        var e = Assert.Throws<ArgumentException>(() => f.Apply(l => l, x));
        Assert.That(e!.ParamName, Is.EqualTo("layers"));
        Assert.That(e.Message, Does.Contain("added no layer"));
        e = Assert.Throws<ArgumentException>(() => f.Apply(l => KerasArchitecture.Sequential([3]).Dense(2), x));
        Assert.That(e!.Message, Does.Contain("must return the KerasArchitecture it is given"));
        var io = Assert.Throws<InvalidOperationException>(() => f.Apply(l => { l.Dense(2).Build(); return l; }, x));
        Assert.That(io!.Message, Does.Contain("KerasFunctional.Build(outputs)"));
        KerasArchitecture? kept = null;
        f.Apply(l => kept = l.Dense(2), x);
        io = Assert.Throws<InvalidOperationException>(() => kept!.Dense(3));
        Assert.That(io!.Message, Does.Contain("after that call returned"));
    }

    [Test]
    public void LayerArgumentsAreChecked()
    {
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol x = f.Input([3]), y = f.Input([3]);
        var e = Assert.Throws<ArgumentException>(() => f.Subtract([x, y, x]));
        Assert.That(e!.ParamName, Is.EqualTo("inputs"));
        Assert.That(e.Message, Does.Contain("exactly 2").And.Contain("Received: 3"));
        Assert.That(Assert.Throws<ArgumentException>(() => f.Concatenate([]))!.ParamName, Is.EqualTo("inputs"));
        Assert.That(Assert.Throws<ArgumentException>(() => f.Input([]))!.ParamName, Is.EqualTo("shape"));
        // Shapes are checked by the config reader when built, naming the layer.
        KerasSymbol wide = f.Input([4]);
        var bad = Assert.Throws<InvalidDataException>(() => f.Build([f.Add([x, wide], name: "mismatch")], inputs: [x, wide]));
        Assert.That(bad!.Message, Does.Contain("mismatch"));
    }
}
