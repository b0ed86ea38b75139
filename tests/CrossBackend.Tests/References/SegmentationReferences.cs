namespace CrossBackend.Tests.References;

/// <summary>Keras's <c>dice</c>: 1 − 2·Σ(y·p) / (Σy + Σp + 1e-7), here per sample over every non-batch axis.</summary>
public sealed class DiceReference : ILossReference
{
    public string Loss => "dice";

    public IEnumerable<ReferenceCase> Cases() => SegmentationCases.Per("dice", []);

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype) =>
        (SegmentationCases.PerSample(c, (y, p) =>
        {
            double inter = y.Zip(p, (a, b) => a * b).Sum();
            return 1 - 2 * inter / (y.Sum() + p.Sum() + 1e-7);
        }), null);
}

/// <summary>Keras's <c>tversky</c>: 1 − TP / (TP + α·Σy(1 − p) + β·Σp(1 − y) + 1e-7), per sample.</summary>
public sealed class TverskyReference : ILossReference
{
    public string Loss => "tversky";

    public IEnumerable<ReferenceCase> Cases() =>
        SegmentationCases.Per("tversky", []).Concat(SegmentationCases.Per("tversky α 0.3 β 0.7", new() { ["alpha"] = 0.3, ["beta"] = 0.7 }));

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        double alpha = Ref.Arg(c, "alpha", 0.5), beta = Ref.Arg(c, "beta", 0.5);
        return (SegmentationCases.PerSample(c, (y, p) =>
        {
            double tp = 0, missed = 0, extra = 0;
            for (int i = 0; i < y.Length; i++)
            {
                tp += y[i] * p[i];
                missed += y[i] * (1 - p[i]);
                extra += p[i] * (1 - y[i]);
            }
            return 1 - tp / (tp + alpha * missed + beta * extra + 1e-7);
        }), null);
    }
}

/// <summary>The inputs both Keras losses share: probabilities against binary masks, with axes that hold every
/// non-batch axis (the same set in both layouts), so each sample has a loss and sample weights apply.</summary>
internal static class SegmentationCases
{
    public static IEnumerable<ReferenceCase> Per(string name, Dictionary<string, object?> arguments)
    {
        double[] bits24 = Ref.Uniform(21, 24, 0, 2).Select(Math.Floor).ToArray();
        yield return new($"{name} (6, 4), axis 1", Ref.Uniform(22, 24, 0.01, 0.99), [6, 4], bits24, null,
            new Dictionary<string, object?>(arguments) { ["axis"] = new[] { 1 } });
        double[] bits = Ref.Uniform(23, 3 * 4 * 5 * 2, 0, 2).Select(Math.Floor).ToArray();
        yield return new($"{name} (3, 4, 5, 2), axis (1, 2, 3)", Ref.Uniform(24, bits.Length, 0.01, 0.99), [3, 4, 5, 2], bits, null,
            new Dictionary<string, object?>(arguments) { ["axis"] = new[] { 1, 2, 3 } });
    }

    /// <summary>One value per sample from its y_true and y_pred elements.</summary>
    public static double[] PerSample(ReferenceCase c, Func<double[], double[], double> f)
    {
        int batch = (int)c.Shape[0], n = c.YPred.Length / batch;
        return Enumerable.Range(0, batch).Select(b => f(c.YTrue!.Skip(b * n).Take(n).ToArray(), c.YPred.Skip(b * n).Take(n).ToArray())).ToArray();
    }
}

/// <summary>FastEstimator's <c>dice_score</c>, written from its definition on channels-last data.</summary>
public sealed class DiceScoreReference : ILossReference
{
    public string Loss => "dice_score";

    public IEnumerable<ReferenceCase> Cases()
    {
        long[] shape = [3, 4, 5, 3];
        int count = 3 * 4 * 5 * 3;
        double[] pred = Ref.Uniform(31, count, 0, 1), truth = Ref.Uniform(32, count, 0, 2).Select(Math.Floor).ToArray();
        yield return new("defaults (3, 4, 5, 3)", pred, shape, truth, null, new Dictionary<string, object?>());
        yield return new("soft, weights, ε 0.1 (3, 4, 5, 3)", pred, shape, truth, null,
            new Dictionary<string, object?> { ["soft_dice"] = true, ["channel_weights"] = new[] { 0.3, 1.7, 0.1 }, ["epsilon"] = 0.1 });
        yield return new("no overlap, channel average (3, 4, 5, 3)", pred, shape, truth, null,
            new Dictionary<string, object?> { ["mask_overlap"] = false, ["channel_average"] = true });
        yield return new("threshold 0.3, both averages (3, 4, 5, 3)", pred, shape, truth, null,
            new Dictionary<string, object?> { ["threshold"] = 0.3, ["sample_average"] = true, ["channel_average"] = true });
        yield return new("sample average (2, 6, 4)", Ref.Uniform(33, 48, 0, 1), [2, 6, 4], Ref.Uniform(34, 48, 0, 2).Select(Math.Floor).ToArray(), null,
            new Dictionary<string, object?> { ["sample_average"] = true });
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        int batch = (int)c.Shape[0], channels = (int)c.Shape[^1];
        int pixels = c.YPred.Length / batch / channels;
        bool soft = Ref.Arg(c, "soft_dice", false), overlap = Ref.Arg(c, "mask_overlap", true);
        double? threshold = c.Arguments.TryGetValue("threshold", out object? t) ? (double?)t : null;
        double epsilon = Ref.Arg(c, "epsilon", 1e-6);
        double[]? weights = Ref.Arg<double[]?>(c, "channel_weights", null);
        double[] p = (double[])c.YPred.Clone();
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < pixels; i++)
            {
                int at = (b * pixels + i) * channels;
                double max = p.Skip(at).Take(channels).Max();
                for (int ch = 0; ch < channels; ch++)
                {
                    if (!overlap && p[at + ch] < max) p[at + ch] = 0;
                    if (threshold is { } th) p[at + ch] = p[at + ch] > th ? 1 : 0;
                }
            }
        var dice = new double[batch, channels];
        for (int b = 0; b < batch; b++)
            for (int ch = 0; ch < channels; ch++)
            {
                double num = 0, den = 0;
                for (int i = 0; i < pixels; i++)
                {
                    int at = (b * pixels + i) * channels + ch;
                    double y = c.YTrue![at];
                    num += y * p[at];
                    den += soft ? y * y + p[at] * p[at] : y + p[at];
                }
                dice[b, ch] = 2 * num / (den + epsilon) * (weights?[ch] ?? 1);
            }
        bool channelAverage = Ref.Arg(c, "channel_average", false), sampleAverage = Ref.Arg(c, "sample_average", false);
        IEnumerable<double> Row(int b) => Enumerable.Range(0, channels).Select(ch => dice[b, ch]);
        IEnumerable<double> Column(int ch) => Enumerable.Range(0, batch).Select(b => dice[b, ch]);
        double[] result = (channelAverage, sampleAverage) switch
        {
            (true, true) => [Enumerable.Range(0, batch).Select(b => Row(b).Average()).Average()],
            (true, false) => Enumerable.Range(0, batch).Select(b => Row(b).Average()).ToArray(),
            (false, true) => Enumerable.Range(0, channels).Select(ch => Column(ch).Average()).ToArray(),
            _ => Enumerable.Range(0, batch).SelectMany(Row).ToArray(),
        };
        return (result, null);
    }
}
