namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// FastEstimator's <c>l2_regularization(model, beta)</c> over a list of parameter tensors: β · Σ_i Σ x_i² / 2, one
    /// value summed over every element of every tensor, on the engine the tensors belong to.
    /// </summary>
    /// <remarks>
    /// <para>The same number as <see cref="L2Regularization{TParams}(TParams, double)"/> on all the parameters
    /// concatenated (and as the sum of that call on each tensor), without copying them into one tensor: pass a model's
    /// parameters as they are, whatever their shapes. FastEstimator sums <c>torch.sum(p**2) / 2</c> (PyTorch) or
    /// <c>tf.nn.l2_loss(w)</c> (TensorFlow) over the model's trainable parameters and multiplies by β.</para>
    /// <para>Every tensor must belong to one engine and have one dtype (FastEstimator's parameters all do); the first
    /// one that does not is named in the message (<c>parameters[2]</c>). An empty list is refused: there is no
    /// engine to return a tensor of (FastEstimator returns the Python number 0).</para>
    /// <para><b>Example</b>: parameters [0.1, −0.3] and [[0.7], [0.2]] with β = 0.1 give
    /// 0.1 · (0.01 + 0.09 + 0.49 + 0.04) / 2 = <b>0.0315</b>, as the single-tensor call on [0.1, −0.3, 0.7, 0.2].</para>
    /// </remarks>
    /// <param name="parameters">The parameter tensors, at least one, all of one engine and one floating-point dtype.</param>
    /// <param name="beta">The factor the regularization is weighted by; finite, ≥ 0.</param>
    /// <returns>One value (a scalar on torch, shape (1,) on the channels-last engine) of that engine and dtype.</returns>
    /// <exception cref="ArgumentException">The list is empty, an element is null, of another engine or of another dtype.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative or not finite.</exception>
    public static TParams L2Regularization<TParams>(IReadOnlyList<TParams> parameters, double beta = 0.01) where TParams : class =>
        (TParams)L2RegularizationOfList.Compute(parameters, beta);

    /// <summary>As <see cref="L2Regularization{TParams}(IReadOnlyList{TParams}, double)"/>; this overload lets a
    /// plain array resolve to the list form rather than to the single-tensor one.</summary>
    public static TParams L2Regularization<TParams>(TParams[] parameters, double beta = 0.01) where TParams : class =>
        (TParams)L2RegularizationOfList.Compute(parameters, beta);

    /// <summary>As <see cref="L2Regularization{TParams}(IReadOnlyList{TParams}, double)"/>; this overload lets a
    /// <see cref="List{T}"/> resolve to the list form rather than to the single-tensor one.</summary>
    public static TParams L2Regularization<TParams>(List<TParams> parameters, double beta = 0.01) where TParams : class =>
        (TParams)L2RegularizationOfList.Compute(parameters, beta);
}

/// <summary>The program behind the list form of <see cref="Losses.L2Regularization{TParams}(IReadOnlyList{TParams}, double)"/>:
/// one Σx² per tensor, added, times β/2, inside one engine scope.</summary>
internal sealed class L2RegularizationOfList(double beta) : ITensorProgram
{
    public static object Compute<TParams>(IReadOnlyList<TParams> parameters, double beta) where TParams : class
    {
        ArgumentNullException.ThrowIfNull(parameters);
        L2RegularizationLoss.Beta.Check(beta);
        if (parameters.Count == 0)
            throw new ArgumentException("Argument `parameters` must hold at least one tensor. Received: parameters=[] (an empty list)", nameof(parameters));
        string[] names = Enumerable.Range(0, parameters.Count).Select(i => $"parameters[{i}]").ToArray();
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i] is null)
                throw new ArgumentNullException(names[i], $"Argument `{names[i]}` must be a tensor. Received: null");
        ITensorEngine engine = TensorEngines.EngineOf(parameters[0], names[0]);
        DType dtype = engine.Describe(parameters[0]).DType;
        for (int i = 1; i < parameters.Count; i++)
        {
            TensorEngines.RequireSameEngine(engine, parameters[i], names[i], names[0]);
            DType other = engine.Describe(parameters[i]).DType;
            if (other != dtype)
                throw new ArgumentException(
                    $"Argument `{names[i]}` must have the dtype of `{names[0]}` ({dtype.Name()}). Received: {names[i]} is {other.Name()}. " +
                    $"Cast it first, e.g. `engine.Cast({names[i]}, DType.{dtype})`.", names[i]);
        }
        return TensorProgram.Run(new L2RegularizationOfList(beta), [.. parameters], names)[0];
    }

    public TTensor[] Run<TTensor>(ITensorOps<TTensor> ops, TTensor?[] inputs) where TTensor : class
    {
        TTensor total = ops.Sum(ops.Square(inputs[0]!));
        for (int i = 1; i < inputs.Length; i++) total = ops.Add(total, ops.Sum(ops.Square(inputs[i]!)));
        return [ops.Mul(total, 0.5 * beta)];
    }
}
