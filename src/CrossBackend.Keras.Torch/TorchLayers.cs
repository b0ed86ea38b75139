using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossBackend.Keras.Torch;

/// <summary>One Keras layer as a TorchSharp module over its input tensors (channels-first for rank ≥ 3).</summary>
internal abstract class TorchLayer(string name) : nn.Module<Tensor[], Tensor>(name)
{
    /// <summary>The layer's output when Keras's mask (bool (batch, steps), null for none) reaches it: layers that use
    /// the mask override this; the others compute as without one.</summary>
    public virtual Tensor ForwardMasked(Tensor[] inputs, Tensor? mask) => forward(inputs);

    /// <summary>The layer's output given each input's mask (null where none): the merge layers read them all; the
    /// other layers their first input's (<see cref="ForwardMasked"/>).</summary>
    public virtual Tensor ForwardMasks(Tensor[] inputs, Tensor?[] masks) => masks[0] is { } mask ? ForwardMasked(inputs, mask) : forward(inputs);

    /// <summary>The Keras last (feature) axis of a channels-first tensor.</summary>
    protected static long FeatureDim(Tensor x) => x.dim() >= 3 ? 1 : -1;

    /// <summary>The sizes by <c>ndim</c> and <c>size(d)</c>: <c>Tensor.shape</c> marshals through an allocator callback,
    /// about 2.3 µs per call against 25 ns per size.</summary>
    internal static long[] SizesOf(Tensor x)
    {
        var sizes = new long[x.ndim];
        for (int d = 0; d < sizes.Length; d++) sizes[d] = x.size(d);
        return sizes;
    }

    /// <summary>Copies a Keras weight, already in PyTorch layout, into a parameter or buffer of the same shape, rounding
    /// once to the target's dtype (build the module in its final dtype first, so float64 weights stay float64).</summary>
    protected static void Assign(Tensor target, KerasArray<double> value, string layer, string what)
    {
        if (!SizesOf(target).SequenceEqual(value.Shape))
            throw new InvalidOperationException($"layer `{layer}`: {what} has shape {TensorInfo.FormatShape(SizesOf(target))} in TorchSharp, the converted weight {TensorInfo.FormatShape(value.Shape)}");
        using Tensor source = torch.tensor(value.Data, value.Shape);
        using (torch.no_grad()) target.copy_(source);
    }

    /// <summary>A weight as stored, widened to float64 (exact for float32 weights); <see cref="Assign"/> rounds it to the
    /// module's dtype.</summary>
    protected static KerasArray<double> Array(KerasWeight w) => new(w.ToDoubleArray(), w.Shape);
}

/// <summary>InputLayer: checks the channels-first input against the declared shape. Integer inputs are token ids
/// (an Embedding's input): they have no channels axis and keep Keras's layout at every rank.</summary>
internal sealed class InputTorchLayer(KerasLayer layer) : TorchLayer(layer.Name)
{
    private readonly long[] _shape = ((InputSpec)layer.Spec).Shape;
    private readonly string _name = layer.Name;
    private readonly bool _indices = !((InputSpec)layer.Spec).DType.IsFloatingPoint();

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        long[] expected = _shape.Length >= 2 && !_indices ? [_shape[^1], .. _shape[..^1]] : _shape;   // channels-first
        long[] actual = SizesOf(x);
        if (actual.Length != expected.Length + 1 || actual.Skip(1).Zip(expected).Any(p => p.Second >= 0 && p.First != p.Second))
            throw new ArgumentException(
                $"Argument `input` must have shape (batch, {string.Join(", ", expected.Select(v => v < 0 ? "None" : v.ToString()))}) " +
                $"(input `{_name}`, {(_indices ? "token ids, in Keras's layout" : $"channels first; Keras's {KerasLayer.FormatBatchShape(_shape)}")}). Received: input.shape={TensorInfo.FormatShape(actual)}", "input");
        return x;
    }
}

/// <summary>Conv1D / Conv2D / Conv3D as nn.Conv1d / nn.Conv2d / nn.Conv3d, padded as <see cref="TorchWindowPadding"/> says
/// (the conv's own symmetric padding where it is exact, an explicit F.pad before a padding-0 conv otherwise). libtorch
/// 2.10's CPU float32 conv3d agrees with float64 for contiguous batches of several items (checked on 60 random shapes,
/// strides, dilations and groups; worst relative error 7.4e-7), unlike its conv_transpose2d, so the batch runs whole.</summary>
internal sealed class ConvTorchLayer : TorchLayer
{
    private readonly nn.Module<Tensor, Tensor> conv;
    private readonly ConvSpec _spec;
    private readonly TorchWindowPadding _padding;

