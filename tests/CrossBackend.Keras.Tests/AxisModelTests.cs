namespace CrossBackend.Keras.Tests;

/// <summary>
/// Layer options Keras 3 accepts that were refused until session 51, in whole files on every engine against float64
/// NumPy goldens (Data/make_axis_models.py, its formulas checked against real PyTorch 1.13): Softmax over an axis other
/// than the last and over a tuple of axes, BatchNormalization over a non-channels axis, and merge layers (Multiply,
/// Subtract, Average, Maximum, Minimum, Add) whose inputs have different ranks, which Keras expands with
/// <c>expand_dims(x, axis=1)</c> (keras/src/layers/merging/base_merge.py, <c>Merge.call</c>). Each model is saved both
/// as tf.keras 2 writes it (.h5: BatchNormalization's axis as a list of positive axes) and as Keras 3 does (.keras: the
/// int as given, −2 included; a tuple of softmax axes as a list).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class AxisModelTests(ITensorEngine engine)
{
    [TestCase("softmax_axes")]
    [TestCase("bn_axis")]
    [TestCase("merge_ranks")]
    public void OutputsMatchTheFloat64Golden(string stem) => GoldenModels.AssertBothFormats(engine, stem);
}
