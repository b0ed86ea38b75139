using TorchSharp;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The constant <see cref="Scalar"/>s the torch kernels pass to libtorch, made once and held for the life of the
/// process. A number passed where TorchSharp takes a <see cref="Scalar"/> (<c>x.add_(1)</c>, <c>x.clamp(ε, 1 − ε)</c>)
/// becomes a temporary that nothing keeps alive once its handle is read, so a collection during the native call can
/// run its finalizer and free it under libtorch (seen once in CI as "Expected false to be true … toFloat", session
/// 30). TorchSharp makes such temporaries itself too: the alpha 1 of its one-argument <c>add</c>/<c>add_</c> and of
/// <c>a + b</c>, the exponent of <c>square()</c>, so the kernels pass <c>alpha: </c><see cref="One"/> and
/// <c>pow(</c><see cref="Two"/><c>)</c>. Constants come from here; option values (γ, α, smoothing, bounds) are
/// <c>using Scalar</c> locals at the call; <c>ScalarLifetimeTests</c> reads the compiled code and fails on any other
/// Scalar.
/// </summary>
/// <remarks>Sharing them between threads is safe: libtorch only reads a Scalar, copying its value into the op.</remarks>
internal static class HeldScalars
{
    /// <summary>The integers 0, 1, 2, −2, −1 and 100 (integer Scalars, as the literals were).</summary>
    public static readonly Scalar Zero = 0.ToScalar(), One = 1.ToScalar(), Two = 2.ToScalar(), MinusTwo = (-2).ToScalar(), MinusOne = (-1).ToScalar(), Hundred = 100.ToScalar();

    /// <summary>1.0 as a floating Scalar (TorchSharp's own default for <c>elu</c>'s scales).</summary>
    public static readonly Scalar OneDouble = 1.0.ToScalar();

    /// <summary>Keras's ε = 1e-7 and 1 − ε, the probability clip.</summary>
    public static readonly Scalar Epsilon = TorchEngine.Epsilon.ToScalar(), OneMinusEpsilon = (1.0 - TorchEngine.Epsilon).ToScalar();

    /// <summary>log 2, taken off the log-cosh mean.</summary>
    public static readonly Scalar Log2 = Math.Log(2).ToScalar();
}
