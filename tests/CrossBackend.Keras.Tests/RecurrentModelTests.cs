namespace CrossBackend.Keras.Tests;

/// <summary>
/// LSTM and GRU in whole files on every engine against float64 NumPy goldens (Data/make_recurrent_models.py, its cells
/// checked against real PyTorch 1.13 nn.LSTM / nn.GRU): stacked LSTM → GRU (reset_after=True) → Dense with the timestep
/// count None in the file (two lengths predicted), GRU reset_after=False with go_backwards and returned sequences into
/// an LSTM with go_backwards, no bias, softsign and hard_sigmoid (tf.keras 2's and Keras 3's, each file its own),
/// Embedding → LSTM, and the LSTM-only lstm_k2.h5. Each model as tf.keras 2 writes it (.h5, variables
/// <c>lstm/lstm_cell/kernel:0</c>) and as Keras 3 does (.keras, variables under <c>layers/lstm/cell/vars</c>).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class RecurrentModelTests(ITensorEngine engine)
{
    [TestCase("rnn_stack")]
    [TestCase("rnn_embed")]
    public void OutputsMatchTheFloat64Golden(string stem)
    {
        GoldenModels.AssertBothFormats(engine, stem);
    }

    /// <summary>The file declares (None, None, 3): 6 steps and 3 steps run through the same model.</summary>
    [Test]
    public void AnUnknownTimestepCountTakesAnyLength()
    {
        GoldenModels.AssertBothFormats(engine, "rnn_stack", "inputs_short", "outputs_short");
    }

    /// <summary>hard_sigmoid is clip(0.2x + 0.5, 0, 1) in the tf.keras 2 file and clip(x/6 + 1/2, 0, 1) in the Keras 3 one
    /// (the goldens differ by 0.019); the rest of the options are the same in both.</summary>
    [Test]
    public void GoBackwardsResetBeforeAndTheWritersHardSigmoidMatchTheGolden()
    {
        GoldenModels.AssertFile(engine, "rnn_options.keras", "rnn_options_golden.npz");
        GoldenModels.AssertFile(engine, "rnn_options_k2.h5", "rnn_options_golden.npz", outputsKey: "outputs_k2");
    }

    /// <summary>Was refused (no engine built LSTM) until session 52; the golden reads its weights back from the file.</summary>
    [Test]
    public void TheLstmOnlyKeras2FileNowPredicts() => GoldenModels.AssertFile(engine, "lstm_k2.h5", "lstm_k2_golden.npz");

    /// <summary>A weights file loaded into an architecture written in C#: the layers' default names (lstm, gru, dense)
    /// match the file's groups.</summary>
    [Test]
    public void AnArchitectureBuiltInCSharpTakesTheWeights()
    {
        KerasGraph architecture = KerasArchitecture.Sequential([-1, 3]).LSTM(4, returnSequences: true).GRU(5).Dense(2).Build();
        GoldenModels.AssertFile(engine, "rnn_stack_k2.h5", "rnn_stack_golden.npz", architecture: architecture);
    }

    [Test]
    public void ASequenceWithoutTimestepsIsRefusedNamingTheLayer()
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("rnn_stack.keras")), engine);
        var e = Assert.Throws<ArgumentException>(() => network.Predict(Array.Empty<float>(), [2, 0, 3]));
        Assert.That(e!.Message, Does.StartWith("layer `lstm` (LSTM) receives a sequence of 0 timesteps; it needs at least one"));
    }
}
