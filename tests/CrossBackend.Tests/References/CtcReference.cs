namespace CrossBackend.Tests.References;

/// <summary>Keras's <c>ctc</c> in float64 by the textbook forward algorithm in probability space (short sequences,
/// no log space): softmax over the classes, blank 0, a row's labels = its first n entries, n = its non-zero count.</summary>
public sealed class CtcReference : ILossReference
{
    public string Loss => "ctc";

    public IEnumerable<ReferenceCase> Cases()
    {
        yield return new("(3, 6, 4), a repeat, an empty row", Ref.Uniform(51, 3 * 6 * 4, -2, 2), [3, 6, 4],
            [1, 2, 2, 0, 0, 0, 0, 0, 3, 1, 3, 0], [3, 4], new Dictionary<string, object?>());
        yield return new("(2, 7, 5), full rows", Ref.Uniform(52, 2 * 7 * 5, -3, 3), [2, 7, 5],
            [4, 1, 4, 2, 3, 3], [2, 3], new Dictionary<string, object?>());
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        int batch = (int)c.Shape[0], time = (int)c.Shape[1], classes = (int)c.Shape[2], width = (int)c.TrueShape![1];
        var loss = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            double[] row = c.YTrue!.Skip(b * width).Take(width).ToArray();
            int[] labels = row.Take(row.Count(v => v != 0)).Select(v => (int)v).ToArray();
            int[] extended = new int[2 * labels.Length + 1];
            for (int n = 0; n < labels.Length; n++) extended[2 * n + 1] = labels[n];
            double[] Probabilities(int t)
            {
                double[] z = c.YPred.Skip((b * time + t) * classes).Take(classes).ToArray();
                double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
                return z.Select(v => Math.Exp(v - max) / sum).ToArray();
            }
            int states = extended.Length;
            var alpha = new double[states];
            double[] y0 = Probabilities(0);
            alpha[0] = y0[0];
            if (states > 1) alpha[1] = y0[extended[1]];
            for (int t = 1; t < time; t++)
            {
                double[] y = Probabilities(t);
                var next = new double[states];
                for (int s = 0; s < states; s++)
                {
                    double a = alpha[s] + (s >= 1 ? alpha[s - 1] : 0);
                    if (s % 2 == 1 && s >= 3 && extended[s] != extended[s - 2]) a += alpha[s - 2];
                    next[s] = a * y[extended[s]];
                }
                alpha = next;
            }
            loss[b] = -Math.Log(alpha[states - 1] + (states > 1 ? alpha[states - 2] : 0));
        }
        return (loss, null);
    }
}
