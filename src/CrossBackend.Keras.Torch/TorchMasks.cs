using CrossBackend.Keras;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>Keras's masks on the TorchSharp runtime: bool tensors of the data's axes but the features ((N, L) for a
/// channels-first (N, C, L) sequence), carried beside each layer's output (see <see cref="KerasMaskRole"/>).</summary>
internal static class TorchMasks
{
    /// <summary>The mask a layer's output carries, from its inputs and the mask that reached it.</summary>
    public static Tensor? Of(KerasLayer layer, Tensor[] inputs, Tensor? mask) => layer.Spec switch
    {
        // Keras's Embedding.compute_mask: not_equal(ids, 0), the ids in Keras's layout.
        EmbeddingSpec { MaskZero: true } => inputs[0].ne(zeros(1, inputs[0].dtype, inputs[0].device)),
        MaskingSpec m => StepMask(inputs[0], m.MaskValue),
        _ => layer.OutputMasked ? mask : null,
    };

    /// <summary>The mask a layer's output carries, from its inputs and each input's mask (null where none): the merge
    /// layers and Concatenate combine them (<see cref="TorchMergeMasks"/>), the other layers read their first input's.</summary>
    public static Tensor? Of(KerasLayer layer, Tensor[] inputs, Tensor?[] masks) =>
        layer.MaskRole is KerasMaskRole.MergesAll or KerasMaskRole.MergesAny
            ? TorchMergeMasks.Of(layer, inputs, masks)
            : Of(layer, inputs, masks.Length > 0 ? masks[0] : null);

    /// <summary>Masking's mask: any(x ≠ mask value) over the features (dimension 1 channels-first, the last for a
    /// rank-2 tensor); a NaN differs.</summary>
    public static Tensor StepMask(Tensor x, double value)
    {
        using Tensor v = tensor(value, x.dtype, x.device);
        return x.ne(v).any(x.dim() >= 3 ? 1 : -1);
    }
}

/// <summary>Masking: x · cast(mask) with the mask over the features (Keras's <c>inputs * cast(boolean_mask)</c>), so a
/// masked step becomes zeros; the mask itself goes on through <see cref="TorchMasks"/>.</summary>
internal sealed class MaskingTorchLayer(string name, double value) : TorchLayer(name)
{
    public override Tensor forward(Tensor[] inputs)
    {
        Tensor x = inputs[0];
        Tensor keep = TorchMasks.StepMask(x, value).unsqueeze(x.dim() >= 3 ? 1 : -1);
        return x.mul(keep.to_type(x.dtype));
    }
}
