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
/// moves it into each engine's layout and the gradient comes back channels-last. The public gradient API differentiates
/// with respect to y_pred only (sample weights and tensor options are data).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class LossGradientCoverageTests(ITensorEngine engine)
{
    private sealed record Case(string Name, string Loss, double[] YPred, long[] Shape, double[]? YTrue, long[]? TrueShape,
        Dictionary<string, JsonElement> Arguments, Dictionary<string, long[]>? TensorShapes, double[] Gradient);

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
        for (int i = 0; i < actual.Length; i++)
        {
            double difference = Math.Abs(actual[i] - c.Gradient[i]);
            double ratio = difference / (Atol + Rtol * Math.Abs(c.Gradient[i]));
            if (ratio > _worst.Ratio) _worst = _worst with { Ratio = ratio, Name = $"{name}[{i}]" };
            if (difference > _worst.Absolute) _worst = _worst with { Absolute = difference };
            if (c.Gradient[i] != 0 && difference / Math.Abs(c.Gradient[i]) > _worst.Relative) _worst = _worst with { Relative = difference / Math.Abs(c.Gradient[i]) };
        }
        TensorAssert.AreClose(actual, c.Gradient, Rtol, Atol, equalNan: true, message: $"{name} ({c.Loss}) on {engine.Name}");
    }

    [OneTimeTearDown]
    public void Report() =>
        TestContext.Progress.WriteLine($"loss gradients vs PyTorch on {engine.Name}: {Cases.Value.Count} cases, " +
                                       $"{Cases.Value.Values.Select(c => c.Loss).Distinct().Count()} losses; greatest |Δ|/(atol + rtol·|expected|) " +
                                       $"{_worst.Ratio:G3} at {_worst.Name}; greatest |Δ| {_worst.Absolute:G3}, greatest |Δ|/|expected| {_worst.Relative:G3}");

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
