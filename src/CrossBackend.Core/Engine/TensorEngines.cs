using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace CrossBackend;

/// <summary>
/// Finds the engine that owns a tensor. Engines are discovered, not registered: assemblies carrying
/// <see cref="TensorEngineAttribute"/> that are loaded already, then <c>CrossBackend.Backends.*.dll</c> files
/// beside the application, then engine assemblies resolved by name (those the application refers to and the engines
/// shipped with this library), which is how a single-file app (whose assemblies are bundled, with no DLL files)
/// finds them. What is found is cached per tensor type; nothing here changes what a loss computes.
/// </summary>
public static class TensorEngines
{
    private const string EngineAssemblyPattern = "CrossBackend.Backends.*.dll";
    private static readonly Lazy<IReadOnlyList<ITensorEngine>> Discovered = new(Discover);
    private static readonly ConcurrentDictionary<Type, ITensorEngine?> OwnerCache = new();

    /// <summary>Every engine found, in a stable order (by name).</summary>
    public static IReadOnlyList<ITensorEngine> All => Discovered.Value;

    /// <summary>The engine with this name ("torch", "numerics"); throws <see cref="ArgumentException"/> naming the
    /// known engines when there is none.</summary>
    public static ITensorEngine Named(string name) => NamedFor(name, nameof(name));

