namespace CrossBackend.Tests;

/// <summary>
/// Moves channels-last test data (as Keras/NumPy hold it) into one engine's tensors and results back out. The
/// class axis goes where the engine keeps it (axis 1 for channels-first engines).
/// </summary>
public sealed class EngineHarness(ITensorEngine engine)
{
    public ITensorEngine Engine { get; } = engine;

    public override string ToString() => Engine.Name;

    /// <summary>A float tensor of <paramref name="dtype"/> from channels-last data of shape <paramref name="shape"/>.</summary>
    public object Tensor(double[] data, long[] shape, DType dtype) => Engine.FromChannelsLast(dtype switch
    {
        DType.Float32 => data.Select(v => (float)v).ToArray(),
        DType.Float64 => data,
        DType.Int32 => data.Select(v => (int)v).ToArray(),
        DType.Int64 => (Array)data.Select(v => (long)v).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    }, shape);

    /// <summary>A per-element or scalar result as float64 (the class axis is already gone, so no move is needed).</summary>
    public double[] Values(object result) => Engine.ToDoubleArray(result, out _);

    public long[] Shape(object result) => Engine.Describe(result).Shape;
}
