namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras's activation layers on every engine, against Keras's formulas in float64: the ELU, softsign, softplus,
/// LeakyReLU and the general ReLU (max_value, negative_slope, threshold), none of which the model files cover all of.
/// Option values not exact in float32 (0.1, 0.3, 0.7); inputs on both sides of each threshold, none on one.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class ActivationLayerTests(ITensorEngine engine)
{
    private const double Slope = 0.1, Threshold = 0.3, Max = 0.7;

    public static IEnumerable<TestCaseData> Layers()
    {
        yield return Case("elu", a => a.Activation("elu"), x => x > 0 ? x : Math.Exp(x) - 1);
        yield return Case("softsign", a => a.Activation("softsign"), x => x / (1 + Math.Abs(x)));
        yield return Case("softplus", a => a.Activation("softplus"), x => Math.Log(1 + Math.Exp(x)));
        yield return Case("LeakyReLU(0.3)", a => a.LeakyReLU(0.3), x => x >= 0 ? x : 0.3 * x);
        yield return Case("ReLU(max 0.7)", a => a.ReLU(maxValue: Max), x => Math.Min(Math.Max(x, 0), (float)Max));
        yield return Case("ReLU(slope 0.1, threshold 0.3)", a => a.ReLU(negativeSlope: Slope, threshold: Threshold),
            x => x >= (float)Threshold ? x : (float)Slope * (x - (float)Threshold));
        yield return Case("ReLU(max 0.7, slope 0.1, threshold 0.3)", a => a.ReLU(Max, Slope, Threshold),
            x => x >= (float)Max ? (float)Max : x >= (float)Threshold ? x : (float)Slope * (x - (float)Threshold));
    }

    private static TestCaseData Case(string name, Func<KerasArchitecture, KerasArchitecture> layer, Func<double, double> keras) =>
        new TestCaseData(layer, keras).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Layers))]
    public void LayerGivesKerassFormula(Func<KerasArchitecture, KerasArchitecture> layer, Func<double, double> keras)
    {
        // (2, 3, 7): a rank-3 input, so a channels-first engine moves its last axis; values from −3.3 to 3.2.
        float[] input = Enumerable.Range(0, 42).Select(i => (float)(-3.3 + 0.155 * i)).ToArray();
        KerasModel model = KerasModel.FromWeights(layer(KerasArchitecture.Sequential([3, 7])).Build(), [], keras3Layout: false);
        using IKerasNetwork network = KerasRuntimes.Build(model, engine);
        KerasPrediction p = network.Predict(input, [2, 3, 7]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 3, 7 }));
        Close.Assert(p.Values, input.Select(v => keras(v)).ToArray(), engine.Name);
    }
}
