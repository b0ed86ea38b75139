namespace CrossBackend.Keras;

/// <summary>
/// Whether a sliding window (a <c>Conv1D</c>/<c>Conv2D</c>/<c>Conv3D</c>/<c>DepthwiseConv2D</c>/<c>SeparableConv2D</c>
/// kernel, a 1-D, 2-D or 3-D max or average pool) fits its input. Every engine checks this before running such a layer, with one message: libtorch would
/// fail with a native error that names no layer, and C#'s truncating division turns "valid" padding's
/// floor((n − k)/s) + 1 into 1 instead of 0 for n &lt; k &lt; n + s, which read out-of-range cells as zeros.
/// </summary>
internal static class KerasWindow
{
    /// <summary>Throws when <paramref name="layer"/>'s window does not fit an input with these spatial lengths;
    /// does nothing for layers without a window.</summary>
    /// <param name="layer">The layer about to run.</param>
    /// <param name="spatial">The input's spatial lengths in Keras's order: (steps) for 1-D layers, (height, width) for 2-D
    /// layers, (depth, height, width) for 3-D layers.</param>
    /// <exception cref="ArgumentException">The input is smaller than the window (parameter <c>input</c>); the message
    /// names the layer, the input size, the window, the strides and the padding, and says how to fix it.</exception>
    public static void EnsureFits(KerasLayer layer, ReadOnlySpan<long> spatial)
    {
        ArgumentNullException.ThrowIfNull(layer);
        string? problem = Problem(layer.Spec, layer.Name, layer.ClassName, spatial);
        if (problem is not null) throw new ArgumentException(problem, "input");
    }

    /// <summary>The message for a window that does not fit, or null when it fits (or the layer has no window).
    /// Unknown lengths (−1, a None axis of a static shape) are not judged.</summary>
    internal static string? Problem(LayerSpec spec, string layer, string className, ReadOnlySpan<long> spatial)
    {
        (string what, int[] window, int[] strides, int[]? dilation, KerasPadding padding) = spec switch
        {
            ConvSpec c => ("kernel", c.KernelSize, c.Strides, c.Dilation, c.Padding),
            DepthwiseConv2DSpec d => ("kernel", d.KernelSize, d.Strides, d.Dilation, d.Padding),
            PoolingSpec p => ("pool", p.PoolSize, p.Strides, (int[]?)null, p.Padding),
            _ => (null!, null!, null!, null, default),
        };
        if (window is null || spatial.Length != window.Length) return null;
        var output = new long[window.Length];
        var needed = new long[window.Length];
        bool fits = true;
        for (int d = 0; d < window.Length; d++)
        {
            int rate = dilation?[d] ?? 1;
            needed[d] = padding == KerasPadding.Valid ? (long)(window[d] - 1) * rate + 1 : 1;
            output[d] = ShapeInference.OutputLength(spatial[d], window[d], strides[d], rate, padding);   // −1 when unknown
            fits &= spatial[d] < 0 || output[d] > 0;
            output[d] = spatial[d] < 0 ? -1 : Math.Max(output[d], 0);
        }
        if (fits) return null;
        string axes = KerasSpatial.Axes(window.Length);
        string windowText = $"{what} {Cells(window)}" + (dilation is not null && dilation.Any(r => r != 1) ? $" with dilation {Cells(dilation)}" : "");
        string fix = padding == KerasPadding.Valid ? $"Feed an input of at least {Cells(needed)} ({axes}), or use padding=\"same\"." : $"Feed an input of at least {Cells(needed)} ({axes}).";
        return $"layer `{layer}` ({className}): an input of {Cells(spatial.ToArray())} ({axes}) is smaller than its window: {windowText}, " +
            $"strides {Cells(strides)}, padding \"{padding.ToString().ToLowerInvariant()}\" needs at least {Cells(needed)} and would give {Cells(output)} outputs. {fix}";
    }

    /// <summary>Lengths as 3x3; with an unknown one as None x 3.</summary>
    private static string Cells<TValue>(IEnumerable<TValue> lengths) where TValue : System.Numerics.INumber<TValue> =>
        string.Join(lengths.Any(v => v < TValue.Zero) ? " x " : "x", lengths.Select(v => v < TValue.Zero ? "None" : v.ToString()));
}
