namespace CrossBackend;

/// <summary>The one way a typed public call (<c>Backend.ReduceMean&lt;T&gt;</c>, <c>Metrics.Accuracy&lt;TPred, TTrue&gt;</c>,
/// <c>Losses.DiceScore&lt;TPred, TTrue&gt;</c>) hands back an engine's result: as the caller's type, or, where the
/// result's element type differs from the input's (an integer tensor scored in floating point on an engine whose tensor
/// type fixes the element type, <c>Tensor&lt;int&gt;</c>), an exception that says how to receive it.</summary>
internal static class TypedResult
{
    /// <summary><paramref name="result"/> as <typeparamref name="T"/>; else an <see cref="InvalidOperationException"/>
    /// naming <paramref name="call"/> (e.g. <c>Metrics.Accuracy</c>) and its first argument <paramref name="argument"/>.</summary>
    public static T As<T>(object result, object input, string call, string argument, string dtypeNote = "") where T : class =>
        result as T ?? throw new InvalidOperationException(
            $"{call} of a {TensorFormat.TypeName(input.GetType())} returns a {TensorFormat.TypeName(result.GetType())}{dtypeNote}, " +
            $"which is not a {TensorFormat.TypeName(typeof(T))}. Pass {argument} typed as object (e.g. {call}((object){argument}, ...)) " +
            "to receive it, or cast it to a floating-point dtype first.");
}
