using System.Text.Json;
using CrossBackend.Cli;
using CrossBackend.IO;
using CrossBackend.Testing;
using CrossBackend.Tests.References;
using static CrossBackend.Tests.Reliability.CliRun;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// <c>crossbackend loss … --json</c> for the FastEstimator functions that reduce by their own options prints
/// FastEstimator's result shape, the same on every engine: one value is a scalar, shape <c>[]</c> (as NumPy and Keras
/// print it; torch holds it as (), the channels-last engine as (1,)); a per-element result comes back in the file's
/// channels-last order. Through the CLI's command code in-process (<see cref="CliApp.Run"/>).
/// </summary>
[NonParallelizable]
public sealed class CliResultShapeTests
{
    private string _dir = null!;

    [OneTimeSetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("cb-cli-shape").FullName;

    [OneTimeTearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private string Npy(string name, double[] values, long[] shape)
    {
        string path = Path.Combine(_dir, name);
        NpyFile.Write(path, values.Select(v => (float)v).ToArray(), shape);
        return path;
    }

    /// <summary>The loss, its y_pred shape, the extra CLI options, and FastEstimator's result shape.</summary>
    public static IEnumerable<TestCaseData> Cases() =>
        new (string Loss, long[] Shape, string[] Options, long[] Expected)[]
        {
            ("l2_regularization", [2, 2], [], []),
            ("l2_regularization", [2, 3, 2], ["--beta", "0.3"], []),
            ("focal_loss", [2, 3, 2], [], []),
            ("focal_loss", [2, 3, 2], ["--sample-reduction", "sum"], []),
            ("focal_loss", [2, 3, 2], ["--shape-reduction", "none"], []),
            ("focal_loss", [2, 3, 2], ["--sample-reduction", "none"], [2]),
            ("focal_loss", [2, 3, 2], ["--shape-reduction", "none", "--sample-reduction", "none"], [2, 3, 2]),
            ("dice_score", [2, 4, 4, 3], [], [2, 3]),
            ("dice_score", [2, 4, 4, 3], ["--channel-average"], [2]),
            ("dice_score", [2, 4, 4, 3], ["--sample-average"], [3]),
            ("dice_score", [2, 4, 4, 3], ["--sample-average", "--channel-average"], []),
        }.Select(c => new TestCaseData(c.Loss, c.Shape, c.Options, c.Expected)
            .SetArgDisplayNames(c.Loss, string.Join("x", c.Shape), string.Join(" ", c.Options), "[" + string.Join(", ", c.Expected) + "]"));

    [TestCaseSource(nameof(Cases))]
    public void JsonShapeIsFastEstimatorsOnEveryEngine(string loss, long[] shape, string[] options, long[] expected) =>
        ShapeIsTheSameOnEveryEngine(loss, shape, options, expected);

    /// <summary>
    /// Keras losses with <c>--reduction none</c> whose per-element loss reduces every axis of y_pred (dice and tversky
    /// without an axis, a rank-1 y_pred that is one sample): Keras returns shape (), and with a sample weight of shape
    /// W the product's shape W (keras/src/losses/loss.py, <c>reduce_weighted_values</c>: values · sample_weight after
    /// <c>squeeze_or_expand_to_same_rank</c>, which leaves a rank-0 loss alone and squeezes (1,) weights to ()).
    /// Before, torch printed [] and the
    /// channels-last engine [1], and the CLI called the equal values a disagreement (exit code 1). Weights are given as a
    /// shape here (a .npy of 0.3s).
    /// </summary>
    public static IEnumerable<TestCaseData> KerasNoneCases() =>
        new (string Loss, long[] Shape, string[] Options, long[]? Weights, long[] Expected)[]
        {
            ("dice", [2, 3], [], null, []),
            ("tversky", [2, 3], ["--alpha", "0.3", "--beta", "0.7"], null, []),
            ("dice", [2, 3], ["--axis", "1"], null, [2]),
            ("binary_crossentropy", [4], [], null, []),
            ("mean_squared_error", [4], [], null, []),
            ("huber", [4], ["--delta", "0.3"], null, []),
            ("categorical_crossentropy", [3], ["--label-smoothing", "0.1"], null, []),
            ("mean_squared_error", [2, 3], [], null, [2]),
            ("dice", [2, 3], [], [], []),
            ("dice", [2, 3], [], [1], []),
            ("binary_crossentropy", [4], [], [1, 1], [1, 1]),
            // Weights of one value and rank 3: the product keeps their shape (the channels-last engine gave (1,)).
            ("dice", [2, 3], [], [1, 1, 1], [1, 1, 1]),
            ("binary_crossentropy", [4], [], [1, 1, 1], [1, 1, 1]),
            ("categorical_crossentropy", [3], ["--label-smoothing", "0.1"], [1, 1, 1], [1, 1, 1]),
            ("dice", [2, 3], [], [2, 1], [2, 1]),
        }.Select(c => new TestCaseData(c.Loss, c.Shape, c.Options, c.Weights, c.Expected)
            .SetArgDisplayNames(c.Loss, string.Join("x", c.Shape), string.Join(" ", c.Options),
                c.Weights is null ? "no weights" : "weights [" + string.Join(", ", c.Weights) + "]", "[" + string.Join(", ", c.Expected) + "]"));

    [TestCaseSource(nameof(KerasNoneCases))]
    public void UnreducedScalarHasKerassShapeOnEveryEngine(string loss, long[] shape, string[] options, long[]? weights, long[] expected)
    {
        string[] weightOption = weights is null ? []
            : ["--sample-weights", Npy($"{loss}-weights-{weights.Length}.npy", Enumerable.Repeat(0.3, (int)weights.Aggregate(1L, (a, b) => a * b)).ToArray(), weights)];
        ShapeIsTheSameOnEveryEngine(loss, shape, [.. options, "--reduction", "none", .. weightOption], expected);
    }

    private void ShapeIsTheSameOnEveryEngine(string loss, long[] shape, string[] options, long[] expected)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        string pred = Npy($"{loss}-pred.npy", Ref.Uniform(41, count, 0.05, 0.95), shape);
        string truth = Npy($"{loss}-true.npy", Ref.Uniform(42, count, 0, 2).Select(Math.Floor).ToArray(), shape);
        string[] files = LossRegistry.Get(loss).Labels == LossLabels.None ? ["--pred", pred] : ["--pred", pred, "--true", truth];

        var lines = new List<JsonElement>();
        foreach (string backend in TensorEngines.All.Select(e => e.Name))
        {
            (int code, string stdout, string stderr) = Run(["loss", loss, .. files, .. options, "--backend", backend, "--json"]);
            Assert.That(code, Is.Zero, stderr);
            lines.Add(JsonDocument.Parse(stdout.Trim()).RootElement);
        }
        foreach (JsonElement line in lines)
            Assert.That(line.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()), Is.EqualTo(expected),
                $"{line.GetProperty("backend")}: {line}");

        // Every engine at once: the same shapes, and the values agree (a per-element result in the file's order).
        (int all, string output, string err) = Run(["loss", loss, .. files, .. options, "--json"]);
        Assert.That(all, Is.Zero, output + err);
        JsonElement verdict = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.That(verdict.GetProperty("agree").GetBoolean(), Is.True, output);
    }

    [TestCase("focal_loss", true)]
    [TestCase("l2_regularization", false)]
    [TestCase("circle", true)]
    public void AxisIsRefusedNamingTheArgument(string loss, bool labels)
    {
        string pred = Npy($"{loss}-axis-pred.npy", Ref.Uniform(43, 12, 0.05, 0.95), [2, 3, 2]);
        string truth = Npy($"{loss}-axis-true.npy", Ref.Uniform(44, 12, 0, 2).Select(Math.Floor).ToArray(), [2, 3, 2]);
        foreach (string backend in TensorEngines.All.Select(e => e.Name))
        {
            (int code, string stdout, string stderr) = Run(["loss", loss, "--pred", pred, .. labels ? new[] { "--true", truth } : [], "--axis", "2", "--backend", backend]);
            Assert.That(code, Is.Not.Zero);
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr, Does.Contain($"--axis is not used by `{loss}`").And.Contain("Received: --axis=2"));   // the CLI option, not the C# parameter
        }
    }
}
