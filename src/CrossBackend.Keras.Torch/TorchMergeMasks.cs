using CrossBackend.Keras;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>The merge layers' and Concatenate's masks on the TorchSharp runtime (<see cref="KerasMergeMasks"/>): the
/// output mask by the writer's rule, and Keras 3.4+'s masked Multiply, Maximum and Minimum. Masks are bool tensors of
/// the data's axes but the features, in Keras's order ((N, L) for a channels-first (N, C, L) sequence).</summary>
internal static class TorchMergeMasks
{
    /// <summary>The output mask of a merge layer or Concatenate (<see cref="KerasMaskRole.MergesAll"/>: Keras 2's AND
    /// of the masks present; <see cref="KerasMaskRole.MergesAny"/>: Keras 3.4+'s OR, none unless every input of an
    /// element-wise merge has one), or null.</summary>
    public static Tensor? Of(KerasLayer layer, Tensor[] inputs, Tensor?[] masks)
    {
        if (masks.All(m => m is null)) return null;
        bool all = layer.MaskRole == KerasMaskRole.MergesAll;
        if (layer.Spec is ConcatenateSpec c)
        {
            int rank = layer.OutputShape.Length;
            int axis = KerasAxes.NonBatch(c.Axis, rank, layer.Name) + 1;   // Keras's axis with the batch axis, a mask dimension below `rank`
            // An unmasked input counts as all-true (Concatenate.compute_mask's ones_like).
            Tensor[] full = masks.Select((m, i) => m ?? ones(StepShape(inputs[i]), ScalarType.Bool, inputs[i].device)).ToArray();
            if (axis < rank) return cat(full, axis);
            EnsureOneShape(layer, full);
            return Fold(full, all);
        }
        Tensor[] present = masks.Where(m => m is not null).ToArray()!;
        EnsureOneShape(layer, present);
        if (all) return Fold(present, and: true);
        return present.Length < masks.Length ? null : Fold(present, and: false);
    }

    /// <summary>Keras 3.4+'s Multiply, Maximum and Minimum with masked inputs (multiply.py <c>_merge_function</c>,
    /// base_merge.py <c>_apply_merge_op_and_or_mask</c>), each mask broadcast over the channels: Multiply reads a masked
    /// cell as 1 and, when every input has a mask, gives 0 where all are masked; Maximum and Minimum fold in order, a
    /// masked cell of the next input taking the running result, and the running result, where its mask (the OR so far,
    /// none once an unmasked input came) is false, taking that next input.</summary>
    public static Tensor Merge(KerasLayer layer, KerasMergeOp op, Tensor[] x, Tensor?[] masks)
    {
        EnsureOneShape(layer, masks.Select((m, i) => m ?? ones(StepShape(x[i]), ScalarType.Bool, x[i].device)).ToArray());
        Tensor? Spread(Tensor? m, Tensor like) => m?.unsqueeze(like.dim() >= 3 ? 1 : -1);
        if (op == KerasMergeOp.Multiply)
        {
            Tensor product = x.Select((t, i) => Spread(masks[i], t) is { } m ? where(m, t, ones_like(t)) : t).Aggregate((a, b) => a.mul(b));
            if (masks.Any(m => m is null)) return product;
            return where(Spread(Fold(masks!, and: false), product)!, product, zeros_like(product));
        }
        Tensor output = x[0];
        Tensor? outputMask = masks[0];
        for (int i = 1; i < x.Length; i++)
        {
            Tensor next = x[i];
            if (Spread(masks[i], next) is { } m) next = where(m, next, output);
            if (Spread(outputMask, output) is { } om) output = where(om, output, next);
            outputMask = masks[i] is { } mi && outputMask is not null ? outputMask.logical_or(mi) : null;
            output = op == KerasMergeOp.Maximum ? maximum(output, next) : minimum(output, next);
        }
        return output;
    }

    /// <summary>The mask shape of a channels-first tensor: its axes but the channels (dimension 1, or the last of a rank-2 tensor).</summary>
    private static long[] StepShape(Tensor x)
    {
        var sizes = new long[x.ndim];
        for (int d = 0; d < sizes.Length; d++) sizes[d] = x.size(d);
        return sizes.Length >= 3 ? [sizes[0], .. sizes[2..]] : sizes[..^1];
    }

    private static Tensor Fold(Tensor[] masks, bool and) => masks.Skip(1).Aggregate(masks[0], (a, b) => and ? a.logical_and(b) : a.logical_or(b));

    /// <summary>Masks of merged inputs must cover the same steps: with a <c>None</c> axis the shapes are known only here.</summary>
    private static void EnsureOneShape(KerasLayer layer, Tensor[] masks)
    {
        string[] shapes = masks.Select(m => string.Join("x", Enumerable.Range(0, (int)m.ndim).Select(d => m.size(d)))).ToArray();
        if (shapes.Distinct().Count() > 1)
            throw KerasMergeMasks.StepsDiffer(layer, shapes);
    }
}
