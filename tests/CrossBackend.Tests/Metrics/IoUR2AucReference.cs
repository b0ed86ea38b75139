namespace CrossBackend.Tests.MetricTests;

/// <summary>
/// Independent float64 computations of Keras's IoU family, R2Score and AUC on host arrays, written from Keras's
/// definitions (<c>iou_metrics.py</c>, <c>regression_metrics.py</c>, <c>confusion_metrics.py</c>,
/// <c>metrics_utils.py</c>) with plain loops, without the library. (<c>check_keras_iou_r2_auc.py</c> checks the
/// published examples the same way in NumPy.)
/// </summary>
internal static class IoUR2AucReference
{
    /// <summary>Keras's IoU over <paramref name="targets"/> from flat ids: ids truncated toward zero, pairs with an id
    /// outside [0, C) or a true id equal to <paramref name="ignore"/> dropped, classes with TP + FP + FN ≤ 1e-9 left out of
    /// the mean (exact divisions; 0 when no target is valid).</summary>
    public static double IoU(double[] trueIds, double[] predIds, double[] weights, int classes, int[] targets, int? ignore = null)
    {
        var cm = new double[classes, classes];
        for (int i = 0; i < trueIds.Length; i++)
        {
            if (ignore is { } ig && trueIds[i] == ig) continue;
            double t = Math.Truncate(trueIds[i]), p = Math.Truncate(predIds[i]);
            if (!(t >= 0 && t < classes && p >= 0 && p < classes)) continue;
            cm[(int)t, (int)p] += weights[i];
        }
        double sum = 0, valid = 0;
        foreach (int c in targets)
        {
            double row = 0, column = 0;
            for (int k = 0; k < classes; k++) { row += cm[c, k]; column += cm[k, c]; }
            double denominator = row + column - cm[c, c];
            if (denominator <= 1e-9) continue;
            sum += cm[c, c] / denominator;
            valid++;
        }
        return valid == 0 ? 0 : sum / valid;
    }

    /// <summary>The arg-max of each row of C (first index on ties), as ids.</summary>
    public static double[] ArgMaxIds(double[] values, int classes) =>
        MetricReference.Rows(values, classes).Select(r => (double)MetricReference.ArgMax(r)).ToArray();

    /// <summary>Keras's R2Score on (B, C) rows with one weight per row: per column 1 − Σw(y − ŷ)²/Σw(y − ȳ)², a column
    /// whose weighted y_true are all equal scoring 0 (miss) or NaN (exact fit); aggregated; adjusted with n = B·C.</summary>
    public static double[] R2(double[][] y, double[][] p, double[] w, R2Aggregation aggregation, int regressors)
    {
        int columns = y[0].Length;
        var raw = new double[columns];
        var total = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            double count = 0, sum = 0, residual = 0;
            var seen = new HashSet<double>();
            for (int b = 0; b < y.Length; b++)
            {
                count += w[b];
                sum += w[b] * y[b][c];
                residual += w[b] * (y[b][c] - p[b][c]) * (y[b][c] - p[b][c]);
                if (w[b] != 0) seen.Add(y[b][c]);
            }
            double mean = sum / count;
            for (int b = 0; b < y.Length; b++) total[c] += w[b] * (y[b][c] - mean) * (y[b][c] - mean);
            if (seen.Count <= 1) { total[c] = 0; raw[c] = residual == 0 ? double.NaN : 0; }
            else raw[c] = 1 - residual / total[c];
        }
        double[] score = aggregation switch
        {
            R2Aggregation.UniformAverage => [raw.Average()],
            R2Aggregation.VarianceWeightedAverage => [raw.Select((r, c) => r * total[c]).Sum() / total.Sum()],
            _ => raw,
        };
        double n = y.Length * columns;
        if (regressors == 0 || regressors >= n - 1) return score;
        return score.Select(s => 1 - (1 - s) * (n - 1) / (n - regressors - 1)).ToArray();
    }

    /// <summary>Keras's AUC of one curve: scores, 0/1 labels and weights (elements), the full threshold list; with
    /// <paramref name="evenly"/>, Keras's bucket rule max(⌈clip(p)·(T − 1)⌉ − 1, 0) ≥ i, otherwise p &gt; threshold.</summary>
    public static double Auc(double[] scores, double[] labels, double[] weights, double[] thresholds, bool evenly, AucCurve curve, AucSummation summation)
    {
        int t = thresholds.Length;
        double[] tp = new double[t], fp = new double[t], fn = new double[t], tn = new double[t];
        for (int i = 0; i < scores.Length; i++)
        {
            double bucket = Math.Max(Math.Ceiling(Math.Clamp(scores[i], 0, 1) * (t - 1)) - 1, 0);
            for (int k = 0; k < t; k++)
            {
                bool above = evenly ? bucket >= k : scores[i] > thresholds[k];
                bool positive = labels[i] != 0;
                if (above && positive) tp[k] += weights[i];
                else if (above) fp[k] += weights[i];
                else if (positive) fn[k] += weights[i];
                else tn[k] += weights[i];
            }
        }
        static double NoNan(double a, double b) => b == 0 ? 0 : a / b;
        double area = 0;
        for (int k = 0; k + 1 < t; k++)
        {
            if (curve == AucCurve.Pr && summation == AucSummation.Interpolation)
            {
                // Davis & Goadrich: TP and P = TP + FP linear between thresholds k and k + 1.
                double pa = tp[k] + fp[k], pb = tp[k + 1] + fp[k + 1], dtp = tp[k] - tp[k + 1];
                double slope = NoNan(dtp, Math.Max(pa - pb, 0));
                double intercept = tp[k + 1] - slope * pb;
                double ratio = pa > 0 && pb > 0 ? NoNan(pa, Math.Max(pb, 0)) : 1;
                area += NoNan(slope * (dtp + intercept * Math.Log(ratio)), Math.Max(tp[k + 1] + fn[k + 1], 0));
                continue;
            }
            double X(int j) => curve == AucCurve.Roc ? NoNan(fp[j], fp[j] + tn[j]) : NoNan(tp[j], tp[j] + fn[j]);
            double Y(int j) => curve == AucCurve.Roc ? NoNan(tp[j], tp[j] + fn[j]) : NoNan(tp[j], tp[j] + fp[j]);
            double height = summation switch
            {
                AucSummation.Interpolation => (Y(k) + Y(k + 1)) / 2,
                AucSummation.Minoring => Math.Min(Y(k), Y(k + 1)),
                _ => Math.Max(Y(k), Y(k + 1)),
            };
            area += (X(k) - X(k + 1)) * height;
        }
        return area;
    }
}
