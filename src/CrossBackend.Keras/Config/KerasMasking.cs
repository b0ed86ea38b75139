namespace CrossBackend.Keras;

/// <summary>What a layer does with Keras's mask: a boolean per step, (batch, steps) for a (batch, steps, features)
/// tensor, carried beside the tensor from layer to layer.</summary>
public enum KerasMaskRole
{
    /// <summary>No mask reaches the layer and it makes none.</summary>
    None,
    /// <summary>Makes a mask: <c>Embedding(mask_zero=True)</c> (ids ≠ 0) or <c>Masking</c> (any feature ≠ the mask value).
    /// A mask reaching either is replaced, not combined: their <c>compute_mask</c> reads only the input (Masking's
    /// <c>call</c> sets its own <c>_keras_mask</c> too).</summary>
    Produces,
    /// <summary>Receives a mask, computes as without one and hands the same mask on (<c>supports_masking = True</c> and
    /// the base <c>compute_mask</c>: Dense, Activation, ReLU, LeakyReLU, ELU, PReLU, the Dropout family,
    /// BatchNormalization at inference, LayerNormalization, GroupNormalization, UnitNormalization), and TimeDistributed as <see cref="KerasTimeDistributedMasks"/>
    /// says.</summary>
    PassesThrough,
    /// <summary>LSTM / GRU / SimpleRNN, and Bidirectional around them (the same mask to both halves): a masked step keeps
    /// the previous states, and its output is the previous output (zeros with <c>zero_output_for_mask</c>, which
    /// Bidirectional sets to return_sequences); the mask goes on with a returned sequence, not with the last output.</summary>
    Recurrent,
    /// <summary>GlobalAveragePooling1D: the sum over unmasked steps divided by their count (0/0, NaN, for a row with
    /// every step masked, as in Keras); no mask goes on.</summary>
    MaskedAverage,
    /// <summary>A layer without <c>supports_masking</c> computes as without a mask and drops it: Keras 3 warns "will
    /// therefore destroy the mask information" (Layer.__call__), tf.keras 2's <c>_set_mask_metadata</c> returns early
    /// without a word. Standalone Keras before 2.4 called <c>compute_mask</c>, which raised "does not support masking",
    /// so such a file from it is refused. Among them Reshape, Flatten, Permute, RepeatVector, the padding, cropping and
    /// up-sampling layers and the transposed convolutions, whose output steps need not be the input's, and the depthwise and
    /// separable convolutions and the global poolings but GlobalAveragePooling1D. Embedding(mask_zero=False) after a mask hands none on
    /// either (its <c>compute_mask</c> returns None), nor does Dot (it supports masking, ignores the masks and its
    /// <c>compute_mask</c> returns None in every Keras). Keras 3.0 to 3.3 drop a mask at the merge layers and Concatenate too (they
    /// support masking, but Layer.__call__ read the mask of the first argument, the list of inputs, which has none).</summary>
    Drops,
    /// <summary>A merge layer (Add, Subtract, Multiply, Average, Maximum, Minimum) or Concatenate as Keras 2 (tf.keras 2
    /// and standalone Keras 2) combines its inputs' masks: the values as without a mask, and the output mask the AND of
    /// the masks present (keras/layers/merging/base_merge.py <c>compute_mask</c>: <c>all</c> over the masks that are not
    /// None); Concatenate counts an unmasked input as all-true and concatenates the masks along its axis, ANDing them
    /// along the last axis (concatenate.py <c>compute_mask</c>: <c>ones_like</c>, <c>expand_dims</c>, <c>all(axis=-1)</c>).
    /// See <see cref="KerasMergeMasks"/>.</summary>
    MergesAll,
    /// <summary>A merge layer or Concatenate as Keras 3.4 and later combine masks (keras/src/layers/merging/, since
    /// keras-team/keras#19685): the output mask is the OR of the inputs' masks when every input has one, none otherwise
    /// (<c>Merge.compute_mask</c>); Concatenate counts an unmasked input as all-true, concatenates along its axis and ORs
    /// along the last axis (<c>any(axis=-1)</c>: a masked and an unmasked input give an all-true mask). Add, Subtract,
    /// Average and Concatenate compute as without a mask; Multiply reads a masked cell as 1 and, when every input is
    /// masked, gives 0 where all are masked; Maximum and Minimum take the running result at a masked cell
    /// (<c>_apply_merge_op_and_or_mask</c>). See <see cref="KerasMergeMasks"/>.</summary>
    MergesAny,
    /// <summary>MultiHeadAttention, Attention or AdditiveAttention with masked inputs: masked keys (and, in
    /// MultiHeadAttention, masked queries) get −1e9 before the softmax, a fully masked row is uniform, Attention zeroes
    /// masked query steps; the output carries the query's mask by the writer's release. See <see cref="KerasAttentionMasks"/>.</summary>
    Attends,
}

