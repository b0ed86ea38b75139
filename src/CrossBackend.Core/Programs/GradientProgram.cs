namespace CrossBackend;

/// <summary>
/// The gradient of a program's first result (summed) with respect to its first input: through the engine's own
/// autograd where it has one (<see cref="IAutograd{TTensor}"/>), else through a <see cref="TapeOps{T}"/> over its
/// general ops. One path for every loss and function; the only hand-written backward is a fused kernel's own,
/// recorded by the tape (<c>TapeOps.Fused.cs</c>) and tested against the composed gradient.
/// </summary>
internal sealed class GradientProgram(ITensorProgram forward, int sources = 1) : ITensorProgram
{
    /// <summary>Differentiate the composed general-op path only (fused kernels hidden): what tests hold the fused
    /// kernels' gradients to.</summary>
    public bool ComposedOnly { get; init; }

    /// <summary>The public names of the sources (the first inputs), for the error that refuses a non-floating one.</summary>
    public IReadOnlyList<string> SourceNames { get; init; } = ["y_pred"];

    public TTensor[] Run<TTensor>(ITensorOps<TTensor> ops, TTensor?[] inputs) where TTensor : class
    {
        // Only floating-point tensors have gradients. Checked here, before the engine's autograd marks the sources:
        // libtorch's requires_grad_ on an integer tensor threw its own "Only Tensors of floating point and complex
        // dtype can require gradients" before the forward's validation could name the argument (the tape reached it).
        for (int i = 0; i < sources; i++)
            if (inputs[i] is { } source && ops.DTypeOf(source) is var dtype && !dtype.IsFloatingPoint())
                throw Validate.NotFloatingPoint(ops.Engine, dtype, i < SourceNames.Count ? SourceNames[i] : $"sources[{i}]");
        if (ops is IAutograd<TTensor> autograd)
        {
            ITensorProgram traced = ComposedOnly ? new ComposedProgram(forward) : forward;
            return autograd.Gradients(
                s => traced.Run(ops, [.. s, .. inputs.Skip(sources)])[0],
                inputs.Take(sources).Select(x => x!).ToArray());
        }
        var tape = new TapeOps<TTensor>(ops) { HidesFusedKernels = ComposedOnly };
        TapeTensor<TTensor>[] watched = inputs.Take(sources).Select(x => tape.Watch(x!)).ToArray();
        TapeTensor<TTensor>?[] all = [.. watched, .. inputs.Skip(sources).Select(x => x is null ? null : TapeOps<TTensor>.Constant(x))];
        tape.Backward(forward.Run(tape, all)[0]);
        return watched.Select(tape.GradientOf).ToArray();
    }
}

/// <summary>
/// A program run on the composed general-op path only: the engine's optional fused kernels are hidden (the ops are
/// wrapped), so tests can hold every fused kernel to the composed definition.
/// </summary>
internal sealed class ComposedProgram(ITensorProgram forward) : ITensorProgram
{
    public TTensor[] Run<TTensor>(ITensorOps<TTensor> ops, TTensor?[] inputs) where TTensor : class
    {
        var plain = new TapeOps<TTensor>(ops) { HidesFusedKernels = true };
        return forward.Run(plain, inputs.Select(x => x is null ? null : TapeOps<TTensor>.Constant(x)).ToArray()).Select(t => t.Value).ToArray();
    }
}
