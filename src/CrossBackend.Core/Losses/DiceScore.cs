namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// FastEstimator's <c>dice_score</c>: the Dice score 2·Σ(y_true·y_pred) / (Σ y_true + Σ y_pred + ε) per sample and
    /// channel, summed over the spatial axes, then reduced by its own options — on either engine, the same numbers.
    /// </summary>
    /// <remarks>
    /// <para><b>Shape:</b> y_pred is (Batch, …, C) on a channels-last engine and (Batch, C, …) on a channels-first one
    /// (rank ≥ 3: one or more spatial axes). The result is (Batch, C); (Batch,) with <paramref name="channelAverage"/>;
    /// (C,) with <paramref name="sampleAverage"/>; one value with both. It is a score (1 is a perfect match), not a
    /// loss: use 1 − score to train. There is no <c>reduction</c> or sample weight (<c>reduction</c> accepts only none).</para>
    /// <para><b>Steps, in FastEstimator's order:</b> <paramref name="maskOverlap"/> false keeps, per pixel, only the
    /// channels holding the maximum (others become 0); <paramref name="threshold"/> turns y_pred into 1 where
    /// y_pred &gt; threshold and 0 elsewhere (its gradient is then 0); <paramref name="softDice"/> squares y_true and
    /// y_pred in the denominator; the score is multiplied by <paramref name="channelWeights"/>; with
    /// <paramref name="emptyNan"/>, a channel where max(y_true) + max(y_pred) &lt; 1e-4 scores NaN instead of 0; then
    /// the channel mean and the batch mean.</para>
    /// <para><b>FastEstimator's TF and torch versions</b> run the same code, with two differences. (1) Layout: TF reads
    /// the channels last, torch at axis 1, so the same nested array gives different numbers in FastEstimator's
    /// docstring (TF [[0.9090908, 0.79999983, 0.79999995]], torch [[0.8000, 0.8000, 0.9091]]); here channels-last data
    /// moves to each engine's class axis, so both engines give TF's numbers for channels-last data and torch's for
    /// channels-first data. (2) Under Keras's mixed-precision policy TF sums by <i>means</i> (to avoid float16
    /// overflow), which scales ε by the pixel count N: 2·(x/N) / (y/N + ε) = 2x / (y + N·ε). We follow the torch (and
    /// float32 TF) version: sums, computed in float32 for float16/bfloat16 (no overflow). Worked example, a 256×256
    /// mask with Σ(y·p) = 400 and Σy + Σp = 1000: sums give 800 / (1000 + 1e-6) = 0.79999999920; TF mixed precision
    /// gives 800 / (1000 + 65536·1e-6) = 0.79994757.</para>
    /// <para><b>Examples</b> (FastEstimator's docstring, one (1, 3, 3, 3) sample): [[0.90909083, 0.79999984,
    /// 0.79999995]]; with <paramref name="channelAverage"/> [0.83636354]. FastEstimator's test (five 20×20×3 slices:
    /// blank, all missed, all false, partial, perfect) gives [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0.75472, 0.82353,
    /// 0.24], [1, 1, 1]]; the sample average [0.350944, 0.364706, 0.248]; both averages 0.3212166.</para>
    /// </remarks>
    /// <param name="yPred">Predictions (probabilities or binary masks), rank ≥ 3, floating point.</param>
    /// <param name="yTrue">Ground-truth masks with y_pred's shape.</param>
    /// <param name="softDice">Square y_true and y_pred in the denominator.</param>
    /// <param name="sampleAverage">Average the scores over the batch.</param>
    /// <param name="channelAverage">Average the scores over the channels.</param>
    /// <param name="channelWeights">One weight per channel, applied before the averages; null: none.</param>
    /// <param name="maskOverlap">Whether a pixel may belong to several channels (false: only its maximum channels count).</param>
    /// <param name="threshold">Binarise y_pred at this value (y_pred &gt; threshold); null: keep continuous values.</param>
    /// <param name="emptyNan">Score NaN (instead of 0) where both y_true and y_pred are empty in a channel.</param>
    /// <param name="epsilon">Added to the denominator; a finite number ≥ 0.</param>
    /// <param name="axis">The channel axis; default the engine's (−1 channels-last, 1 channels-first).</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>; integer and bool masks (FastEstimator's
    /// examples pass int arrays) are scored in float32 (on the channels-last engine pass them typed as object).</returns>
    public static TPred DiceScore<TPred, TTrue>(TPred yPred, TTrue yTrue, bool softDice = false, bool sampleAverage = false,
        bool channelAverage = false, double[]? channelWeights = null, bool maskOverlap = true, double? threshold = null,
        bool emptyNan = false, double epsilon = 1e-6, int? axis = null)
        where TPred : class
        where TTrue : class =>
        TypedResult.As<TPred>(DiceScoreLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [DiceScoreLoss.SoftDice.Name] = softDice,
            [DiceScoreLoss.SampleAverage.Name] = sampleAverage,
            [DiceScoreLoss.ChannelAverage.Name] = channelAverage,
            [DiceScoreLoss.ChannelWeights.Name] = channelWeights,
            [DiceScoreLoss.MaskOverlap.Name] = maskOverlap,
            [DiceScoreLoss.Threshold.Name] = threshold,
            [DiceScoreLoss.EmptyNan.Name] = emptyNan,
            [DiceScoreLoss.Epsilon.Name] = epsilon,
            [LossOption.Axis.Name] = axis,
        }), yPred, "Losses.DiceScore", nameof(yPred));
}

