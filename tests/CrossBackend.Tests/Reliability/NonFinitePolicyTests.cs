namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Issue 5, item 2: NaN and ±Inf in y_pred (or y_true) propagate, as in PyTorch: the documented policy is that a row
/// with a NaN anywhere gives a NaN loss for that element (and a NaN mean), other rows are unaffected, and both engines
/// agree with each other and with the float64 reference element by element, including which rows are NaN or ±Inf.
/// <see cref="RegisteredLossNonFinitePolicyTests"/> checks the NaN part for every registered loss.
/// </summary>
public sealed class NonFinitePolicyTests
{
    private static readonly double NaN = double.NaN, Inf = double.PositiveInfinity;

    /// <summary>(name, one row of y_pred, one row of y_true, fromLogits, expected loss for that row).</summary>
    public static IEnumerable<TestCaseData> Rows()
    {
        object[][] rows =
        [
            ["NaN probability", new[] { NaN, 0.5, 0.5 }, new[] { 0.0, 1, 0 }, false, NaN],
            ["NaN probability under a zero label", new[] { 0.2, NaN, 0.5 }, new[] { 1.0, 0, 0 }, false, NaN],
            ["+Inf probability", new[] { Inf, 0.5, 0.5 }, new[] { 1.0, 0, 0 }, false, NaN],
            ["-Inf probability", new[] { -Inf, 0.5, 0.5 }, new[] { 0.0, 1, 0 }, false, NaN],
            ["all-zero probability row (0/0)", new[] { 0.0, 0, 0 }, new[] { 0.0, 1, 0 }, false, NaN],
            ["NaN logit", new[] { NaN, 0.0, 1 }, new[] { 0.0, 1, 0 }, true, NaN],
            ["NaN logit under a zero label", new[] { 1.0, 0.0, NaN }, new[] { 1.0, 0, 0 }, true, NaN],
            ["+Inf logit under the label", new[] { Inf, 0.0, 1 }, new[] { 1.0, 0, 0 }, true, NaN],
            ["+Inf logit elsewhere", new[] { Inf, 0.0, 1 }, new[] { 0.0, 1, 0 }, true, NaN],
            ["two +Inf logits", new[] { Inf, Inf, 1 }, new[] { 0.5, 0.5, 0 }, true, NaN],
            ["-Inf logit under the label", new[] { -Inf, 0.0, 1 }, new[] { 1.0, 0, 0 }, true, Inf],
            ["-Inf logit under a zero label (0·-Inf)", new[] { -Inf, 0.0, 1 }, new[] { 0.0, 1, 0 }, true, NaN],
            ["all -Inf logits", new[] { -Inf, -Inf, -Inf }, new[] { 0.0, 1, 0 }, true, NaN],
            ["NaN label", new[] { 0.2, 0.3, 0.5 }, new[] { NaN, 1, 0 }, false, NaN],
            ["NaN label, logits", new[] { 0.2, 0.3, 0.5 }, new[] { NaN, 1, 0 }, true, NaN],
            ["finite control row", new[] { 0.2, 0.3, 0.5 }, new[] { 0.0, 1, 0 }, false, -Math.Log(0.3)],
        ];
        foreach (object[] r in rows)
        foreach (ITensorEngine engine in TensorEngines.All)
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        foreach (bool weighted in new[] { false, true })
            yield return new TestCaseData(r[1], r[2], r[3], r[4], engine, dtype, weighted)
                .SetArgDisplayNames((string)r[0], engine.Name, dtype.Name(), weighted ? "weighted" : "unweighted");
    }

