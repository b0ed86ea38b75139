using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// The cases that issue 8 found by trying the library as a new user would, on every engine: float64 precision with
/// option values that are not exact in float32, Keras's sample-weight shapes, and 0-d sample weights.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class RedesignRegressionTests(ITensorEngine engine)
{
    private static readonly double[] Pred = [0.1, 0.6, 0.3, 0.7, 0.2, 0.1, 0.25, 0.25, 0.5];
    private static readonly double[] OneHot = [0, 1, 0, 1, 0, 0, 0, 0, 1];

    private object Float64(double[] values, long[] shape) => engine.FromChannelsLast(values, shape);

    /// <summary>Smoothing 0.1 and weights 0.3 in float64, with integer and float labels: the result must carry float64
    /// precision (an engine casting labels through float32 is about 1e-8 off).</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void Float64KeepsFloat64PrecisionWithInexactOptions(bool integerLabels)
    {
        object labels = integerLabels ? engine.FromChannelsLast(OneHot.Select(v => (long)v).ToArray(), [3, 3]) : Float64(OneHot, [3, 3]);
        object weights = engine.FromArray(new[] { 0.3, 1.1, 0.7 }, [3]);
        object result = Losses.CategoricalCrossentropy(Float64(Pred, [3, 3]), labels, labelSmoothing: 0.1,
            classWeights: new Dictionary<int, double> { [2] = 0.3 }, sampleWeights: weights, reduction: Reduction.None);
        Assert.That(engine.Describe(result).DType, Is.EqualTo(DType.Float64));
        TensorAssert.AreClose(engine.ToDoubleArray(result, out _), Reference(0.1, [1, 1, 0.3], [0.3, 1.1, 0.7]), 1e-12, 1e-14);

        object sparse = Losses.SparseCategoricalCrossentropy(Float64(Pred, [3, 3]), engine.FromArray(new long[] { 1, 0, 2 }, [3]),
            labelSmoothing: 0.1, classWeights: new Dictionary<int, double> { [2] = 0.3 }, sampleWeights: weights, reduction: Reduction.None);
        // The sparse loss weighs each class's term by its own weight (PyTorch's cross_entropy(weight=, label_smoothing=)).
        TensorAssert.AreClose(engine.ToDoubleArray(sparse, out _), Reference(0.1, [1, 1, 0.3], [0.3, 1.1, 0.7], perClass: true), 1e-12, 1e-14);
    }

    /// <summary>The independent float64 reference: −Σ y_s·log(clip(p/Σp)) with y_s = y·(1 − ls) + ls/C, times the weights:
    /// each row's <paramref name="classWeight"/> (categorical: that of argmax y), or with <paramref name="perClass"/> each
    /// class's term times its class's weight (PyTorch's sparse rule; the weights are then per class).</summary>
    private static double[] Reference(double smoothing, double[] classWeight, double[] sampleWeight, bool perClass = false)
    {
        var loss = new double[3];
        for (int r = 0; r < 3; r++)
        {
            double sum = Pred[(r * 3)..(r * 3 + 3)].Sum();
            for (int c = 0; c < 3; c++)
            {
                double y = OneHot[r * 3 + c] * (1 - smoothing) + smoothing / 3;
                loss[r] -= (perClass ? classWeight[c] : 1) * y * Math.Log(Math.Clamp(Pred[r * 3 + c] / sum, 1e-7, 1 - 1e-7));
            }
            loss[r] *= (perClass ? 1 : classWeight[r]) * sampleWeight[r];
        }
        return loss;
    }

    /// <summary>Keras's own test weights [[1.2], [3.4], [5.6]] for a (3,) loss: the trailing 1 is squeezed, as Keras's
    /// <c>squeeze_or_expand_to_same_rank</c> does.</summary>
    [Test]
    public void SampleWeightsWithATrailingOneAreSqueezed()
    {
        object pred = Float64(Pred, [3, 3]), labels = Float64(OneHot, [3, 3]);
        object column = engine.FromArray(new[] { 1.2, 3.4, 5.6 }, [3, 1]);
        object flat = engine.FromArray(new[] { 1.2, 3.4, 5.6 }, [3]);
        double[] expected = engine.ToDoubleArray(Losses.MeanSquaredError(pred, labels, sampleWeights: flat), out _);
        TensorAssert.AreClose(engine.ToDoubleArray(Losses.MeanSquaredError(pred, labels, sampleWeights: column), out _), expected, 1e-12, 1e-14);
        // mean((p − y)²) per row = [0.22/3·… ]: checked against the plain float64 formula too.
        double[] perRow = Enumerable.Range(0, 3).Select(r => Enumerable.Range(0, 3).Average(c => Math.Pow(Pred[r * 3 + c] - OneHot[r * 3 + c], 2))).ToArray();
        double keras = (perRow[0] * 1.2 + perRow[1] * 3.4 + perRow[2] * 5.6) / 3;
        TensorAssert.AreClose(expected, new[] { keras }, 1e-12, 1e-14);
    }

    /// <summary>NumPy's <c>np.save("w.npy", 2.3)</c> has shape (): it reaches every engine as a scalar weight.</summary>
    [Test]
    public void ZeroDimensionalSampleWeightIsAScalar()
    {
        object pred = Float64(Pred, [3, 3]), labels = Float64(OneHot, [3, 3]);
        object scalar = engine.FromArray(new[] { 2.3 }, []);
        double plain = engine.ToDoubleArray(Losses.MeanSquaredError(pred, labels), out _)[0];
        TensorAssert.AreClose(engine.ToDoubleArray(Losses.MeanSquaredError(pred, labels, sampleWeights: scalar), out _), new[] { 2.3 * plain }, 1e-12, 1e-14);
    }
}
