using System.Text.Json.Nodes;

namespace CrossBackend.Keras;

/// <summary>The builders of <c>Conv3DTranspose</c> and <c>SpatialDropout3D</c>, over (depth, height, width, channels)
/// inputs; each writes the config keys Keras writes (per-axis lists), so the layer parses as a saved one does.</summary>
public sealed partial class KerasArchitecture
{
    /// <summary><c>Conv3DTranspose(filters, kernel_size, strides, padding, activation, use_bias)</c> with one length for
    /// every axis and Keras's default output length (<c>output_padding=None</c>: "valid" n·s + max(k − s, 0), "same" n·s).</summary>
    public KerasArchitecture Conv3DTranspose(int filters, int kernelSize, int strides = 1, string padding = "valid", string activation = "linear",
        bool useBias = true, string? name = null) =>
        Conv3DTranspose(filters, (kernelSize, kernelSize, kernelSize), (strides, strides, strides), padding, activation, useBias, name);

    /// <summary><c>Conv3DTranspose</c> with per-axis kernel size and strides (depth, height, width); kernel
    /// (kd, kh, kw, filters, in), Keras's default output length per axis.</summary>
    public KerasArchitecture Conv3DTranspose(int filters, (int D, int H, int W) kernelSize, (int D, int H, int W)? strides = null, string padding = "valid",
        string activation = "linear", bool useBias = true, string? name = null) =>
        Add("Conv3DTranspose", new JsonObject
        {
            ["filters"] = filters, ["kernel_size"] = Triple(kernelSize), ["strides"] = Triple(strides ?? (1, 1, 1)), ["padding"] = padding,
            ["dilation_rate"] = Triple((1, 1, 1)), ["activation"] = activation, ["use_bias"] = useBias,
        }, name);

    /// <summary><c>SpatialDropout3D(rate)</c>: the identity at inference; a TorchSharp module in <c>train()</c> drops
    /// whole channels (nn.Dropout3d).</summary>
    public KerasArchitecture SpatialDropout3D(double rate, string? name = null) =>
        Add("SpatialDropout3D", new JsonObject { ["rate"] = rate }, name);
}
