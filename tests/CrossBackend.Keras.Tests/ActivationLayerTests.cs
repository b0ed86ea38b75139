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
        // Keras 3's relu: x·(x > threshold), clipped to [0, max], minus slope·relu(threshold − x) (ReLU.static_call).
        yield return Case("ReLU(slope 0.1, threshold 0.3)", a => a.ReLU(negativeSlope: Slope, threshold: Threshold),
            x => x > (float)Threshold ? x : (float)Slope * (x - (float)Threshold));
        yield return Case("ReLU(max 0.7, slope 0.1, threshold 0.3)", a => a.ReLU(Max, Slope, Threshold),
            x => x > (float)Threshold ? Math.Min(x, (float)Max) : (float)Slope * (x - (float)Threshold));
    }

    /// <summary>
    /// x = [−10, −5, 0, 5, 10], exact in float32. Documented by Keras 3 (keras/src/activations/activations.py,
    /// <c>relu</c>'s docstring): plain [0, 0, 0, 5, 10]; negative_slope 0.5 [−5, −2.5, 0, 5, 10]; max_value 5
    /// [0, 0, 0, 5, 5]; threshold 5 [−0, −0, 0, 0, 10] — 0 at x = threshold, where the ReLU layer's docstring formula
    /// ("threshold ≤ x → x") says 5. keras/src/layers/activations/relu.py: ReLU(max_value=10, negative_slope=0.5)
    /// [−5, −2.5, 0, 5, 10]. The combinations follow <c>ReLU.static_call</c> step by step: threshold 5 with
    /// negative_slope 0.5 is x·(x &gt; 5) − 0.5·relu(5 − x) = [−7.5, −5, −2.5, 0, 10]; with max_value 8,
    /// clip(x·(x &gt; 5), 0, 8) = [0, 0, 0, 0, 8].
    /// </summary>
    public static IEnumerable<TestCaseData> KerasReluCases()
    {
        TestCaseData C(string name, double? max, double slope, double threshold, double[] expected) =>
            new TestCaseData(max, slope, threshold, expected).SetArgDisplayNames(name);
        yield return C("relu", null, 0, 0, [0, 0, 0, 5, 10]);
        yield return C("negative_slope 0.5", null, 0.5, 0, [-5, -2.5, 0, 5, 10]);
        yield return C("max_value 5", 5, 0, 0, [0, 0, 0, 5, 5]);
        yield return C("threshold 5", null, 0, 5, [-0.0, -0.0, 0, 0, 10]);
        yield return C("layer: max_value 10, negative_slope 0.5", 10, 0.5, 0, [-5, -2.5, 0, 5, 10]);
        yield return C("threshold 5, negative_slope 0.5", null, 0.5, 5, [-7.5, -5, -2.5, 0, 10]);
        yield return C("threshold 5, max_value 8", 8, 0, 5, [0, 0, 0, 0, 8]);
    }

    [TestCaseSource(nameof(KerasReluCases))]
    public void ReluGivesKeras3sDocumentedValues(double? maxValue, double negativeSlope, double threshold, double[] expected)
    {
        KerasModel model = KerasModel.FromWeights(KerasArchitecture.Sequential([5]).ReLU(maxValue, negativeSlope, threshold).Build(), [], keras3Layout: false);
        using IKerasNetwork network = KerasRuntimes.Build(model, engine);
        double[] actual = network.Predict(new float[] { -10, -5, 0, 5, 10 }, [1, 5]).Values;
        Assert.That(actual, Is.EqualTo(expected));
        // Keras's docstring prints the signs of its zeros for threshold 5 (x·0 for x < 0): kept on every engine.
        if (threshold != 0 && negativeSlope == 0 && maxValue is null)
            Assert.That(actual.Select(double.IsNegative), Is.EqualTo(expected.Select(double.IsNegative)), "signs of zero");
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
