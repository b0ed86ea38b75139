using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The analytic backward kernels: the gradients PyTorch's autograd gives for the same forward kernels. Each row's
/// arithmetic runs in float64 and the result is rounded to <typeparamref name="T"/> once; the renormalising sum and
/// the clip's mask are computed in <typeparamref name="T"/> exactly as the forward kernels compute them, so the
/// gradient is 0 precisely where the forward clip is active (bounds inclusive, as in <c>torch.clamp</c>).
/// </summary>
public sealed partial class NumericsBackend<T>
{
    /// <inheritdoc/>
    public override Tensor<T> CategoricalCrossentropyBackward(Tensor<T> target, Tensor<T> output, bool fromLogits, int axis, Tensor<T> upstream) =>
        RowBackward(Kind.Categorical, target, output, fromLogits, axis, upstream);

    /// <inheritdoc/>
    public override Tensor<T> SparseCategoricalCrossentropyBackward(Tensor<T> labels, Tensor<T> output, bool fromLogits, int axis, Tensor<T> upstream) =>
        RowBackward(Kind.Sparse, labels, output, fromLogits, axis, upstream);

    /// <inheritdoc/>
    public override Tensor<T> BinaryCrossentropyBackward(Tensor<T> target, Tensor<T> output, bool fromLogits, int axis, Tensor<T> upstream) =>
        RowBackward(Kind.Binary, target, output, fromLogits, axis, upstream);

    private enum Kind { Categorical, Sparse, Binary }

    /// <summary>
    /// Gathers each row of <paramref name="output"/> around <paramref name="axis"/> (with its targets, or its label
    /// for <see cref="Kind.Sparse"/>), computes the row's gradient in float64 and scatters it back into a tensor of
    /// the output's shape.
    /// </summary>
    private static Tensor<T> RowBackward(Kind kind, Tensor<T> targets, Tensor<T> output, bool fromLogits, int axis, Tensor<T> upstream)
    {
        long[] shape = TensorData.Shape(output.Lengths);
        var layout = RowLayout.Around(shape, axis);
        ReadOnlySpan<T> x = TensorData.Read(output), y = TensorData.Read(targets), up = TensorData.Read(upstream);
        var result = new T[x.Length];
        int classes = layout.Classes, inner = layout.Inner;
        Span<T> xRow = classes <= 512 ? stackalloc T[classes] : new T[classes];
        Span<double> yRow = classes <= 512 ? stackalloc double[classes] : new double[classes];
        Span<double> grad = classes <= 512 ? stackalloc double[classes] : new double[classes];
        for (int r = 0; r < layout.Rows; r++)
        {
            int start = layout.Start(r);
            for (int c = 0; c < classes; c++) xRow[c] = x[start + c * inner];
            if (kind == Kind.Sparse)
            {
                yRow.Clear();
                yRow[int.CreateTruncating(y[r])] = 1;
            }
            else
            {
                for (int c = 0; c < classes; c++) yRow[c] = double.CreateTruncating(y[start + c * inner]);
            }
            double g = double.CreateTruncating(up[r]);
            if (kind == Kind.Binary) BinaryRow(xRow, yRow, grad, g / classes, fromLogits);   // the loss is the mean over the axis
            else if (fromLogits) LogitsRow(xRow, yRow, grad, g);
            else ProbabilitiesRow(xRow, yRow, grad, g);
            for (int c = 0; c < classes; c++) result[start + c * inner] = T.CreateTruncating(grad[c]);
        }
        return Tensor.Create(result, output.Lengths);
    }

    /// <summary>Per value: g·(σ(x) − y) from logits; −g·(y/q − (1 − y)/(1 − q)) from probabilities, 0 where the
    /// clip to [ε, 1 − ε] is active.</summary>
    private static void BinaryRow(ReadOnlySpan<T> xs, ReadOnlySpan<double> y, Span<double> grad, double g, bool fromLogits)
    {
        for (int c = 0; c < xs.Length; c++)
        {
            double v = double.CreateTruncating(xs[c]);
            if (fromLogits)
            {
                double sigmoid = v >= 0 ? 1 / (1 + Math.Exp(-v)) : Math.Exp(v) / (1 + Math.Exp(v));
                grad[c] = g * (sigmoid - y[c]);
            }
            else
            {
                grad[c] = xs[c] >= Epsilon && xs[c] <= UpperBound ? -g * (y[c] / v - (1 - y[c]) / (1 - v)) : 0;
            }
        }
    }

    /// <summary>d/dx of g·(−Σ y·log_softmax(x)) = g·(softmax(x)·Σy − y).</summary>
    private static void LogitsRow(ReadOnlySpan<T> xs, ReadOnlySpan<double> y, Span<double> grad, double g)
    {
        double max = double.CreateTruncating(TensorPrimitives.Max(xs));
        double sumExp = 0, sumY = 0;
        for (int c = 0; c < xs.Length; c++)
        {
            grad[c] = Math.Exp(double.CreateTruncating(xs[c]) - max);
            sumExp += grad[c];
            sumY += y[c];
        }
        for (int c = 0; c < xs.Length; c++) grad[c] = g * (grad[c] / sumExp * sumY - y[c]);
    }

    /// <summary>
    /// d/dx of g·(−Σ y·log clip(x/S)) with S = Σx: a = −y/q where the clip is inactive (else 0), then
    /// g·(a_j − Σ_k a_k·p_k)/S. S, p and the mask are computed in <typeparamref name="T"/> as the forward kernel does.
    /// </summary>
    private static void ProbabilitiesRow(ReadOnlySpan<T> xs, ReadOnlySpan<double> y, Span<double> grad, double g)
    {
        T sumT = TensorPrimitives.Sum(xs);
        double sum = double.CreateTruncating(sumT), dot = 0;
        for (int c = 0; c < xs.Length; c++)
        {
            T p = xs[c] / sumT;
            grad[c] = p >= Epsilon && p <= UpperBound ? -y[c] / double.CreateTruncating(p) : 0;
            dot += grad[c] * (double.CreateTruncating(xs[c]) / sum);
        }
        for (int c = 0; c < xs.Length; c++) grad[c] = g * (grad[c] - dot) / sum;
    }
}