/// <summary>The engine-independent definition of <see cref="Losses.DiceScore{TPred,TTrue}"/>.</summary>
internal sealed class DiceScoreLoss : ILossFunction
{
    internal static readonly LossOption SoftDice = LossOption.Flag("soft_dice", "softDice", false, "square y_true and y_pred in the denominator");
    internal static readonly LossOption SampleAverage = LossOption.Flag("sample_average", "sampleAverage", false, "average the scores over the batch");
    internal static readonly LossOption ChannelAverage = LossOption.Flag("channel_average", "channelAverage", false, "average the scores over the channels");
    internal static readonly LossOption ChannelWeights = new("channel_weights", "channelWeights", LossOptionKind.Numbers, null,
        "one weight per channel, applied before the averages", "finite numbers", v => v is null || v is double[] w && w.All(double.IsFinite));
    internal static readonly LossOption MaskOverlap = LossOption.Flag("mask_overlap", "maskOverlap", true,
        "a pixel may belong to several channels (false: only its maximum channels count)");
    internal static readonly LossOption Threshold = new("threshold", "threshold", LossOptionKind.Number, null,
        "binarise y_pred at this value (y_pred > threshold); none: continuous values", "a finite number or none",
        v => v is null || v is double d && double.IsFinite(d));
    internal static readonly LossOption EmptyNan = LossOption.Flag("empty_nan", "emptyNan", false,
        "score NaN (instead of 0) where y_true and y_pred are both empty in a channel");
    internal static readonly LossOption Epsilon = LossOption.NonNegative("epsilon", "epsilon", 1e-6, "added to the denominator");

    public static readonly LossDefinition Definition = new("dice_score",
        "FastEstimator's Dice score 2·Σ(y·p) / (Σy + Σp + ε) per sample and channel over the spatial axes, then its own averages",
        LossLabels.SameShape, [SoftDice, SampleAverage, ChannelAverage, ChannelWeights, MaskOverlap, Threshold, EmptyNan, Epsilon],
        new DiceScoreLoss(), minRank: 3, ownReduction: true, examples: Examples())
    {
        NaNStaysInItsElement = false,
        ScoresIntegerPredictions = true,
        // (Batch, Channels): each average removes one axis; both leave one value.
        ScalarWhen = value => (bool)value(SampleAverage)! && (bool)value(ChannelAverage)!,
    };

