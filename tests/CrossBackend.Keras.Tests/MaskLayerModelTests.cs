namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras masks through TimeDistributed, the activation and noise layers, Masking after a mask, and the layers that drop
/// a mask, in whole files on every engine against float64 NumPy goldens (Data/make_mask_layer_models.py, its masked LSTM
/// loop checked against real PyTorch 1.13 run on each row's unmasked steps): each model as tf.keras 2 writes it (.h5)
/// and as Keras 3 does (.keras), in float32 and float64.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class MaskLayerModelTests(ITensorEngine engine)
{
    /// <summary>Embedding(mask_zero) → TimeDistributed(Dense) → LSTM → Dense: TimeDistributed hands the mask on (Keras 3:
    /// no compute_mask of its own; tf.keras 2: the inner Dense's compute_mask returns it), so the LSTM skips the padding
    /// wherever it sits, and a fully masked row gives the Dense's bias. Before, the mask at TimeDistributed was refused.</summary>
    [Test]
    public void TimeDistributedHandsTheMaskToTheLstm()
    {
        GoldenModels.AssertBothFormats(engine, "mask_td");
        // Row 0 is [3, 5, 1, 7, 0, 0, 0]: the same tokens without padding give the same numbers (the padding is skipped).
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("mask_td.keras")), engine, DType.Float64);
        double[] padded = network.Predict(new[] { 3, 5, 1, 7, 0, 0, 0, /**/ 0, 0, 0, 3, 5, 1, 7 }, [2, 7]).Values;
        Assert.That(padded[2..], Is.EqualTo(padded[..2]).Within(1e-15), "padding at the start");
    }

    /// <summary>Masking(0.3) after Embedding(mask_zero) replaces the mask (id 2, whose row holds float32(0.3), masked; id 0
    /// not), and LeakyReLU, ELU, PReLU, ReLU, GaussianNoise, GaussianDropout and SpatialDropout1D hand it on to an LSTM
    /// returning its sequence and a masked GlobalAveragePooling1D.</summary>
    [Test]
    public void TheActivationAndNoiseLayersPassTheMaskThatMaskingReplaced()
    {
        GoldenModels.AssertBothFormats(engine, "mask_chain");
    }

    /// <summary>ZeroPadding1D, Cropping1D, UpSampling1D and Permute do not support masking in Keras 3 or tf.keras 2: each
    /// drops the Embedding's mask, so the Concatenate of their outputs along the steps and the LSTM after it run unmasked.
    /// Before, each was refused by name.</summary>
    [Test]
    public void ThePaddingCroppingUpSamplingAndPermuteLayersDropTheMask()
    {
        GoldenModels.AssertBothFormats(engine, "mask_reshape");
    }

    /// <summary>Masking on (batch, features) makes a (batch,) mask; RepeatVector drops it, so the LSTM runs over the zeros
    /// of a masked row (not the Dense's bias a masked LSTM would give).</summary>
    [Test]
    public void RepeatVectorDropsTheMask()
    {
        GoldenModels.AssertBothFormats(engine, "mask_repeat");
    }
}
