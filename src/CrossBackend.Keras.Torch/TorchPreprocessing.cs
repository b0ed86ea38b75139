using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>The constants of a preprocessing layer as a channels-first buffer: Keras's broadcast shape (batch excluded,
/// the last axis the channels) with its last axis moved first, so that it broadcasts against (N, C, …) as the Keras
/// array does against (N, …, C); rank-1 shapes (features) stay as they are.</summary>
internal static class TorchPreprocessingConstants
{
    public static Tensor ChannelsFirst(double[] values, long[] kerasShape, ScalarType dtype)
    {
        using Tensor stored = torch.tensor(values, kerasShape, dtype);
        if (kerasShape.Length < 2) return stored.clone();
        // The moved view is a local disposed here (a bare temporary could be freed by its finalizer under libtorch).
        using Tensor moved = stored.movedim([-1], [0]);
        return moved.clone();
    }
}

/// <summary>Rescaling: x · scale + offset (a product, then a sum, as Keras computes it), scale and offset rounded once
/// to the module's dtype as Keras casts them to the layer's compute dtype.</summary>
internal sealed class RescalingTorchLayer : TorchLayer
{
    private readonly Tensor _scale, _offset;

    public RescalingTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        (long[] shape, double[] scale, double[] offset) = KerasPreprocessing.Rescaling((RescalingSpec)layer.Spec, layer.InputShapes[0]);
        _scale = TorchPreprocessingConstants.ChannelsFirst(scale, shape, dtype);
        _offset = TorchPreprocessingConstants.ChannelsFirst(offset, shape, dtype);
        register_buffer("scale", _scale);
        register_buffer("offset", _offset);
    }

    public override Tensor forward(Tensor[] inputs) => inputs[0].mul(_scale).add_(_offset, alpha: HeldScalars.One);
}

/// <summary>Normalization: (x − mean) / max(√variance, 1e-7), or mean + x · max(√variance, 1e-7) with invert. Mean and
/// variance are rounded to the module's dtype before the square root, as Keras casts them to the compute dtype first.</summary>
internal sealed class NormalizationTorchLayer : TorchLayer
{
    private readonly Tensor _mean, _denominator;
    private readonly bool _invert;

    public NormalizationTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        (long[] shape, double[] mean, double[] variance) = KerasPreprocessing.Statistics(layer);
        _invert = ((NormalizationSpec)layer.Spec).Invert;
        _mean = TorchPreprocessingConstants.ChannelsFirst(mean, shape, dtype);
        using Tensor v = TorchPreprocessingConstants.ChannelsFirst(variance, shape, dtype);
        // backend.epsilon() (1e-7): Keras's floor on the standard deviation.
        using Scalar epsilon = 1e-7;
        _denominator = v.sqrt().clamp_min_(epsilon);
        register_buffer("mean", _mean);
        register_buffer("denominator", _denominator);
    }

    public override Tensor forward(Tensor[] inputs) =>
        _invert ? inputs[0].mul(_denominator).add_(_mean, alpha: HeldScalars.One) : inputs[0].sub(_mean).div_(_denominator);
}

/// <summary>A layer that is the identity at inference (<see cref="IdentitySpec"/>): an alias of its input, so that the
/// graph runner disposes each tensor object once.</summary>
internal sealed class IdentityTorchLayer(string name) : TorchLayer(name)
{
    public override Tensor forward(Tensor[] inputs) => inputs[0].alias();
}

/// <summary>Resizing on NCHW: the aspect-ratio window (when asked) as two <c>narrow</c>s, then
/// <c>F.interpolate(mode="bilinear", align_corners=False)</c> to the target size (TensorFlow's half-pixel
/// ResizeBilinear, as for UpSampling2D) or, for "nearest", the rows and columns TensorFlow's half-pixel
/// ResizeNearestNeighbor reads (<see cref="KerasPreprocessing.NearestIndices"/>, computed in float32 as the kernel does)
/// picked with <c>index_select</c>.</summary>
internal sealed class ResizingTorchLayer(string name, ResizingSpec spec) : TorchLayer(name)
{
    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        if (spec.CropToAspectRatio)
        {
            (int top, int height, int left, int width) = KerasPreprocessing.AspectCrop((int)x.size(2), (int)x.size(3), spec.Height, spec.Width);
            x = x.narrow(2, top, height).narrow(3, left, width);
        }
        if (!spec.Nearest)
            return nn.functional.interpolate(x, size: [spec.Height, spec.Width], mode: InterpolationMode.Bilinear, align_corners: false);
        using Tensor rows = torch.tensor(System.Array.ConvertAll(KerasPreprocessing.NearestIndices((int)x.size(2), spec.Height), i => (long)i), device: x.device);
        using Tensor columns = torch.tensor(System.Array.ConvertAll(KerasPreprocessing.NearestIndices((int)x.size(3), spec.Width), i => (long)i), device: x.device);
        using Tensor picked = x.index_select(2, rows);
        return picked.index_select(3, columns);
    }
}
