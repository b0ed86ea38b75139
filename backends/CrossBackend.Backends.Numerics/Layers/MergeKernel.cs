using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Keras's element-wise merge layers (<c>Add</c>, <c>Subtract</c>, <c>Multiply</c>, <c>Average</c>,
/// <c>Maximum</c>, <c>Minimum</c>) on channels-last tensors, batch first.</summary>
internal static class MergeKernel
{
    /// <summary>
    /// ((x₀ op x₁) op x₂) … in input order, as Keras's <c>_merge_function</c>s fold their inputs. Inputs of a lower rank
    /// first gain axes of length 1 right after the batch axis until all have the highest rank (Keras 3's
    /// <c>Merge.call</c>: <c>ops.expand_dims(x, axis=1)</c>); then axes of length 1 stretch to the others' lengths (the
    /// engine's broadcasting, NumPy's rule, which is Keras's for one rank).
    /// </summary>
    /// <param name="inputs">At least one tensor, each with a batch axis.</param>
    /// <param name="op">Add, Subtract, Multiply, Maximum or Minimum.</param>
    /// <param name="divideByCount">Divide the result by the number of inputs (Keras's <c>Average</c>: the sum
    /// <c>/ len(inputs)</c>, a true division).</param>
    public static Tensor<T> Merge<T>(IReadOnlyList<Tensor<T>> inputs, BinaryOp op, bool divideByCount = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("Argument `inputs` must hold at least one tensor.", nameof(inputs));
        long[][] shapes = inputs.Select(LayerChecks.Shape).ToArray();
        if (shapes.Any(s => s.Length == 0)) throw new ArgumentException("Argument `inputs` must have a batch axis each.", nameof(inputs));
        int rank = shapes.Max(s => s.Length);
        long[][] expanded = shapes.Select(s => (long[])[s[0], .. Enumerable.Repeat(1L, rank - s.Length), .. s[1..]]).ToArray();
        long[]? shape = expanded[0];
        foreach (long[] s in expanded) shape = shape is null ? null : Shapes.Broadcast(shape, s);
        if (shape is null)
            throw new ArgumentException(
                "Argument `inputs` must share one shape once lower ranks gain length-1 axes after the batch axis, or stretch axes of length 1. " +
                $"Received shapes: {string.Join(", ", shapes.Select(TensorInfo.FormatShape))}", nameof(inputs));
        Tensor<T>[] x = inputs.Select((t, i) => shapes[i].Length == rank ? t : LayerChecks.Create(TensorData.ToArray(t), expanded[i])).ToArray();
        NumericsOps<T> ops = NumericsOps<T>.Instance;
        Tensor<T> result = x.Length == 1 ? LayerChecks.Create(TensorData.ToArray(x[0]), shape) : ops.Binary(op, x[0], x[1]);
        for (int i = 2; i < x.Length; i++) result = ops.Binary(op, result, x[i]);
        if (!divideByCount) return result;
        T[] values = TensorData.ToArray(result);
        TensorPrimitives.Divide(values, T.CreateChecked(x.Length), values);
        return LayerChecks.Create(values, shape);
    }
}
