namespace CrossBackend.Tests.References;

/// <summary>Keras's <c>mean_squared_error</c>: mean((y − p)²) over the last axis.</summary>
public sealed class MeanSquaredErrorReference : ILossReference
{
    public string Loss => "mean_squared_error";

    public IEnumerable<ReferenceCase> Cases()
    {
        yield return new("(8, 5)", Ref.Uniform(1, 40, -3, 3), [8, 5], Ref.Uniform(2, 40, -3, 3), null, new Dictionary<string, object?>());
        yield return new("(2, 3, 4) segmentation", Ref.Uniform(3, 24, -1, 1), [2, 3, 4], Ref.Uniform(4, 24, -1, 1), null, new Dictionary<string, object?>());
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        (int rows, int n) = Ref.Rows(c.Shape);
        return (Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, n).Average(i => Math.Pow(c.YTrue![r * n + i] - c.YPred[r * n + i], 2))).ToArray(), null);
    }
}
