using System.Numerics.Tensors;
using TorchSharp;

namespace CrossBackend.Tests.EngineSpecific;

/// <summary>
/// Non-contiguous views, for the tests that check strided inputs on every engine. Making a view is not part of the
/// engine contract (<see cref="ITensorEngine.MoveAxis"/> returns dense tensors), so it is done here per tensor type:
/// TorchSharp's transpose and System.Numerics.Tensors' PermuteDimensions both return views over the same memory.
/// An engine not listed gets its tensor back unchanged (still tested, but only contiguous): add its view here.
/// </summary>
public static class StridedViews
{
    /// <summary>A view with <paramref name="tensor"/>'s shape and values whose axes 0 and 1 are stored swapped
    /// (so it is not contiguous); rank-1 tensors come back unchanged.</summary>
    public static object Of(ITensorEngine engine, object tensor)
    {
        if (engine.Describe(tensor).Rank < 2) return tensor;
        object swapped = engine.MoveAxis(tensor, 0, 1);   // dense, axes 0 and 1 exchanged
        object view = swapped switch
        {
            torch.Tensor t => t.transpose(0, 1),
            Tensor<float> t => Permuted(t),
            Tensor<double> t => Permuted(t),
            Tensor<int> t => Permuted(t),
            Tensor<long> t => Permuted(t),
            _ => tensor,
        };
        // The dense copy is referenced by nothing else during TorchSharp's transpose, which does not keep it alive
        // itself: its finalizer could free it under libtorch (the view then holds the storage).
        GC.KeepAlive(swapped);
        return view;
    }

    private static Tensor<T> Permuted<T>(Tensor<T> t)
    {
        int[] order = Enumerable.Range(0, t.Rank).ToArray();
        (order[0], order[1]) = (1, 0);
        return Tensor.PermuteDimensions(t, order);
    }
}
