namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras masks in whole files on every engine against float64 NumPy goldens (Data/make_mask_models.py, its masked
/// LSTM / GRU loops checked against real PyTorch 1.13 run on each row's unmasked steps alone): Embedding(mask_zero=True)
/// → LSTM → GRU → Dense; Embedding → Dense → GRU go_backwards → LSTM zero_output_for_mask returning its sequence;
/// Embedding → Dense → BatchNormalization → Dropout → GlobalAveragePooling1D → Dense; Masking(0.3) → LSTM → Dense.
/// Each input has padding at the end, in the middle and at the start, a row without padding and (but for the
/// pooling golden) a fully masked row; each model as tf.keras 2 writes it (.h5) and as Keras 3 does (.keras).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class MaskModelTests(ITensorEngine engine)
{
    /// <summary>A masked step keeps the states; a fully masked row leaves them zero (the Dense then gives its bias).</summary>
    [TestCase("mask_rnn")]
    [TestCase("mask_masking")]
    [TestCase("mask_pool")]
    public void OutputsMatchTheFloat64Golden(string stem)
    {
        GoldenModels.AssertBothFormats(engine, stem);
    }

    /// <summary>A returned sequence: the GRU (go_backwards) repeats its previous output at masked steps and hands the
    /// LSTM the mask unreversed beside its reversed sequence; the LSTM (zero_output_for_mask=True) outputs zeros there.</summary>
    [Test]
    public void AMaskedSequenceRepeatsOrZeroesItsMaskedSteps()
    {
        GoldenModels.AssertBothFormats(engine, "mask_seq");
        double[] golden = TestData.Doubles(TestData.Npz("mask_seq_golden.npz", "outputs"));
        // Row 0's ids are [3, 5, 1, 0, 0, 0]: its last three steps are masked, so zeros with zero_output_for_mask.
        Assert.That(golden.Skip(6).Take(6), Is.All.EqualTo(0.0));
    }

    /// <summary>A weights file loaded into an architecture written in C#: <c>Embedding(maskZero: true)</c> and
    /// <c>Masking(0.3)</c> build the same masked models (0.3 compared as the float32 layer holds it).</summary>
    [Test]
    public void AnArchitectureBuiltInCSharpCarriesTheMask()
    {
        KerasGraph tokens = KerasArchitecture.Sequential([7], dtype: "int32").Embedding(10, 4, maskZero: true)
            .LSTM(5, returnSequences: true).GRU(4).Dense(3).Build();
        KerasGraph floats = KerasArchitecture.Sequential([5, 3]).Masking(0.3).LSTM(4).Dense(2).Build();
        foreach ((KerasGraph graph, string stem) in new[] { (tokens, "mask_rnn"), (floats, "mask_masking") })
            GoldenModels.AssertFile(engine, $"{stem}_k2.h5", $"{stem}_golden.npz", architecture: graph);
    }

    /// <summary>The README's worked example: the tokens [3, 5, 1, 7] padded at the end, at the start or between them give
    /// the same numbers (a masked step keeps the states, and zero states before the first token are the initial ones),
    /// the golden's row 0: [−0.17190384, −1.35021348, 0.51407939].</summary>
    [Test]
    public void WherePaddingSitsDoesNotChangeTheResult()
    {
        int[] ids = [3, 5, 1, 7, 0, 0, 0, /**/ 0, 0, 0, 3, 5, 1, 7, /**/ 3, 0, 5, 0, 1, 0, 7];
        double[] golden = TestData.Doubles(TestData.Npz("mask_rnn_golden.npz", "outputs"))[..3];
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("mask_rnn.keras")), engine, dtype);
            double[] values = network.Predict(ids, [3, 7]).Values;
            Assert.That(values[3..6], Is.EqualTo(values[..3]), $"{dtype}: padding at the start");
            Assert.That(values[6..], Is.EqualTo(values[..3]), $"{dtype}: padding between the tokens");
            Close.Assert(values[..3], golden, $"{engine.Name} {dtype}");
        }
    }

    /// <summary>GlobalAveragePooling1D divides the masked sum by the unmasked count with no guard: a fully masked row
    /// is 0/0, NaN, in Keras, and so here; the other row of the batch is unaffected.</summary>
    [Test]
    public void AFullyMaskedRowAveragesToNaNAsInKeras()
    {
        var inputs = TestData.Npz("mask_pool_golden.npz", "inputs_empty");
        double[] golden = TestData.Doubles(TestData.Npz("mask_pool_golden.npz", "outputs_empty"));
        foreach (string file in new[] { "mask_pool.keras", "mask_pool_k2.h5" })
            foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
            {
                using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path(file)), engine, dtype);
                double[] values = network.Predict(inputs.Data, inputs.Shape).Values;
                Assert.That(values.Take(2), Is.All.NaN, $"{file} {dtype}: the fully masked row");
                Close.Assert(values[2..], golden[2..], $"{engine.Name} {file} {dtype}: the other row");
            }
    }

    /// <summary>Keras 3 and tf.keras 2 drop a mask at a layer without masking support (Conv1D): both files predict the
    /// unmasked numbers, and GlobalMaxPooling1D after it takes the max over every step, padding included.</summary>
    [Test]
    public void TheMaskIsDroppedAtAConvolution()
    {
        GoldenModels.AssertBothFormats(engine, "mask_dropped");
    }
}
