using System.Numerics.Tensors;

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
        T two = T.CreateChecked(2);
        return (v, mask) =>
        {
            var y = (Tensor<T>)forward(v, mask);
            var yRev = (Tensor<T>)backward(v, mask);
            T[] a = TensorToArray(y), r = b.Forward.ReturnSequences ? FlipTime(yRev) : TensorToArray(yRev);
            nint[] lengths = y.Lengths.ToArray();
            switch (b.Merge)
            {
                case KerasBidirectionalMerge.Concat:
                {
                    int fu = (int)y.Lengths[^1], bu = (int)yRev.Lengths[^1], rows = a.Length / fu;
                    var joined = new T[(long)rows * (fu + bu)];
                    for (int i = 0; i < rows; i++)
                    {
                        a.AsSpan(i * fu, fu).CopyTo(joined.AsSpan(i * (fu + bu)));
                        r.AsSpan(i * bu, bu).CopyTo(joined.AsSpan(i * (fu + bu) + fu));
                    }
                    lengths[^1] = fu + bu;
                    return Tensor.Create(joined, lengths);
                }
                case KerasBidirectionalMerge.Sum:
                    TensorPrimitives.Add(a, r, a);
                    break;
                case KerasBidirectionalMerge.Mul:
                    TensorPrimitives.Multiply(a, r, a);
                    break;
                default:
                    TensorPrimitives.Add(a, r, a);
                    TensorPrimitives.Divide(a, two, a);   // Keras's (y + y_rev) / 2
                    break;
            }
            return Tensor.Create(a, lengths);
        };
    }

    /// <summary>A (batch, time, units) tensor's elements with the time axis reversed (Keras's <c>ops.flip(y, axis=1)</c>).</summary>
    private static T[] FlipTime(Tensor<T> x)
    {
        T[] data = TensorToArray(x);
        int batch = (int)x.Lengths[0], steps = (int)x.Lengths[1], units = (int)x.Lengths[2];
        var flipped = new T[data.Length];
        for (int n = 0; n < batch; n++)
            for (int s = 0; s < steps; s++)
                data.AsSpan((n * steps + s) * units, units).CopyTo(flipped.AsSpan((n * steps + steps - 1 - s) * units));
        return flipped;
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
