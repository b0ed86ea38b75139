using CrossBackend;
using CrossBackend.IO;
using CrossBackend.Testing;
using NUnit.Framework;

namespace MyProject.Tests;

/// <summary>The code under test: any function of engine tensors (here, a per-element categorical crossentropy).</summary>
public static class MyCode
{
    public static object MyLoss(object yPred, object yTrue, bool fromLogits = false) =>
        Losses.CategoricalCrossentropy<object, object>(yPred, yTrue, fromLogits, averageLoss: false);

    // FastEstimator's published example, channels-last (Batch, C) as Keras and NumPy hold it.
    public static readonly float[,] YTrue = { { 0, 1, 0 }, { 1, 0, 0 }, { 0, 0, 1 } };
    public static readonly float[,] YPred = { { 0.1f, 0.8f, 0.1f }, { 0.9f, 0.05f, 0.05f }, { 0.1f, 0.2f, 0.7f } };
    public static readonly double[] Published = { 0.22314353, 0.10536055, 0.35667497 };
}

/// <summary>Runs once per engine found (torch, numerics, ... a new engine needs no edit), each fixture named by it.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public class MyLossTests(ITensorEngine engine)
{
    [Test]
    public void MatchesThePublishedValues()
    {
        // Host arrays into this engine's layout (the class axis moves to 1 on a channels-first engine).
        object yPred = NpyArray.FromArray(MyCode.YPred).ToTensor(engine, fromChannelsLast: true);
        object yTrue = NpyArray.FromArray(MyCode.YTrue).ToTensor(engine, fromChannelsLast: true);

        // float32 result: the default tolerance is rtol 1e-5, atol 1e-6.
        TensorAssert.AreClose(MyCode.MyLoss(yPred, yTrue), MyCode.Published);
    }

    [Test]
    public void MatchesTheGoldenFile()
    {
        // golden/fastestimator.npz was saved with NumPy (golden/make_golden.py).
        var golden = NpzFile.Read(Path.Combine(TestContext.CurrentContext.TestDirectory, "golden", "fastestimator.npz"));
        object yPred = golden["y_pred"].ToTensor(engine, fromChannelsLast: true);
        object yTrue = golden["y_true"].ToTensor(engine, fromChannelsLast: true);

        Assert.That(MyCode.MyLoss(yPred, yTrue), TensorIs.CloseTo(golden["loss"]));
    }

    [Test]
    public void AWrongResultFailsWithAReport()
    {
        object yPred = NpyArray.FromArray(MyCode.YPred).ToTensor(engine, fromChannelsLast: true);
        object yTrue = NpyArray.FromArray(MyCode.YTrue).ToTensor(engine, fromChannelsLast: true);
        object wrong = MyCode.MyLoss(yPred, yTrue, fromLogits: true);   // probabilities read as logits

        var failure = Assert.Throws<AssertionException>(() => TensorAssert.AreClose(wrong, MyCode.Published));
        // Tensors are not close!
        // Mismatched elements: 3 / 3 (100.0%)
        // Greatest absolute difference: 0.512432... at index (1,) (up to 1e-06 allowed)
        // Greatest relative difference: 4.863... at index (1,) (up to 1e-05 allowed)
        Assert.That(failure!.Message, Does.Contain("Mismatched elements: 3 / 3 (100.0%)"));
        Assert.That(failure.Message, Does.Contain("at index (1,) (up to 1e-06 allowed)"));
    }
}

/// <summary>One function, every engine, compared pair by pair and against a float64 reference.</summary>
public class MyLossParityTests
{
    [Test]
    public void AgreesOnEveryEngine() =>
        EngineParity.Check(
            (engine, inputs) => MyCode.MyLoss(inputs[0], inputs[1]),
            [MyCode.YPred, MyCode.YTrue],
            new ParityOptions { MoveChannelAxis = true, Reference = MyCode.Published });

    [Test]
    public void AgreesInHalfPrecision() =>
        EngineParity.Check(
            (engine, inputs) => MyCode.MyLoss(inputs[0], inputs[1]),
            [MyCode.YPred, MyCode.YTrue],
            new ParityOptions { MoveChannelAxis = true, InputDType = DType.Float16, Reference = MyCode.Published });
}
