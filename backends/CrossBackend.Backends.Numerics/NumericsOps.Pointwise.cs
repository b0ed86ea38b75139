using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>The fused element-wise losses (<see cref="PointwiseLossKernel{T}"/>): one pass over both inputs instead of
/// one full-size temporary per general op.</summary>
public sealed partial class NumericsOps<T>
{
    /// <inheritdoc/>
    /// <remarks>Declined: inputs of different shapes (broadcasting), no elements, and per-sample means along an axis
    /// other than the last (the mean over every element takes any axis: it does not depend on the layout).</remarks>
    public Tensor<T>? PointwiseLoss(PointwiseLossKind kind, double parameter, Tensor<T> target, Tensor<T> output, int axis, bool meanOverAll)
    {
        long[] shape = ShapeOf(output, nameof(output));
        if (shape.Length == 0 || !ShapeOf(target, nameof(target)).AsSpan().SequenceEqual(shape) || Shapes.Count(shape) == 0) return null;
        if (axis < -shape.Length || axis >= shape.Length) return null;
        int normalized = NormalizedAxis(axis, shape.Length);
        if (!meanOverAll && normalized != shape.Length - 1) return null;
        if (parameter < 0 || double.IsNaN(parameter)) return null;
        // The ×100 of the percentage error goes on the mean, as the composed path puts it on the per-sample mean.
        double scale = kind == PointwiseLossKind.AbsolutePercentageError ? 100 : 1;
        ReadOnlySpan<T> p = TensorData.Read(output), y = TensorData.Read(target);
        if (meanOverAll)
        {
            double? total = kind switch
            {
                PointwiseLossKind.SquaredError => PointwiseLossKernel<T>.Total(p, y, new SquaredErrorFunction<T>()),
                PointwiseLossKind.AbsoluteError => PointwiseLossKernel<T>.Total(p, y, new AbsoluteErrorFunction<T>()),
                PointwiseLossKind.Huber => PointwiseLossKernel<T>.Total(p, y, new HuberFunction<T>(parameter)),
                PointwiseLossKind.SmoothL1 => PointwiseLossKernel<T>.Total(p, y, new SmoothL1Function<T>(parameter)),
                PointwiseLossKind.SquaredLogarithmicError => PointwiseLossKernel<T>.Total(p, y, new SquaredLogarithmicErrorFunction<T>()),
                PointwiseLossKind.AbsolutePercentageError => PointwiseLossKernel<T>.Total(p, y, new AbsolutePercentageErrorFunction<T>()),
                PointwiseLossKind.LogCosh => PointwiseLossKernel<T>.Total(p, y, new LogCoshFunction<T>()),
                PointwiseLossKind.Poisson => PointwiseLossKernel<T>.Total(p, y, new PoissonFunction<T>()),
                PointwiseLossKind.Hinge => PointwiseLossKernel<T>.Total(p, y, new HingeFunction<T>(squared: false)),
                PointwiseLossKind.SquaredHinge => PointwiseLossKernel<T>.Total(p, y, new HingeFunction<T>(squared: true)),
                _ => null,
            };
            return total is { } t ? Tensor.Create([T.CreateTruncating(t / p.Length * scale)], [1]) : null;
        }

        var layout = RowLayout.Around(shape, normalized);
        var sums = new double[layout.Rows];
        switch (kind)
        {
            case PointwiseLossKind.SquaredError: PointwiseLossKernel<T>.RowSums(p, y, sums, layout, new SquaredErrorFunction<T>()); break;
            case PointwiseLossKind.AbsoluteError: PointwiseLossKernel<T>.RowSums(p, y, sums, layout, new AbsoluteErrorFunction<T>()); break;
            case PointwiseLossKind.Huber: PointwiseLossKernel<T>.RowSums(p, y, sums, layout, new HuberFunction<T>(parameter)); break;
            case PointwiseLossKind.SmoothL1: PointwiseLossKernel<T>.RowSums(p, y, sums, layout, new SmoothL1Function<T>(parameter)); break;
            case PointwiseLossKind.SquaredLogarithmicError: PointwiseLossKernel<T>.RowSums(p, y, sums, layout, new SquaredLogarithmicErrorFunction<T>()); break;
            case PointwiseLossKind.AbsolutePercentageError: PointwiseLossKernel<T>.RowSums(p, y, sums, layout, new AbsolutePercentageErrorFunction<T>()); break;
            case PointwiseLossKind.LogCosh: PointwiseLossKernel<T>.RowSums(p, y, sums, layout, new LogCoshFunction<T>()); break;
            case PointwiseLossKind.Poisson: PointwiseLossKernel<T>.RowSums(p, y, sums, layout, new PoissonFunction<T>()); break;
            case PointwiseLossKind.Hinge: PointwiseLossKernel<T>.RowSums(p, y, sums, layout, new HingeFunction<T>(squared: false)); break;
            case PointwiseLossKind.SquaredHinge: PointwiseLossKernel<T>.RowSums(p, y, sums, layout, new HingeFunction<T>(squared: true)); break;
            default: return null;
        }
        var loss = new T[layout.Rows];
        for (int row = 0; row < loss.Length; row++) loss[row] = T.CreateTruncating(sums[row] / layout.Classes * scale);
        return Create(loss, Shapes.Without(shape, normalized));
    }
}
