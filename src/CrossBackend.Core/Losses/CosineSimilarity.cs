namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Cosine similarity loss, Keras's <c>cosine_similarity</c>: −Σ l2_normalize(y_true) · l2_normalize(y_pred) along
    /// the axis, then the reduction, on either engine. −1 means the same direction, 0 orthogonal, 1 opposite.
    /// </summary>
    /// <remarks>
    /// <para><b>Normalisation (Keras 3's <c>ops.normalize</c>):</b> x · min(1/√Σx², 1/ε) with ε = 1e-7, i.e. the norm is
    /// floored at 1e-7 (computed here as x / √max(Σx², ε²), which also keeps the gradient of a zero vector finite).
    /// A zero vector therefore gives 0 whatever the other one is. Keras 2 (<c>tf.math.l2_normalize</c>) floors the
    /// <i>square sum</i> at 1e-12 (the norm at 1e-6) instead; PyTorch's <c>F.cosine_similarity</c> floors each norm at
    /// 1e-8, dividing by max(‖y‖, 1e-8)·max(‖p‖, 1e-8) (PyTorch 1.13 and libtorch 2.10; its docstring writes
    /// max(‖y‖·‖p‖, 1e-8)), and has the opposite sign (a similarity, not a loss). They differ only for tiny vectors:
    /// y_true = [3, 4], y_pred = [3e-7, 4e-7] give <b>−1</b> here and in Keras 3, −0.5 in Keras 2, and
    /// −cosine_similarity = −1 in PyTorch; y_pred = [3e-9, 4e-9] gives −0.05 here and in Keras 3, −0.5 in PyTorch.</para>
    /// <para><b>Example</b> (Keras's documentation): y_true = [[0, 1], [1, 1], [1, 1]], y_pred = [[1, 0], [1, 1], [−1, −1]]
    /// give, with <see cref="Reduction.None"/>, <b>[−0, −0.99999994, 0.99999994]</b>.</para>
    /// </remarks>
    /// <param name="yPred">Predictions, rank ≥ 1, floating point.</param>
    /// <param name="yTrue">Targets with y_pred's shape.</param>
    /// <param name="axis">The axis the vectors lie along; default the engine's class axis (Keras's −1 on a
    /// channels-last engine, 1 on a channels-first one).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), a prefix of the per-element loss
    /// shape, or that shape with trailing 1s.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    public static TPred CosineSimilarity<TPred, TTrue>(TPred yPred, TTrue yTrue, int? axis = null,
        Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)CosineSimilarityLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.CosineSimilarity{TPred,TTrue}"/>.</summary>
internal sealed class CosineSimilarityLoss : ILossFunction
{
    /// <summary>Keras 3's floor on the norm (<c>backend.epsilon()</c>).</summary>
    private const double NormFloor = 1e-7;

    public static readonly LossDefinition Definition = new("cosine_similarity",
        "−Σ l2_normalize(y_true) · l2_normalize(y_pred) along the axis (norms floored at 1e-7)", LossLabels.SameShape, [],
        new CosineSimilarityLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        // Keras's losses_test.py (CosineSimilarityTest) states its expectations as NumPy formulas; these are those
        // formulas evaluated in float64.
        const string Test = "Keras test (its NumPy formula)";
        return
        [
            new("Keras docs", [1, 0, 1, 1, -1, -1], [3, 2], [0, 1, 1, 1, 1, 1], null,
                new Dictionary<string, object?> { ["reduction"] = Reduction.None }, [0, -0.99999994, 0.99999994]),
            KerasTestExamples.Example(Test, [], 0, [-0.18721907084660513]),
            KerasTestExamples.Example(Test, new() { ["axis"] = 1 }, 0, [-0.18721907084660513]),
            KerasTestExamples.Example(Test, new() { ["sample_weights"] = new[] { 2.3 } }, 0, [-0.4306038629471918]),
            KerasTestExamples.Example(Test, new() { ["sample_weights"] = new[] { 1.2, 3.4 } }, 0, [0.1559919834648657]),
            // Along an axis of length 1 each element normalises to its sign: −mean(sign(y)·sign(p)·w) = −12/6.
            KerasTestExamples.Timestep(Test, 0, -2),
            KerasTestExamples.ZeroWeighted(),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireSameShape();
        if (PointwiseFused.Try(c, PointwiseLossKind.CosineSimilarity, new PointwiseLossParameters()) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        int axis = c.Axis;
        // Σ (y / max(‖y‖, ε))·(p / max(‖p‖, ε)) as (Σ y·p) · 1/√max(Σy², ε²) · 1/√max(Σp², ε²): the same function with
        // three sums of products and no B×C temporary; flooring the square sum first keeps √'s gradient finite at 0.
        T InverseNorm(T x) => o.Unary(UnaryOp.Reciprocal, o.Sqrt(o.Maximum(o.Dot(x, x, [axis], keepDims: false), NormFloor * NormFloor)));
        T y = c.Target, p = c.YPred;
        return new(o.Neg(o.Mul(o.Dot(y, p, [axis], keepDims: false), o.Mul(InverseNorm(y), InverseNorm(p)))));
    }
}
