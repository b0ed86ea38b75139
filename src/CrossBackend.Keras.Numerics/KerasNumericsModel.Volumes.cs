using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Numerics;

/// <summary>
/// The 3-D layers over (N, D, H, W, C), built from the 2-D kernels: <c>Conv3D</c> as one 2-D convolution over
/// depth-stacked channels, the 3-D pools as a 2-D pool over (height, width) followed by one over depth, the global
/// pools and the zero padding over merged axes. Each keeps TensorFlow's numbers: "same" pads split with the odd cell at
/// the end per axis (keras/src/backend/tensorflow/nn.py passes "SAME" to tf.nn.convolution, max_pool and avg_pool for
/// every rank), windows clipped to the real cells.
/// </summary>
public sealed partial class KerasNumericsModel<T>
{
    /// <summary>
    /// <c>Conv3D</c> (keras/src/layers/convolutional/conv3d.py, tf.nn.convolution on NDHWC): output depth o reads input
    /// depths o·s_d − pad_front + i·dil_d, i &lt; k_d. Those k_d slices are gathered side by side along the channels
    /// (each group's slices together: channel g·k_d·cg + i·cg + c), so one 2-D convolution over (N·out_depth, H, W,
    /// k_d·C) with the kernel (kd, kh, kw, cg, F) rearranged once to (kh, kw, kd·cg, F) computes the whole layer —
    /// the 2-D im2col, blocked product, bias, activation and parallel rows as they are; slices past the input's depth
    /// (the "same" pads) are zeros.
    /// </summary>
    private static Func<object[], object> Conv3D(KerasLayer layer, ConvSpec c)
    {
        string name = layer.Name;
        Tensor<T> stored = Weight(layer.Weights[0]);
        int kd = c.KernelSize[0], kh = c.KernelSize[1], kw = c.KernelSize[2], cg = (int)stored.Lengths[3], f = c.Filters;
        T[] keras = TensorToArray(stored);
        var stacked = new T[keras.Length];
        int block = cg * f;   // one tap's (cg, F) matrix, moved whole
        for (int i = 0; i < kd; i++)
            for (int a = 0; a < kh; a++)
                for (int b = 0; b < kw; b++)
                    keras.AsSpan(((i * kh + a) * kw + b) * block, block).CopyTo(stacked.AsSpan(((a * kw + b) * kd + i) * block));
        Tensor<T> kernel = Tensor.Create(stacked, [kh, kw, kd * cg, f]);
        Tensor<T>? bias = c.UseBias ? Weight(layer.Weights[1]) : null;
        SpanAction<T>? act = Activation(c.Activation, f);
        (int H, int W) strides = (c.Strides[1], c.Strides[2]), dilation = (c.Dilation[1], c.Dilation[2]);
        return v =>
        {
            Tensor<T> x = Float(v[0], name);
            KerasWindow.EnsureFits(layer, Spatial(x, 3));
            int n = (int)x.Lengths[0], depth = (int)x.Lengths[1], h = (int)x.Lengths[2], w = (int)x.Lengths[3];
            int front = c.Padding == KerasPadding.Same ? Padding2D.SameAxis(depth, kd, c.Strides[0], c.Dilation[0]).Before : 0;
            int outDepth = (int)ShapeInference.OutputLength(depth, kd, c.Strides[0], c.Dilation[0], c.Padding);
            Tensor<T> slices = DepthSlices(x, kd, c.Strides[0], c.Dilation[0], front, outDepth, c.Groups);
            Padding2D padding = WindowPadding(slices, c.Padding, [kh, kw], [strides.H, strides.W], [dilation.H, dilation.W]);
            Tensor<T> y = Conv2DKernel.Conv2D(slices, kernel, bias, strides, padding, dilation, c.Groups, act);
            return Reshape(y, [n, outDepth, y.Lengths[1], y.Lengths[2], y.Lengths[3]]);
        };
    }

