using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using static CrossBackend.Keras.Torch.TorchKerasLayout;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>tf.keras 2's <c>TFOpLambda</c> / <c>SlicingOpLambda</c> ops (<see cref="TFOpSpec"/>) on channels-first
/// tensors. Element-wise ops run in place of the layout (every axis of two tensors of one rank moved alike, a constant
/// array's channel axis moved to dim 1 as the tensor's); reductions and slices, whose axes are Keras's and may drop
/// one, run on the tensor moved to Keras's layout and move back, as the Reshape layer does.</summary>
internal sealed class TFOpTorchLayer(KerasLayer layer, ScalarType dtype) : TorchLayer(layer.Name)
{
    private readonly TFOpSpec _op = Checked((TFOpSpec)layer.Spec, layer.Name, dtype);

    /// <summary>ops.squeeze's axes among the non-batch ones, from the architecture's shape (empty for other ops).</summary>
    private readonly int[] _squeezed = layer.Spec is TFOpSpec { Op: KerasTFOp.Squeeze } s ? KerasTFOpShapes.SqueezedAxes(s, layer.InputShapes[0], layer.Name) : [];

    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        switch (_op.Op)
        {
            case KerasTFOp.Negative:
                return x.neg();
            case KerasTFOp.Cast:
                return Cast(x);
            case KerasTFOp.Exp:
                return x.exp();
            case KerasTFOp.Log:
                return x.log();
            case KerasTFOp.Sqrt:
                return x.sqrt();
            case KerasTFOp.Square:
                return x.mul(x);   // x · x, exact as TensorFlow's Square
            case KerasTFOp.Abs:
                return x.abs();
            case KerasTFOp.ClipByValue:
            {
                // TensorFlow's order (clip_ops.py): minimum with the upper bound, then maximum with the lower one.
                using Tensor low = tensor(_op.Constant!.Value, x.dtype, x.device), high = tensor(_op.ClipMax, x.dtype, x.device);
                using Tensor upper = x.minimum(high);
                return upper.maximum(low);
            }
            case KerasTFOp.ExpandDims:
            {
                int axis = KerasTFOpShapes.ExpandedAxis(_op, (int)x.ndim - 1, layer.Name);
                return FromKeras(ToKeras(x).unsqueeze(axis)).contiguous();
            }
            case KerasTFOp.ReduceMean or KerasTFOp.ReduceSum or KerasTFOp.ReduceMax or KerasTFOp.ReduceMin:
            {
                long[] dims = KerasTFOpShapes.ReducedAxes(_op, (int)x.ndim - 1, layer.Name).Select(a => (long)a + 1).ToArray();
                Tensor keras = ToKeras(x);
                return FromKeras(_op.Op switch
                {
                    KerasTFOp.ReduceSum => keras.sum(dims, _op.KeepDims),
                    KerasTFOp.ReduceMean => keras.mean(dims, _op.KeepDims),
                    KerasTFOp.ReduceMax => keras.amax(dims, _op.KeepDims),
                    _ => keras.amin(dims, _op.KeepDims),
                });
            }
            case KerasTFOp.Squeeze:
            {
                // The Keras-layout shape without the squeezed axes (each of length 1), the batch axis kept.
                long[] shape = KerasShapes.Of([x])[0];
                return FromKeras(ToKeras(x).reshape(shape.Where((_, d) => d == 0 || !_squeezed.Contains(d - 1)).ToArray())).contiguous();
            }
            case KerasTFOp.MatMul:
                return MatMul(inputs);
            case KerasTFOp.Softmax:
            {
                // exp(x − max) / Σ exp(x − max) over the axes together (NumPy's softmax with a tuple axis), on Keras's layout.
                long[] dims = KerasTFOpShapes.ReducedAxes(_op, (int)x.ndim - 1, layer.Name).Select(a => (long)a + 1).ToArray();
                Tensor keras = ToKeras(x);
                using Tensor max = keras.amax(dims, keepdim: true);
                using Tensor shifted = keras.sub(max);
                using Tensor e = shifted.exp();
                using Tensor sum = e.sum(dims, keepdim: true);
                return FromKeras(e.div(sum)).contiguous();
            }
            case KerasTFOp.Slice:
                return Slice(x);
        }
        if (_op.Constant is double c)
        {
            // TensorFlow converts the Python number to the tensor's dtype first (float32(0.1)); a device tensor, not a
            // CPU scalar, keeps libtorch's CUDA division a true division (it multiplies by 1/b for a CPU scalar).
            using Tensor k = tensor(c, x.dtype, x.device);
            return _op.ConstantFirst ? Apply(k, x) : Apply(x, k);
        }
        if (_op.ConstantArray is { } array)
        {
            using Tensor k = Constant(array, x);
            return _op.ConstantFirst ? Apply(k, x) : Apply(x, k);
        }
        KerasRuntimeShapes.EnsureMergeable(layer, KerasShapes.Of(inputs));   // before libtorch, naming the layer
        return Apply(x, inputs[1]);
    }

    /// <summary>a op b with broadcasting; the alphas passed held (see <see cref="HeldScalars"/>).</summary>
    private Tensor Apply(Tensor a, Tensor b) => _op.Op switch
    {
        KerasTFOp.Add or KerasTFOp.BiasAdd => a.add(b, alpha: HeldScalars.One),
        KerasTFOp.Subtract => a.add(b, alpha: HeldScalars.MinusOne),
        KerasTFOp.Multiply => a.mul(b),
        KerasTFOp.Divide => a.div(b),
        KerasTFOp.Maximum => a.maximum(b),
        KerasTFOp.Minimum => a.minimum(b),
        KerasTFOp.Power => a.pow(b),
        _ => throw new NotSupportedException($"layer `{layer.Name}`: {_op.Label} has no TorchSharp implementation"),
    };

    /// <summary>tf.cast to the module's float dtype. Integer tensors (an integer InputLayer's) are held in Keras's
    /// layout, as token ids are: converted (round to nearest, as TensorFlow's Cast), their last (channel) axis moves to
    /// dim 1 where the rank makes one, so the layers after meet channels-first floats. Float tensors are already the
    /// module's dtype.</summary>
    private Tensor Cast(Tensor x)
    {
        if (x.dtype is ScalarType.Float32 or ScalarType.Float64) return x;
        using Tensor converted = x.to_type(dtype);
        return FromKeras(converted).contiguous();
    }

    /// <summary>A cast to float64 in a float32 module is refused: TensorFlow would run the ops after it in float64, the
    /// module runs everything in its one dtype.</summary>
    private static TFOpSpec Checked(TFOpSpec op, string layer, ScalarType dtype) =>
        op.Op == KerasTFOp.Cast && op.CastTo == DType.Float64 && dtype != ScalarType.Float64
            ? throw new NotSupportedException(
                $"layer `{layer}` calls {op.Label} to float64 in a network built in {dtype}, which is not supported: TensorFlow runs the ops after it " +
                "in float64. Build the network in float64, or cast to float32 in the model")
            : op;

    /// <summary>A constant array in <paramref name="x"/>'s dtype (rounded from the saved doubles, as TensorFlow converts
    /// it) and layout: its shape, aligned with Keras's last axes, gains leading 1s to x's rank, then its last (channel)
    /// axis moves to dim 1 as x's did, so libtorch's broadcasting pairs the same axes as NumPy's on the Keras layout.</summary>
    private static Tensor Constant(KerasTFConstant array, Tensor x)
    {
        long[] shape = [.. Enumerable.Repeat(1L, (int)x.dim() - array.Shape.Length), .. array.Shape];
        return FromKeras(tensor(array.Values, shape, x.dtype, x.device));
    }

    /// <summary>NumPy's matmul on Keras's layout (libtorch's matmul promotes 1-D operands and broadcasts the stacked
    /// axes as NumPy does): the tensor and a constant array in the tensor's dtype (rounded from the saved doubles), or
    /// two tensors; the result moved back channels-first.</summary>
    private Tensor MatMul(Tensor[] inputs)
    {
        // tf.linalg.matmul's transpose_a / transpose_b of a tensor: its last two Keras axes swapped first.
        Tensor Operand(int i) => _op.TransposesTensor(i) ? ToKeras(inputs[i]).transpose(-1, -2) : ToKeras(inputs[i]);
        Tensor a = Operand(0);
        if (_op.ConstantArray is { } array)
        {
            using Tensor k = tensor(array.Values, array.Shape, a.dtype, a.device);
            return FromKeras(_op.ConstantFirst ? k.matmul(a) : a.matmul(k)).contiguous();
        }
        return FromKeras(a.matmul(Operand(1))).contiguous();
    }

    /// <summary>Python's slicing of the Keras-layout tensor, last axis first so that an index dropping its axis does not
    /// move the axes still to slice.</summary>
    private Tensor Slice(Tensor x)
    {
        long[] shape = KerasShapes.Of([x])[0];
        (KerasTFOpShapes.Axis[] axes, _) = KerasTFOpShapes.Slice(_op, shape[1..], layer.Name, layer.ClassName);
        Tensor y = ToKeras(x);
        for (int d = axes.Length - 1; d >= 0; d--)
        {
            (long start, long step, long count) = axes[d].Resolve(shape[d + 1], layer.Name);
            if (axes[d].Item.IsIndex) y = y.select(d + 1, start);
            else if (step < 0)
            {
                // libtorch slices with positive steps only: flip the axis, where cell i is cell length − 1 − i, and walk it forwards.
                long first = count == 0 ? 0 : shape[d + 1] - 1 - start;
                y = y.flip(d + 1).slice(d + 1, first, count == 0 ? first : first + (count - 1) * -step + 1, -step);
            }
            else if (start != 0 || step != 1 || count != shape[d + 1]) y = y.slice(d + 1, start, count == 0 ? start : start + (count - 1) * step + 1, step);
        }
        return FromKeras(y).contiguous();
    }
}
