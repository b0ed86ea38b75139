using CrossBackend.Cli;
using CrossBackend.IO;
using static CrossBackend.Tests.Reliability.CliRun;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Bad command lines are refused with exit 2 and one line that names what the user typed: the unknown command, the
/// option whose attached value is wrong, the missing loss name, the CLI option (not the C# parameter) whose value is
/// out of range, and a learning rate that cannot train.
/// </summary>
[NonParallelizable]
public sealed class CliArgumentNamingTests
{
    private string _dir = null!, _pred = null!, _true = null!;

    [OneTimeSetUp]
    public void MakeFiles()
    {
        _dir = Directory.CreateTempSubdirectory("cb-cli-names").FullName;
        _pred = Path.Combine(_dir, "p.npy");
        _true = Path.Combine(_dir, "t.npy");
        NpyFile.Write(_pred, new[] { 0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.05f }, [2, 3]);
        NpyFile.Write(_true, new[] { 0f, 1f, 0f, 1f, 0f, 0f }, [2, 3]);
    }

    [OneTimeTearDown]
    public void RemoveFiles() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ParseErrorsNameTheWordOrOption()
    {
        Assert.That(Refused("bogus"), Does.Contain("'bogus'"));
        Assert.That(Refused("train-demo", "--json=maybe"), Does.Contain("--json: 'maybe' is not true or false"));
        Assert.That(Refused("loss"), Does.Contain("Required argument missing for command: 'loss'"));
    }

    /// <summary>The parser's own sentences ("Required command was not provided.") said what was wrong but not where to
    /// look: each parse error now ends with the --help of the command being typed.</summary>
    [Test]
    public void ParseErrorsPointToTheHelpOfTheCommandBeingTyped()
    {
        Assert.That(Refused(), Does.Contain("Required command was not provided").And.EndWith("Run `crossbackend --help` for the commands and options.\n"));
        Assert.That(Refused("keras"), Does.Contain("Run `crossbackend keras --help`"));
        Assert.That(Refused("loss", "categorical_crossentropy", "--pred", _pred, "--true", _true, "--bogus"),
            Does.Contain("'--bogus'").And.Contain("Run `crossbackend loss --help`"));
    }

    [Test]
    public void LibraryRangeErrorsNameTheCliOption()
    {
        string smoothing = Refused("loss", "categorical_crossentropy", "--pred", _pred, "--true", _true, "--label-smoothing", "2");
        Assert.That(smoothing, Does.Contain("--label-smoothing").And.Not.Contain("labelSmoothing"));
        string weights = Refused("loss", "categorical_crossentropy", "--pred", _pred, "--true", _true, "--class-weights", "7=2");
        Assert.That(weights, Does.Contain("--class-weights").And.Not.Contain("classWeights"));
        string average = Refused("metric", "f1_score", "--pred", _pred, "--true", _true, "--average", "bogus");
        Assert.That(average, Does.Contain("--average").And.Not.Contain("`average`"));
        Assert.That(ErrorText.Flag("labelSmoothing"), Is.EqualTo("--label-smoothing"));
    }

    /// <summary>The metric registry checks its options under Keras's names (<c>summation_method</c>, <c>num_classes</c>):
    /// the message names the CLI option, typed (a bad value) or left out (a required one), never the Keras spelling.</summary>
    [Test]
    public void RegistryErrorsNameTheCliOptionTypedOrMissing()
    {
        string summation = Refused("metric", "auc", "--pred", _pred, "--true", _true, "--summation-method", "trapezoid");
        Assert.That(summation, Does.Contain("--summation-method").And.Not.Contain("summation_method"));
        string aggregation = Refused("metric", "r2_score", "--pred", _pred, "--true", _true, "--class-aggregation", "bogus");
        Assert.That(aggregation, Does.Contain("--class-aggregation").And.Not.Contain("class_aggregation"));
        string missing = Refused("metric", "mean_iou", "--pred", _pred, "--true", _true);
        Assert.That(missing, Does.Contain("--num-classes").And.Not.Contain("num_classes"));
        string targets = Refused("metric", "iou", "--pred", _pred, "--true", _true, "--num-classes", "3");
        Assert.That(targets, Does.Contain("--target-class-ids").And.Not.Contain("target_class_ids"));
        Assert.That(ErrorText.Flag("summation_method"), Is.EqualTo("--summation-method"));
    }

    [TestCase("nan")]
    [TestCase("-1")]
    [TestCase("0")]
    [TestCase("Infinity")]
    public void ALearningRateThatCannotTrainIsRefused(string rate) =>
        Assert.That(Refused("train-demo", "--steps", "2", "--learning-rate", rate), Does.Contain("--learning-rate must be a positive finite number"));

    /// <summary>The parity table pads its case column to the longest name: a case that inlined a (6, 4) embedding
    /// matrix (402 characters) made every row about 400 characters wide; the longest is now 188. Names are unique (11
    /// repeated before: examples of one source with the same options now end in " #2").</summary>
    [Test]
    public void ParityCaseNamesAreShortAndUnique()
    {
        string[] names = CrossBackend.Cli.Parity.ParityCases.Default().Select(c => c.Name).ToArray();
        Assert.That(names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToArray(), Is.Empty);
        Assert.That(names.Max(n => n.Length), Is.LessThanOrEqualTo(200), names.MaxBy(n => n.Length));
        Assert.That(names, Has.Some.Contains("ref_embeddings=<(6, 4) array>"));
    }

    /// <summary>A diverging run's verdict stays short: 3.5e39 in scientific notation, not 40 digits.</summary>
    [Test]
    public void AHugeLossPrintsInScientificNotation()
    {
        Assert.That(TrainDemoCommand.Loss(3.512573677970288E+39), Is.EqualTo("3.512574e+39"));
        Assert.That(TrainDemoCommand.Loss(1.9515955035529524), Is.EqualTo("1.951596"));
        Assert.That(TrainDemoCommand.Loss(0.002603266509849274), Is.EqualTo("0.002603"));
    }
}
