using System.Reflection;
using System.Reflection.Emit;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>One IL instruction with the operands the lifetime audits read: the method called, the field loaded, the
/// argument loaded, the local stored to or loaded from.</summary>
internal sealed record IlInstruction(OpCode OpCode, MethodBase? Callee, string? LoadedField, int? LoadedArgument, int? StoredLocal, int? LoadedLocal);

/// <summary>
/// Decodes compiled IL for <see cref="ScalarLifetimeAudit"/> and <see cref="TensorLifetimeAudit"/>, and walks a set of
/// types with the types nested in them (lambdas, local functions). Shared by the engine's and the Keras layers' test
/// projects (linked file).
/// </summary>
internal static class IlCode
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    /// <summary>Every method and constructor declared in <paramref name="types"/> and the types nested in them.</summary>
    public static IEnumerable<MethodBase> MethodsOf(IEnumerable<Type> types)
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

    /// <summary>The method's instructions; empty where its body cannot be read (an assembly we do not ship).</summary>
    public static List<IlInstruction> Decode(MethodBase method)
    {
        var code = new List<IlInstruction>();
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
            code.Add(new IlInstruction(op, callee, field, Index(op, il, at, "ldarg", "ldarga"), Index(op, il, at, "stloc", null),
                Index(op, il, at, "ldloc", "ldloca")));
            at += operandSize;
        }
        return code;
    }

    /// <summary>The argument or local of an instruction of <paramref name="family"/> (<c>ldarg</c>, <c>stloc</c>,
    /// <c>ldloc</c>) in any of its forms (<c>.0</c>–<c>.3</c>, <c>.s</c>, long); not the address form
    /// <paramref name="addressForm"/>.</summary>
    private static int? Index(OpCode op, byte[] il, int operandAt, string family, string? addressForm)
    {
        if (op.Name is not string name || !name.StartsWith(family, StringComparison.Ordinal)
            || addressForm is not null && name.StartsWith(addressForm, StringComparison.Ordinal)) return null;
        if (name.Length == family.Length + 2 && char.IsDigit(name[^1])) return name[^1] - '0';
        return op.OperandType == OperandType.ShortInlineVar ? il[operandAt] : BitConverter.ToUInt16(il, operandAt);
    }
}
