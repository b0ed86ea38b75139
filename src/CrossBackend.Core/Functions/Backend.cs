namespace CrossBackend;

/// <summary>
/// FastEstimator's backend functions (<c>fastestimator.backend</c>), each written once and run on whichever engine
/// owns the tensor it is given: a <c>torch.Tensor</c> in gives a <c>torch.Tensor</c> out, a
/// <c>Tensor&lt;float&gt;</c> in gives a <c>Tensor&lt;float&gt;</c> out. Names are FastEstimator's in PascalCase;
/// arguments and defaults are FastEstimator's.
/// </summary>
/// <remarks>
/// <para>Dispatch is the losses': the engine of the first tensor argument computes; other tensor arguments must
/// belong to it (else an <see cref="ArgumentException"/> names them). float16/bfloat16 are computed in float32 and
/// rounded once; integer and bool tensors are computed in float64 (natively on engines with integer ops, for
/// functions that only move or compare values and for integer arithmetic that PyTorch computes exactly: sum, +, −, ·,
/// whole powers, matmul, clip) and cast back to the dtype each function states.</para>
/// <para>Functions whose result dtype can differ from the input's (<see cref="ArgMax"/>, <see cref="Cast(object, DType)"/>, ...)
/// return <see cref="object"/>. The others return the input's type; on an engine whose tensor type fixes the
/// element type (<c>Tensor&lt;int&gt;</c>), a function that turns integers into floats (e.g. <see cref="ReduceMean{T}(T, int[], bool)"/>)
/// must be called with the tensor typed as <see cref="object"/>.</para>
/// <para>Model functions (feed_forward, update_model, load/save_model, get_lr/set_lr, watch) are not here: they need
/// an engine with models on both sides.</para>
/// </remarks>
public static partial class Backend
{
    /// <summary>Runs a one-result program and returns its result as <typeparamref name="T"/>.</summary>
    private static T Run<T>(string function, ITensorProgram program, object?[] inputs, string[] names) where T : class
    {
        RequireTensors(inputs, names);
        object result = TensorProgram.Run(program, inputs, names)[0];
        return TypedResult.As<T>(result, inputs[0]!, $"Backend.{function}", names[0]);
    }

    /// <summary>Runs a one-result program and returns its result untyped.</summary>
    private static object RunUntyped(ITensorProgram program, object?[] inputs, string[] names)
    {
        RequireTensors(inputs, names);
        return TensorProgram.Run(program, inputs, names)[0];
    }

    /// <summary>Every tensor argument of a public function is required: a null one is refused here, by its public
    /// name (<c>indices</c>, <c>tensors[1]</c>), before an engine sees it (torch threw a NullReferenceException, and the
    /// channels-last engine named its own parameter).</summary>
    private static void RequireTensors(object?[] inputs, string[] names)
    {
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null)
                throw new ArgumentNullException(names[i], $"Argument `{names[i]}` must be a tensor. Received: {names[i]}=null");
    }

    /// <summary>The engine of <paramref name="tensor"/> and its description.</summary>
    private static (ITensorEngine Engine, TensorInfo Info) Inspect(object tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        ITensorEngine engine = TensorEngines.EngineOf(tensor, name);
        return (engine, engine.Describe(tensor));
    }

    /// <summary><paramref name="axis"/> checked against a tensor of <paramref name="rank"/> and made non-negative.</summary>
    internal static int Axis(int axis, int rank, string name, string tensorName, long[] shape)
    {
        if (axis < -rank || axis >= rank)
            throw new ArgumentOutOfRangeException(name, axis,
                $"Argument `{name}` must be an axis of `{tensorName}`, in [{-rank}, {rank - 1}]. Received: {name}={axis}, {tensorName}.shape={TensorInfo.FormatShape(shape)}");
        return axis < 0 ? axis + rank : axis;
    }

    /// <summary>Axes checked, made non-negative and refused when repeated.</summary>
    internal static int[] Axes(int[] axes, int rank, string name, string tensorName, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(axes, name);
        int[] result = axes.Select(a => Axis(a, rank, name, tensorName, shape)).ToArray();
        if (result.Distinct().Count() != result.Length)
            throw new ArgumentException($"Argument `{name}` must not repeat an axis. Received: {name}=[{string.Join(", ", axes)}]", name);
        return result;
    }

    /// <summary>Refuses two shapes that do not broadcast, naming the second argument.</summary>
    internal static void RequireBroadcast(long[] a, long[] b, string aName, string bName)
    {
        if (Shapes.Broadcast(a, b) is null)
            throw new ArgumentException(
                $"Arguments `{aName}` and `{bName}` must have shapes that broadcast (NumPy rules: trailing axes equal or 1). " +
                $"Received: {aName}.shape={TensorInfo.FormatShape(a)}, {bName}.shape={TensorInfo.FormatShape(b)}", bName);
    }

    private static string Format(double[] values) => "[" + string.Join(", ", values) + "]";
}
