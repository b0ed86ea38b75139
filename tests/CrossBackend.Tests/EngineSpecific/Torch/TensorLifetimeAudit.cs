using System.Reflection;
using System.Reflection.Emit;
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
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    /// <summary>"Type.Method: what" for each managed memory read of a Tensor parameter not followed by its
    /// <c>GC.KeepAlive</c>, in <paramref name="types"/> and the types nested in them.</summary>
    public static List<string> UnheldMemoryReads(IEnumerable<Type> types)
    {
        var findings = new List<string>();
        foreach (MethodBase method in MethodsOf(types))
        {
            List<Instruction> code = Decode(method);
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
            List<Instruction> code = Decode(method);
            foreach (ParameterInfo p in method.GetParameters().Where(p => p.ParameterType == typeof(Tensor) || p.ParameterType == typeof(Tensor[])))
            {
                int argument = method.IsStatic ? p.Position : p.Position + 1;
                if (!KeptAliveAfter(code, -1, argument, p.Name))
                    findings.Add($"{method.DeclaringType?.FullName}.{method.Name}: `{p.Name}` is not kept alive (GC.KeepAlive) though the method runs outside any dispose scope");
            }
        }
        return findings;
    }

    private static IEnumerable<MethodBase> MethodsOf(IEnumerable<Type> types)
    {
        var pending = new Stack<Type>(types.Distinct());
        var seen = new HashSet<Type>();
        while (pending.TryPop(out Type? type))
        {
            if (!seen.Add(type)) continue;
            foreach (Type nested in type.GetNestedTypes(All)) pending.Push(nested);
            foreach (MethodBase m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All))) yield return m;
        }
    }

    /// <summary>Tensor members that hand out the native memory to managed code without keeping the tensor alive.</summary>
    private static bool ReadsMemory(MethodBase m) =>
        m.DeclaringType == typeof(Tensor) && m.Name is "get_bytes" or "data" or "data_ptr" or "storage";

    /// <summary>Whether the argument is passed to <c>GC.KeepAlive</c> after instruction <paramref name="after"/>: loaded
    /// as an argument, or (captured by a lambda) as the closure's field of the parameter's name.</summary>
    private static bool KeptAliveAfter(List<Instruction> code, int after, int argument, string? name)
    {
        for (int i = after + 1; i + 1 < code.Count; i++)
            if ((code[i].LoadedArgument == argument || name is not null && code[i].LoadedField == name)
                && code[i + 1].Callee is { Name: nameof(GC.KeepAlive) } k && k.DeclaringType == typeof(GC)) return true;
        return false;
    }

    private sealed record Instruction(OpCode OpCode, MethodBase? Callee, int? LoadedArgument, string? LoadedField);

    /// <summary>The method's instructions with the operands this audit reads: the called method, the argument loaded.</summary>
    private static List<Instruction> Decode(MethodBase method)
    {
        var code = new List<Instruction>();
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is FileNotFoundException or TypeLoadException or BadImageFormatException) { return code; }
        if (il is null) return code;
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            OpCode op = OpCodesByValue[value];
            int operandSize = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
            MethodBase? callee = null;
            if (op.OperandType == OperandType.InlineMethod && op != OpCodes.Ldftn && op != OpCodes.Ldvirtftn)
            {
                try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, at), typeArguments, methodArguments); }
                catch (Exception e) when (e is ArgumentException or FileNotFoundException or TypeLoadException or MissingMethodException) { }
            }
            string? field = null;
            if (op == OpCodes.Ldfld)
            {
                try { field = method.Module.ResolveField(BitConverter.ToInt32(il, at), typeArguments, methodArguments)?.Name; }
                catch (Exception e) when (e is ArgumentException or FileNotFoundException or TypeLoadException or MissingFieldException) { }
            }
            code.Add(new Instruction(op, callee, LoadedArgument(op, il, at), field));
            at += operandSize;
        }
        return code;
    }

    /// <summary>The argument of an <c>ldarg</c> in any of its forms (<c>.0</c>–<c>.3</c>, <c>.s</c>, long); not
    /// <c>ldarga</c>.</summary>
    private static int? LoadedArgument(OpCode op, byte[] il, int operandAt)
    {
        if (op.Name is not string name || !name.StartsWith("ldarg", StringComparison.Ordinal) || name.StartsWith("ldarga", StringComparison.Ordinal)) return null;
        if (name.Length == "ldarg".Length + 2 && char.IsDigit(name[^1])) return name[^1] - '0';
        return op.OperandType == OperandType.ShortInlineVar ? il[operandAt] : BitConverter.ToUInt16(il, operandAt);
    }
}
