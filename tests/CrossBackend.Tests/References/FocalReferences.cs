namespace CrossBackend.Tests.References;

/// <summary>The focal terms written plainly from the papers' and Keras's formulas (float64, clip bounds in the
/// engine's dtype).</summary>
internal static class FocalTerms
{
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Keras 3's element-wise binary focal crossentropy for one (smoothed) label and one probability.</summary>
    public static double Binary(double y, double p, double gamma, double? alpha, DType dtype)
    {
        double clipped = Ref.Clamp(p, dtype);
        double bce = -(y * Math.Log(clipped) + (1 - y) * Math.Log(1 - clipped));
        double pt = y * p + (1 - y) * (1 - p);
        double focal = Math.Pow(1 - pt, gamma) * bce;
        return alpha is { } a ? (y * a + (1 - y) * (1 - a)) * focal : focal;
    }

    /// <summary>Each element's binary focal term with the case's options (labels smoothed towards 0.5, logits through
    /// a sigmoid).</summary>
    public static double[] BinaryElements(ReferenceCase c, double? alpha, DType dtype)
    {
        double ls = Ref.Arg(c, "label_smoothing", 0.0), gamma = Ref.Arg(c, "gamma", 2.0);
        bool logits = Ref.Arg(c, "from_logits", false);
        return c.YPred.Select((x, i) => Binary(c.YTrue![i] * (1 - ls) + 0.5 * ls, logits ? Sigmoid(x) : x, gamma, alpha, dtype)).ToArray();
    }
}

public sealed class BinaryFocalCrossentropyReference : ILossReference
{
    public string Loss => "binary_focal_crossentropy";

    public IEnumerable<ReferenceCase> Cases()
    {
        double[] bits = Ref.Uniform(51, 24, 0, 2).Select(Math.Floor).ToArray();
        yield return new("probabilities (6, 4)", Ref.Uniform(52, 24, 0.01, 0.99), [6, 4], bits, null, new Dictionary<string, object?>());
        yield return new("logits, balanced, alpha 0.3, gamma 1.5, smoothing 0.1 (2, 3, 4)", Ref.Uniform(53, 24, -4, 4), [2, 3, 4], bits, null,
            new Dictionary<string, object?>
            {
                ["from_logits"] = true, ["apply_class_balancing"] = true, ["alpha"] = 0.3, ["gamma"] = 1.5, ["label_smoothing"] = 0.1,
            });
        yield return new("soft labels, gamma 0 (6, 4)", Ref.Uniform(54, 24, 0.01, 0.99), [6, 4], Ref.Uniform(55, 24, 0, 1), null,
            new Dictionary<string, object?> { ["gamma"] = 0.0 });
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        double? alpha = Ref.Arg(c, "apply_class_balancing", false) ? Ref.Arg(c, "alpha", 0.25) : null;
        double[] e = FocalTerms.BinaryElements(c, alpha, dtype);
        (int rows, int n) = Ref.Rows(c.Shape);
        return (Enumerable.Range(0, rows).Select(r => e.Skip(r * n).Take(n).Average()).ToArray(), null);
    }
}

public sealed class CategoricalFocalCrossentropyReference : ILossReference
{
    public string Loss => "categorical_focal_crossentropy";

