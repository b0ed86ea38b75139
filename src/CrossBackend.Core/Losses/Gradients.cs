namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// The gradient of <see cref="CategoricalCrossentropy{TPred,TTrue}"/> (same arguments, same options) with respect
    /// to <paramref name="yPred"/>, computed analytically: dL/dy_pred, with <paramref name="yPred"/>'s shape and dtype.
    /// </summary>
    /// <remarks>
    /// <para>L is the loss after its reduction. For <see cref="Reduction.None"/> (and <c>averageLoss: false</c>) the
    /// result is the gradient of the <b>sum</b> of the weighted per-element losses (an upstream gradient of ones),
    /// which is what <c>loss.sum().backward()</c> gives under autograd.</para>
    /// <para>The options are applied as in the forward loss: each element's upstream gradient is its weight (class
    /// weight × sample weight) times d(reduction)/d(element): 1 for <see cref="Reduction.None"/> and
    /// <see cref="Reduction.Sum"/>, 1/N for <see cref="Reduction.SumOverBatchSize"/>, 1/Σw for
    /// <see cref="Reduction.WeightedMean"/>. Label smoothing changes the targets, as in the forward loss. Per class,
    /// from logits: g·(softmax(x)·Σy − y); from probabilities (p = x/Σx, q = clip(p, ε, 1 − ε)):
    /// g·(a − Σ_k a_k·p_k)/Σx with a = −y/q where ε ≤ p ≤ 1 − ε and 0 where the clip is active. This is the
    /// gradient PyTorch's autograd gives for the same loss (the tests check it).</para>
    /// <para>Only engines without autograd provide it (the System.Numerics.Tensors engine); on the TorchSharp engine
    /// it throws <see cref="NotSupportedException"/>: use <c>loss.backward()</c> there. float16 and bfloat16 are
    /// computed in float32 and returned in their dtype.</para>
    /// <para><b>Example</b> (channels-last):</para>
    /// <code>
    /// var p = Tensor.Create(new[] { 0.2f, 0.3f, 0.5f }, [1, 3]);
    /// var y = Tensor.Create(new[] { 0f, 0f, 1f }, [1, 3]);
    /// Losses.CategoricalCrossentropyGradient(p, y);                   // [[1, 1, -1]]   (Σx = 1: −1/q_c + 1 on the target)
    /// var z = Tensor.Create(new[] { 0f, 0f, 0f }, [1, 3]);
    /// Losses.CategoricalCrossentropyGradient(z, y, fromLogits: true); // [[0.3333, 0.3333, -0.6667]]   (softmax − y)
    /// </code>
    /// </remarks>
    /// <inheritdoc cref="CategoricalCrossentropy{TPred,TTrue}" path="/param"/>
    /// <inheritdoc cref="CategoricalCrossentropy{TPred,TTrue}" path="/typeparam"/>
    /// <returns>dL/dy_pred: a tensor of the same engine, shape and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="NotSupportedException">The engine computes gradients by autograd (TorchSharp).</exception>
    public static TPred CategoricalCrossentropyGradient<TPred, TTrue>(
        TPred yPred,
        TTrue yTrue,
        bool fromLogits = false,
        bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null,
        double labelSmoothing = 0,
        int? axis = null,
        Reduction? reduction = null,
        object? sampleWeights = null)
        where TPred : class
        where TTrue : class
    {
        return Dispatch(yPred, yTrue, () => new CategoricalCrossentropyGradientProgram(
            LossOptions.Create(fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights)));
    }

    /// <summary>
    /// The gradient of <see cref="SparseCategoricalCrossentropy{TPred,TTrue}"/> (same arguments, same options) with
    /// respect to <paramref name="yPred"/>: the categorical gradient with one-hot labels (smoothed one-hot labels with
    /// label smoothing), the ignored elements' rows 0.
    /// </summary>
    /// <remarks>
    /// <para>As for <see cref="CategoricalCrossentropyGradient{TPred,TTrue}"/>: L is the reduced loss, and for
    /// <see cref="Reduction.None"/> the gradient of the sum of the weighted per-element losses. With
    /// <paramref name="ignoreClass"/>, <see cref="Reduction.SumOverBatchSize"/> divides by the number of elements
    /// not ignored (the whole gradient is 0 when every element is ignored).</para>
    /// <para><b>Example</b> (channels-last): y_pred = [[0.2, 0.3, 0.5], [0.25, 0.25, 0.5]], labels [2, 0], mean
    /// (N = 2): [[0.5, 0.5, −0.5], [−1.5, 0.5, 0.5]] — per row (δ − 1/q)/Σx·(1/N) on the label, 1/(Σx·N) elsewhere.</para>
    /// </remarks>
    /// <inheritdoc cref="SparseCategoricalCrossentropy{TPred,TTrue}" path="/param"/>
    /// <inheritdoc cref="SparseCategoricalCrossentropy{TPred,TTrue}" path="/typeparam"/>
    /// <returns>dL/dy_pred: a tensor of the same engine, shape and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="NotSupportedException">The engine computes gradients by autograd (TorchSharp).</exception>
    public static TPred SparseCategoricalCrossentropyGradient<TPred, TTrue>(
        TPred yPred,
        TTrue yTrue,
        bool fromLogits = false,
        bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null,
        int? ignoreClass = null,
        double labelSmoothing = 0,
        int? axis = null,
        Reduction? reduction = null,
        object? sampleWeights = null)
        where TPred : class
        where TTrue : class
    {
        return Dispatch(yPred, yTrue, () => new SparseCategoricalCrossentropyGradientProgram(
            LossOptions.Create(fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights), ignoreClass));
    }

    /// <summary>
    /// The gradient of <see cref="BinaryCrossentropy{TPred,TTrue}"/> (same arguments, same options) with respect to
    /// <paramref name="yPred"/>.
    /// </summary>
    /// <remarks>
    /// <para>As for <see cref="CategoricalCrossentropyGradient{TPred,TTrue}"/>: L is the reduced loss, and for
    /// <see cref="Reduction.None"/> the gradient of the sum of the per-element losses. The per-element loss is the
    /// mean over <paramref name="axis"/>, so each value gets 1/C of its element's upstream gradient, times its class
    /// weight. Per value: from logits σ(x) − y; from probabilities −(y/q − (1 − y)/(1 − q)) with q = clip(x, ε, 1 − ε),
    /// and 0 where the clip is active (x &lt; ε or x &gt; 1 − ε). At a logit of exactly 0 this is the true
    /// derivative 0.5 − y, where PyTorch's autograd of the stable form max(x, 0) − x·y + log(1 + exp(−|x|)) gives the
    /// subgradient 1 − y.</para>
    /// <para><b>Example</b> (channels-last): y_pred = [[0.8, 0.4]], y = [[1, 0]], mean over one element:
    /// [[−0.625, 0.8333]] = [−1/0.8, 1/(1 − 0.4)] / C with C = 2.</para>
    /// </remarks>
    /// <inheritdoc cref="BinaryCrossentropy{TPred,TTrue}" path="/param"/>
    /// <inheritdoc cref="BinaryCrossentropy{TPred,TTrue}" path="/typeparam"/>
    /// <returns>dL/dy_pred: a tensor of the same engine, shape and dtype as <paramref name="yPred"/>.</returns>
    /// <exception cref="NotSupportedException">The engine computes gradients by autograd (TorchSharp).</exception>
    public static TPred BinaryCrossentropyGradient<TPred, TTrue>(
        TPred yPred,
        TTrue yTrue,
        bool fromLogits = false,
        bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null,
        double labelSmoothing = 0,
        int? axis = null,
        Reduction? reduction = null,
        object? sampleWeights = null)
        where TPred : class
        where TTrue : class
    {
        return Dispatch(yPred, yTrue, () => new BinaryCrossentropyGradientProgram(
            LossOptions.Create(fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights)));
    }

    private sealed class CategoricalCrossentropyGradientProgram(LossOptions o) : ILossProgram
    {
        public TTensor Run<TTensor>(ITensorBackend<TTensor> b, TTensor yPred, TTensor yTrue) where TTensor : class
        {
            (_, int axis, long classes, long[] lossShape, long count, double[]? table, TTensor? sample) = LossSetup.Dense(b, o, yPred, yTrue);

            // The class weight of argmax(y_true): the same element weights as the forward loss (its fused kernel
            // takes the arg-max of the smoothed labels, which is the same index for smoothing below 1).
            TTensor classWeight = b.Gather(table ?? Ones(classes), b.ArgMax(yTrue, axis), yPred);
            TTensor upstream = GradientReduction.Upstream(b, classWeight,
                LossReduction.Combine(b, table is null ? null : classWeight, sample), null, count, lossShape, o.Reduction);
            TTensor target = o.LabelSmoothing > 0 ? b.Affine(yTrue, 1 - o.LabelSmoothing, o.LabelSmoothing / classes) : yTrue;
            return b.CategoricalCrossentropyBackward(target, yPred, o.FromLogits, axis, upstream);
        }
    }

    private sealed class SparseCategoricalCrossentropyGradientProgram(LossOptions o, int? ignoreClass) : ILossProgram
    {
        public TTensor Run<TTensor>(ITensorBackend<TTensor> b, TTensor yPred, TTensor yTrue) where TTensor : class
        {
            ((_, int axis, long classes, long[] lossShape, long count, double[]? table, TTensor? sample), TTensor labels) =
                LossSetup.Sparse(b, o, yPred, yTrue, ignoreClass);

            TTensor? valid = ignoreClass is { } ignored ? b.NotEqual(labels, ignored, yPred) : null;
            TTensor safeLabels = valid is null ? labels : b.Multiply(b.Affine(labels, 1, 0), valid);
            TTensor classWeight = b.Gather(table ?? Ones(classes), safeLabels, yPred);
            TTensor upstream = GradientReduction.Upstream(b, classWeight,
                LossReduction.Combine(b, table is null ? null : classWeight, sample, valid), valid, count, lossShape, o.Reduction);

            return o.LabelSmoothing > 0
                ? b.CategoricalCrossentropyBackward(
                    b.Affine(b.OneHot(safeLabels, (int)classes, axis, yPred), 1 - o.LabelSmoothing, o.LabelSmoothing / classes),
                    yPred, o.FromLogits, axis, upstream)
                : b.SparseCategoricalCrossentropyBackward(safeLabels, yPred, o.FromLogits, axis, upstream);
        }
    }

    private sealed class BinaryCrossentropyGradientProgram(LossOptions o) : ILossProgram
    {
        public TTensor Run<TTensor>(ITensorBackend<TTensor> b, TTensor yPred, TTensor yTrue) where TTensor : class
        {
            (_, int axis, long classes, long[] lossShape, long count, double[]? table, TTensor? sample) =
                LossSetup.Dense(b, o, yPred, yTrue, weightClasses: 2);

            // Class weights act on values, before the mean over the axis: they scale the value's gradient, not the
            // element's upstream gradient. A tensor of ones in the loss shape comes from a gather (the arg-max of any
            // row is a valid index into a table of ones).
            TTensor ones = b.Gather(Ones(classes), b.ArgMax(yTrue, axis), yPred);
            TTensor upstream = GradientReduction.Upstream(b, ones, sample, null, count, lossShape, o.Reduction);
            TTensor target = o.LabelSmoothing > 0 ? b.Affine(yTrue, 1 - o.LabelSmoothing, 0.5 * o.LabelSmoothing) : yTrue;
            TTensor gradient = b.BinaryCrossentropyBackward(target, yPred, o.FromLogits, axis, upstream);
            return table is null ? gradient : b.Multiply(gradient, b.Gather(table, yTrue, gradient));
        }
    }

    private static double[] Ones(long count)
    {
        var ones = new double[count];
        Array.Fill(ones, 1.0);
        return ones;
    }
}

