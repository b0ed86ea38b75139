using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics;

namespace CrossBackend.Keras.Numerics;

public sealed partial class KerasNumericsModel<T>
{
    /// <summary>tf.keras 2's <c>TFOpLambda</c> / <c>SlicingOpLambda</c> ops (<see cref="TFOpSpec"/>) on Keras's own
    /// layout: element-wise ops with NumPy's broadcasting (the engine's <c>Binary</c>, which lines a constant array up
    /// with the last axes), a number or constant array operand converted to <typeparamref name="T"/> first as TensorFlow
    /// converts it to the tensor's dtype; reductions and slices over the axes as the call gives them.</summary>
    private static Func<object[], object> TFOp(KerasLayer layer, TFOpSpec op)
    {
        string name = layer.Name;
        NumericsOps<T> ops = NumericsOps<T>.Instance;
        switch (op.Op)
        {
            case KerasTFOp.Cast:
                if (op.CastTo == DType.Float64 && typeof(T) != typeof(double))
                    throw new NotSupportedException(
                        $"layer `{name}` calls {op.Label} to float64 in a network built in float32, which is not supported: TensorFlow runs the ops after it " +
                        "in float64. Build the network in float64, or cast to float32 in the model");
                // Integer tensors (an integer InputLayer's, as long) convert round to nearest as TensorFlow's Cast.
                return v => v[0] switch
                {
                    Tensor<long> l => Convert(l),
                    Tensor<int> i => Convert(i),
                    _ => Float(v[0], name),
                };
            case KerasTFOp.Negative or KerasTFOp.Exp or KerasTFOp.Log or KerasTFOp.Sqrt or KerasTFOp.Square or KerasTFOp.Abs:
            {
                UnaryOp unary = op.Op switch
                {
                    KerasTFOp.Negative => UnaryOp.Negate, KerasTFOp.Exp => UnaryOp.Exp, KerasTFOp.Log => UnaryOp.Log, KerasTFOp.Sqrt => UnaryOp.Sqrt,
                    KerasTFOp.Square => UnaryOp.Square, _ => UnaryOp.Abs,
                };
                return v => ops.Unary(unary, Float(v[0], name));
            }
            case KerasTFOp.ClipByValue:
            {
                // TensorFlow's order (clip_ops.py): minimum with the upper bound, then maximum with the lower one.
                Tensor<T> low = Constant([op.Constant!.Value], []), high = Constant([op.ClipMax], []);
                return v => ops.Binary(BinaryOp.Maximum, ops.Binary(BinaryOp.Minimum, Float(v[0], name), high), low);
            }
            case KerasTFOp.ExpandDims:
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    int axis = KerasTFOpShapes.ExpandedAxis(op, x.Rank - 1, name);
                    nint[] lengths = x.Lengths.ToArray();
                    return Tensor.Create(TensorToArray(x), [.. lengths[..axis], 1, .. lengths[axis..]]);
                };
            case KerasTFOp.ReduceMean or KerasTFOp.ReduceSum or KerasTFOp.ReduceMax or KerasTFOp.ReduceMin:
            {
                // The engine's reduction (non-batch axis k is its axis k + 1), which accumulates in double: within float32's
                // rounding of TensorFlow's float32 sum, whose order (Eigen's tree) no loop here would match bit for bit anyway.
                ReduceOp reduce = op.Op switch
                {
                    KerasTFOp.ReduceMean => ReduceOp.Mean, KerasTFOp.ReduceSum => ReduceOp.Sum, KerasTFOp.ReduceMax => ReduceOp.Max, _ => ReduceOp.Min,
                };
                int[] axes = KerasTFOpShapes.ReducedAxes(op, layer.InputShapes[0].Length, name).Select(a => a + 1).ToArray();
                return v => ops.Reduce(reduce, Float(v[0], name), axes, op.KeepDims);
            }
            case KerasTFOp.Slice:
                return v => SliceTensor(Float(v[0], name), layer, op);
            case KerasTFOp.Squeeze:
            {
                // Row-major data keeps its order when axes of length 1 go: the same values under the shorter shape.
                int[] squeezed = KerasTFOpShapes.SqueezedAxes(op, layer.InputShapes[0], name);
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    nint[] lengths = x.Lengths.ToArray();
                    return Tensor.Create(TensorToArray(x), lengths.Where((_, d) => d == 0 || !squeezed.Contains(d - 1)).ToArray());
                };
            }
            case KerasTFOp.MatMul:
            {
                // The engine's matmul is NumPy's (1-D operands promoted, stacked axes broadcast), on Keras's layout as here;
                // tf.linalg.matmul's transpose of a tensor operand swaps its last two axes first.
                Tensor<T> Operand(object[] v, int i)
                {
                    Tensor<T> x = Float(v[i], name);
                    return op.TransposesTensor(i) ? ops.Permute(x, [.. Enumerable.Range(0, x.Rank - 2), x.Rank - 1, x.Rank - 2]) : x;
                }
                if (op.ConstantArray is { } matrix)
                {
                    Tensor<T> k = Constant(matrix.Values, matrix.Shape);
                    return v => op.ConstantFirst ? ops.MatMul(k, Operand(v, 0)) : ops.MatMul(Operand(v, 0), k);
                }
                return v => ops.MatMul(Operand(v, 0), Operand(v, 1));
            }
            case KerasTFOp.Softmax:
            {
                // exp(x − max) / Σ exp(x − max) over the axes together (NumPy's softmax with a tuple axis); the engine's
                // reductions keep the reduced axes as 1s, which the division broadcasts back.
                int[] axes = KerasTFOpShapes.ReducedAxes(op, layer.InputShapes[0].Length, name).Select(a => a + 1).ToArray();
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    Tensor<T> e = ops.Unary(UnaryOp.Exp, ops.Binary(BinaryOp.Subtract, x, ops.Reduce(ReduceOp.Max, x, axes, true)));
                    return ops.Binary(BinaryOp.Divide, e, ops.Reduce(ReduceOp.Sum, e, axes, true));
                };
            }
        }
        BinaryOp binary = op.Op switch
        {
            KerasTFOp.Add or KerasTFOp.BiasAdd => BinaryOp.Add,
            KerasTFOp.Subtract => BinaryOp.Subtract,
            KerasTFOp.Multiply => BinaryOp.Multiply,
            KerasTFOp.Divide => BinaryOp.Divide,
            KerasTFOp.Maximum => BinaryOp.Maximum,
            KerasTFOp.Minimum => BinaryOp.Minimum,
            KerasTFOp.Power => BinaryOp.Power,
            _ => throw new NotSupportedException($"layer `{name}`: {op.Label} has no numerics implementation"),
        };
        if (op.Constant is double c)
        {
            Tensor<T> k = Constant([c], []);   // float32(0.1) for a float32 model, as TensorFlow converts it
            return v => op.ConstantFirst ? ops.Binary(binary, k, Float(v[0], name)) : ops.Binary(binary, Float(v[0], name), k);
        }
        if (op.ConstantArray is { } array)
        {
            Tensor<T> k = Constant(array.Values, array.Shape);
            return v => op.ConstantFirst ? ops.Binary(binary, k, Float(v[0], name)) : ops.Binary(binary, Float(v[0], name), k);
        }
        return v =>
        {
            Tensor<T>[] x = Merged(v, layer);   // checks the two shapes broadcast, naming the layer
            return ops.Binary(binary, x[0], x[1]);
        };
    }

    /// <summary>Python's slicing per axis (<see cref="KerasTFOpShapes.Slice"/>): each output cell reads input cell
    /// start + i·step on a sliced axis, the index on an indexed one (dropped from the output).</summary>
    private static Tensor<T> SliceTensor(Tensor<T> x, KerasLayer layer, TFOpSpec op)
    {
        long[] shape = x.Lengths.ToArray().Select(n => (long)n).ToArray();
        (KerasTFOpShapes.Axis[] axes, _) = KerasTFOpShapes.Slice(op, shape[1..], layer.Name, layer.ClassName);
        int rank = shape.Length;
        var start = new long[rank];
        var step = new long[rank];
        var count = new long[rank];
        (start[0], step[0], count[0]) = (0, 1, shape[0]);
        for (int d = 1; d < rank; d++) (start[d], step[d], count[d]) = axes[d - 1].Resolve(shape[d], layer.Name);
        var strides = new long[rank];
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--) { strides[d] = stride; stride *= shape[d]; }
        long cells = count.Aggregate(1L, (a, b) => a * b);
        T[] data = TensorToArray(x), result = new T[cells];
        var index = new long[rank];
        for (long o = 0; o < cells; o++)
        {
            long at = 0;
            for (int d = 0; d < rank; d++) at += (start[d] + index[d] * step[d]) * strides[d];
            result[o] = data[at];
            for (int d = rank - 1; d >= 0 && ++index[d] == count[d]; d--) index[d] = 0;
        }
        nint[] output = [(nint)shape[0], .. Enumerable.Range(1, rank - 1).Where(d => !axes[d - 1].Item.IsIndex).Select(d => (nint)count[d])];
        return Tensor.Create(result, output);
    }
}
