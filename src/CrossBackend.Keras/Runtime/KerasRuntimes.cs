using System.Reflection;
using System.Runtime.Loader;

namespace CrossBackend.Keras;

/// <summary>
/// Finds the Keras runtime for an engine: assemblies carrying <see cref="KerasRuntimeAttribute"/> that are loaded,
/// then <c>CrossBackend.Keras.*.dll</c> files beside the application (as <see cref="TensorEngines"/> finds engines).
/// </summary>
public static class KerasRuntimes
{
    private const string Pattern = "CrossBackend.Keras.*.dll";
    private static readonly Lazy<IReadOnlyList<IKerasRuntime>> Discovered = new(Discover);

    /// <summary>Every runtime found, ordered by engine name.</summary>
    public static IReadOnlyList<IKerasRuntime> All => Discovered.Value;

    /// <summary>The runtime for <paramref name="engine"/>; throws <see cref="NotSupportedException"/> naming the
    /// runtimes found when there is none (reference the engine's CrossBackend.Keras.* project).</summary>
    public static IKerasRuntime For(ITensorEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return All.FirstOrDefault(r => string.Equals(r.EngineName, engine.Name, StringComparison.OrdinalIgnoreCase))
            ?? throw new NotSupportedException(
                $"No Keras runtime for the {engine.Name} engine. Runtimes found: {(All.Count == 0 ? "none" : string.Join(", ", All.Select(r => r.EngineName)))}; " +
                $"reference CrossBackend.Keras.{char.ToUpperInvariant(engine.Name[0])}{engine.Name[1..]} (or the engine's Keras project).");
    }

    /// <summary>Builds <paramref name="model"/> on <paramref name="engine"/>.</summary>
    /// <param name="model">The model with its weights.</param>
    /// <param name="engine">The engine.</param>
    /// <param name="dtype">The compute type (float32 by default).</param>
    public static IKerasNetwork Build(KerasModel model, ITensorEngine engine, DType dtype = DType.Float32) => For(engine).Build(model, dtype);

    private static IReadOnlyList<IKerasRuntime> Discover()
    {
        var assemblies = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        foreach (Assembly a in AppDomain.CurrentDomain.GetAssemblies()) assemblies.TryAdd(a.GetName().Name ?? a.FullName ?? "", a);
        string[] files;
        try { files = Directory.Exists(AppContext.BaseDirectory) ? Directory.GetFiles(AppContext.BaseDirectory, Pattern) : []; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { files = []; }
        foreach (string file in files)
        {
            string name = Path.GetFileNameWithoutExtension(file);
            if (assemblies.ContainsKey(name)) continue;
            try { assemblies[name] = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name)); }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                try { assemblies[name] = AssemblyLoadContext.Default.LoadFromAssemblyPath(file); }
                catch (Exception inner) when (inner is FileLoadException or BadImageFormatException) { }
            }
        }
        return assemblies.Values
            .SelectMany(a => a.GetCustomAttributes<KerasRuntimeAttribute>())
            .Select(a => a.RuntimeType).Distinct()
            .Select(t => (IKerasRuntime)Activator.CreateInstance(t)!)
            .OrderBy(r => r.EngineName, StringComparer.Ordinal)
            .ToArray();
    }
}
