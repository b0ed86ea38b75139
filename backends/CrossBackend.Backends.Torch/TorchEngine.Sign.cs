using System.Numerics;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

public sealed partial class TorchEngine
{
    /// <summary>
    /// sign(x) with NaN kept, by the channels-last engine's rule (<see cref="ElementSign{T}"/>; libtorch's sign, and
    /// PyTorch's, give 0 for NaN). Dense CPU float32/float64
    /// tensors without autograd take one managed pass into <c>empty_like</c> (one native tensor, as <c>sign</c>); others
    /// compose sign, isnan and where. The composition measured 83 ms at (65536, 100) float32 against 2.5 ms for
    /// <c>sign</c> alone (three 26 MB blocks live at once, each fresh memory from glibc on this VM).
    /// </summary>
    private static Tensor SignKeepingNaN(Tensor x)
    {
        if (!x.is_floating_point()) return x.sign();
        if (!x.requires_grad && x.device_type == DeviceType.CPU && x.is_contiguous() && x.numel() <= int.MaxValue)
        {
            if (x.dtype == ScalarType.Float32) return HostSign<float>(x);
            if (x.dtype == ScalarType.Float64) return HostSign<double>(x);
        }
        // The NaN comes from a detached x: sign's gradient is 0 everywhere (PyTorch's sign_backward), and where would
        // otherwise pass the upstream gradient through at NaN.
        using Tensor sign = x.sign(), nan = x.isnan(), constant = x.detach();
        return torch.where(nan, constant, sign);
    }

    private static unsafe Tensor HostSign<T>(Tensor x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor result = torch.empty_like(x);
        int count = (int)x.numel();
        fixed (byte* from = x.bytes, to = result.bytes)
        {
            nint source = (nint)from, target = (nint)to;
            int tasks = ParallelSplit.Tasks(count), per = ParallelSplit.ElementsPerTask(count);
            if (tasks == 1) SignRun<T>((T*)source, (T*)target, 0, count);
            else
                WorkerPool.For(tasks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (task) =>
                    SignRun<T>((T*)source, (T*)target, task * per, Math.Min(count, (task + 1) * per)));
        }
        GC.KeepAlive(x);   // read after its last managed use
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SignRun<T>(T* x, T* d, int first, int end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = first;
        if (Vector.IsHardwareAccelerated)
            for (; i + Vector<T>.Count <= end; i += Vector<T>.Count) ElementSign<T>.Of(Vector.Load(x + i)).Store(d + i);
        for (; i < end; i++) d[i] = ElementSign<T>.Of(x[i]);
    }
}
