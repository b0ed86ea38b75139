using System.Reflection;
using TorchSharp;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>
/// Reads the compiled IL of an assembly that calls TorchSharp and lists every TorchSharp <see cref="Scalar"/> that may
/// be finalized during the native call it was made for. A number passed where TorchSharp takes a Scalar becomes a
/// temporary that nothing references once its handle is read; a collection at that moment frees it under libtorch
/// (seen in CI, session 30: "Expected false to be true … toFloat" in softplus). Two findings:
/// <list type="bullet">
/// <item>a Scalar made from a number (<c>op_Implicit</c>, <c>ToScalar()</c>) and not stored at once into a static
/// field or into a local that the method disposes (a <c>using</c>);</item>
/// <item>a call to a TorchSharp method that takes a number and makes such a Scalar itself (<c>F.elu(x, 1.0)</c>,
/// <c>x - 0.5</c>, <c>linalg.vector_norm(x, 2, …)</c>), found by reading TorchSharp's own IL the same way.</item>
/// </list>
/// Shared by the engine's and the Keras layers' test projects (linked file).
/// </summary>
internal static class ScalarLifetimeAudit
{
    private static readonly Assembly TorchSharpAssembly = typeof(Scalar).Assembly;
    private static readonly Dictionary<MethodBase, bool> MakesLooseScalars = [];

    /// <summary>"Type.Method: what" for each finding in <paramref name="assembly"/>, except in the methods named in
    /// <paramref name="allowed"/> ("Type.Method", each with its reason at the call).</summary>
    public static List<string> Findings(Assembly assembly, params string[] allowed) => Findings(assembly.GetTypes(), allowed);

    /// <summary>The findings in <paramref name="types"/> and the types nested in them (lambdas, local functions).</summary>
    public static List<string> Findings(IEnumerable<Type> types, params string[] allowed)
    {
        var findings = new List<string>();
        foreach (MethodBase method in IlCode.MethodsOf(types))
        {
            string name = $"{method.DeclaringType?.FullName}.{method.Name}";
            if (allowed.Any(a => name.EndsWith(a, StringComparison.Ordinal))) continue;
            findings.AddRange(Audit(method).Select(f => $"{name}: {f}"));
        }
        return findings;
    }

    private static IEnumerable<string> Audit(MethodBase method)
    {
        List<IlInstruction> code = IlCode.Decode(method);
        for (int i = 0; i < code.Count; i++)
        {
            if (code[i].Callee is not MethodBase callee) continue;
            if (MakesScalar(callee))
            {
                IlInstruction? next = i + 1 < code.Count ? code[i + 1] : null;
                bool kept = next is { OpCode.Name: "stsfld" }
                    || next?.StoredLocal is int local && DisposesLocal(code, local);
                if (!kept) yield return $"a Scalar made by {Describe(callee)} is not held (store it in a `using Scalar` local or use HeldScalars)";
            }
            else if (callee.DeclaringType?.Assembly == TorchSharpAssembly && MakesLooseScalar(callee, 0))
                yield return $"{Describe(callee)} makes a Scalar nothing holds during its native call (pass held Scalars to an overload that takes them)";
        }
    }

    /// <summary>Whether this TorchSharp method (or one it calls with numbers) makes a Scalar from a number and
    /// neither disposes it nor keeps it alive.</summary>
    private static bool MakesLooseScalar(MethodBase method, int depth)
    {
        lock (MakesLooseScalars)
        {
            if (MakesLooseScalars.TryGetValue(method, out bool known)) return known;
            MakesLooseScalars[method] = false;   // recursion guard
        }
        bool result = false;
        if (depth < 8)
        {
            List<MethodBase> callees = IlCode.Decode(method).Select(c => c.Callee).OfType<MethodBase>().ToList();
            bool makes = callees.Any(MakesScalar);
            bool holds = callees.Any(c => c.Name == nameof(GC.KeepAlive) && c.DeclaringType == typeof(GC)
                || c.Name == nameof(IDisposable.Dispose) && (c.DeclaringType == typeof(Scalar) || c.DeclaringType == typeof(IDisposable)));
            result = makes && !holds
                || callees.Any(c => c.DeclaringType?.Assembly == TorchSharpAssembly && !MakesScalar(c) && MakesLooseScalar(c, depth + 1));
        }
        lock (MakesLooseScalars) MakesLooseScalars[method] = result;
        return result;
    }

    private static bool MakesScalar(MethodBase m) =>
        m is MethodInfo info && info.ReturnType == typeof(Scalar)
        && (m.Name == "op_Implicit" || m.Name == "ToScalar" && m.DeclaringType?.Name == "ScalarExtensionMethods");

    private static bool TakesNumber(MethodBase m)
    {
        try
        {
            return m.GetParameters().Any(p => (Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) is { IsPrimitive: true } t
                && t != typeof(IntPtr) && t != typeof(bool));
        }
        catch (Exception e) when (e is FileNotFoundException or TypeLoadException)
        {
            return false;   // a parameter type from an assembly TorchSharp references but we do not ship (SkiaSharp…)
        }
    }

    private static bool DisposesLocal(List<IlInstruction> code, int local)
    {
        for (int i = 0; i + 1 < code.Count; i++)
            if (code[i].LoadedLocal == local && code[i + 1].Callee is { Name: nameof(IDisposable.Dispose) }) return true;
        return false;
    }

    private static string Describe(MethodBase m) =>
        $"{m.DeclaringType?.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})";
}
