using CrossBackend;
using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;

[assembly: TensorEngine(typeof(TorchEngine))]

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The channels-first engine: TorchSharp's <c>torch.Tensor</c> on libtorch (CPU), classes on axis 1. It implements
/// the general ops (<c>TorchEngine.Ops.cs</c>), libtorch's fused crossentropy kernels (<c>TorchEngine.Fused.cs</c>)
/// and gradients through autograd.
/// </summary>
/// <remarks>Constructing the engine does nothing (discovery constructs every engine). The build patches the
/// TorchSharp native library beside the application (see the package's build targets); the run-time fallback
/// (<see cref="NativeLoadFix"/>) runs when the engine first handles or creates a torch tensor, or on
/// <see cref="EnsureNativeLoadable"/>.</remarks>
public sealed partial class TorchEngine : TensorEngine<Tensor>, IFusedCrossentropy<Tensor>, IFusedPointwiseLoss<Tensor>, IAutograd<Tensor>
{
    internal const string EngineName = "torch";

    /// <summary>
    /// Makes sure TorchSharp's native library loads, applying the run-time fallback fix where the build's patch is
    /// missing; throws <see cref="InvalidOperationException"/> saying how to fix it where it cannot. Idempotent.
    /// </summary>
    public static void EnsureNativeLoadable() => NativeLoadFix.ThrowIfUnloadable();

    /// <inheritdoc/>
    /// <remarks>The first torch tensor the engine computes with runs the native fallback; later calls read one field.</remarks>
    public override object? OpsFor(Type tensorType)
    {
        if (!Owns(tensorType)) return null;
        EnsureNativeLoadable();
        return this;
    }

    /// <inheritdoc/>
    public override string Name => EngineName;

    /// <inheritdoc/>
    public override int ClassAxis => 1;
}
