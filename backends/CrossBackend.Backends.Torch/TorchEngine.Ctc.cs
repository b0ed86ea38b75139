using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// libtorch's <c>ctc_loss</c> as the fused CTC kernel: log_softmax over the classes, (Time, Batch, Classes), blank 0,
/// every time step counted, Keras's label lengths, reduction none; autograd differentiates it natively.
/// </summary>
public sealed partial class TorchEngine : IFusedCtc<Tensor>
{
    /// <inheritdoc/>
    /// <remarks>Declined (so the composed path runs) where libtorch cannot give the composed definition's numbers: an
    /// impossible alignment (libtorch returns +∞, or 0 with <c>zero_infinity</c>; Keras's finite log 0 gives about 1e5),
    /// a blank (0) inside a label sequence (Keras's length rule allows y_true = [1, 0, 2, 0] → labels [1, 0]; PyTorch
    /// documents that a target cannot be the blank, and its backward gives a wrong gradient there: measured 0.78× the
    /// composed one at the last step), and dtypes other than float32/float64 (libtorch's CPU kernel has no
    /// float16/bfloat16 path).</remarks>
    public Tensor? CtcNegativeLogLikelihood(Tensor logits, int classAxis, IReadOnlyList<long[]> labels, int maxLabelLength)
    {
        if (logits.dim() != 3 || classAxis is not (1 or 2) || logits.size(0) != labels.Count
            || logits.dtype is not (ScalarType.Float32 or ScalarType.Float64)) return null;
        long batch = logits.size(0), time = logits.size(3 - classAxis);
        if (labels.Any(sequence => StepsNeeded(sequence) > time || sequence.Contains(0L))) return null;

        int width = Math.Max(1, labels.Max(sequence => sequence.Length));
        var padded = new long[batch * width];
        for (int b = 0; b < batch; b++) labels[b].CopyTo(padded, b * width);
        using Tensor targets = torch.tensor(padded, [batch, width], ScalarType.Int64, logits.device);
        using Tensor targetLengths = torch.tensor(labels.Select(sequence => (long)sequence.Length).ToArray(), ScalarType.Int64, logits.device);
        using Scalar steps = time.ToScalar();
        using Tensor inputLengths = torch.full([batch], steps, ScalarType.Int64, logits.device);
        using Tensor logProbs = logits.log_softmax(classAxis);
        using Tensor timeMajor = classAxis == 2 ? logProbs.permute(1, 0, 2) : logProbs.permute(2, 0, 1);
        return nn.functional.ctc_loss(timeMajor, targets, inputLengths, targetLengths, blank: 0,
            zero_infinity: false, reduction: nn.Reduction.None);
    }

    /// <inheritdoc/>
    /// <remarks>Autograd differentiates <see cref="CtcNegativeLogLikelihood"/>; no tape runs on this engine.</remarks>
    public (Tensor Loss, Tensor Gradient)? CtcNegativeLogLikelihoodWithGradient(Tensor logits, int classAxis,
        IReadOnlyList<long[]> labels, int maxLabelLength) => null;

    /// <summary>The fewest time steps an alignment needs: one per label, plus a blank between equal neighbours.</summary>
    private static long StepsNeeded(long[] sequence)
    {
        long steps = sequence.Length;
        for (int i = 1; i < sequence.Length; i++)
            if (sequence[i] == sequence[i - 1]) steps++;
        return steps;
    }
}
