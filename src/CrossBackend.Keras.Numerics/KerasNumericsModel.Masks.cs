using System.Numerics.Tensors;

namespace CrossBackend.Keras.Numerics;

public sealed partial class KerasNumericsModel<T>
{
    /// <summary>A layer's computation given its inputs and the mask that reaches it: the layers that use Keras's mask
    /// (LSTM / GRU / SimpleRNN, Bidirectional, GlobalAveragePooling1D) read it; every other layer computes as without one (Masking makes its own).</summary>
    private static Func<object[], bool[]?, object> CompileMasked(KerasLayer layer)
    {
        switch (layer.Spec)
        {
            case RecurrentSpec r:
                return Recurrent(layer, r);
            case BidirectionalSpec b:
                return Bidirectional(layer, b);
            case GlobalPoolingSpec g when layer.MaskRole == KerasMaskRole.MaskedAverage:
            {
                Func<object[], object> plain = Compile(layer);
                return (v, mask) => mask is null ? plain(v) : MaskedAverage(Float(v[0], layer.Name), mask, g.KeepDims);
            }
            default:
            {
                Func<object[], object> run = Compile(layer);
                return (v, _) => run(v);
            }
        }
    }

    /// <summary>The mask a layer's output carries (<see cref="KerasMaskRole"/>): Embedding(mask_zero) ids ≠ 0, Masking's
    /// step mask, the incoming mask for layers that pass it on, none otherwise.</summary>
    private static Func<object[], bool[]?, bool[]?> MaskOf(KerasLayer layer) => layer.Spec switch
    {
        EmbeddingSpec { MaskZero: true } => (v, _) => Array.ConvertAll(TensorToArrayOf(Indices(v[0], layer.Name)), id => id != 0),
        MaskingSpec m => (v, _) =>
        {
            Tensor<T> x = Float(v[0], layer.Name);
            return StepMask(TensorToArray(x), (int)x.Lengths[^1], T.CreateChecked(m.MaskValue));
        },
        _ when layer.OutputMasked => (_, mask) => mask,
        _ => (_, _) => null,
    };

    /// <summary>Keras's Masking mask: a step (every axis but the last) is kept when any of its features differs from
    /// the mask value (<c>any(not_equal(x, mask_value), axis=-1)</c>; a NaN feature differs).</summary>
    private static bool[] StepMask(T[] x, int features, T value)
    {
        var mask = new bool[features == 0 ? 0 : x.Length / features];
        for (int s = 0; s < mask.Length; s++)
            for (int f = 0; f < features && !mask[s]; f++) mask[s] = x[s * features + f] != value;
        return mask;
    }

    /// <summary>Masking's output: x · cast(mask) (a masked step becomes zeros; a product, as Keras computes it).</summary>
    private static Tensor<T> Masking(Tensor<T> x, T value)
    {
        T[] data = TensorToArray(x);
        int features = (int)x.Lengths[^1];
        bool[] mask = StepMask(data, features, value);
        for (int s = 0; s < mask.Length; s++)
        {
            T keep = mask[s] ? T.One : T.Zero;
            for (int f = 0; f < features; f++) data[s * features + f] *= keep;
        }
        return Tensor.Create(data, x.Lengths);
    }

    /// <summary>GlobalAveragePooling1D with a mask (Keras 3 global_average_pooling1d.py; tf.keras 2 the same numbers):
    /// the sum over unmasked steps divided by their count — a division, so a row with every step masked gives 0/0 = NaN,
    /// as Keras does (no guard there).</summary>
    private static Tensor<T> MaskedAverage(Tensor<T> x, bool[] mask, bool keepDims)
    {
        int batch = (int)x.Lengths[0], steps = (int)x.Lengths[1], features = (int)x.Lengths[2];
        T[] data = TensorToArray(x);
        var output = new T[batch * features];
        for (int b = 0; b < batch; b++)
        {
            T count = T.Zero;
            Span<T> sum = output.AsSpan(b * features, features);
            for (int t = 0; t < steps; t++)
            {
                if (!mask[b * steps + t]) continue;
                count += T.One;
                TensorPrimitives.Add(sum, data.AsSpan((b * steps + t) * features, features), sum);
            }
            TensorPrimitives.Divide(sum, count, sum);
        }
        return keepDims ? Tensor.Create(output, [batch, 1, features]) : Tensor.Create(output, [batch, features]);
    }
}
