namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// Generalized cross entropy, Keras's <c>categorical_generalized_cross_entropy</c> (Zhang and Sabuncu, 2018):
    /// (1 − p^q) / q where p is y_pred at the true class, then the reduction, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>Semantics (Keras 3):</b> <paramref name="yTrue"/> holds one class index per element (despite the name,
    /// as in Keras: shape (Batch, …) or (Batch, …, 1)); p is Keras's Σ y_pred·one_hot(label) along the class axis — the
    /// value at that index as given, not renormalised and not clipped, so p = 0 gives 1/q (and an infinite gradient for
    /// q &lt; 1). Being a sum over the row, it is NaN when any class of the row is NaN or ±∞ (0·∞), as in Keras and by
    /// the library's non-finite policy; and at p = 0 the row's other classes get 0·(−∞) = NaN as their gradient, as
    /// under Keras's autograd on every backend. As q → 0 the loss tends to the crossentropy −log p; at q = 1 it is
    /// 1 − p (the mean absolute error of the paper).</para>
    /// <para><b>Where Keras disagrees with itself:</b> the class <c>CategoricalGeneralizedCrossEntropy</c> refuses q = 1
    /// (it requires 0 &lt; q &lt; 1) while the function <c>categorical_generalized_cross_entropy</c> checks nothing; we
    /// accept q in (0, 1] — 1 is the paper's MAE end — and refuse everything else naming <c>q</c>. Keras one-hot encodes
    /// labels with <c>one_hot</c>, so an out-of-range label silently reads p = 0 there; here it is refused naming
    /// <c>y_true</c>. Keras also builds a (Batch, Batch) result for labels of shape (Batch, 1); we squeeze the 1 as its
    /// docstring intends. PyTorch and FastEstimator have no generalized cross entropy.</para>
    /// <para><b>Example</b> (Keras's tests): y_true = [0, 1, 0, 1], y_pred = [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4],
    /// [0.4, 0.6]] give <b>0.35985972</b> with q = 0.5 and 0.33832816 with q = 0.8.</para>
    /// </remarks>
    /// <param name="yPred">Predicted class probabilities, rank ≥ 1 (rank 1: one sample of C classes, one rank-0 label), classes on the class axis.</param>
    /// <param name="yTrue">Class indices: y_pred's shape without the class axis (optionally with a length-1 axis there or
    /// last).</param>
    /// <param name="q">In (0, 1]; Keras's class default 0.5.</param>
    /// <param name="axis">The class axis; default the engine's (−1 channels-last, 1 channels-first).</param>
    /// <param name="reduction">How the per-element losses are reduced (Keras's default: sum over batch size).</param>
    /// <param name="sampleWeights">A tensor of the same engine (or a .NET number: one weight for every element): a scalar, (Batch,), or a prefix of the loss shape.</param>
    /// <returns>A tensor of the same engine and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">q outside (0, 1].</exception>
    /// <exception cref="ArgumentException">y_true has the wrong shape or a label outside [0, C), y_pred is not floating
    /// point, or the tensors belong to different engines or devices.</exception>
    public static TPred CategoricalGeneralizedCrossEntropy<TPred, TTrue>(TPred yPred, TTrue yTrue, double q = 0.5,
        int? axis = null, Reduction reduction = Reduction.SumOverBatchSize, object? sampleWeights = null)
        where TPred : class
        where TTrue : class =>
        (TPred)CategoricalGeneralizedCrossEntropyLoss.Definition.Compute(yPred, yTrue, new LossArguments
        {
            [CategoricalGeneralizedCrossEntropyLoss.Q.Name] = q,
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = reduction,
            [LossOption.SampleWeights.Name] = sampleWeights,
        });
}

/// <summary>The engine-independent definition of <see cref="Losses.CategoricalGeneralizedCrossEntropy{TPred,TTrue}"/>.</summary>
internal sealed class CategoricalGeneralizedCrossEntropyLoss : ILossFunction
{
    public static readonly LossOption Q = new("q", "q", LossOptionKind.Number, 0.5,
        "the exponent q: towards 0 the crossentropy, at 1 the mean absolute error", "a number in (0, 1]",
        v => v is double d && d > 0 && d <= 1);

