namespace CrossBackend.Keras;

/// <summary>
/// <c>GroupNormalization</c> at inference (keras/src/layers/normalization/group_normalization.py; tf.keras 2.11+
/// keras/layers/normalization/group_normalization.py, the same numbers): the axis of length C is split into
/// <paramref name="Groups"/> contiguous blocks of C / groups (Keras reshapes (…, C, …) to (…, groups, C / groups, …) at
/// the axis), so channel c belongs to group ⌊c / (C / groups)⌋; per item and group the mean and biased variance over
/// every other non-batch axis (<c>tf.nn.moments</c>: the mean, then the mean of squared differences); then
/// inv = γ / √(var + ε) and y = x · inv + (β − mean · inv) — Keras 3 writes <c>rsqrt(variance + epsilon) * gamma</c>,
/// <c>-mean * inv + beta</c>, <c>x * inv + res</c>; tf.keras 2 calls <c>tf.nn.batch_normalization</c>, the same
/// arrangement. PyTorch's <c>F.group_norm</c> (channels-first: the groups over dimension 1) computes the same with its
/// own ε (default 1e-5; Keras's 1e-3), so the runtimes pass the layer's ε. γ and β have C values.
/// </summary>
/// <param name="Groups">The number of groups; −1 (Keras's shorthand, resolved at build) means one per channel.</param>
/// <param name="Axis">The grouped axis as the config gives it (one int, batch counted as 0, negative from the end).</param>
/// <param name="Epsilon">ε, added to the variance (Keras's default 1e-3).</param>
/// <param name="Center">Whether β was learned (saved); otherwise β = 0.</param>
/// <param name="Scale">Whether γ was learned (saved); otherwise γ = 1.</param>
public sealed record GroupNormSpec(int Groups, int Axis, double Epsilon, bool Center, bool Scale) : LayerSpec;

/// <summary>
/// <c>UnitNormalization</c>: x · rsqrt(max(Σ x², 1e-12)) with the sum over <paramref name="Axes"/> per item
/// (keras/src/layers/normalization/unit_normalization.py writes exactly that; tf.keras 2 calls
/// <c>tf.linalg.l2_normalize(x, axis)</c>, whose epsilon 1e-12 clamps the squared sum the same way). A vector whose
/// squared sum is below 1e-12 is therefore multiplied by 1e6, not scaled to length 1 (PyTorch's <c>F.normalize</c>
/// clamps the norm instead: x / max(‖x‖, eps)). No weights.
/// </summary>
/// <param name="Axes">The summed axes as the config gives them (batch counted as 0, negative from the end; tf.keras 2
/// saves a list of positive axes, Keras 3 the int or list given); distinct non-batch axes (checked by ShapeInference).</param>
public sealed record UnitNormSpec(int[] Axes) : LayerSpec;

/// <summary>How <c>Dot(normalize=True)</c> L2-normalises each input along its dot axis, by the Keras that wrote the
/// file (see <see cref="KerasDotRules"/>); the forms differ only for vectors of squared length below 1e-12.</summary>
public enum KerasDotNormalize
{
    /// <summary><c>normalize=False</c>: the inputs as they are.</summary>
    None,
    /// <summary>tf.keras 2: <c>tf.linalg.l2_normalize</c>, x · rsqrt(max(Σ x², 1e-12)).</summary>
    ClampedSquaredSum,
    /// <summary>Keras 3.6 and later (keras/src/ops/nn.py <c>_normalize</c>, order 2, since keras-team/keras#20196):
    /// x · min(rsqrt(Σ x²), 1 / 1e-7), ε = <c>backend.epsilon()</c>.</summary>
    ClampedInverseNorm,
}

/// <summary>
/// <c>Dot</c>: the batch-wise dot product of two inputs along one axis of each (keras/src/layers/merging/dot.py
/// <c>batch_dot</c>; tf.keras 2 keras/layers/merging/dot.py with keras/backend.py <c>batch_dot</c>, the same rules):
/// out[b, i…, j…] = Σ_k x[b, i… with k at axis 0] · y[b, j… with k at axis 1], the output's axes being x's other
/// non-batch axes, then y's, in order; (batch, 1) when none is left (two rank-2 inputs). With normalize each input is
/// first L2-normalised along its dot axis (<see cref="Normalize"/>).
/// </summary>
/// <param name="Axes">The dot axis of each input as the config gives it (an int is used for both), batch counted as 0;
/// a negative axis is taken modulo that input's rank (batch included), as Keras does.</param>
/// <param name="Normalize">The config's <c>normalize</c>.</param>
public sealed record DotSpec(int[] Axes, bool Normalize) : LayerSpec
{
    /// <summary>The writer's L2 normalisation (set from the Keras version by <see cref="KerasDotRules"/>; None when
    /// <see cref="Normalize"/> is false).</summary>
    public KerasDotNormalize Normalization { get; init; } = KerasDotNormalize.None;
}
