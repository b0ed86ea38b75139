namespace CrossBackend;

/// <summary>Inverse weighted distance: (1 / max(d, ε))ᵖ normalised over the last axis.</summary>
/// <remarks>A given ε (<paramref name="eps"/>, row-major values and their shape) is one value or, as FastEstimator's
/// <c>maximum(tensor, eps)</c> broadcasts a tensor ε, several; null makes ε from maxProb and pairwiseDistance.</remarks>
internal sealed class IwdFunction(double power, double maxProb, double pairwiseDistance, (double[] Values, long[] Shape)? eps)
    : FunctionProgram(ResultDTypes.FloatForIntegers)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        // FastEstimator's ε divides by max_prob · (C − 1), so without `eps` one class is refused; with `eps` given it
        // is not used, and one class gets probability 1.
        bool given = eps is not null;
        if (shape.Length < 1 || shape[^1] < (given ? 1 : 2))
            throw new ArgumentException(!given
                ? $"Argument `tensor` must be (Batch, C) distances with C ≥ 2 classes on the last axis (ε is made from maxProb / (C − 1); give `eps` for one class). Received: tensor.shape={TensorInfo.FormatShape(shape)}"
                : $"Argument `tensor` must be (Batch, C) distances with C ≥ 1 classes on the last axis. Received: tensor.shape={TensorInfo.FormatShape(shape)}", "tensor");
        T floored;
        if (eps is not { } e)
            // FastEstimator: ε = d_pair · ((1 − p_max) / (p_max · (C − 1)))^(1/power), in the tensor's dtype.
            floored = o.Maximum(x, pairwiseDistance * Math.Pow((1.0 - maxProb) / (maxProb * (shape[^1] - 1)), 1.0 / power));
        else if (e.Values.Length == 1) floored = o.Maximum(x, e.Values[0]);
        else
        {
            // ε floors the distances; it must not widen them (a (B, 1, C) ε against (B, C) distances).
            if (Shapes.Broadcast(shape, e.Shape) is not { } broadcast || !broadcast.SequenceEqual(shape))
                throw new ArgumentException(
                    $"Argument `eps` must broadcast to `tensor`'s shape (one value, or one per class). Received: eps.shape={TensorInfo.FormatShape(e.Shape)}, tensor.shape={TensorInfo.FormatShape(shape)}", "eps");
            floored = o.Maximum(x, o.FromValues(e.Values, e.Shape, o.DTypeOf(x)));
        }
        T inverse = o.Unary(UnaryOp.Reciprocal, floored);
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
    /// <paramref name="eps"/> is, as FastEstimator's <c>eps: Optional[Tensor]</c>, a number, or a tensor (any engine) or
    /// .NET array of numbers read on the host once: one value, or several that broadcast to <paramref name="tensor"/>
    /// (one per class), as FastEstimator's <c>maximum(tensor, eps)</c> broadcasts them. Every value must be &gt; 0.
    /// </summary>
    /// <remarks><b>Example</b> (FastEstimator): [[0.5]*5, [0, 1, 1, 1, 1]] → <b>[[0.2, 0.2, 0.2, 0.2, 0.2], [0.95, 0.0125, 0.0125, 0.0125, 0.0125]]</b>.</remarks>
    public static T Iwd<T>(T tensor, double power = 1.0, double maxProb = 0.95, double pairwiseDistance = 1.0, object? eps = null) where T : class
    {
        if (!(power > 0)) throw new ArgumentOutOfRangeException(nameof(power), power, $"Argument `power` must be > 0. Received: power={power}");
        if (!(maxProb > 0 && maxProb < 1)) throw new ArgumentOutOfRangeException(nameof(maxProb), maxProb, $"Argument `maxProb` must be in (0, 1). Received: maxProb={maxProb}");
        // Without eps, ε is made from pairwiseDistance: NaN there gave an all-NaN result, and a distance ≤ 0 a floor of
        // at most 0, so zeros became 1/0.
        if (eps is null && !(double.IsFinite(pairwiseDistance) && pairwiseDistance > 0))
            throw new ArgumentOutOfRangeException(nameof(pairwiseDistance), pairwiseDistance,
                $"Argument `pairwiseDistance` must be a finite number > 0 (or give `eps` directly). Received: pairwiseDistance={pairwiseDistance}");
        if (eps is null) return Run<T>(nameof(Iwd), new IwdFunction(power, maxProb, pairwiseDistance, null), [tensor], TensorName);
        (double[] Values, long[] Shape) given = HostValues(eps, nameof(eps), "a number, a tensor or a .NET array of numbers (or null to make ε from maxProb and pairwiseDistance)");
        double[] values = given.Values;
        int bad = Array.FindIndex(values, v => !(v > 0));
        if (bad >= 0)
            throw new ArgumentOutOfRangeException(nameof(eps), values[bad],
                values.Length == 1 ? $"Argument `eps` must be > 0. Received: eps={values[bad]}" : $"Argument `eps` must hold values > 0. Received: eps[{bad}]={values[bad]} (row-major)");
        return Run<T>(nameof(Iwd), new IwdFunction(power, maxProb, pairwiseDistance, given), [tensor], TensorName);
    }
}
