using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// An engine's fused circle kernel (<see cref="IFusedCircleLoss{TTensor}"/>) held to the composed definition in
/// <c>Circle.cs</c>: random unit embeddings with queries that have no positive (a label of its own) and batches with
/// no negative (one label), options not exact in float32, the diagonal removed or kept, reference sets larger and
/// smaller than the batch (so the diagonal runs out), row lengths below and above a vector's width, every reduction
/// (the kernel's own masked mean included), float32 and float64; a NaN embedding gives the composed path's NaNs. Runs on every engine; an engine without
/// the kernel compares the composed path with itself.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class CircleFusedTests(ITensorEngine engine)
{
    private static readonly LossDefinition Circle = LossRegistry.Get("circle");

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("(37, 9) defaults, one singleton label", 37, 9, 5, 0, new(), seed: 1);
        yield return Case("(130, 20) gamma 3.3, margin 0.1", 130, 20, 7, 0, new() { ["gamma"] = 3.3, ["margin"] = 0.1 }, seed: 2);
        yield return Case("(19, 3) remove_diagonal=false, gamma 0.3", 19, 3, 4, 0, new() { ["remove_diagonal"] = false, ["gamma"] = 0.3 }, seed: 3);
        yield return Case("(37, 9) against 50 references", 37, 9, 5, 50, new() { ["margin"] = 0.3 }, seed: 4);
        yield return Case("(37, 9) against 20 references", 37, 9, 5, 20, new() { ["gamma"] = 25.1 }, seed: 5);
        yield return Case("(23, 17) against 7 references, diagonal kept", 23, 17, 3, 7, new() { ["remove_diagonal"] = false, ["margin"] = 0.7 }, seed: 6);
        yield return Case("(12, 5) one label: no negatives", 12, 5, 1, 0, new(), seed: 7);
        yield return Case("(1, 6) one query", 1, 6, 2, 0, new(), seed: 8);
    }

    private static TestCaseData Case(string name, int batch, int dim, int labelCount, int references,
        Dictionary<string, object?> options, int seed)
    {
        var random = new Random(seed);
        double[] Unit(int rows)
        {
            var e = new double[rows * dim];
            for (int r = 0; r < rows; r++)
            {
                for (int d = 0; d < dim; d++) e[r * dim + d] = 2 * random.NextDouble() - 1;
                double norm = Math.Sqrt(Enumerable.Range(0, dim).Sum(d => e[r * dim + d] * e[r * dim + d]));
                for (int d = 0; d < dim; d++) e[r * dim + d] /= norm;
            }
            return e;
        }
        double[] embeddings = Unit(batch);
        // The last query has a label no other embedding has (no positive pair) when there are several labels.
        double[] labels = Enumerable.Range(0, batch).Select(i => labelCount > 1 && i == batch - 1 ? 99.0 : random.Next(labelCount)).ToArray();
        var arguments = new Dictionary<string, object?>(options);
        var shapes = new Dictionary<string, long[]>();
        if (references > 0)
        {
            arguments["ref_embeddings"] = Unit(references);
            arguments["ref_labels"] = Enumerable.Range(0, references).Select(_ => (double)random.Next(labelCount)).ToArray();
            shapes["ref_embeddings"] = [references, dim];
            shapes["ref_labels"] = [references];
        }
        var example = new LossExample(name, embeddings, [batch, dim], labels, [batch], arguments, [], TensorShapes: shapes);
        return new TestCaseData(example).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(Cases))]
    public void FusedLossEqualsTheComposedDefinition(LossExample example)
    {
        foreach (Reduction reduction in new[] { Reduction.None, Reduction.SumOverBatchSize, Reduction.WeightedMean, Reduction.Sum })
        {
            var withReduction = example with { Arguments = new Dictionary<string, object?>(example.Arguments) { ["reduction"] = reduction } };
            foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
            {
                double[] fused = engine.ToDoubleArray(withReduction.Run(Circle, engine, dtype, LossExample.Mode.Compute), out long[] fusedShape);
                double[] composed = engine.ToDoubleArray(withReduction.Run(Circle, engine, dtype, LossExample.Mode.Composed), out long[] composedShape);
                Assert.That(fusedShape, Is.EqualTo(composedShape), $"{dtype.Name()} {reduction}: result shape");
                Assert.That(fused, Is.All.GreaterThanOrEqualTo(0), $"{dtype.Name()} {reduction}: softplus is positive, empty queries 0");
                (double rtol, double atol) = Tolerance.For(dtype);
                TensorAssert.AreClose(fused, composed, rtol, atol, message: $"{dtype.Name()} {reduction}");
            }
        }
    }

    /// <summary>The singleton query (its diagonal pair removed) scores exactly 0, and a batch of one label (no negatives)
    /// is all 0.</summary>
    [Test]
    public void QueriesWithoutPositivesOrNegativesScoreZero()
    {
        foreach (TestCaseData data in Cases())
        {
            var example = (LossExample)data.Arguments[0]!;
            var perQuery = example with { Arguments = new Dictionary<string, object?>(example.Arguments) { ["reduction"] = Reduction.None } };
            double[] fused = engine.ToDoubleArray(perQuery.Run(Circle, engine, DType.Float32, LossExample.Mode.Compute), out _);
            bool ownPositive = example.Arguments.GetValueOrDefault("remove_diagonal") is false;   // i = i is then a positive pair
            if (example.YTrue![^1] == 99 && !example.Arguments.ContainsKey("ref_labels") && !ownPositive)
                Assert.That(fused[^1], Is.EqualTo(0.0), $"{example.Source}: the singleton query");
            if (example.YTrue.Distinct().Count() == 1)
                Assert.That(fused, Is.All.EqualTo(0.0), $"{example.Source}: no negatives");
        }
    }

    /// <summary>A NaN embedding spreads NaN as the composed path defines (the kernel declines non-finite similarities).</summary>
    [Test]
    public void NaNEmbeddingsGiveTheComposedValues()
    {
        var example = (LossExample)Cases().First().Arguments[0]!;
        double[] embeddings = (double[])example.YPred.Clone();
        embeddings[4 * 9 + 2] = double.NaN;
        var withNaN = example with
        {
            YPred = embeddings,
            Arguments = new Dictionary<string, object?>(example.Arguments) { ["reduction"] = Reduction.None },
        };
        double[] fused = engine.ToDoubleArray(withNaN.Run(Circle, engine, DType.Float32, LossExample.Mode.Compute), out _);
        double[] composed = engine.ToDoubleArray(withNaN.Run(Circle, engine, DType.Float32, LossExample.Mode.Composed), out _);
        Assert.That(fused.Count(double.IsNaN), Is.GreaterThan(0), "NaN reaches the losses");
        (double rtol, double atol) = Tolerance.For(DType.Float32);
        TensorAssert.AreClose(fused, composed, rtol, atol, equalNan: true);
    }

    /// <summary>An engine offering the kernel serves the ordinary case (so the comparisons above run it there).</summary>
    [Test]
    public void KernelServesTheOrdinaryCase()
    {
        var harness = new EngineHarness(engine);
        object similarities = harness.Tensor([1, 0.3, -0.2, 0.3, 1, 0.1, -0.2, 0.1, 1], [3, 3], DType.Float32);
        object labels = harness.Tensor([0, 0, 1], [3], DType.Float32);
        bool? served = (bool?)typeof(CircleFusedTests).GetMethod(nameof(Served), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(similarities.GetType()).Invoke(null, [engine.OpsFor(similarities.GetType()), similarities, labels]);
        if (served is null) Assert.Ignore("this engine has no fused circle kernel: its circle loss is the composed one");
        Assert.That(served, Is.True);
    }

    private static bool? Served<T>(object ops, object similarities, object labels) where T : class =>
        ops is IFusedCircleLoss<T> fused
            ? fused.CircleLoss((T)similarities, (T)labels, (T)labels, true, 80, 0.4, maskedMean: false) is not null
              && fused.CircleLoss((T)similarities, (T)labels, (T)labels, true, 80, 0.4, maskedMean: true) is not null
            : null;
}