    /// <summary>(N, D, H, W, C) → (N·out_depth, H, W, k·C): for output depth o, the input depth slices
    /// o·stride − front + i·dilation (i &lt; k, zeros outside the input) side by side along the channels, each group's
    /// together (channel g·k·cg + i·cg + c for input channel g·cg + c).</summary>
    private static Tensor<T> DepthSlices(Tensor<T> x, int k, int stride, int dilation, int front, int outDepth, int groups)
    {
        int n = (int)x.Lengths[0], depth = (int)x.Lengths[1], plane = (int)(x.Lengths[2] * x.Lengths[3]), channels = (int)x.Lengths[4];
        int cg = channels / groups, width = k * channels;
        T[] source = TensorToArray(x);
        var result = new T[(long)n * outDepth * plane * width];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < outDepth; o++)
                for (int i = 0; i < k; i++)
                {
                    int z = o * stride - front + i * dilation;
                    if (z < 0 || z >= depth) continue;   // a "same" pad: the slice stays zeros
                    for (int p = 0; p < plane; p++)
                    {
                        ReadOnlySpan<T> cell = source.AsSpan(((b * depth + z) * plane + p) * channels, channels);
                        Span<T> row = result.AsSpan(((b * outDepth + o) * plane + p) * width, width);
                        for (int g = 0; g < groups; g++) cell.Slice(g * cg, cg).CopyTo(row.Slice(g * k * cg + i * cg, cg));
                    }
                }
        return Tensor.Create(result, [n * outDepth, x.Lengths[2], x.Lengths[3], width]);
    }

    /// <summary><c>MaxPooling3D</c> / <c>AveragePooling3D</c> (tf.nn.max_pool3d / avg_pool3d): the 2-D pool over
    /// (height, width) of every depth slice, then a (k_d, 1) pool over (depth, height·width). A clipped 3-D window is a
    /// box, so its maximum is the maximum of its slices' maxima and its mean over the real cells the mean of its
    /// slices' means (every slice of a box has the same real cells) — TensorFlow's numbers, the "same" pads of each
    /// axis as TensorFlow splits them.</summary>
    private static Func<object[], object> Pool3D(KerasLayer layer, PoolingSpec p)
    {
        string name = layer.Name;
        bool max = p.Kind == KerasPoolingKind.Max;
        (int H, int W) window = (p.PoolSize[1], p.PoolSize[2]), strides = (p.Strides[1], p.Strides[2]);
        return v =>
        {
            Tensor<T> x = Float(v[0], name);
            KerasWindow.EnsureFits(layer, Spatial(x, 3));
            int n = (int)x.Lengths[0], depth = (int)x.Lengths[1], h = (int)x.Lengths[2], w = (int)x.Lengths[3], channels = (int)x.Lengths[4];
            Padding2D plane = p.Padding == KerasPadding.Same ? Padding2D.Same(h, w, window, strides) : Padding2D.None;
            Tensor<T> pooled = Pool(Reshape(x, [n * depth, h, w, channels]), window, strides, plane, max);
            nint oh = pooled.Lengths[1], ow = pooled.Lengths[2];
            (int front, int back) = p.Padding == KerasPadding.Same ? Padding2D.SameAxis(depth, p.PoolSize[0], p.Strides[0]) : (0, 0);
            Tensor<T> y = Pool(Reshape(pooled, [n, depth, oh * ow, channels]), (p.PoolSize[0], 1), (p.Strides[0], 1), new Padding2D(front, back, 0, 0), max);
            return Reshape(y, [n, y.Lengths[1], oh, ow, channels]);
        };
    }

    private static Tensor<T> Pool(Tensor<T> image, (int H, int W) window, (int H, int W) strides, Padding2D padding, bool max) =>
        max ? Pool2DKernel.MaxPool2D(image, window, strides, padding) : Pool2DKernel.AvgPool2D(image, window, strides, padding);

    /// <summary><c>GlobalAveragePooling3D</c> / <c>GlobalMaxPooling3D</c>: the 2-D global pool of (N, D·H, W, C), the
    /// same cells; keepdims gives Keras's (N, 1, 1, 1, C).</summary>
    private static Func<object[], object> GlobalPool3D(KerasLayer layer, GlobalPoolingSpec g) => v =>
    {
        Tensor<T> x = Float(v[0], layer.Name);
        Tensor<T> image = Reshape(x, [x.Lengths[0], x.Lengths[1] * x.Lengths[2], x.Lengths[3], x.Lengths[4]]);
        Tensor<T> y = g.Kind == KerasPoolingKind.Max ? Pool2DKernel.GlobalMaxPool2D(image) : Pool2DKernel.GlobalAvgPool2D(image);
        return g.KeepDims ? Reshape(y, [y.Lengths[0], 1, 1, 1, y.Lengths[1]]) : y;
    };

    /// <summary><c>ZeroPadding3D</c>: the 2-D zero padding of every depth slice, then of (N, D, H'·W', C) along the depth.</summary>
    private static Func<object[], object> ZeroPad3D(KerasLayer layer, ZeroPaddingSpec z) => v =>
    {
        Tensor<T> x = Float(v[0], layer.Name);
        nint n = x.Lengths[0], depth = x.Lengths[1], channels = x.Lengths[4];
        Tensor<T> planes = ShapeKernels.ZeroPad2D(Reshape(x, [n * depth, x.Lengths[2], x.Lengths[3], channels]),
            new Padding2D(z.Before[1], z.After[1], z.Before[2], z.After[2]));
        nint h = planes.Lengths[1], w = planes.Lengths[2];
        Tensor<T> y = ShapeKernels.ZeroPad2D(Reshape(planes, [n, depth, h * w, channels]), new Padding2D(z.Before[0], z.After[0], 0, 0));
        return Reshape(y, [n, y.Lengths[1], h, w, channels]);
    };
}
