using System.Numerics.Tensors;

namespace CrossBackend.Keras.Numerics;

public sealed partial class KerasNumericsModel<T>
{
    /// <summary>UpSampling2D(interpolation="bilinear") on NHWC: TensorFlow's ResizeBilinear with half-pixel centres
    /// (tensorflow/core/kernels/image/resize_bilinear_op.cc, which tf.image.resize runs for Keras 3 and tf.keras 2.4+;
    /// <see cref="KerasUpSampling.Bilinear"/>), in <typeparamref name="T"/>: per axis the scale n / (n·s), the input
    /// position p = (o + ½)·scale − ½, the cells ⌊p⌋ and ⌈p⌉ clamped to [0, n − 1], the weight p − ⌊p⌋; each output
    /// interpolates along the columns, then the rows: top + (bottom − top)·y, as the kernel's compute_lerp.</summary>
    private static Tensor<T> ResizeBilinear(Tensor<T> x, int rows, int columns) =>
        ResizeBilinearTo(x, (int)x.Lengths[1] * rows, (int)x.Lengths[2] * columns);

    /// <summary>The same resize to any <paramref name="outHeight"/> × <paramref name="outWidth"/> (Keras's Resizing; the
    /// kernel's scale is in / out per axis, down-scaling too, without antialiasing).</summary>
    private static Tensor<T> ResizeBilinearTo(Tensor<T> x, int outHeight, int outWidth)
    {
        int batch = (int)x.Lengths[0], height = (int)x.Lengths[1], width = (int)x.Lengths[2], channels = (int)x.Lengths[3];
        T[] input = TensorToArray(x);
        var output = new T[(long)batch * outHeight * outWidth * channels];
        (int Lower, int Upper, T Lerp)[] ys = Weights(height, outHeight), xs = Weights(width, outWidth);
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < outHeight; oy++)
            {
                (int top, int bottom, T yLerp) = ys[oy];
                for (int ox = 0; ox < outWidth; ox++)
                {
                    (int left, int right, T xLerp) = xs[ox];
                    ReadOnlySpan<T> tl = input.AsSpan((((b * height) + top) * width + left) * channels, channels);
                    ReadOnlySpan<T> tr = input.AsSpan((((b * height) + top) * width + right) * channels, channels);
                    ReadOnlySpan<T> bl = input.AsSpan((((b * height) + bottom) * width + left) * channels, channels);
                    ReadOnlySpan<T> br = input.AsSpan((((b * height) + bottom) * width + right) * channels, channels);
                    Span<T> o = output.AsSpan((int)((((long)b * outHeight + oy) * outWidth + ox) * channels), channels);
                    for (int c = 0; c < channels; c++)
                    {
                        T upper = tl[c] + (tr[c] - tl[c]) * xLerp;
                        T lower = bl[c] + (br[c] - bl[c]) * xLerp;
                        o[c] = upper + (lower - upper) * yLerp;
                    }
                }
            }
        return Tensor.Create(output, [batch, outHeight, outWidth, channels]);
    }

    /// <summary>The kernel's compute_interpolation_weights with its HalfPixelScaler, for one axis.</summary>
    private static (int Lower, int Upper, T Lerp)[] Weights(int inSize, int outSize)
    {
        T scale = T.CreateChecked(inSize) / T.CreateChecked(outSize);
        T half = T.CreateChecked(0.5);
        var weights = new (int, int, T)[outSize];
        for (int o = 0; o < outSize; o++)
        {
            T position = (T.CreateChecked(o) + half) * scale - half;
            T floor = T.Floor(position);
            weights[o] = (Math.Max(int.CreateChecked(floor), 0), Math.Min(int.CreateChecked(T.Ceiling(position)), inSize - 1), position - floor);
        }
        return weights;
    }
}
