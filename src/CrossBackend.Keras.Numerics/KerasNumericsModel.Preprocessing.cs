using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Numerics;

public sealed partial class KerasNumericsModel<T>
{
    /// <summary>The preprocessing layers and the identity-at-inference layers (see <see cref="KerasPreprocessing"/>);
    /// null for any other layer.</summary>
    private static Func<object[], object>? Preprocessing(KerasLayer layer)
    {
        string name = layer.Name;
        NumericsOps<T> ops = NumericsOps<T>.Instance;
        switch (layer.Spec)
        {
            case RescalingSpec r:
            {
                // Keras: cast(x) * cast(scale) + cast(offset) in the compute dtype, a product then a sum.
                (long[] shape, double[] s, double[] o) = KerasPreprocessing.Rescaling(r, layer.InputShapes[0]);
                Tensor<T> scale = Constant(s, shape), offset = Constant(o, shape);
                return v => ops.Binary(BinaryOp.Add, ops.Binary(BinaryOp.Multiply, Float(v[0], name), scale), offset);
            }
            case NormalizationSpec n:
            {
                // Mean and variance cast to the compute dtype, then max(sqrt(variance), backend.epsilon() = 1e-7).
                (long[] shape, double[] m, double[] variance) = KerasPreprocessing.Statistics(layer);
                T[] deviation = Array.ConvertAll(variance, v => T.CreateChecked(v));
                T epsilon = T.CreateChecked(1e-7);
                for (int i = 0; i < deviation.Length; i++) deviation[i] = T.Max(T.Sqrt(deviation[i]), epsilon);
                Tensor<T> mean = Constant(m, shape), denominator = Tensor.Create(deviation, Lengths(shape));
                return n.Invert
                    ? v => ops.Binary(BinaryOp.Add, mean, ops.Binary(BinaryOp.Multiply, Float(v[0], name), denominator))
                    : v => ops.Binary(BinaryOp.Divide, ops.Binary(BinaryOp.Subtract, Float(v[0], name), mean), denominator);
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

    /// <summary>A layer's constants in <typeparamref name="T"/> (rounded once, as Keras casts them to the compute dtype),
    /// shaped as Keras broadcasts them against an item (batch excluded: the engine's <c>Binary</c> lines them up with
    /// the input's last axes, NumPy's rule).</summary>
    private static Tensor<T> Constant(double[] values, long[] shape) =>
        Tensor.Create(Array.ConvertAll(values, v => T.CreateChecked(v)), Lengths(shape));

    /// <summary>A constant's lengths; a scalar constant (the item of a rank-1 input) is one cell.</summary>
    private static nint[] Lengths(long[] shape) => shape.Length == 0 ? [1] : Array.ConvertAll(shape, n => (nint)n);
}