    private static LossExample[] Examples()
    {
        // FastEstimator's docstring: one sample, the nested array read channels-last (its numpy/TF numbers).
        double[] docTrue = FastEstimatorDiceMasks.True, docPred = FastEstimatorDiceMasks.Pred;
        LossExample Doc(Dictionary<string, object?> args, double[] pred, double[] truth, params double[] expected) =>
            new("FastEstimator docstring", pred, [1, 3, 3, 3], truth, null, args, expected, Rounding: 5e-8);
        // The same nested array read channels-first (FastEstimator's torch numbers): moved to channels-last here.
        double[] torchTrue = FirstToLast(docTrue), torchPred = FirstToLast(docPred);
        (double[] testPred, double[] testTrue) = FastEstimatorTestMasks();
        // numpy.testing.assert_array_almost_equal(decimal=4): |actual − expected| < 1.5e-4.
        LossExample Test(Dictionary<string, object?> args, double rounding, params double[] expected) =>
            new("FastEstimator test", testPred, [5, 20, 20, 3], testTrue, null, args, expected, Rounding: rounding);
        return
        [
            Doc([], docPred, docTrue, 0.90909083, 0.79999984, 0.79999995),
            Doc(new() { ["soft_dice"] = true }, docPred, docTrue, 0.90909083, 0.79999984, 0.79999995),
            Doc(new() { ["channel_average"] = true }, docPred, docTrue, 0.83636354),
            Doc(new() { ["sample_average"] = true }, docPred, docTrue, 0.90909083, 0.79999984, 0.79999995),
            // test_dice_score.py (2022, numpy/TensorFlow/PyTorch alike): channel_average 0.837 ± 0.001. Its other cases
            // (0.839) pooled every axis, which today's dice_score no longer does: 1 − the `dice` loss (0.16129) gives them.
            new("FastEstimator test (2022)", docPred, [1, 3, 3, 3], docTrue, null, new Dictionary<string, object?> { ["channel_average"] = true },
                [0.837], Rounding: 0.001),
            new("FastEstimator docstring (torch)", torchPred, [1, 3, 3, 3], torchTrue, null, new Dictionary<string, object?>(),
                [0.8, 0.8, 0.9091], Rounding: 5e-5),
            new("FastEstimator docstring (torch)", torchPred, [1, 3, 3, 3], torchTrue, null,
                new Dictionary<string, object?> { ["channel_average"] = true }, [0.8364], Rounding: 5e-5),
            Test([], 1.5e-4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75472, 0.82353, 0.24, 1, 1, 1),
            Test(new() { ["threshold"] = 0.65 }, 1.5e-4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.83333, 1, 0, 1, 1, 1),
            Test(new() { ["mask_overlap"] = false }, 1.5e-3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75472, 0.688852, 0.22222, 1, 1, 1),
            Test(new() { ["soft_dice"] = true }, 1.5e-4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.84388, 0.93960, 0.31579, 1, 1, 1),
            // empty_nan's published values contain NaN: tests/CrossBackend.Tests/Losses/SegmentationLossTests.cs holds them.
            Test(new() { ["channel_weights"] = new[] { 1.0, 2.0, 0.5 } }, 1.5e-4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75472, 0.82353 * 2, 0.24 * 0.5, 1, 2, 0.5),
            Test(new() { ["channel_average"] = true }, 1.5e-4, 0, 0, 0, 0.606083, 1),
            Test(new() { ["sample_average"] = true }, 1.5e-4, 0.350944, 0.364706, 0.248),
            Test(new() { ["channel_average"] = true, ["sample_average"] = true }, 1.5e-4, 0.3212166),
        ];
    }

    /// <summary>(1, 3, 3, 3) data read with the channels at axis 1, rewritten row-major channels-last.</summary>
    private static double[] FirstToLast(double[] v)
    {
        var r = new double[27];
        for (int ch = 0; ch < 3; ch++)
            for (int h = 0; h < 3; h++)
                for (int w = 0; w < 3; w++)
                    r[(h * 3 + w) * 3 + ch] = v[(ch * 3 + h) * 3 + w];
        return r;
    }

    /// <summary>FastEstimator's <c>test_dice_score.py</c> fixture: five (20, 20, 3) slices (blank, total false negative,
    /// total false positive, partial match, perfect match), channels-last.</summary>
    internal static (double[] Pred, double[] True) FastEstimatorTestMasks()
    {
        var yTrue = new double[5 * 20 * 20 * 3];
        var yPred = new double[yTrue.Length];
        void Fill(double[] a, int n, int h0, int h1, int w0, int w1, int ch, double value)
        {
            for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++)
                    a[((n * 20 + h) * 20 + w) * 3 + ch] = value;
        }
        void Objects(double[] a, int n)
        {
            Fill(a, n, 5, 10, 5, 10, 0, 1);
            Fill(a, n, 7, 10, 0, 20, 1, 1);
            Fill(a, n, 2, 4, 3, 6, 2, 1);
        }
        Objects(yTrue, 1);
        Objects(yPred, 2);
        Objects(yTrue, 3);
        Fill(yPred, 3, 3, 10, 5, 10, 0, 0.8);
        Fill(yPred, 3, 7, 10, 0, 20, 1, 0.7);
        Fill(yPred, 3, 3, 8, 3, 6, 2, 0.6);
        Objects(yTrue, 4);
        Objects(yPred, 4);
        return (yPred, yTrue);
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (c.Tensor(LossOption.SampleWeights) is not null)
            throw new ArgumentException(
                $"Loss `{c.Definition.Name}` reduces by its own options and takes no sample weights; weigh channels with `channelWeights`. Received: sampleWeights=a tensor",
                "sampleWeights");
        ITensorOps<T> o = c.Ops;
        int channel = c.Axis, rank = c.Pred.Rank;
        long channels = c.Pred.Shape[channel];
        int[] spatial = Enumerable.Range(1, rank - 1).Where(d => d != channel).ToArray();
        if (spatial.Length == 0)
            throw new ArgumentException($"Loss `{c.Definition.Name}` needs a spatial axis besides the batch and channel axes. Received: axis={channel} on y_pred.shape={TensorInfo.FormatShape(c.Pred.Shape)}", "axis");
        double[]? weights = c.Numbers(ChannelWeights);
        if (weights is not null && weights.Length != channels)
            throw new ArgumentException(
                $"Argument `channelWeights` must hold one weight per channel ({channels}). Received: channelWeights={LossOption.Format(weights)} ({weights.Length} values)",
                "channelWeights");

