namespace CrossBackend.Keras.Tests;

/// <summary>
/// SimpleRNN and masks through Bidirectional in whole files on every engine against float64 NumPy goldens
/// (Data/make_rnn_conv1d_models.py; its SimpleRNN cell checked against real PyTorch 1.13 nn.RNN(tanh), bidirectional
/// against nn.RNN(bidirectional=True), the masked cell against nn.RNN on each row's unmasked steps alone):
/// SimpleRNN sequences (one go_backwards, softsign, no bias) → Bidirectional(SimpleRNN) → Dense with the time axis None;
/// Embedding(mask_zero=True) → Bidirectional(LSTM, return_sequences, concat) → Bidirectional(GRU, return_sequences, sum)
/// → Dense on every step; Embedding(mask_zero=True) → SimpleRNN → Bidirectional(SimpleRNN, last output, ave) → Dense.
/// Masked inputs are padded at the end, in the middle and at the start, one row has none and one is fully masked. Each
/// model as tf.keras 2 writes it (.h5, <c>simple_rnn/simple_rnn_cell/kernel:0</c>) and as Keras 3 does (.keras,
/// <c>layers/simple_rnn/cell/vars</c>).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class SimpleRnnModelTests(ITensorEngine engine)
{
    [TestCase("simple_rnn")]
    [TestCase("mask_bidir")]
    [TestCase("mask_simple_rnn")]
    public void OutputsMatchTheFloat64Golden(string stem) => GoldenModels.AssertBothFormats(engine, stem);

    /// <summary>The file declares (None, None, 3): 5 steps and 2 steps run through the same model.</summary>
    [Test]
    public void AnUnknownTimestepCountTakesAnyLength() => GoldenModels.AssertBothFormats(engine, "simple_rnn", "inputs_short", "outputs_short");

    /// <summary>The weights of simple_rnn_k2.h5 loaded into its architecture written in C#: the default names
    /// (simple_rnn, simple_rnn_1, bidirectional, dense) match the file's groups, the softsign, bias-free, go_backwards
    /// layer and the wrapped SimpleRNN included; both lengths run.</summary>
    [Test]
    public void AnArchitectureBuiltInCSharpTakesTheWeights()
    {
        KerasGraph architecture = KerasArchitecture.Sequential([-1, 3])
            .SimpleRNN(4, returnSequences: true)
            .SimpleRNN(3, "softsign", useBias: false, returnSequences: true, goBackwards: true)
            .BidirectionalSimpleRNN(3).Dense(2).Build();
        GoldenModels.AssertFile(engine, "simple_rnn_k2.h5", "simple_rnn_golden.npz", architecture: architecture);
        GoldenModels.AssertFile(engine, "simple_rnn_k2.h5", "simple_rnn_golden.npz", "inputs_short", "outputs_short", architecture);
    }

    /// <summary>Bidirectional forces zero_output_for_mask = return_sequences on both halves (the files' configs say
    /// False or nothing): every masked step of mask_bidir outputs zeros from both halves, so the Dense after it gives
    /// exactly its bias there, while an unmasked step does not.</summary>
    [Test]
    public void BidirectionalZeroesMaskedStepsOfItsSequence()
    {
        KerasModel model = KerasModel.Load(TestData.Path("mask_bidir_k2.h5"));
        var inputs = TestData.Npz("mask_bidir_golden.npz", "inputs");
        double[] bias = model.Graph["dense"].Weights[1].ToDoubleArray();
        using IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64);
        double[] y = network.Predict(inputs.Data, inputs.Shape).Values;
        double[] ids = TestData.Doubles(inputs);
        int checkedSteps = 0;
        for (int step = 0; step < ids.Length; step++)
        {
            bool atBias = y[2 * step] == bias[0] && y[2 * step + 1] == bias[1];
            Assert.That(atBias, Is.EqualTo(ids[step] == 0), $"{engine.Name} step {step} (id {ids[step]})");
            checkedSteps += ids[step] == 0 ? 1 : 0;
        }
        Assert.That(checkedSteps, Is.GreaterThan(7), "the golden has padded steps and a fully masked row");
    }
}
