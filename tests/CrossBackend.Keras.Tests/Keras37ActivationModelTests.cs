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
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine))
        {
            KerasPrediction p = network.Predict(inputs.Data, inputs.Shape);
            Assert.That(p.Shape, Is.EqualTo(new long[] { 3, 4, 6 }));
            Close.Assert(p.Values, golden, $"{engine.Name} acts37.keras");
            TestContext.Out.WriteLine($"{engine.Name} acts37.keras float32: max |diff| {Close.MaxAbs(p.Values, golden):G2}, {Close.MaxViolation(p.Values, golden):P1} of the tolerance");
        }
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64))
        {
            double[] values = network.Predict(inputs.Data, inputs.Shape).Values;
            TestContext.Out.WriteLine($"{engine.Name} acts37.keras float64: max |diff| {Close.MaxAbs(values, golden):G2}");
            Assert.That(Close.MaxAbs(values, golden), Is.LessThan(1e-12), $"{engine.Name} acts37.keras float64");
        }
    }
}
