using System.Runtime.CompilerServices;
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
/// <remarks>Constructing the engine (or loading this assembly) applies <see cref="NativeLoadFix"/> first, so
/// TorchSharp's native library loads on systems with an older libstdc++. Code that calls <c>torch.*</c> before
/// touching CrossBackend should call <see cref="EnsureNativeLoadable"/> once at start-up.</remarks>
public sealed partial class TorchEngine : TensorEngine<Tensor>, IFusedCrossentropy<Tensor>, IAutograd<Tensor>
{
    internal const string EngineName = "torch";

    /// <summary>Applies the native-library fix where needed. Idempotent.</summary>
    public static void EnsureNativeLoadable() => NativeLoadFix.Apply();

    [ModuleInitializer]
    internal static void OnAssemblyLoad() => NativeLoadFix.Apply();

    /// <summary>Creates the engine (applying the native fix first).</summary>
    public TorchEngine() => NativeLoadFix.Apply();

    /// <inheritdoc/>
    public override string Name => EngineName;

    /// <inheritdoc/>
    public override int ClassAxis => 1;
}
