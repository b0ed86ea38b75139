using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// libtorch's <c>softplus</c> with its two scalars held alive for the whole native call. TorchSharp's public
/// <c>softplus(double, double)</c> converts its arguments into <see cref="Scalar"/> temporaries that nothing keeps
/// alive once their handles are read, so a collection during the call may run their finalizers and free them under
/// libtorch: seen once as "Expected false to be true … toFloat" from <c>softplus</c> in the concurrent-calls test
/// (session 30). TorchSharp offers no public overload taking <see cref="Scalar"/>s, so the private one it calls is
/// bound once by name; should a later TorchSharp rename it, the public call is used.
/// </summary>
internal static class KeptScalarSoftplus
{
    private static readonly Func<Tensor, Scalar, Scalar, Tensor>? WithScalars =
        typeof(Tensor).GetMethod("softplus1", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(Scalar), typeof(Scalar)])
            ?.CreateDelegate<Func<Tensor, Scalar, Scalar, Tensor>>();

    /// <summary>Whether TorchSharp's private Scalar overload was found (a test holds it, so that a TorchSharp update that
    /// renames it fails there instead of quietly bringing the race back).</summary>
    public static bool BindsScalarOverload => WithScalars is not null;

    /// <summary>softplus(x) = log(1 + e^(βx)) / β, and x itself where βx exceeds <paramref name="threshold"/>.</summary>
    public static Tensor Apply(Tensor x, double beta, double threshold)
    {
        if (WithScalars is null) return nn.functional.softplus(x, beta, threshold);
        using Scalar b = beta.ToScalar(), t = threshold.ToScalar();
        return WithScalars(x, b, t);
    }
}
