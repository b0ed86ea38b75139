using CrossBackend.Cli;
using CrossBackend.IO;
using static CrossBackend.Tests.Reliability.CliRun;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Mistakes a user makes at the command line, found by a review that ran the CLI by hand: a directory where a file
/// goes, a misspelled loss or metric name, a word where a number goes, and where the verdict of <c>train-demo --json</c>
/// is written. Each is refused (exit 2, one line) naming the option and how to fix it.
/// </summary>
[NonParallelizable]
public sealed class CliMistakesTests
{
    private string _dir = null!, _pred = null!, _true = null!, _folder = null!;

    [OneTimeSetUp]
    public void MakeFiles()
    {
        _dir = Directory.CreateTempSubdirectory("cb-cli-mistakes").FullName;
        _pred = Path.Combine(_dir, "p.npy");
        _true = Path.Combine(_dir, "t.npy");
        NpyFile.Write(_pred, new[] { 0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.05f }, [2, 3]);
        NpyFile.Write(_true, new[] { 0f, 1f, 0f, 1f, 0f, 0f }, [2, 3]);
        // A folder whose name ends in .npy / .h5, as a tab completion to the wrong level gives.
        _folder = Directory.CreateDirectory(Path.Combine(_dir, "batch.npy")).FullName;
    }

    [OneTimeTearDown]
    public void RemoveFiles() => Directory.Delete(_dir, recursive: true);

    /// <summary>A directory was reported as "Access to the path … is denied" (.npy options) or "file not found"
    /// (keras): both send the user to check permissions or spelling, when the path names a folder.</summary>
    [Test]
    public void ADirectoryIsNamedAsADirectory()
    {
        Assert.That(Refused("loss", "categorical_crossentropy", "--pred", _folder, "--true", _true),
            Does.StartWith($"crossbackend: error: --pred {_folder}: is a directory").And.Not.Contain("denied"));
        Assert.That(Refused("metric", "accuracy", "--pred", _pred, "--true", _folder),
            Does.StartWith($"crossbackend: error: --true {_folder}: is a directory"));
        Assert.That(Refused("keras", "inspect", _folder),
            Does.StartWith($"crossbackend: error: {_folder}: is a directory").And.Not.Contain("not found"));
    }

    /// <summary>keras predict with --config blamed the config for a missing model ("cfg.json: file not found
    /// (model.h5)"), and a --config folder was called "not a Keras model file".</summary>
    [Test]
    public void KerasNamesTheMissingFileAndTheConfigOption()
    {
        string config = Path.Combine(_dir, "arch.json");
        File.WriteAllText(config, "{}");
        string missing = Path.Combine(_dir, "no_model.weights.h5");
        Assert.That(Refused("keras", "predict", missing, "--config", config, "--input", _pred),
            Does.StartWith($"crossbackend: error: {missing}: file not found"));
        Assert.That(Refused("keras", "predict", _pred, "--config", _folder, "--input", _pred),
            Does.StartWith($"crossbackend: error: --config {_folder}: is a directory, not a file").And.Not.Contain("Keras model file"));
    }

    /// <summary>README: errors give dtypes by their NumPy names. An int8/int16 array printed only its header code
    /// ("unsupported dtype '|i1'"); parity --loss without --pred said only "option '--pred' is required".</summary>
    [Test]
    public void DtypesByNumPyNameAndParityPredSaysWhatItIs()
    {
        string int8 = Path.Combine(_dir, "i8.npy");
        NpyFile.Write(int8, new sbyte[] { 0, 1, 0, 1, 0, 0 }, [2, 3]);
        Assert.That(Refused("loss", "categorical_crossentropy", "--pred", _pred, "--true", int8),
            Does.Contain($"--true {int8}: unsupported dtype '|i1' (int8; supported here:"));
        Assert.That(Refused("parity", "--loss", "categorical_crossentropy"),
            Does.Contain("--pred is required with --loss: y_pred as a .npy file, e.g. --pred pred.npy"));
    }

    /// <summary>A library error about `y_true` (its parameter) did not say which option holds it: it now starts with
    /// --true (and `y_pred` with --pred), the files the user passed.</summary>
    [Test]
    public void LabelErrorsNameTheTrueOption()
    {
        Assert.That(Refused("loss", "sparse_categorical_crossentropy", "--pred", _pred, "--true", _true),
            Does.StartWith("crossbackend: error: --true: Argument `y_true` must hold one class index per element"));
    }

    /// <summary>An unknown loss or metric listed the 28 (18) known names; one edit away from a known name, the
    /// message now leads with it.</summary>
    [Test]
    public void AMisspelledNameSuggestsTheNearestKnownOne()
    {
        Assert.That(Refused("loss", "categorical_crosentropy", "--pred", _pred, "--true", _true),
            Does.Contain("unknown loss 'categorical_crosentropy' (did you mean 'categorical_crossentropy'?").And.Contain("known: "));
        Assert.That(Refused("parity", "--loss", "Hinge", "--pred", _pred, "--true", _true),
            Does.Contain("did you mean 'hinge'?"));
        Assert.That(Refused("metric", "f1_scor", "--pred", _pred, "--true", _true),
            Does.Contain("unknown metric 'f1_scor' (did you mean 'f1_score'?"));
        // Nothing close: no guess, only the list.
        Assert.That(Refused("loss", "triplet", "--pred", _pred, "--true", _true), Does.Not.Contain("did you mean"));
    }

