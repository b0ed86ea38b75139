namespace CrossBackend.Tests.References;

/// <summary>Keras's <c>circle</c>, written from its formula in float64: d = max(1 − x·rᵀ, 0); positives share a label
/// (i ≠ j when remove_diagonal); loss = softplus(lse_pos(−γ·max(m + d, 0)·(m − d)) + lse_neg(γ·max(1 + m − d, 0)·(1 − m − d))),
/// 0 for a query without positives or negatives (masked out of the mean).</summary>
public sealed class CircleReference : ILossReference
{
    public string Loss => "circle";

    /// <summary>Queries without a positive or negative pair score 0 and leave the mean's count (Keras's mask).</summary>
    public bool WeightsAreMask => true;

    public IEnumerable<ReferenceCase> Cases()
    {
        double[] labels = [0, 1, 0, 1, 2, 2, 1];
        yield return new("defaults (7, 5)", Embeddings(41, 7, 5), [7, 5], labels, [7], new Dictionary<string, object?>());
        // γ small enough that the softplus argument stays below 20: libtorch's softplus returns x itself above 20, an
        // error of e^−x that float64 sees (2e-9 at 20).
        yield return new("γ 5.3, m 0.3, diagonal kept (7, 5)", Embeddings(42, 7, 5), [7, 5], labels, [7],
            new Dictionary<string, object?> { ["gamma"] = 5.3, ["margin"] = 0.3, ["remove_diagonal"] = false });
    }

    /// <summary>Rows normalised to unit length, then rounded to float32 (both dtypes see the same values).</summary>
    private static double[] Embeddings(int seed, int rows, int dim)
    {
        double[] raw = Ref.Uniform(seed, rows * dim, -1, 1);
        for (int r = 0; r < rows; r++)
        {
            double norm = Math.Sqrt(Enumerable.Range(0, dim).Sum(k => raw[r * dim + k] * raw[r * dim + k]));
            for (int k = 0; k < dim; k++) raw[r * dim + k] = (float)(raw[r * dim + k] / norm);
        }
        return raw;
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        int rows = (int)c.Shape[0], dim = (int)c.Shape[1];
        double gamma = Ref.Arg(c, "gamma", 80.0), m = Ref.Arg(c, "margin", 0.4);
        bool removeDiagonal = Ref.Arg(c, "remove_diagonal", true);
        var loss = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            var pos = new List<double>();
            var neg = new List<double>();
            for (int j = 0; j < rows; j++)
            {
                double dot = Enumerable.Range(0, dim).Sum(k => c.YPred[i * dim + k] * c.YPred[j * dim + k]);
                double d = Math.Max(1 - dot, 0);
                if (c.YTrue![i] == c.YTrue[j])
                {
                    if (!(removeDiagonal && i == j)) pos.Add(-gamma * Math.Max(m + d, 0) * (m - d));
                }
                else neg.Add(gamma * Math.Max(1 + m - d, 0) * (1 - m - d));
            }
            if (pos.Count == 0 || neg.Count == 0) continue;
            double z = LogSumExp(pos) + LogSumExp(neg);
            loss[i] = z > 30 ? z + double.LogP1(Math.Exp(-z)) : double.LogP1(Math.Exp(z));
        }
        return (loss, loss.Select(l => l > 0 ? 1.0 : 0.0).ToArray());
    }

    private static double LogSumExp(List<double> x)
    {
        double max = x.Max();
        return max + Math.Log(x.Sum(v => Math.Exp(v - max)));
    }
}
