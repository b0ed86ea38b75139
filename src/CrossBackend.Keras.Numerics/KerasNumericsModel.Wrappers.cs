using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Numerics;

public sealed partial class KerasNumericsModel<T>
{
    /// <summary>
    /// Bidirectional as Keras's <c>call</c> computes it (keras/src/layers/rnn/bidirectional.py): the forward and backward
    /// layers each run over the input with the plain recurrent code; with return_sequences the backward output, in its
    /// processing order, is flipped along time; then concat (forward units first), sum, mul or (y + y_rev) / 2. A mask
    /// goes to both halves as it is (the backward one reads it in its processing order, reversed).
    /// </summary>
    private static Func<object[], bool[]?, object> Bidirectional(KerasLayer layer, BidirectionalSpec b)
    {
        (KerasLayer forwardLayer, KerasLayer backwardLayer) = KerasWrappedLayers.Bidirectional(layer);
        Func<object[], bool[]?, object> forward = Recurrent(forwardLayer, (RecurrentSpec)forwardLayer.Spec),
            backward = Recurrent(backwardLayer, (RecurrentSpec)backwardLayer.Spec);
        return (v, mask) =>
        {
            var y = (Tensor<T>)forward(v, mask);
            var yRev = (Tensor<T>)backward(v, mask);
            // Keras's ops.flip(y_rev, axis=1): the backward sequence back in input order.
            if (b.Forward.ReturnSequences) yRev = NumericsOps<T>.Instance.Flip(yRev, [1]);
            // The Concatenate and merge layers' kernels: concat forward units first; y + y_rev, y · y_rev, (y + y_rev) / 2.
            return b.Merge switch
            {
                KerasBidirectionalMerge.Concat => ShapeKernels.Concatenate([y, yRev], -1),
                KerasBidirectionalMerge.Sum => MergeKernel.Merge([y, yRev], BinaryOp.Add),
                KerasBidirectionalMerge.Mul => MergeKernel.Merge([y, yRev], BinaryOp.Multiply),
                _ => MergeKernel.Merge([y, yRev], BinaryOp.Add, divideByCount: true),
            };
        };
    }

    /// <summary>TimeDistributed: the inner layer once over (batch·time, …) — the same numbers as Keras's per-step calls,
    /// since every accepted inner layer treats the items of a batch independently — then (batch, time, …) again.</summary>
    private static Func<object[], object> TimeDistributed(KerasLayer layer)
    {
        Func<object[], object> inner = Compile(KerasWrappedLayers.TimeDistributed(layer));
        return v =>
        {
            Tensor<T> x = Float(v[0], layer.Name);
            nint batch = x.Lengths[0], steps = x.Lengths[1];
            var y = (Tensor<T>)inner([Reshape(x, [batch * steps, .. x.Lengths[2..]])]);
            return Reshape(y, [batch, steps, .. y.Lengths[1..]]);
        };
    }
}