        T y = c.Target, p = c.YPred;
        if (!c.Bool(MaskOverlap))
            p = o.Where(o.Compare(CompareOp.GreaterEqual, p, o.Max(p, channel, keepDims: true)), p, c.Constant(0));
        if (c.NumberOrNone(Threshold) is { } threshold)
            // + a zero that depends on y_pred: the score is constant in y_pred, and autograd engines refuse the gradient
            // of a result that does not depend on its input (the tape returns zeros; this makes torch do the same).
            p = o.Add(o.Where(o.Compare(CompareOp.Greater, p, c.Constant(threshold)), c.Constant(1), c.Constant(0)), TrackedZero(c, p));

        // (Batch, C); an engine whose ops make one tensor each may finish the ratio in place.
        T dice = o is IFusedDiceRatio<T> fusedRatio
                 && fusedRatio.DiceRatio(p, y, spatial, c.Bool(SoftDice), c.Number(Epsilon)) is { } fused
            ? fused
            : Ratio(c, p, y, spatial);
        if (weights is not null) dice = o.Mul(dice, o.FromValues(weights, [1, channels], c.DType));
        if (c.Bool(EmptyNan))
        {
            T empty = o.Compare(CompareOp.Less, o.Add(o.Reduce(ReduceOp.Max, y, spatial, false), o.Reduce(ReduceOp.Max, p, spatial, false)), c.Constant(1e-4));
            dice = o.Where(empty, c.Constant(double.NaN), dice);
        }
        if (c.Bool(ChannelAverage)) dice = o.Mean(dice, 1);
        if (c.Bool(SampleAverage)) dice = o.Mean(dice, 0);
        return new(dice, Reduced: true);
    }

    /// <summary>2·Σ p·y / (Σ p + Σ y + ε) over the spatial axes (soft Dice: Σ p² + Σ y²), the composed definition that
    /// <see cref="IFusedDiceRatio{TTensor}"/> kernels are held to.</summary>
    private static T Ratio<T>(LossContext<T> c, T p, T y, int[] spatial) where T : class
    {
        ITensorOps<T> o = c.Ops;
        // Σ p·y as a dot product over the spatial axes (one native call on torch for one spatial axis); an engine with
        // a fused kernel reads p and y once for the three sums.
        T numerator, denominator;
        if (o is IFusedDiceSums<T> fused && fused.DiceSums(p, y, spatial, c.Bool(SoftDice)) is { } sums)
        {
            numerator = sums.Intersection;
            denominator = o.Add(sums.PredSum, sums.TrueSum);
        }
        else
        {
            numerator = o.Dot(p, y, spatial, keepDims: false);
            denominator = c.Bool(SoftDice)
                ? o.Add(o.Sum(o.Square(p), spatial), o.Sum(o.Square(y), spatial))
                : o.Add(o.Sum(p, spatial), o.Sum(y, spatial));
        }
        // 2·n as n + n: exactly the same number, without a constant operand.
        return o.Div(o.Add(numerator, numerator), o.Add(denominator, c.Number(Epsilon)));
    }

    /// <summary>0 everywhere (also where y_pred is ±∞ or NaN), computed from y_pred so that it carries a (zero) gradient.</summary>
    private static T TrackedZero<T>(LossContext<T> c, T p) where T : class
    {
        ITensorOps<T> o = c.Ops;
        T finite = o.Where(o.Compare(CompareOp.Less, o.Abs(p), c.Constant(double.PositiveInfinity)), p, c.Constant(0));
        return o.Mul(finite, 0.0);
    }
}

/// <summary>The (1, 3, 3, 3) masks of FastEstimator's dice_score docstring and of its test_dice_score.py and
/// test_dice_loss.py (2022), row-major as the nested lists are written.</summary>
internal static class FastEstimatorDiceMasks
{
    public static readonly double[] True = [0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1];
    public static readonly double[] Pred = [0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1];
}
