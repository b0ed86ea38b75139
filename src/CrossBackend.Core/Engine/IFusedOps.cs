namespace CrossBackend;

/// <summary>
/// Optional fused crossentropy kernels an engine may offer beside its general ops (today the core's SIMD kernels over
/// dense memory on the channels-last engine, and on TorchSharp without autograd; libtorch's <c>cross_entropy</c> and
/// in-place chains on TorchSharp otherwise). The losses composed from
/// <see cref="ITensorOps{TTensor}"/> define the semantics; a fused kernel must give the same numbers within the
/// dtype's tolerance (the fused-vs-composed tests hold it to that). Return null to decline a case, and the core falls
/// back to the composed path.
/// </summary>
public interface IFusedCrossentropy<TTensor> where TTensor : class
{
    /// <summary>Per-element categorical crossentropy along <paramref name="axis"/> (axis removed), optionally
    /// multiplied by the weight of argmax(<paramref name="target"/>): see <c>Losses.CategoricalCrossentropy</c>.</summary>
    TTensor? CategoricalCrossentropy(TTensor target, TTensor output, bool fromLogits, int axis, double[]? classWeights);

    /// <summary>The mean over every element of <see cref="CategoricalCrossentropy"/>, each value weighted as there when
    /// <paramref name="classWeights"/> is given (Keras's sum_over_batch_size: the count divides, not the weights).</summary>
    TTensor? MeanCategoricalCrossentropy(TTensor target, TTensor output, bool fromLogits, int axis, double[]? classWeights);

    /// <summary>Per-element sparse categorical crossentropy: <paramref name="labels"/> has
    /// <paramref name="output"/>'s shape without <paramref name="axis"/>, valid class indices only.</summary>
    TTensor? SparseCategoricalCrossentropy(TTensor labels, TTensor output, bool fromLogits, int axis);

    /// <summary>The mean over every element of <see cref="SparseCategoricalCrossentropy"/>.</summary>
    TTensor? MeanSparseCategoricalCrossentropy(TTensor labels, TTensor output, bool fromLogits, int axis);
}

/// <summary>
/// Optional: an engine with its own automatic differentiation (TorchSharp's autograd). Engines without it get
/// gradients from the core's tape over their general ops.
/// </summary>
public interface IAutograd<TTensor> where TTensor : class
{
    /// <summary>
    /// The gradients of Σ <paramref name="function"/>(sources) with respect to each source, evaluated at
    /// <paramref name="sources"/>; each gradient has its source's shape and dtype. The sources are not modified.
    /// </summary>
    TTensor[] Gradients(Func<TTensor[], TTensor> function, TTensor[] sources);

    /// <summary>Makes the engine record computations from <paramref name="source"/> (torch: <c>requires_grad_()</c>).</summary>
    void Watch(TTensor source);

    /// <summary>The gradients of Σ <paramref name="target"/> with respect to each of <paramref name="sources"/>, which
    /// were watched before <paramref name="target"/> was computed: zeros for a source it does not depend on, and for a
    /// source that was never watched (nor computed from a watched tensor). Never throws for such a source.</summary>
    TTensor[] GradientsOf(TTensor target, TTensor[] sources);

    /// <summary>The same values without gradient history (torch: <c>detach()</c>).</summary>
    TTensor StopGradient(TTensor x);
}
