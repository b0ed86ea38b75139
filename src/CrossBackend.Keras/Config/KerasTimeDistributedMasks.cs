namespace CrossBackend.Keras;

/// <summary>
/// What <c>TimeDistributed(inner)</c> does with a Keras mask reaching it, read from the two Keras sources:
/// <list type="bullet">
/// <item><b>Keras 3</b> (keras/src/layers/rnn/time_distributed.py): <c>supports_masking = True</c> and no
/// <c>compute_mask</c> of its own, so the base <c>Layer.compute_mask</c> hands the input's mask on unchanged, whatever
/// the inner layer; <c>call</c> gives the inner layer the step's slice <c>mask[i]</c> only when the inner
/// <c>call</c> takes a <c>mask</c> argument (<c>_call_has_mask_arg</c>).</item>
/// <item><b>tf.keras 2</b> (keras/layers/rnn/time_distributed.py, the reshape path every built-in layer takes:
/// <c>_always_use_reshape</c>): <c>call</c> passes the mask reshaped to (batch·time, …) only to an inner <c>call</c>
/// with a <c>mask</c> argument; <c>compute_mask</c> asks the inner layer's <c>compute_mask</c> with that reshaped mask
/// and reshapes its answer back to (batch, time, …). An inner layer with <c>supports_masking</c> and the base
/// <c>compute_mask</c> returns the mask as it came, so the wrapper hands the input's mask on; an inner layer without
/// masking support raises "does not support masking, but was passed an input_mask" there (keras/engine/base_layer.py
/// <c>compute_mask</c>), so tf.keras 2 cannot build such a model.</item>
/// </list>
/// None of the inner layers CrossBackend accepts uses the mask in its computation: Dense, Dropout, Activation, ReLU,
/// LeakyReLU and ELU pass it (both Keras), the convolutions, poolings and Flatten do not support masking, and
/// GlobalAveragePooling1D, whose <c>call</c> takes a mask, is refused. The wrapped computation is therefore the unmasked
/// one, and the question is only which mask goes on.
/// </summary>
internal static class KerasTimeDistributedMasks
{
    /// <summary>The role of a TimeDistributed layer that receives a mask.</summary>
    /// <param name="spec">The wrapper's settings (its inner layer).</param>
    /// <param name="className">"TimeDistributed", for messages.</param>
    /// <param name="layer">The wrapper's name, for messages.</param>
    /// <param name="kerasVersion">The writer's Keras version, or null when unknown.</param>
    /// <param name="inputShapes">The wrapper's input shape (batch excluded): (time, …, features).</param>
    /// <param name="outputShape">Its output shape (batch excluded), for Keras 3's unchanged mask.</param>
    public static (KerasMaskRole Role, bool OutputMasked) Plan(TimeDistributedSpec spec, string className, string layer, string? kerasVersion,
        IReadOnlyList<long[]>? inputShapes, long[]? outputShape)
    {
        string inner = spec.InnerClassName;
        switch (spec.Inner)
        {
            case GlobalPoolingSpec { Rank: 1, Kind: KerasPoolingKind.Average }:
                // Its call takes a mask: Keras 3 hands it the step's slice, tf.keras 2 the mask reshaped to (batch·time, …).
                // A (batch, time) mask slices to (batch,), which its expand_dims(mask, 2) cannot take; a longer one would
                // give a masked average per step whose output mask Keras 3 and tf.keras 2 then form differently.
                throw KerasMasking.Refused(layer, className,
                    $"Keras hands the wrapped {inner} its own slice of the mask (its call takes a mask), a (batch,) slice of a (batch, time) mask " +
                    "that its expand_dims(mask, 2) cannot take, and CrossBackend does not build the wrapped layer with a mask");
            case DenseSpec or DropoutSpec or ActivationSpec:
                // supports_masking with the base compute_mask in Keras 3 and tf.keras 2 (standalone Keras 2 too): the mask
                // goes on as it came, under every writer.
                return (KerasMaskRole.PassesThrough, true);
        }
        int? major = KerasConfigReader.Major(kerasVersion);
        if (major is null)
            throw KerasMasking.Refused(layer, className,
                $"Keras 3 hands the mask on unchanged past the wrapped {inner}, while tf.keras 2's TimeDistributed.compute_mask asks {inner}'s " +
                "compute_mask, which raises \"does not support masking\", and the file does not say which Keras wrote it; pass the Keras version " +
                "(KerasGraph.FromJson(json, \"3\"), or Build(kerasVersion: \"3\") of an architecture written in C#)");
        if (major < 3)
            throw KerasMasking.Refused(layer, className,
                $"the file says Keras {kerasVersion}, whose TimeDistributed.compute_mask asks the wrapped {inner}'s compute_mask with the mask " +
                "reshaped to (batch·time, …), which raises \"does not support masking, but was passed an input_mask\" for a layer without " +
                "masking support, so that Keras cannot have built this model");
        // Keras 3: the (batch, time, …) mask goes on unchanged. It still describes the output only where the inner layer
        // keeps every axis the mask covers (all but the features).
        long[]? input = inputShapes is { Count: > 0 } ? inputShapes[0] : null;
        bool fits = input is not null && outputShape is not null && input.Length == outputShape.Length
            && input[1..^1].All(n => n >= 0) && input[1..^1].SequenceEqual(outputShape[1..^1]);
        if (!fits)
            throw KerasMasking.Refused(layer, className,
                $"Keras 3 hands the input's mask, over its axes {Axes(input)}, on unchanged though the wrapped {inner} makes them {Axes(outputShape)}: " +
                "the layers after it would read a mask of another shape than their input, which CrossBackend does not reproduce");
        return (KerasMaskRole.PassesThrough, true);
    }

    /// <summary>(time, a, b) for a shape (time, a, b, features), in Keras's words (None for an unknown length).</summary>
    private static string Axes(long[]? shape) => shape is null ? "(unknown)"
        : "(batch, " + string.Join(", ", shape[..^1].Select(n => n < 0 ? "None" : n.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";
}
