using System.Text.RegularExpressions;

namespace CrossBackend.Keras;

/// <summary>
/// A Keras model ready to build on an engine: its architecture (<see cref="Graph"/>) with every layer's weights
/// attached, checked against the shapes the architecture implies.
/// </summary>
/// <example>
/// <code>
/// KerasModel model = KerasModel.Load("model.keras");              // or a Keras 2 full-model .h5
/// KerasModel lenet = KerasModel.Load("lenet_weights.h5", architecture); // a weights-only file
/// </code>
/// </example>
public sealed partial class KerasModel
{
    private KerasModel(KerasGraph graph, KerasFile? source)
    {
        Graph = graph;
        Source = source;
    }

    /// <summary>The architecture with weights.</summary>
    public KerasGraph Graph { get; }

    /// <summary>The file the weights came from (null when built from groups in memory).</summary>
    public KerasFile? Source { get; }

    /// <summary>The model's name.</summary>
    public string Name => Graph.Name;

    /// <summary>Loads a file that carries its architecture: a Keras 2 full-model <c>.h5</c> or a Keras 3 <c>.keras</c>.</summary>
    /// <exception cref="InvalidDataException">Not a Keras file, damaged, or a weights-only file (the message says how
    /// to give the architecture).</exception>
    /// <exception cref="NotSupportedException">A layer no engine builds, named in the message.</exception>
    public static KerasModel Load(string path)
    {
        KerasFile file = KerasFile.Open(path);
        if (file.ConfigJson is null)
            throw new InvalidDataException(
                $"{path}: a weights-only file ({file.Format}) has no architecture; give one: KerasModel.Load(path, architecture) with " +
                "KerasGraph.FromJson(model.to_json()) or a KerasArchitecture (CLI: --config model.json)");
        return FromFile(file, Parse(file.ConfigJson, path, WriterVersion(file)), KerasWeightMatching.ByName);
    }

