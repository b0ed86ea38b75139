using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>
/// Channels-last convolution (TensorFlow's <c>conv2d</c>/<c>conv1d</c> semantics: cross-correlation, NHWC input,
/// kernel (kh, kw, in/groups, out)) as im2col + matrix product: the patches of one output row (of several, when rows
/// are narrow and there are no groups) are gathered into a (width, kh·kw·in) matrix — the kernel's own row order —
/// and multiplied by the kernel seen as (kh·kw·in, out).
/// Output rows run in parallel; padding cells are zeros in the patch matrix.
/// </summary>
internal static class Conv2DKernel
{
    /// <summary>Rows of patches multiplied at once (several output rows when the output is narrow).</summary>
    private const int ProductRows = 64;

    /// <summary>A 2-D convolution.</summary>
    /// <param name="input">(N, H, W, C).</param>
    /// <param name="kernel">(kh, kw, C / groups, F).</param>
    /// <param name="bias">(F) or null.</param>
    /// <param name="strides">Strides (height, width).</param>
    /// <param name="padding">Explicit padding (see <see cref="Padding2D.Same"/> for TensorFlow's "same").</param>
    /// <param name="dilation">Dilation (height, width); (1, 1) when default.</param>
    /// <param name="groups">Channel groups: C and F must be divisible by it.</param>
    /// <param name="activation">A fused activation, applied to each finished output row (whole channel vectors).</param>
    public static Tensor<T> Conv2D<T>(Tensor<T> input, Tensor<T> kernel, Tensor<T>? bias, (int H, int W) strides, Padding2D padding,
        (int H, int W) dilation = default, int groups = 1, SpanAction<T>? activation = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        LayerChecks.Rank(input, 4, nameof(input), "(batch, height, width, channels)");
        LayerChecks.Rank(kernel, 4, nameof(kernel), "(kh, kw, in / groups, out)");
        LayerChecks.Positive(strides.H, "strides.H");
        LayerChecks.Positive(strides.W, "strides.W");
        LayerChecks.Positive(groups, nameof(groups));
        dilation = (Math.Max(1, dilation.H), Math.Max(1, dilation.W));
        if (padding.Top < 0 || padding.Bottom < 0 || padding.Left < 0 || padding.Right < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "Argument `padding` must not be negative.");
        int n = (int)input.Lengths[0], h = (int)input.Lengths[1], w = (int)input.Lengths[2], c = (int)input.Lengths[3];
        int kh = (int)kernel.Lengths[0], kw = (int)kernel.Lengths[1], cg = (int)kernel.Lengths[2], f = (int)kernel.Lengths[3];
        if (c % groups != 0 || f % groups != 0 || cg != c / groups)
            throw new ArgumentException(
                $"Argument `kernel` must have shape (kh, kw, {c / Math.Max(1, groups)}, F) with F divisible by groups={groups} for an input with {c} channels. " +
                $"Received: kernel.shape={TensorInfo.FormatShape(LayerChecks.Shape(kernel))}", nameof(kernel));
        int oh = LayerChecks.OutputLength(h + padding.Top + padding.Bottom, (kh - 1) * dilation.H + 1, strides.H);
        int ow = LayerChecks.OutputLength(w + padding.Left + padding.Right, (kw - 1) * dilation.W + 1, strides.W);
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException(
                $"Argument `input` is smaller than the (dilated, padded) kernel: give at least {(kh - 1) * dilation.H + 1}x{(kw - 1) * dilation.W + 1} cells with the padding. " +
                $"Received: input.shape={TensorInfo.FormatShape(LayerChecks.Shape(input))}, kernel {kh}x{kw}, dilation {dilation.H}x{dilation.W}, padding {padding}", nameof(input));
        T[] biasValues = bias is null ? [] : TensorData.ToArray(bias);
        if (bias is not null) LayerChecks.Length<T>(biasValues, f, nameof(bias));

        T[] x = TensorData.ToArray(input);
        int fg = f / groups, patch = kh * kw * cg;
        // One contiguous (patch, F/groups) matrix per group (groups = 1: the kernel as stored).
        T[][] weights = SplitGroups(TensorData.ToArray(kernel), patch, f, groups);
        var output = new T[(long)n * oh * ow * f];
        var geometry = new Geometry(h, w, c, kh, kw, cg, strides, padding, dilation, ow);
        LayerChecks.ForRanges(n * oh, Math.Max(1, (1 << 17) / Math.Max(1, ow * patch * fg / 16)), (first, end) =>
        {
            // Without groups, the patches of several output rows (contiguous in the output) form one matrix of at
            // least ProductRows rows, so the product is large enough for the blocked kernel (LeNet's 11- and 3-wide
            // rows were products of 11 and 3 rows).
            int rowsAtOnce = groups == 1 ? Math.Max(1, (ProductRows + ow - 1) / ow) : 1;
            T[] patches = ArrayPool<T>.Shared.Rent(rowsAtOnce * ow * patch);
            T[] product = groups == 1 ? [] : ArrayPool<T>.Shared.Rent(ow * fg);
            try
            {
                for (int row = first; row < end; row += rowsAtOnce)
                {
                    int count = Math.Min(rowsAtOnce, end - row);
                    Span<T> outRows = output.AsSpan(checked(row * ow * f), count * ow * f);
                    if (groups == 1)
                    {
                        for (int q = 0; q < count; q++)
                            geometry.Gather(x, (row + q) / oh, (row + q) % oh, 0, patches.AsSpan(q * ow * patch, ow * patch));
                        MatMulKernel.MatMul<T>(patches, patch, weights[0], f, outRows, f, count * ow, patch, f);
                    }
                    else
                        for (int g = 0; g < groups; g++)
                        {
                            geometry.Gather(x, row / oh, row % oh, g, patches);
                            MatMulKernel.MatMul<T>(patches, patch, weights[g], fg, product, fg, ow, patch, fg);
                            for (int o = 0; o < ow; o++) product.AsSpan(o * fg, fg).CopyTo(outRows.Slice(o * f + g * fg, fg));
                        }
                    if (biasValues.Length > 0)
                        for (int o = 0; o < count * ow; o++) TensorPrimitives.Add(outRows.Slice(o * f, f), biasValues, outRows.Slice(o * f, f));
                    for (int q = 0; q < count; q++) activation?.Invoke(outRows.Slice(q * ow * f, ow * f));
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(patches);
                if (product.Length > 0) ArrayPool<T>.Shared.Return(product);
            }
        });
        return LayerChecks.Create(output, n, oh, ow, f);
    }

    /// <summary>A 1-D convolution over (N, L, C) with kernel (k, C / groups, F): the 2-D kernel on a height-1 image.</summary>
    /// <param name="input">(N, L, C).</param>
    /// <param name="kernel">(k, C / groups, F).</param>
    /// <param name="bias">(F) or null.</param>
    /// <param name="stride">The stride.</param>
    /// <param name="padBefore">Zeros before the sequence ("causal": (k − 1)·dilation).</param>
    /// <param name="padAfter">Zeros after the sequence.</param>
    /// <param name="dilation">The dilation.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="activation">A fused activation, applied to whole channel vectors.</param>
    public static Tensor<T> Conv1D<T>(Tensor<T> input, Tensor<T> kernel, Tensor<T>? bias, int stride, int padBefore, int padAfter,
        int dilation = 1, int groups = 1, SpanAction<T>? activation = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        LayerChecks.Rank(input, 3, nameof(input), "(batch, steps, channels)");
        LayerChecks.Rank(kernel, 3, nameof(kernel), "(k, in / groups, out)");
        Tensor<T> image = LayerChecks.Reshape(input, input.Lengths[0], 1, input.Lengths[1], input.Lengths[2]);
        Tensor<T> kernel2 = LayerChecks.Reshape(kernel, 1, kernel.Lengths[0], kernel.Lengths[1], kernel.Lengths[2]);
        Tensor<T> result = Conv2D(image, kernel2, bias, (1, stride), new Padding2D(0, 0, padBefore, padAfter), (1, dilation), groups, activation);
        return LayerChecks.Reshape(result, result.Lengths[0], result.Lengths[2], result.Lengths[3]);
    }

    private static T[][] SplitGroups<T>(T[] kernel, int patch, int f, int groups)
    {
        if (groups == 1) return [kernel];
        int fg = f / groups;
        var result = new T[groups][];
        for (int g = 0; g < groups; g++)
        {
            result[g] = new T[patch * fg];
            for (int r = 0; r < patch; r++) kernel.AsSpan(r * f + g * fg, fg).CopyTo(result[g].AsSpan(r * fg, fg));
        }
        return result;
    }

    /// <summary>Where each patch element of an output row comes from.</summary>
    private readonly record struct Geometry(int H, int W, int C, int Kh, int Kw, int Cg, (int H, int W) Strides, Padding2D Padding, (int H, int W) Dilation, int Ow)
    {
        /// <summary>Fills patches[o, (i·kw + j)·cg + ch] = x[image, y·sh − top + i·dh, o·sw − left + j·dw, g·cg + ch] (0 outside).</summary>
        public void Gather<T>(T[] x, int image, int y, int g, Span<T> patches) where T : unmanaged
        {
            int patch = Kh * Kw * Cg;
            for (int o = 0; o < Ow; o++)
            {
                Span<T> dest = patches.Slice(o * patch, patch);
                for (int i = 0; i < Kh; i++)
                {
                    int sy = y * Strides.H - Padding.Top + i * Dilation.H;
                    for (int j = 0; j < Kw; j++)
                    {
                        int sx = o * Strides.W - Padding.Left + j * Dilation.W;
                        Span<T> cell = dest.Slice((i * Kw + j) * Cg, Cg);
                        if (sy < 0 || sy >= H || sx < 0 || sx >= W) cell.Clear();
                        else x.AsSpan(((image * H + sy) * W + sx) * C + g * Cg, Cg).CopyTo(cell);
                    }
                }
            }
        }
    }
}
