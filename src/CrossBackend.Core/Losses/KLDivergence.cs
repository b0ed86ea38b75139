namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Kullback–Leibler divergence, Keras's <c>kl_divergence</c>: Σ y · log(y / p) over the axis with y = clip(y_true,
    /// ε, 1) and p = clip(y_pred, ε, 1), ε = 1e-7, then the reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Clipping (Keras 3):</b> both y_true and y_pred are clipped to [1e-7, 1] (bounds in the input's dtype),
    /// so zeros contribute a tiny finite term instead of 0·log 0 = NaN, and values above 1 count as 1. PyTorch's
    /// <c>kl_div(input, target)</c> takes <i>log</i>-probabilities as input, clips nothing, defines 0·log 0 = 0 and
    /// averages over every element by default (<c>reduction='batchmean'</c> gives the mathematical value). Example
    /// y = [1, 0], p = [0.5, 0.5]: here 1·log 2 + 1e-7·log(2e-7) = <b>0.69314564</b> (0.69314563 in float32); PyTorch
    /// <c>kl_div(log p, y, reduction='sum')</c> gives 0.69314718. FastEstimator has no KL loss.</para>
    /// <para><b>Example</b> (Keras's tests, NumPy formula): y_true = [[0.5, 0.8, 0.12], [0.7, 0.43, 0.8]],
    /// y_pred = [[0.4, 0.9, 0.12], [0.36, 0.3, 0.4]] give <b>0.59607</b> (per sample [0.017345, 1.174802]).</para>
    /// </remarks>
    /// <param name="yPred">Predicted probabilities, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Target probabilities with y_pred's shape.</param>
    /// <param name="axis">The axis summed over; default the engine's class axis (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred KLDivergence<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)KLDivergenceLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.KLDivergence{TPred,TTrue}"/>.</summary>
internal sealed class KLDivergenceLoss : ILossFunction
{
    public static readonly LossDefinition Definition = new("kl_divergence",
        "Σ y·log(y / p) over the axis, y_true and y_pred clipped to [1e-7, 1]", LossLabels.SameShape, [],
        new KLDivergenceLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        // Keras's losses_test.py (KLDivergenceTest) states its expectations as a NumPy formula; these are that formula
        // evaluated in float64 on its (float32) inputs' decimal values.
        const string Test = "Keras test (its NumPy formula)";
        double[] pred = [0.4, 0.9, 0.12, 0.36, 0.3, 0.4], truth = [0.5, 0.8, 0.12, 0.7, 0.43, 0.8];
        return
        [
            KerasTestExamples.Example(Test, [], 0, [0.5960738398643668], pred, truth),
            KerasTestExamples.Example(Test, new() { ["sample_weights"] = new[] { 2.3 } }, 0, [1.3709698316880434], pred, truth),
            KerasTestExamples.Example(Test, new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 0, [2.0075711736936492], pred, truth),
            KerasTestExamples.Timestep(Test, 0, 0.2495994912084345, pred, truth),
            KerasTestExamples.ZeroWeighted(pred, truth),
            // Clipping: p = 0 counts as 1e-7 (log(1 / 1e-7), not ∞) and y = 0 as 1e-7 (1e-7·log(1e-7), not NaN).
            new("Keras 3 clip (float64 formula)", [0, 1], [1, 2], [1, 0], null, LossExample.Defaults, [Math.Log(1e7) + 1e-7 * Math.Log(1e-7)]),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.KLDivergence, new PointwiseLossParameters()) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        T y = o.Clip(c.Target, LossContext<T>.Epsilon, 1);
        T p = o.Clip(c.YPred, LossContext<T>.Epsilon, 1);
        return new(o.Sum(o.Mul(y, o.Log(o.Div(y, p))), c.Axis));
    }
}
