using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>Moves between the module's channels-first tensors and Keras's channels-last layout for layers whose
/// settings name Keras's axes (Reshape, Dot, the TensorFlow ops): the channel dimension 1 goes last and back. Tensors of
/// rank 2 or less have one layout. Views, not copies.</summary>
internal static class TorchKerasLayout
{
    /// <summary>A channels-first tensor in Keras's layout (dimension 1 moved last).</summary>
    public static Tensor ToKeras(Tensor x) => x.dim() >= 3 ? x.movedim([1], [-1]) : x;

    /// <summary>A Keras-layout tensor channels-first (its last dimension moved to 1).</summary>
    public static Tensor FromKeras(Tensor y) => y.dim() >= 3 ? y.movedim([-1], [1]) : y;
}