/// <summary>The reductions' derivatives: the upstream gradient each per-element loss receives.</summary>
internal static class GradientReduction
{
    /// <summary>
    /// d(reduced loss)/d(per-element loss), per element, for the weights w the forward loss applies (the product of
    /// class weights, sample weights and the ignore mask; null when there are none): w for <see cref="Reduction.None"/>
    /// (the gradient of the sum) and <see cref="Reduction.Sum"/>; w/N for <see cref="Reduction.SumOverBatchSize"/>
    /// (N = the element count, or the number of valid elements when <paramref name="validMask"/> is given, which must
    /// be part of <paramref name="weights"/>; 0 when that is 0); w/Σw for <see cref="Reduction.WeightedMean"/> (0 when
    /// Σw = 0; 1/N without weights).
    /// </summary>
    /// <param name="b">The backend.</param>
    /// <param name="ones">Ones in the loss shape and the prediction's dtype: w when there are no weights.</param>
    /// <param name="weights">The forward loss's weights, or null.</param>
    /// <param name="validMask">1 for counted elements, 0 for ignored ones, or null.</param>
    /// <param name="count">The element count N.</param>
    /// <param name="lossShape">The per-element loss shape.</param>
    /// <param name="reduction">The loss's reduction.</param>
    public static TTensor Upstream<TTensor>(ITensorBackend<TTensor> b, TTensor ones, TTensor? weights, TTensor? validMask,
        long count, long[] lossShape, Reduction reduction) where TTensor : class
    {
        TTensor w = weights ?? ones;
        return reduction switch
        {
            Reduction.None or Reduction.Sum => w,
            Reduction.SumOverBatchSize => validMask is null
                ? b.Affine(w, 1.0 / count, 0)
                : b.Multiply(w, b.ExpandTo(Reciprocal(b, b.Sum(validMask)), lossShape, w)),
            Reduction.WeightedMean => weights is null
                ? b.Affine(w, 1.0 / count, 0)
                : b.Multiply(w, b.ExpandTo(Reciprocal(b, b.Sum(weights)), lossShape, w)),
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"Unknown reduction. Received: reduction={reduction}"),
        };
    }

    /// <summary>1/x for a one-element tensor, 0 where x = 0 (x is finite: a count or a weight sum).</summary>
    private static TTensor Reciprocal<TTensor>(ITensorBackend<TTensor> b, TTensor x) where TTensor : class =>
        b.DivideNoNan(b.Affine(x, 0, 1), x);
}
