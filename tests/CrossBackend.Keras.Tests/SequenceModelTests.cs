namespace CrossBackend.Keras.Tests;

/// <summary>
/// The 1-D (sequence) layers and the crop/resize/reorder layers, in whole files on every engine against float64 NumPy
/// goldens (Data/make_sequence_models.py, its formulas checked against real PyTorch 1.13): MaxPooling1D and
/// AveragePooling1D with TensorFlow's "same" on odd lengths (length 7, pool 2, stride 2: pads (0, 1), a last window of
/// one real cell; pool 4, stride 3 on 6 steps: an average over 3 real cells), GlobalAveragePooling1D (keepdims) and
/// GlobalMaxPooling1D, UpSampling1D, ZeroPadding1D, Cropping1D, a Flatten of (steps, channels) before a Dense,
/// RepeatVector and Permute; Cropping2D, UpSampling2D ("nearest", unequal factors) and a three-axis Permute before a
/// Conv2D. Each model is saved as tf.keras 2 writes it (.h5) and as Keras 3 does (.keras).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class SequenceModelTests(ITensorEngine engine)
{
    [TestCase("seq1d")]
    [TestCase("resize2d")]
    public void OutputsMatchTheFloat64Golden(string stem) => GoldenModels.AssertBothFormats(engine, stem);
}
