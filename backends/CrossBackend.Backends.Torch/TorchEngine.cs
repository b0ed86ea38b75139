using System.Runtime.CompilerServices;
using CrossBackend;
using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;

[assembly: TensorEngine(typeof(TorchEngine))]

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The channels-first engine: TorchSharp's <c>torch.Tensor</c> on libtorch (CPU), classes on axis 1.
/// </summary>
/// <remarks>Constructing the engine (or loading this assembly) applies <see cref="NativeLoadFix"/> first, so
/// TorchSharp's native library loads on systems with an older libstdc++. Code that calls <c>torch.*</c> before
/// touching CrossBackend should call <see cref="EnsureNativeLoadable"/> once at start-up.</remarks>
public sealed class TorchEngine : ITensorEngine
{
    /// <summary>Applies the native-library fix where needed. Idempotent.</summary>
    public static void EnsureNativeLoadable() => NativeLoadFix.Apply();

    [ModuleInitializer]
    internal static void OnAssemblyLoad() => NativeLoadFix.Apply();

    /// <summary>Creates the engine (applying the native fix first).</summary>
    public TorchEngine() => NativeLoadFix.Apply();

    /// <inheritdoc/>
    public string Name => TorchBackend.EngineName;

    /// <inheritdoc/>
    public int ClassAxis => 1;

    /// <inheritdoc/>
    public bool Owns(Type tensorType) => typeof(Tensor).IsAssignableFrom(tensorType);

    /// <inheritdoc/>
    public object? OpsFor(Type tensorType) => null;

    /// <inheritdoc/>
    public ITensorBackend? BackendFor(Type tensorType) => Owns(tensorType) ? TorchBackend.Instance : null;

    /// <inheritdoc/>
    public TensorInfo Describe(object tensor) => TorchBackend.Instance.Describe(AsTensor(tensor, nameof(tensor)));

    /// <inheritdoc/>
    public object FromArray(Array data, long[] shape) => data switch
    {
        float[] f => torch.tensor(f, shape),
        double[] d => torch.tensor(d, shape),
        int[] i => torch.tensor(i, shape),
        long[] l => torch.tensor(l, shape),
        _ => throw new ArgumentException($"Unsupported element type {data.GetType().GetElementType()?.Name}.", nameof(data)),
    };

    /// <inheritdoc/>
    public object Cast(object tensor, DType dtype) => AsTensor(tensor, nameof(tensor)).to_type(dtype switch
    {
        DType.Float16 => ScalarType.Float16,
        DType.BFloat16 => ScalarType.BFloat16,
        DType.Float32 => ScalarType.Float32,
        DType.Float64 => ScalarType.Float64,
        DType.Int32 => ScalarType.Int32,
        DType.Int64 => ScalarType.Int64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unsupported dtype for the torch engine."),
    });

    /// <inheritdoc/>
    public object MoveAxis(object tensor, int source, int destination) =>
        AsTensor(tensor, nameof(tensor)).movedim([source], [destination]).contiguous();

    /// <inheritdoc/>
    public double[] ToDoubleArray(object tensor, out long[] shape)
    {
        Tensor t = AsTensor(tensor, nameof(tensor));
        shape = t.shape;
        return TorchBackend.Instance.ReadValues(t);
    }

    private static Tensor AsTensor(object tensor, string name) =>
        tensor as Tensor ?? throw new ArgumentException($"Argument `{name}` is a {tensor.GetType().Name}, not a torch.Tensor.", name);
}
