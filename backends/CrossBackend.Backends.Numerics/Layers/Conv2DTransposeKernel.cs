using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>
/// Channels-last transposed convolution (TensorFlow's <c>conv2d_transpose</c>: the adjoint of <c>conv2d</c> with the
/// same kernel (kh, kw, out, in), strides and padding). Each input cell (i, j) adds kernel[a, b] · x[i, j] to output
/// cell (i·sh − top + a, j·sw − left + b); cells outside the output are dropped. Computed by gathering, per output
/// row, the input cells that reach it, so rows run in parallel without shared writes.
/// </summary>
internal static class Conv2DTransposeKernel
{
    /// <summary>A 2-D transposed convolution.</summary>
    /// <param name="input">(N, H, W, C).</param>
    /// <param name="kernel">(kh, kw, F, C): Keras's <c>Conv2DTranspose</c> kernel, output channels before input channels.</param>
    /// <param name="bias">(F) or null.</param>
    /// <param name="strides">Strides (height, width).</param>
    /// <param name="output">The output's (height, width).</param>
    /// <param name="padBefore">Cells cut from the start of the full (padding-free) result on each axis: the "before" pad
    /// of the convolution this is the adjoint of.</param>
    /// <param name="activation">A fused activation, applied to each finished output row (whole channel vectors).</param>
    public static Tensor<T> Conv2DTranspose<T>(Tensor<T> input, Tensor<T> kernel, Tensor<T>? bias, (int H, int W) strides, (int H, int W) output,
        (int Top, int Left) padBefore, SpanAction<T>? activation = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        LayerChecks.Rank(input, 4, nameof(input), "(batch, height, width, channels)");
        LayerChecks.Rank(kernel, 4, nameof(kernel), "(kh, kw, out, in)");
        LayerChecks.Positive(strides.H, "strides.H");
        LayerChecks.Positive(strides.W, "strides.W");
        if (output.H < 0 || output.W < 0 || padBefore.Top < 0 || padBefore.Left < 0)
            throw new ArgumentOutOfRangeException(nameof(output), "Arguments `output` and `padBefore` must not be negative.");
        int n = (int)input.Lengths[0], h = (int)input.Lengths[1], w = (int)input.Lengths[2], c = (int)input.Lengths[3];
        int kh = (int)kernel.Lengths[0], kw = (int)kernel.Lengths[1], f = (int)kernel.Lengths[2];
        if (kernel.Lengths[3] != c)
            throw new ArgumentException(
                $"Argument `kernel` must have shape (kh, kw, F, {c}) for an input with {c} channels. Received: kernel.shape={TensorInfo.FormatShape(LayerChecks.Shape(kernel))}", nameof(kernel));
        T[] biasValues = bias is null ? [] : TensorData.ToArray(bias);
        if (bias is not null) LayerChecks.Length<T>(biasValues, f, nameof(bias));
        T[] x = TensorData.ToArray(input);
        // (kh, kw, F, C) → (kh, kw, C, F): each input channel's F weights contiguous, for one multiply-add per channel.
        T[] k = DensePermute<T>.Permute(TensorData.Read(kernel), [kh, kw, f, c], [0, 1, 3, 2]);
        int oh = output.H, ow = output.W;
        var result = new T[(long)n * oh * ow * f];
        LayerChecks.ForRanges(n * oh, Math.Max(1, (1 << 15) / Math.Max(1, ow * f * kh * kw * c / 16 + 1)), (first, end) =>
        {
            for (int row = first; row < end; row++)
            {
                int image = row / oh, y = row % oh;
                Span<T> outRow = result.AsSpan(row * ow * f, ow * f);
                for (int a = 0; a < kh; a++)
                {
                    int t = y + padBefore.Top - a;
                    if (t < 0 || t % strides.H != 0 || t / strides.H >= h) continue;
                    int i = t / strides.H;
                    for (int o = 0; o < ow; o++)
                    {
                        Span<T> cell = outRow.Slice(o * f, f);
                        for (int b = 0; b < kw; b++)
                        {
                            int u = o + padBefore.Left - b;
                            if (u < 0 || u % strides.W != 0 || u / strides.W >= w) continue;
                            int j = u / strides.W;
                            ReadOnlySpan<T> source = x.AsSpan(((image * h + i) * w + j) * c, c);
                            ReadOnlySpan<T> taps = k.AsSpan((a * kw + b) * c * f, c * f);
                            for (int ch = 0; ch < c; ch++)
                                TensorPrimitives.MultiplyAdd(taps.Slice(ch * f, f), source[ch], cell, cell);
                        }
                    }
                }
                if (biasValues.Length > 0)
                    for (int o = 0; o < ow; o++) TensorPrimitives.Add(outRow.Slice(o * f, f), biasValues, outRow.Slice(o * f, f));
                activation?.Invoke(outRow);
            }
        });
        return LayerChecks.Create(result, n, oh, ow, f);
    }
}
