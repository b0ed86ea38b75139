namespace CrossBackend.Tests;

/// <summary>Calls an engine's <see cref="IFusedPointwiseLoss{TTensor}"/> kernel directly (through reflection, as the
/// tensor type is the engine's), for tests that check a kernel serves the case it was written for.</summary>
internal static class FusedPointwiseCall
{
    /// <summary>The kernel's result (null when it declines); marks the test ignored on an engine without the
    /// interface, whose losses are the composed ones.</summary>
    public static object? Invoke(ITensorEngine engine, PointwiseLossKind kind, PointwiseLossParameters parameters,
        object target, object output, bool mean)
    {
        Type fused = typeof(IFusedPointwiseLoss<>).MakeGenericType(output.GetType());
        object? ops = engine.OpsFor(output.GetType());
        if (!fused.IsInstanceOfType(ops)) Assert.Ignore("this engine has no fused element-wise kernel: its losses are the composed ones");
        var method = fused.GetMethod(nameof(IFusedPointwiseLoss<object>.PointwiseLoss),
            [typeof(PointwiseLossKind), typeof(PointwiseLossParameters), output.GetType(), output.GetType(), typeof(int), typeof(bool)])!;
        return method.Invoke(ops, [kind, parameters, target, output, engine.ClassAxis, mean]);
    }
}
