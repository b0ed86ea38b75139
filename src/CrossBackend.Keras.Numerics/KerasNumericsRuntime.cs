using CrossBackend;
using CrossBackend.Keras;
using CrossBackend.Keras.Numerics;

[assembly: KerasRuntime(typeof(KerasNumericsRuntime))]

namespace CrossBackend.Keras.Numerics;

/// <summary>Builds Keras models on the channels-last engine (<c>Tensor&lt;T&gt;</c>), in NHWC with the weights as stored.</summary>
public sealed class KerasNumericsRuntime : IKerasRuntime
{
    /// <inheritdoc/>
    public string EngineName => "numerics";

    /// <inheritdoc/>
    public IKerasNetwork Build(KerasModel model, DType dtype = DType.Float32) => dtype switch
    {
        DType.Float32 => new KerasNumericsModel<float>(model),
        DType.Float64 => new KerasNumericsModel<double>(model),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Argument `dtype` must be float32 or float64. Received: dtype={dtype.Name()}"),
    };
}
