namespace CrossBackend.Keras;

/// <summary>
/// The 1-D depthwise, separable and transposed convolutions as their 2-D layers over (N, 1, L, C) with a (1, k)
/// window — what TensorFlow itself runs (tf.keras 2 expands the input and kernels to 2-D in separable_conv1d.py and
/// depthwise_conv1d.py; Keras 3's TF backend depthwise_conv / separable_conv expand 1-D inputs, and its conv_transpose
/// uses the same per-axis output length), as the 1-D pooling layers reuse the 2-D pools. The kernels only gain a
/// leading length-1 axis; their elements stay in place. The steps go on the width axis (not the height, as the 1-D
/// pools do) because libtorch 2.10's CPU float32 conv_transpose2d gives wrong numbers for a batch of more than one
/// with a (k, 1) kernel on (N, C, L, 1) (measured: errors of order 1 against float64, also for some square kernels),
/// while (1, k) on (N, C, 1, L) agrees with float64 and with conv_transpose1d. A causal SeparableConv1D becomes a "valid" layer after the caller pads
/// <see cref="CausalPad"/> zero steps on the left, as tf.keras 2 pads before its "valid" call.
/// </summary>
internal static class KerasConv1DLayers
{
    /// <summary>Whether <paramref name="layer"/> is one of the 1-D forms this class maps.</summary>
    public static bool IsOneDimensional(KerasLayer layer) => layer.Spec is DepthwiseConv2DSpec { Rank: 1 } or Conv2DTransposeSpec { Rank: 1 };

    /// <summary>The zero steps a causal layer takes on the left ((k − 1)·dilation), 0 otherwise.</summary>
    public static int CausalPad(KerasLayer layer) =>
        layer.Spec is DepthwiseConv2DSpec { Padding: KerasPadding.Causal } d ? (d.KernelSize[0] - 1) * d.Dilation[0] : 0;

    /// <summary>The 2-D layer over (1, L + causal pad, C) with the weights reshaped; same name and class for messages.</summary>
    public static KerasLayer As2D(KerasLayer layer)
    {
        long[] input = layer.InputShapes[0];
        int pad = CausalPad(layer);
        long[] image = [1, input[0] < 0 ? -1 : input[0] + pad, input[1]];
        long[] output = [1, layer.OutputShape[0], layer.OutputShape[1]];
        LayerSpec spec = layer.Spec switch
        {
            DepthwiseConv2DSpec d => d with
            {
                Rank = 2, KernelSize = [1, d.KernelSize[0]], Strides = [1, d.Strides[0]], Dilation = [1, d.Dilation[0]],
                Padding = d.Padding == KerasPadding.Causal ? KerasPadding.Valid : d.Padding,
            },
            Conv2DTransposeSpec t => t with { Rank = 2, KernelSize = [1, t.KernelSize[0]], Strides = [1, t.Strides[0]] },
            _ => throw new ArgumentException($"layer `{layer.Name}` ({layer.ClassName}) is not a 1-D depthwise, separable or transposed convolution", nameof(layer)),
        };
        // Depthwise (k, in, m) → (1, k, in, m); pointwise (1, in·m, f) → (1, 1, in·m, f); transposed (k, out, in) → (1, k, out, in).
        KerasWeight[] weights = layer.Weights.Select(w => w.Shape.Length == 3 ? new KerasWeight(w.Name, [1, .. w.Shape], w.Data) : w).ToArray();
        return new KerasLayer(layer.Name, layer.ClassName, spec, layer.Inbound, [image], output, weights, layer.MaskRole, layer.OutputMasked);
    }
}
