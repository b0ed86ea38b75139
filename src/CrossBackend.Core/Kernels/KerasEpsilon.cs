using System.Numerics;

namespace CrossBackend;

/// <summary>Keras's backend epsilon (<c>keras.config.epsilon()</c>, 1e-7): the crossentropies' probability clip
/// [ε, 1 − ε] and the floor of the other losses' denominators and logs, one value for every engine and kernel.</summary>
internal static class KerasEpsilon
{
    public const double Value = 1e-7;
}

/// <summary>The probability clip [ε, 1 − ε] in <typeparamref name="T"/>, rounded as Keras and TensorFlow compute it:
/// ε converted to T, then 1 − ε in T (0.99999988 in float32).</summary>
internal static class ClipBounds<T> where T : IFloatingPointIeee754<T>
{
    public static readonly T Low = T.CreateChecked(KerasEpsilon.Value), High = T.One - Low;
}