    /// <summary>A misspelled option or command was "Unrecognized command or argument '--lable-smoothing'" with no hint;
    /// one or two letters off one of the command's options (or subcommands) it now names it.</summary>
    [Test]
    public void AMisspelledOptionOrCommandSuggestsTheNearestOne()
    {
        Assert.That(Refused("loss", "categorical_crossentropy", "--pred", _pred, "--true", _true, "--lable-smoothing", "0.1"),
            Does.Contain("Unrecognized command or argument '--lable-smoothing' (did you mean '--label-smoothing'?)."));
        Assert.That(Refused("metric", "f1_score", "--pred", _pred, "--true", _true, "--averag", "macro"),
            Does.Contain("'--averag' (did you mean '--average'?)."));
        Assert.That(Refused("los", "categorical_crossentropy"), Does.Contain("'los' (did you mean 'loss'?)."));
        Assert.That(Refused("keras", "inspekt", "m.h5"), Does.Contain("'inspekt' (did you mean 'inspect'?)."));
        Assert.That(Refused("bench"), Does.Contain("'bench'.").And.Not.Contain("did you mean"));
    }

    /// <summary>System.CommandLine lets --help win over an unknown word: `crossbackend bench --help` printed the top-level
    /// help (exit 0) as if bench were a command. bench is not one (the benchmarks are a project of the repository):
    /// an unknown command with --help is refused as it is without, and bench says where the benchmarks are.</summary>
    [Test]
    public void HelpAfterAnUnknownCommandRefusesTheCommand()
    {
        Assert.That(Refused("bench", "--help"), Does.Contain("Unrecognized command or argument 'bench'.")
            .And.Contain("crossbackend has no bench command").And.Contain("--project benchmarks/CrossBackend.Benchmarks"));
        Assert.That(Refused("los", "--help"), Does.Contain("'los' (did you mean 'loss'?)."));
        Assert.That(Refused("keras", "inspekt", "-h"), Does.Contain("'inspekt' (did you mean 'inspect'?).").And.Contain("crossbackend keras --help"));
        // A known command's --help is still its own help.
        (int code, string stdout, string stderr) = Run("metric", "--help");
        Assert.That(code, Is.EqualTo(CliApp.Ok), stderr);
        Assert.That(stdout, Does.Contain("Compute one metric").And.Not.Contain("one loss function, every engine"));
    }

    /// <summary>System.CommandLine put an unknown option in the name's place: `loss --from-logit …` answered
    /// "unknown loss '--from-logit'" and listed the losses. A name that starts with '-' is an unknown option, with the
    /// did-you-mean the other unknown options get.</summary>
    [Test]
    public void AnOptionInTheNamesPlaceIsAnUnknownOption()
    {
        Assert.That(Refused("loss", "--from-logit", "--pred", _pred, "--true", _true),
            Does.Contain("Unrecognized command or argument '--from-logit' (did you mean '--from-logits'?).").And.Not.Contain("unknown loss"));
        Assert.That(Refused("loss", "--bogus", "--pred", _pred, "--true", _true),
            Does.Contain("Unrecognized command or argument '--bogus'.").And.Contain("crossbackend loss --help").And.Not.Contain("unknown loss"));
        Assert.That(Refused("metric", "--averag", "--pred", _pred, "--true", _true),
            Does.Contain("'--averag' (did you mean '--average'?).").And.Not.Contain("unknown metric"));
        Assert.That(Refused("parity", "--loss", "--bogus", "--pred", _pred),
            Does.Contain("Unrecognized command or argument '--bogus'.").And.Not.Contain("unknown loss"));
    }

