namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Connectionist temporal classification loss, Keras 3's <c>ctc</c>: −log p(labels | y_pred) per sample, summed over
    /// every alignment by the forward algorithm in log space, on either engine. The composed general-op recursion is the
    /// definition; an engine's fused kernel (<see cref="IFusedCtc{TTensor}"/>) gives the same numbers faster where it
    /// offers one: libtorch's <c>ctc_loss</c> (differentiated by autograd) and, on the channels-last engine, a log-space
    /// forward-backward kernel whose hand-written gradient the tape records.
    /// </summary>
    /// <remarks>
    /// <para><b>Keras's conventions:</b> y_pred holds <i>logits</i> (a log-softmax over the classes is applied here,
    /// as Keras does); class 0 is the blank; y_true holds label sequences padded with 0 (Keras's
    /// <c>mask_index=0</c>), and a sample's label length is its count of non-zero entries, of which the first that many
    /// entries are used (so pad at the end: a 0 inside a sequence shortens it, as in Keras). Every time step counts
    /// (input length = T). Labels must be integers in [0, C).</para>
    /// <para><b>Layout:</b> y_pred is (Batch, Time, Classes) channels-last and (Batch, Classes, Time) on a
    /// channels-first engine (the classes on the engine's class axis, as for every loss here).</para>
    /// <para><b>Impossible alignments</b> (a label sequence that cannot fit in T steps) use log 0 = −1e5, as Keras's JAX
    /// backend does, so the loss is about 1e5 (−log 0), finite, with a finite gradient; PyTorch's <c>ctc_loss</c> returns
    /// +∞ there (or 0 with <c>zero_infinity</c>), so the torch engine's fused <c>ctc_loss</c> path declines such a batch
    /// (and a blank inside a label sequence, whose gradient libtorch gets wrong, and float16/bfloat16) and the composed
    /// recursion runs. In float32 an impossible row's gradient carries errors near 1e-3 (float32's spacing at 1e5 is
    /// 0.0078); the channels-last engine's fused kernel accumulates in float64 and does not.</para>
    /// <para><b>Example</b> (Keras's test): logits (arange(24).reshape(2, 4, 3) − 12) / 100, y_true = [[1, 2, 1, 0],
    /// [1, 2, 0, 2]] give <b>2.448645</b> (the mean over the batch). PyTorch's <c>CTCLoss</c> takes (T, B, C)
    /// log-probabilities, explicit lengths and blank = 0 by default, and averages by default over target lengths
    /// (<c>reduction='mean'</c> divides each loss by its label length); FastEstimator has no CTC loss.</para>
    /// </remarks>
    /// <param name="yPred">Logits: (Batch, Time, Classes) channels-last, (Batch, Classes, Time) channels-first.</param>
    /// <param name="yTrue">Label sequences (Batch, MaxLabelLength), integers, padded with 0.</param>
    /// <param name="reduction">How the per-sample losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar or (Batch,).</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred Ctc<TPred, TTrue>(TPred yPred, TTrue yTrue, Reduction reduction = Reduction.SumOverBatchSize,
        object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)CtcLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.Ctc{TPred,TTrue}"/>.</summary>
internal sealed class CtcLoss : ILossFunction
{
    /// <summary>log 0 in the forward algorithm (Keras's JAX backend's <c>log_epsilon</c>): finite, so no −∞ − (−∞) and
    /// no NaN in any gradient; exp(−1e5 − x) is exactly 0 for every reachable log-probability.</summary>
    internal const double LogZero = -1e5;

    public static readonly LossDefinition Definition = new("ctc",
        "−log p(labels | logits) per sample by the CTC forward algorithm; blank 0, labels padded with 0 (Keras)",
        LossLabels.IntegerLabels, [], new CtcLoss(), minRank: 3, examples: Examples());

