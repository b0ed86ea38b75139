namespace CrossBackend;

/// <summary>
/// Optional: the gradient of categorical crossentropy with respect to y_pred in one pass, for engines differentiated
/// by the core's tape (engines with their own autograd do not need it). With it the tape records the engine's fused
/// crossentropy forward and this backward instead of the composed graph (one result array instead of one per op of
/// the graph). The composed gradient defines the numbers; the fused-vs-composed tests hold this to it. Return null to
/// decline, and the tape computes the same formula in general ops.
/// </summary>
public interface IFusedCrossentropyGradient<TTensor> where TTensor : class
{
    /// <summary>
    /// d loss / d y_pred, each row's gradient scaled by <paramref name="upstream"/> × <paramref name="scale"/>. From
    /// logits, row r with softmax s_r: (s_r·Σ y_r − y_r)·u_r. From probabilities, q = x / Σx and p = clip(q, ε, 1 − ε)
    /// with ε = 1e-7 in the dtype: g_c = −u·y_c / p_c where ε ≤ q_c ≤ 1 − ε, else 0, and
    /// dx_c = g_c / Σx − Σ_k g_k·q_k / Σx (the composed graph's steps, so NaN and zero sums come out as there). With
    /// <paramref name="sparse"/>, y is the one-hot row of each class index.
    /// </summary>
    /// <param name="target">Labels: dense like y_pred, or class indices in y_pred's dtype shaped like the per-row loss
    /// (<paramref name="sparse"/>, already checked).</param>
    /// <param name="sparse">Whether <paramref name="target"/> holds class indices.</param>
    /// <param name="output">y_pred.</param>
    /// <param name="fromLogits">Whether y_pred holds logits.</param>
    /// <param name="axis">The class axis (non-negative).</param>
    /// <param name="upstream">The gradient of the per-row losses (their shape), or of their mean (one element).</param>
    /// <param name="scale">A factor on every row's upstream value (1 / rows for a mean).</param>
    TTensor? CrossentropyGradient(TTensor target, bool sparse, TTensor output, bool fromLogits, int axis, TTensor upstream, double scale);
}
