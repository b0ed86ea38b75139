namespace CrossBackend.Keras;

/// <summary>
/// Which L2 normalisation <c>Dot(normalize=True)</c> runs, by the Keras that wrote the file, as read in each one's
/// sources (the forms agree on every vector but the very short ones, where the clamps differ):
/// <list type="bullet">
/// <item>tf.keras 2 (keras/layers/merging/dot.py): <c>tf.linalg.l2_normalize</c>, x · rsqrt(max(Σ x², 1e-12)) —
/// <see cref="KerasDotNormalize.ClampedSquaredSum"/>.</item>
/// <item>Keras 3.0 (keras/utils/numerical_utils.py <c>normalize</c>): x · 1 / √max(Σ x², 1e-7), the clamp on the squared
/// sum (vectors shorter than 3.2e-4 differ); then <c>ops.normalize</c> (keras-team/keras#19154, February 2024):
/// x / max(‖x‖, 1e-7); then keras-team/keras#20196 (merged 2024-09-05, first released in 3.6.0):
/// x · min(rsqrt(Σ x²), 1 / 1e-7) — <see cref="KerasDotNormalize.ClampedInverseNorm"/>. Only 3.6 and later are
/// built: the release that first had the middle form is not pinned down here, so earlier Keras 3 files are refused.</item>
/// </list>
/// </summary>
internal static class KerasDotRules
{
    /// <summary><paramref name="spec"/> with its normalisation set for the writer; other specs unchanged.</summary>
    /// <exception cref="NotSupportedException">A normalizing Dot whose writer's form is not known, naming the layer.</exception>
    public static LayerSpec Resolve(LayerSpec spec, string layer, string className, string? kerasVersion)
    {
        if (spec is not DotSpec { Normalize: true } dot) return spec;
        KerasDotNormalize form = FormOf(kerasVersion) ?? throw new NotSupportedException(
            $"layer `{layer}` ({className}) has normalize=True, whose L2 normalisation depends on the Keras release (tf.keras 2: x * rsqrt(max(sum(x^2), 1e-12)); " +
            "Keras 3.0: x / sqrt(max(sum(x^2), 1e-7)); later Keras 3 releases before 3.6: x / max(norm, 1e-7); Keras 3.6+: x * min(rsqrt(sum(x^2)), 1e7)), and " +
            (kerasVersion is null ? "the file does not say which Keras wrote it" : $"the file was written by Keras {kerasVersion}") +
            "; only tf.keras 2 and Keras 3.6+ are supported: pass the writer's version (KerasGraph.FromJson(json, \"3.6.0\"), or Build(kerasVersion: \"3.6.0\") " +
            "of an architecture written in C#), or save the model with a Keras 3.6+ or tf.keras 2");
        return dot with { Normalization = form };
    }

    /// <summary>The writer's form, or null when the version does not decide it (unknown, a bare "3", Keras 3 before
    /// 3.6, a 3.6 development build, which may predate the change).</summary>
    internal static KerasDotNormalize? FormOf(string? version)
    {
        if (KerasConfigReader.Major(version) == 2) return KerasDotNormalize.ClampedSquaredSum;
        return KerasConfigReader.Keras3AtLeast(version, 6) == true ? KerasDotNormalize.ClampedInverseNorm : null;
    }
}
