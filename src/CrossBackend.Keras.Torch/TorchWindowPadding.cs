using CrossBackend.Keras;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossBackend.Keras.Torch;

/// <summary>
/// Keras's padding of a convolution window on a channels-first tensor. "same" that is symmetric and static (stride 1,
/// even total) is the conv's own <c>padding=</c> (<see cref="Symmetric"/>); otherwise (stride &gt; 1, odd totals,
/// "causal") the exact Keras pads are applied with F.pad before a padding-0 conv (<see cref="Apply"/>) — PyTorch's
/// symmetric padding would shift the output by one cell. <see cref="Fit"/> first checks that the window fits the input
/// (<see cref="KerasWindow.EnsureFits"/>), so every convolution refuses a too-small input as the numerics engine does.
/// </summary>
internal sealed class TorchWindowPadding
{
    private readonly KerasLayer _layer;
    private readonly KerasPadding _padding;
    private readonly int[] _kernel, _strides, _dilation;

    /// <param name="layer">The convolution whose window this is, named when an input is too small.</param>
    /// <param name="padding">The layer's padding mode.</param>
    /// <param name="kernel">Kernel lengths, one per spatial axis.</param>
    /// <param name="strides">Strides, one per spatial axis.</param>
    /// <param name="dilation">Dilation rates, one per spatial axis.</param>
    public TorchWindowPadding(KerasLayer layer, KerasPadding padding, int[] kernel, int[] strides, int[] dilation)
    {
        (_layer, _padding, _kernel, _strides, _dilation) = (layer, padding, kernel, strides, dilation);
        Symmetric = new long[kernel.Length];
        for (int d = 0; d < kernel.Length; d++)
        {
            if (padding == KerasPadding.Causal || (padding == KerasPadding.Same && strides[d] != 1)) { Explicit = true; continue; }
            if (padding == KerasPadding.Same)
            {
                int total = (kernel[d] - 1) * dilation[d];
                if (total % 2 == 0) Symmetric[d] = total / 2; else Explicit = true;
            }
        }
        if (Explicit) System.Array.Clear(Symmetric);
    }

    /// <summary>The conv's own (symmetric) padding per spatial axis; zeros when the pads are explicit.</summary>
    public long[] Symmetric { get; }

    /// <summary>Whether <see cref="Apply"/> pads the input (then the conv itself pads nothing).</summary>
    public bool Explicit { get; }

    /// <summary>The input with Keras's pads applied when they are explicit; the input itself otherwise.</summary>
    public Tensor Apply(Tensor x) => Explicit ? F.pad(x, Pads(x)) : x;

    /// <summary><see cref="Apply"/> after checking that the window fits <paramref name="x"/> (N, C, spatial…): checked
    /// here, before libtorch, so a too-small input fails as on the numerics engine, naming the layer.</summary>
    public Tensor Fit(Tensor x)
    {
        KerasWindow.EnsureFits(_layer, TorchLayer.SizesOf(x).AsSpan(2));
        return Apply(x);
    }

    /// <summary>F.pad's order: last axis first, (before, after) each.</summary>
    private long[] Pads(Tensor x)
    {
        int rank = _kernel.Length;
        var pads = new long[2 * rank];
        for (int d = 0; d < rank; d++)
        {
            int length = (int)x.size(2 + d);
            (int before, int after) = _padding switch
            {
                KerasPadding.Same => KerasLayout.SamePadding(length, _kernel[d], _strides[d], _dilation[d]),
                KerasPadding.Causal => ((_kernel[d] - 1) * _dilation[d], 0),
                _ => (0, 0),
            };
            int slot = 2 * (rank - 1 - d);
            pads[slot] = before;
            pads[slot + 1] = after;
        }
        return pads;
    }
}
