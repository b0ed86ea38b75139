using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Numerics;

/// <summary>
/// <c>Conv3DTranspose</c> over (N, D, H, W, C) built from the 2-D transposed convolution, as <c>Conv3D</c> is built from
/// the 2-D convolution (<see cref="Conv3D"/>): TensorFlow's <c>conv3d_transpose</c> (keras/src/backend/tensorflow/nn.py
/// <c>conv_transpose</c>; tf.keras 2's conv3d_transpose.py) with Keras's output lengths (<c>deconv_output_length</c>,
/// output_padding None) and the "same" result cut from the before-pad of the Conv3D it is the adjoint of.
/// </summary>
public sealed partial class KerasNumericsModel<T>
{
    /// <summary>
    /// Output depth o receives input depth i through depth tap a when o + front = i·s_d + a (front: the "same" Conv3D's
    /// before-pad for an input of the output's depth, 0 for "valid"). For each o the k_d input slices that reach it
    /// (one per tap, zeros where no input depth does) go side by side along the channels (tap a's channels at a·C + c),
    /// so one 2-D transposed convolution over (N·out_depth, H, W, k_d·C) with the kernel (kd, kh, kw, F, C) rearranged
    /// once to (kh, kw, F, kd·C) computes the whole layer — the height and width cut, bias and activation included.
    /// </summary>
    private static Func<object[], object> Conv3DTranspose(KerasLayer layer, Conv2DTransposeSpec t)
    {
        string name = layer.Name;
        Tensor<T> stored = Weight(layer.Weights[0]);
        int kd = t.KernelSize[0], kh = t.KernelSize[1], kw = t.KernelSize[2], f = t.Filters, c = (int)stored.Lengths[4];
        T[] keras = TensorToArray(stored);
        var stacked = new T[keras.Length];
        for (int a = 0; a < kd; a++)
            for (int b = 0; b < kh; b++)
                for (int e = 0; e < kw; e++)
                    for (int o = 0; o < f; o++)
                        keras.AsSpan((((a * kh + b) * kw + e) * f + o) * c, c).CopyTo(stacked.AsSpan((((b * kw + e) * f + o) * kd + a) * c));
        Tensor<T> kernel = Tensor.Create(stacked, [kh, kw, f, kd * c]);
        Tensor<T>? bias = t.UseBias ? Weight(layer.Weights[1]) : null;
        SpanAction<T>? act = Activation(t.Activation, f);
        return v =>
        {
            Tensor<T> x = Float(v[0], name);
            int n = (int)x.Lengths[0];
            int[] output = Enumerable.Range(0, 3).Select(d => (int)ShapeInference.TransposeOutputLength(x.Lengths[1 + d], t.KernelSize[d], t.Strides[d], t.Padding)).ToArray();
            int front = TransposePadBefore(output[0], kd, t.Strides[0], t.Padding);
            Tensor<T> slices = TransposeDepthSlices(x, kd, t.Strides[0], front, output[0]);
            Tensor<T> y = Conv2DTransposeKernel.Conv2DTranspose(slices, kernel, bias, (t.Strides[1], t.Strides[2]), (output[1], output[2]),
                (TransposePadBefore(output[1], kh, t.Strides[1], t.Padding), TransposePadBefore(output[2], kw, t.Strides[2], t.Padding)), act);
            return Reshape(y, [n, output[0], output[1], output[2], f]);
        };
    }

    /// <summary>(N, D, H, W, C) → (N·out_depth, H, W, k·C): for output depth o and tap a, the input depth slice i with
    /// i·stride = o + front − a at channels a·C … a·C + C − 1 (zeros when no such i lies in the input).</summary>
    private static Tensor<T> TransposeDepthSlices(Tensor<T> x, int k, int stride, int front, int outDepth)
    {
        int n = (int)x.Lengths[0], depth = (int)x.Lengths[1], plane = (int)(x.Lengths[2] * x.Lengths[3]), channels = (int)x.Lengths[4];
        int width = k * channels;
        T[] source = TensorToArray(x);
        var result = new T[(long)n * outDepth * plane * width];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < outDepth; o++)
                for (int a = 0; a < k; a++)
                {
                    int z = o + front - a;
                    if (z < 0 || z % stride != 0 || z / stride >= depth) continue;   // no input depth reaches o through tap a
                    int i = z / stride;
                    for (int p = 0; p < plane; p++)
                        source.AsSpan(((b * depth + i) * plane + p) * channels, channels)
                            .CopyTo(result.AsSpan(((b * outDepth + o) * plane + p) * width + a * channels, channels));
                }
        return Tensor.Create(result, [n * outDepth, x.Lengths[2], x.Lengths[3], width]);
    }
}