/// <summary>
/// Keras's mask propagation over a graph (Keras 3 keras/src/layers/layer.py <c>__call__</c> and
/// <c>_set_mask_metadata</c>; tf.keras 2 keras/engine/base_layer.py <c>_set_mask_metadata</c>): which layer makes,
/// passes, uses or drops a mask. Anything else that receives one is refused by name rather than computed to other numbers.
/// </summary>
internal static class KerasMasking
{
    /// <summary>The role of a layer whose inputs do (<paramref name="receives"/>) or do not carry a mask, and whether
    /// its output carries one.</summary>
    /// <param name="spec">The layer's settings.</param>
    /// <param name="className">Its Keras class, for the Softmax layer (an <c>ActivationSpec</c> like Activation, but it
    /// uses the mask) and for messages.</param>
    /// <param name="layer">Its name, for messages.</param>
    /// <param name="receives">Whether an input carries a mask, one flag per input.</param>
    /// <param name="kerasVersion">The writer's Keras version ("2.11.0", "2.2.4-tf", "3"), or null when unknown.</param>
    /// <param name="inputShapes">The inputs' shapes (batch excluded), which the merge layers' mask rules read.</param>
    /// <param name="outputShape">The output's shape (batch excluded), which TimeDistributed's rule reads.</param>
    /// <param name="module">Keras 3's <c>module</c> of the config entry, which tells a functional op (<c>keras.src.ops.numpy</c>
    /// Multiply) from the layer of the same class name; null for a layer of tf.keras 2 or of an architecture written in C#.</param>
    public static (KerasMaskRole Role, bool OutputMasked) Plan(LayerSpec spec, string className, string layer, IReadOnlyList<bool> receives, string? kerasVersion,
        IReadOnlyList<long[]>? inputShapes = null, long[]? outputShape = null, string? module = null)
    {
        if (spec is EmbeddingSpec { MaskZero: true } or MaskingSpec) return (KerasMaskRole.Produces, true);
        if (!receives.Any(r => r)) return (KerasMaskRole.None, false);
        // tf.keras 2's TFOpLambda / SlicingOpLambda (keras/layers/core/tf_op_layer.py) set neither supports_masking nor a
        // mask argument, so Layer._get_input_masks hands compute_mask no mask and _set_mask_metadata sets none: the op
        // computes as without a mask and drops it. Only tf.keras 2.4 and later write these layers.
        // A Keras 3 functional op is an Operation, not a Layer: Operation.__call__ (keras/src/ops/operation.py) neither reads
        // nor sets a mask, so its output has none, as a TFOpLambda's.
        if (KerasOpsCall.IsOpOnTensors(className, module)) return (KerasMaskRole.Drops, false);
        switch (spec)
        {
            case MergeSpec or ConcatenateSpec:
                return KerasMergeMasks.Plan(spec, className, layer, receives, inputShapes, kerasVersion);
            case MultiHeadAttentionSpec or AttentionSpec:
                return KerasAttentionMasks.Plan(spec, className, layer, receives, kerasVersion);
            case ActivationSpec when className == "Softmax":
                throw Refused(layer, className,
                    "Keras's Softmax layer adds (1 - mask) * -1e9 to its input with the mask broadcast from the last axis, so a (batch, steps) mask " +
                    "meets a (batch, steps, features) input's (steps, features) axes: Keras raises or mixes axes. Use Activation(\"softmax\"), which " +
                    "passes the mask on unused");
            case DenseSpec or DropoutSpec or ActivationSpec or PReLUSpec or BatchNormSpec or LayerNormSpec:
                return (KerasMaskRole.PassesThrough, true);
            case GroupNormSpec or UnitNormSpec:
                // Keras 3 keras/src/layers/normalization/{group,unit}_normalization.py and tf.keras 2's: supports_masking = True,
                // call(self, inputs) without a mask and the base compute_mask, so the mask goes on unchanged.
                return (KerasMaskRole.PassesThrough, true);
            case DotSpec:
                // keras/src/layers/merging/dot.py (tf.keras 2 keras/layers/merging/dot.py, standalone Keras 2 merge.py alike):
                // supports_masking = True, _merge_function ignores the masks and compute_mask returns None, in every release.
                return (KerasMaskRole.Drops, false);
            case RecurrentSpec { Unroll: true, GoBackwards: true, ZeroOutputForMask: true }:
                // keras/src/backend/tensorflow/rnn.py, unrolled branch: the outputs (in processing order, reversed) are
                // zeroed with the mask in input order, so the zeros land on other steps than the masked ones.
                throw Refused(layer, className,
                    "with unroll=True, go_backwards=True and zero_output_for_mask=True Keras's unrolled loop zeroes the reversed outputs with the " +
                    "unreversed mask, which CrossBackend does not reproduce; save the model with unroll=False (the same weights)");
            case RecurrentSpec r:
                return (KerasMaskRole.Recurrent, r.ReturnSequences);
            case BidirectionalSpec b when b.Forward.ReturnSequences && (b.Forward is { Unroll: true, GoBackwards: true } || b.Backward is { Unroll: true, GoBackwards: true }):
                // Bidirectional sets zero_output_for_mask = return_sequences on both halves, so an unrolled backward half
                // meets the unrolled-loop corner refused above for a plain layer.
                throw Refused(layer, className,
                    "with return_sequences=True Bidirectional sets zero_output_for_mask=True on both halves, and with unroll=True Keras's unrolled loop " +
                    "zeroes the backward half's reversed outputs with the unreversed mask, which CrossBackend does not reproduce; save the model with " +
                    "unroll=False (the same weights)");
            case BidirectionalSpec b:
                // Keras 3 keras/src/layers/rnn/bidirectional.py and tf.keras 2 keras/layers/rnn/bidirectional.py: call hands the same
                // mask to both halves (the backward one reads it reversed, as go_backwards reverses its input); compute_mask
                // returns the input mask with return_sequences (one merged output) and None without.
                return (KerasMaskRole.Recurrent, b.Forward.ReturnSequences);
            case GlobalPoolingSpec { Rank: 1, Kind: KerasPoolingKind.Average }:
                return (KerasMaskRole.MaskedAverage, false);
            case EmbeddingSpec:
                // Embedding(mask_zero=False) after a mask (Keras casts its input to int ids): supports_masking = mask_zero and
                // compute_mask returns None without mask_zero (keras/src/layers/core/embedding.py; tf.keras 2
                // keras/layers/core/embedding.py the same; standalone Keras's compute_mask override returned None too, without
                // raising), so no Keras hands a mask on from it. (With mask_zero=True it makes its own, above.)
                return (KerasMaskRole.Drops, false);
            case RescalingSpec or NormalizationSpec or CenterCropSpec or IdentitySpec or ResizingSpec:
                return KerasPreprocessing.Masks(spec, className, layer, kerasVersion);
            case TimeDistributedSpec t:
                return KerasTimeDistributedMasks.Plan(t, className, layer, kerasVersion, inputShapes, outputShape);
            case GlobalPoolingSpec or ReshapeSpec or FlattenSpec or ConvSpec or PoolingSpec or PermuteSpec or RepeatVectorSpec
                or ZeroPaddingSpec or CroppingSpec or UpSamplingSpec or DepthwiseConv2DSpec or Conv2DTransposeSpec:
                // Checked in the sources: none sets supports_masking, overrides compute_mask or takes a mask in call (Keras 3
                // keras/src/layers/reshaping/{reshape,flatten,permute,repeat_vector,zero_padding1d/2d/3d,cropping1d/2d/3d,
                // up_sampling1d/2d/3d}.py, pooling/{base_pooling,base_global_pooling,global_max_pooling1d,
                // global_{average,max}_pooling{2,3}d}.py, convolutional/base_conv.py for Conv1D/2D/3D, base_depthwise_conv.py
                // for DepthwiseConv1D/2D, base_separable_conv.py for SeparableConv1D/2D, base_conv_transpose.py for
                // Conv1D/2D/3DTranspose; tf.keras 2 keras/layers/reshaping/*.py, pooling/base_pooling{1,2,3}d.py,
                // base_global_pooling{2,3}d.py and global_{average,max}_pooling{2,3}d.py, convolutional/base_conv.py, with
                // base_depthwise_conv.py and base_separable_conv.py subclassing its Conv and conv{1,2,3}d_transpose.py its
                // Conv1D/2D/3D, their call(self, inputs) taking no mask), so Keras 3's Layer.__call__ warns and sets no mask,
                // and tf.keras 2's _set_mask_metadata returns at `if not self._supports_masking`. For the padding, cropping,
                // up-sampling and transposed layers that is what keeps a (batch, steps) mask from meeting a sequence of another
                // length: neither Keras re-indexes it. (GlobalAveragePooling1D, the one global pooling whose call takes the
                // mask, is matched above.)
                return DropsUnsupported(layer, className, kerasVersion);
            default:
                throw Refused(layer, className, "CrossBackend has not checked what Keras does with a mask in this layer");
        }
    }