    /// <summary>--reduction took Keras 3's mean and mean_with_sample_weight (keras/src/losses/loss.py,
    /// standardize_reduction) but neither the help nor the refusal listed them: both now name each alias beside the
    /// reduction it is. MSE of p = [[0.1, 0.8, 0.1], [0.9, 0.05, 0.05]], y = [[0, 1, 0], [1, 0, 0]] with weights [0.1, 0.3]:
    /// per sample 1/3·[0.06, 0.015] = [0.02, 0.005], so sum_over_batch_size (mean) = (0.002 + 0.0015) / 2 = 0.00175 and
    /// weighted_mean (mean_with_sample_weight) = 0.0035 / 0.4 = 0.00875.</summary>
    [Test]
    public void ReductionAliasesAreListedAndMeanWhatTheyName()
    {
        (int code, string help, string err) = Run("loss", "--help");
        Assert.That(code, Is.EqualTo(CliApp.Ok), err);
        string line = help.Split('\n').Single(l => l.TrimStart().StartsWith("--reduction", StringComparison.Ordinal));
        Assert.That(line, Does.Contain("sum_over_batch_size (or mean)").And.Contain("weighted_mean (or mean_with_sample_weight)"));
        Assert.That(Refused("loss", "mean_squared_error", "--pred", _pred, "--true", _true, "--reduction", "average"),
            Does.Contain("--reduction: unknown 'average'").And.Contain("sum_over_batch_size (or mean), weighted_mean (or mean_with_sample_weight)"));

        string weights = Path.Combine(_dir, "w.npy");
        NpyFile.Write(weights, new[] { 0.1f, 0.3f }, [2]);
        // The values checked with NumPy in float64 from the float32 inputs: 0.0017500002, 0.0087500008.
        foreach ((string alias, string name, double expected) in new[] { ("mean", "sum_over_batch_size", 0.00175), ("mean_with_sample_weight", "weighted_mean", 0.00875) })
        {
            string Loss(string reduction)
            {
                (int c, string stdout, string stderr) = Run("loss", "mean_squared_error", "--pred", _pred, "--true", _true,
                    "--sample-weights", weights, "--reduction", reduction, "--json");
                Assert.That(c, Is.EqualTo(CliApp.Ok), stderr);
                return stdout;
            }
            string output = Loss(alias);
            Assert.That(output, Is.EqualTo(Loss(name)), alias);
            foreach (string engineLine in output.Trim().Split('\n')[..^1])
                Assert.That(System.Text.Json.JsonDocument.Parse(engineLine).RootElement.GetProperty("loss").GetDouble(),
                    Is.EqualTo(expected).Within(1e-5 * expected), $"{alias}: {engineLine}");
        }
    }

    /// <summary>A metric option given the wrong kind of value showed the library's .NET type name ("Received:
    /// --threshold=abc (String)"); it now says what was typed, what the option takes and an example.</summary>
    [Test]
    public void AWrongMetricValueSaysWhatTheOptionTakes()
    {
        Assert.That(Refused("metric", "f1_score", "--pred", _pred, "--true", _true, "--threshold", "abc"),
            Is.EqualTo("crossbackend: error: --threshold: 'abc' is not a number (e.g. --threshold 0.5)\n"));
        Assert.That(Refused("metric", "f1_score", "--pred", _pred, "--true", _true, "--threshold"),
            Does.Contain("--threshold: a value is required: a number (e.g. --threshold 0.5)"));
        Assert.That(Refused("metric", "top_k_categorical_accuracy", "--pred", _pred, "--true", _true, "--k", "1.5"),
            Does.Contain("--k: '1.5' is not an integer (e.g. --k 2)").And.Not.Contain("Double"));
        Assert.That(Refused("metric", "f1_score", "--pred", _pred, "--true", _true, "--average", "3"),
            Does.Contain("--average: '3' is not one of binary, macro").And.Not.Contain("Int64"));
        Assert.That(Refused("metric", "auc", "--pred", _pred, "--true", _true, "--thresholds", "0.5,abc"),
            Does.Contain("--thresholds: '0.5,abc' is not a number or a list of numbers").And.Not.Contain("String"));
    }

    /// <summary>A word where a number goes was reported with the .NET type ("as expected type 'System.Int32'").</summary>
    [Test]
    public void AWordForANumberSaysIntegerNotTheDotNetType()
    {
        string message = Refused("train-demo", "--steps", "ten");
        Assert.That(message, Does.Contain("--steps: 'ten' is not an integer").And.Not.Contain("System."));
        Assert.That(Refused("train-demo", "--learning-rate", "fast"), Does.Contain("--learning-rate: 'fast' is not a number").And.Not.Contain("System."));
    }

    /// <summary>With --json the verdict goes to stderr so stdout stays JSON Lines; it was written to the process's
    /// Console.Error instead of the stderr the CLI was given, so a caller (or test) reading stderr saw nothing.</summary>
    [Test]
    public void TrainDemoJsonVerdictGoesToTheGivenStderr()
    {
        (int code, string stdout, string stderr) = Run("train-demo", "--steps", "2", "--json");
        Assert.That(code, Is.EqualTo(CliApp.Ok), stderr);
        Assert.That(stdout.TrimEnd().Split('\n'), Has.Length.EqualTo(2).And.All.StartWith("{\"step\": "));
        Assert.That(stderr, Does.StartWith("engines agree: greatest relative difference").And.Contain("loss falls"));
    }

    /// <summary>The README's command-line section states every exit code CliApp returns (3, an unexpected failure, was
    /// not mentioned), and the project table names every command.</summary>
    [Test]
    public void TheReadmeStatesEveryExitCodeAndCommand()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "README.md"))) root = Path.GetDirectoryName(root)!;
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string section = readme[readme.IndexOf("## Command line", StringComparison.Ordinal)..];
        section = string.Join(" ", section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)].Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.That(section, Does.Contain($"Exit codes: {CliApp.Ok} success, {CliApp.Disagreement} ").And.Contain($", {CliApp.BadInput} bad input")
            .And.Contain($", {CliApp.Failure} an unexpected failure"));
        Assert.That(readme, Does.Contain("the `crossbackend` command line (`parity`, `loss`, `metric`, `keras`, `train-demo`)"));
    }
}
