namespace CrossBackend;

/// <summary>
/// The losses a <see cref="IFusedSparseLoss{TTensor}"/> kernel computes from y_pred read at one class index per
/// element. Each kind's maths is its loss file's composed definition (the loss named in brackets).
/// </summary>
public enum SparseLossKind
{
    /// <summary>−log(clip(p[label] / Σp, ε, 1 − ε)) along the class axis, ε = 1e-7: probabilities, not logits
    /// (<c>sparse_categorical_crossentropy</c>).</summary>
    Crossentropy,

    /// <summary>(1 − p[label]^q) / q, q the parameter, p read as given (<c>categorical_generalized_cross_entropy</c>).</summary>
    GeneralizedCrossEntropy,

    /// <summary>−log_softmax(x)[label] along the class axis: logits (<c>sparse_categorical_crossentropy</c> with
    /// <c>from_logits</c>). An engine without it declines.</summary>
    CrossentropyFromLogits,
}

/// <summary>
/// Optional fused sparse-label losses an engine may offer beside its general ops. Unlike the composed path, the
/// kernel receives the labels <b>unchecked</b>: it may return a result only when it has established that every label
/// is a class index in [0, C) (e.g. by an indexing call that refuses the others); otherwise it returns null and the
/// core's composed path checks the labels and names the bad one. The composed losses define the semantics; the
/// fused-vs-composed tests hold this to them.
/// </summary>
public interface IFusedSparseLoss<TTensor> where TTensor : class
{
    /// <summary>The per-element loss (the class axis removed), or with <paramref name="meanOverAll"/> its mean over
    /// every element, or null to decline.</summary>
    /// <param name="kind">The loss.</param>
    /// <param name="parameter">The generalized crossentropy's q; ignored by <see cref="SparseLossKind.Crossentropy"/>.</param>
    /// <param name="labels">Class indices, not yet checked: a <typeparamref name="TTensor"/> in the per-element loss
    /// shape (any dtype), or y_true exactly as the caller gave it — this engine's tensor of another element type
    /// (int64 labels on an engine of float tensors, never converted), in the per-element loss shape or with the
    /// class axis of length 1. Decline what you do not read.</param>
    /// <param name="output">y_pred.</param>
    /// <param name="axis">The class axis (negative counts from the end).</param>
    /// <param name="meanOverAll">Return the mean over every element instead of the per-element losses.</param>
    TTensor? SparseLoss(SparseLossKind kind, double parameter, object labels, TTensor output, int axis, bool meanOverAll);
}
