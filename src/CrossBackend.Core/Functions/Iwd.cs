namespace CrossBackend;

/// <summary>Inverse weighted distance: (1 / max(d, ε))ᵖ normalised over the last axis.</summary>
internal sealed class IwdFunction(double power, double maxProb, double pairwiseDistance, double? eps) : FunctionProgram(ResultDTypes.FloatForIntegers)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        // FastEstimator's ε divides by max_prob · (C − 1), so without `eps` one class is refused; with `eps` given it
        // is not used, and one class gets probability 1.
        if (shape.Length < 1 || shape[^1] < (eps is null ? 2 : 1))
            throw new ArgumentException(eps is null
                ? $"Argument `tensor` must be (Batch, C) distances with C ≥ 2 classes on the last axis (ε is made from maxProb / (C − 1); give `eps` for one class). Received: tensor.shape={TensorInfo.FormatShape(shape)}"
                : $"Argument `tensor` must be (Batch, C) distances with C ≥ 1 classes on the last axis. Received: tensor.shape={TensorInfo.FormatShape(shape)}", "tensor");
        // FastEstimator: ε = d_pair · ((1 − p_max) / (p_max · (C − 1)))^(1/power), in the tensor's dtype.
        double epsilon = eps ?? pairwiseDistance * Math.Pow((1.0 - maxProb) / (maxProb * (shape[^1] - 1)), 1.0 / power);
        T inverse = o.Unary(UnaryOp.Reciprocal, o.Maximum(x, epsilon));
        T powered = power == 1.0 ? inverse : o.Pow(inverse, power);
        T probabilities = o.Div(powered, o.Sum(powered, -1, keepDims: true));
        // FastEstimator divides by reshape(sum, [-1, 1]): one row of distances (C,) comes back as (1, C).
        return [shape.Length == 1 ? o.Reshape(probabilities, [1, shape[0]]) : probabilities];
    }
}

public static partial class Backend
{
    /// <summary>
    /// The inverse weighted distance (FastEstimator's <c>iwd</c>): distances (Batch, C) to class probabilities, larger
    /// for nearer classes — (1 / max(d, ε))^power normalised over the last axis (on every engine: classes are the last
    /// axis here, as in FastEstimator). ε = pairwiseDistance · ((1 − maxProb) / (maxProb · (C − 1)))^(1/power) unless
    /// <paramref name="eps"/> is given (then one class, C = 1, is allowed and gets 1). Integers give float32.
    /// </summary>
    /// <remarks><b>Example</b> (FastEstimator): [[0.5]*5, [0, 1, 1, 1, 1]] → <b>[[0.2, 0.2, 0.2, 0.2, 0.2], [0.95, 0.0125, 0.0125, 0.0125, 0.0125]]</b>.</remarks>
    public static T Iwd<T>(T tensor, double power = 1.0, double maxProb = 0.95, double pairwiseDistance = 1.0, double? eps = null) where T : class
    {
        if (!(power > 0)) throw new ArgumentOutOfRangeException(nameof(power), power, $"Argument `power` must be > 0. Received: power={power}");
        if (!(maxProb > 0 && maxProb < 1)) throw new ArgumentOutOfRangeException(nameof(maxProb), maxProb, $"Argument `maxProb` must be in (0, 1). Received: maxProb={maxProb}");
        // Without eps, ε is made from pairwiseDistance: NaN there gave an all-NaN result, and a distance ≤ 0 a floor of
        // at most 0, so zeros became 1/0.
        if (eps is null && !(double.IsFinite(pairwiseDistance) && pairwiseDistance > 0))
            throw new ArgumentOutOfRangeException(nameof(pairwiseDistance), pairwiseDistance,
                $"Argument `pairwiseDistance` must be a finite number > 0 (or give `eps` directly). Received: pairwiseDistance={pairwiseDistance}");
        if (eps is { } e && !(e > 0)) throw new ArgumentOutOfRangeException(nameof(eps), e, $"Argument `eps` must be > 0. Received: eps={e}");
        return Run<T>(nameof(Iwd), new IwdFunction(power, maxProb, pairwiseDistance, eps), [tensor], TensorName);
    }
}
