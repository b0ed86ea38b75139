namespace CrossBackend.Keras;

/// <summary>
/// Which Keras computes UpSampling2D's bilinear interpolation as <see cref="KerasUpSampling.Bilinear"/> (half-pixel
/// centres): Keras 3 (every release: <c>ops.image.resize</c>, keras/src/backend/tensorflow/image.py <c>resize</c> →
/// <c>tf.image.resize(..., method="bilinear", antialias=False)</c>) and tf.keras 2.4 and later (keras/backend.py
/// <c>resize_images</c> → <c>tf.image.resize(..., method=BILINEAR)</c>). TensorFlow 1's tf.keras (versions "2.x-tf")
/// and standalone Keras before 2.4 called <c>resize_bilinear(x, new_shape)</c>, whose default has no half-pixel
/// centres (input position o / s, not (o + ½) / s − ½): other numbers, so those files, and files whose writer is
/// unknown, are refused rather than given one of the two rules.
/// </summary>
internal static class KerasUpSamplingRules
{
    /// <summary>Throws when <paramref name="spec"/> is a bilinear UpSampling2D whose writer's rule is not known.</summary>
    public static void Check(LayerSpec spec, string layer, string className, string? kerasVersion)
    {
        if (spec is not UpSamplingSpec { Interpolation: KerasUpSampling.Bilinear } || HalfPixel(kerasVersion)) return;
        throw new NotSupportedException(
            $"layer `{layer}` ({className}) uses interpolation=\"bilinear\", which Keras 3 and tf.keras 2.4+ compute with tf.image.resize " +
            "(half-pixel centres) while TensorFlow 1's tf.keras and standalone Keras before 2.4 called resize_bilinear without them, and " +
            (kerasVersion is null ? "the file does not say which Keras wrote it" : $"the file was written by Keras {kerasVersion}") +
            "; load it with the writer's version (KerasGraph.FromJson(json, \"3\"), or Build(kerasVersion: \"3\") of an architecture written in C#) if it is Keras 3 or tf.keras 2.4+, or save the model with " +
            "interpolation=\"nearest\"");
    }

    /// <summary>Whether the writer's bilinear resize has half-pixel centres: Keras 3, or Keras 2.4+ without a "-tf" suffix.</summary>
    internal static bool HalfPixel(string? version)
    {
        int? major = KerasConfigReader.Major(version);
        if (major == 3) return true;
        if (major != 2 || version!.EndsWith("-tf", StringComparison.Ordinal)) return false;
        return KerasConfigReader.Minor(version) >= 4;
    }
}