    public IEnumerable<ReferenceCase> Cases()
    {
        yield return new("probabilities, unnormalised (6, 4)", Ref.Uniform(61, 24, 0.05, 1), [6, 4], Ref.OneHot(62, 6, 4), null,
            new Dictionary<string, object?>());
        yield return new("logits, alpha 0.3, gamma 1.5, smoothing 0.1 (2, 3, 4)", Ref.Uniform(63, 24, -3, 3), [2, 3, 4], Ref.OneHot(64, 6, 4), null,
            new Dictionary<string, object?> { ["from_logits"] = true, ["alpha"] = 0.3, ["gamma"] = 1.5, ["label_smoothing"] = 0.1 });
        // Keras 3's per-class alpha (one weight per class; inverse class frequencies may exceed 1).
        yield return new("per-class alpha [0.1, 0.3, 0.7, 1.3], smoothing 0.1 (6, 4)", Ref.Uniform(65, 24, 0.05, 1), [6, 4], Ref.OneHot(66, 6, 4), null,
            new Dictionary<string, object?> { ["alpha"] = new[] { 0.1, 0.3, 0.7, 1.3 }, ["label_smoothing"] = 0.1 });
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        (int rows, int n) = Ref.Rows(c.Shape);
        double ls = Ref.Arg(c, "label_smoothing", 0.0), gamma = Ref.Arg(c, "gamma", 2.0);
        object alphaArgument = c.Arguments.GetValueOrDefault("alpha") ?? 0.25;
        double Alpha(int i) => alphaArgument is double[] perClass ? perClass[i] : (double)alphaArgument;
        bool logits = Ref.Arg(c, "from_logits", false);
        var loss = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double[] x = c.YPred.Skip(r * n).Take(n).ToArray();
            if (logits)
            {
                double max = x.Max();
                x = x.Select(v => Math.Exp(v - max)).ToArray();
            }
            double sum = x.Sum();
            for (int i = 0; i < n; i++)
            {
                double y = c.YTrue![r * n + i] * (1 - ls) + ls / n;
                double p = Ref.Clamp(x[i] / sum, dtype);
                loss[r] += Alpha(i) * Math.Pow(1 - p, gamma) * -y * Math.Log(p);
            }
        }
        return (loss, null);
    }
}

/// <summary>FastEstimator's <c>focal_loss</c> (its TensorFlow path): the balanced binary focal term per element,
/// divided per sample by max(positives, 1), then the shape and sample reductions.</summary>
public sealed class FocalLossReference : ILossReference
{
    public string Loss => "focal_loss";

    public IEnumerable<ReferenceCase> Cases()
    {
        double[] bits = Ref.Uniform(71, 24, 0, 2).Select(Math.Floor).ToArray();
        bits[4] = bits[5] = bits[6] = bits[7] = 0;   // a sample without positives: normalised by 1
        yield return new("defaults (6, 4)", Ref.Uniform(72, 24, 0.01, 0.99), [6, 4], bits, null, new Dictionary<string, object?>());
        yield return new("logits, smoothing 0.1, gamma 1.5, alpha 0.3, mean then sum (2, 3, 4)", Ref.Uniform(73, 24, -4, 4), [2, 3, 4], bits, null,
            new Dictionary<string, object?>
            {
                ["from_logits"] = true, ["label_smoothing"] = 0.1, ["gamma"] = 1.5, ["alpha"] = 0.3,
                ["shape_reduction"] = "mean", ["sample_reduction"] = "sum",
            });
        yield return new("per sample, not normalised (2, 3, 4)", Ref.Uniform(74, 24, 0.01, 0.99), [2, 3, 4], bits, null,
            new Dictionary<string, object?> { ["normalize"] = false, ["sample_reduction"] = "none" });
        yield return new("per element (6, 4)", Ref.Uniform(75, 24, 0.01, 0.99), [6, 4], bits, null,
            new Dictionary<string, object?> { ["shape_reduction"] = "none", ["sample_reduction"] = "none", ["alpha"] = 0.7 });
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        double[] e = FocalTerms.BinaryElements(c, Ref.Arg(c, "alpha", 0.25), dtype);
        int batch = (int)c.Shape[0], per = e.Length / batch;
        if (Ref.Arg(c, "normalize", true))
            for (int b = 0; b < batch; b++)
            {
                double positives = Math.Max(c.YTrue!.Skip(b * per).Take(per).Sum(), 1);
                for (int i = 0; i < per; i++) e[b * per + i] /= positives;
            }
        double[] shaped = Ref.Arg(c, "shape_reduction", "sum") switch
        {
            "sum" => Enumerable.Range(0, batch).Select(b => e.Skip(b * per).Take(per).Sum()).ToArray(),
            "mean" => Enumerable.Range(0, batch).Select(b => e.Skip(b * per).Take(per).Average()).ToArray(),
            _ => e,
        };
        return (Ref.Arg(c, "sample_reduction", "mean") switch
        {
            "sum" => [shaped.Sum()],
            "mean" => [shaped.Average()],
            _ => shaped,
        }, null);
    }
}
