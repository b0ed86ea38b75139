namespace CrossBackend;

/// <summary>
/// The fused kernels the tape passes through to its engine, each with the engine's hand-written backward (the composed
/// definition stays what tests hold them to). <see cref="ComposedProgram"/> hides them.
/// </summary>
internal sealed partial class TapeOps<T> : IFusedCtc<TapeTensor<T>>
{
    /// <summary>Whether the engine's fused kernels are hidden, so every loss runs on its composed general ops.</summary>
    public bool HidesFusedKernels { get; init; }

    /// <inheritdoc/>
    /// <remarks>Recorded with the kernel's own d(loss[b])/d(logits), scaled by the upstream gradient of each sample:
    /// one backward step instead of a graph of T per-step slices and concatenations.</remarks>
    public TapeTensor<T>? CtcNegativeLogLikelihood(TapeTensor<T> logits, int classAxis, IReadOnlyList<long[]> labels, int maxLabelLength)
    {
        if (HidesFusedKernels || inner is not IFusedCtc<T> fused) return null;
        if (!logits.Tracked)
            return fused.CtcNegativeLogLikelihood(logits.Value, classAxis, labels, maxLabelLength) is { } plain ? Untracked(plain) : null;
        if (fused.CtcNegativeLogLikelihoodWithGradient(logits.Value, classAxis, labels, maxLabelLength) is not { } both)
            return null;
        (T loss, T gradient) = both;
        long batch = labels.Count;
        return Record(loss, g => Accumulate(logits, Mul(inner.Reshape(g, [batch, 1, 1]), gradient)), logits);
    }

    /// <inheritdoc/>
    /// <remarks>The tape differentiates through <see cref="CtcNegativeLogLikelihood"/>; nothing is nested.</remarks>
    public (TapeTensor<T> Loss, TapeTensor<T> Gradient)? CtcNegativeLogLikelihoodWithGradient(TapeTensor<T> logits, int classAxis, IReadOnlyList<long[]> labels, int maxLabelLength) => null;
}
