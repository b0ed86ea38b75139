namespace CrossBackend;

/// <summary>
/// Optional: the gradient of crossentropy from logits with respect to the logits in one pass, for engines
/// differentiated by the core's tape (engines with their own autograd do not need it). With it the tape records the
/// engine's fused crossentropy forward and this backward instead of the composed log-softmax graph (one result array
/// instead of one per op of the graph). The composed gradient defines the numbers; the fused-vs-composed tests hold
/// this to it. Return null to decline, and the tape differentiates the composed general ops instead.
/// </summary>
public interface IFusedSoftmaxCrossentropyGradient<TTensor> where TTensor : class
{
    /// <summary>
    /// d loss / d logits scaled per row by <paramref name="upstream"/> × <paramref name="scale"/>: for row r with
    /// softmax s_r, (s_r·Σ y_r − y_r)·u_r (categorical, <paramref name="target"/> shaped like the logits), or
    /// (s_r − onehot(label_r))·u_r (<paramref name="sparse"/>: <paramref name="target"/> holds checked class indices in
    /// the logits' dtype, shaped like the per-row loss).
    /// </summary>
    /// <param name="target">Labels: dense like the logits, or class indices (sparse).</param>
    /// <param name="sparse">Whether <paramref name="target"/> holds class indices.</param>
    /// <param name="logits">y_pred.</param>
    /// <param name="axis">The class axis (negative counts from the end).</param>
    /// <param name="upstream">The gradient of the per-row losses (their shape), or of their mean (one element).</param>
    /// <param name="scale">A factor on every row's upstream value (1 / rows for a mean).</param>
    TTensor? SoftmaxCrossentropyGradient(TTensor target, bool sparse, TTensor logits, int axis, TTensor upstream, double scale);
}