    /// <summary>A layer without masking support drops the mask in Keras 3 and tf.keras; standalone Keras before 2.4 raised
    /// there, and an unknown writer is refused.</summary>
    internal static (KerasMaskRole Role, bool OutputMasked) DropsUnsupported(string layer, string className, string? kerasVersion) =>
        DropsUnsupportedMasks(kerasVersion) switch
        {
            true => (KerasMaskRole.Drops, false),
            false => throw Refused(layer, className,
                $"the file was written by Keras {kerasVersion}, whose Layer.__call__ called compute_mask, which raises \"does not support masking, " +
                "but was passed an input_mask\" for it (standalone Keras before 2.4), so that Keras cannot have built this model"),
            null => throw Refused(layer, className,
                "tf.keras 2 and Keras 3 drop the mask there (the layer does not support masking) while standalone Keras before 2.4 raised, and the " +
                "file does not say which Keras wrote it; pass the Keras version (KerasGraph.FromJson(json, \"3\"), or Build(kerasVersion: \"3\") of an architecture written in C#)"),
        };

    /// <summary>Whether the writer drops a mask at a layer without masking support: Keras 3 and tf.keras (its versions
    /// 2.4 and later, and the "-tf" versions before) do; standalone Keras before 2.4 raised; null when unknown.</summary>
    internal static bool? DropsUnsupportedMasks(string? version)
    {
        int? major = KerasConfigReader.Major(version);
        if (major is null) return null;
        if (major >= 3 || version!.EndsWith("-tf", StringComparison.Ordinal)) return true;
        return major == 2 && KerasConfigReader.Minor(version) >= 4;
    }

    internal static NotSupportedException Refused(string layer, string className, string why) => new(
        $"layer `{layer}` ({className}) receives a mask (from an Embedding with mask_zero=True or a Masking layer before it): {why}. " +
        "Save the model without the mask (mask_zero=False, no Masking layer) if the layers after it do not need it, or keep the " +
        "masked part to layers that pass or use it (Dense, activations, Dropout, normalization, LSTM, GRU, SimpleRNN, Bidirectional, " +
        "TimeDistributed, GlobalAveragePooling1D, the merge layers and Concatenate, the attention layers)");
}
