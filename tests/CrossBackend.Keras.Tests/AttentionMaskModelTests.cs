namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras masks (Embedding(mask_zero=True)) reaching MultiHeadAttention, Attention and AdditiveAttention, in whole files
/// on every engine against float64 NumPy goldens (Data/make_attention_mask_models.py; the reference checked against
/// Keras's float32 −1e9 form and real PyTorch 1.13 nn.MultiheadAttention with key_padding_mask / attn_mask): a masked
/// self-attention → Add → causal self-attention → masked GlobalAveragePooling1D → Dense (mask_mha), and two token
/// inputs with their own Embedding(mask_zero) into cross MultiHeadAttention (with a key), Attention and
/// AdditiveAttention, then a masked mean of Attention's output (mask_cross). Padding at the end, in the middle, at the
/// start, a fully masked value; each model as tf.keras 2.11 writes it (.h5) and as Keras 3.6 does (.keras), and
/// mask_cross as Keras 3.3.3 (whose Attention hands on no mask, so the mean runs over every step).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class AttentionMaskModelTests(ITensorEngine engine)
{
    [TestCase("mask_mha")]
    [TestCase("mask_cross")]
    public void OutputsMatchTheFloat64GoldenInBothFormats(string stem)
    {
        foreach (string file in new[] { $"{stem}.keras", $"{stem}_k2.h5" })
            MultiGoldenModels.AssertFile(engine, file, $"{stem}_golden.npz");
    }

    /// <summary>mask_cross declares its steps None: a second call with 2 query steps against 3 value steps (a query
    /// padded at the end, one at the start, a value fully masked), the masks sized per call.</summary>
    [Test]
    public void TheMasksAreSizedPerCallWhenTheStepsAreNone()
    {
        foreach (string file in new[] { "mask_cross.keras", "mask_cross_k2.h5" })
            MultiGoldenModels.AssertFile(engine, file, "mask_cross_golden.npz", "short_");
    }

    /// <summary>Keras 3.0 to 3.3 use the masks inside Attention but hand on none (Layer.__call__ read the mask of the
    /// input list), so the GlobalAveragePooling1D after it averages every query step, the zeroed masked ones included.</summary>
    [Test]
    public void Keras33AttentionHandsOnNoMask()
    {
        MultiGoldenModels.AssertFile(engine, "mask_cross_k33.keras", "mask_cross_golden.npz", "k33_");
        double[] masked = TestData.Doubles(TestData.Npz("mask_cross_golden.npz", "output_3"));
        double[] plain = TestData.Doubles(TestData.Npz("mask_cross_golden.npz", "k33_output_3"));
        Assert.That(Close.MaxAbs(masked, plain), Is.GreaterThan(0.05), "the two rules give other numbers");
    }

    /// <summary>A masked query step: MultiHeadAttention masks its whole row of scores, so its weights are uniform (Keras's
    /// float32 −1e9 + s, all rounded to −1e9) and its output the mean of the projected values; Attention multiplies it by
    /// the query mask, zeros. A fully masked batch row pools to 0/0 = NaN, the other row unaffected.</summary>
    [Test]
    public void AFullyMaskedRowIsUniformInMultiHeadAttentionAndZeroInAttention()
    {
        double[] att = TestData.Doubles(TestData.Npz("mask_cross_golden.npz", "output_1"));
        Assert.That(att.Skip(3 * 4).Take(2 * 4), Is.All.EqualTo(0.0), "row 0's query steps 3 and 4 are padding");
        var inputs = MultiGoldenModels.Inputs("mask_mha_golden.npz", 1, "empty_");
        double[] head = TestData.Doubles(TestData.Npz("mask_mha_golden.npz", "empty_output_0"));
        double[] sequence = TestData.Doubles(TestData.Npz("mask_mha_golden.npz", "empty_output_1"));
        foreach (string file in new[] { "mask_mha.keras", "mask_mha_k2.h5" })
            foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
            {
                using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path(file)), engine, dtype);
                IReadOnlyList<KerasPrediction> p = network.Predict(inputs);
                string what = $"{engine.Name} {file} {dtype.Name()}";
                Assert.That(p[0].Values.Take(3), Is.All.NaN, $"{what}: the fully masked row pools to NaN");
                Close.Assert(p[0].Values[3..], head[3..], $"{what}: the other row");
                Close.Assert(p[1].Values, sequence, $"{what}: the sequence, uniform rows included");
                // Every step of the fully masked row reads the same uniform weights of the same values.
                for (int t = 1; t < 7; t++)
                    Assert.That(p[1].Values.Skip(6 * t).Take(6), Is.EqualTo(p[1].Values.Take(6)).Within(1e-6), $"{what}: step {t}");
            }
    }
}
