namespace CrossBackend.Keras.Tests;

/// <summary>
/// The element-wise activations Keras 3.7 and later added (celu, squareplus, soft_shrink, sparse_plus, tanh_shrink,
/// sparse_sigmoid, hard_tanh, hard_shrink, log_sigmoid) — refused as unknown names until session 51 — fused into nine
/// Dense layers of one Keras 3 file, on every engine, against a float64 NumPy golden of the TensorFlow backend's
/// formulas (Data/make_keras37_activations.py, which checks them against real PyTorch 1.13 and reaches every branch).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class Keras37ActivationModelTests(ITensorEngine engine)
{
    [Test]
    public void OutputsMatchTheFloat64Golden()
    {
        var inputs = TestData.Npz("acts37_golden.npz", "inputs");
        double[] golden = TestData.Doubles(TestData.Npz("acts37_golden.npz", "outputs"));
        KerasModel model = KerasModel.Load(TestData.Path("acts37.keras"));
        Assert.That(model.Graph.Layers.Skip(1).Select(l => ((DenseSpec)l.Spec).Activation.ToString()), Is.EqualTo(new[]
        {
            "celu", "squareplus", "soft_shrink", "sparse_plus", "tanh_shrink", "sparse_sigmoid", "hard_tanh", "hard_shrink", "log_sigmoid",
        }));
        GoldenModels.AssertMatches(engine, model, "acts37.keras", inputs, golden, [3, 4, 6]);
    }
}
