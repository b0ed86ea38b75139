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
        return kind switch
        {
            PointwiseLossKind.SquaredError => Pointwise(new SquaredErrorFunction<T>()),
            PointwiseLossKind.AbsoluteError => Pointwise(new AbsoluteErrorFunction<T>()),
            PointwiseLossKind.Huber => Pointwise(new HuberFunction<T>(parameter)),
            PointwiseLossKind.SmoothL1 => Pointwise(new SmoothL1Function<T>(parameter)),
            PointwiseLossKind.SquaredLogarithmicError => Pointwise(new SquaredLogarithmicErrorFunction<T>()),
            PointwiseLossKind.AbsolutePercentageError => Pointwise(new AbsolutePercentageErrorFunction<T>()),
            PointwiseLossKind.LogCosh => Pointwise(new LogCoshFunction<T>()),
            PointwiseLossKind.Poisson => Pointwise(new PoissonFunction<T>()),
            _ => null,
        };

        // One kind's kernel: the mean over every element, or the per-sample mean along the last axis.
        Tensor<T> Pointwise<TF>(TF f) where TF : struct, IPointwiseFunction<T>
        {
            ReadOnlySpan<T> p = TensorData.Read(output), y = TensorData.Read(target);
            if (meanOverAll)
                return Tensor.Create([T.CreateTruncating(PointwiseLossKernel<T>.Total(p, y, f) / p.Length * scale)], [1]);
            var layout = RowLayout.Around(shape, normalized);
            var loss = new T[layout.Rows];
            PointwiseLossKernel<T>.RowValues(p, y, loss, layout, f, layout.Classes, scale);
            return Create(loss, Shapes.Without(shape, normalized));
        }
    }
}
