using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// float16 and bfloat16 predictions: widened to float32, computed by <see cref="NumericsBackend{T}"/> for float, and
/// the result narrowed back to the input's dtype (as the TorchSharp engine does).
/// </summary>
internal sealed class NarrowFloatBackend<TNarrow>(Func<Tensor<TNarrow>, Tensor<float>> widen, Func<Tensor<float>, Tensor<TNarrow>> narrow)
    : ITensorBackend
{
    public string Name => NumericsBackend<float>.EngineName;

    public int ClassAxis => -1;

    public object Invoke(ILossProgram program, object yPred, object yTrue)
    {
        Tensor<float> pred = widen((Tensor<TNarrow>)yPred);
        object target = yTrue is Tensor<TNarrow> t ? widen(t) : yTrue;
        return narrow((Tensor<float>)NumericsBackend<float>.Instance.Invoke(program, pred, target));
    }
}