    public ConvTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        _spec = (ConvSpec)layer.Spec;
        long inChannels = layer.InputShapes[0][^1];
        _padding = new TorchWindowPadding(layer, _spec.Padding, _spec.KernelSize, _spec.Strides, _spec.Dilation);
        long[] symmetric = _padding.Symmetric;
        int[] k = _spec.KernelSize, s = _spec.Strides, d = _spec.Dilation;
        conv = _spec.Rank switch
        {
            1 => nn.Conv1d(inChannels, _spec.Filters, k[0], s[0], symmetric[0], d[0], groups: _spec.Groups, bias: _spec.UseBias),
            2 => nn.Conv2d(inChannels, _spec.Filters, (k[0], k[1]), (s[0], s[1]), (symmetric[0], symmetric[1]), (d[0], d[1]), groups: _spec.Groups, bias: _spec.UseBias),
            _ => nn.Conv3d(inChannels, _spec.Filters, (k[0], k[1], k[2]), (s[0], s[1], s[2]), (symmetric[0], symmetric[1], symmetric[2]), (d[0], d[1], d[2]),
                groups: _spec.Groups, bias: _spec.UseBias),
        };
        conv.to(dtype);
        var module = (Convolution)conv;
        Assign(module.weight!, KerasLayout.ConvKernelToTorch(Array(layer.Weights[0])), layer.Name, "weight");
        if (_spec.UseBias) Assign(module.bias!, Array(layer.Weights[1]), layer.Name, "bias");
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs) => TorchActivation.Apply(conv.forward(_padding.Fit(inputs[0])), _spec.Activation, 1);
}

/// <summary>Dense as nn.Linear over the Keras last axis. After a Flatten of a channels-first tensor the kernel's
/// rows are permuted once at load (Keras flattens (h, w, c), PyTorch (c, h, w)), so no transpose runs per call.</summary>
internal sealed class DenseTorchLayer : TorchLayer
{
    private readonly Linear linear;
    private readonly KerasActivation _activation;

    public DenseTorchLayer(KerasLayer layer, long[]? flattenedFrom, ScalarType dtype) : base(layer.Name)
    {
        var spec = (DenseSpec)layer.Spec;
        _activation = spec.Activation;
        linear = nn.Linear(layer.InputShapes[0][^1], spec.Units, spec.UseBias, dtype: dtype);
        KerasArray<double> kernel = Array(layer.Weights[0]);
        Assign(linear.weight!, flattenedFrom is null ? KerasLayout.DenseKernelToTorch(kernel) : KerasLayout.FlattenedDenseKernelToTorch(kernel, flattenedFrom), layer.Name, "weight");
        if (spec.UseBias) Assign(linear.bias!, Array(layer.Weights[1]), layer.Name, "bias");
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        if (x.dim() <= 2) return TorchActivation.Apply(linear.forward(x), _activation, -1);
        // Keras applies Dense to the last (channels) axis: move it there and back.
        Tensor y = TorchActivation.Apply(linear.forward(x.movedim([1], [-1])), _activation, -1);
        return y.movedim([-1], [1]);
    }
}

/// <summary>Flatten: in (c, h, w) order when every consumer is a Dense whose rows were permuted to match (free),
/// otherwise in Keras's (h, w, c) order (channels moved last first), so any other consumer sees Keras's order.</summary>
internal sealed class FlattenTorchLayer(string name, bool channelsFirstOrder) : TorchLayer(name)
{
    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        if (x.dim() <= 2) return x;
        return channelsFirstOrder ? x.flatten(1) : x.movedim([1], [-1]).flatten(1);
    }
}

