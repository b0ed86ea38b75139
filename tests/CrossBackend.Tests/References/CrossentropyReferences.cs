namespace CrossBackend.Tests.References;

/// <summary>The three crossentropies through the plain references in <see cref="Reference"/> and
/// <see cref="FamilyReference"/>.</summary>
public sealed class CategoricalCrossentropyReference : ILossReference
{
    public string Loss => "categorical_crossentropy";

    public IEnumerable<ReferenceCase> Cases()
    {
        var weights = new Dictionary<int, double> { [1] = 0.3, [3] = 2.1 };
        yield return new("probabilities (6, 4)", Ref.Uniform(5, 24, 0.05, 1), [6, 4], Ref.OneHot(6, 6, 4), null, new Dictionary<string, object?>());
        yield return new("logits, smoothing 0.1, class weights (6, 4)", Ref.Uniform(7, 24, -4, 4), [6, 4], Ref.OneHot(8, 6, 4), null,
            new Dictionary<string, object?> { ["from_logits"] = true, ["label_smoothing"] = 0.1, ["class_weights"] = weights });
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        int classes = (int)c.Shape[^1];
        double smoothing = Ref.Arg(c, "label_smoothing", 0.0);
        double[] target = c.YTrue!.Select(y => y * (1 - smoothing) + smoothing / classes).ToArray();
        double[] loss = Reference.CategoricalCrossentropy(target, c.YPred, classes, Ref.Arg(c, "from_logits", false), dtype);
        var map = Ref.Arg<IReadOnlyDictionary<int, double>?>(c, "class_weights", null);
        double[]? w = map is null ? null : Enumerable.Range(0, loss.Length).Select(r =>
        {
            int best = Array.IndexOf(c.YTrue!, c.YTrue!.Skip(r * classes).Take(classes).Max(), r * classes) - r * classes;
            return map.TryGetValue(best, out double v) ? v : 1.0;
        }).ToArray();
        return (loss, w);
    }
}

public sealed class SparseCategoricalCrossentropyReference : ILossReference
{
    public string Loss => "sparse_categorical_crossentropy";

    public IEnumerable<ReferenceCase> Cases()
    {
        double[] labels = [0, 3, 1, 2, 3, 0];
        yield return new("probabilities (6, 4)", Ref.Uniform(9, 24, 0.05, 1), [6, 4], labels, [6], new Dictionary<string, object?>());
        yield return new("logits, smoothing 0.1, class weights (6, 4)", Ref.Uniform(10, 24, -4, 4), [6, 4], labels, [6],
            new Dictionary<string, object?> { ["from_logits"] = true, ["label_smoothing"] = 0.1, ["class_weights"] = new Dictionary<int, double> { [0] = 0.3, [2] = 1.7 } });
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        int classes = (int)c.Shape[^1];
        // Keras's ignore_class: those elements are scored as class 0, then masked out (their loss and weight are 0, and
        // they leave the sum_over_batch_size count: the mask is a weight of 0, see WeightsAreMask).
        int? ignore = Ref.Arg<int?>(c, "ignore_class", null);
        double[] labels = c.YTrue!.Select(l => ignore == (int)l ? 0 : l).ToArray();
        double smoothing = Ref.Arg(c, "label_smoothing", 0.0);
        bool fromLogits = Ref.Arg(c, "from_logits", false);
        double[] loss = FamilyReference.Sparse(labels, c.YPred, classes, fromLogits, smoothing, dtype);
        var map = Ref.Arg<IReadOnlyDictionary<int, double>?>(c, "class_weights", null);
        if (map is null && ignore is null) return (loss, null);
        double[] weights = c.YTrue!.Select(l => ignore == (int)l ? 0 : map is not null && map.TryGetValue((int)l, out double v) ? v : 1.0).ToArray();
        if (map is not null && smoothing > 0)
        {
            // PyTorch's cross_entropy(weight=w, label_smoothing=ε): every class's term carries its own weight,
            // (1 − ε)·w[y]·(−log p_y) + (ε/C)·Σ_c w[c]·(−log p_c), and the mean divides by Σ w[y_i]. As a loss times
            // the weight w[y_i] (the contract here), the per-element loss is that divided by w[y_i] (never 0 here).
            double W(int k) => map.TryGetValue(k, out double v) ? v : 1.0;
            double[] target = new double[c.YPred.Length];
            for (int r = 0; r < labels.Length; r++)
                for (int k = 0; k < classes; k++)
                    target[r * classes + k] = ((k == (int)labels[r] ? 1 - smoothing : 0) + smoothing / classes) * W(k);
            double[] weighted = Reference.CategoricalCrossentropy(target, c.YPred, classes, fromLogits, dtype);
            loss = weighted.Select((x, i) => weights[i] == 0 ? 0 : x / weights[i]).ToArray();
        }
        return (loss.Select((x, i) => weights[i] == 0 ? 0 : x).ToArray(), weights);
    }

    /// <summary>Class weights here are never 0 (0.3, 1.7), so a weight of 0 is exactly an ignored element.</summary>
    public bool WeightsAreMask => true;
}

public sealed class BinaryCrossentropyReference : ILossReference
{
    public string Loss => "binary_crossentropy";

    public IEnumerable<ReferenceCase> Cases()
    {
        double[] bits = Ref.Uniform(11, 24, 0, 2).Select(Math.Floor).ToArray();
        yield return new("probabilities (6, 4)", Ref.Uniform(12, 24, 0.01, 0.99), [6, 4], bits, null, new Dictionary<string, object?>());
        yield return new("logits, smoothing 0.1 (6, 4)", Ref.Uniform(13, 24, -5, 5), [6, 4], Ref.Uniform(14, 24, 0, 1), null,
            new Dictionary<string, object?> { ["from_logits"] = true, ["label_smoothing"] = 0.1 });
        yield return new("class weights (6, 4)", Ref.Uniform(15, 24, 0.01, 0.99), [6, 4], bits, null,
            new Dictionary<string, object?> { ["class_weights"] = new Dictionary<int, double> { [0] = 0.3, [1] = 1.3 } });
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype) =>
        (FamilyReference.Binary(c.YTrue!, c.YPred, (int)c.Shape[^1], Ref.Arg(c, "from_logits", false), Ref.Arg(c, "label_smoothing", 0.0), dtype,
            Ref.Arg<IReadOnlyDictionary<int, double>?>(c, "class_weights", null)), null);
}
