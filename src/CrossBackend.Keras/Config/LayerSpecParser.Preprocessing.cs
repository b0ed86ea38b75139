using System.Text.Json;

namespace CrossBackend.Keras;

internal static partial class LayerSpecParser
{
    /// <summary>The preprocessing layers and the layers that are the identity at inference (see
    /// <see cref="IdentitySpec"/>); null for any other class.</summary>
    private static LayerSpec? Preprocessing(string className, ConfigValues c) => className switch
    {
        "Rescaling" => new RescalingSpec(LastAxisValues(c, "scale", null), LastAxisValues(c, "offset", 0.0)),
        "Normalization" => Normalization(c),
        "CenterCrop" => CenterCrop(c),
        "Identity" => new IdentitySpec(KerasIdentityMasks.PassesInKeras3),
        "AlphaDropout" or "ActivityRegularization" => new IdentitySpec(KerasIdentityMasks.PassesThrough),
        "RandomFlip" or "RandomRotation" or "RandomZoom" or "RandomTranslation" or "RandomContrast" or "RandomBrightness" =>
            new IdentitySpec(KerasIdentityMasks.Drops),
        // tf.keras 2 only (Keras 3 has neither): inference returns the input, but compute_output_shape reports the
        // resized axis as None.
        "RandomHeight" => new IdentitySpec(KerasIdentityMasks.Drops, UnknownAxis: -3),
        "RandomWidth" => new IdentitySpec(KerasIdentityMasks.Drops, UnknownAxis: -2),
        "RandomCrop" => throw new NotSupportedException(
            $"layer `{c.Layer}` (RandomCrop) is not the identity at inference: Keras then crops the centre of the image, resizing it first " +
            "(smart_resize, bilinear) when its aspect ratio differs from the target's, which CrossBackend does not build; replace it with a " +
            "CenterCrop of the same height and width when the input is at least that large"),
        "Resizing" => Resizing(c),
        _ => null,
    };

    /// <summary>Rescaling's <c>scale</c> / <c>offset</c>: a number, a list of numbers (broadcast over the last axis), or
    /// Keras 3's serialised NumPy array (<c>{"class_name": "__numpy__", "config": {"value": …}}</c>) of either.</summary>
    private static double[] LastAxisValues(ConfigValues c, string key, double? fallback)
    {
        if (!c.Has(key)) return fallback is double f ? [f] : throw new InvalidDataException($"layer `{c.Layer}` (Rescaling): the config has no `{key}`");
        JsonElement v = c.Raw(key);
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("class_name", out JsonElement cls) && cls.ValueKind == JsonValueKind.String &&
            cls.GetString() == "__numpy__" && v.TryGetProperty("config", out JsonElement cfg) && cfg.TryGetProperty("value", out JsonElement value))
            v = value;
        (long[] shape, double[] values) = Nested(v, c.Layer, key);
        if (shape.Length > 1)
            throw new NotSupportedException(
                $"layer `{c.Layer}` (Rescaling): {key} has shape ({string.Join(", ", shape)}); only a number or a list over the last axis is supported");
        if (values.Length == 0) throw new InvalidDataException($"layer `{c.Layer}` (Rescaling): {key} is an empty list");
        return values;
    }

    /// <summary><c>Normalization(axis, mean, variance, invert)</c>. <c>axis</c> None is saved as <c>[]</c> (Keras keeps it
    /// as an empty tuple); <c>mean</c> null means the layer was adapted and saved its statistics as weights.</summary>
    private static NormalizationSpec Normalization(ConfigValues c)
    {
        int[] axes = c.HasKey("axis") && !c.Has("axis") ? [] : Axes(c, "axis", -1);
        bool invert = c.Bool("invert", false);
        if (!c.Has("mean") && !c.Has("variance")) return new NormalizationSpec(axes, null, null, invert);
        if (!c.Has("mean") || !c.Has("variance"))
            throw new InvalidDataException($"layer `{c.Layer}` (Normalization): the config sets one of mean and variance; Keras requires both or neither");
        (long[] meanShape, double[] mean) = Nested(c.Raw("mean"), c.Layer, "mean");
        (long[] varShape, double[] variance) = Nested(c.Raw("variance"), c.Layer, "variance");
        if (!meanShape.SequenceEqual(varShape))
            throw new InvalidDataException($"layer `{c.Layer}` (Normalization): mean ({string.Join(", ", meanShape)}) and variance ({string.Join(", ", varShape)}) must have one shape");
        return new NormalizationSpec(axes, mean, variance, invert) { ValueShape = meanShape };
    }

    /// <summary><c>Resizing</c>: "bilinear" (the default) or "nearest"; the other tf.image.resize methods, Keras 3's
    /// <c>pad_to_aspect_ratio</c> and <c>antialias</c> are refused by name.</summary>
    private static ResizingSpec Resizing(ConfigValues c)
    {
        int height = c.Int("height"), width = c.Int("width");
        if (height < 1 || width < 1) throw new InvalidDataException($"layer `{c.Layer}` (Resizing): height and width must be positive, the config has {height} and {width}");
        string interpolation = (c.String("interpolation") ?? "bilinear").ToLowerInvariant();
        if (interpolation is not ("bilinear" or "nearest"))
            throw new NotSupportedException(
                $"layer `{c.Layer}` (Resizing) uses interpolation=\"{interpolation}\"; only \"bilinear\" and \"nearest\" (tf.image.resize with half-pixel centres) are supported");
        if (c.Bool("pad_to_aspect_ratio", false))
            throw new NotSupportedException($"layer `{c.Layer}` (Resizing) has pad_to_aspect_ratio=True, which is not supported; only crop_to_aspect_ratio or a plain resize");
        if (c.Bool("antialias", false))
            throw new NotSupportedException($"layer `{c.Layer}` (Resizing) has antialias=True (tf.image.resize's scale_and_translate kernels), which is not supported; only antialias=False");
        return new ResizingSpec(height, width, interpolation == "nearest", c.Bool("crop_to_aspect_ratio", false));
    }

    private static CenterCropSpec CenterCrop(ConfigValues c)
    {
        int height = c.Int("height"), width = c.Int("width");
        if (height < 1 || width < 1) throw new InvalidDataException($"layer `{c.Layer}` (CenterCrop): height and width must be positive, the config has {height} and {width}");
        return new CenterCropSpec(height, width);
    }

    /// <summary>A number or a (nested, rectangular) list of numbers: its shape and its values row-major.</summary>
    private static (long[] Shape, double[] Values) Nested(JsonElement v, string layer, string key)
    {
        if (v.ValueKind == JsonValueKind.Number) return ([], [v.GetDouble()]);
        if (v.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"layer `{layer}`: config `{key}` must be a number or a list of numbers, it is {v.GetRawText()}");
        var parts = v.EnumerateArray().Select(e => Nested(e, layer, key)).ToArray();
        if (parts.Length > 0 && parts.Any(p => !p.Shape.SequenceEqual(parts[0].Shape)))
            throw new InvalidDataException($"layer `{layer}`: config `{key}` is a ragged list");
        return ([parts.Length, .. parts.Length > 0 ? parts[0].Shape : []], parts.SelectMany(p => p.Values).ToArray());
    }
}
