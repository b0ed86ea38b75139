namespace CrossBackend.Keras;

/// <summary>Output shapes (channels-last, batch excluded, −1 unknown) of the <see cref="TFOpSpec"/> ops, as TensorFlow's
/// shape functions give them, and the per-axis reading of a slice spec shared by both runtimes.</summary>
internal static class KerasTFOpShapes
{
    public static long[] Infer(TFOpSpec op, IReadOnlyList<long[]> inputs, string layer, string className)
    {
        int expected = op.TwoTensors ? 2 : 1;
        if (inputs.Count != expected)
            throw new InvalidDataException($"layer `{layer}` ({className}, {op.Label}) takes {expected} tensor(s), the config connects {inputs.Count}");
        long[] x = inputs[0];
        return op.Op switch
        {
            _ when op.ElementWiseUnary => x,
            KerasTFOp.ExpandDims => ExpandDims(op, x, layer),
            KerasTFOp.Squeeze => Squeezed(x, SqueezedAxes(op, x, layer)),
            KerasTFOp.MatMul => KerasMatMulShapes.Infer(op, inputs, layer, className),
            _ when op.Constant is not null => x,
            KerasTFOp.BiasAdd => BiasAdd(op, x, layer, className),
            _ when op.ConstantArray is { } c => WithConstant(op, x, c.Shape, layer, className),
            _ when op.Binary => Broadcast(op, x, inputs[1], layer, className),
            KerasTFOp.ReduceMean or KerasTFOp.ReduceSum or KerasTFOp.ReduceMax or KerasTFOp.ReduceMin => Reduce(op, x, layer, className),
            KerasTFOp.Softmax => SoftmaxShape(op, x, layer),
            _ => Slice(op, x, layer, className).Shape,
        };
    }

    /// <summary>Two tensors of one rank: per axis equal lengths or a 1 stretched (NumPy's rule, TensorFlow's). Different
    /// ranks are refused (<see cref="KerasBatchAxisOps.DifferentRanks"/>): NumPy lines shapes up from the last axis, batch
    /// axis included, so the lower-rank tensor's batch axis would meet a non-batch axis of the other.</summary>
    private static long[] Broadcast(TFOpSpec op, long[] a, long[] b, string layer, string className)
    {
        if (a.Length != b.Length)
            throw new NotSupportedException(
                $"layer `{layer}` ({className}) calls {op.Label} on " +
                KerasBatchAxisOps.DifferentRanks(a, b, op.IsTensorFlowFunction ? "tf.expand_dims(y, 1)" : "ops.expand_dims(y, axis=1)") + ", which is not supported");
        return ShapeInference.BroadcastSameRank(a, b) ?? throw new InvalidDataException(
            $"layer `{layer}` ({className}, {op.Label}): shapes {KerasLayer.FormatBatchShape(a)} and {KerasLayer.FormatBatchShape(b)} do not broadcast");
    }

    /// <summary>A constant array against the tensor's non-batch axes: NumPy's broadcasting from the last axis, which
    /// TensorFlow's binary ops follow. A constant that reaches the batch axis is refused unless its length there is 1;
    /// an axis the architecture leaves unknown (None) is refused where the constant has more than one cell, as the
    /// result would hang on the length fed.</summary>
    public static long[] WithConstant(TFOpSpec op, long[] x, long[] constant, string layer, string className)
    {
        long[] c = constant.Length == x.Length + 1 && constant[0] == 1 ? constant[1..] : constant;
        if (c.Length > x.Length)
            throw new NotSupportedException(
                $"layer `{layer}` ({className}) calls {op.Label} with a constant of shape ({string.Join(", ", constant)}) on a tensor of shape " +
                $"{KerasLayer.FormatBatchShape(x)}: the constant reaches the batch axis, which is not supported; give it at most {x.Length} axes (or a 1 first)");
        var output = (long[])x.Clone();
        for (int i = 1; i <= c.Length; i++)
        {
            long p = x[^i], q = c[^i];
            if (q == 1 || p == q) continue;
            if (p < 0)
                throw new NotSupportedException(
                    $"layer `{layer}` ({className}) calls {op.Label} with a constant of shape ({string.Join(", ", constant)}) on a tensor of shape " +
                    $"{KerasLayer.FormatBatchShape(x)}, whose axis {x.Length - i + 1} has an unknown length: not supported; give the input a fixed length on that axis");
            output[^i] = p == 1 ? q : throw new InvalidDataException(
                $"layer `{layer}` ({className}, {op.Label}): a constant of shape ({string.Join(", ", constant)}) does not broadcast against {KerasLayer.FormatBatchShape(x)}");
        }
        return output;
    }

