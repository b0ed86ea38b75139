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

/// <summary>Conv2DTranspose / Conv3DTranspose as a padding-free nn.ConvTranspose2d / nn.ConvTranspose3d (kernel by
/// <see cref="KerasLayout.ConvTransposeKernelToTorch{T}"/>), whose full result ((n − 1)·s + k per axis) is then cut to
/// Keras's output: from the "same" conv's before-pad, to <c>deconv_output_length</c> cells, zeros appended when the
/// kernel is shorter than the stride — then the bias over every cell, as TensorFlow adds it after
/// <c>conv2d_transpose</c> / <c>conv3d_transpose</c>. PyTorch's own padding/output_padding cannot express an odd "same"
/// total's extra cell at the end.</summary>
internal sealed class ConvTransposeTorchLayer : TorchLayer
{
    private readonly ConvolutionTranspose conv;
    private readonly Parameter? bias;
    private readonly Conv2DTransposeSpec _spec;

    public ConvTransposeTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        _spec = (Conv2DTransposeSpec)layer.Spec;
        long inChannels = layer.InputShapes[0][^1];
        int[] k = _spec.KernelSize, s = _spec.Strides;
        conv = _spec.Rank == 3
            ? nn.ConvTranspose3d(inChannels, _spec.Filters, (k[0], k[1], k[2]), (s[0], s[1], s[2]), bias: false)
            : nn.ConvTranspose2d(inChannels, _spec.Filters, (k[0], k[1]), (s[0], s[1]), bias: false);
        conv.to(dtype);
        Assign(conv.weight!, KerasLayout.ConvTransposeKernelToTorch(Array(layer.Weights[0])), layer.Name, "weight");
        if (_spec.UseBias)
        {
            long[] shape = [_spec.Filters, .. Enumerable.Repeat(1L, _spec.Rank)];   // (F, 1, 1) or (F, 1, 1, 1): over every cell
            bias = new Parameter(zeros(shape, dtype));
            Assign(bias, new KerasArray<double>(layer.Weights[1].ToDoubleArray(), shape), layer.Name, "bias");
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs)
    {
        // One item at a time: libtorch 2.10's CPU float32 conv_transpose2d and conv_transpose3d give wrong numbers
        // (errors of order 1, even NaN, against float64) for many shapes with a batch of more than one, single-threaded
        // too; with one item they agree with float64 (TorchConvTransposeLayoutTests, TorchVolumeTransposeLayoutTests).
        Tensor x = inputs[0];
        Tensor y = x.size(0) <= 1 ? conv.forward(x) : cat(x.split(1).Select(item => conv.forward(item)).ToArray(), 0);
        int rank = _spec.Rank;
        for (int d = 0; d < rank; d++)
        {
            int n = (int)inputs[0].size(2 + d);
            int length = (int)ShapeInference.TransposeOutputLength(n, _spec.KernelSize[d], _spec.Strides[d], _spec.Padding);
            int before = _spec.Padding == KerasPadding.Same ? KerasLayout.SamePadding(length, _spec.KernelSize[d], _spec.Strides[d]).Before : 0;
            long kept = Math.Min(length, y.size(2 + d) - before);
            if (before > 0 || kept < y.size(2 + d)) y = y.narrow(2 + d, before, kept);
            if (kept < length)
            {
                // F.pad lists the last dimension first: zeros after this axis, none on the axes behind it.
                long[] pads = new long[2 * (rank - d)];
                pads[^1] = length - kept;
                y = nn.functional.pad(y, pads);
            }
        }
        if (bias is not null) y = y.add(bias, alpha: HeldScalars.One);
        return TorchActivation.Apply(y, _spec.Activation, 1);
    }
}

/// <summary>DepthwiseConv1D / SeparableConv1D / Conv1DTranspose: the 2-D layer (a submodule named <c>conv</c>) on the
/// channels-first (N, C, 1, L), see <see cref="KerasConv1DLayers"/> (why the steps are the width); a causal layer's
/// input is first padded with (k − 1)·dilation zero steps on the left. The result (N, C', 1, L') loses its length-1 axis.</summary>
internal sealed class Conv1DAs2DTorchLayer : TorchLayer
{
    private readonly TorchLayer conv;
    private readonly KerasLayer _layer;
    private readonly long _pad;

    public Conv1DAs2DTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        _layer = layer;
        _pad = KerasConv1DLayers.CausalPad(layer);
        KerasLayer image = KerasConv1DLayers.As2D(layer);
        conv = image.Spec is Conv2DTransposeSpec ? new ConvTransposeTorchLayer(image, dtype) : new DepthwiseConvTorchLayer(image, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        // Checked on the 1-D layer, so the message speaks of steps, as on the numerics engine.
        KerasWindow.EnsureFits(_layer, [x.size(2)]);
        if (_pad > 0) x = nn.functional.pad(x, [_pad, 0]);
        return conv.forward([x.unsqueeze(2)]).squeeze(2);
    }
}
