namespace CrossBackend;

public static partial class Losses
{
    /// <summary>
    /// FastEstimator's <c>l2_regularization</c>: β · Σ x² / 2 over every element of <paramref name="parameters"/>, a
    /// one-element tensor, on either engine.
    /// </summary>
    /// <remarks>
    /// <para><b>What FastEstimator computes:</b> <c>l2_regularization(model, beta=0.01)</c> returns
    /// β · Σ_params sum(p²) / 2 over the model's trainable parameters (PyTorch: <c>torch.sum(p**2) / 2</c> per
    /// parameter; TensorFlow: <c>tf.nn.l2_loss(w)</c>, the same). There is no model here: pass the parameters as one
    /// tensor (concatenate them flattened; the sum does not depend on their shapes). The loss has no labels and
    /// reduces by itself, so <c>reduction</c> is none and sample weights are refused. Its gradient is β · x.</para>
    /// <para><b>Other conventions:</b> PyTorch's <c>weight_decay=λ</c> adds λ·x to the gradient, the gradient of this
    /// loss with β = λ (FastEstimator's test checks that the two train alike). Keras's <c>regularizers.L2(l2)</c> is
    /// l2 · Σ x², without the ½: Keras's <c>L2(0.01)</c> equals β = 0.02 here.</para>
    /// <para><b>Example</b> (FastEstimator's test): a 784-300-64-10 dense network whose 255,040 weights are 0.01 and
    /// 374 biases 0 gives, with β = 0.01, <b>0.12751994</b> through PyTorch and 0.1275205 through TensorFlow
    /// (0.12752 exactly); Keras's <c>L2(0.01)</c> would give 0.25504.</para>
    /// </remarks>
    /// <param name="parameters">Every parameter in one floating-point tensor, rank ≥ 1.</param>
    /// <param name="beta">The factor the regularization is weighted by; finite, ≥ 0.</param>
    /// <returns>A one-element tensor of the same engine and dtype as <paramref name="parameters"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative or not finite.</exception>
    public static TParams L2Regularization<TParams>(TParams parameters, double beta = 0.01) where TParams : class
    {
        // The definition names its first input y_pred (every loss's); this method's parameter is `parameters`.
        ArgumentNullException.ThrowIfNull(parameters);
        return (TParams)L2RegularizationLoss.Definition.Compute(parameters, null, new LossArguments { [L2RegularizationLoss.Beta.Name] = beta });
    }
}

/// <summary>The engine-independent definition of <see cref="Losses.L2Regularization{TParams}(TParams, double)"/>.</summary>
internal sealed class L2RegularizationLoss : ILossFunction
{
    public static readonly LossOption Beta = LossOption.NonNegative("beta", "beta", 0.01,
        "the factor the regularization is weighted by (FastEstimator's beta)");

    public static readonly LossDefinition Definition = new("l2_regularization",
        "FastEstimator: beta · Σ x² / 2 over every element of y_pred (the parameters); no labels",
        LossLabels.None, [Beta], new L2RegularizationLoss(), ownReduction: true, examples: Examples())
    {
        ScalarWhen = _ => true,
        NoAxis = "FastEstimator's l2_regularization has no axis; it sums over every element of every parameter",
    };

    private static LossExample[] Examples()
    {
        // FastEstimator's test_l2_regularization (MyNet: Linear 784→300→64→10, weights filled with 0.01, biases 0),
        // its parameters in PyTorch's order.
        double[] parameters = [.. Layer(784, 300), .. Layer(300, 64), .. Layer(64, 10)];
        static IEnumerable<double> Layer(int inputs, int outputs) =>
            Enumerable.Repeat(0.01, inputs * outputs).Concat(Enumerable.Repeat(0.0, outputs));
        return
        [
            new("FastEstimator test (PyTorch)", parameters, [parameters.Length], null, null, LossExample.Defaults, [0.12751994]),
            new("FastEstimator test (TensorFlow)", parameters, [parameters.Length], null, null, LossExample.Defaults, [0.1275205]),
            // The definition evaluated by hand: 0.1 · (0.01 + 0.09 + 0.49 + 0.04) / 2.
            new("FastEstimator's formula", [0.1, -0.3, 0.7, 0.2], [2, 2], null, null,
                new Dictionary<string, object?> { ["beta"] = 0.1 }, [0.0315]),
        ];
    }

    public LossTerms<T> Compute<T>(LossContext<T> c) where T : class
    {
        if (c.Tensor(LossOption.SampleWeights) is not null)
            throw new ArgumentException(
                $"Loss `{c.Definition.Name}` sums over every parameter and takes no sample weights. Received: sampleWeights=a tensor",
                "sampleWeights");
        if (SumAndSparseFused.WholeTensor(c, WholeTensorLossKind.ScaledSumOfSquares, 0.5 * c.Number(Beta), target: false) is { } fused) return fused;
        ITensorOps<T> o = c.Ops;
        // Σ x² as x·x over every axis: one pass on engines with a fused dot (no x² temporary of the parameters' size).
        return new(o.Mul(o.Dot(c.YPred, c.YPred, null, keepDims: false), 0.5 * c.Number(Beta)), Reduced: true);
    }
}