    /// <summary>The non-finite row sits between two finite rows: only its element is non-finite.</summary>
    [TestCaseSource(nameof(Rows))]
    public void NonFiniteRowPropagatesToItsElementOnly(double[] pred, double[] label, bool fromLogits, double expected,
        ITensorEngine engine, DType dtype, bool weighted)
    {
        var h = new EngineHarness(engine);
        double[] p = [0.1, 0.6, 0.3, .. pred, 0.3, 0.3, 0.4], t = [1, 0, 0, .. label, 0, 0, 1];
        var weights = weighted ? new Dictionary<int, double> { [0] = 2.0, [2] = 0.5 } : null;
        double[] reference = Reference.CategoricalCrossentropy(t, p, 3, fromLogits, dtype, weights);
        double[] actual = h.Values(Losses.CategoricalCrossentropy(h.Tensor(p, [3, 3], dtype), h.Tensor(t, [3, 3], dtype),
            fromLogits, averageLoss: false, classWeights: weights));

        double weight = weights is null || double.IsNaN(label[0]) ? 1 : weights.GetValueOrDefault(Array.IndexOf(label, label.Max()), 1);
        AssertSameClass(actual[1], expected * weight, "the row's own element");
        AssertSameClass(reference[1], expected * weight, "the reference agrees with the documented policy");
        Assert.That(double.IsFinite(actual[0]) && double.IsFinite(actual[2]), Is.True, "neighbouring rows stay finite");
        Tolerance.AssertClose([actual[0], actual[2]], [reference[0], reference[2]], dtype, "neighbours");
        if (double.IsFinite(expected)) Tolerance.AssertClose([actual[1]], [reference[1]], dtype, "finite row");

        double mean = h.Values(Losses.CategoricalCrossentropy(h.Tensor(p, [3, 3], dtype), h.Tensor(t, [3, 3], dtype),
            fromLogits, classWeights: weights))[0];
        AssertSameClass(mean, double.IsFinite(expected) ? 1.0 : expected * weight, "the mean");
    }

    /// <summary>NaN, +Inf, −Inf or finite: the two values are in the same class (finite values are compared elsewhere).</summary>
    private static void AssertSameClass(double actual, double expected, string what)
    {
        string Kind(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : "finite";
        Assert.That(Kind(actual), Is.EqualTo(Kind(expected)), $"{what}: {actual:R}");
    }

    [Test]
    public void EnginesAgreeOnEveryNonFiniteRowAtOnce()
    {
        // All rows of the table in one batch of each engine, rank 3 (so torch sees a moved class axis): equal element
        // by element, NaN matching NaN.
        Assume.That(TensorEngines.All.Count, Is.GreaterThanOrEqualTo(2), "comparing engines needs two of them");
        ITensorEngine first = TensorEngines.All[0];
        var rows = Rows().Select(d => d.Arguments!).Where(a => a[4] == first && (DType)a[5]! == DType.Float32 && !(bool)a[6]!).ToList();
        foreach (bool fromLogits in new[] { false, true })
        {
            var sel = rows.Where(a => (bool)a[2]! == fromLogits).ToList();
            double[] p = sel.SelectMany(a => (double[])a[0]!).ToArray(), t = sel.SelectMany(a => (double[])a[1]!).ToArray();
            long[] shape = [1, sel.Count, 3];
            double[] expected = new EngineHarness(first).Run(p, t, shape, fromLogits);
            foreach (ITensorEngine other in TensorEngines.All.Skip(1))
            {
                double[] actual = new EngineHarness(other).Run(p, t, shape, fromLogits);
                for (int i = 0; i < sel.Count; i++)
                {
                    AssertSameClass(actual[i], expected[i], $"{other.Name} vs {first.Name}, row {i}");
                    if (double.IsFinite(expected[i])) Tolerance.AssertClose([actual[i]], [expected[i]], DType.Float32, $"{other.Name} vs {first.Name}, row {i}");
                }
            }
        }
    }
}

internal static class HarnessRun
{
    public static double[] Run(this EngineHarness h, double[] p, double[] t, long[] shape, bool fromLogits, DType dtype = DType.Float32) =>
        h.Values(Losses.CategoricalCrossentropy(h.Tensor(p, shape, dtype), h.Tensor(t, shape, dtype), fromLogits, averageLoss: false));
}
