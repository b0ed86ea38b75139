using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossBackend.Keras.Torch;

/// <summary>GroupNormalization as F.group_norm, which groups dimension 1 of a channels-first tensor into contiguous
/// blocks as Keras does its axis: the Keras axis (at its channels-first dimension) is moved to dimension 1 and back.
/// Both compute the biased variance and (x − mean) / √(var + ε) · γ + β; the layer's ε is passed (Keras's default 1e-3,
/// not PyTorch's 1e-5). γ and β keep Keras's (C) shape.</summary>
internal sealed class GroupNormTorchLayer : TorchLayer
{
    private readonly Parameter? gamma, beta;
    private readonly long _dim;
    private readonly int _groups;
    private readonly double _epsilon;

    public GroupNormTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        var spec = (GroupNormSpec)layer.Spec;
        long[] input = layer.InputShapes[0];
        (int axis, _groups) = KerasNormShapes.GroupAxis(spec, input, layer.Name, layer.ClassName);
        _dim = TorchAxes.ChannelsFirst(spec.Axis, input.Length, layer.Name);
        _epsilon = spec.Epsilon;
        int i = 0;
        if (spec.Scale) gamma = Loaded(layer.Weights[i++], input[axis], dtype, layer.Name, "gamma");
        if (spec.Center) beta = Loaded(layer.Weights[i], input[axis], dtype, layer.Name, "beta");
        RegisterComponents();
    }

    private static Parameter Loaded(KerasWeight weight, long channels, ScalarType dtype, string layer, string what)
    {
        var p = new Parameter(zeros([channels], dtype));
        Assign(p, Array(weight), layer, what);
        return p;
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        if (_dim == 1) return F.group_norm(x, _groups, gamma, beta, _epsilon);
        using Tensor moved = x.movedim([_dim], [1]);
        using Tensor y = F.group_norm(moved, _groups, gamma, beta, _epsilon);
        return y.movedim([1], [_dim]);
    }
}

/// <summary>UnitNormalization: x · rsqrt(max(Σ x², 1e-12)) over the Keras axes at their channels-first dimensions
/// (Keras's formula; PyTorch's F.normalize clamps the norm instead, which differs below the epsilon).</summary>
internal sealed class UnitNormTorchLayer : TorchLayer
{
    private readonly long[] _dims;

    public UnitNormTorchLayer(KerasLayer layer) : base(layer.Name)
    {
        var spec = (UnitNormSpec)layer.Spec;
        long[] input = layer.InputShapes[0];
        KerasNormShapes.UnitAxes(spec, input, layer.Name, layer.ClassName);
        _dims = spec.Axes.Select(a => TorchAxes.ChannelsFirst(a, input.Length, layer.Name)).ToArray();
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        using Scalar floor = 1e-12.ToScalar();
        using Tensor squares = x.pow(HeldScalars.Two);
        using Tensor sum = squares.sum(_dims, keepdim: true);
        using Tensor clamped = sum.clamp_min(floor);
        using Tensor inv = clamped.rsqrt();
        return x.mul(inv);
    }
}

/// <summary>Dot: both inputs moved to Keras's layout, each optionally L2-normalised along its dot axis in the writer's
/// form, then a batched matmul of x with its dot axis last, (batch, m, k), and y with its dot axis first, (batch, k, n)
/// (Keras's batch_dot transposes), reshaped to x's other axes then y's and moved back channels-first.</summary>
internal sealed class DotTorchLayer : TorchLayer
{
    private readonly int _ax, _ay;
    private readonly KerasDotNormalize _normalize;
    private readonly string _layer;

    public DotTorchLayer(KerasLayer layer) : base(layer.Name)
    {
        _layer = layer.Name;
        var spec = (DotSpec)layer.Spec;
        (_ax, _ay) = KerasNormShapes.DotAxes(spec, layer.InputShapes[0], layer.InputShapes[1], layer.Name, layer.ClassName);
        _normalize = spec.Normalization;
    }

    public override Tensor forward(Tensor[] inputs)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor x = Normalized(TorchKerasLayout.ToKeras(inputs[0]), _ax + 1), y = Normalized(TorchKerasLayout.ToKeras(inputs[1]), _ay + 1);
        long[] xs = SizesOf(x), ys = SizesOf(y);
        if (xs[0] != ys[0] || xs[_ax + 1] != ys[_ay + 1])
            throw new ArgumentException(
                $"layer `{_layer}` (Dot): its inputs (Keras layout) {TensorInfo.FormatShape(xs)} and {TensorInfo.FormatShape(ys)} need one batch size and one length on the dot axes");
        long batch = xs[0], depth = xs[_ax + 1];
        long[] xOther = xs[1..].Where((_, i) => i != _ax).ToArray(), yOther = ys[1..].Where((_, i) => i != _ay).ToArray();
        Tensor xm = x.movedim([_ax + 1], [-1]).reshape(batch, -1, depth);
        Tensor ym = y.movedim([_ay + 1], [1]).reshape(batch, depth, -1);
        Tensor product = xm.bmm(ym);
        long[] shape = [batch, .. xOther, .. yOther];
        Tensor result = product.reshape(shape.Length == 1 ? [batch, 1] : shape);
        Tensor output = result.dim() >= 3 ? TorchKerasLayout.FromKeras(result).contiguous() : result;
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>tf.keras 2's x · rsqrt(max(Σ x², 1e-12)) or Keras 3.6+'s x · min(rsqrt(Σ x²), 1 / 1e-7) along dimension
    /// <paramref name="dim"/> of the Keras-layout tensor; x itself without normalize.</summary>
    private Tensor Normalized(Tensor x, long dim)
    {
        if (_normalize == KerasDotNormalize.None) return x;
        Tensor sum = x.pow(HeldScalars.Two).sum([dim], keepdim: true);
        Tensor inv;
        if (_normalize == KerasDotNormalize.ClampedSquaredSum)
        {
            using Scalar floor = 1e-12.ToScalar();
            inv = sum.clamp_min(floor).rsqrt();
        }
        else
        {
            using Scalar cap = (1.0 / 1e-7).ToScalar();
            inv = sum.rsqrt().clamp_max(cap);
        }
        return x.mul(inv);
    }
}
