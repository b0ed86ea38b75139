using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>
/// Channels-last 2-D pooling with TensorFlow's semantics: windows are clipped to the real cells, so "same" padding
/// never enters a max, and an average divides by the number of real cells it covered (TensorFlow's
/// <c>avg_pool</c>; PyTorch's <c>count_include_pad=True</c> default would divide by the full window instead).
/// </summary>
internal static class Pool2DKernel
{
    /// <summary>Max pooling over (N, H, W, C).</summary>
    /// <param name="input">(N, H, W, C).</param>
    /// <param name="pool">Window (height, width).</param>
    /// <param name="strides">Strides (height, width).</param>
    /// <param name="padding">Explicit padding (<see cref="Padding2D.Same"/> for "same").</param>
    public static Tensor<T> MaxPool2D<T>(Tensor<T> input, (int H, int W) pool, (int H, int W) strides, Padding2D padding)
        where T : unmanaged, IFloatingPointIeee754<T> => Pool(input, pool, strides, padding, average: false);

    /// <summary>Average pooling over (N, H, W, C), dividing by the real cells of each window.</summary>
    /// <param name="input">(N, H, W, C).</param>
    /// <param name="pool">Window (height, width).</param>
    /// <param name="strides">Strides (height, width).</param>
    /// <param name="padding">Explicit padding (<see cref="Padding2D.Same"/> for "same").</param>
    public static Tensor<T> AvgPool2D<T>(Tensor<T> input, (int H, int W) pool, (int H, int W) strides, Padding2D padding)
        where T : unmanaged, IFloatingPointIeee754<T> => Pool(input, pool, strides, padding, average: true);

    /// <summary>Mean over height and width: (N, H, W, C) → (N, C), or (N, 1, 1, C) with <paramref name="keepDims"/>.</summary>
    public static Tensor<T> GlobalAvgPool2D<T>(Tensor<T> input, bool keepDims = false) where T : unmanaged, IFloatingPointIeee754<T> =>
        Global(input, keepDims, average: true);

    /// <summary>Maximum over height and width: (N, H, W, C) → (N, C), or (N, 1, 1, C) with <paramref name="keepDims"/>.</summary>
    public static Tensor<T> GlobalMaxPool2D<T>(Tensor<T> input, bool keepDims = false) where T : unmanaged, IFloatingPointIeee754<T> =>
        Global(input, keepDims, average: false);

    private static Tensor<T> Pool<T>(Tensor<T> input, (int H, int W) pool, (int H, int W) strides, Padding2D padding, bool average)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        LayerChecks.Rank(input, 4, nameof(input), "(batch, height, width, channels)");
        LayerChecks.Positive(pool.H, "pool.H");
        LayerChecks.Positive(pool.W, "pool.W");
        LayerChecks.Positive(strides.H, "strides.H");
        LayerChecks.Positive(strides.W, "strides.W");
        if (padding.Top >= pool.H || padding.Bottom >= pool.H || padding.Left >= pool.W || padding.Right >= pool.W || padding.Top < 0 || padding.Left < 0 || padding.Bottom < 0 || padding.Right < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "Argument `padding` must be non-negative and smaller than the window (a window must hold a real cell).");
        int n = (int)input.Lengths[0], h = (int)input.Lengths[1], w = (int)input.Lengths[2], c = (int)input.Lengths[3];
        int oh = LayerChecks.OutputLength(h + padding.Top + padding.Bottom, pool.H, strides.H);
        int ow = LayerChecks.OutputLength(w + padding.Left + padding.Right, pool.W, strides.W);
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException(
                $"Argument `input` is smaller than the pool window: give at least {pool.H}x{pool.W} cells with the padding. " +
                $"Received: input.shape={TensorInfo.FormatShape(LayerChecks.Shape(input))}, pool {pool.H}x{pool.W}, padding {padding}", nameof(input));
        T[] x = TensorData.ToArray(input);
        var output = new T[(long)n * oh * ow * c];
        LayerChecks.ForRanges(n * oh, Math.Max(1, (1 << 15) / Math.Max(1, ow * c * pool.H * pool.W)), (first, end) =>
        {
            for (int row = first; row < end; row++)
            {
                int image = row / oh, y = row % oh;
                int y0 = Math.Max(0, y * strides.H - padding.Top), y1 = Math.Min(h, y * strides.H - padding.Top + pool.H);
                for (int o = 0; o < ow; o++)
                {
                    int x0 = Math.Max(0, o * strides.W - padding.Left), x1 = Math.Min(w, o * strides.W - padding.Left + pool.W);
                    Span<T> dest = output.AsSpan(((row * ow) + o) * c, c);
                    x.AsSpan(((image * h + y0) * w + x0) * c, c).CopyTo(dest);
                    for (int sy = y0; sy < y1; sy++)
                        for (int sx = sy == y0 ? x0 + 1 : x0; sx < x1; sx++)
                        {
                            ReadOnlySpan<T> cell = x.AsSpan(((image * h + sy) * w + sx) * c, c);
                            if (average) TensorPrimitives.Add(dest, cell, dest);
                            else TensorPrimitives.Max(dest, cell, dest);
                        }
                    if (average) TensorPrimitives.Divide(dest, T.CreateChecked((y1 - y0) * (x1 - x0)), dest);
                }
            }
        });
        return LayerChecks.Create(output, n, oh, ow, c);
    }

    private static Tensor<T> Global<T>(Tensor<T> input, bool keepDims, bool average) where T : unmanaged, IFloatingPointIeee754<T>
    {
        LayerChecks.Rank(input, 4, nameof(input), "(batch, height, width, channels)");
        int n = (int)input.Lengths[0], cells = (int)(input.Lengths[1] * input.Lengths[2]), c = (int)input.Lengths[3];
        if (cells == 0) throw new ArgumentException("Argument `input` has no cells to pool (height or width is 0).", nameof(input));
        ReadOnlySpan<T> x = TensorData.Read(input);
        var output = new T[n * c];
        for (int image = 0; image < n; image++)
        {
            Span<T> dest = output.AsSpan(image * c, c);
            x.Slice(image * cells * c, c).CopyTo(dest);
            for (int cell = 1; cell < cells; cell++)
            {
                ReadOnlySpan<T> values = x.Slice((image * cells + cell) * c, c);
                if (average) TensorPrimitives.Add(dest, values, dest);
                else TensorPrimitives.Max(dest, values, dest);
            }
            if (average) TensorPrimitives.Divide(dest, T.CreateChecked(cells), dest);
        }
        return keepDims ? LayerChecks.Create(output, n, 1, 1, c) : LayerChecks.Create(output, n, c);
    }
}
