using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Numerics;

public sealed partial class KerasNumericsModel<T>
{
    /// <summary>A layer's computation given its inputs and the masks that reach each of them: the merge layers and
    /// Concatenate read every input's mask (<see cref="KerasMergeMasks"/>), every other layer its first input's.</summary>
    private static Func<object[], bool[]?[], object> CompileWithMasks(KerasLayer layer)
    {
        if (layer.MaskRole == KerasMaskRole.MergesAny && layer.Spec is MergeSpec { Op: KerasMergeOp.Multiply or KerasMergeOp.Maximum or KerasMergeOp.Minimum } m)
        {
            Func<object[], object> plain = Compile(layer);
            return (v, masks) => masks.All(x => x is null) ? plain(v) : MaskedMerge(layer, m.Op, Merged(v, layer), masks);
        }
        // The attention layers read every input's mask (query, value, key).
        if (layer.MaskRole == KerasMaskRole.Attends)
        {
            if (layer.Spec is MultiHeadAttentionSpec mha) return MultiHeadAttention(layer, mha);
            if (layer.Spec is AttentionSpec attention) return Attention(layer, attention);
        }
        Func<object[], bool[]?, object> run = CompileMasked(layer);
        return (v, masks) => run(v, masks.Length > 0 ? masks[0] : null);
    }

    /// <summary>The mask a layer's output carries, from its inputs and their masks.</summary>
    private static Func<object[], bool[]?[], bool[]?> MaskWithMasks(KerasLayer layer)
    {
        if (layer.MaskRole is KerasMaskRole.MergesAll or KerasMaskRole.MergesAny)
            return (v, masks) => MergedMask(layer, v, masks);
        Func<object[], bool[]?, bool[]?> mask = MaskOf(layer);
        return (v, masks) => mask(v, masks.Length > 0 ? masks[0] : null);
    }

    /// <summary>Keras 3.4+'s Multiply, Maximum and Minimum with masked inputs (keras/src/layers/merging/multiply.py
    /// <c>_merge_function</c>, base_merge.py <c>_apply_merge_op_and_or_mask</c>), each mask broadcast over the features:
    /// Multiply reads a masked cell as 1 and, when every input has a mask, gives 0 where all are masked; Maximum and
    /// Minimum fold the inputs in order, a masked cell of the next input taking the running result, and the running
    /// result, where its own mask (the OR so far, none once an unmasked input came) is false, taking that next input.</summary>
    private static Tensor<T> MaskedMerge(KerasLayer layer, KerasMergeOp op, Tensor<T>[] x, bool[]?[] masks)
    {
        int features = (int)x[0].Lengths[^1];
        T[][] data = x.Select(TensorToArray).ToArray();
        EnsureOneMaskShape(layer, data.Select(d => features == 0 ? 0 : d.Length / features).ToArray(), masks);
        nint[] shape = x[0].Lengths.ToArray();
        if (op == KerasMergeOp.Multiply)
        {
            for (int i = 0; i < data.Length; i++)
                if (masks[i] is { } m) Fill(data[i], features, m, keep: true, T.One);
            T[] product = TensorToArray(MergeKernel.Merge(data.Select(d => Tensor.Create(d, shape)).ToArray(), BinaryOp.Multiply));
            if (masks.All(m => m is not null)) Fill(product, features, Or(masks!), keep: true, T.Zero);
            return Tensor.Create(product, shape);
        }
        BinaryOp binary = op == KerasMergeOp.Maximum ? BinaryOp.Maximum : BinaryOp.Minimum;
        T[] output = data[0];
        bool[]? outputMask = masks[0];
        for (int i = 1; i < data.Length; i++)
        {
            T[] next = data[i];
            if (masks[i] is { } m) Take(next, output, features, m);           // where(mask, x, output)
            if (outputMask is not null) Take(output, next, features, outputMask);   // where(output_mask, output, x)
            outputMask = masks[i] is { } mi && outputMask is not null ? Or([outputMask, mi]) : null;
            output = TensorToArray(MergeKernel.Merge([Tensor.Create(output, shape), Tensor.Create(next, shape)], binary));
        }
        return Tensor.Create(output, shape);
    }

