using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>The fused crossentropy, binary focal, KL and Keras-label hinge losses (<see cref="PointwiseLossParameters"/>
/// kinds; categorical hinge, categorical focal, focal_loss and cosine similarity as their own row kernels) on <see cref="PointwiseLossKernel{T}"/>: one pass over both inputs (the hinge kinds read y_true once more
/// to check Keras's "every label is 0 or 1", stopping at the first other label).</summary>
public sealed partial class NumericsOps<T>
{
    /// <inheritdoc/>
    /// <remarks>Declined as the other overload. Categorical focal (NumericsOps.CategoricalFocal.cs) and
    /// FastEstimator's focal_loss (<see cref="FocalLossRow{T}"/>: its row normaliser Σ y first) are row kernels of the
    /// last axis.</remarks>
    public Tensor<T>? PointwiseLoss(PointwiseLossKind kind, PointwiseLossParameters parameters, Tensor<T> target, Tensor<T> output, int axis, bool meanOverAll)
    {
        long[] shape = ShapeOf(output, nameof(output));
        if (shape.Length == 0 || !ShapeOf(target, nameof(target)).AsSpan().SequenceEqual(shape) || Shapes.Count(shape) == 0) return null;
        if (axis < -shape.Length || axis >= shape.Length) return null;
        int normalized = NormalizedAxis(axis, shape.Length);
        if (!meanOverAll && normalized != shape.Length - 1) return null;
        if (!(parameters.Gamma >= 0) || !double.IsFinite(parameters.Gamma) || parameters.Alpha is double a && !double.IsFinite(a)) return null;
        bool sums = PointwiseLossParameters.Sums(kind);
        if (kind == PointwiseLossKind.CategoricalHinge)
            return normalized == shape.Length - 1 ? RowLoss(output, target, shape, meanOverAll, new CategoricalHingeRow<T>()) : null;
        if (kind == PointwiseLossKind.CosineSimilarity)
            return normalized == shape.Length - 1 ? RowLoss(output, target, shape, meanOverAll, new CosineSimilarityRow<T>()) : null;
        if (kind == PointwiseLossKind.CategoricalFocalCrossentropy)
            return normalized == shape.Length - 1 ? CategoricalFocal(parameters, target, output, shape, meanOverAll) : null;
        if (kind == PointwiseLossKind.FocalLoss)
            return normalized == shape.Length - 1 ? RowLoss(output, target, shape, meanOverAll, new FocalLossRow<T>(parameters)) : null;
        return kind switch
        {
            PointwiseLossKind.BinaryCrossentropy => Pointwise(new BinaryCrossentropyFunction<T>(parameters.LabelSmoothing, parameters.FromLogits)),
            PointwiseLossKind.BinaryFocalCrossentropy => Pointwise(new BinaryFocalFunction<T>(parameters)),
            PointwiseLossKind.KLDivergence => Pointwise(new KLDivergenceFunction<T>()),
            PointwiseLossKind.HingeKerasLabels => Pointwise(new KerasHingeFunction<T>(squared: false, HingeLabels<T>.AllZeroOrOne(TensorData.Read(target)))),
            PointwiseLossKind.SquaredHingeKerasLabels => Pointwise(new KerasHingeFunction<T>(squared: true, HingeLabels<T>.AllZeroOrOne(TensorData.Read(target)))),
            _ => null,
        };

        // One kind's kernel: the per-sample mean (or sum) along the last axis, or the mean of those over the samples.
        Tensor<T> Pointwise<TF>(TF f) where TF : struct, IPointwiseFunction<T>
        {
            ReadOnlySpan<T> p = TensorData.Read(output), y = TensorData.Read(target);
            if (meanOverAll)
            {
                double total = PointwiseLossKernel<T>.Total(p, y, f);
                return Tensor.Create([T.CreateTruncating(sums ? total / (p.Length / shape[normalized]) : total / p.Length)], [1]);
            }
            var layout = RowLayout.Around(shape, normalized);
            var loss = new T[layout.Rows];
            PointwiseLossKernel<T>.RowValues(p, y, loss, layout, f, sums ? 1 : layout.Classes, 1);
            return Create(loss, Shapes.Without(shape, normalized));
        }
    }

    /// <summary>A row loss of the last axis (<see cref="CosineSimilarityRow{T}"/>, <see cref="CategoricalHingeRow{T}"/>)
    /// per row, or the mean of the rows' values (each rounded to T first, as the composed per-sample values are), the
    /// values then in a pooled buffer (<see cref="PerRowOrMean"/>).</summary>
    private static Tensor<T> RowLoss<TLoss>(Tensor<T> output, Tensor<T> target, long[] shape, bool meanOverAll, TLoss f)
        where TLoss : struct, IRowLoss<T>
    {
        var layout = RowLayout.Around(shape, shape.Length - 1);
        return PerRowOrMean(layout.Rows, Shapes.Without(shape, shape.Length - 1), meanOverAll,
            loss => RowLossKernel<T>.Rows<TLoss, T>(TensorData.Read(output), TensorData.Read(target), loss, layout, f));
    }
}
