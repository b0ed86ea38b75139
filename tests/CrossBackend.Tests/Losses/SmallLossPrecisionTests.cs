using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Losses near 0 keep their relative precision in float32 on every engine, fused path or composed: binary
/// crossentropy from logits with confident, correct logits (|x| from 3 to 15, every sign and label) against
/// TensorFlow's (max(x, 0) − x·y) + log1p(exp(−|x|)) in float64. A form that computes x − log σ(x) or
/// log(1 + exp(−|x|)) loses the small term to cancellation (libtorch's <c>binary_cross_entropy_with_logits</c>:
/// 4.5776e-05 for x = −10, y = 0, where the loss is 4.5399e-05). No engine is named.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class SmallLossPrecisionTests(ITensorEngine engine)
{
    private static readonly double[] Magnitudes = [3.3, 7.1, 10, 12.7, 15.3];

    [Test]
    public void BinaryCrossentropyFromConfidentLogits([Values] bool mean)
    {
        // Each logit with the label it predicts (a small loss) and, once, with soft labels 0.9 / 0.1 (a larger one).
        double[] x = [.. Magnitudes, .. Magnitudes.Select(m => -m)];
        double[] y = [.. Magnitudes.Select(_ => 1.0), .. Magnitudes.Select(_ => 0.0)];
        foreach (double[] labels in new[] { y, y.Select(v => v == 1 ? 0.9 : 0.1).ToArray() })
        {
            float[] xs = x.Select(v => (float)v).ToArray(), ys = labels.Select(v => (float)v).ToArray();
            double[] expected = xs.Select((v, i) => Math.Max(v, 0) - (double)v * ys[i] + Math.Log(1 + Math.Exp(-Math.Abs((double)v)))).ToArray();
            var arguments = new LossArguments { ["from_logits"] = true, ["reduction"] = mean ? Reduction.SumOverBatchSize : Reduction.None };
            object result = Losses.Compute("binary_crossentropy", engine.FromArray(xs, [x.Length, 1]), engine.FromArray(ys, [x.Length, 1]), arguments);
            double[] actual = engine.ToDoubleArray(result, out _);
            double[] want = mean ? [expected.Average()] : expected;
            // A few float32 ulps relative, no absolute floor: the smallest loss here is 2.3e-07.
            TensorAssert.AreClose(actual, want, rtol: 4e-7, atol: 0, message: $"labels {string.Join(", ", ys.Take(2))}… on {engine.Name}");
        }
    }
}
