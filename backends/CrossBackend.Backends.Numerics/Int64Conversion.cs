using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// float32 → int64 storage in one step, for <see cref="NumericsEngine.Cast"/>: an arg-max computed on a float32
/// tensor ends as int64 through here. The general path widened to a float64 tensor first (a second 512 KB result
/// array for 65536 indices, fresh memory that page-faults on first touch) and converted that with a library loop
/// left to tiered compilation.
/// </summary>
internal static class Int64Conversion
{
    /// <summary>Each value as <see cref="DTypes.Int64Of"/> of the widened value, exactly what the float64 path
    /// computes (the widening is exact): truncation toward zero, <see cref="long.MinValue"/> for NaN, ±∞ or out of
    /// range, as PyTorch and NumPy cast on x86.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor<long> FromFloat32(Tensor<float> source)
    {
        ReadOnlySpan<float> from = TensorData.Read(source);
        var to = NumericsResultScope.Allocate<long>(from.Length);
        for (int i = 0; i < to.Length; i++) to[i] = DTypes.Int64Of(from[i]);
        return Tensor.Create(to, source.Lengths);
    }
}
