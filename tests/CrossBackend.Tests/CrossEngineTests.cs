using System.Reflection;

namespace CrossBackend.Tests;

/// <summary>The engines against each other, and what happens when their tensors are mixed. Every pair of engines
/// comes from <see cref="TensorEngines.All"/>; no engine is named here.</summary>
public sealed class CrossEngineTests
{
    /// <summary>Every ordered pair of distinct engines.</summary>
    private static IEnumerable<(ITensorEngine A, ITensorEngine B)> Pairs() =>
        from a in TensorEngines.All from b in TensorEngines.All where a != b select (a, b);

    private static void RequireTwoEngines() =>
        Assume.That(TensorEngines.All.Count, Is.GreaterThanOrEqualTo(2), "comparing engines needs two of them");

    [Test]
    public void EveryEngineAssemblyBesideTheTestsIsDiscovered()
    {
        // One engine per CrossBackend.Backends.*.dll carrying [TensorEngine], each with its own name and a class axis
        // that is first-after-batch or last.
        var expected = Directory.GetFiles(AppContext.BaseDirectory, "CrossBackend.Backends.*.dll")
            .Select(f => Assembly.LoadFrom(f))
            .SelectMany(a => a.GetCustomAttributes<TensorEngineAttribute>())
            .Select(a => a.EngineType.FullName).Distinct().OrderBy(n => n).ToArray();
        Assert.That(expected, Is.Not.Empty, "the test project references at least one engine");
        Assert.That(TensorEngines.All.Select(e => e.GetType().FullName).OrderBy(n => n), Is.EqualTo(expected));
        Assert.That(TensorEngines.All.Select(e => e.Name), Is.Unique);
        Assert.That(TensorEngines.All.Select(e => e.ClassAxis), Is.All.AnyOf(1, -1));
    }

    public static IEnumerable<TestCaseData> ParityCases() =>
        from c in Cases.All()
        from weighted in new[] { false, true }
        select new TestCaseData(c, weighted).SetArgDisplayNames(c.Name, weighted ? "class weights" : "unweighted");

    [TestCaseSource(nameof(ParityCases))]
    public void EnginesAgreeWithEachOtherInFloat32(LossCase c, bool weighted)
    {
        RequireTwoEngines();
        var weights = weighted ? Cases.FeWeights : null;
        double[] Run(EngineHarness h) => h.Values(Losses.CategoricalCrossentropy(
            h.Tensor(c.YPred, c.Shape, DType.Float32), h.Tensor(c.YTrue, c.Shape, DType.Float32), c.FromLogits,
            averageLoss: false, classWeights: weights));
        var first = new EngineHarness(TensorEngines.All[0]);
        double[] expected = Run(first);
        foreach (ITensorEngine other in TensorEngines.All.Skip(1))
            Tolerance.AssertClose(Run(new EngineHarness(other)), expected, DType.Float32, $"{c.Name}: {other.Name} vs {first.Engine.Name}");
    }

    [Test]
    public void MixedEnginesAreRefusedWithBothNamed()
    {
        RequireTwoEngines();
        foreach ((ITensorEngine a, ITensorEngine b) in Pairs())
        {
            object pred = new EngineHarness(a).Tensor(Cases.FePred, [3, 3], DType.Float32);
            object yTrue = new EngineHarness(b).Tensor(Cases.FeTrue, [3, 3], DType.Float32);
            var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(pred, yTrue));
            Assert.That(e!.ParamName, Is.EqualTo("y_true"));
            Assert.That(e.Message, Does.Contain("same engine").And.Contain($"y_pred is a {a.Name} tensor").And.Contain($"y_true is a {b.Name} tensor"));
        }
    }

    [Test]
    public void UnknownTensorTypeIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy<object, object>(new float[3], new float[3]));
        Assert.That(e!.ParamName, Is.EqualTo("y_pred"));
        Assert.That(e.Message, Does.Contain("no CrossBackend engine owns"));
    }

    /// <summary>The typed call returns the engine's own tensor type, owned by y_pred's engine, in y_pred's dtype, and
    /// every engine gives the same number.</summary>
    [Test]
    public void TypedCallsReturnTheEngineType()
    {
        var values = new List<(string Engine, double Value)>();
        foreach (ITensorEngine engine in TensorEngines.All)
        {
            var h = new EngineHarness(engine);
            object pred = h.Tensor(Cases.FePred, [3, 3], DType.Float32);
            object result = Losses.CategoricalCrossentropy<object, object>(pred, h.Tensor(Cases.FeTrue, [3, 3], DType.Int64));
            Assert.That(TensorEngines.OwnerOf(result.GetType()), Is.SameAs(engine), $"{engine.Name}: the result is a tensor of y_pred's engine");
            Assert.That(engine.Describe(result).DType, Is.EqualTo(DType.Float32), $"{engine.Name}: y_pred's dtype");
            Assert.That(engine.Describe(result).Shape.Aggregate(1L, (x, y) => x * y), Is.EqualTo(1), $"{engine.Name}: one value");
            values.Add((engine.Name, h.Values(result)[0]));
        }
        Assert.That(values.Select(v => v.Value), Is.All.EqualTo(0.22839302).Within(1e-6), string.Join(", ", values));
    }
}
