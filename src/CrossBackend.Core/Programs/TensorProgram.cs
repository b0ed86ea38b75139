using System.Collections.Concurrent;

namespace CrossBackend;

/// <summary>A computation written once over <see cref="ITensorOps{TTensor}"/> (a loss with its options, a function,
/// a gradient). <see cref="TensorProgram.Run"/> runs it on whichever engine owns its first input.</summary>
internal interface ITensorProgram
{
    /// <summary>Computes the program's results on one engine; absent optional inputs are null.</summary>
    TTensor[] Run<TTensor>(ITensorOps<TTensor> ops, TTensor?[] inputs) where TTensor : class;
}

/// <summary>
/// Dispatch, written once: finds the engine of the first input, checks that the others belong to it, adopts them into
/// the ops' tensor type, runs the program inside the engine's scope, and computes float16/bfloat16 in float32 with one
/// rounding of the results back to the input's dtype.
/// </summary>
internal static class TensorProgram
{
    private delegate object[] Invoker(object ops, ITensorProgram program, object?[] inputs, string[] names, DType? narrow);

    private static readonly ConcurrentDictionary<Type, Invoker> Invokers = new();

    /// <summary>Runs <paramref name="program"/>; <paramref name="names"/> name the inputs in error messages.</summary>
    public static object[] Run(ITensorProgram program, object?[] inputs, string[] names)
    {
        object primary = inputs[0] ?? throw new ArgumentNullException(names[0]);
        ITensorEngine engine = TensorEngines.EngineOf(primary, names[0]);
        for (int i = 1; i < inputs.Length; i++)
            if (inputs[i] is { } other) TensorEngines.RequireSameEngine(engine, other, names[i], names[0]);

        DType dtype = Describe(engine, primary, names[0]).DType;
        DType? narrow = dtype.IsNarrowFloat() ? dtype : null;
        object? ops = engine.OpsFor(primary.GetType());
        if (ops is null && narrow is { } n)
        {
            // Engines whose tensor type fixes the element type (Tensor<Half>) compute narrow floats after a cast here.
            object?[] wide = inputs.Select(x => x is not null && engine.Describe(x).DType.IsNarrowFloat() ? engine.Cast(x, DType.Float32) : x).ToArray();
            object[] results = Run(program, wide, names);
            return results.Select(r => engine.Describe(r).DType == DType.Float32 ? engine.Cast(r, n) : r).ToArray();
        }
        if (ops is null) throw TensorEngines.UnsupportedDType(engine, dtype, names[0]);
        Type opsTensorType = ops.GetType().GetInterfaces()
            .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ITensorOps<>)).GetGenericArguments()[0];
        return Invokers.GetOrAdd(opsTensorType, CreateInvoker)(ops, program, inputs, names, narrow);
    }

    private static TensorInfo Describe(ITensorEngine engine, object tensor, string name) =>
        engine is IArgumentDescriber named ? named.Describe(tensor, name) : engine.Describe(tensor);

    private static Invoker CreateInvoker(Type tensorType) =>
        typeof(TensorProgram).GetMethod(nameof(Invoke), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(tensorType).CreateDelegate<Invoker>();

    private static object[] Invoke<TTensor>(object opsObject, ITensorProgram program, object?[] inputs, string[] names, DType? narrow)
        where TTensor : class
    {
        var ops = (ITensorOps<TTensor>)opsObject;
        return ops.Scoped(() =>
        {
            var typed = new TTensor?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
                if (inputs[i] is { } x) typed[i] = Widen(ops, ops.Adopt(x, names[i]), narrow);
            TTensor[] results = program.Run(ops, typed);
            if (narrow is { } n)
                for (int i = 0; i < results.Length; i++)
                    if (ops.Describe(results[i]).DType == DType.Float32) results[i] = ops.Cast(results[i], n);
            return results;
        });
    }

    private static TTensor Widen<TTensor>(ITensorOps<TTensor> ops, TTensor x, DType? narrow) where TTensor : class =>
        narrow is not null && ops.Describe(x).DType.IsNarrowFloat() ? ops.Cast(x, DType.Float32) : x;
}
