namespace CrossBackend.Keras.Tests;

/// <summary>
/// Whole files with the new activations and layers, on every engine, against float64 NumPy goldens of Keras's
/// formulas (Data/make_activation_models.py, which checks each formula against real PyTorch 1.13 first):
/// acts_k2.h5 (tf.keras 2.11: gelu, PReLU shared over axis 1, ELU 0.3, Keras 2's hard_sigmoid) and acts.keras
/// (Keras 3.6: the same, then mish, hard_silu, Keras 3's hard_sigmoid and log_softmax).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class ActivationModelTests(ITensorEngine engine)
{
    [TestCase("acts_k2.h5", "acts_k2")]
    [TestCase("acts.keras", "acts")]
    public void OutputsMatchTheFloat64Golden(string file, string stem)
        => GoldenModels.AssertFile(engine, file, $"{stem}_golden.npz");

    /// <summary>The trap: tf.keras 2's file read as if Keras 3 wrote it computes Keras 3's hard_sigmoid, x/6 + 1/2
    /// instead of 0.2x + 0.5, and misses the golden — the writer's version is what makes the port right.</summary>
    [Test]
    public void Keras2HardSigmoidReadAsKeras3MissesTheGolden()
    {
        var inputs = TestData.Npz("acts_k2_golden.npz", "inputs");
        double[] golden = TestData.Doubles(TestData.Npz("acts_k2_golden.npz", "outputs"));
        KerasGraph asKeras3 = KerasGraph.FromJson(KerasFile.Open(TestData.Path("acts_k2.h5")).ConfigJson!, kerasVersion: "3");
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("acts_k2.h5"), asKeras3), engine);
        Assert.That(Close.MaxViolation(network.Predict(inputs.Data, inputs.Shape).Values, golden), Is.GreaterThan(100));
    }
}
