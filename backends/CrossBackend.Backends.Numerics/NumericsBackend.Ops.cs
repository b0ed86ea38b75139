using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>The sparse and binary kernels and the small element-wise ops the option layer uses.</summary>
public sealed partial class NumericsBackend<T>
{
    private static readonly T Epsilon = T.CreateChecked(1e-7);
    private static readonly T UpperBound = T.One - Epsilon;   // in T, as Keras computes it: 0.99999988 in float32

    /// <inheritdoc/>
    public override Tensor<T> SparseCategoricalCrossentropy(Tensor<T> labels, Tensor<T> output, bool fromLogits, int axis)
    {
        long[] shape = TensorData.Shape(output.Lengths);
        var layout = RowLayout.Around(shape, axis);
        var loss = new T[layout.Rows];
        SparseCategoricalCrossentropyKernel<T>.Run(TensorData.Read(labels), TensorData.Read(output), loss, layout, fromLogits, Epsilon, UpperBound);
        return TensorData.Create(loss, Shapes.Without(shape, axis));
    }

    /// <inheritdoc/>
    public override Tensor<T> BinaryCrossentropy(Tensor<T> target, Tensor<T> output, bool fromLogits)
    {
        ReadOnlySpan<T> x = TensorData.Read(output), y = TensorData.Read(target);
        var loss = new T[x.Length];
        for (int i = 0; i < loss.Length; i++)
        {
            if (fromLogits)
            {
                double v = double.CreateTruncating(x[i]), z = double.CreateTruncating(y[i]);
                loss[i] = T.CreateTruncating(Math.Max(v, 0) - v * z + Math.Log(1 + Math.Exp(-Math.Abs(v))));
            }
            else
            {
                T p = T.Clamp(x[i], Epsilon, UpperBound);
                loss[i] = -(y[i] * T.Log(p) + (T.One - y[i]) * T.Log(T.One - p));
            }
        }
        return Tensor.Create(loss, output.Lengths);
    }

    /// <inheritdoc/>
    public override Tensor<T> Affine(Tensor<T> tensor, double scale, double shift)
    {
        ReadOnlySpan<T> x = TensorData.Read(tensor);
        var result = new T[x.Length];
        for (int i = 0; i < result.Length; i++) result[i] = T.CreateTruncating(double.CreateTruncating(x[i]) * scale + shift);
        return Tensor.Create(result, tensor.Lengths);
    }

    /// <inheritdoc/>
    public override Tensor<T> MeanAlong(Tensor<T> tensor, int axis)
    {
        long[] shape = TensorData.Shape(tensor.Lengths);
        var layout = RowLayout.Around(shape, axis);
        ReadOnlySpan<T> x = TensorData.Read(tensor);
        var result = new T[layout.Rows];
        for (int r = 0; r < result.Length; r++)
        {
            int start = layout.Start(r);
            double sum = 0;
            for (int c = 0; c < layout.Classes; c++) sum += double.CreateTruncating(x[start + c * layout.Inner]);
            result[r] = T.CreateTruncating(sum / layout.Classes);
        }
        return TensorData.Create(result, Shapes.Without(shape, axis));
    }

    /// <inheritdoc/>
    public override Tensor<T> Sum(Tensor<T> tensor) => Tensor.Create([T.CreateTruncating(SumInDouble(tensor))], [1]);

    /// <summary>The sum of all elements, accumulated in double (the per-element losses it adds are few).</summary>
    private static double SumInDouble(Tensor<T> tensor)
    {
        double sum = 0;
        foreach (T value in TensorData.Read(tensor)) sum += double.CreateTruncating(value);
        return sum;
    }

    /// <inheritdoc/>
    public override Tensor<T> DivideNoNan(Tensor<T> numerator, Tensor<T> denominator)
    {
        T d = TensorData.Read(denominator)[0];
        return Tensor.Create([d == T.Zero ? T.Zero : TensorData.Read(numerator)[0] / d], [1]);
    }

    /// <inheritdoc/>
    public override Tensor<T> ExpandTo(Tensor<T> weights, long[] shape, Tensor<T> dtypeOf)
    {
        ReadOnlySpan<T> w = TensorData.Read(weights);
        var result = new T[Shapes.Count(shape)];
        int repeat = w.Length == 0 ? 0 : result.Length / w.Length;
        for (int i = 0; i < result.Length; i++) result[i] = w[i / repeat];
        return TensorData.Create(result, shape);
    }

    /// <inheritdoc/>
    public override Tensor<T> Squeeze(Tensor<T> tensor, int axis) =>
        TensorData.Create(TensorData.ToArray(tensor), Shapes.Without(TensorData.Shape(tensor.Lengths), axis));

    /// <inheritdoc/>
    public override Tensor<T> OneHot(Tensor<T> labels, int classes, int axis, Tensor<T> dtypeOf)
    {
        long[] labelShape = TensorData.Shape(labels.Lengths);
        long[] shape = [.. labelShape[..axis], classes, .. labelShape[axis..]];
        var layout = RowLayout.Around(shape, axis);
        ReadOnlySpan<T> label = TensorData.Read(labels);
        var result = new T[Shapes.Count(shape)];
        for (int r = 0; r < layout.Rows; r++)
            result[layout.Start(r) + int.CreateTruncating(label[r]) * layout.Inner] = T.One;
        return TensorData.Create(result, shape);
    }

    /// <inheritdoc/>
    public override Tensor<T> NotEqual(Tensor<T> tensor, double value, Tensor<T> dtypeOf)
    {
        ReadOnlySpan<T> x = TensorData.Read(tensor);
        var result = new T[x.Length];
        for (int i = 0; i < result.Length; i++) result[i] = double.CreateTruncating(x[i]) != value ? T.One : T.Zero;
        return Tensor.Create(result, tensor.Lengths);
    }

    /// <inheritdoc/>
    public override bool LabelsValid(Tensor<T> labels, long classes, int? ignoreClass)
    {
        T limit = T.CreateChecked(classes);
        foreach (T v in TensorData.Read(labels))
        {
            if (ignoreClass is { } ignored && v == T.CreateChecked(ignored)) continue;
            if (!(v >= T.Zero && v < limit && v == T.Floor(v))) return false;   // NaN fails every comparison
        }
        return true;
    }

    /// <inheritdoc/>
    public override double[] ReadValues(Tensor<T> tensor)
    {
        ReadOnlySpan<T> x = TensorData.Read(tensor);
        var result = new double[x.Length];
        for (int i = 0; i < result.Length; i++) result[i] = double.CreateTruncating(x[i]);
        return result;
    }
}