/// <summary>Reshape of the Keras (channels-last) data: channels moved last, reshaped, moved first again.</summary>
internal sealed class ReshapeTorchLayer(string name, long[] target) : TorchLayer(name)
{
    private readonly string _layer = name;

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        Tensor keras = TorchKerasLayout.ToKeras(x);
        // Resolved here, before libtorch, so a target the input cannot fill fails naming the layer on every engine.
        long[] shape = x.size(0) == 0 ? target : KerasRuntimeShapes.ReshapeTarget(_layer, target, x.numel() / x.size(0));
        return TorchKerasLayout.FromKeras(keras.reshape([x.size(0), .. shape]));
    }
}

/// <summary>MaxPooling1D / AveragePooling1D / MaxPooling2D / AveragePooling2D / MaxPooling3D / AveragePooling3D with
/// TensorFlow's "same": max pools pad with −∞; average pools divide by the real cells (count_include_pad=False when the
/// pads are symmetric, else the padded sum over the padded count of ones). A 1-D pool runs as the 2-D pool of
/// (N, C, L, 1) with a (k, 1) window; the 3-D pools are F.max_pool3d / F.avg_pool3d (libtorch 2.10's CPU float32
/// pools agree with float64 for batches of several items, checked as conv3d was).</summary>
internal sealed class PoolTorchLayer : TorchLayer
{
    private readonly KerasLayer _layer;
    private readonly PoolingSpec spec;

    public PoolTorchLayer(KerasLayer layer) : base(layer.Name)
    {
        _layer = layer;
        spec = (PoolingSpec)layer.Spec;
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        // Checked here, before libtorch, so a too-small input fails as on the numerics engine, naming the layer.
        KerasWindow.EnsureFits(_layer, SizesOf(x).AsSpan(2));
        if (spec.Rank == 1) return Pool(x.unsqueeze(-1)).squeeze(-1);
        return Pool(x);
    }

    /// <summary>The 2-D or 3-D pool of (N, C, spatial…); a 1-D layer's width is 1, with window and stride 1.</summary>
    private Tensor Pool(Tensor x)
    {
        int rank = (int)x.dim() - 2;
        long[] kernel = new long[rank], stride = new long[rank], before = new long[rank], pads = new long[2 * rank];
        bool none = true, symmetric = true, unpaddedFits = true;
        for (int d = 0; d < rank; d++)
        {
            kernel[d] = d < spec.Rank ? spec.PoolSize[d] : 1;
            stride[d] = d < spec.Rank ? spec.Strides[d] : 1;
            (int b, int a) = spec.Padding == KerasPadding.Same ? KerasLayout.SamePadding((int)x.size(2 + d), (int)kernel[d], (int)stride[d]) : (0, 0);
            before[d] = b;
            (pads[2 * (rank - 1 - d)], pads[2 * (rank - 1 - d) + 1]) = (b, a);   // F.pad: the last dimension first
            none &= b == 0 && a == 0;
            symmetric &= b == a && 2 * b <= kernel[d];
            unpaddedFits &= x.size(2 + d) >= kernel[d];
        }
        long[] zero = new long[rank];
        if (spec.Kind == KerasPoolingKind.Max)
        {
            if (none || symmetric) return MaxPool(x, kernel, stride, before);
            return MaxPool(F.pad(x, pads, PaddingModes.Constant, double.NegativeInfinity), kernel, stride, zero);
        }
        // libtorch's avg_pool3d (not its avg_pool2d nor max_pool3d) refuses an input shorter than the window before its
        // own padding ("input image … smaller than kernel size"): such a 3-D input takes the explicit pads.
        if (none || (symmetric && (rank == 2 || unpaddedFits))) return AvgPool(x, kernel, stride, before, countIncludePad: false);
        Tensor sum = AvgPool(F.pad(x, pads), kernel, stride, zero);
        Tensor count = AvgPool(F.pad(ones([1, 1, .. SizesOf(x)[2..]], dtype: x.dtype, device: x.device), pads), kernel, stride, zero);
        return sum / count;
    }

    private static Tensor MaxPool(Tensor x, long[] kernel, long[] stride, long[] padding) =>
        kernel.Length == 2 ? F.max_pool2d(x, kernel, stride, padding) : F.max_pool3d(x, kernel, stride, padding);

    private static Tensor AvgPool(Tensor x, long[] kernel, long[] stride, long[] padding, bool countIncludePad = true) =>
        kernel.Length == 2 ? F.avg_pool2d(x, kernel, stride, padding, count_include_pad: countIncludePad)
            : F.avg_pool3d(x, kernel, stride, padding, count_include_pad: countIncludePad);
}

