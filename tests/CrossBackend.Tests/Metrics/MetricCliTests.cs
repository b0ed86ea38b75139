using System.Globalization;
using System.Text.Json;
using CrossBackend.Cli;
using CrossBackend.IO;
using CrossBackend.Testing;
using static CrossBackend.Tests.Reliability.CliRun;

namespace CrossBackend.Tests.MetricTests;

/// <summary>
/// <c>crossbackend metric</c> reproduces every published example of every registered metric from .npy files, on every
/// engine at once (the engines must agree), with the example's keyword arguments as flags. Through the CLI's command
/// code in-process (<see cref="CliApp.Run"/>). No metric or engine is named in the cases.
/// </summary>
[NonParallelizable]
public sealed class MetricCliTests
{
    private string _dir = null!;

    [OneTimeSetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("cb-cli-metric").FullName;

    [OneTimeTearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private string Npy(string name, Array values, long[] shape)
    {
        string path = Path.Combine(_dir, name);
        if (values is long[] longs) NpyFile.Write(path, longs, shape);
        else NpyFile.Write(path, ((double[])values).Select(v => (float)v).ToArray(), shape);
        return path;
    }

    public static IEnumerable<TestCaseData> Cases() =>
        from metric in MetricRegistry.All
        from index in Enumerable.Range(0, metric.Examples.Count)
        select new TestCaseData(metric.Name, index).SetArgDisplayNames(metric.Name, metric.Examples[index].ToString());

    [TestCaseSource(nameof(Cases))]
    public void ReproducesThePublishedValueOnEveryEngine(string name, int index)
    {
        MetricDefinition metric = MetricRegistry.Get(name);
        MetricExample example = metric.Examples[index];
        string prefix = $"{name}-{index}";
        long[] trueShape = example.TrueShape ?? example.Shape;
        Array labels = metric.Labels == MetricLabels.ClassIndices ? example.YTrue.Select(v => (long)v).ToArray() : example.YTrue;
        var args = new List<string>
        {
            "metric", name, "--json",
            "--pred", Npy(prefix + "-pred.npy", example.YPred, example.Shape),
            "--true", Npy(prefix + "-true.npy", labels, trueShape),
        };
        foreach ((string option, object? value) in example.Arguments ?? new Dictionary<string, object?>())
        {
            args.Add("--" + option.Replace('_', '-'));
            args.Add(value switch
            {
                null => "none",
                bool b => b ? "true" : "false",
                double[] tensor => Npy($"{prefix}-{option}.npy", tensor, example.ArgumentShapes?.GetValueOrDefault(option) ?? [tensor.Length]),
                IEnumerable<double> list => string.Join(",", list.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString()!,
            });
        }
        if (example.Mean)
        {
            args.Add("--mean");
            if (example.SampleWeights is { } w)
                args.AddRange(["--sample-weight", Npy(prefix + "-weights.npy", w, example.WeightShape ?? [w.Length])]);
        }

        (int code, string stdout, string stderr) = Run([.. args]);
        string[] lines = stdout.Trim().Split('\n');
        Assert.That(code, Is.Zero, $"{string.Join(" ", args)}\n{stdout}{stderr}");
        JsonElement verdict = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.That(verdict.GetProperty("agree").GetBoolean(), Is.True, stdout);
        (double rtol, double atol) = Tolerance.For(DType.Float32);
        foreach (string line in lines[..^1])
        {
            JsonElement result = JsonDocument.Parse(line).RootElement;
            JsonElement values = result.GetProperty("metric");
            double[] actual = values.ValueKind == JsonValueKind.Array ? Flatten(values).ToArray() : [values.GetDouble()];
            TensorAssert.AreClose(actual, example.Expected, rtol, Math.Max(atol, example.Rounding), equalNan: true,
                message: $"{name}: {example} through the CLI on {result.GetProperty("backend")}");
        }
    }

    private static IEnumerable<double> Flatten(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten)
        : e.ValueKind == JsonValueKind.String ? [double.Parse(e.GetString()!, CultureInfo.InvariantCulture)]
        : [e.GetDouble()];

    [Test]
    public void BadCallsSayWhatIsWrong()
    {
        string pred = Npy("bad-pred.npy", new[] { 0.1, 0.9, 0.8, 0.05, 0.95, 0.0 }, [2, 3]);
        string truth = Npy("bad-true.npy", new[] { 0.0, 0, 1, 0, 1, 0 }, [2, 3]);
        (int code, _, string stderr) = Run("metric", "no_such_metric", "--pred", pred, "--true", truth);
        Assert.That(code, Is.EqualTo(CliApp.BadInput));
        Assert.That(stderr, Does.Contain("unknown metric 'no_such_metric'").And.Contain("f1_score"));

        (code, _, stderr) = Run("metric", "precision", "--pred", pred, "--true", truth, "--k", "2");
        Assert.That(code, Is.EqualTo(CliApp.BadInput));
        Assert.That(stderr, Does.Contain("--k does not apply to precision").And.Contain("--top-k"));

        (code, _, stderr) = Run("metric", "f1_score", "--pred", pred, "--true", truth, "--mean");
        Assert.That(code, Is.EqualTo(CliApp.BadInput));
        Assert.That(stderr, Does.Contain("--mean: f1_score already reduces the batch"));

        (code, _, stderr) = Run("metric", "fbeta_score", "--pred", pred, "--true", truth, "--beta", "0");
        Assert.That(code, Is.EqualTo(CliApp.BadInput));
        Assert.That(stderr, Does.Contain("--beta must be a finite number > 0"));
    }

    /// <summary>Class ids saved as integers (how they come out of an arg-max) are taken by the metrics that read ids, as
    /// Keras converts them to the metric's dtype: MeanIoU's docstring, y_true [0, 0, 1, 1], y_pred [0, 1, 0, 1] → 1/3, and
    /// R2Score's with integer targets → 4/7. The CLI refused every integer y_pred before, though the library takes them.
    /// A metric that reads scores still refuses them, naming the file and the cast that fixes it.</summary>
    [Test]
    public void IntegerPredictionsAreTakenByTheMetricsThatReadIds()
    {
        string ids = Npy("ids-pred.npy", new long[] { 0, 1, 0, 1 }, [4]), truth = Npy("ids-true.npy", new long[] { 0, 0, 1, 1 }, [4]);
        string r2Pred = Npy("r2-pred.npy", new long[] { 2, 4, 4 }, [3, 1]), r2True = Npy("r2-true.npy", new long[] { 1, 4, 3 }, [3, 1]);
        foreach ((string[] args, double expected) in new[]
                 {
                     (new[] { "mean_iou", "--pred", ids, "--true", truth, "--num-classes", "2" }, 1.0 / 3),
                     (new[] { "iou", "--pred", ids, "--true", truth, "--num-classes", "2", "--target-class-ids", "0" }, 1.0 / 3),
                     (new[] { "r2_score", "--pred", r2Pred, "--true", r2True }, 4.0 / 7),
                 })
        {
            (int code, string stdout, string stderr) = Run(["metric", .. args, "--json"]);
            Assert.That(code, Is.Zero, stdout + stderr);
            string[] lines = stdout.Trim().Split('\n');
            Assert.That(JsonDocument.Parse(lines[^1]).RootElement.GetProperty("agree").GetBoolean(), Is.True, stdout);
            foreach (string line in lines[..^1])
                Assert.That(JsonDocument.Parse(line).RootElement.GetProperty("metric").GetDouble(), Is.EqualTo(expected).Within(1e-6), $"{args[0]}: {line}");
        }

        (int refused, _, string error) = Run("metric", "f1_score", "--pred", ids, "--true", truth);
        Assert.That(refused, Is.EqualTo(CliApp.BadInput));
        Assert.That(error, Does.Contain($"--pred {ids}: f1_score needs scores").And.Contain("y_pred.dtype=int64").And.Contain("astype('float32')"));
    }

    /// <summary>`--axis` names the class axis as it is in the file. y_pred scores and one-hot y_true of shape (2, 2, 3):
    /// true ids [[0, 1], [2, 2]], predicted [[0, 2], [2, 1]]; OneHotMeanIoU over 3 classes = (1 + 0 + 1/3) / 3 = 4/9 with
    /// the default axis and with --axis 2 or -1 (the same axis). The torch engine once got 1/4 with --axis: the data
    /// was moved channels-first while the file's axis was passed on.</summary>
    [Test]
    public void AnAxisNamesTheFilesAxisOnEveryEngine()
    {
        int[] trueIds = [0, 1, 2, 2], predIds = [0, 2, 2, 1];
        double[] OneHot(int[] ids, double on, double off) => ids.SelectMany(id => Enumerable.Range(0, 3).Select(c => c == id ? on : off)).ToArray();
        string p = Npy("axis-pred.npy", OneHot(predIds, 0.8, 0.1), [2, 2, 3]), t = Npy("axis-true.npy", OneHot(trueIds, 1, 0), [2, 2, 3]);
        foreach (string[] axis in new[] { Array.Empty<string>(), ["--axis", "2"], ["--axis", "-1"] })
        {
            (int code, string stdout, string stderr) = Run(["metric", "one_hot_mean_iou", "--pred", p, "--true", t, "--num-classes", "3", "--json", .. axis]);
            Assert.That(code, Is.Zero, stdout + stderr);
            string[] lines = stdout.Trim().Split('\n');
            Assert.That(JsonDocument.Parse(lines[^1]).RootElement.GetProperty("agree").GetBoolean(), Is.True, $"{string.Join(" ", axis)}: {stdout}");
            foreach (string line in lines[..^1])
                Assert.That(JsonDocument.Parse(line).RootElement.GetProperty("metric").GetDouble(), Is.EqualTo(4.0 / 9).Within(1e-6), $"{string.Join(" ", axis)}: {line}");
        }
    }

    /// <summary>Per-timestep weights (B, T) beside (B, T, C) files with T == C: every engine gives Keras's numbers
    /// (NumPy running Keras's formulas: binary-accuracy mean 5/9, precision 4/9; the data of
    /// <see cref="PerTimestepWeightTests"/>), where a channels-first engine once read the weights per class.</summary>
    [Test]
    public void PerTimestepWeightsGiveKerassNumbersOnEveryEngine()
    {
        double[] pred = [0.81, 0.81, 0.52, 0.29, 0.05, 0.38, 0.41, 0.05, 0.05, 1, 0.65, 0.23, 0.43, 0.97, 0.9, 0.84, 0.39, 0.49];
        string p = Npy("step-pred.npy", pred, [2, 3, 3]);
        string t = Npy("step-true.npy", new double[] { 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0 }, [2, 3, 3]);
        string w = Npy("step-w.npy", new[] { 1, 0, 2, 0.5, 1, 3 }, [2, 3]);
        foreach ((string metric, string[] extra, double expected) in new[]
                 { ("binary_accuracy", new[] { "--mean" }, 5.0 / 9), ("precision", Array.Empty<string>(), 4.0 / 9) })
        {
            (int code, string stdout, string stderr) = Run(["metric", metric, "--pred", p, "--true", t, "--sample-weight", w, "--json", .. extra]);
            Assert.That(code, Is.Zero, stdout + stderr);
            string[] lines = stdout.Trim().Split('\n');
            Assert.That(JsonDocument.Parse(lines[^1]).RootElement.GetProperty("agree").GetBoolean(), Is.True, stdout);
            foreach (string line in lines[..^1])
                Assert.That(JsonDocument.Parse(line).RootElement.GetProperty("metric").GetDouble(), Is.EqualTo(expected).Within(1e-6), $"{metric}: {line}");
        }
    }

    [Test]
    public void APerSampleMetricPrintsOneValuePerSampleAndItsMeanAsAScalar()
    {
        // Keras's categorical_accuracy example, weights 0.7 / 0.3: per sample [0, 1]; the weighted mean 0.3.
        string pred = Npy("cat-pred.npy", new[] { 0.1, 0.9, 0.8, 0.05, 0.95, 0.0 }, [2, 3]);
        string truth = Npy("cat-true.npy", new[] { 0.0, 0, 1, 0, 1, 0 }, [2, 3]);
        string weights = Npy("cat-w.npy", new[] { 0.7, 0.3 }, [2]);
        foreach (ITensorEngine engine in TensorEngines.All)
        {
            (int code, string stdout, string stderr) = Run("metric", "categorical_accuracy", "--pred", pred, "--true", truth, "--backend", engine.Name, "--json");
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout.Trim(), Is.EqualTo($"{{\"backend\": \"{engine.Name}\", \"shape\": [2], \"metric\": [0, 1]}}"));
            (code, stdout, stderr) = Run("metric", "categorical_accuracy", "--pred", pred, "--true", truth, "--sample-weight", weights, "--backend", engine.Name);
            Assert.That(code, Is.Zero, stderr);
            Assert.That(double.Parse(stdout.Trim(), CultureInfo.InvariantCulture), Is.EqualTo(0.3).Within(1e-7), $"{engine.Name}: {stdout}");
        }
    }
}