    /// <summary>tf.nn.bias_add: a bias as long as the last axis (TensorFlow's BiasAdd stretches nothing), on a tensor
    /// with at least one non-batch axis.</summary>
    private static long[] BiasAdd(TFOpSpec op, long[] x, string layer, string className)
    {
        long length = op.ConstantArray!.Shape[0];
        if (x.Length == 0 || x[^1] >= 0 && x[^1] != length)
            throw new InvalidDataException(
                $"layer `{layer}` ({className}, {op.Label}): a bias of {length} values does not match the last axis of {KerasLayer.FormatBatchShape(x)}");
        if (x[^1] < 0)
            throw new NotSupportedException(
                $"layer `{layer}` ({className}) calls {op.Label} on a tensor of shape {KerasLayer.FormatBatchShape(x)}, whose last axis has an unknown length: " +
                "not supported; give the input a fixed number of channels");
        return x;
    }

    private static long[] ExpandDims(TFOpSpec op, long[] x, string layer)
    {
        int at = ExpandedAxis(op, x.Length, layer) - 1;   // among the non-batch axes
        return [.. x[..at], 1, .. x[at..]];
    }

    /// <summary>tf.expand_dims' axis in the output (rank + 1 axes, batch included), checked to be a non-batch one:
    /// TensorFlow counts a negative axis from the end of the output (−1 appends).</summary>
    public static int ExpandedAxis(TFOpSpec op, int rank, string layer)
    {
        int axis = op.Axes[0] < 0 ? op.Axes[0] + rank + 2 : op.Axes[0];
        return axis >= 1 && axis <= rank + 1 ? axis : throw new NotSupportedException(
            $"layer `{layer}` ({op.Label}): axis {op.Axes[0]} is the batch axis or out of range for an output of {rank + 2} axes; only a new non-batch axis is supported");
    }

    /// <summary>The axes ops.squeeze removes, as non-batch indices (0 is Keras's axis 1), ascending, from the input's
    /// static shape <paramref name="x"/> (batch excluded, −1 unknown), as keras/src/ops/numpy.py
    /// <c>Squeeze.compute_output_spec</c> decides them: given axes must have length 1 (Keras raises "Cannot squeeze axis"
    /// otherwise, a None length too); axis=None drops every axis whose length is 1 and keeps the others. The backends'
    /// squeeze (tf.squeeze, torch.squeeze, jnp.squeeze) drops, at run time, every axis that then has length 1, so with
    /// axis=None an axis of unknown length would be dropped or kept by the length fed: refused; the batch axis is kept
    /// (per item, as every layer here runs).</summary>
    public static int[] SqueezedAxes(TFOpSpec op, long[] x, string layer)
    {
        bool tf = op.IsTensorFlowFunction;
        if (op.Axes.Length == 0)
        {
            int unknown = Array.IndexOf(x, -1L);
            if (unknown >= 0)
                throw new NotSupportedException(
                    $"layer `{layer}` ({op.Label}): axis=None on a tensor of shape {KerasLayer.FormatBatchShape(x)}, whose axis {unknown + 1} has an unknown " +
                    "length: Keras's shape keeps it, but the backends drop it whenever it is 1 at run time, which cannot be known when loading; give the " +
                    $"axes to squeeze, e.g. {(tf ? "tf.squeeze" : "ops.squeeze")}(x, axis=1)");
            return Enumerable.Range(0, x.Length).Where(d => x[d] == 1).ToArray();
        }
        int[] axes = op.Axes.Select(a => KerasAxes.NonBatch(a, x.Length) ?? throw new NotSupportedException(
            $"layer `{layer}` ({op.Label}): axis {a} is the batch axis or out of range for {x.Length + 1} axes; only non-batch axes of length 1 can be squeezed")).ToArray();
        if (axes.Distinct().Count() != axes.Length) throw new InvalidDataException($"layer `{layer}` ({op.Label}): an axis is listed twice in [{string.Join(", ", op.Axes)}]");
        foreach (int d in axes)
            if (x[d] < 0 && tf)
                // TensorFlow's Squeeze shape function takes an unknown length as 1 when building and fails at run time
                // if it is not: a model tf.keras 2 saves, whose output hangs on the length fed.
                throw new NotSupportedException(
                    $"layer `{layer}` ({op.Label}): axis {d + 1} of {KerasLayer.FormatBatchShape(x)} has an unknown length, which TensorFlow squeezes only " +
                    "if it is 1 at run time; give the input a fixed length 1 on that axis");
            else if (x[d] != 1)
                throw new InvalidDataException(
                    $"layer `{layer}` ({op.Label}): axis {d + 1} of {KerasLayer.FormatBatchShape(x)} has length {(x[d] < 0 ? "None" : x[d])}, not 1; " +
                    (tf ? "TensorFlow's Squeeze refuses it (\"Can not squeeze dim\")"
                        : "Keras's Squeeze refuses it (\"Cannot squeeze axis\")"));
        return axes.Order().ToArray();
    }

