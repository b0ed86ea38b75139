using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>
/// Reads the compiled IL of code that calls TorchSharp and lists the places where a caller's tensor may be finalized
/// while it is still in use. TorchSharp's <c>~Tensor()</c> frees the native tensor, and neither its methods nor a
/// managed read of its memory (<c>bytes</c>, <c>data&lt;T&gt;()</c>, <c>data_ptr()</c>, <c>storage&lt;T&gt;()</c>) keep
/// the tensor reachable: once its handle or pointer is read, a collection can free it under libtorch or under the
/// managed kernel (a loop of <c>torch.full(n, 0.3f).exp()</c> beside forced collections crashed or read freed memory
/// within 63–72 calls). Two findings:
/// <list type="bullet">
/// <item>a method that reads a <see cref="Tensor"/> parameter's memory in managed code without a later
/// <c>GC.KeepAlive</c> of that parameter (the kernel runs after the parameter's last managed use, so only the caller
/// keeps it alive);</item>
/// <item>a method named as running outside any dispose scope that does not <c>GC.KeepAlive</c> each of its
/// <see cref="Tensor"/> or <see cref="Tensor"/>[] parameters.</item>
/// </list>
/// Checked on the IL, so it holds in Debug builds too, where the JIT keeps every argument alive to the end of its
/// method and a stress test of our own code could not fail.
/// </summary>
internal static class TensorLifetimeAudit
{
    /// <summary>"Type.Method: what" for each managed memory read of a Tensor parameter not followed by its
    /// <c>GC.KeepAlive</c>, in <paramref name="types"/> and the types nested in them.</summary>
    public static List<string> UnheldMemoryReads(IEnumerable<Type> types)
    {
        var findings = new List<string>();
        foreach (MethodBase method in IlCode.MethodsOf(types))
        {
            List<IlInstruction> code = IlCode.Decode(method);
            ParameterInfo[] parameters = method.GetParameters();
            var reported = new HashSet<int>();
            for (int i = 1; i < code.Count; i++)
            {
                if (code[i].Callee is not MethodBase callee || !ReadsMemory(callee) || code[i - 1].LoadedArgument is not int argument) continue;
                int index = method.IsStatic ? argument : argument - 1;
                if (index < 0 || !reported.Add(index)) continue;   // `this` is no Tensor here
                if (!KeptAliveAfter(code, i, argument, parameters[index].Name))
                    findings.Add($"{method.DeclaringType?.FullName}.{method.Name}: `{parameters[index].Name}`'s memory is read by {callee.Name} with no GC.KeepAlive({parameters[index].Name}) after it");
            }
        }
        return findings;
    }

    /// <summary>"Type.Method: what" for each Tensor or Tensor[] parameter of <paramref name="methods"/> (methods that
    /// run outside any dispose scope) that the method does not pass to <c>GC.KeepAlive</c>.</summary>
    public static List<string> UnheldParameters(IEnumerable<MethodBase> methods)
    {
        var findings = new List<string>();
        foreach (MethodBase method in methods)
        {
            List<IlInstruction> code = IlCode.Decode(method);
            foreach (ParameterInfo p in method.GetParameters().Where(p => p.ParameterType == typeof(Tensor) || p.ParameterType == typeof(Tensor[])))
            {
                int argument = method.IsStatic ? p.Position : p.Position + 1;
                if (!KeptAliveAfter(code, -1, argument, p.Name))
                    findings.Add($"{method.DeclaringType?.FullName}.{method.Name}: `{p.Name}` is not kept alive (GC.KeepAlive) though the method runs outside any dispose scope");
            }
        }
        return findings;
    }

    /// <summary>Tensor members that hand out the native memory to managed code without keeping the tensor alive.</summary>
    private static bool ReadsMemory(MethodBase m) =>
        m.DeclaringType == typeof(Tensor) && m.Name is "get_bytes" or "data" or "data_ptr" or "storage";

    /// <summary>Whether the argument is passed to <c>GC.KeepAlive</c> after instruction <paramref name="after"/>: loaded
    /// as an argument, or (captured by a lambda) as the closure's field of the parameter's name.</summary>
    private static bool KeptAliveAfter(List<IlInstruction> code, int after, int argument, string? name)
    {
        for (int i = after + 1; i + 1 < code.Count; i++)
            if ((code[i].LoadedArgument == argument || name is not null && code[i].LoadedField == name)
                && code[i + 1].Callee is { Name: nameof(GC.KeepAlive) } k && k.DeclaringType == typeof(GC)) return true;
        return false;
    }
}
