namespace CrossBackend;

/// <summary>
/// An optional fused CTC kernel an engine may offer beside its general ops (libtorch's <c>ctc_loss</c> on TorchSharp,
/// a forward-backward kernel on the channels-last engine). <c>Losses.Ctc</c>'s composed forward algorithm defines the
/// numbers; a fused kernel must give the same ones within the dtype's tolerance (the fused-vs-composed tests hold it
/// to that). Return null to decline a case, and the core falls back to the composed path.
/// </summary>
/// <remarks>
/// The core has already applied Keras's label conventions: <c>labels</c> holds each sample's label
/// sequence (Keras's <c>label_length</c> = count of non-zero entries, the first that many entries of y_true), class 0
/// is the blank, and every time step counts. The kernel applies the log-softmax over the classes itself. Impossible
/// alignments take log 0 = −1e5 (Keras's JAX backend's finite <c>log_epsilon</c>) exactly as the composed recursion
/// does, or are declined.
/// </remarks>
public interface IFusedCtc<TTensor> where TTensor : class
{
    /// <summary>Per-sample −log p(labels | logits), shape (Batch,), in the logits' dtype.</summary>
    /// <param name="logits">Rank 3: (Batch, Time, Classes) when <paramref name="classAxis"/> is 2, (Batch, Classes,
    /// Time) when it is 1.</param>
    /// <param name="classAxis">1 or 2.</param>
    /// <param name="labels">One label sequence per sample (blank = 0).</param>
    /// <param name="maxLabelLength">y_true's padded width W: the composed recursion runs over 2·W + 1 states for every
    /// sample (the states past a sample's own sequence are blanks), which changes only an impossible alignment's value.</param>
    TTensor? CtcNegativeLogLikelihood(TTensor logits, int classAxis, IReadOnlyList<long[]> labels, int maxLabelLength);

    /// <summary>
    /// As <see cref="CtcNegativeLogLikelihood"/>, with d(loss[b])/d(logits) of each sample b in one pass (a tensor of
    /// the logits' shape), for engines differentiated by the core's tape. Engines with their own autograd return null.
    /// </summary>
    (TTensor Loss, TTensor Gradient)? CtcNegativeLogLikelihoodWithGradient(TTensor logits, int classAxis, IReadOnlyList<long[]> labels, int maxLabelLength);
}
