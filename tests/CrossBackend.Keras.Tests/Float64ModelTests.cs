namespace CrossBackend.Keras.Tests;

/// <summary>
/// A float64 model built in float64 keeps its float64 weights on every engine: Keras computes a float64 layer with the
/// weights as saved. Weights 0.1 and 0.3 are not exact in float32 (0.1f + 0.3f = 0.4000000059604645), so a build
/// that rounds them through float32 misses the float64 sum 0.1 + 0.3 by 6e-9.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class Float64ModelTests(ITensorEngine engine)
{
    [Test]
    public void Float64WeightsAreNotRoundedToFloat32()
    {
        KerasGraph graph = KerasArchitecture.Sequential([2]).Dense(1, useBias: true, name: "dense").Build();
        var kernel = new KerasWeight("dense/kernel:0", [2, 1], new[] { 0.1, 0.3 });
        var bias = new KerasWeight("dense/bias:0", [1], new[] { 0.7 });
        KerasModel model = KerasModel.FromWeights(graph, [new KerasWeightGroup("dense", [kernel, bias])], keras3Layout: false);
        using IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64);
        double[] actual = network.Predict(new[] { 1.0, 1.0 }, [1, 2]).Values;
        Assert.That(actual[0], Is.EqualTo(0.1 + 0.3 + 0.7).Within(1e-15));
    }

    [Test]
    public void Float64BatchNormalizationAndConvKeepTheirWeights()
    {
        // Conv2D 1x1 (kernel 0.1) → BatchNormalization (γ 0.3, β 0.7, mean 0.1, variance 0.3, ε 1e-3), all float64.
        KerasGraph graph = KerasArchitecture.Sequential([1, 1, 1]).Conv2D(1, 1, name: "conv").BatchNormalization(name: "bn").Build();
        KerasWeight W(string name, double v) => new(name, name.EndsWith("kernel:0") ? [1, 1, 1, 1] : [1], new[] { v });
        KerasModel model = KerasModel.FromWeights(graph,
            [new KerasWeightGroup("conv", [W("conv/kernel:0", 0.1), W("conv/bias:0", 0.3)]),
             new KerasWeightGroup("bn", [W("bn/gamma:0", 0.3), W("bn/beta:0", 0.7), W("bn/moving_mean:0", 0.1), W("bn/moving_variance:0", 0.3)])],
            keras3Layout: false);
        using IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64);
        double x = 0.9, conv = 0.1 * x + 0.3;
        double expected = (conv - 0.1) / Math.Sqrt(0.3 + 1e-3) * 0.3 + 0.7;
        Assert.That(network.Predict(new[] { x }, [1, 1, 1, 1]).Values[0], Is.EqualTo(expected).Within(1e-15));
    }
}
