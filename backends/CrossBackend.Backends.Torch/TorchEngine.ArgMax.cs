using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

public sealed partial class TorchEngine
{
    /// <summary>Below this many elements libtorch's own <c>max(dim)</c> is used (a few µs; the managed pass's storage
    /// look-ups and task start would cost more).</summary>
    private const long HostArgMaxElements = 1 << 15;

    /// <summary>Up to this many elements, a float tensor reduced along its last axis goes to libtorch's <c>argmax</c>:
    /// one native tensor and no thread start, where <c>max(dim)</c> has a fixed cost of 5–13 µs (measured with this
    /// libtorch, p50 of 9 blocks: (32, 10) 3.0 µs against 12.8 with two threads and 6.2 with one; (256, 16) 6.0 against
    /// 11.3 and 5.6 against 5.2). Over a strided axis, or larger, argmax's general reduction is the slower one
    /// ((16, 128) along axis 0: 19.7 against 10.7 µs).</summary>
    private const long ArgMaxKernelElements = 1 << 12;

    /// <summary>
    /// The index of the first maximum along <paramref name="dim"/> (the first NaN if the row has one), as
    /// <c>argmax</c> gives it. A small float tensor reduced along its last axis goes to <c>argmax</c> itself
    /// (<see cref="ArgMaxKernelElements"/>). A large dense float CPU tensor whose axis is not the last, or is the last and at least one
    /// vector long, is read once by <see cref="HostArgMax{T}"/>, which writes the indices straight into the int64
    /// result; anything else goes through
    /// <c>max(dim)</c> (libtorch documents the
    /// same tie rule for both, "the indices of the first maximal value", and its max-with-indices kernel is 1.5–2×
    /// faster than argmax's general reduction over a strided class axis; measured by <c>interleaved --argmax</c>).
    /// Class weights (the weight of argmax(y_true)) are what this makes cheap.
    /// </summary>
    private static Tensor FirstMaxIndex(Tensor x, long dim, bool keepDims)
    {
        if (x.numel() >= HostArgMaxElements && x.device_type == DeviceType.CPU && x.is_contiguous()
            && x.dtype is ScalarType.Float32 or ScalarType.Float64 && x.size((int)dim) > 0
            && (dim < x.ndim - 1 || x.size((int)dim) >= (x.dtype == ScalarType.Float32 ? Vector<float>.Count : Vector<double>.Count)))
            return HostFirstMaxIndex(x, dim, keepDims);
        if (dim == x.ndim - 1 && x.numel() <= ArgMaxKernelElements && x.dtype is ScalarType.Float32 or ScalarType.Float64)
            return x.argmax(dim, keepDims);
        (Tensor values, Tensor indexes) = x.max(dim, keepDims);
        values.Dispose();
        return indexes;
    }

    /// <summary>The element counts before and after axis <paramref name="dim"/> of <paramref name="shape"/>: a dense
    /// tensor seen as (outer, shape[dim], inner), as the managed kernels read it.</summary>
    private static (long Outer, long Inner) AroundAxis(long[] shape, long dim)
    {
        long outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) outer *= shape[d];
        for (long d = dim + 1; d < shape.Length; d++) inner *= shape[d];
        return (outer, inner);
    }

    private static unsafe Tensor HostFirstMaxIndex(Tensor x, long dim, bool keepDims)
    {
        long[] shape = Shape(x);
        (long outer, long inner) = AroundAxis(shape, dim);
        long[] resultShape = keepDims
            ? shape.Select((n, d) => d == dim ? 1 : n).ToArray()
            : shape.Where((_, d) => d != dim).ToArray();
        Tensor result = torch.empty(resultShape, ScalarType.Int64);
        using (var indices = result.storage<long>())
        {
            var target = (long*)indices.data_ptr() + result.storage_offset();
            int rows = checked((int)outer), classes = checked((int)shape[dim]), positions = checked((int)inner);
            if (x.dtype == ScalarType.Float32)
            {
                using var values = x.storage<float>();
                var source = (float*)values.data_ptr() + x.storage_offset();
                if (positions == 1) HostArgMax<float>.RunRows(source, target, rows, classes);
                else HostArgMax<float>.Run(source, target, rows, classes, positions);
            }
            else
            {
                using var values = x.storage<double>();
                var source = (double*)values.data_ptr() + x.storage_offset();
                if (positions == 1) HostArgMax<double>.RunRows(source, target, rows, classes);
                else HostArgMax<double>.Run(source, target, rows, classes, positions);
            }
        }
        GC.KeepAlive(x);   // read after its last managed use
        return result;
    }
}
