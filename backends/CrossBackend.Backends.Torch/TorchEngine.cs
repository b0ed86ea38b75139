using CrossBackend;
using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;

[assembly: TensorEngine(typeof(TorchEngine))]

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The channels-first engine: TorchSharp's <c>torch.Tensor</c> on libtorch (CPU), classes on axis 1.
/// </summary>
/// <remarks>Constructing the engine does nothing (engine discovery constructs every engine, also in programs that never
/// use torch). TorchSharp's native library is made loadable at build and publish time by this package's build targets;
/// the run-time fallback runs when the engine first handles a torch tensor or when
/// <see cref="EnsureNativeLoadable"/> is called.</remarks>
public sealed class TorchEngine : ITensorEngine
{
    /// <summary>
    /// Makes sure TorchSharp's native library can load: applies the run-time fallback of the native fix where the
    /// build did not (an application folder CrossBackend can write to), once per process; later calls cost a field
    /// read. Call it before the first <c>torch.*</c> call in programs not built with the CrossBackend.Backends.Torch
    /// package or project (builds with it need nothing).
    /// </summary>
    /// <exception cref="InvalidOperationException">The native library cannot load on this system and could not be
    /// fixed here (for example a read-only application folder that was not built with the package); the message says
    /// how to fix it.</exception>
    public static void EnsureNativeLoadable() => NativeLoadFix.ThrowIfUnloadable();

    /// <inheritdoc/>
    public string Name => TorchBackend.EngineName;

    /// <inheritdoc/>
    public int ClassAxis => 1;

    /// <inheritdoc/>
    public bool Owns(Type tensorType) => typeof(Tensor).IsAssignableFrom(tensorType);

    /// <inheritdoc/>
    public ITensorBackend? BackendFor(Type tensorType) => Owns(tensorType) ? Backend : null;

    /// <inheritdoc/>
    public TensorInfo Describe(object tensor) => Backend.Describe(AsTensor(tensor, nameof(tensor)));

    /// <inheritdoc/>
    public object FromArray(Array data, long[] shape)
    {
        EnsureNativeLoadable();
        return data switch
        {
            float[] f => torch.tensor(f, shape),
            double[] d => torch.tensor(d, shape),
            int[] i => torch.tensor(i, shape),
            long[] l => torch.tensor(l, shape),
            _ => throw new ArgumentException($"Unsupported element type {data.GetType().GetElementType()?.Name}.", nameof(data)),
        };
    }

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
        return Backend.ReadValues(t);
    }

    // The first torch tensor the engine handles (or creates) runs the native fallback; later calls read one field.
    private static TorchBackend Backend
    {
        get
        {
            EnsureNativeLoadable();
            return TorchBackend.Instance;
        }
    }

    private static Tensor AsTensor(object tensor, string name) =>
        tensor as Tensor ?? throw new ArgumentException($"Argument `{name}` is a {tensor.GetType().Name}, not a torch.Tensor.", name);
}
