using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics.Layers;

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
            case ResizingSpec r:
                return v => Resize(Float(v[0], name), r);
            default:
                return null;
        }
    }

    /// <summary>Resizing: the aspect-ratio window first (when asked), then TensorFlow's half-pixel bilinear or nearest
    /// resize to the target size.</summary>
    private static Tensor<T> Resize(Tensor<T> x, ResizingSpec r)
    {
        if (r.CropToAspectRatio)
        {
            int height = (int)x.Lengths[1], width = (int)x.Lengths[2];
            (int top, int cropHeight, int left, int cropWidth) = KerasPreprocessing.AspectCrop(height, width, r.Height, r.Width);
            x = ShapeKernels.Crop(x, [top, left], [height - top - cropHeight, width - left - cropWidth]);
        }
        if (!r.Nearest) return ResizeBilinearTo(x, r.Height, r.Width);
        int batch = (int)x.Lengths[0], inHeight = (int)x.Lengths[1], inWidth = (int)x.Lengths[2], channels = (int)x.Lengths[3];
        int[] rows = KerasPreprocessing.NearestIndices(inHeight, r.Height), columns = KerasPreprocessing.NearestIndices(inWidth, r.Width);
        T[] input = TensorToArray(x);
        var output = new T[(long)batch * r.Height * r.Width * channels];
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < r.Height; oy++)
                for (int ox = 0; ox < r.Width; ox++)
                    input.AsSpan(((b * inHeight + rows[oy]) * inWidth + columns[ox]) * channels, channels)
                        .CopyTo(output.AsSpan(((b * r.Height + oy) * r.Width + ox) * channels, channels));
        return Tensor.Create(output, [batch, r.Height, r.Width, channels]);
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
