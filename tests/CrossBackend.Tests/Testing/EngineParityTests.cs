using CrossBackend.IO;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Testing;

/// <summary><see cref="EngineParity"/>: a user's function on every engine, compared pair by pair and against a
/// reference, with one report per failing pair. No engine is named: the engines are whatever was discovered.</summary>
public sealed class EngineParityTests
{
    /// <summary>Channels-last (Batch=2, H=2, C=3) probabilities (rows away from the clip bounds) and one-hot labels.</summary>
    private static readonly float[,,] Probabilities =
    {
        { { 0.1f, 0.8f, 0.1f }, { 0.9f, 0.05f, 0.05f } },
        { { 0.1f, 0.2f, 0.7f }, { 0.3f, 0.3f, 0.4f } },
    };

    private static readonly float[,,] OneHot =
    {
        { { 0, 1, 0 }, { 1, 0, 0 } },
        { { 0, 0, 1 }, { 0, 1, 0 } },
    };

    /// <summary>−Σ y·log(p / Σp) per (Batch, H) element, in float64: the reference, computed here independently.</summary>
    private static double[,] Reference()
    {
        var loss = new double[2, 2];
        for (int b = 0; b < 2; b++)
        for (int h = 0; h < 2; h++)
        {
            double sum = 0;
            for (int c = 0; c < 3; c++) sum += Probabilities[b, h, c];
            for (int c = 0; c < 3; c++) loss[b, h] -= OneHot[b, h, c] * Math.Log(Probabilities[b, h, c] / sum);
        }
        return loss;
    }

    private static object PerElementLoss(ITensorEngine engine, object[] x) =>
        Losses.CategoricalCrossentropy<object, object>(x[0], x[1], averageLoss: false);

    [Test]
    public void ALossAgreesOnEveryEngineAndWithTheReference()
    {
        ParityReport report = EngineParity.Check(PerElementLoss, [Probabilities, OneHot],
            new ParityOptions { MoveChannelAxis = true, Reference = Reference() });
        int n = TensorEngines.All.Count;
        Assert.That(report.Comparisons, Has.Count.EqualTo(n * (n - 1) / 2 + n));
        Assert.That(report.Comparisons.Count(c => c.Expected == "reference"), Is.EqualTo(n));
        Assert.That(report.Message, Does.StartWith($"Engine parity holds: {n * (n - 1) / 2 + n} comparisons close"));
    }

    [Test]
    public void WithoutMovingTheChannelAxisAChannelsFirstEngineComputesSomethingElse()
    {
        // The same data handed over as it is: a channels-first engine reads axis 1 (H) as the classes.
        ParityReport report = EngineParity.Run(PerElementLoss, [Probabilities, OneHot], new ParityOptions { Reference = Reference() });
        foreach (ParityComparison c in report.Comparisons.Where(c => c.Expected == "reference"))
        {
            bool channelsLast = TensorEngines.Named(c.Actual).ClassAxis == -1;
            Assert.That(c.Comparison.IsClose, Is.EqualTo(channelsLast), c.Label);
        }
    }

    [Test]
    public void OneReportPerFailingPair()
    {
        // The first engine found gets a wrong value at (1,); every pair involving it, and it against the reference, fails.
        ITensorEngine odd = TensorEngines.All[0];
        object Function(ITensorEngine engine, object[] x) =>
            engine.FromArray(engine == odd ? new[] { 1f, 2.5f } : new[] { 1f, 2f }, [2]);
        ParityReport report = EngineParity.Run(Function, [], new ParityOptions { Reference = new[] { 1.0, 2.0 } });

        int n = TensorEngines.All.Count;
        ParityComparison[] failed = report.Comparisons.Where(c => !c.Comparison.IsClose).ToArray();
        Assert.That(report.Passed, Is.False);
        Assert.That(failed, Has.Length.EqualTo(n), "n − 1 pairs with the odd engine, plus it against the reference");
        Assert.That(failed.All(c => c.Actual == odd.Name || c.Expected == odd.Name), Is.True);
        foreach (ParityComparison c in failed)
        {
            Assert.That(report.Message, Does.Contain($"[{c.Label}]\nTensors are not close!\nMismatched elements: 1 / 2 (50.0%)\n"));
            Assert.That(c.Comparison.GreatestAbsoluteDifference, Is.EqualTo(0.5));
            Assert.That(c.Comparison.GreatestAbsoluteDifferenceIndex, Is.EqualTo(new long[] { 1 }));
        }
        Assert.That(report.Message, Does.StartWith($"Engine parity failed: {n} of {n * (n - 1) / 2 + n} comparisons not close, 0 engines threw"));
        var failure = Assert.Throws<AssertionException>(() => EngineParity.Check(Function, [], new ParityOptions { Reference = new[] { 1.0, 2.0 } }))!;
        Assert.That(failure.Message.Trim(), Is.EqualTo(report.Message));
    }

