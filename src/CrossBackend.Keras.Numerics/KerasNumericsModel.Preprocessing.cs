using System.Numerics.Tensors;

namespace CrossBackend.Keras.Numerics;

public sealed partial class KerasNumericsModel<T>
{
    /// <summary>The preprocessing layers and the identity-at-inference layers (see <see cref="KerasPreprocessing"/>);
    /// null for any other layer.</summary>
    private static Func<object[], object>? Preprocessing(KerasLayer layer)
    {
        string name = layer.Name;
        switch (layer.Spec)
        {
            case RescalingSpec r:
            {
                // Keras: cast(x) * cast(scale) + cast(offset) in the compute dtype, a product then a sum.
                (long[] shape, double[] s, double[] o) = KerasPreprocessing.Rescaling(r, layer.InputShapes[0]);
                T[] scale = Cast(s), offset = Cast(o);
                return v => Broadcast(Float(v[0], name), shape, (x, k) => x * scale[k] + offset[k]);
            }
            case NormalizationSpec n:
            {
                // Mean and variance cast to the compute dtype, then max(sqrt(variance), backend.epsilon() = 1e-7).
                (long[] shape, double[] m, double[] variance) = KerasPreprocessing.Statistics(layer);
                T[] mean = Cast(m), denominator = Cast(variance);
                T epsilon = T.CreateChecked(1e-7);
                for (int i = 0; i < denominator.Length; i++) denominator[i] = T.Max(T.Sqrt(denominator[i]), epsilon);
                return n.Invert
                    ? v => Broadcast(Float(v[0], name), shape, (x, k) => mean[k] + x * denominator[k])
                    : v => Broadcast(Float(v[0], name), shape, (x, k) => (x - mean[k]) / denominator[k]);
            }
            case CenterCropSpec:
                return Compile(KerasPreprocessing.AsCropping(layer));
            case IdentitySpec:
                return v => v[0];
            default:
                return null;
        }
    }

    private static T[] Cast(double[] values) => Array.ConvertAll(values, v => T.CreateChecked(v));

    /// <summary>f(x, k) per element, k the element's index in a constant of Keras's broadcast <paramref name="shape"/>
    /// (batch excluded; each axis 1 or the input's length), as NumPy broadcasting reads it.</summary>
    private static Tensor<T> Broadcast(Tensor<T> x, long[] shape, Func<T, int, T> f)
    {
        T[] data = TensorToArray(x);
        int rank = x.Rank - 1;
        long item = 1;
        for (int d = 1; d < x.Rank; d++) item *= x.Lengths[d];
        // The constant's index of each cell of one item (row-major over the non-batch axes); the constant's rank is
        // the input's (a rank-0 item reads the one value).
        var index = new int[item];
        for (long j = 0; j < item; j++)
        {
            long rest = j, k = 0, stride = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                long length = x.Lengths[d + 1], coordinate = rest % length;
                rest /= length;
                if (shape[d] > 1) k += coordinate * stride;
                stride *= shape[d];
            }
            index[j] = (int)k;
        }
        for (int i = 0; i < data.Length; i++) data[i] = f(data[i], index[i % item]);
        return Tensor.Create(data, x.Lengths);
    }
}
