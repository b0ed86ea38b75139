using System.Runtime.CompilerServices;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>The one gradient API (<see cref="GradientTape"/>) on every engine: autograd where the engine has it, the
/// tape over the general ops elsewhere; checked against hand-derived float64 gradients.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class GradientTapeTests(ITensorEngine engine)
{
    private static readonly double[] P = [0.1, 0.7, -0.3, 0.9, 0.2, 0.4], Y = [0.3, 0.1, 0.2, -0.7, 0.5, 0.6];

    [Test]
    public void LossGradientEqualsTheDefinitionsGradient()
    {
        object p = engine.FromChannelsLast(P, [2, 3]), y = engine.FromChannelsLast(Y, [2, 3]);
        object expected = LossRegistry.Get("mean_squared_error").Gradient(p, y);
        using var tape = GradientTape.Record();
        tape.Watch(p);
        object loss = Losses.MeanSquaredError(p, y);
        object g = tape.Gradient(loss, p)[0];
        TensorAssert.AreClose(engine.ToDoubleArray(g, out _), engine.ToDoubleArray(expected, out _), 1e-12, 1e-14);
        // d/dp mean_b mean_c (p − y)² = 2 (p − y) / (B·C)
        TensorAssert.AreClose(engine.ToDoubleArray(engine.MoveAxis(g, engine.ClassAxis, -1), out _),
            P.Select((v, i) => 2 * (v - Y[i]) / 6).ToArray(), 1e-12, 1e-14);
    }

    [Test]
    public void GradientsFlowThroughSeveralCalls()
    {
        object p = engine.FromChannelsLast(P, [2, 3]), y = engine.FromChannelsLast(Y, [2, 3]);
        object z = engine.FromArray(new[] { 0.1, 0.3 }, [2]);
        using var tape = GradientTape.Record();
        tape.Watch(p);
        object perRow = Losses.MeanSquaredError(p, y, reduction: Reduction.None);   // a_b = mean_c (p − y)²
        object total = Losses.MeanSquaredError(perRow, z);                          // mean_b (a_b − z_b)²
        object g = engine.MoveAxis(tape.Gradient(total, p)[0], engine.ClassAxis, -1);
        double[] a = new[] { 0, 1 }.Select(b => Enumerable.Range(0, 3).Average(c => Math.Pow(P[b * 3 + c] - Y[b * 3 + c], 2))).ToArray();
        double[] zs = [0.1, 0.3];
        double[] expected = P.Select((v, i) => 2 * (a[i / 3] - zs[i / 3]) / 2 * 2 * (v - Y[i]) / 3).ToArray();
        TensorAssert.AreClose(engine.ToDoubleArray(g, out _), expected, 1e-12, 1e-14);
    }

    [Test]
    public void ASourceTheTargetDoesNotDependOnGetsZeros()
    {
        object p = engine.FromChannelsLast(P, [2, 3]), y = engine.FromChannelsLast(Y, [2, 3]), other = engine.FromChannelsLast(Y, [2, 3]);
        using var tape = GradientTape.Record();
        tape.Watch(p);
        tape.Watch(other);
        object loss = Losses.MeanSquaredError(p, y);
        object[] g = tape.Gradient(loss, p, other);
        Assert.That(engine.ToDoubleArray(g[1], out _), Is.All.EqualTo(0.0));
        Assert.Throws<InvalidOperationException>(() => tape.Gradient(loss, p), "the tape is not persistent");
    }

    /// <summary>A training step's results must not outlive the step because a parameter does: after the tape is
    /// disposed, one collection (no finalizer run) frees the loss, an intermediate and the gradient while the watched
    /// parameter lives on. (A weak table keyed by the recorded tensors kept them until its finalizer ran, promoting
    /// every step's arrays to generation 2.)</summary>
    [Test]
    public void ADisposedTapeKeepsNothingAliveThroughAWatchedParameter()
    {
        object p = engine.FromChannelsLast(P, [2, 3]), y = engine.FromChannelsLast(Y, [2, 3]);
        WeakReference[] step = Step(p, y);
        GC.Collect();
        Assert.That(step.Select(r => r.IsAlive), Is.All.False, "loss, intermediate, gradient");
        GC.KeepAlive(p);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] Step(object p, object y)
    {
        using var tape = GradientTape.Record();
        tape.Watch(p);
        object perRow = Losses.MeanSquaredError(p, y, reduction: Reduction.None);
        object loss = Backend.ReduceSum(perRow);
        object g = tape.Gradient(loss, p)[0];
        return [new WeakReference(loss), new WeakReference(perRow), new WeakReference(g)];
    }
}