/// <summary>GlobalAveragePooling1D / GlobalMaxPooling1D over the steps (dimension 2 of (N, C, L)), the 2-D layers
/// over height and width (dimensions 2 and 3) and the 3-D layers over depth, height and width (2, 3 and 4); with
/// keepdims the pooled dimensions stay with length 1.</summary>
internal sealed class GlobalPoolTorchLayer(string name, GlobalPoolingSpec spec) : TorchLayer(name)
{
    private readonly long[] _dims = Enumerable.Range(2, spec.Rank).Select(d => (long)d).ToArray();

    public override Tensor forward(Tensor[] inputs) => spec.Kind == KerasPoolingKind.Max
        ? inputs[0].amax(_dims, spec.KeepDims)
        : inputs[0].mean(_dims, spec.KeepDims);

    /// <summary>GlobalAveragePooling1D with Keras's mask: the sum over unmasked steps divided by their count (0/0, NaN,
    /// for a row with every step masked, as Keras computes it). GlobalMaxPooling1D ignores a mask (Keras 3 drops it).</summary>
    public override Tensor ForwardMasked(Tensor[] inputs, Tensor? mask)
    {
        if (mask is null || spec.Kind != KerasPoolingKind.Average || spec.Rank != 1) return forward(inputs);
        Tensor x = inputs[0];   // (N, C, L), mask (N, L)
        Tensor keep = mask.unsqueeze(1);
        Tensor sum = where(keep, x, zeros(1, x.dtype, x.device)).sum(2, spec.KeepDims);
        Tensor count = keep.to_type(x.dtype).sum(2, spec.KeepDims);
        return sum.div(count);
    }
}

/// <summary>BatchNormalization as nn.BatchNorm1d/2d/3d in eval mode with Keras's ε (1e-3 by default; PyTorch's
/// own default 1e-5 would change every output whose variance is small) and momentum 1 − Keras's. PyTorch normalises
/// dimension 1; a Keras axis other than the channels (e.g. <c>axis=1</c>, the height) is moved there and back.</summary>
internal sealed class BatchNormTorchLayer : TorchLayer
{
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly long _dim;

    public BatchNormTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        var spec = (BatchNormSpec)layer.Spec;
        int rank = layer.InputShapes[0].Length;
        _dim = TorchAxes.ChannelsFirst(spec.Axis, rank, layer.Name);
        long channels = layer.InputShapes[0][KerasAxes.NonBatch(spec.Axis, rank)!.Value];
        BatchNormParameters<double> p = KerasLayout.BatchNormToTorch(layer.Weights.Select(w => w.ToDoubleArray()).ToArray(), spec.Epsilon, spec.Center, spec.Scale, spec.Momentum);
        norm = layer.InputShapes[0].Length switch
        {
            1 or 2 => nn.BatchNorm1d(channels, p.Epsilon, p.Momentum),
            3 => nn.BatchNorm2d(channels, p.Epsilon, p.Momentum),
            4 => nn.BatchNorm3d(channels, p.Epsilon, p.Momentum),
            _ => throw new NotSupportedException($"layer `{layer.Name}`: BatchNormalization of rank-{layer.InputShapes[0].Length + 1} data is not supported"),
        };
        norm.to(dtype);
        var bn = (NormBase)norm;
        Assign(bn.weight!, new KerasArray<double>(p.Weight, [channels]), layer.Name, "weight");
        Assign(bn.bias!, new KerasArray<double>(p.Bias, [channels]), layer.Name, "bias");
        Assign(bn.running_mean!, new KerasArray<double>(p.RunningMean, [channels]), layer.Name, "running_mean");
        Assign(bn.running_var!, new KerasArray<double>(p.RunningVar, [channels]), layer.Name, "running_var");
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs) =>
        _dim == 1 ? norm.forward(inputs[0]) : norm.forward(inputs[0].movedim([_dim], [1])).movedim([1], [_dim]);
}

