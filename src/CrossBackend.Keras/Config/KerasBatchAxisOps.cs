namespace CrossBackend.Keras;

/// <summary>
/// The op forms whose result has no per-item batch axis — one value for the whole batch, or items paired with the
/// positions of another axis — which the runtimes cannot build: every tensor they hold keeps the batch axis first and
/// each item's values are computed from that item alone. Shared by the tf.keras 2 (<see cref="KerasOpLambdaCall"/>) and
/// Keras 3 (<see cref="KerasOpsCall"/>) readers and the shape rules, so both name the same cause and workaround.
/// </summary>
internal static class KerasBatchAxisOps
{
    /// <summary>The message part for a reduction with <c>axis=None</c>. keras/src/ops/operation_utils.py
    /// <c>reduce_shape</c> (read by numpy.py's <c>Sum</c>, <c>Mean</c>, <c>Max</c>, <c>Min</c>, … in
    /// <c>compute_output_spec</c>) gives <c>()</c> for axis=None, <c>(1, …, 1)</c> with keepdims=True: every axis is
    /// reduced, the batch axis too, so the output is one value for the whole batch (without a batch axis, or with one of
    /// length 1 whatever the batch). TensorFlow's <c>reduce_*</c> (math_ops.py, axis=None: "reduces all dimensions") is
    /// the same.</summary>
    /// <param name="keepDims">keepdims=True.</param>
    /// <param name="tupleExample">How the call writes a list of axes (<c>axis=(1, 2)</c> in Keras 3, <c>axis=[1, 2]</c> in TensorFlow).</param>
    public static string ReduceAll(bool keepDims, string tupleExample) =>
        $"axis=None{(keepDims ? " and keepdims=True" : "")}, which reduces every axis, the batch axis too: the result is one value for the whole batch " +
        (keepDims ? "(shape (1, …, 1), its batch axis of length 1 whatever the batch)" : "(shape (), without a batch axis)") +
        $", which no per-item output holds; give every non-batch axis ({tupleExample} for a (batch, h, w) tensor) for one value per item, " +
        "and combine the items' values after prediction if the batch total is needed";

    /// <summary>Two tensors of different ranks in a binary op: NumPy's broadcasting (TensorFlow's, Keras 3's
    /// operation_utils.py <c>broadcast_shapes</c>) lines the shapes up from the last axis, so the lower-rank tensor's
    /// batch axis meets a non-batch axis of the other: the result pairs the items of one with the positions of that axis
    /// (it runs only for a batch of 1 or of that axis' length).</summary>
    /// <param name="a">The first tensor's shape, batch excluded (−1 unknown).</param>
    /// <param name="b">The second tensor's shape, batch excluded.</param>
    /// <param name="expandDims">How the call adds an axis (<c>ops.expand_dims(y, axis=1)</c>, <c>tf.expand_dims(y, 1)</c>).</param>
    public static string DifferentRanks(long[] a, long[] b, string expandDims)
    {
        bool firstLower = a.Length < b.Length;
        long[] high = firstLower ? b : a, low = firstLower ? a : b;
        int met = high.Length - low.Length;   // Keras's axis number (batch 0) of the higher-rank tensor that the other's batch axis meets
        long length = high[met - 1];
        string which = firstLower ? "first" : "second";
        return $"tensors of shapes {KerasLayer.FormatBatchShape(a)} and {KerasLayer.FormatBatchShape(b)}: NumPy's broadcasting lines shapes up from the last " +
               $"axis, batch included, so the {which} tensor's batch axis meets axis {met} (length {(length < 0 ? "None" : length)}) of the other and the " +
               "result would pair the items of one with the positions of that axis, which no per-item prediction computes; give the lower-rank tensor the " +
               $"missing axes after its batch axis ({expandDims}, or a Reshape) so that the ranks agree";
    }

    /// <summary>Whether a layer's output has a batch axis of static length 1: an InputLayer declaring batch size 1, or
    /// a layer all of whose inputs do (Keras's shapes carry the static batch length through; a merge with a None batch
    /// gives None, operation_utils.py <c>broadcast_shapes</c>).</summary>
    public static bool BatchIsOne(LayerSpec spec, IReadOnlyCollection<bool> inbound) =>
        spec is InputSpec input ? input.BatchSize == 1 : inbound.Count > 0 && inbound.All(one => one);

    /// <summary>A squeeze with axis=None (or tf.squeeze's axis=[]) on a tensor whose batch axis has the static length 1:
    /// keras/src/ops/numpy.py <c>Squeeze.compute_output_spec</c> drops every axis of length 1, and TensorFlow's Squeeze
    /// shape function every static 1, so the batch axis goes too and the output has none.</summary>
    /// <exception cref="NotSupportedException">That case, naming the layer, the op and the fix.</exception>
    public static void EnsureBatchKept(LayerSpec spec, string layer, long[] input, bool batchIsOne)
    {
        if (!batchIsOne || spec is not TFOpSpec { Op: KerasTFOp.Squeeze, Axes.Length: 0 } op) return;
        string example = op.IsTensorFlowFunction ? "tf.squeeze(x, axis=[1])" : "ops.squeeze(x, axis=1)";
        throw new NotSupportedException(
            $"layer `{layer}` ({op.Label}) squeezes a tensor of shape (1{string.Concat(input.Select(n => ", " + (n < 0 ? "None" : n.ToString(System.Globalization.CultureInfo.InvariantCulture))))}) " +
            "with axis=None, and the model's input declares a batch size of 1: Keras then drops the batch axis too (every axis of static length 1 goes, " +
            "Squeeze.compute_output_spec), so its output has no batch axis, which the runtimes (every tensor keeps its batch axis) do not build; give " +
            $"the non-batch axes to squeeze ({example}), or build the model's input with batch size None");
    }
}
