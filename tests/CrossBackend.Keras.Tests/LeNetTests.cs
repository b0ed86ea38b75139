namespace CrossBackend.Keras.Tests;

/// <summary>
/// Issue 14, item 5: FastEstimator's trained LeNet (a Keras 2.11 weights-only file) on every engine against the
/// independent float64 NumPy forward pass in Data/lenet_golden.npz, and the hand-drawn digits classified.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class LeNetTests(ITensorEngine engine)
{
    private const string Weights = "lenet_mnist_tf.h5";

    /// <summary>FastEstimator's LeNet, written out in C# (what a user does for a weights-only file).</summary>
    public static KerasGraph Architecture() => KerasArchitecture.Sequential([28, 28, 1])
        .Conv2D(32, 3, activation: "relu").MaxPooling2D(2)
        .Conv2D(64, 3, activation: "relu").MaxPooling2D(2)
        .Conv2D(64, 3, activation: "relu")
        .Flatten().Dense(64, activation: "relu").Dense(10, activation: "softmax")
        .Build();

    private static (double[] Probs, long[] Shape) Golden()
    {
        var probs = TestData.Npz("lenet_golden.npz", "probs");
        return ((double[])probs.Data, probs.Shape);
    }

    private KerasPrediction Predict(KerasModel model)
    {
        var inputs = TestData.Npz("lenet_golden.npz", "inputs");
        using IKerasNetwork network = KerasRuntimes.Build(model, engine);
        return network.Predict(inputs.Data, inputs.Shape);
    }

    [Test]
    public void ProbabilitiesMatchTheFloat64GoldenWithTheArchitectureInCSharp()
    {
        KerasPrediction p = Predict(KerasModel.Load(TestData.Path(Weights), Architecture()));
        (double[] golden, long[] shape) = Golden();
        Assert.That(p.Shape, Is.EqualTo(shape));
        Close.Assert(p.Values, golden, $"{engine.Name} LeNet probabilities");
    }

    [Test]
    public void ProbabilitiesMatchTheFloat64GoldenWithTheArchitectureFromJson()
    {
        KerasPrediction p = Predict(KerasModel.Load(TestData.Path(Weights), TestData.Path("lenet_architecture.json")));
        Close.Assert(p.Values, Golden().Probs, $"{engine.Name} LeNet probabilities (to_json architecture)");
    }

    [Test]
    public void WeightsMatchedByOrderGiveTheSameProbabilities()
    {
        KerasPrediction p = Predict(KerasModel.Load(TestData.Path(Weights), Architecture(), KerasWeightMatching.ByOrder));
        Close.Assert(p.Values, Golden().Probs, $"{engine.Name} LeNet probabilities (by order)");
    }

    [TestCase(0, 1, TestName = "a vertical stroke is a 1")]
    [TestCase(1, 7, TestName = "a bar with a right-hand vertical is a 7")]
    [TestCase(2, 0, TestName = "a ring is a 0")]
    public void HandDrawnDigitsAreClassified(int image, int digit)
    {
        KerasPrediction p = Predict(KerasModel.Load(TestData.Path(Weights), Architecture()));
        double[] row = p.Values.Skip(image * 10).Take(10).ToArray();
        Assert.That(Array.IndexOf(row, row.Max()), Is.EqualTo(digit), $"{engine.Name}: probabilities {string.Join(", ", row.Select(v => v.ToString("F4")))}");
        Assert.That(row.Max(), Is.GreaterThan(0.9));
    }
}