/// <summary>Dropout, SpatialDropout1D, SpatialDropout2D and SpatialDropout3D as nn.Dropout, nn.Dropout1d, nn.Dropout2d
/// and nn.Dropout3d: the identity in eval mode; when fine-tuned (<c>train()</c>), the spatial kinds drop whole channels
/// as Keras's noise_shape (batch, 1, channels) / (batch, 1, 1, channels) / (batch, 1, 1, 1, channels) does — on the
/// channels-first tensor that is PyTorch's channel dropout.</summary>
internal sealed class DropoutTorchLayer : TorchLayer
{
    private readonly nn.Module<Tensor, Tensor> dropout;

    public DropoutTorchLayer(string name, string className, double rate) : base(name)
    {
        double p = Math.Clamp(rate, 0, 1);
        dropout = className switch
        {
            "SpatialDropout1D" => nn.Dropout1d(p),
            "SpatialDropout2D" => nn.Dropout2d(p),
            "SpatialDropout3D" => nn.Dropout3d(p),
            _ => nn.Dropout(p),
        };
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs) => dropout.forward(inputs[0]);
}

/// <summary>GaussianDropout and GaussianNoise: the identity in eval mode; in train mode Keras 3's noise —
/// GaussianDropout multiplies by N(1, rate / (1 − rate)) (standard deviation √(rate / (1 − rate))), GaussianNoise adds
/// N(0, stddev²). PyTorch has no such module, and Bernoulli dropout would change the noise's distribution.</summary>
internal sealed class GaussianNoiseTorchLayer(string name, double stddev, bool multiplicative) : TorchLayer(name)
{
    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        if (!training || stddev == 0) return x;
        using Scalar scale = stddev.ToScalar();
        using Tensor noise = randn_like(x).mul_(scale);
        return multiplicative ? x.mul(noise.add_(HeldScalars.One, alpha: HeldScalars.One)) : x.add(noise, alpha: HeldScalars.One);
    }
}

/// <summary>Activation / ReLU / LeakyReLU / Softmax; a softmax over Keras axes other than the last runs over their
/// channels-first dimensions.</summary>
internal sealed class ActivationTorchLayer : TorchLayer
{
    private readonly string _name;
    private readonly KerasActivation _activation;
    private readonly long[]? _softmaxDims;   // null: the Keras last axis, FeatureDim

    /// <param name="name">The layer's name.</param>
    /// <param name="activation">The function.</param>
    /// <param name="rank">The input's non-batch axes, to map the softmax's Keras axes.</param>
    public ActivationTorchLayer(string name, KerasActivation activation, int rank) : base(name)
    {
        _name = name;
        _activation = activation;
        if (activation.IsSoftmaxOffLastAxis(rank))
            _softmaxDims = activation.SoftmaxAxes.Select(a => TorchAxes.ChannelsFirst(a, rank, name)).ToArray();
    }

    public override Tensor forward(Tensor[] inputs) => _softmaxDims switch
    {
        // glu halves the feature axis: an odd length under a None axis is refused naming the layer before libtorch's own error.
        null when _activation.Kind == KerasActivationKind.Glu => Glu(inputs[0]),
        null => TorchActivation.Apply(inputs[0], _activation, FeatureDim(inputs[0])),
        [long dim] => F.softmax(inputs[0], dim),
        long[] dims => TorchActivation.SoftmaxOver(inputs[0], dims),
    };

    private Tensor Glu(Tensor x)
    {
        long dim = FeatureDim(x);
        KerasRuntimeShapes.EnsureGluHalves(_name, x.size((int)dim));
        return TorchActivation.Apply(x, _activation, dim);
    }
}

/// <summary>ZeroPadding1D / ZeroPadding2D / ZeroPadding3D: F.pad, whose pairs run from the last dimension back ((left,
/// right) of the width, then (top, bottom) of the height, then the depth's; a 1-D layer pads only the steps, the last
/// dimension of (N, C, L)).</summary>
internal sealed class ZeroPadTorchLayer(string name, ZeroPaddingSpec spec) : TorchLayer(name)
{
    private readonly long[] _pads = Enumerable.Range(0, spec.Rank).Reverse().SelectMany(d => new long[] { spec.Before[d], spec.After[d] }).ToArray();

    public override Tensor forward(Tensor[] inputs) => F.pad(inputs[0], _pads);
}

