namespace CrossBackend.Keras.Tests;

/// <summary>
/// LayerNormalization, DepthwiseConv2D, SeparableConv2D and Conv2DTranspose (session 52), in whole files on every
/// engine against float64 NumPy goldens (Data/make_norm_conv_models.py, its formulas checked against real PyTorch 1.13's
/// F.layer_norm, grouped F.conv2d and F.conv_transpose2d, and the transposed convolution against its definition as the
/// adjoint of conv2d). Each model is saved as tf.keras 2 writes it (.h5: LayerNormalization's axis as a list of positive
/// axes, weights named depthwise_kernel / pointwise_kernel / gamma / beta) and as Keras 3 does (.keras: the axis as
/// given, an int or a list with negative axes; variables by index).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class NormConvModelTests(ITensorEngine engine)
{
    [TestCase("layer_norm")]
    [TestCase("depthwise")]
    [TestCase("conv_transpose")]
    public void OutputsMatchTheFloat64Golden(string stem)
    {
        var inputs = TestData.Npz($"{stem}_golden.npz", "inputs");
        var outputs = TestData.Npz($"{stem}_golden.npz", "outputs");
        double[] golden = TestData.Doubles(outputs);
        foreach (string file in new[] { $"{stem}.keras", $"{stem}_k2.h5" })
            GoldenModels.AssertMatches(engine, KerasModel.Load(TestData.Path(file)), file, inputs, golden, outputs.Shape.Select(v => (long)v).ToArray());
    }
}
