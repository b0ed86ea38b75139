namespace CrossBackend.Keras;

/// <summary>BatchNormalization's inference parameters in PyTorch's terms.</summary>
/// <param name="Weight">γ (ones when the Keras layer had <c>scale=False</c>).</param>
/// <param name="Bias">β (zeros when it had <c>center=False</c>).</param>
/// <param name="RunningMean">The moving mean.</param>
/// <param name="RunningVar">The moving variance.</param>
/// <param name="Epsilon">Keras's ε, to pass to PyTorch unchanged (Keras defaults to 1e-3, PyTorch to 1e-5).</param>
/// <param name="Momentum">PyTorch's momentum: 1 − Keras's (Keras 0.99 ↔ PyTorch 0.01).</param>
public sealed record BatchNormParameters<T>(T[] Weight, T[] Bias, T[] RunningMean, T[] RunningVar, double Epsilon, double Momentum);

public static partial class KerasLayout
{
    /// <summary>
    /// BatchNormalization: the four vectors carry over unchanged; what changes is around them. ε must be Keras's
    /// (1e-3 by default) — PyTorch's default 1e-5 gives different numbers whenever a variance is small (with
    /// var = 1e-3 the scale differs by √2). Missing γ/β (<c>scale</c>/<c>center</c> False) become ones/zeros.
    /// PyTorch's momentum is 1 − Keras's.
    /// </summary>
    /// <param name="weights">The layer's saved variables in Keras's order: [γ], [β], moving mean, moving variance.</param>
    /// <param name="epsilon">The layer's ε from its config.</param>
    /// <param name="center">Whether β was saved.</param>
    /// <param name="scale">Whether γ was saved.</param>
    /// <param name="kerasMomentum">The layer's momentum (0.99 by default).</param>
    public static BatchNormParameters<T> BatchNormToTorch<T>(IReadOnlyList<T[]> weights, double epsilon = 1e-3, bool center = true, bool scale = true,
        double kerasMomentum = 0.99) where T : System.Numerics.INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(weights);
        int expected = 2 + (center ? 1 : 0) + (scale ? 1 : 0);
        if (weights.Count != expected)
            throw new ArgumentException(
                $"Argument `weights` must hold {expected} vectors ({(scale ? "gamma, " : "")}{(center ? "beta, " : "")}moving_mean, moving_variance). Received: {weights.Count}", nameof(weights));
        int channels = weights[0].Length;
        if (weights.Any(w => w.Length != channels))
            throw new ArgumentException($"Argument `weights` must hold vectors of one length. Received lengths: {string.Join(", ", weights.Select(w => w.Length))}", nameof(weights));
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Argument `epsilon` must be positive.");
        int i = 0;
        T[] gamma = scale ? (T[])weights[i++].Clone() : Enumerable.Repeat(T.One, channels).ToArray();
        T[] beta = center ? (T[])weights[i++].Clone() : Enumerable.Repeat(T.Zero, channels).ToArray();
        return new BatchNormParameters<T>(gamma, beta, (T[])weights[i++].Clone(), (T[])weights[i].Clone(), epsilon, 1 - kerasMomentum);
    }
}
