namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The CTC forward-backward kernel in log space, float64 throughout: per sample, the forward (alpha) recursion of
/// <c>Losses.Ctc</c>'s composed definition — the same 2·W + 1 states, the same finite log 0 for a missing
/// predecessor, a forbidden skip, a non-initial start and a non-final end — and, on request, its exact reverse pass
/// (the adjoint of every alpha, i.e. the state-occupancy beta·alpha/p), taken through the log-softmax to
/// d(loss)/d(logits). One pass over (Time × States) instead of a graph of per-step slices.
/// </summary>
internal static class CtcKernel
{
    /// <summary>
    /// Computes <paramref name="loss"/>[b] = −log p(labels[b] | logits[b]) and, when <paramref name="gradient"/> is
    /// given, d(loss[b])/d(logits[b]) into it. <paramref name="logits"/> and <paramref name="gradient"/> are
    /// (Batch, Time, Classes) row-major; a null gradient skips the reverse pass.
    /// </summary>
    public static void Run(double[] logits, int batch, int time, int classes, IReadOnlyList<long[]> labels,
        int width, double logZero, double[] loss, double[]? gradient)
    {
        int states = 2 * width + 1;
        int sampleSize = time * classes;
        // Samples are independent: each runs on its own thread with its own scratch.
        Parallel.For(0, batch, b =>
            loss[b] = Sample(logits.AsSpan(b * sampleSize, sampleSize), time, classes, labels[b], states, logZero,
                gradient is null ? Span<double>.Empty : gradient.AsSpan(b * sampleSize, sampleSize)));
    }

    /// <summary>exp(x) for x ≤ 0, skipping the call where it underflows to exactly 0 (every term a log 0 of −1e5
    /// reaches), so the result is bit-identical to <see cref="Math.Exp"/>.</summary>
    private static double Share(double x) => x < -800 ? 0 : Math.Exp(x);

    // Called once per sample (a few times per op): compiled fully optimised at once, not left in tier-0/OSR code.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double Sample(ReadOnlySpan<double> logits, int time, int classes, long[] labels, int states,
        double logZero, Span<double> gradient)
    {
        // Log-softmax of every step (max-shifted, as LogSoftmax is).
        var logProb = new double[time * classes];
        for (int t = 0; t < time; t++)
        {
            ReadOnlySpan<double> row = logits.Slice(t * classes, classes);
            double max = double.NegativeInfinity;
            foreach (double v in row) max = Math.Max(max, v);
            double sum = 0;
            foreach (double v in row) sum += Math.Exp(v - max);
            double shift = max + Math.Log(sum);
            for (int c = 0; c < classes; c++) logProb[t * classes + c] = row[c] - shift;
        }

        // The extended sequence blank, l1, blank, …, then blanks up to 2·W + 1 states; a skip from s − 2 only onto a
        // label that differs from the previous one; the end in the last label or the blank after it.
        int length = labels.Length;
        var classOf = new int[states];
        var skip = new double[states];
        var end = new double[states];
        for (int s = 0; s < states; s++)
        {
            classOf[s] = s % 2 == 1 && (s - 1) / 2 < length ? (int)labels[(s - 1) / 2] : 0;
            end[s] = s == 2 * length || (length > 0 && s == 2 * length - 1) ? 0 : logZero;
        }
        for (int s = 0; s < states; s++)
            skip[s] = s % 2 == 1 && s >= 3 && (s - 1) / 2 < length && classOf[s] != classOf[s - 2] ? 0 : logZero;

        // Forward: alpha[t, s], every step kept for the reverse pass.
        var alpha = new double[time * states];
        for (int s = 0; s < states; s++) alpha[s] = logProb[classOf[s]] + (s < 2 ? 0 : logZero);
        for (int t = 1; t < time; t++)
        {
            int previous = (t - 1) * states, current = t * states;
            for (int s = 0; s < states; s++)
            {
                double stay = alpha[previous + s];
                double advance = s >= 1 ? alpha[previous + s - 1] : logZero;
                double jump = (s >= 2 ? alpha[previous + s - 2] : logZero) + skip[s];
                double max = Math.Max(Math.Max(stay, advance), jump);
                double total = Share(stay - max) + Share(advance - max) + Share(jump - max);
                alpha[current + s] = max + Math.Log(total) + logProb[t * classes + classOf[s]];
            }
        }
        int last = (time - 1) * states;
        double endMax = double.NegativeInfinity;
        for (int s = 0; s < states; s++) endMax = Math.Max(endMax, alpha[last + s] + end[s]);
        double endSum = 0;
        for (int s = 0; s < states; s++) endSum += Math.Exp(alpha[last + s] + end[s] - endMax);
        double logLikelihood = endMax + Math.Log(endSum);
        if (gradient.IsEmpty) return -logLikelihood;

        // Reverse: adjoint[s] = d(loss)/d(alpha[t, s]); each alpha is a log-sum-exp of its predecessors, so an adjoint
        // flows back to each predecessor in proportion to its share exp(predecessor − (alpha − emission)).
        var adjoint = new double[states];
        var earlier = new double[states];
        for (int s = 0; s < states; s++) adjoint[s] = -Math.Exp(alpha[last + s] + end[s] - logLikelihood);
        var logProbGradient = new double[time * classes];
        for (int t = time - 1; t >= 0; t--)
        {
            int current = t * states;
            for (int s = 0; s < states; s++) logProbGradient[t * classes + classOf[s]] += adjoint[s];
            if (t == 0) break;
            int previous = (t - 1) * states;
            Array.Clear(earlier);
            for (int s = 0; s < states; s++)
            {
                double a = adjoint[s];
                if (a == 0) continue;
                double gathered = alpha[current + s] - logProb[t * classes + classOf[s]];
                earlier[s] += a * Share(alpha[previous + s] - gathered);
                if (s >= 1) earlier[s - 1] += a * Share(alpha[previous + s - 1] - gathered);
                if (s >= 2) earlier[s - 2] += a * Share(alpha[previous + s - 2] + skip[s] - gathered);
            }
            (adjoint, earlier) = (earlier, adjoint);
        }

        // Through the log-softmax: dx = dlogp − softmax · Σ dlogp.
        for (int t = 0; t < time; t++)
        {
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += logProbGradient[t * classes + c];
            for (int c = 0; c < classes; c++)
                gradient[t * classes + c] = logProbGradient[t * classes + c] - Math.Exp(logProb[t * classes + c]) * sum;
        }
        return -logLikelihood;
    }
}
