namespace CrossBackend.Tests.References;

/// <summary>Keras's label rule for the hinge losses, written plainly: when every label is 0 or 1 the whole tensor
/// becomes 2y − 1, otherwise nothing changes.</summary>
internal static class HingeLabels
{
    public static double[] Signed(double[] y) => y.All(v => v == 0 || v == 1) ? y.Select(v => 2 * v - 1).ToArray() : y;

    /// <summary>Per row of the last axis: mean of f(max(1 − y·p, 0)).</summary>
    public static double[] RowMeans(ReferenceCase c, Func<double, double> f)
    {
        (int rows, int n) = Ref.Rows(c.Shape);
        double[] y = Signed(c.YTrue!);
        return Enumerable.Range(0, rows)
            .Select(r => Enumerable.Range(0, n).Average(i => f(Math.Max(1 - y[r * n + i] * c.YPred[r * n + i], 0))))
            .ToArray();
    }

    public static IEnumerable<ReferenceCase> Cases()
    {
        // {0, 1} labels (converted), {−1, 1} labels, and a mix holding a 0 and a −1 (so nothing is converted).
        double[] bits = Ref.Uniform(21, 24, 0, 2).Select(Math.Floor).ToArray();
        yield return new("{0, 1} labels (6, 4)", Ref.Uniform(22, 24, -1.5, 1.5), [6, 4], bits, null, new Dictionary<string, object?>());
        yield return new("{-1, 1} labels (2, 3, 4)", Ref.Uniform(23, 24, -1.5, 1.5), [2, 3, 4], bits.Select(b => 2 * b - 1).ToArray(), null,
            new Dictionary<string, object?>());
        double[] mixed = bits.Select((b, i) => i % 5 == 0 ? -1 : b).ToArray();
        yield return new("mixed {-1, 0, 1} labels, not converted (6, 4)", Ref.Uniform(24, 24, -1.5, 1.5), [6, 4], mixed, null,
            new Dictionary<string, object?>());
    }
}

public sealed class HingeReference : ILossReference
{
    public string Loss => "hinge";
    public IEnumerable<ReferenceCase> Cases() => HingeLabels.Cases();
    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype) => (HingeLabels.RowMeans(c, m => m), null);
}

public sealed class SquaredHingeReference : ILossReference
{
    public string Loss => "squared_hinge";
    public IEnumerable<ReferenceCase> Cases() => HingeLabels.Cases();
    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype) => (HingeLabels.RowMeans(c, m => m * m), null);
}

/// <summary>Keras's <c>categorical_hinge</c>: max(max_j (1 − y_j)·p_j − Σ_j y_j·p_j + 1, 0) per row.</summary>
public sealed class CategoricalHingeReference : ILossReference
{
    public string Loss => "categorical_hinge";

    public IEnumerable<ReferenceCase> Cases()
    {
        yield return new("one-hot (6, 4)", Ref.Uniform(25, 24, -2, 2), [6, 4], Ref.OneHot(26, 6, 4), null, new Dictionary<string, object?>());
        yield return new("one-hot (2, 3, 5)", Ref.Uniform(27, 30, -0.5, 1.5), [2, 3, 5], Ref.OneHot(28, 6, 5), null, new Dictionary<string, object?>());
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        (int rows, int n) = Ref.Rows(c.Shape);
        var loss = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double pos = 0, neg = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                double y = c.YTrue![r * n + i], p = c.YPred[r * n + i];
                pos += y * p;
                neg = Math.Max(neg, (1 - y) * p);
            }
            loss[r] = Math.Max(neg - pos + 1, 0);
        }
        return (loss, null);
    }
}