    [Test]
    public void AnEngineThatThrowsIsReportedAndTheOthersStillCompared()
    {
        ITensorEngine odd = TensorEngines.All[^1];
        object Function(ITensorEngine engine, object[] x) =>
            engine == odd ? throw new InvalidOperationException("boom") : x[0];
        ParityReport report = EngineParity.Run(Function, [new[] { 0.1, 0.2 }], new ParityOptions { Reference = new[] { 0.1, 0.2 } });
        Assert.That(report.Errors.Keys, Is.EqualTo(new[] { odd.Name }));
        Assert.That(report.Message, Does.Contain($"[{odd.Name}] the function threw InvalidOperationException: boom"));
        Assert.That(report.Comparisons.All(c => c.Comparison.IsClose), Is.True);
        Assert.That(report.Comparisons.Count(c => c.Expected == "reference"), Is.EqualTo(TensorEngines.All.Count - 1));
        Assert.That(report.Passed, Is.False);
    }

    [Test]
    public void ResultsWithAChannelAxisComeBackChannelsLast()
    {
        // The identity: each engine gets the data in its own layout and gives it back; moved back, all equal the input.
        EngineParity.Check((engine, x) => x[0], [Probabilities],
            new ParityOptions { MoveChannelAxis = true, OutputHasChannelAxis = true, Reference = Probabilities });
    }

    [Test]
    public void InputsCastToHalfAreJudgedWithTheFloat16Tolerance()
    {
        double[,] values = { { 0.1, 0.2, 0.3 }, { 0.4, 0.5, 0.6 } };
        ParityReport report = EngineParity.Check((engine, x) => x[0], [values],
            new ParityOptions { MoveChannelAxis = true, OutputHasChannelAxis = true, InputDType = DType.Float16, Reference = values });
        Assert.That(report.Comparisons.Select(c => c.Comparison.ActualDType), Is.All.EqualTo(DType.Float16));
        Assert.That(report.Comparisons.Select(c => c.Comparison.Tolerance), Is.All.EqualTo(ToleranceTable.Default.For(DType.Float16)));
        // The cast is real: 0.1 is not a float16, so float32's tolerance would fail.
        Assert.That(EngineParity.Run((engine, x) => x[0], [values],
            new ParityOptions { InputDType = DType.Float16, Reference = values, Rtol = 1e-5, Atol = 1e-6 }).Passed, Is.False);
    }

    [Test]
    public void NothingToCompareIsAnError()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            EngineParity.Run((engine, x) => x[0], [new[] { 1.0 }], new ParityOptions { Engines = [TensorEngines.All[0]] }))!;
        Assert.That(e.Message, Does.Contain("at least two engines or a reference").And.Contain(TensorEngines.All[0].Name));
    }

    [Test]
    public void GoldenNpzValuesAsInputsAndReference()
    {
        // Golden inputs and expected loss as a Keras user would save them; written and read back through the core.
        string path = Path.Combine(Path.GetTempPath(), $"cb-parity-{Guid.NewGuid():N}.npz");
        try
        {
            NpzFile.Write(path, new Dictionary<string, NpyArray>
            {
                ["probs"] = NpyArray.FromArray(Probabilities),
                ["labels"] = NpyArray.FromArray(OneHot),
                ["loss"] = NpyArray.FromArray(Reference()),
            }, compressed: true);
            IReadOnlyDictionary<string, NpyArray> golden = NpzFile.Read(path);
            EngineParity.Check(PerElementLoss, [golden["probs"], golden["labels"]],
                new ParityOptions { MoveChannelAxis = true, Reference = golden["loss"] });
        }
        finally { File.Delete(path); }
    }
}
