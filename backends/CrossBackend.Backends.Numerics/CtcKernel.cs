using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The CTC forward-backward kernel in log space, float64 throughout, each time step's states a vector of double
/// lanes at a time (a state's alpha reads only the previous step): per sample, the forward (alpha) recursion of
/// <c>Losses.Ctc</c>'s composed definition — the same 2·W + 1 states, the same finite log 0 for a missing
/// predecessor, a forbidden skip, a non-initial start and a non-final end — and, on request, its exact reverse pass
/// (the adjoint of every alpha, i.e. the state-occupancy beta·alpha/p), taken through the log-softmax to
/// d(loss)/d(logits). One pass over (Time × States) instead of a graph of per-step slices. The loss alone (no
/// gradient) is first tried in probability space with rescaling (<see cref="ScaledForward"/>), which hands back to
/// the log space whenever that could differ.
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
        WorkerPool.For(batch, b =>
            loss[b] = Sample(logits.AsSpan(b * sampleSize, sampleSize), time, classes, labels[b], states, logZero,
                gradient is null ? Span<double>.Empty : gradient.AsSpan(b * sampleSize, sampleSize)));
    }

    /// <summary>exp(x), exactly 0 below −700 (every term a log 0 of −1e5 reaches; exp(−700) ≈ 1e-304 is nothing
    /// beside the max term's 1), a vector of double lanes at a time. Those lanes are zeroed before the exp too: the
    /// vector exp computes a lane that underflows by the scalar library exp and its error path (measured: 40 % of the
    /// kernel's time). <see cref="DoubleExp"/> is exact instead (a subnormal result keeps its value, through that
    /// path); here such a share is negligible, so −745 to −700 is zeroed as well.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Share(Vector<double> x)
    {
        Vector<long> negligible = Vector.LessThan(x, new Vector<double>(-700));
        return Vector.ConditionalSelect(negligible, Vector<double>.Zero, Vector.Exp(Vector.ConditionalSelect(negligible, Vector<double>.Zero, x)));
    }

    /// <summary>The extended sequence's tables, padded: <see cref="Pad"/> slots of log 0 before every alpha row (the
    /// predecessors s − 1 and s − 2 of the first states) and the state count rounded up to whole vectors (the extra
    /// states are computed and never read: a state reads only lower ones).</summary>
    private const int Pad = 2;

    // Called once per sample (a few times per op): compiled fully optimised at once, not left in tier-0/OSR code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Sample(ReadOnlySpan<double> logits, int time, int classes, long[] labels, int states,
        double logZero, Span<double> gradient)
    {
        // Log-softmax of every step (max-shifted, as LogSoftmax is) and, for the forward pass in probability space,
        // the softmax from the same exps.
        var logProb = new double[time * classes];
        double[]? probability = gradient.IsEmpty ? new double[time * classes] : null;
        for (int t = 0; t < time; t++)
        {
            ReadOnlySpan<double> row = logits.Slice(t * classes, classes);
            Span<double> target = logProb.AsSpan(t * classes, classes);
            double max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, target);
            DoubleExp.Span<double>(target, target);
            double sum = TensorPrimitives.Sum(target);
            if (probability is not null) TensorPrimitives.Divide(target, sum, probability.AsSpan(t * classes, classes));
            TensorPrimitives.Subtract(row, max + Math.Log(sum), target);
        }

        // The extended sequence blank, l1, blank, …, then blanks up to 2·W + 1 states; a skip from s − 2 only onto a
        // label that differs from the previous one; the end in the last label or the blank after it. Past the real
        // states (vector padding), the tables hold log 0.
        int w = Vector<double>.Count, padded = (states + w - 1) / w * w, stride = Pad + padded;
        int length = labels.Length;
        var classOf = new int[padded];
        var skip = new double[padded + Pad];
        Array.Fill(skip, logZero);
        var end = new double[states];
        for (int s = 0; s < states; s++)
        {
            classOf[s] = s % 2 == 1 && (s - 1) / 2 < length ? (int)labels[(s - 1) / 2] : 0;
            end[s] = s == 2 * length || (length > 0 && s == 2 * length - 1) ? 0 : logZero;
        }
        for (int s = 0; s < states; s++)
            skip[s] = s % 2 == 1 && s >= 3 && (s - 1) / 2 < length && classOf[s] != classOf[s - 2] ? 0 : logZero;

        if (probability is not null && ScaledForward(probability, time, classes, classOf, skip, end, states, padded, out double scaled))
            return scaled;

        // Forward: alpha[t, s] at row t's offset Pad + s, every step kept for the reverse pass; the pads hold log 0.
        var alpha = new double[time * stride];
        Array.Fill(alpha, logZero);
        var emission = new double[padded];
        for (int s = 0; s < states; s++) alpha[Pad + s] = logProb[classOf[s]] + (s < 2 ? 0 : logZero);
        for (int t = 1; t < time; t++)
        {
            for (int s = 0; s < padded; s++) emission[s] = logProb[t * classes + classOf[s]];
            ReadOnlySpan<double> previous = alpha.AsSpan((t - 1) * stride, stride);
            Span<double> current = alpha.AsSpan(t * stride + Pad, padded);
            for (int s = 0; s < padded; s += w)
            {
                var stay = new Vector<double>(previous[(Pad + s)..]);
                var advance = new Vector<double>(previous[(Pad + s - 1)..]);
                Vector<double> jump = new Vector<double>(previous[(Pad + s - 2)..]) + new Vector<double>(skip.AsSpan(s));
                // log(e^a + e^b + e^c) = hi + log(1 + e^(mid − hi) + e^(lo − hi)): the greatest term's share is exactly 1,
                // so two exps, not three (the three ordered by min/max; ties and log 0 give the same sum).
                Vector<double> low2 = Vector.Min(stay, advance), high2 = Vector.Max(stay, advance);
                Vector<double> max = Vector.Max(high2, jump);
                Vector<double> middle = Vector.Max(low2, Vector.Min(high2, jump)), least = Vector.Min(low2, jump);
                Vector<double> total = Vector<double>.One + Share(middle - max) + Share(least - max);
                (max + Vector.Log(total) + new Vector<double>(emission.AsSpan(s))).CopyTo(current[s..]);
            }
        }
        int last = (time - 1) * stride + Pad;
        double endMax = double.NegativeInfinity;
        for (int s = 0; s < states; s++) endMax = Math.Max(endMax, alpha[last + s] + end[s]);
        double endSum = 0;
        for (int s = 0; s < states; s++) endSum += Math.Exp(alpha[last + s] + end[s] - endMax);
        double logLikelihood = endMax + Math.Log(endSum);
        if (gradient.IsEmpty) return -logLikelihood;

        // Reverse: adjoint[s] = d(loss)/d(alpha[t, s]); each alpha is a log-sum-exp of its predecessors, so an adjoint
        // flows back to each predecessor in proportion to its share exp(predecessor − (alpha − emission)). Gathered
        // per predecessor s from its successors s, s + 1 and s + 2 (in that order), whose adjoints past the real
        // states are 0 and whose log-sum-exps there are +∞ (share 0).
        var adjoint = new double[padded + Pad];
        var earlier = new double[padded + Pad];
        var gathered = new double[padded + Pad];
        Array.Fill(gathered, double.PositiveInfinity);
        for (int s = 0; s < states; s++) adjoint[s] = -Math.Exp(alpha[last + s] + end[s] - logLikelihood);
        var logProbGradient = new double[time * classes];
        for (int t = time - 1; t >= 0; t--)
        {
            int current = t * stride + Pad;
            for (int s = 0; s < states; s++) logProbGradient[t * classes + classOf[s]] += adjoint[s];
            if (t == 0) break;
            for (int s = 0; s < states; s++) gathered[s] = alpha[current + s] - logProb[t * classes + classOf[s]];
            ReadOnlySpan<double> previous = alpha.AsSpan((t - 1) * stride + Pad, padded);
            for (int s = 0; s < padded; s += w)
            {
                var before = new Vector<double>(previous[s..]);
                Vector<double> share = new Vector<double>(adjoint.AsSpan(s)) * Share(before - new Vector<double>(gathered.AsSpan(s)))
                    + new Vector<double>(adjoint.AsSpan(s + 1)) * Share(before - new Vector<double>(gathered.AsSpan(s + 1)))
                    + new Vector<double>(adjoint.AsSpan(s + 2)) * Share(before + new Vector<double>(skip.AsSpan(s + 2)) - new Vector<double>(gathered.AsSpan(s + 2)));
                share.CopyTo(earlier.AsSpan(s));
            }
            earlier.AsSpan(states).Clear();   // the padded states' gathered shares are garbage: never an adjoint
            (adjoint, earlier) = (earlier, adjoint);
        }

        // Through the log-softmax: dx = dlogp − softmax · Σ dlogp.
        for (int t = 0; t < time; t++)
        {
            ReadOnlySpan<double> row = logProbGradient.AsSpan(t * classes, classes);
            Span<double> target = gradient.Slice(t * classes, classes);
            double sum = TensorPrimitives.Sum(row);
            DoubleExp.Span<double>(logProb.AsSpan(t * classes, classes), target);
            TensorPrimitives.Multiply(target, -sum, target);
            TensorPrimitives.Add(target, row, target);
        }
        return -logLikelihood;
    }

    /// <summary>Below this a step's total probability is not trusted to hold every path that matters: a lost
    /// (underflowed) term is at most e^−745 of a probability, negligible only beside a total far above it.</summary>
    private const double SmallestTotal = 1e-290;

    /// <summary>
    /// The forward recursion in probability space, each step's alphas divided by their sum and the logs of those sums
    /// added (Graves et al. 2006, §4.1): the same states, transitions and ends as the log-space recursion, with
    /// multiplications and adds instead of two exps and a log per state (at (64, 50, 32), the softmax taken from the
    /// log-softmax's own exps: 0.65–0.94× the hand-written torch <c>ctc_loss</c> in <c>catalogue</c>, 1.19× in log
    /// space). A transition the log space blocks with its finite log 0 (−1e5) contributes
    /// e^−1e5 there, exactly 0 in double, and exactly 0 here. When that is not the whole story — a step whose total
    /// falls below <see cref="SmallestTotal"/> (an emission that underflowed, a label sequence too long for the time
    /// steps, where the log space returns its finite log 0 result), or a NaN — it returns false and the log-space
    /// recursion decides.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ScaledForward(double[] probability, int time, int classes, int[] classOf, double[] skipLog, double[] end,
        int states, int padded, out double negativeLogLikelihood)
    {
        negativeLogLikelihood = 0;
        int w = Vector<double>.Count, stride = Pad + padded;
        var allowSkip = new double[padded];
        for (int s = 0; s < padded; s++) allowSkip[s] = skipLog[s] == 0 ? 1 : 0;
        var previous = new double[stride];
        var current = new double[stride];
        for (int s = 0; s < Math.Min(2, states); s++) previous[Pad + s] = probability[classOf[s]];
        double logScale = 0;
        if (!Rescale(previous.AsSpan(Pad, padded), states, ref logScale)) return false;
        var emission = new double[padded];
        for (int t = 1; t < time; t++)
        {
            for (int s = 0; s < states; s++) emission[s] = probability[t * classes + classOf[s]];
            for (int s = 0; s < padded; s += w)
            {
                var stay = new Vector<double>(previous.AsSpan(Pad + s));
                var advance = new Vector<double>(previous.AsSpan(Pad + s - 1));
                var jump = new Vector<double>(previous.AsSpan(Pad + s - 2)) * new Vector<double>(allowSkip.AsSpan(s));
                ((stay + advance + jump) * new Vector<double>(emission.AsSpan(s))).CopyTo(current.AsSpan(Pad + s));
            }
            // The padding past the real states (emission 0 there) stays 0; only the real states are scaled.
            if (!Rescale(current.AsSpan(Pad, padded), states, ref logScale)) return false;
            (previous, current) = (current, previous);
        }
        double ends = 0;
        for (int s = 0; s < states; s++)
            if (end[s] == 0) ends += previous[Pad + s];
        if (!(ends >= SmallestTotal)) return false;
        negativeLogLikelihood = -(logScale + Math.Log(ends));
        return true;
    }

    /// <summary>Divides the alphas by the sum of the real states' and adds its log to <paramref name="logScale"/>;
    /// false when that sum is below <see cref="SmallestTotal"/> or NaN.</summary>
    private static bool Rescale(Span<double> alpha, int states, ref double logScale)
    {
        double total = TensorPrimitives.Sum(alpha[..states]);
        if (!(total >= SmallestTotal) || double.IsInfinity(total)) return false;
        TensorPrimitives.Multiply(alpha, 1 / total, alpha);
        logScale += Math.Log(total);
        return true;
    }
}
