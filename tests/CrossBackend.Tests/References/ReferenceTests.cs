using CrossBackend.Testing;

namespace CrossBackend.Tests.References;

/// <summary>
/// Every registered loss with a float64 reference, on every engine found: each reference case in float32 and float64,
/// with every reduction, with and without sample weights (shape (Batch,), values 0.1·k + 0.3). No loss or engine is
/// named here.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ReferenceTests(ITensorEngine engine)
{
    public static IEnumerable<TestCaseData> Cases() =>
        from reference in AllReferences.List
        from c in reference.Cases()
        from dtype in new[] { DType.Float32, DType.Float64 }
        from reduction in Enum.GetValues<Reduction>()
        from weighted in new[] { false, true }
        where !LossRegistry.Get(reference.Loss).OwnReduction || (reduction == Reduction.None && !weighted)
        select new TestCaseData(reference.Loss, c.Name, dtype, reduction, weighted)
            .SetArgDisplayNames(reference.Loss, c.Name, dtype.Name(), reduction.KerasName(), weighted ? "sample weights" : "unweighted");

    [Test]
    public void EveryRegisteredLossHasAReference() =>
        Assert.That(AllReferences.List.Select(r => r.Loss), Is.SupersetOf(LossRegistry.All.Select(d => d.Name)));

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheFloat64Reference(string loss, string caseName, DType dtype, Reduction reduction, bool weighted)
    {
        ILossReference reference = AllReferences.List.First(r => r.Loss == loss);
        ReferenceCase c = reference.Cases().First(x => x.Name == caseName);
        LossDefinition definition = LossRegistry.Get(loss);
        long batch = c.Shape[0];
        double[] sample = Enumerable.Range(0, (int)batch).Select(k => 0.1 * k + 0.3).ToArray();

        var arguments = new Dictionary<string, object?>(c.Arguments);
        if (!definition.OwnReduction) arguments["reduction"] = reduction;
        if (weighted) arguments["sample_weights"] = sample;
        var example = new LossExample("reference", c.YPred, c.Shape, c.YTrue, c.TrueShape, arguments, [],
            TensorShapes: new Dictionary<string, long[]> { ["sample_weights"] = [batch] });
        double[] actual = engine.ToDoubleArray(example.Run(definition, engine, dtype), out _);

        (double[] perElement, double[]? own) = reference.Compute(c, dtype);
        double[] expected = definition.OwnReduction ? perElement : Reduce(perElement, own, weighted ? sample : null, reduction, reference.WeightsAreMask);
        (double rtol, double atol) = Tolerance.For(dtype);
        TensorAssert.AreClose(actual, expected, rtol, atol);
    }

    /// <summary>The loss's own weights times the sample weights (Batch,) broadcast over the per-element loss, then
    /// the reduction (Keras's denominators: the element count, or the sum of the weights: with sample weights alone
    /// Keras 3's, the sum of the weights as given, one per sample).</summary>
    internal static double[] Reduce(double[] loss, double[]? own, double[]? sample, Reduction reduction, bool ownIsMask = false)
    {
        // A mask (Keras's: ignored elements) leaves the sum_over_batch_size denominator as well.
        int counted = ownIsMask && own is not null ? own.Count(v => v != 0) : loss.Length;
        int perSample = sample is null ? 1 : loss.Length / sample.Length;
        double[] w = Enumerable.Range(0, loss.Length).Select(i => (own?[i] ?? 1.0) * (sample is null ? 1.0 : sample[i / perSample])).ToArray();
        double[] weighted = loss.Select((l, i) => l * w[i]).ToArray();
        return reduction switch
        {
            Reduction.None => weighted,
            Reduction.Sum => [weighted.Sum()],
            Reduction.SumOverBatchSize => [counted == 0 ? 0 : weighted.Sum() / counted],
            _ => (own is null && sample is not null ? sample.Sum() : w.Sum()) is var total && total == 0 ? [0] : [weighted.Sum() / total],
        };
    }
}
