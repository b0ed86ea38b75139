namespace CrossBackend.Keras;

/// <summary>
/// What MultiHeadAttention, Attention and AdditiveAttention do with the Keras masks of their inputs, by the Keras that
/// wrote the file, as read in each one's sources:
/// <list type="bullet">
/// <item>MultiHeadAttention, Keras 3 (keras/src/layers/attention/multi_head_attention.py) and tf.keras 2.10 and later
/// (keras/layers/attention/multi_head_attention.py, <c>_compute_attention_mask</c> reading <c>query._keras_mask</c>,
/// <c>value._keras_mask</c>, <c>key._keras_mask</c>): the (B, T_q, T_k) mask query_mask[:, :, None] &amp;
/// value_mask[:, None, :] &amp; key_mask[:, None, :] (each only where that input carries one; the key's only when a key is
/// passed), AND the causal mask with use_causal_mask; the Softmax layer adds (1 − mask) · −1e9 before the softmax. The
/// output carries the query's mask. tf.keras before 2.10 did not read Keras masks in this layer: refused.</item>
/// <item>Attention / AdditiveAttention (keras/src/layers/attention/attention.py; tf.keras 2's
/// keras/layers/attention/base_dense_attention.py): <c>call(inputs, mask=[query_mask, value_mask])</c> subtracts 1e9 from
/// the scores of masked value steps (the key's mask is not read), ANDed with the causal mask, and multiplies the output by
/// the query mask (masked query steps give zeros); <c>compute_mask</c> returns the query mask. Keras 3.0 to 3.3 use the
/// masks in the call (Layer.__call__ maps <c>_keras_mask</c> over the input list) but hand on no mask: the output mask was
/// computed from <c>getattr(first_arg, "_keras_mask", None)</c> of the list, None (the merge layers' keras-team/keras#19817,
/// see <see cref="KerasMergeMasks"/>). Keras 2 and Keras 3.4+ hand on the query's mask.</item>
/// </list>
/// A row of the scores whose every entry is masked (a masked query step in MultiHeadAttention, a value fully masked) gets
/// −1e9 on every score: in float32 the scores then round to −1e9 alike (for |score| &lt; 32) and the softmax is uniform,
/// 1/T_k each, which both runtimes give in both precisions (recent Keras 3's fused <c>dot_product_attention</c> path on
/// TensorFlow, keras/src/backend/tensorflow/nn.py <c>_apply_masks</c>, a <c>where</c> with −0.7 · 3.38953e38, gives the
/// same uniform row; other backends not checked). Keras 3.10 and later (keras-team/keras#21149, April 2025) multiply the
/// Softmax layer's output by the mask, so a fully masked row there is zeros; MultiHeadAttention takes that layer at
/// inference when it does not take the fused path, which releases skip when dropout &gt; 0 (the condition later became
/// dropout &gt; 0 in training only; the release is not pinned down here): a MultiHeadAttention with dropout &gt; 0 from
/// Keras 3.10 or later, or from a writer known only as "3", is refused when a mask reaches it. With dropout 0 every
/// release from 3.10 takes the fused path at inference.
/// </summary>
internal static class KerasAttentionMasks
{
    /// <summary>The role of an attention layer that receives a mask on at least one input, and whether its output carries one.</summary>
    /// <param name="spec">A <see cref="MultiHeadAttentionSpec"/> or <see cref="AttentionSpec"/>.</param>
    /// <param name="className">Its Keras class, for messages.</param>
    /// <param name="layer">Its name, for messages.</param>
    /// <param name="receives">Whether each input ([query, value(, key)]) carries a mask.</param>
    /// <param name="kerasVersion">The writer's Keras version.</param>
    public static (KerasMaskRole Role, bool OutputMasked) Plan(LayerSpec spec, string className, string layer, IReadOnlyList<bool> receives, string? kerasVersion)
    {
        bool queryMasked = receives.Count > 0 && receives[0];
        if (spec is MultiHeadAttentionSpec)
        {
            // An unknown writer is refused below (tf.keras before 2.10 did not read the masks at all).
            if (spec is MultiHeadAttentionSpec { Dropout: > 0 } && kerasVersion is not null && KerasMaskedSoftmaxZeroes(kerasVersion) != false)
                throw KerasMasking.Refused(layer, className,
                    $"its dropout is {((MultiHeadAttentionSpec)spec).Dropout:R} and the file was written by Keras {kerasVersion}: from Keras 3.10 the Softmax layer " +
                    "multiplies its output by the mask, so a fully masked row of scores (every masked query step) gives zero weights where earlier releases " +
                    "and the fused dot_product_attention path give uniform ones, and which path such a release takes at inference with dropout > 0 is not " +
                    "pinned down; save the model with dropout=0.0 (it acts only in training: the same inference numbers otherwise)");
            return ReadsMasksInMultiHeadAttention(kerasVersion) switch
            {
                true => (KerasMaskRole.Attends, queryMasked),
                false => throw KerasMasking.Refused(layer, className,
                    $"the file was written by Keras {kerasVersion}, and tf.keras reads the Keras masks in MultiHeadAttention only since 2.10 " +
                    "(_compute_attention_mask); what the earlier releases did with them is not reproduced. Save the model with tf.keras 2.10 or later, or Keras 3"),
                null => throw KerasMasking.Refused(layer, className,
                    "tf.keras reads the Keras masks in MultiHeadAttention only since 2.10 and the file does not say which Keras wrote it; pass the " +
                    "version (KerasGraph.FromJson(json, \"2.11.0\"), or Build(kerasVersion: \"2.11.0\") of an architecture written in C#)"),
            };
        }
        if (spec is AttentionSpec { NullMaskInCall: true })
            throw KerasMasking.Refused(layer, className,
                "its Keras 3 call records mask=[None, …], and Keras 3's Layer.__call__ fills the call's mask from the inputs only where that argument " +
                "is None, so Keras would run the layer unmasked while CrossBackend's mask rules say one arrives (Keras records this list only when no " +
                "mask arrived at build time); save the model again, or remove the `mask` entry from the call");
        return KerasMergeMasks.RuleOf(kerasVersion) switch
        {
            KerasMaskRole.MergesAll or KerasMaskRole.MergesAny => (KerasMaskRole.Attends, queryMasked),
            KerasMaskRole.Drops => (KerasMaskRole.Attends, false),
            _ => throw KerasMasking.Refused(layer, className,
                (kerasVersion is null ? "the file does not say which Keras wrote it" : $"the file says only that Keras {kerasVersion} wrote it") +
                ", and whether the output carries the query's mask depends on the release (Keras 2 and 3.4+ hand it on; Keras 3.0 to 3.3 use the masks " +
                "but hand on none, as Layer.__call__ read the mask of the input list); pass the full version (KerasGraph.FromJson(json, \"3.6.0\"), or Build(kerasVersion: \"3.6.0\") of an architecture written in C#)"),
        };
    }

    /// <summary>Whether the writer's Softmax layer multiplies its output by the mask (Keras 3.10 and later,
    /// keras-team/keras#21149): false for Keras 2 and Keras 3.0 to 3.9, null for a bare "3" or an unknown writer.</summary>
    internal static bool? KerasMaskedSoftmaxZeroes(string? version)
    {
        int? major = KerasConfigReader.Major(version);
        if (major is null) return null;
        if (major < 3) return false;
        if (major > 3) return true;
        return KerasConfigReader.Minor(version) is int minor ? minor >= 10 : null;
    }

    /// <summary>Whether the writer's MultiHeadAttention reads its inputs' Keras masks: Keras 3 and tf.keras 2.10+ do,
    /// tf.keras before 2.10 (and the "-tf" releases) did not; null when unknown.</summary>
    internal static bool? ReadsMasksInMultiHeadAttention(string? version)
    {
        int? major = KerasConfigReader.Major(version);
        if (major is null) return null;
        if (major >= 3) return true;
        if (major < 2 || version!.EndsWith("-tf", StringComparison.Ordinal)) return false;
        return KerasConfigReader.Minor(version) is int minor ? minor >= 10 : null;
    }
}
