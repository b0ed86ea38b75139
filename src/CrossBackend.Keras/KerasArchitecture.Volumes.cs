using System.Text.Json.Nodes;

namespace CrossBackend.Keras;

/// <summary>The 3-D layers' builders, over (depth, height, width, channels) inputs; each writes the config keys
/// Keras writes (per-axis lists), so the layer parses as a saved one does.</summary>
public sealed partial class KerasArchitecture
{
    /// <summary><c>Conv3D(filters, kernel_size, strides, padding, dilation_rate, groups, activation, use_bias)</c>
    /// with one length for every axis.</summary>
    public KerasArchitecture Conv3D(int filters, int kernelSize, int strides = 1, string padding = "valid", string activation = "linear",
        bool useBias = true, int dilation = 1, int groups = 1, string? name = null) =>
        Conv3D(filters, (kernelSize, kernelSize, kernelSize), (strides, strides, strides), padding, activation, useBias, (dilation, dilation, dilation), groups, name);

    /// <summary><c>Conv3D</c> with per-axis kernel size, strides and dilation (depth, height, width); kernel
    /// (kd, kh, kw, in / groups, filters). Strides above 1 together with a dilation above 1 are refused, as Keras refuses them.</summary>
    public KerasArchitecture Conv3D(int filters, (int D, int H, int W) kernelSize, (int D, int H, int W)? strides = null, string padding = "valid",
        string activation = "linear", bool useBias = true, (int D, int H, int W)? dilation = null, int groups = 1, string? name = null) =>
        Add("Conv3D", new JsonObject
        {
            ["filters"] = filters, ["kernel_size"] = Triple(kernelSize), ["strides"] = Triple(strides ?? (1, 1, 1)), ["padding"] = padding,
            ["dilation_rate"] = Triple(dilation ?? (1, 1, 1)), ["groups"] = groups, ["activation"] = activation, ["use_bias"] = useBias,
        }, name);

    /// <summary><c>MaxPooling3D(pool_size, strides, padding)</c>; strides default to the pool size.</summary>
    public KerasArchitecture MaxPooling3D((int D, int H, int W) poolSize, (int D, int H, int W)? strides = null, string padding = "valid", string? name = null) =>
        Add("MaxPooling3D", Pool3D(poolSize, strides, padding), name);

    /// <summary><c>MaxPooling3D</c> with one pool length (2 by default) and stride for every axis.</summary>
    public KerasArchitecture MaxPooling3D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null) =>
        MaxPooling3D((poolSize, poolSize, poolSize), strides is int s ? (s, s, s) : null, padding, name);

    /// <summary><c>AveragePooling3D(pool_size, strides, padding)</c>; strides default to the pool size; a "same" window
    /// averages its real cells only, as TensorFlow's avg_pool3d does.</summary>
    public KerasArchitecture AveragePooling3D((int D, int H, int W) poolSize, (int D, int H, int W)? strides = null, string padding = "valid", string? name = null) =>
        Add("AveragePooling3D", Pool3D(poolSize, strides, padding), name);

    /// <summary><c>AveragePooling3D</c> with one pool length (2 by default) and stride for every axis.</summary>
    public KerasArchitecture AveragePooling3D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null) =>
        AveragePooling3D((poolSize, poolSize, poolSize), strides is int s ? (s, s, s) : null, padding, name);

    /// <summary><c>GlobalAveragePooling3D(keepdims)</c>: the mean over depth, height and width.</summary>
    public KerasArchitecture GlobalAveragePooling3D(bool keepDims = false, string? name = null) =>
        Add("GlobalAveragePooling3D", new JsonObject { ["keepdims"] = keepDims }, name);

    /// <summary><c>GlobalMaxPooling3D(keepdims)</c>: the maximum over depth, height and width.</summary>
    public KerasArchitecture GlobalMaxPooling3D(bool keepDims = false, string? name = null) =>
        Add("GlobalMaxPooling3D", new JsonObject { ["keepdims"] = keepDims }, name);

    /// <summary><c>ZeroPadding3D(((front, back), (top, bottom), (left, right)))</c>.</summary>
    public KerasArchitecture ZeroPadding3D((int Before, int After) depth, (int Before, int After) rows, (int Before, int After) columns, string? name = null) =>
        Add("ZeroPadding3D", new JsonObject { ["padding"] = Pairs(depth, rows, columns) }, name);

    /// <summary><c>Cropping3D(((front, back), (top, bottom), (left, right)))</c>: cells removed at each end of each axis
    /// (at least one must remain).</summary>
    public KerasArchitecture Cropping3D((int Before, int After) depth, (int Before, int After) rows, (int Before, int After) columns, string? name = null) =>
        Add("Cropping3D", new JsonObject { ["cropping"] = Pairs(depth, rows, columns) }, name);

    /// <summary><c>UpSampling3D((depth, rows, columns))</c>: each cell repeated along each axis (Keras's only mode).</summary>
    public KerasArchitecture UpSampling3D(int depth = 2, int rows = 2, int columns = 2, string? name = null) =>
        Add("UpSampling3D", new JsonObject { ["size"] = new JsonArray(depth, rows, columns) }, name);

    private static JsonArray Triple((int A, int B, int C) t) => new(t.A, t.B, t.C);

    private static JsonArray Pairs(params (int Before, int After)[] axes) =>
        new(axes.Select(a => (JsonNode)new JsonArray(a.Before, a.After)).ToArray());

    private static JsonObject Pool3D((int D, int H, int W) poolSize, (int D, int H, int W)? strides, string padding) => new()
    {
        ["pool_size"] = Triple(poolSize), ["strides"] = Triple(strides ?? poolSize), ["padding"] = padding,
    };
}