    /// <summary>Loads weights into an architecture given separately (Keras's <c>model.load_weights</c>): any of the
    /// four formats; a full model's own architecture is ignored in favour of <paramref name="architecture"/>.</summary>
    /// <param name="path">The weights file.</param>
    /// <param name="architecture">The architecture, e.g. from <see cref="KerasGraph.FromJson(string, string?)"/> or <see cref="KerasArchitecture"/>.</param>
    /// <param name="matching">How groups are matched to layers.</param>
    public static KerasModel Load(string path, KerasGraph architecture, KerasWeightMatching matching = KerasWeightMatching.ByName)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return FromFile(KerasFile.Open(path), architecture, matching);
    }

    /// <summary>Loads weights into the architecture in a JSON file (<c>model.to_json()</c> or a Keras 3 <c>config.json</c>).</summary>
    /// <param name="path">The weights file.</param>
    /// <param name="architectureJsonPath">The JSON file.</param>
    /// <param name="matching">How groups are matched to layers.</param>
    public static KerasModel Load(string path, string architectureJsonPath, KerasWeightMatching matching = KerasWeightMatching.ByName)
    {
        ArgumentException.ThrowIfNullOrEmpty(architectureJsonPath);
        if (!File.Exists(architectureJsonPath)) throw new FileNotFoundException($"Model config not found: {architectureJsonPath}", architectureJsonPath);
        // The JSON's own version first (Parse reads it); the weights file's when the JSON has none.
        string json = File.ReadAllText(architectureJsonPath);
        KerasFile file = KerasFile.Open(path);
        return FromFile(file, Parse(json, architectureJsonPath, JsonVersionOr(json, WriterVersion(file))), matching);
    }

    /// <summary>The version of the Keras that wrote <paramref name="file"/>: its recorded <c>keras_version</c>, else
    /// "3" for Keras 3's formats (only Keras 3 writes them).</summary>
    private static string? WriterVersion(KerasFile file) =>
        file.KerasVersion ?? (file.Format is KerasFileFormat.Keras3Archive or KerasFileFormat.Keras3Weights ? "3" : null);

    private static string? JsonVersionOr(string json, string? fallback) => KerasConfigReader.KerasMajor(json)?.ToString() ?? fallback;

    /// <summary>Attaches weight groups (as a <see cref="KerasFile"/> lists them) to an architecture.</summary>
    /// <param name="architecture">The architecture.</param>
    /// <param name="groups">The groups.</param>
    /// <param name="keras3Layout">Whether the groups use Keras 3's <c>layers/&lt;class&gt;_k</c> names.</param>
    /// <param name="matching">How groups are matched to layers.</param>
    public static KerasModel FromWeights(KerasGraph architecture, IReadOnlyList<KerasWeightGroup> groups, bool keras3Layout,
        KerasWeightMatching matching = KerasWeightMatching.ByName)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(groups);
        return new KerasModel(architecture.WithWeights(Match(architecture, groups, keras3Layout, matching)), null);
    }

    private static KerasGraph Parse(string json, string source, string? kerasVersion)
    {
        try { return KerasGraph.FromJson(json, kerasVersion); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{source}: {e.Message}", e); }
        catch (NotSupportedException e) { throw new NotSupportedException($"{source}: {e.Message}", e); }
    }

    private static KerasModel FromFile(KerasFile file, KerasGraph architecture, KerasWeightMatching matching)
    {
        bool keras3 = file.Format is KerasFileFormat.Keras3Archive or KerasFileFormat.Keras3Weights;
        try { return new KerasModel(architecture.WithWeights(Match(architecture, file.WeightGroups, keras3, matching)), file); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{file.Path}: {e.Message}", e); }
    }

    private static Dictionary<string, IReadOnlyList<KerasWeight>> Match(KerasGraph graph, IReadOnlyList<KerasWeightGroup> groups,
        bool keras3, KerasWeightMatching matching)
    {
        var result = new Dictionary<string, IReadOnlyList<KerasWeight>>(StringComparer.Ordinal);
        var used = new HashSet<KerasWeightGroup>();
        var byName = new Dictionary<string, KerasWeightGroup>(StringComparer.Ordinal);
        foreach (KerasWeightGroup g in groups) byName.TryAdd(g.Name, g);
        Dictionary<string, string> keras3Names = keras3 ? Keras3GroupNames(graph) : [];
        var ordered = new Queue<KerasWeightGroup>(groups.Where(g => g.Weights.Count > 0));

        // Keras 2's load_weights(by_name=False) pairs groups with tf.keras 2's model.layers, whose order can differ from
        // the graph's (Keras 3's) for a KerasFunctional graph (KerasGraph.Keras2Order), and from its dependency order
        // for a file's config with shared layers (KerasGraph.ConfigOrder).
        IEnumerable<KerasLayer> layers = matching == KerasWeightMatching.ByOrder && !keras3 && graph.Keras2Order is { } keras2Order
            ? keras2Order.Select(n => graph[n]) : graph.InConfigOrder;
        foreach (WeightUnit unit in Units(graph, layers, keras3))
        {
            IReadOnlyList<(string Name, long[] Shape)> expected = unit.Expected;
            KerasWeightGroup? group;
            if (matching == KerasWeightMatching.ByOrder && !keras3)
            {
                if (expected.Count == 0) continue;
                group = ordered.Count > 0 ? ordered.Dequeue()
                    : throw new InvalidDataException($"{unit.Label} needs weights, but the file has no more non-empty groups (matching by order)");
            }
            else
            {
                string key = !keras3 ? unit.Name : keras3Names.TryGetValue(unit.Name, out string? path) ? path : $"layers/{SnakeCase(unit.ClassName)}";
                if (!byName.TryGetValue(key, out group))
                {
                    if (expected.Count == 0) continue;
                    throw new InvalidDataException(
                        $"{unit.Label} has no weights in the file (looked for group `{key}`; the file has: " +
                        $"{string.Join(", ", groups.Where(g => g.Weights.Count > 0).Select(g => g.Name))})");
                }
            }
            used.Add(group);
            if (group.Weights.Count != expected.Count)
                throw new InvalidDataException(
                    $"{unit.Label} expects {expected.Count} weights ({string.Join(", ", expected.Select(e => e.Name))}), " +
                    $"group `{group.Name}` has {group.Weights.Count}" + (group.Weights.Count > 0 ? $" ({string.Join(", ", group.Weights.Select(w => w.Name))})" : ""));
            for (int i = 0; i < expected.Count; i++)
                if (!group.Weights[i].Shape.SequenceEqual(expected[i].Shape))
                    throw new InvalidDataException(
                        $"{unit.Label}: weight {expected[i].Name} must have shape {TensorInfo.FormatShape(expected[i].Shape)}, " +
                        $"`{group.Weights[i].Name}` in the file has {TensorInfo.FormatShape(group.Weights[i].Shape)}");
            if (expected.Count > 0) foreach ((string layer, IReadOnlyList<KerasWeight> weights) in unit.Split(group.Weights)) result[layer] = weights;
        }
        // A shared layer's later calls take its weights (checked against the shapes each call implies).
        foreach ((string call, string first) in graph.SharedCalls)
        {
            if (!result.TryGetValue(first, out IReadOnlyList<KerasWeight>? shared)) continue;
            IReadOnlyList<(string Name, long[] Shape)> expected = graph[call].ExpectedWeights;
            for (int i = 0; i < expected.Count; i++)
                if (i >= shared.Count || !shared[i].Shape.SequenceEqual(expected[i].Shape))
                    throw new InvalidDataException(
                        $"layer `{first}` is shared, and its call `{call}` needs weight {expected[i].Name} of shape {TensorInfo.FormatShape(expected[i].Shape)}, " +
                        $"where the layer has {(i < shared.Count ? TensorInfo.FormatShape(shared[i].Shape) : "none")}: Keras builds a layer's weights once, for its first call's input");
            result[call] = shared;
        }
        KerasWeightGroup[] unused = groups.Where(g => g.Weights.Count > 0 && !used.Contains(g)).ToArray();
        if (unused.Length > 0)
            throw new InvalidDataException(
                $"the file holds weights no layer of the architecture takes: {string.Join(", ", unused.Select(g => g.Name))} (is it the same model?)");
        return result;
    }

    /// <summary>Keras 3's group per layer: <c>layers/</c> + the class name in snake case, numbered per class in
    /// layer order (the first <c>conv2d</c>, then <c>conv2d_1</c>, …). A Sequential model does not count its input
    /// layer; a functional model does (neither has variables, so only names of the same class interact). A nested
    /// model is numbered so among its model's layers, and its own layers below it (<see cref="NameNested"/>).</summary>
    internal static Dictionary<string, string> Keras3GroupNames(KerasGraph graph)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        Dictionary<string, KerasNestedModel> owner = NestedOwners(graph);
        var named = new HashSet<KerasNestedModel>();
        // model.layers' order (the config's), which a shared layer can make differ from the graph's dependency order.
        foreach (KerasLayer layer in graph.InConfigOrder)
        {
            if (owner.TryGetValue(layer.Name, out KerasNestedModel? model))
            {
                if (named.Add(model)) NameNested(model, $"layers/{Numbered(counts, SnakeCase(model.ClassName))}", names);
                continue;
            }
            if (graph.IsSequential && layer.Spec is InputSpec) continue;
            if (graph.SharedCalls.ContainsKey(layer.Name)) continue;   // a shared layer is one object, saved once
            names[layer.Name] = $"layers/{Numbered(counts, SnakeCase(layer.ClassName))}";
        }
        return names;
    }

    /// <summary>The class name, numbered as Keras 3's saving_lib <c>_save_container_state</c> numbers one container's
    /// objects: the first bare, then <c>_1</c>, <c>_2</c>, ….</summary>
    private static string Numbered(Dictionary<string, int> counts, string name)
    {
        if (counts.TryGetValue(name, out int n)) { counts[name] = n + 1; return $"{name}_{n + 1}"; }
        counts[name] = 0;
        return name;
    }

    /// <summary>Keras's <c>to_snake_case</c>: <c>Conv2D</c> → <c>conv2d</c>, <c>MaxPooling2D</c> → <c>max_pooling2d</c>,
    /// <c>ReLU</c> → <c>re_lu</c>.</summary>
    internal static string SnakeCase(string name)
    {
        name = WordStart().Replace(name, "$1_$2");
        return LowerUpper().Replace(name, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z]+)")] private static partial Regex WordStart();
    [GeneratedRegex("([a-z])([A-Z])")] private static partial Regex LowerUpper();
}
