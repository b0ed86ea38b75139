namespace CrossBackend.Keras.Tests;

/// <summary>
/// The functional goldens' architectures written in C# (<see cref="FunctionalArchitectures"/>) take the files' weights —
/// a tf.keras 2 <c>.h5</c> by layer name, a Keras 3 file by the per-class group numbers Keras 3 gives in its own layer
/// order — and give the float64 goldens on every runtime. The Keras 3 files of two_inputs, cross_attention and
/// attention are `_keras_order.weights.h5` (Data/make_keras_order_weights.py): their `.keras` archives number the
/// groups in a hand-written layer order a real Keras 3 would not use.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class FunctionalArchitectureModelTests(ITensorEngine engine)
{
    [Test]
    public void FunctionalTakesTheKeras2AndKeras3Weights()
    {
        KerasGraph graph = FunctionalArchitectures.Functional();
        foreach (string file in new[] { "functional_k2.h5", "functional.weights.h5", "functional.keras" })
            GoldenModels.AssertFile(engine, file, "functional_golden.npz", architecture: graph);
    }

    /// <summary>With every name left to Keras's numbering (conv2d, batch_normalization, re_lu, …) the Keras 3 files still
    /// load: Keras 3 addresses groups by class and order, never by the layers' own names.</summary>
    [Test]
    public void FunctionalWithKerassOwnNamesTakesTheKeras3Weights()
    {
        KerasGraph graph = FunctionalArchitectures.Functional(named: false);
        GoldenModels.AssertFile(engine, "functional.weights.h5", "functional_golden.npz", architecture: graph);
    }

    [Test]
    public void TransformerTakesBothFormats()
    {
        KerasGraph graph = FunctionalArchitectures.Transformer();
        foreach (string file in new[] { "transformer_k2.h5", "transformer.keras" })
        {
            GoldenModels.AssertFile(engine, file, "transformer_golden.npz", architecture: graph);
            GoldenModels.AssertFile(engine, file, "transformer_golden.npz", "inputs_short", "outputs_short", graph);
        }
    }

    [TestCase("cross_attention")]
    [TestCase("attention")]
    public void AttentionModelsTakeBothFormats(string stem)
    {
        KerasGraph graph = stem == "attention" ? FunctionalArchitectures.Attention() : FunctionalArchitectures.CrossAttention();
        foreach (string file in new[] { $"{stem}_k2.h5", $"{stem}_keras_order.weights.h5" })
            GoldenModels.AssertFile(engine, file, $"{stem}_golden.npz", architecture: graph);
    }

    /// <summary>use_causal_mask written by the builder as a call keyword: without it the numbers would read future steps.</summary>
    [Test]
    public void CausalAttentionTakesBothFormats()
    {
        KerasGraph graph = FunctionalArchitectures.CausalAttention();
        foreach (string file in new[] { "causal_attention_k2.h5", "causal_attention.keras" })
        {
            GoldenModels.AssertFile(engine, file, "causal_attention_golden.npz", architecture: graph);
            GoldenModels.AssertFile(engine, file, "causal_attention_golden.npz", "inputs_short", "outputs_short", graph);
        }
    }

    [Test]
    public void TwoInputsTakesBothFormats()
    {
        KerasGraph graph = FunctionalArchitectures.TwoInputs();
        foreach (string file in new[] { "two_inputs_k2.h5", "two_inputs_keras_order.weights.h5" })
            MultiGoldenModels.AssertFile(engine, file, "two_inputs_golden.npz", architecture: graph);
    }

    [TestCase("")]
    [TestCase("short_")]
    public void CrossInputsTakesBothFormats(string prefix)
    {
        KerasGraph graph = FunctionalArchitectures.CrossInputs();
        foreach (string file in new[] { "cross_inputs_k2.h5", "cross_inputs.keras" })
            MultiGoldenModels.AssertFile(engine, file, "cross_inputs_golden.npz", prefix, graph);
    }
}
