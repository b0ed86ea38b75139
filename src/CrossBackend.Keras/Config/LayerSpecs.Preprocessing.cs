namespace CrossBackend.Keras;

/// <summary><c>Rescaling(scale, offset)</c>: x · scale + offset in the layer's compute dtype (Keras 3
/// keras/src/layers/preprocessing/rescaling.py and tf.keras 2 keras/layers/preprocessing/image_preprocessing.py alike:
/// <c>cast(inputs, dtype) * cast(scale, dtype) + cast(offset, dtype)</c>, a product then a sum, each rounded once).
/// A list broadcasts over the last axis, as NumPy broadcasting of a 1-D value does.</summary>
/// <param name="Scale">One value (every element) or one per index of the last axis.</param>
/// <param name="Offset">One value or one per index of the last axis.</param>
public sealed record RescalingSpec(double[] Scale, double[] Offset) : LayerSpec;

/// <summary>
/// <c>Normalization</c> at inference: (x − mean) / max(√variance, 1e-7), or with <paramref name="Invert"/>
/// mean + x · max(√variance, 1e-7) (Keras 3 keras/src/layers/preprocessing/normalization.py and tf.keras 2
/// keras/layers/preprocessing/normalization.py: <c>backend.epsilon()</c>, 1e-7; mean and variance cast to the compute
/// dtype first, so a float32 layer takes √ of float32(variance)). One mean and variance per cell of the kept axes,
/// broadcast over the others.
/// </summary>
/// <param name="Axes">The kept axes as the config gives them, counting the batch axis as 0 (negative from the end);
/// empty for <c>axis=None</c> (one mean and variance for everything).</param>
/// <param name="Mean">The config's <c>mean</c>, flattened row-major over the kept axes (one value: broadcast to all of
/// them); null when the layer was adapted and keeps mean, variance and count as weights.</param>
/// <param name="Variance">The config's <c>variance</c>, shaped as <paramref name="Mean"/>.</param>
/// <param name="Invert">Keras's <c>invert=True</c>: undo the normalisation.</param>
public sealed record NormalizationSpec(int[] Axes, double[]? Mean, double[]? Variance, bool Invert) : LayerSpec
{
    /// <summary>The shape of the config's <c>mean</c> and <c>variance</c> (empty for one value); checked against the
    /// kept axes by <see cref="KerasPreprocessing"/>.</summary>
    public long[] ValueShape { get; init; } = [];
}

/// <summary><c>CenterCrop(height, width)</c> of an image at least that large: rows from ⌊(H − height) / 2⌋ and columns
/// from ⌊(W − width) / 2⌋ (Keras 3 keras/src/layers/preprocessing/image_preprocessing/center_crop.py and tf.keras 2's
/// image_preprocessing.py: <c>int(h_diff / 2)</c>). A smaller image Keras resizes with <c>smart_resize</c>, which is
/// refused by <see cref="KerasPreprocessing"/>.</summary>
/// <param name="Height">The output height.</param>
/// <param name="Width">The output width.</param>
public sealed record CenterCropSpec(int Height, int Width) : LayerSpec;

/// <summary>What a layer that is the identity at inference does with Keras's mask.</summary>
public enum KerasIdentityMasks
{
    /// <summary><c>supports_masking = True</c> in tf.keras 2 and Keras 3: the mask goes on (AlphaDropout,
    /// ActivityRegularization).</summary>
    PassesThrough,
    /// <summary><c>supports_masking = True</c> in Keras 3 only: tf.keras 2's class leaves it False and drops the mask
    /// (Identity; Rescaling and Normalization use the same rule, see <see cref="KerasPreprocessing"/>).</summary>
    PassesInKeras3,
    /// <summary>No Keras sets <c>supports_masking</c>: the mask is dropped (the random image layers).</summary>
    Drops,
}

/// <summary>A layer that returns its input unchanged at inference: <c>Identity</c>, <c>ActivityRegularization</c>
/// (a loss term only), <c>AlphaDropout</c> (training only), and the random augmentation layers <c>RandomFlip</c>,
/// <c>RandomRotation</c>, <c>RandomZoom</c>, <c>RandomTranslation</c>, <c>RandomContrast</c>,
/// <c>RandomBrightness</c> (Keras 3's <c>transform_images</c> and tf.keras 2's <c>call</c> return the input when
/// <c>training</c> is False), and tf.keras 2's <c>RandomHeight</c> / <c>RandomWidth</c>.</summary>
/// <param name="Masks">What the layer does with a mask.</param>
/// <param name="UnknownAxis">tf.keras 2's RandomHeight (−3) / RandomWidth (−2): the output shape Keras reports has that
/// axis unknown (<c>compute_output_shape</c> sets it to None) although inference returns the input; null for the
/// others.</param>
public sealed record IdentitySpec(KerasIdentityMasks Masks, int? UnknownAxis = null) : LayerSpec;

/// <summary><c>Resizing(height, width, interpolation, crop_to_aspect_ratio)</c>: TensorFlow's <c>tf.image.resize</c> of
/// (height, width, channels) images, which Keras 3 (keras/src/layers/preprocessing/image_preprocessing/resizing.py →
/// keras/src/backend/tensorflow/image.py <c>resize</c>, <c>antialias=False</c>) and tf.keras 2 (image_preprocessing.py
/// <c>Resizing.call</c>) both run: "bilinear" is ResizeBilinear with half-pixel centres (see
/// <see cref="KerasUpSampling.Bilinear"/>, for any sizes), "nearest" ResizeNearestNeighbor with half-pixel centres (input
/// cell ⌊(o + ½) · in / out⌋ in float32, clamped to the last cell). With <paramref name="CropToAspectRatio"/> the largest
/// centred window of the target's aspect ratio is cut first (<c>smart_resize</c> in tf.keras 2, the same arithmetic in
/// Keras 3's backend; <see cref="KerasPreprocessing.AspectCrop"/>).</summary>
/// <param name="Height">The output height.</param>
/// <param name="Width">The output width.</param>
/// <param name="Nearest">"nearest" rather than "bilinear".</param>
/// <param name="CropToAspectRatio">Keras's <c>crop_to_aspect_ratio</c>.</param>
public sealed record ResizingSpec(int Height, int Width, bool Nearest, bool CropToAspectRatio) : LayerSpec;
