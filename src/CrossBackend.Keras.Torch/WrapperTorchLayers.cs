using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>
/// Bidirectional: two recurrent submodules under Keras 3's attribute names, <c>forward_layer</c> and
/// <c>backward_layer</c> (so <c>state_dict()</c> reads <c>bidirectional.forward_layer.kernel</c>), each Keras's step
/// loop over the channels-first input; with return_sequences the backward sequence (batch, units, time), in its
/// processing order, is flipped along time; then concat along the channels (Keras's last axis, forward first), sum,
/// product or (y + y_rev) / 2 (keras/src/layers/rnn/bidirectional.py). A mask reaches both halves unchanged.
/// </summary>
internal sealed class BidirectionalTorchLayer : TorchLayer
{
    private readonly RecurrentTorchLayer forward_layer;
    private readonly RecurrentTorchLayer backward_layer;
    private readonly BidirectionalSpec _spec;

    public BidirectionalTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        _spec = (BidirectionalSpec)layer.Spec;
        (KerasLayer forward, KerasLayer backward) = KerasWrappedLayers.Bidirectional(layer);
        forward_layer = new RecurrentTorchLayer(forward, dtype);
        backward_layer = new RecurrentTorchLayer(backward, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs) => ForwardMasked(inputs, null);

    /// <summary>Keras hands the same mask to both halves; the backward one reads it in its processing order (reversed).</summary>
    public override Tensor ForwardMasked(Tensor[] inputs, Tensor? mask)
    {
        Tensor y = forward_layer.ForwardMasked(inputs, mask);
        Tensor yRev = backward_layer.ForwardMasked(inputs, mask);
        if (_spec.Forward.ReturnSequences) yRev = yRev.flip(2);   // (batch, units, time): time is dimension 2
        switch (_spec.Merge)
        {
            case KerasBidirectionalMerge.Concat:
                return cat([y, yRev], 1);
            case KerasBidirectionalMerge.Sum:
                return y.add(yRev, alpha: HeldScalars.One);
            case KerasBidirectionalMerge.Mul:
                return y.mul(yRev);
            default:
                using (Scalar two = 2.0.ToScalar()) return y.add(yRev, alpha: HeldScalars.One).div_(two);   // Keras's (y + y_rev) / 2
        }
    }
}

/// <summary>
/// TimeDistributed: its inner layer as a submodule named <c>layer</c> (Keras 3's attribute), run once over
/// (batch·time, …). The channels-first input (batch, C, time, …) has time moved next to the batch axis and merged
/// with it; the inner output (batch·time, C', …) is split again and time moved back after the channels.
/// </summary>
internal sealed class TimeDistributedTorchLayer : TorchLayer
{
    private readonly TorchLayer layer;

    public TimeDistributedTorchLayer(KerasLayer wrapper, ScalarType dtype) : base(wrapper.Name)
    {
        layer = KerasTorchModule.Create(KerasWrappedLayers.TimeDistributed(wrapper), [], dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        long[] sizes = SizesOf(x);
        // Keras (batch, time, features) is (batch, features, time) here; (batch, time, h, w, c) is (batch, c, time, h, w).
        long batch = sizes[0], steps = sizes[2];
        Tensor items = x.movedim([2], [1]).reshape([batch * steps, sizes[1], .. sizes[3..]]);
        Tensor y = layer.forward([items]);
        long[] outSizes = SizesOf(y);
        return y.reshape([batch, steps, .. outSizes[1..]]).movedim([1], [2]);
    }
}
