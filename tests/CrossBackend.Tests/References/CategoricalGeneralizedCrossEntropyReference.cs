namespace CrossBackend.Tests.References;

/// <summary>Keras's <c>categorical_generalized_cross_entropy</c>: (1 − p[label]^q) / q per row.</summary>
public sealed class CategoricalGeneralizedCrossEntropyReference : ILossReference
{
    public string Loss => "categorical_generalized_cross_entropy";

    public IEnumerable<ReferenceCase> Cases()
    {
        yield return new("q 0.3 (6, 4)", Ref.Uniform(41, 24, 0.05, 1), [6, 4], [0, 3, 1, 2, 3, 0], [6],
            new Dictionary<string, object?> { ["q"] = 0.3 });
        yield return new("default q (2, 3, 4)", Ref.Uniform(42, 24, 0.05, 1), [2, 3, 4], [1, 0, 3, 2, 2, 1], [2, 3],
            new Dictionary<string, object?>());
        yield return new("q 1 (6, 3)", Ref.Uniform(43, 18, 0.05, 1), [6, 3], [2, 0, 1, 1, 2, 0], [6],
            new Dictionary<string, object?> { ["q"] = 1.0 });
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        (int rows, int n) = Ref.Rows(c.Shape);
        double q = Ref.Arg(c, "q", 0.5);
        return (Enumerable.Range(0, rows).Select(r => (1 - Math.Pow(c.YPred[r * n + (int)c.YTrue![r]], q)) / q).ToArray(), null);
    }
}