    private static LossExample[] Examples()
    {
        double[] logits = Enumerable.Range(0, 24).Select(i => (i - 12) / 100.0).ToArray();
        double[] labels = [1, 2, 1, 0, 1, 2, 0, 2];
        return
        [
            new("Keras test", logits, [2, 4, 3], labels, [2, 4], LossExample.Defaults, [2.448645], Rounding: 5e-7),
            // PyTorch 1.13's ctc_loss on the same inputs (log_softmax, blank 0, lengths 3 and 3: Keras's rule), per sample.
            new("PyTorch 1.13 ctc_loss", logits, [2, 4, 3], labels, [2, 4],
                new Dictionary<string, object?> { ["reduction"] = Reduction.None }, [2.442931466194657, 2.4543600054516146]),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        ITensorOps<T> o = c.Ops;
        long[] shape = c.Pred.Shape;
        if (shape.Length != 3)
            throw new ArgumentException($"Argument `y_pred` must hold logits of shape (Batch, Time, Classes) (channels-first: (Batch, Classes, Time)). Received: y_pred.shape={TensorInfo.FormatShape(shape)}", "y_pred");
        int classAxis = c.Axis;
        if (classAxis == 0)
            throw new ArgumentException($"Argument `axis` (the class axis) must be 1 or 2 for ctc. Received: axis={classAxis}", "axis");
        long batch = shape[0], time = shape[3 - classAxis], classes = shape[classAxis];
        if (time == 0 || classes == 0)
            throw new ArgumentException($"Argument `y_pred` must have at least one time step and one class. Received: y_pred.shape={TensorInfo.FormatShape(shape)}", "y_pred");
        Sequences labels = Sequences.Read(o, c.YTrue, batch, classes);
        // An engine's fused kernel (same numbers, no per-step graph) where it offers one for this case.
        if (o is IFusedCtc<T> fused && fused.CtcNegativeLogLikelihood(c.YPred, classAxis, labels.Labels, labels.Width) is { } fusedLoss)
            return new(fusedLoss);
        // (Batch, Time, Classes), whatever the engine's layout.
        T logits = classAxis == 2 ? c.YPred : o.Permute(c.YPred, [0, 2, 1]);
        int states = labels.States;

        T logProbabilities = o.LogSoftmax(logits, 2);
        // Each state's log-probability at every step: one matmul with the one-hot states (the tape differentiates
        // MatMul; TakeAlongAxis with several indices per row it does not).
        T emit = o.MatMul(logProbabilities, o.FromValues(labels.OneHotByClass(classes), [batch, classes, states], c.DType));   // (B, T, S)
        T Step(long t) => o.Reshape(o.Slice(emit, 1, t, 1), [batch, states]);

        T logZeroColumn = o.Full([batch, 1], LogZero, c.DType), logZeroPair = o.Full([batch, 2], LogZero, c.DType);
        T noSkip = o.FromValues(labels.SkipOffsets(), [batch, states], c.DType);
        var start = new double[states];
        for (int s = 2; s < states; s++) start[s] = LogZero;
        T alpha = o.Add(Step(0), o.FromValues(start, [1, states], c.DType));
        for (long t = 1; t < time; t++)
        {
            T stay = alpha;
            T advance = o.Concat([logZeroColumn, o.Slice(alpha, 1, 0, states - 1)], 1);
            T skip = o.Add(o.Concat([logZeroPair, o.Slice(alpha, 1, 0, states - 2)], 1), noSkip);
            T max = o.Maximum(o.Maximum(stay, advance), skip);
            T total = o.Add(o.Add(o.Exp(o.Sub(stay, max)), o.Exp(o.Sub(advance, max))), o.Exp(o.Sub(skip, max)));
            alpha = o.Add(o.Add(max, o.Log(total)), Step(t));
        }
        // The sequence ends in its last label or the blank after it.
        T ends = o.Add(alpha, o.FromValues(labels.EndOffsets(), [batch, states], c.DType));
        T endMax = o.Max(ends, 1, keepDims: true);
        T logLikelihood = o.Add(o.Reshape(endMax, [batch]), o.Log(o.Sum(o.Exp(o.Sub(ends, endMax)), 1)));
        return new(o.Neg(logLikelihood));
    }

    /// <summary>The label sequences read once on the host (they are data, not differentiated): Keras's lengths and the
    /// extended sequences blank, l1, blank, l2, …, blank of 2·L + 1 states.</summary>
    private sealed class Sequences(long[][] labels, int width)
    {
        public int States { get; } = 2 * width + 1;

        /// <summary>y_true's padded width (MaxLabelLength).</summary>
        public int Width => width;

        /// <summary>Each sample's label sequence (Keras's length applied; blank = 0).</summary>
        public IReadOnlyList<long[]> Labels => labels;

        public static Sequences Read<T>(ITensorOps<T> o, T yTrue, long batch, long classes) where T : class
        {
            long[] shape = o.ShapeOf(yTrue);
            if (shape.Length != 2 || shape[0] != batch || shape[1] < 1)
                throw new ArgumentException(
                    $"Argument `y_true` must hold padded label sequences of shape (Batch, MaxLabelLength) with Batch = {batch} and MaxLabelLength >= 1. Received: y_true.shape={TensorInfo.FormatShape(shape)}",
                    "y_true");
            double[] values = o.ToHost(yTrue);
            int width = (int)shape[1];
            var sequences = new long[batch][];
            for (long b = 0; b < batch; b++)
            {
                var row = values.AsSpan((int)(b * width), width);
                foreach (double v in row)
                    if (!(v >= 0 && v < classes && v == Math.Floor(v)))
                        throw new ArgumentException(
                            $"Argument `y_true` must hold integer labels in [0, {classes}) (0 is the blank and the padding). Received: y_true[{b}] contains {v}",
                            "y_true");
                int length = 0;
                foreach (double v in row) if (v != 0) length++;   // Keras: label_length = sum(y_true != 0)
                sequences[b] = row[..length].ToArray().Select(v => (long)v).ToArray();
            }
            return new Sequences(sequences, width);
        }

        /// <summary>The class of state s: the blank (0) at even s, label (s − 1)/2 at odd s (the blank past the end).</summary>
        private long ClassOf(int b, int s) => s % 2 == 1 && (s - 1) / 2 < labels[b].Length ? labels[b][(s - 1) / 2] : 0;

        /// <summary>(Batch, Classes, States): 1 where the state emits the class.</summary>
        public double[] OneHotByClass(long classes)
        {
            var hot = new double[labels.Length * classes * States];
            for (int b = 0; b < labels.Length; b++)
                for (int s = 0; s < States; s++)
                    hot[(b * classes + ClassOf(b, s)) * States + s] = 1;
            return hot;
        }

        /// <summary>0 where state s may be reached from s − 2 (a label differing from the previous one), log 0 elsewhere.</summary>
        public double[] SkipOffsets()
        {
            var offsets = new double[labels.Length * States];
            for (int b = 0; b < labels.Length; b++)
                for (int s = 0; s < States; s++)
                {
                    bool allowed = s % 2 == 1 && s >= 3 && (s - 1) / 2 < labels[b].Length && ClassOf(b, s) != ClassOf(b, s - 2);
                    offsets[b * States + s] = allowed ? 0 : LogZero;
                }
            return offsets;
        }

        /// <summary>0 at the final states (the last label and the blank after it), log 0 elsewhere.</summary>
        public double[] EndOffsets()
        {
            var offsets = new double[labels.Length * States];
            for (int b = 0; b < labels.Length; b++)
            {
                int length = labels[b].Length;
                for (int s = 0; s < States; s++)
                    offsets[b * States + s] = s == 2 * length || (length > 0 && s == 2 * length - 1) ? 0 : LogZero;
            }
            return offsets;
        }
    }
}
