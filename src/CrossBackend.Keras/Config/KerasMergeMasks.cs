namespace CrossBackend.Keras;

/// <summary>
/// What a merge layer (Add, Subtract, Multiply, Average, Maximum, Minimum) or Concatenate does with its inputs' masks,
/// by the Keras that wrote the file, as read in each one's sources:
/// <list type="bullet">
/// <item>Keras 2 (tf.keras 2's keras/layers/merging/base_merge.py and concatenate.py; standalone Keras 2's
/// keras/layers/merge.py the same): the AND of the masks present (<see cref="KerasMaskRole.MergesAll"/>).</item>
/// <item>Keras 3.0 to 3.3: no output mask. The layers set <c>supports_masking</c>, but <c>Layer.__call__</c> took
/// <c>getattr(first_arg, "_keras_mask", None)</c> of the first argument, the list of inputs, so <c>compute_mask</c>
/// received None (keras-team/keras#19817, reported on 3.3): <see cref="KerasMaskRole.Drops"/>.</item>
/// <item>Keras 3.4 and later (keras-team/keras#19685, merged 2024-05-08 after 3.3.3): the OR, and Multiply, Maximum and
/// Minimum change masked cells (<see cref="KerasMaskRole.MergesAny"/>).</item>
/// </list>
/// A file whose writer is unknown, or known only as "Keras 3" (a <c>.keras</c> archive without <c>metadata.json</c>, a
/// Keras 3 config without a version), is refused rather than given one of these rules.
/// </summary>
internal static class KerasMergeMasks
{
    /// <summary>The role of a merge layer or Concatenate that receives a mask on at least one input.</summary>
    /// <param name="spec">A <see cref="MergeSpec"/> or <see cref="ConcatenateSpec"/>.</param>
    /// <param name="className">Its Keras class, for messages.</param>
    /// <param name="layer">Its name, for messages.</param>
    /// <param name="receives">Whether each input carries a mask.</param>
    /// <param name="inputShapes">The inputs' shapes (batch excluded, −1 unknown).</param>
    /// <param name="kerasVersion">The writer's Keras version.</param>
    public static (KerasMaskRole Role, bool OutputMasked) Plan(LayerSpec spec, string className, string layer, IReadOnlyList<bool> receives,
        IReadOnlyList<long[]>? inputShapes, string? kerasVersion)
    {
        KerasMaskRole role = RuleOf(kerasVersion) ?? throw KerasMasking.Refused(layer, className,
            (kerasVersion is null ? "the file does not say which Keras wrote it" : $"the file says only that Keras {kerasVersion} wrote it") +
            ", and the merge layers' masks depend on the release: Keras 2 ANDs the inputs' masks, Keras 3.0 to 3.3 drop them (Layer.__call__ read the " +
            "mask of the input list, which has none), Keras 3.4 and later OR them and change the masked cells of Multiply, Maximum and Minimum; " +
            "pass the full version (KerasGraph.FromJson(json, \"3.6.0\"), or Build(kerasVersion: \"3.6.0\") of an architecture written in C#), or save the model with a Keras that records it (model.save writes " +
            "keras_version into metadata.json and the .h5 attributes)");
        if (role == KerasMaskRole.Drops) return (role, false);
        if (spec is MergeSpec && inputShapes is { Count: > 0 })
        {
            int rank = inputShapes[0].Length;
            if (inputShapes.Any(s => s.Length != rank))
                throw KerasMasking.Refused(layer, className,
                    "its inputs have different ranks, which Keras expands with expand_dims(x, 1): Keras 3.4 and later then lose the expanded inputs' " +
                    "masks inside the merge while compute_mask still ORs masks of different ranks, and Keras 2 cannot stack them; give the inputs one rank " +
                    "(Reshape) or merge them unmasked");
            for (int d = 0; d < rank; d++)
                if (inputShapes.Select(s => s[d]).Where(v => v >= 0).Distinct().Count() > 1)
                    throw KerasMasking.Refused(layer, className,
                        $"its inputs' shapes {string.Join(", ", inputShapes.Select(KerasLayer.FormatBatchShape))} broadcast against each other (axes of " +
                        "length 1 stretch), and so would their masks, which Keras 2 cannot stack and CrossBackend does not reproduce; merge inputs of one shape");
        }
        // Keras 3.4+: Merge.compute_mask gives None unless every input has a mask; Concatenate's counts the missing as all-true.
        bool masked = role == KerasMaskRole.MergesAll || spec is ConcatenateSpec || receives.All(r => r);
        return (role, masked);
    }

    /// <summary>The refusal when the masks of a merge layer's or Concatenate's inputs cover different steps, which
    /// under a <c>None</c> axis only the runtimes see (<paramref name="sizes"/>: each input's mask, as the runtime measures it).</summary>
    internal static ArgumentException StepsDiffer(KerasLayer layer, IEnumerable<string> sizes) =>
        new($"layer `{layer.Name}` ({layer.ClassName}): its masked inputs cover different steps ({string.Join(", ", sizes)}); Keras combines masks of one shape");

    /// <summary>The rule of the Keras that wrote the file (see the class summary); null when the version does not decide it:
    /// unknown, a bare "3", a 3.4 development build (which may predate the change), or a major version not read.</summary>
    internal static KerasMaskRole? RuleOf(string? version)
    {
        if (KerasConfigReader.Major(version) == 2) return KerasMaskRole.MergesAll;
        return KerasConfigReader.Keras3AtLeast(version, 4) switch { true => KerasMaskRole.MergesAny, false => KerasMaskRole.Drops, null => null };
    }
}
