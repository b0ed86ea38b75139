namespace CrossBackend.Tests.MetricTests;

/// <summary>
/// An independent float64 computation of every metric on channels-last host data (rows of C scores), written from the
/// metrics' definitions (Keras, TensorFlow's <c>in_top_k</c>, scikit-learn, FastEstimator) without the library.
/// </summary>
public enum ConfusionKind { Precision, Recall, F1 }

internal static class MetricReference
{
    public static int ArgMax(double[] row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    public static double[][] Rows(double[] values, int classes) =>
        Enumerable.Range(0, values.Length / classes).Select(r => values.AsSpan(r * classes, classes).ToArray()).ToArray();

    public static double[] CategoricalAccuracy(double[][] pred, double[][] truth) =>
        pred.Select((p, i) => ArgMax(p) == ArgMax(truth[i]) ? 1.0 : 0.0).ToArray();

    public static double[] SparseCategoricalAccuracy(double[][] pred, double[] labels) =>
        pred.Select((p, i) => ArgMax(p) == labels[i] ? 1.0 : 0.0).ToArray();

    /// <summary>TensorFlow's in_top_k: fewer than k scores strictly above the target's, in a row of finite scores (any
    /// NaN or ±∞ in the row: never in); an out-of-range target is never in.</summary>
    public static double[] InTopK(double[][] pred, double[] labels, int k) =>
        pred.Select((p, i) =>
        {
            double label = labels[i];
            if (label < 0 || label >= p.Length || label != Math.Floor(label)) return 0.0;
            double target = p[(int)label];
            if (!p.All(double.IsFinite)) return 0.0;
            return p.Count(v => v > target) < k ? 1.0 : 0.0;
        }).ToArray();

    /// <summary>Keras 3.4's binary_accuracy: one value per element, row-major.</summary>
    public static double[] BinaryAccuracy(double[][] pred, double[][] truth, double threshold) =>
        pred.SelectMany((p, i) => p.Select((v, c) => (v > threshold ? 1.0 : 0.0) == truth[i][c] ? 1.0 : 0.0)).ToArray();

    /// <summary>
    /// Keras 3.4's <c>Mean</c> with weights of the values' own (B, C) shape, broadcast first when a row or column has
    /// length 1: Σ_b mean_c(v·w) / Σ_b mean_c(w).
    /// </summary>
    public static double WeightedMean(double[][] values, double[][] weights)
    {
        double total = 0, count = 0;
        for (int b = 0; b < values.Length; b++)
        {
            double[] w = weights[weights.Length == 1 ? 0 : b];
            int classes = values[b].Length;
            double row = 0, rowWeight = 0;
            for (int c = 0; c < classes; c++)
            {
                double wc = w[w.Length == 1 ? 0 : c];
                row += values[b][c] * wc;
                rowWeight += wc;
            }
            total += row / classes;
            count += rowWeight / classes;
        }
        return count == 0 ? 0 : total / count;
    }

    /// <summary>Per-class TP, FP, FN from 0/1 predictions and labels, each row weighted.</summary>
    public static (double[] Tp, double[] Fp, double[] Fn) Counts(double[][] predicted, double[][] actual, double[]? weights)
    {
        int classes = predicted[0].Length;
        double[] tp = new double[classes], fp = new double[classes], fn = new double[classes];
        for (int i = 0; i < predicted.Length; i++)
        for (int c = 0; c < classes; c++)
        {
            double w = weights?[i] ?? 1.0;
            if (predicted[i][c] == 1 && actual[i][c] == 1) tp[c] += w;
            if (predicted[i][c] == 1 && actual[i][c] == 0) fp[c] += w;
            if (predicted[i][c] == 0 && actual[i][c] == 1) fn[c] += w;
        }
        return (tp, fp, fn);
    }

    /// <summary>Keras F1Score's prediction rule without a threshold: every class at the row's maximum that is not ~0.</summary>
    public static double[][] Predicted(double[][] pred, double? threshold) =>
        pred.Select(p => p.Select(v => threshold is { } t ? (v > t ? 1.0 : 0.0) : v >= p.Max() && Math.Abs(v) > 1e-9 ? 1.0 : 0.0).ToArray()).ToArray();

    private static double NoNan(double n, double d) => d == 0 ? 0 : n / d;

    /// <summary>Precision, recall, or F-beta as Keras writes it, (1 + β²)·P·R / (β²·P + R) (0 when P = R = 0).</summary>
    public static double Score(ConfusionKind kind, double tp, double fp, double fn, double beta = 1) => kind switch
    {
        ConfusionKind.Precision => NoNan(tp, tp + fp),
        ConfusionKind.Recall => NoNan(tp, tp + fn),
        _ => FBeta(NoNan(tp, tp + fp), NoNan(tp, tp + fn), beta),
    };

    private static double FBeta(double precision, double recall, double beta) =>
        NoNan((1 + beta * beta) * precision * recall, beta * beta * precision + recall);

    /// <summary>Keras's <c>_filter_top_k</c> then its threshold: a score is predicted when it is among the k highest of its
    /// row (equal scores at lower indices rank first, as TensorFlow's <c>top_k</c>) and above the threshold (Keras's
    /// NEG_INF, −1e10, by default).</summary>
    public static double[][] PredictedTopK(double[][] pred, int k, double? threshold) =>
        pred.Select(p => p.Select((v, j) =>
        {
            int rank = p.Where((u, i) => u > v || (u == v && i < j)).Count();
            return rank < k && v > (threshold ?? -1e10) ? 1.0 : 0.0;
        }).ToArray()).ToArray();

    public static double[] Averaged(ConfusionKind kind, (double[] Tp, double[] Fp, double[] Fn) n, ClassAverage average, double beta = 1)
    {
        double Score(double tp, double fp, double fn) => MetricReference.Score(kind, tp, fp, fn, beta);
        double[] per = n.Tp.Select((_, c) => Score(n.Tp[c], n.Fp[c], n.Fn[c])).ToArray();
        return average switch
        {
            ClassAverage.PerClass => per,
            ClassAverage.Macro => [per.Average()],
            ClassAverage.Micro or ClassAverage.Binary => [Score(n.Tp.Sum(), n.Fp.Sum(), n.Fn.Sum())],
            _ => [NoNan(per.Select((s, c) => s * (n.Tp[c] + n.Fn[c])).Sum(), n.Tp.Sum() + n.Fn.Sum())],
        };
    }

    /// <summary>FastEstimator's dice_score on (B, S, C) channels-last data (S: the spatial elements).</summary>
    public static double[] Dice(double[] pred, double[] truth, int batch, int spatial, int channels, bool soft, double? threshold,
        bool maskOverlap, double epsilon)
    {
        var result = new double[batch * channels];
        for (int b = 0; b < batch; b++)
        for (int c = 0; c < channels; c++)
        {
            double num = 0, sp = 0, st = 0;
            for (int s = 0; s < spatial; s++)
            {
                int at = (b * spatial + s) * channels;
                double p = pred[at + c], y = truth[at + c];
                if (!maskOverlap)
                {
                    double max = Enumerable.Range(0, channels).Max(k => pred[at + k]);
                    if (p < max) p = 0;
                }
                if (threshold is { } t) p = p > t ? 1 : 0;
                num += p * y;
                sp += soft ? p * p : p;
                st += soft ? y * y : y;
            }
            result[b * channels + c] = 2 * num / (sp + st + epsilon);
        }
        return result;
    }
}
