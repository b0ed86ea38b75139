using System.Text.Json.Nodes;

namespace CrossBackend.Keras;

/// <summary>The preprocessing layers' builders and those of the layers that are the identity at inference; each writes
/// the config keys Keras writes, so the layer parses as a saved one does.</summary>
public sealed partial class KerasArchitecture
{
    /// <summary><c>Rescaling(scale, offset)</c>: x · scale + offset.</summary>
    public KerasArchitecture Rescaling(double scale, double offset = 0, string? name = null) =>
        Add("Rescaling", new JsonObject { ["scale"] = scale, ["offset"] = offset }, name);

    /// <summary><c>Rescaling(scale, offset)</c> with one scale and one offset per index of the last axis (or one value
    /// in either list, broadcast).</summary>
    public KerasArchitecture Rescaling(double[] scale, double[] offset, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(offset);
        return Add("Rescaling", new JsonObject { ["scale"] = Numbers(scale), ["offset"] = Numbers(offset) }, name);
    }

    /// <summary><c>Normalization(axis, mean, variance, invert)</c>. <paramref name="axis"/> counts the batch axis as 0
    /// (default: the last axis; an empty array is Keras's <c>axis=None</c>, one mean and variance for everything).
    /// Without <paramref name="mean"/> and <paramref name="variance"/> the layer is an adapted one, whose statistics
    /// the weights file holds (mean, variance, count); with them, one value is broadcast to every kept cell and a longer
    /// array gives the values of the one kept axis.</summary>
    public KerasArchitecture Normalization(int[]? axis = null, double[]? mean = null, double[]? variance = null, bool invert = false, string? name = null)
    {
        if ((mean is null) != (variance is null))
            throw new ArgumentException("Arguments `mean` and `variance` must be given together (Keras requires both or neither).", mean is null ? nameof(mean) : nameof(variance));
        JsonNode? Value(double[]? v) => v is null ? null : v.Length == 1 ? JsonValue.Create(v[0]) : Numbers(v);
        return Add("Normalization", new JsonObject
        {
            ["axis"] = new JsonArray((axis ?? [-1]).Select(a => (JsonNode)a).ToArray()), ["mean"] = Value(mean), ["variance"] = Value(variance), ["invert"] = invert,
        }, name);
    }

    /// <summary><c>CenterCrop(height, width)</c> of images at least that large.</summary>
    public KerasArchitecture CenterCrop(int height, int width, string? name = null) =>
        Add("CenterCrop", new JsonObject { ["height"] = height, ["width"] = width }, name);

    /// <summary><c>Resizing(height, width, interpolation, crop_to_aspect_ratio)</c> of images: "bilinear" or "nearest"
    /// (TensorFlow's half-pixel resize).</summary>
    public KerasArchitecture Resizing(int height, int width, string interpolation = "bilinear", bool cropToAspectRatio = false, string? name = null) =>
        Add("Resizing", new JsonObject { ["height"] = height, ["width"] = width, ["interpolation"] = interpolation, ["crop_to_aspect_ratio"] = cropToAspectRatio }, name);

    /// <summary><c>Identity()</c>.</summary>
    public KerasArchitecture Identity(string? name = null) => Add("Identity", [], name);

    /// <summary><c>AlphaDropout(rate)</c>: the identity at inference.</summary>
    public KerasArchitecture AlphaDropout(double rate, string? name = null) => Add("AlphaDropout", new JsonObject { ["rate"] = rate }, name);

    /// <summary><c>ActivityRegularization(l1, l2)</c>: the identity (a loss term in training).</summary>
    public KerasArchitecture ActivityRegularization(double l1 = 0, double l2 = 0, string? name = null) =>
        Add("ActivityRegularization", new JsonObject { ["l1"] = l1, ["l2"] = l2 }, name);

    /// <summary><c>RandomFlip(mode)</c>: the identity at inference.</summary>
    public KerasArchitecture RandomFlip(string mode = "horizontal_and_vertical", string? name = null) =>
        Add("RandomFlip", new JsonObject { ["mode"] = mode }, name);

    /// <summary><c>RandomRotation(factor)</c>: the identity at inference.</summary>
    public KerasArchitecture RandomRotation(double factor, string? name = null) => Add("RandomRotation", new JsonObject { ["factor"] = factor }, name);

    /// <summary><c>RandomZoom(height_factor, width_factor)</c>: the identity at inference.</summary>
    public KerasArchitecture RandomZoom(double heightFactor, double? widthFactor = null, string? name = null) =>
        Add("RandomZoom", new JsonObject { ["height_factor"] = heightFactor, ["width_factor"] = widthFactor }, name);

    /// <summary><c>RandomTranslation(height_factor, width_factor)</c>: the identity at inference.</summary>
    public KerasArchitecture RandomTranslation(double heightFactor, double widthFactor, string? name = null) =>
        Add("RandomTranslation", new JsonObject { ["height_factor"] = heightFactor, ["width_factor"] = widthFactor }, name);

    /// <summary><c>RandomContrast(factor)</c>: the identity at inference.</summary>
    public KerasArchitecture RandomContrast(double factor, string? name = null) => Add("RandomContrast", new JsonObject { ["factor"] = factor }, name);

    /// <summary><c>RandomBrightness(factor)</c>: the identity at inference.</summary>
    public KerasArchitecture RandomBrightness(double factor, string? name = null) => Add("RandomBrightness", new JsonObject { ["factor"] = factor }, name);

    /// <summary>tf.keras 2's <c>RandomHeight(factor)</c>: the identity at inference; the height is reported unknown after it.</summary>
    public KerasArchitecture RandomHeight(double factor, string? name = null) => Add("RandomHeight", new JsonObject { ["factor"] = factor }, name);

    /// <summary>tf.keras 2's <c>RandomWidth(factor)</c>: the identity at inference; the width is reported unknown after it.</summary>
    public KerasArchitecture RandomWidth(double factor, string? name = null) => Add("RandomWidth", new JsonObject { ["factor"] = factor }, name);

    private static JsonArray Numbers(double[] values) => new(values.Select(v => (JsonNode)v).ToArray());
}