    /// <summary>The output mask of a merge layer or Concatenate (<see cref="KerasMaskRole.MergesAll"/>: Keras 2's AND;
    /// <see cref="KerasMaskRole.MergesAny"/>: Keras 3.4+'s OR), or null for none.</summary>
    private static bool[]? MergedMask(KerasLayer layer, object[] inputs, bool[]?[] masks)
    {
        if (masks.All(m => m is null)) return null;
        bool all = layer.MaskRole == KerasMaskRole.MergesAll;
        Tensor<T>[] x = inputs.Select(v => Float(v, layer.Name)).ToArray();
        if (layer.Spec is ConcatenateSpec c)
        {
            int rank = (int)x[0].Rank;
            int axis = KerasAxes.NonBatch(c.Axis, rank - 1, layer.Name) + 1;   // with the batch axis
            // An unmasked input counts as all-true (Concatenate.compute_mask's ones_like).
            bool[][] full = masks.Select((m, i) => m ?? Enumerable.Repeat(true, StepCount(x[i])).ToArray()).ToArray();
            if (axis < rank - 1) return ConcatenateMasks(x, full, axis);
            EnsureOneMaskShape(layer, x.Select(StepCount).ToArray(), full);
            return all ? And(full) : Or(full);
        }
        EnsureOneMaskShape(layer, x.Select(StepCount).ToArray(), masks);
        // Keras 2: all over the masks present; Keras 3.4+: None unless every input has one, else the OR.
        if (all) return And(masks.Where(m => m is not null).ToArray()!);
        return masks.Any(m => m is null) ? null : Or(masks!);
    }

    /// <summary>The masks concatenated along <paramref name="axis"/> (counting the batch axis) of the masks' shape,
    /// the data's axes but the last, as <c>ops.concatenate</c> joins them.</summary>
    private static bool[] ConcatenateMasks(Tensor<T>[] x, bool[][] masks, int axis)
    {
        long outer = 1;
        for (int d = 0; d < axis; d++) outer *= x[0].Lengths[d];
        int[] block = x.Select((t, i) => outer == 0 ? 0 : (int)(masks[i].Length / outer)).ToArray();
        var output = new bool[masks.Sum(m => m.Length)];
        int at = 0;
        for (long o = 0; o < outer; o++)
            for (int i = 0; i < masks.Length; i++)
            {
                Array.Copy(masks[i], o * block[i], output, at, block[i]);
                at += block[i];
            }
        return output;
    }

    private static int StepCount(Tensor<T> x) => x.Lengths[^1] == 0 ? 0 : (int)(x.FlattenedLength / x.Lengths[^1]);

    /// <summary>Masks of merged inputs must cover the same steps: with a <c>None</c> axis the shapes are known only here.</summary>
    private static void EnsureOneMaskShape(KerasLayer layer, int[] steps, bool[]?[] masks)
    {
        if (masks.Select((m, i) => m is null ? steps[i] : m.Length).Concat(steps).Distinct().Count() > 1)
            throw KerasMergeMasks.StepsDiffer(layer, steps.Select(s => s.ToString()));
    }

    private static bool[] And(bool[][] masks)
    {
        var result = (bool[])masks[0].Clone();
        foreach (bool[] m in masks.Skip(1)) for (int s = 0; s < result.Length; s++) result[s] &= m[s];
        return result;
    }

    private static bool[] Or(bool[][] masks)
    {
        var result = (bool[])masks[0].Clone();
        foreach (bool[] m in masks.Skip(1)) for (int s = 0; s < result.Length; s++) result[s] |= m[s];
        return result;
    }

    /// <summary>Sets every feature of the steps where <paramref name="mask"/> is not <paramref name="keep"/> to <paramref name="value"/>.</summary>
    private static void Fill(T[] data, int features, bool[] mask, bool keep, T value)
    {
        for (int s = 0; s < mask.Length; s++)
            if (mask[s] != keep) data.AsSpan(s * features, features).Fill(value);
    }

    /// <summary><c>where(mask, target, source)</c> in place on <paramref name="target"/>, the mask broadcast over the features.</summary>
    private static void Take(T[] target, T[] source, int features, bool[] mask)
    {
        for (int s = 0; s < mask.Length; s++)
            if (!mask[s]) source.AsSpan(s * features, features).CopyTo(target.AsSpan(s * features, features));
    }
}
