using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using TorchSharp;

namespace CrossBackend.Tests.Reliability;

/// <summary>A tensor's exact state: shape, element type, strides/layout and raw element bytes (NaN payloads included).</summary>
public sealed record TensorSnapshot(string Type, long[] Shape, string Layout, byte[] Bytes)
{
    public bool SameAs(TensorSnapshot other) =>
        Type == other.Type && Shape.SequenceEqual(other.Shape) && Layout == other.Layout && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override string ToString() => $"{Type} {string.Join("x", Shape)} {Layout} ({Bytes.Length} bytes)";
}

public static class TensorBytes
{
    /// <summary>Snapshots a tensor of either engine without changing it.</summary>
    public static TensorSnapshot Snapshot(object tensor) => tensor switch
    {
        torch.Tensor t => TorchSnapshot(t),
        Tensor<float> f => Managed(f),
        Tensor<double> d => Managed(d),
        Tensor<int> i => Managed(i),
        Tensor<long> l => Managed(l),
        Tensor<Half> h => Managed(h),
        Tensor<byte> b => Managed(b),
        Tensor<bool> b => Managed(b),
        _ => Generic(tensor),
    };

    /// <summary>Any other engine's tensor, through the engine contract: shape, dtype and the values' float64 bit
    /// patterns (a float32 NaN payload survives the widening).</summary>
    private static TensorSnapshot Generic(object tensor)
    {
        ITensorEngine engine = TensorEngines.EngineOf(tensor, nameof(tensor));
        TensorInfo info = engine.Describe(tensor);
        double[] values = engine.ToDoubleArray(tensor, out _);
        return new TensorSnapshot($"{engine.Name}.{info.DType.Name()}", info.Shape, info.Device,
            MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    private static TensorSnapshot TorchSnapshot(torch.Tensor t)
    {
        // Raw bytes of the whole storage the view reaches, read without making anything contiguous in place.
        using var scope = torch.NewDisposeScope();
        byte[] bytes = t.detach().contiguous().bytes.ToArray();
        string layout = $"strides={string.Join(",", t.stride())} offset={t.storage_offset()} grad={t.requires_grad} device={t.device}";
        return new TensorSnapshot($"torch.{t.dtype}", t.shape, layout, bytes);
    }

    private static TensorSnapshot Managed<T>(Tensor<T> t) where T : unmanaged
    {
        var copy = new T[t.FlattenedLength];
        t.FlattenTo(copy);
        string layout = $"strides={string.Join(",", t.Strides.ToArray())} dense={t.IsDense}";
        return new TensorSnapshot($"Tensor<{typeof(T).Name}>", t.Lengths.ToArray().Select(x => (long)x).ToArray(), layout,
            MemoryMarshal.AsBytes(copy.AsSpan()).ToArray());
    }
}
