using CrossBackend.Keras;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossBackend.Keras.Torch;

/// <summary>LayerNormalization as F.layer_norm, which normalises the trailing dimensions: the Keras axes (mapped to
/// their channels-first dimensions, in Keras's order) are moved last and back. γ and β keep Keras's shape (the axes'
/// lengths in order), which is F.layer_norm's <c>normalized_shape</c>; both compute the biased variance and
/// (x − mean) / √(var + ε) · γ + β with the layer's ε (Keras's 1e-3 by default, not PyTorch's 1e-5).</summary>
internal sealed class LayerNormTorchLayer : TorchLayer
{
    private readonly Parameter? gamma, beta;
    private readonly long[] _dims, _shape;
    private readonly double _epsilon;

    public LayerNormTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        var spec = (LayerNormSpec)layer.Spec;
        long[] input = layer.InputShapes[0];
        int[] axes = ShapeInference.LayerNormAxes(spec, input, layer.Name, layer.ClassName);
        _dims = spec.Axes.Select(a => TorchAxes.ChannelsFirst(a, input.Length, layer.Name)).ToArray();
        _shape = axes.Select(a => input[a]).ToArray();
        _epsilon = spec.Epsilon;
        int i = 0;
        if (spec.Scale) gamma = Loaded(layer.Weights[i++], dtype, layer.Name, "gamma");
        if (spec.Center) beta = Loaded(layer.Weights[i], dtype, layer.Name, "beta");
        RegisterComponents();
    }

    private Parameter Loaded(KerasWeight weight, ScalarType dtype, string layer, string what)
    {
        var p = new Parameter(zeros(_shape, dtype));
        Assign(p, Array(weight), layer, what);
        return p;
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        long rank = x.dim();
        long[] last = Enumerable.Range(0, _dims.Length).Select(k => rank - _dims.Length + k).ToArray();
        bool inPlace = _dims.SequenceEqual(last);
        Tensor moved = inPlace ? x : x.movedim(_dims, last);
        Tensor y = F.layer_norm(moved, _shape, gamma, beta, _epsilon);
        return inPlace ? y : y.movedim(last, _dims);
    }
}
