using CrossBackend.Training;

namespace CrossBackend.Tests.Training;

/// <summary>The training loop written once: every engine follows the same loss curve, and the README quotes the code
/// that runs.</summary>
public sealed class TrainDemoTests
{
    [TestCase(DType.Float64, 1e-10)]
    [TestCase(DType.Float32, 1e-4)]
    public void EveryEngineFollowsTheSameFallingLossCurve(DType dtype, double tolerance)
    {
        TrainDemo[] runs = TensorEngines.All.Select(e => new TrainDemo(e, dtype)).ToArray();
        double first = double.NaN, last = double.NaN;
        for (int step = 1; step <= 20; step++)
        {
            double[] losses = runs.Select(r => r.Step()).ToArray();
            foreach (double l in losses) Assert.That(Math.Abs(l - losses[0]), Is.LessThanOrEqualTo(tolerance * Math.Abs(losses[0])), $"step {step}");
            if (step == 1) first = losses[0];
            last = losses[0];
        }
        Assert.That(last, Is.LessThan(first / 10), "the loss falls");
        // The first loss of an untrained 3-class model is near ln 3 ≈ 1.0986 times the logit scale: a sanity anchor.
        Assert.That(first, Is.GreaterThan(0.5).And.LessThan(5));
    }

    /// <summary>The verdict compares the first step's loss with the last's, so one step could only ever say "does NOT
    /// fall" and exit 1: fewer than 2 steps is a usage error naming --steps, and 2 steps already pass.</summary>
    [TestCase("0")]
    [TestCase("1")]
    public void FewerThanTwoStepsIsAUsageErrorNamingSteps(string steps)
    {
        var (code, stdout, stderr) = Reliability.CliRun.Run("train-demo", "--steps", steps);
        Assert.That(code, Is.EqualTo(CrossBackend.Cli.CliApp.BadInput), stdout + stderr);
        Assert.That(stderr, Does.Contain("--steps must be >= 2"));
    }

    [Test]
    public void TwoStepsAreEnoughToJudgeTheCurve()
    {
        var (code, stdout, stderr) = Reliability.CliRun.Run("train-demo", "--steps", "2");
        Assert.That(code, Is.EqualTo(CrossBackend.Cli.CliApp.Ok), stdout + stderr);
        Assert.That(stdout, Does.Contain("loss falls"));
    }

    [Test]
    public void TheReadmeQuotesTheCodeThatRuns()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "README.md"))) root = Path.GetDirectoryName(root)!;
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string source = File.ReadAllText(Path.Combine(root, "src/CrossBackend.Cli/Training/TrainDemo.cs"));
        int start = readme.IndexOf("<!-- train-demo", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0), "the README has the train-demo block");
        string block = readme[(readme.IndexOf("```csharp", start, StringComparison.Ordinal) + 9)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        string Squash(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
        foreach (string line in block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 1))
            Assert.That(Squash(source), Does.Contain(Squash(line)), $"README line not in TrainDemo.cs: {line}");
    }
}