    /// <summary>The shape without the squeezed axes.</summary>
    public static long[] Squeezed(long[] x, int[] axes) => x.Where((_, d) => !axes.Contains(d)).ToArray();

    /// <summary>The reduced axes as non-batch indices (0 is Keras's axis 1), checked.</summary>
    public static int[] ReducedAxes(TFOpSpec op, int rank, string layer)
    {
        int[] axes = op.Axes.Select(a => KerasAxes.NonBatch(a, rank) ?? throw new NotSupportedException(
            $"layer `{layer}` ({op.Label}): axis {a} is the batch axis or out of range for {rank + 1} axes; only non-batch axes can be reduced")).ToArray();
        if (axes.Distinct().Count() != axes.Length) throw new InvalidDataException($"layer `{layer}` ({op.Label}): an axis is listed twice in [{string.Join(", ", op.Axes)}]");
        return axes;
    }

    /// <summary>A softmax over several axes keeps the shape; its axes are checked as a reduction's (non-batch, each once).</summary>
    private static long[] SoftmaxShape(TFOpSpec op, long[] x, string layer)
    {
        ReducedAxes(op, x.Length, layer);
        return x;
    }

    private static long[] Reduce(TFOpSpec op, long[] x, string layer, string className)
    {
        int[] axes = ReducedAxes(op, x.Length, layer);
        return op.KeepDims ? x.Select((n, d) => axes.Contains(d) ? 1L : n).ToArray() : x.Where((_, d) => !axes.Contains(d)).ToArray();
    }

    /// <summary>One non-batch axis of a slice: Python's <c>slice(start, stop, step).indices(length)</c>, or an index.</summary>
    public readonly record struct Axis(KerasSliceItem Item)
    {
        /// <summary>The first cell, the step and the cells kept on an axis of <paramref name="length"/> (Python's
        /// slice.indices: bounds clamped to [0, length] for a positive step, to [−1, length − 1] for a negative one,
        /// which then counts down from the last cell by default; an index counts from the end when negative).</summary>
        public (long Start, long Step, long Count) Resolve(long length, string layer)
        {
            if (Item.IsIndex)
            {
                long i = Item.Start!.Value < 0 ? Item.Start.Value + length : Item.Start.Value;
                if (i < 0 || i >= length)
                    throw new ArgumentException($"layer `{layer}` (slice): index {Item.Start} is out of range for an axis of {length}");
                return (i, 1, 1);
            }
            if (Item.Step < 0)
            {
                long Down(long? v, long fallback) => v is null ? fallback : v.Value < 0 ? Math.Max(v.Value + length, -1) : Math.Min(v.Value, length - 1);
                long first = Down(Item.Start, length - 1), end = Down(Item.Stop, -1);
                return (first, Item.Step, first > end ? (first - end - 1) / -Item.Step + 1 : 0);
            }
            long Clamp(long? v, long fallback) => v is null ? fallback : v.Value < 0 ? Math.Max(v.Value + length, 0) : Math.Min(v.Value, length);
            long start = Clamp(Item.Start, 0), stop = Clamp(Item.Stop, length);
            long count = stop > start ? (stop - start + Item.Step - 1) / Item.Step : 0;
            return (start, Item.Step, count);
        }
    }

    /// <summary>The slice per non-batch axis (the Ellipsis expanded, the missing trailing items full slices) and the output shape.</summary>
    public static (Axis[] Axes, long[] Shape) Slice(TFOpSpec op, long[] x, string layer, string className)
    {
        KerasSliceItem[] items = op.Slices[0].IsEllipsis ? op.Slices : op.Slices[1..];   // the batch item, a full slice, dropped
        int given = items.Count(i => !i.IsEllipsis);
        if (given > x.Length)
            throw new InvalidDataException($"layer `{layer}` ({className}): the slice spec indexes {given} non-batch axes, the input {KerasLayer.FormatBatchShape(x)} has {x.Length}");
        var expanded = new List<KerasSliceItem>();
        foreach (KerasSliceItem item in items)
            if (item.IsEllipsis) expanded.AddRange(Enumerable.Repeat(KerasSliceItem.All, x.Length - given));
            else expanded.Add(item);
        while (expanded.Count < x.Length) expanded.Add(KerasSliceItem.All);
        Axis[] axes = expanded.Select(i => new Axis(i)).ToArray();
        var shape = new List<long>();
        for (int d = 0; d < x.Length; d++)
        {
            if (axes[d].Item.IsIndex)
            {
                if (x[d] >= 0) axes[d].Resolve(x[d], layer);   // an index out of range is refused at load when the length is known
                continue;
            }
            shape.Add(x[d] < 0 ? -1 : axes[d].Resolve(x[d], layer).Count);
        }
        return (axes, shape.ToArray());
    }
}
