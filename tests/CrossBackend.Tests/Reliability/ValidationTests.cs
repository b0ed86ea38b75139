using System.Globalization;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// One bad input: how to build it on an engine, and what the public API must throw. Every message must name the
/// argument (in backticks, Keras style) and show what was received ("Received: ...").
/// </summary>
/// <param name="Name">The rule broken.</param>
/// <param name="Call">Builds the inputs on one engine and makes the call.</param>
/// <param name="Exception">The exact exception type expected.</param>
/// <param name="ParamName">The argument the exception names (<see cref="ArgumentException.ParamName"/>).</param>
/// <param name="Received">Fragments the message must contain: the values received.</param>
public sealed record BadInput(string Name, Action<EngineHarness> Call, Type Exception, string ParamName, params string[] Received)
{
    /// <summary>The rule mixes two engines' tensors (skipped where only one engine is found).</summary>
    public bool NeedsTwoEngines { get; init; }

    public override string ToString() => Name;
}

/// <summary>Issue 5, item 1: every bad input is refused at the public API with a message naming the argument and
/// showing what was received. Runs once per engine. The rules every registered loss shares (dtype, rank, option
/// names, kinds and ranges) are enumerated from the registry in <see cref="RegistryValidationTests"/>.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ValidationTests(ITensorEngine engine)
{
    private readonly EngineHarness _h = new(engine);

    private static object T(EngineHarness h, long[] shape, DType dtype = DType.Float32) =>
        h.Tensor(Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(i => 0.1 + i % 3).ToArray(), shape, dtype);

    private static void Cce(EngineHarness h, object p, object t, bool fromLogits = false, bool average = true, Dictionary<int, double>? w = null) =>
        Losses.CategoricalCrossentropy<object, object>(p, t, fromLogits, average, w);

    private static string Num(double v) => v.ToString(CultureInfo.CurrentCulture);

    /// <summary>The table: one entry per rule. A new loss adds its own rules here (e.g. sparse labels outside
    /// [0, C), label smoothing outside [0, 1]) as more entries.</summary>
    public static IEnumerable<BadInput> Rules()
    {
        yield return new("y_true shape differs", h => Cce(h, T(h, [2, 3]), T(h, [2, 4])),
            typeof(ArgumentException), "y_true", "Received: y_pred.shape=(2, 3), y_true.shape=(2, 4)");
        yield return new("y_true rank differs", h => Cce(h, T(h, [2, 3]), T(h, [2, 3, 1])),
            typeof(ArgumentException), "y_true", "y_pred.shape=(2, 3)", "y_true.shape=");
        // Rank 1 is one sample for categorical_crossentropy (as in Keras); a rank-1 y_pred with a (2,) label tensor for the
        // sparse loss, which takes one label per sample, is refused naming y_true.
        yield return new("rank 1", h => Losses.SparseCategoricalCrossentropy(h.Engine.FromArray(new float[] { 0.5f, 0.5f }, [2]),
                h.Engine.FromArray(new long[] { 1, 0 }, [2])),
            typeof(ArgumentException), "y_true", "one class index for a rank-1 y_pred", "Received: y_pred.shape=(2,), y_true.shape=(2,)");
        yield return new("int32 y_pred", h => Cce(h, T(h, [2, 3], DType.Int32), T(h, [2, 3])),
            typeof(ArgumentException), "y_pred", "floating-point", "Received: y_pred.dtype=int32");
        yield return new("int64 y_pred", h => Cce(h, T(h, [2, 3], DType.Int64), T(h, [2, 3])),
            typeof(ArgumentException), "y_pred", "floating-point", "Received: y_pred.dtype=int64");
        yield return new("zero classes", h => Cce(h, T(h, [2, 0]), T(h, [2, 0]), average: false),
            typeof(ArgumentException), "y_pred", "at least one class", "Received: y_pred.shape=(2, 0)");
        yield return new("empty batch, averaged", h => Cce(h, T(h, [0, 3]), T(h, [0, 3])),
            typeof(ArgumentException), "y_pred", "empty batch", "Received: y_pred.shape=(0, 3)");
        yield return new("empty inner axis, averaged", h => Cce(h, T(h, [2, 0, 3]), T(h, [2, 0, 3])),
            typeof(ArgumentException), "y_pred", "empty batch", "Received: y_pred.shape=");
        yield return new("class weight key = C", h => Cce(h, T(h, [2, 3]), T(h, [2, 3]), w: new() { [3] = 1.0 }),
            typeof(ArgumentOutOfRangeException), "classWeights", "outside [0, 3)", $"Received: classWeights[3]={Num(1.0)}");
        yield return new("class weight key < 0", h => Cce(h, T(h, [2, 3]), T(h, [2, 3]), w: new() { [-1] = 1.0 }),
            typeof(ArgumentOutOfRangeException), "classWeights", "outside [0, 3)", $"Received: classWeights[-1]={Num(1.0)}");
        foreach (double bad in new[] { -2.0, -double.Epsilon, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            yield return new($"class weight {Num(bad)}", h => Cce(h, T(h, [2, 3]), T(h, [2, 3]), w: new() { [1] = bad }),
                typeof(ArgumentOutOfRangeException), "classWeights", "finite, non-negative", $"Received: classWeights[1]={Num(bad)}");
        yield return new("class weights also checked per element", h => Cce(h, T(h, [2, 3]), T(h, [2, 3]), average: false, w: new() { [0] = 1, [7] = 1.0 }),
            typeof(ArgumentOutOfRangeException), "classWeights", $"Received: classWeights[7]={Num(1.0)}");
        yield return new("null y_pred", h => Cce(h, null!, T(h, [2, 3])), typeof(ArgumentNullException), "y_pred");
        yield return new("null y_true", h => Cce(h, T(h, [2, 3]), null!), typeof(ArgumentNullException), "y_true");
        // Both engines' names in the message: CrossEngineTests.MixedEnginesAreRefusedWithBothNamed, over every pair.
        yield return new("y_true of another engine", h => Cce(h, T(h, [2, 3]), T(Other(h), [2, 3])),
            typeof(ArgumentException), "y_true", "same engine", "Received: y_pred is a ", " tensor, y_true is a ") { NeedsTwoEngines = true };
        yield return new("y_pred of another engine", h => Cce(h, T(Other(h), [2, 3]), T(h, [2, 3])),
            typeof(ArgumentException), "y_true", "same engine", "Received: y_pred is a ", " tensor, y_true is a ") { NeedsTwoEngines = true };
        yield return new("y_true not a tensor", h => Cce(h, T(h, [2, 3]), new float[6]),
            typeof(ArgumentException), "y_true", "same engine", "y_true is a Single[], which no engine owns");
        yield return new("y_pred not a tensor", h => Cce(h, new double[6], T(h, [2, 3])),
            typeof(ArgumentException), "y_pred", "System.Double[]", "no CrossBackend engine owns");
        // Devices: only the CPU exists in this build (no CUDA TorchSharp package is served), so the device rule
        // (Validate.PredictionAndTarget: "Received: y_pred.device=..., y_true.device=...") cannot be exercised here.
        // Sparse labels outside [0, C) and label smoothing outside [0, 1]: add rules here when those options exist.
    }

    private static EngineHarness Other(EngineHarness h) =>
        new(TensorEngines.All.First(e => e.Name != h.Engine.Name));

    [TestCaseSource(nameof(Rules))]
    public void BadInputIsRefusedWithANamedArgumentAndTheReceivedValues(BadInput rule)
    {
        if (rule.NeedsTwoEngines) Assume.That(TensorEngines.All.Count, Is.GreaterThanOrEqualTo(2), "needs two engines");
        Exception? e = Assert.Catch(() => rule.Call(_h));
        Assert.That(e, Is.TypeOf(rule.Exception), $"{rule.Name}: {e}");
        var arg = (ArgumentException)e!;
        Assert.That(arg.ParamName, Is.EqualTo(rule.ParamName));
        string message = arg.Message;
        if (arg is not ArgumentNullException)
        {
            Assert.That(message, Does.Contain($"`{rule.ParamName}`"), "the message names the argument, Keras style");
            Assert.That(message, Does.Contain("Received: "), "the message shows what was received");
        }
        foreach (string part in rule.Received) Assert.That(message, Does.Contain(part));
    }

    [Test]
    public void EmptyBatchWithoutAveragingIsAnEmptyResultNotAnError()
    {
        object r = Losses.CategoricalCrossentropy<object, object>(T(_h, [0, 3]), T(_h, [0, 3]), averageLoss: false);
        Assert.That(_h.Shape(r), Is.EqualTo(new long[] { 0 }));
    }

    [Test]
    public void ResultHasThePredictionDtypeWhateverTheLabelDtype()
    {
        // Keras casts y_true to y_pred's dtype; both engines must return y_pred's dtype (torch's type promotion
        // would otherwise turn float32 × float64 into float64).
        foreach (DType pred in new[] { DType.Float32, DType.Float64 })
        foreach (DType label in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64 })
        {
            object r = Losses.CategoricalCrossentropy<object, object>(_h.Tensor(Cases.FePred, [3, 3], pred), _h.Tensor(Cases.FeTrue, [3, 3], label));
            Assert.That(_h.Engine.Describe(r).DType, Is.EqualTo(pred), $"y_pred {pred.Name()}, y_true {label.Name()}");
            Assert.That(_h.Values(r)[0], Is.EqualTo(0.22839302).Within(1e-6));
        }
    }
}