    public static readonly LossDefinition Definition = new("categorical_generalized_cross_entropy",
        "(1 − p^q) / q with p = y_pred at the true class index", LossLabels.ClassIndices, [Q],
        new CategoricalGeneralizedCrossEntropyLoss(), examples: Examples());

    private static LossExample[] Examples()
    {
        // Keras's tests (losses_test.py) give these as formulas; the values are those formulas in float64.
        double[] labels = [0, 1, 0, 1];
        double[] binary = [0.7, 0.3, 0.2, 0.8, 0.6, 0.4, 0.4, 0.6];
        double[] multi = [0.7, 0.3, 0.0, 0.2, 0.2, 0.6, 0.6, 0.4, 0.0, 0.2, 0.2, 0.6];
        double[] segLabels = [0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1];
        double[] segExact = [1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1];
        double[] segNoisy = [1, 0, 0, 1, 0, 1, 0.2, 0.8, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0.6, 0.4];
        LossExample Test(double[] pred, long[] shape, double[] y, double q, double expected) =>
            new("Keras tests", pred, shape, y, shape[..^1], new Dictionary<string, object?> { ["q"] = q }, [expected]);
        double[] multiLabels = [0, 1, 2, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1];
        double[] multiExact =
        [
            1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0,
            0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0,
            1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0,
            0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0,
        ];
        double[] multiThreeOff =
        [
            1, 0, 0, 0, 1, 0, 0, 0, 1, 0.2, 0, 0.8,
            1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0,
            1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0,
            0, 1, 0, 0, 1, 0, 0.5, 0.5, 0, 0, 1, 0,
        ];
        return
        [
            Test(binary, [4, 2], labels, 0.5, 0.3598597219915209),
            Test(binary, [4, 2], labels, 0.8, 0.3383281560559337),
            Test(multi, [4, 3], labels, 0.5, 0.7471580566122626),
            Test(multi, [4, 3], labels, 0.8, 0.6349405258801546),
            Test(segExact, [4, 4, 2], segLabels, 0.5, 0.0),
            Test(segNoisy, [4, 4, 2], segLabels, 0.5, 0.11504135905829578),
            // test_multi_class_segmentation (assertAllClose): exact one-hot predictions, then three pixels off, one of them
            // with p = 0 for its label, where the gradient −p^(q−1) is −∞ and the pixel's other classes get 0.
            new(KerasTestExamples.Test("test_multi_class_segmentation"), multiExact, [4, 4, 3], multiLabels, [4, 4],
                new Dictionary<string, object?> { ["q"] = 0.5 }, [0.0], KerasTestExamples.AllClose),
            new(KerasTestExamples.Test("test_multi_class_segmentation"), multiThreeOff, [4, 4, 3], multiLabels, [4, 4],
                new Dictionary<string, object?> { ["q"] = 0.5 }, [0.2307100], KerasTestExamples.AllClose),
            // The Keras docstring's example (no printed value there): (1 − p^0.3) / 0.3 per element.
            new("Keras docstring inputs, q = 0.3", binary, [4, 2], labels, [4, 1],
                new Dictionary<string, object?> { ["q"] = 0.3, ["reduction"] = Reduction.None },
                [0.338255194031201, 0.2158385072579287, 0.47360933185301696, 0.47360933185301696]),
            // Rank 1: one sample of C classes with a rank-0 label: (1 − 0.7^0.5) / 0.5.
            new("Keras tests' formula (rank 1: the first sample)", [0.7, 0.3], [2], [0], [], new Dictionary<string, object?> { ["q"] = 0.5 },
                [0.3266799469318489]),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        c.RequireClasses();
        ITensorOps<T> o = c.Ops;
        int axis = c.Axis;
        double q = c.Number(Q);
        // An engine's sparse kernel checks the labels its own way (or declines): then no separate range check.
        if (SumAndSparseFused.Sparse(c, SparseLossKind.GeneralizedCrossEntropy, q) is { } fused)
            return fused;
        T labels = SparseCategoricalCrossentropyLoss.Labels(c, axis, ignoreClass: null);
        // Keras's p = Σ y_pred·one_hot: the labelled value, or NaN where the row holds a NaN or ±∞ anywhere.
        T p = o.Sum(o.Mul(c.YPred, o.OneHot(labels, (int)c.Classes, axis, c.DType)), axis);
        return new(o.Div(o.RSub(1, o.Pow(p, q)), q));
    }
}