/// <summary>Cropping1D / Cropping2D / Cropping3D: a narrowed view of each spatial dimension (2, 3, then 4) of the
/// channels-first tensor.</summary>
internal sealed class CropTorchLayer(KerasLayer layer) : TorchLayer(layer.Name)
{
    private readonly CroppingSpec _spec = (CroppingSpec)layer.Spec;

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        KerasRuntimeShapes.EnsureCroppable(layer, SizesOf(x).AsSpan(2));   // before libtorch, naming the layer
        for (int d = 0; d < _spec.Rank; d++)
            x = x.narrow(2 + d, _spec.Before[d], x.size(2 + d) - _spec.Before[d] - _spec.After[d]);
        return x.contiguous();
    }
}

/// <summary>UpSampling1D / UpSampling2D / UpSampling3D: "nearest" repeats each cell along each spatial dimension, as
/// Keras 3's <c>ops.repeat</c> per axis does; UpSampling2D's "bilinear" is <c>F.interpolate(mode="bilinear",
/// align_corners=False)</c> to the multiplied size, the half-pixel rule of TensorFlow's resize
/// (<see cref="KerasUpSampling.Bilinear"/>; PyTorch weighs the four cells as one sum, TensorFlow as two nested lerps:
/// the same value to rounding).</summary>
internal sealed class UpSampleTorchLayer(string name, UpSamplingSpec spec) : TorchLayer(name)
{
    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        if (spec.Interpolation == KerasUpSampling.Bilinear)
            return nn.functional.interpolate(x, size: [x.size(2) * spec.Size[0], x.size(3) * spec.Size[1]], mode: InterpolationMode.Bilinear, align_corners: false);
        for (int d = 0; d < spec.Rank; d++) x = x.repeat_interleave(spec.Size[d], 2 + d);
        return x;
    }
}

/// <summary>Permute: Keras's permutation of the channels-last axes as one permute of the channels-first dimensions
/// (<see cref="TorchAxes.PermuteOrder"/>).</summary>
internal sealed class PermuteTorchLayer(string name, PermuteSpec spec) : TorchLayer(name)
{
    private readonly long[] _order = TorchAxes.PermuteOrder(spec.Dims, name);

    public override Tensor forward(Tensor[] inputs) => inputs[0].permute(_order).contiguous();
}

/// <summary>RepeatVector: (N, F) to Keras's (N, n, F), which is (N, F, n) channels-first: the vector repeated along a new last dimension.</summary>
internal sealed class RepeatVectorTorchLayer(string name, int n) : TorchLayer(name)
{
    public override Tensor forward(Tensor[] inputs) => inputs[0].unsqueeze(-1).repeat(1, 1, n);
}

/// <summary>Keras's layout of a channels-first shape (channels moved last for rank ≥ 3), for messages.</summary>
internal static class KerasShapes
{
    public static long[][] Of(Tensor[] inputs) => inputs.Select(t =>
    {
        var s = new long[t.ndim];
        for (int d = 0; d < s.Length; d++) s[d] = t.size(d);
        return s.Length >= 3 ? [s[0], .. s[2..], s[1]] : s;
    }).ToArray();
}

/// <summary>Add, Subtract, Multiply, Average, Maximum, Minimum: inputs of a lower rank expanded as Keras 3 expands them
/// (<see cref="TorchAxes.ExpandForMerge"/>), then combined in input order; axes of length 1 stretch (Keras's
/// broadcasting, the same on channels-first tensors of one rank, whose axes all moved alike).</summary>
internal sealed class MergeTorchLayer(KerasLayer layer) : TorchLayer(layer.Name)
{
    private readonly KerasMergeOp _op = ((MergeSpec)layer.Spec).Op;
    private readonly int _rank = layer.OutputShape.Length;

    /// <summary>Keras 3.4+'s Multiply, Maximum and Minimum read their inputs' masks (<see cref="TorchMergeMasks.Merge"/>);
    /// the other merges, and every merge under Keras 2's or 3.0–3.3's rule, compute as without them.</summary>
    public override Tensor ForwardMasks(Tensor[] inputs, Tensor?[] masks)
    {
        if (layer.MaskRole != KerasMaskRole.MergesAny || _op is not (KerasMergeOp.Multiply or KerasMergeOp.Maximum or KerasMergeOp.Minimum))
            return forward(inputs);
        KerasRuntimeShapes.EnsureMergeable(layer, KerasShapes.Of(inputs));   // one rank and shape: KerasMergeMasks refuses the rest
        return TorchMergeMasks.Merge(layer, _op, inputs, masks);
    }

