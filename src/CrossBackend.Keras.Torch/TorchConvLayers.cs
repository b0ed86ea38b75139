using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>DepthwiseConv2D as nn.Conv2d(in, in·multiplier, groups: in) — Keras's (kh, kw, in, multiplier) kernel
/// converted by <see cref="KerasLayout.DepthwiseKernelToTorch{T}"/>, output channel c·multiplier + m in both — and
/// SeparableConv2D as that conv (no bias) followed by a 1×1 nn.Conv2d(in·multiplier, filters) holding the pointwise
/// kernel and the layer's one bias (TensorFlow's <c>separable_conv2d</c>: strides, padding and dilation belong to the
/// depthwise step). Padded as Conv2D is (<see cref="TorchWindowPadding"/>).</summary>
internal sealed class DepthwiseConvTorchLayer : TorchLayer
{
    private readonly Conv2d depthwise;
    private readonly Conv2d? pointwise;
    private readonly DepthwiseConv2DSpec _spec;
    private readonly TorchWindowPadding _padding;

    public DepthwiseConvTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        _spec = (DepthwiseConv2DSpec)layer.Spec;
        long inChannels = layer.InputShapes[0][^1], depth = inChannels * _spec.DepthMultiplier;
        _padding = new TorchWindowPadding(layer, _spec.Padding, _spec.KernelSize, _spec.Strides, _spec.Dilation);
        bool separable = _spec.PointwiseFilters is not null;
        depthwise = nn.Conv2d(inChannels, depth, (_spec.KernelSize[0], _spec.KernelSize[1]), (_spec.Strides[0], _spec.Strides[1]),
            (_padding.Symmetric[0], _padding.Symmetric[1]), (_spec.Dilation[0], _spec.Dilation[1]), groups: inChannels, bias: _spec.UseBias && !separable);
        depthwise.to(dtype);
        Assign(depthwise.weight!, KerasLayout.DepthwiseKernelToTorch(Array(layer.Weights[0])), layer.Name, "depthwise weight");
        if (separable)
        {
            pointwise = nn.Conv2d(depth, _spec.PointwiseFilters!.Value, 1, bias: _spec.UseBias);
            pointwise.to(dtype);
            Assign(pointwise.weight!, KerasLayout.ConvKernelToTorch(Array(layer.Weights[1])), layer.Name, "pointwise weight");
        }
        if (_spec.UseBias) Assign((pointwise ?? depthwise).bias!, Array(layer.Weights[^1]), layer.Name, "bias");
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor y = depthwise.forward(_padding.Fit(inputs[0]));
        if (pointwise is not null) y = pointwise.forward(y);
        return TorchActivation.Apply(y, _spec.Activation, 1);
    }
}

/// <summary>Conv2DTranspose as a padding-free nn.ConvTranspose2d (kernel by
/// <see cref="KerasLayout.ConvTransposeKernelToTorch{T}"/>), whose full result ((n − 1)·s + k per axis) is then cut to
/// Keras's output: from the "same" conv's before-pad, to <c>deconv_output_length</c> cells, zeros appended when the
/// kernel is shorter than the stride — then the bias over every cell, as TensorFlow adds it after
/// <c>conv2d_transpose</c>. PyTorch's own padding/output_padding cannot express an odd "same" total's extra cell at the
/// end.</summary>
internal sealed class ConvTransposeTorchLayer : TorchLayer
{
    private readonly ConvTranspose2d conv;
    private readonly Parameter? bias;
    private readonly Conv2DTransposeSpec _spec;

    public ConvTransposeTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        _spec = (Conv2DTransposeSpec)layer.Spec;
        conv = nn.ConvTranspose2d(layer.InputShapes[0][^1], _spec.Filters, (_spec.KernelSize[0], _spec.KernelSize[1]), (_spec.Strides[0], _spec.Strides[1]), bias: false);
        conv.to(dtype);
        Assign(conv.weight!, KerasLayout.ConvTransposeKernelToTorch(Array(layer.Weights[0])), layer.Name, "weight");
        if (_spec.UseBias)
        {
            bias = new Parameter(zeros([_spec.Filters, 1, 1], dtype));
            Assign(bias, new KerasArray<double>(layer.Weights[1].ToDoubleArray(), [_spec.Filters, 1, 1]), layer.Name, "bias");
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor y = conv.forward(inputs[0]);
        for (int d = 0; d < 2; d++)
        {
            int n = (int)inputs[0].size(2 + d);
            int length = (int)ShapeInference.TransposeOutputLength(n, _spec.KernelSize[d], _spec.Strides[d], _spec.Padding);
            int before = _spec.Padding == KerasPadding.Same ? KerasLayout.SamePadding(length, _spec.KernelSize[d], _spec.Strides[d]).Before : 0;
            long kept = Math.Min(length, y.size(2 + d) - before);
            if (before > 0 || kept < y.size(2 + d)) y = y.narrow(2 + d, before, kept);
            if (kept < length)
            {
                long[] pads = d == 0 ? [0, 0, 0, length - kept] : [0, length - kept];
                y = nn.functional.pad(y, pads);
            }
        }
        if (bias is not null) y = y.add(bias, alpha: HeldScalars.One);
        return TorchActivation.Apply(y, _spec.Activation, 1);
    }
}
