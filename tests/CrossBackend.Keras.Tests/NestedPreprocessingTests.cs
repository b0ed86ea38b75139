namespace CrossBackend.Keras.Tests;

/// <summary>
/// Preprocessing layers inside a nested model called on two inputs (Data/make_nested_prep_models.py, the references
/// checked against real PyTorch 1.13): Sequential prep = [Rescaling, adapted Normalization, Dense, BatchNormalization]
/// called on x and x2, their difference pooled into a Dense. The tf.keras 2 group of the nested model lists
/// Normalization's mean/variance/count among the non-trainable variables — after every kernel of a trainable model,
/// layer by layer in a frozen one — and Keras 3 keeps them at layers/sequential/layers/normalization/vars/0..2.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class NestedPreprocessingTests(ITensorEngine engine)
{
    [TestCase("nested_prep.keras")]
    [TestCase("nested_prep_k2.h5")]
    [TestCase("nested_prep_frozen_k2.h5")]
    public void OutputsMatchTheFloat64Golden(string file) => MultiGoldenModels.AssertFile(engine, file, "nested_prep_golden.npz");
}