    public override Tensor forward(Tensor[] inputs)
    {
        KerasRuntimeShapes.EnsureMergeable(layer, KerasShapes.Of(inputs));   // before libtorch, naming the layer
        Tensor[] x = inputs.Select(t => TorchAxes.ExpandForMerge(t, _rank)).ToArray();
        Tensor result = x[0];
        // Not in place: a later input may be larger than the result so far (its length-1 axes stretch). Alphas passed
        // held: TorchSharp's `a + b` makes its alpha, 1, as a Scalar nothing holds (see HeldScalars).
        for (int i = 1; i < x.Length; i++)
            result = _op switch
            {
                KerasMergeOp.Add or KerasMergeOp.Average => result.add(x[i], alpha: HeldScalars.One),
                KerasMergeOp.Subtract => result.add(x[i], alpha: HeldScalars.MinusOne),
                KerasMergeOp.Multiply => result.mul(x[i]),
                KerasMergeOp.Maximum => maximum(result, x[i]),
                KerasMergeOp.Minimum => minimum(result, x[i]),
                _ => throw new NotSupportedException($"layer `{layer.Name}`: merge {_op} has no TorchSharp implementation"),
            };
        if (_op != KerasMergeOp.Average) return ReferenceEquals(result, inputs[0]) ? result.alias() : result;
        // Keras divides the sum by the count (`output / len(inputs)`), a true division, not a product with 1/n.
        using Scalar count = ((double)x.Length).ToScalar();
        return result.div(count);
    }
}

/// <summary>Concatenate along the Keras axis mapped to the channels-first layout.</summary>
internal sealed class ConcatTorchLayer(KerasLayer layer, long dim) : TorchLayer(layer.Name)
{
    public override Tensor forward(Tensor[] inputs)
    {
        KerasRuntimeShapes.EnsureMergeable(layer, KerasShapes.Of(inputs));   // before libtorch, naming the layer
        return cat(inputs, dim);
    }
}

/// <summary>Embedding as nn.Embedding; a rank ≥ 3 output moves its vectors to axis 1 (channels first).</summary>
internal sealed class EmbeddingTorchLayer : TorchLayer
{
    private readonly Embedding embedding;
    private readonly KerasLayer _layer;

    public EmbeddingTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        _layer = layer;
        var spec = (EmbeddingSpec)layer.Spec;
        embedding = nn.Embedding(spec.InputDim, spec.OutputDim, dtype: dtype);
        Assign(embedding.weight!, Array(layer.Weights[0]), layer.Name, "weight");
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor ids = inputs[0].dtype == ScalarType.Int64 ? inputs[0] : inputs[0].to_type(ScalarType.Int64);
        // Checked here, before libtorch, whose "index out of range in self" names no layer.
        if (ids.numel() > 0)
        {
            using Tensor min = ids.min(), max = ids.max();
            KerasEmbeddingIds.EnsureInRange(_layer, min.item<long>(), max.item<long>());
        }
        return TorchKerasLayout.FromKeras(embedding.forward(ids));
    }
}

/// <summary>PReLU: relu(x) − α·relu(−x) as Keras computes it, α a parameter stored channels-first (Keras's
/// (…, C) moved to (C, …) for rank ≥ 3 inputs) so it broadcasts over the batch and over shared (length-1) axes.</summary>
internal sealed class PReLUTorchLayer : TorchLayer
{
    private readonly Parameter alpha;

    public PReLUTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        KerasArray<double> keras = Array(layer.Weights[0]);
        long[] shape = keras.Shape.Length >= 2 ? [keras.Shape[^1], .. keras.Shape[..^1]] : keras.Shape;
        alpha = new Parameter(zeros(shape, dtype));
        using Tensor stored = torch.tensor(keras.Data, keras.Shape, dtype);
        // The moved view is a local disposed here: as a bare temporary nothing would reference it during copy_ (no
        // dispose scope holds it at load), and its finalizer could free it under libtorch.
        using Tensor? moved = keras.Shape.Length >= 2 ? stored.movedim([-1], [0]) : null;
        using (no_grad()) alpha.copy_(moved ?? stored);
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        using Tensor negative = x.neg().relu_().mul_(alpha);
        return x.relu().sub_(negative);
    }
}