    /// <summary><see cref="Named(string)"/> for a public method whose own parameter holds the name, so that the
    /// exception's <see cref="ArgumentException.ParamName"/> is that parameter.</summary>
    internal static ITensorEngine NamedFor(string name, string paramName) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name ?? throw new ArgumentNullException(paramName,
            $"Argument `{paramName}` must name an engine ({string.Join(", ", All.Select(e => e.Name))}). Received: {paramName}=null"),
            StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"Unknown engine '{name}'. Known engines: {string.Join(", ", All.Select(e => e.Name))}.", paramName);

    /// <summary>The engine owning tensors of this runtime type, or null.</summary>
    public static ITensorEngine? OwnerOf(Type tensorType) =>
        OwnerCache.GetOrAdd(tensorType, t => All.FirstOrDefault(e => e.Owns(t)));

    /// <summary>The engine owning <paramref name="tensor"/>; throws <see cref="ArgumentException"/> naming
    /// <paramref name="argumentName"/> when no engine owns it.</summary>
    public static ITensorEngine EngineOf(object tensor, string argumentName)
    {
        ArgumentNullException.ThrowIfNull(tensor, argumentName);
        return OwnerOf(tensor.GetType()) ?? throw Unowned(tensor, argumentName);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="other"/> is not a tensor of
    /// <paramref name="engine"/>; the message shows the line that converts it.</summary>
    public static void RequireSameEngine(ITensorEngine engine, object other, string otherName, string predName = "y_pred")
    {
        ITensorEngine? otherEngine = OwnerOf(other.GetType());
        if (otherEngine == engine) return;
        string target = $"TensorEngines.Named(\"{engine.Name}\")";
        string what = otherEngine is null ? $"a {TensorFormat.TypeName(other.GetType())}, which no engine owns" : $"a {otherEngine.Name} tensor";
        string fix = otherEngine is null
            ? $"Create it on the {engine.Name} engine, e.g. `{target}.FromArray(data, shape)`"
            : $"Copy {otherName} to the {engine.Name} engine with `Backend.ToTensor({otherName}, {target})` (it keeps the shape, dtype and element order)" +
              LayoutNote(otherEngine, engine, other, otherName, target);
        throw new ArgumentException(
            $"Arguments `{predName}` and `{otherName}` must be tensors of the same engine. " +
            $"Received: {predName} is a {engine.Name} tensor, {otherName} is {what}. {fix}, or create both on one engine.", otherName);
    }

    private static bool SameLayout(ITensorEngine a, ITensorEngine b) => (a.ClassAxis < 0) == (b.ClassAxis < 0) && (a.ClassAxis < 0 || a.ClassAxis == b.ClassAxis);

    /// <summary>Where the engines keep channels differently and the tensor has rank ≥ 3 (where a channel axis can sit
    /// apart from the batch and the last axis), the line that also moves the channel axis; else nothing. Index tensors,
    /// conditions and 1-D or 2-D tensors need only the copy.</summary>
    private static string LayoutNote(ITensorEngine from, ITensorEngine to, object tensor, string name, string target)
    {
        if (SameLayout(from, to)) return "";
        int rank;
        try { rank = from.Describe(tensor).Rank; }
        catch (ArgumentException) { return ""; }
        if (rank < 3) return "";
        static string Where(ITensorEngine e) => e.ClassAxis < 0 ? "the last axis" : $"axis {e.ClassAxis}";
        return $"; {name} has rank {rank}, so if it holds channels (the {from.Name} engine keeps them on {Where(from)}, " +
               $"the {to.Name} engine on {Where(to)}), also move them: `{target}.MoveAxis(Backend.ToTensor({name}, {target}), " +
               $"{from.ClassAxis}, {to.ClassAxis})` (not for class-index labels or other values without a channel axis)";
    }

    internal static ArgumentException UnsupportedDType(ITensorEngine engine, DType dtype, string name) =>
        dtype.IsFloatingPoint()
            ? new ArgumentException(
                $"Argument `{name}` has a floating-point type the {engine.Name} engine does not compute with " +
                $"(convert it to float32 or float64). Received: {name}.dtype={dtype.Name()}", name)
            : Validate.NotFloatingPoint(engine, dtype, name);

    private static ArgumentException Unowned(object tensor, string name) => new(
        $"Argument `{name}` must be a tensor of a CrossBackend engine. Received: {name} is a {TensorFormat.TypeName(tensor.GetType(), qualified: true)}, which no CrossBackend engine owns. " +
        $"Engines found: {(All.Count == 0 ? "none" : string.Join(", ", All.Select(e => e.Name)))}; " +
        // A .NET array is data, not a missing engine: referencing another package would not help.
        (tensor is Array && All.Count > 0
            ? $"make a tensor of it first, e.g. `Backend.ToTensor({name}, TensorEngines.Named(\"{All[0].Name}\"))` (on the engine of the other arguments)."
            : "reference an engine project (e.g. CrossBackend.Backends.Torch or CrossBackend.Backends.Numerics)."), name);

    private static IReadOnlyList<ITensorEngine> Discover()
    {
        var assemblies = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        foreach (Assembly a in AppDomain.CurrentDomain.GetAssemblies())
            assemblies.TryAdd(a.GetName().Name ?? a.FullName ?? "", a);
        foreach (string file in SafeEnumerate(AppContext.BaseDirectory, EngineAssemblyPattern))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            if (assemblies.ContainsKey(name)) continue;
            try { assemblies[name] = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name)); }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                assemblies[name] = AssemblyLoadContext.Default.LoadFromAssemblyPath(file);
            }
        }
        // A single-file app (PublishSingleFile) bundles its assemblies: there is no DLL file to scan, but the host
        // still resolves bundled assemblies by name. So also load, by name, the engine assemblies the app refers to
        // (the entry assembly's references, transitively) and the engines shipped with this library.
        foreach (string name in EngineAssemblyNames())
        {
            if (assemblies.ContainsKey(name)) continue;
            if (TryLoadByName(name) is { } loaded) assemblies[name] = loaded;
        }
        return assemblies.Values
            .SelectMany(a => a.GetCustomAttributes<TensorEngineAttribute>())
            .Select(attr => attr.EngineType)
            .Distinct()
            .Select(t => (ITensorEngine)Activator.CreateInstance(t)!)
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The engines this library ships: found by name even when the app's code never names one of their
    /// types (then the compiler drops the reference) and there is no DLL file beside the app (single-file publish).</summary>
    private static readonly string[] ShippedEngineAssemblies = ["CrossBackend.Backends.Numerics", "CrossBackend.Backends.Torch"];

    /// <summary>Names of engine assemblies (<c>CrossBackend.Backends.*</c>) among the entry assembly's references,
    /// followed transitively through CrossBackend assemblies, then the shipped engines' names.</summary>
    private static IEnumerable<string> EngineAssemblyNames()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<Assembly>();
        if (Assembly.GetEntryAssembly() is { } entry) pending.Push(entry);
        while (pending.Count > 0)
            foreach (AssemblyName reference in pending.Pop().GetReferencedAssemblies())
            {
                string name = reference.Name ?? "";
                if (!name.StartsWith("CrossBackend.", StringComparison.OrdinalIgnoreCase) || !seen.Add(name)) continue;
                if (name.StartsWith("CrossBackend.Backends.", StringComparison.OrdinalIgnoreCase)) yield return name;
                if (TryLoadByName(name) is { } loaded) pending.Push(loaded);
            }
        foreach (string name in ShippedEngineAssemblies)
            if (seen.Add(name)) yield return name;
    }

    /// <summary>The assembly of this name as the host resolves it (beside the app, in the deps file's list or inside
    /// a single-file bundle), or null when the app does not carry it.</summary>
    private static Assembly? TryLoadByName(string name)
    {
        try { return AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name)); }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException) { return null; }
    }

    private static IEnumerable<string> SafeEnumerate(string directory, string pattern)
    {
        try { return Directory.Exists(directory) ? Directory.GetFiles(directory, pattern) : []; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
