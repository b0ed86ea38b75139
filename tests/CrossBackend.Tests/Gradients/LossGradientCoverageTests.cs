using System.Text.Json;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// Every registered loss's gradient with respect to y_pred, on every engine, against PyTorch 1.13's
/// <c>torch.autograd.grad</c> of the loss written as Keras 3 defines it (FastEstimator's for its own losses) in torch
/// float64 ops (<c>data/make_loss_gradients.py</c>, run here): defaults and the options that change the gradient
/// (from_logits, label_smoothing, axis, class weights, ignore_class, per-class α, FastEstimator's own reductions), the
/// four reductions with sample weights, points just inside and just outside the clip bounds, and no point at a kink,
/// clip bound or max tie, where the derivative does not exist. The case's data is channels-last; <see cref="LossExample"/>
/// moves it into each engine's layout and the gradient comes back channels-last. <c>Losses.Gradient</c> differentiates
/// with respect to y_pred; the cases that give floating tensor options (sample weights, circle's reference embeddings)
/// also run under a <see cref="GradientTape"/> watching them, against PyTorch's gradients with respect to each.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class LossGradientCoverageTests(ITensorEngine engine)
{
    private sealed record Case(string Name, string Loss, double[] YPred, long[] Shape, double[]? YTrue, long[]? TrueShape,
        Dictionary<string, JsonElement> Arguments, Dictionary<string, long[]>? TensorShapes, double[] Gradient,
        Dictionary<string, double[]>? OptionGradients);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly Lazy<Dictionary<string, Case>> Cases = new(() =>
        JsonSerializer.Deserialize<Case[]>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Gradients", "data", "loss_gradients.json")), Json)!
            .ToDictionary(c => c.Name));

    private const double Rtol = 1e-12, Atol = 1e-12;

    /// <summary>Over this engine's cases: the greatest |actual − expected| / (atol + rtol·|expected|) and where, the greatest
    /// |actual − expected|, and the greatest |actual − expected| / |expected| over non-zero expected values.</summary>
    private (double Ratio, string Name, double Absolute, double Relative) _worst = (0, "", 0, 0);

    public static IEnumerable<string> Names() => Cases.Value.Keys;

    public static IEnumerable<string> NamesWithTensorOptions() => Cases.Value.Values.Where(c => c.OptionGradients is not null).Select(c => c.Name);

    [Test]
    public void EveryRegisteredLossHasCases() =>
        Assert.That(Cases.Value.Values.Select(c => c.Loss).Distinct().Order(), Is.EqualTo(LossRegistry.All.Select(d => d.Name).Order()));

    [TestCaseSource(nameof(Names))]
    public void TheGradientIsPyTorchsOfKerasFormula(string name)
    {
        Case c = Cases.Value[name];
        LossDefinition loss = LossRegistry.Get(c.Loss);
        var arguments = c.Arguments.ToDictionary(a => a.Key, a => Argument(loss, a.Key, a.Value));
        var example = new LossExample("PyTorch 1.13 autograd", c.YPred, c.Shape, c.YTrue, c.TrueShape, arguments, [], TensorShapes: c.TensorShapes);
        object gradient = example.Run(loss, engine, DType.Float64, LossExample.Mode.Gradient);
        double[] actual = RegistryTests.ChannelsLast(engine, gradient, c.Shape.Length);
        Assert.That(actual, Has.Length.EqualTo(c.Gradient.Length), name);
        Track(name, actual, c.Gradient);
        TensorAssert.AreClose(actual, c.Gradient, Rtol, Atol, equalNan: true, message: $"{name} ({c.Loss}) on {engine.Name}");
    }

    /// <summary>
    /// The same loss under a <see cref="GradientTape"/> that watches y_pred and the floating tensor options (sample
    /// weights, circle's reference embeddings): the gradient with respect to each, against PyTorch's. y_pred's gradient
    /// here comes from the tape around <see cref="LossDefinition.Compute"/>, a second path beside <c>Losses.Gradient</c>.
    /// </summary>
    [TestCaseSource(nameof(NamesWithTensorOptions))]
    public void TheTensorOptionGradientsArePyTorchs(string name)
    {
        Case c = Cases.Value[name];
        LossDefinition loss = LossRegistry.Get(c.Loss);
        object yPred = engine.FromChannelsLast(c.YPred, c.Shape);
        object? yTrue = c.YTrue is null ? null
            : loss.Labels is LossLabels.ClassIndices or LossLabels.IntegerLabels ? engine.FromArray(c.YTrue.Select(v => (long)v).ToArray(), c.TrueShape ?? c.Shape[..^1])
            : engine.FromChannelsLast(c.YTrue, c.TrueShape ?? c.Shape);
        var arguments = new LossArguments();
        var watched = new List<(string Name, object Tensor)> { ("y_pred", yPred) };
        foreach ((string key, JsonElement value) in c.Arguments)
        {
            object? argument = Argument(loss, key, value);
            if (argument is double[] data && loss.Option(key)!.Kind == LossOptionKind.Tensor)
            {
                argument = engine.FromArray(data, c.TensorShapes?.GetValueOrDefault(key) ?? [data.Length]);
                if (c.OptionGradients!.ContainsKey(key)) watched.Add((key, argument));
            }
            arguments[key] = argument;
        }
        object[] gradients;
        using (var tape = GradientTape.Record())
        {
            foreach ((_, object t) in watched) tape.Watch(t);
            gradients = tape.Gradient(Backend.ReduceSum(loss.Compute(yPred, yTrue, arguments)), watched.Select(w => w.Tensor).ToArray());
        }
        Assert.That(watched.Skip(1).Select(w => w.Name), Is.EquivalentTo(c.OptionGradients!.Keys), name);
        TensorAssert.AreClose(RegistryTests.ChannelsLast(engine, gradients[0], c.Shape.Length), c.Gradient, Rtol, Atol, equalNan: true,
            message: $"{name} ({c.Loss}) on {engine.Name}: y_pred through the tape");
        for (int i = 1; i < watched.Count; i++)
        {
            double[] actual = engine.ToDoubleArray(gradients[i], out _), expected = c.OptionGradients[watched[i].Name];
            Track(name + ":" + watched[i].Name, actual, expected);
            TensorAssert.AreClose(actual, expected, Rtol, Atol, equalNan: true, message: $"{name} ({c.Loss}) on {engine.Name}: {watched[i].Name}");
        }
    }

    [OneTimeTearDown]
    public void Report() =>
        TestContext.Progress.WriteLine($"loss gradients vs PyTorch on {engine.Name}: {Cases.Value.Count} cases, " +
                                       $"{Cases.Value.Values.Select(c => c.Loss).Distinct().Count()} losses; greatest |Δ|/(atol + rtol·|expected|) " +
                                       $"{_worst.Ratio:G3} at {_worst.Name}; greatest |Δ| {_worst.Absolute:G3}, greatest |Δ|/|expected| {_worst.Relative:G3}");

    private void Track(string name, double[] actual, double[] expected)
    {
        for (int i = 0; i < Math.Min(actual.Length, expected.Length); i++)
        {
            double difference = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(difference)) continue;   // NaN against NaN; a lone NaN fails the assertion
            double ratio = difference / (Atol + Rtol * Math.Abs(expected[i]));
            if (ratio > _worst.Ratio) _worst = _worst with { Ratio = ratio, Name = $"{name}[{i}]" };
            if (difference > _worst.Absolute) _worst = _worst with { Absolute = difference };
            if (expected[i] != 0 && difference / Math.Abs(expected[i]) > _worst.Relative) _worst = _worst with { Relative = difference / Math.Abs(expected[i]) };
        }
    }

    /// <summary>A JSON argument as the option's kind takes it; tensor-valued ones as <c>double[]</c> (shapes beside).</summary>
    private static object? Argument(LossDefinition loss, string name, JsonElement value)
    {
        LossOption option = loss.Option(name) ?? throw new ArgumentException($"{loss.Name} has no option {name}");
        return option.Kind switch
        {
            LossOptionKind.Bool => value.GetBoolean(),
            LossOptionKind.Integer => value.GetInt32(),
            LossOptionKind.Axes => value.EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            LossOptionKind.ClassWeights => (IReadOnlyDictionary<int, double>)value.EnumerateObject()
                .ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetDouble()),
            LossOptionKind.Reduction or LossOptionKind.Choice => value.GetString(),
            _ when value.ValueKind == JsonValueKind.Array => value.EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            _ => value.GetDouble(),
        };
    }
}
