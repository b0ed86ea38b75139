using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>The fused CTC kernel (<see cref="CtcKernel"/>) offered beside the general ops: the loss, and for the
/// core's tape the loss with its gradient in the same pass. Channels-last logits only; anything else is declined.</summary>
public sealed partial class NumericsOps<T> : IFusedCtc<Tensor<T>>
{
    /// <inheritdoc/>
    public Tensor<T>? CtcNegativeLogLikelihood(Tensor<T> logits, int classAxis, IReadOnlyList<long[]> labels, int maxLabelLength) =>
        Ctc(logits, classAxis, labels, maxLabelLength, withGradient: false)?.Loss;

    /// <inheritdoc/>
    public (Tensor<T> Loss, Tensor<T> Gradient)? CtcNegativeLogLikelihoodWithGradient(Tensor<T> logits, int classAxis,
        IReadOnlyList<long[]> labels, int maxLabelLength) =>
        Ctc(logits, classAxis, labels, maxLabelLength, withGradient: true) is { } both ? (both.Loss, both.Gradient!) : null;

    private static (Tensor<T> Loss, Tensor<T>? Gradient)? Ctc(Tensor<T> logits, int classAxis, IReadOnlyList<long[]> labels,
        int maxLabelLength, bool withGradient)
    {
        long[] shape = ShapeOf(logits, nameof(logits));
        if (shape.Length != 3 || classAxis != 2 || shape[0] != labels.Count || shape[1] < 1 || shape[2] < 1) return null;
        if (labels.Any(l => l.Length > maxLabelLength)) return null;
        int batch = (int)shape[0], time = (int)shape[1], classes = (int)shape[2];
        ReadOnlySpan<T> values = TensorData.Read(logits);
        // The float64 copy of the logits is scratch: pooled (a fresh 800 KB array per call at (64, 50, 32) was new
        // memory to the process each time, zeroed and faulted in).
        double[] input = System.Buffers.ArrayPool<double>.Shared.Rent(values.Length);
        try
        {
            for (int i = 0; i < values.Length; i++) input[i] = double.CreateTruncating(values[i]);
            var loss = new double[batch];
            double[]? gradient = withGradient ? new double[values.Length] : null;
            CtcKernel.Run(input, batch, time, classes, labels, maxLabelLength, CtcLoss.LogZero, loss, gradient);
            return (Create(loss.Select(T.CreateTruncating).ToArray(), [batch]),
                gradient is not null ? Create(gradient.Select(T.CreateTruncating).ToArray(), shape) : null);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(input);
        }
    }
}
