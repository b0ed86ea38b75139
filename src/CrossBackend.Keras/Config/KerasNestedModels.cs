using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>A model used as a layer of another (<c>base = keras.Sequential(...)</c>, then <c>base(x)</c> in an outer
/// model), inlined into the outer graph: its layers are graph layers named <c>&lt;model&gt;/&lt;inner name&gt;</c>
/// (Keras forbids <c>/</c> in layer names, so inner names that repeat outer ones stay apart). Kept for the weights,
/// which Keras files store per nested model (<see cref="KerasModel"/>).</summary>
/// <param name="Name">The model's path in the graph: its name, after its parents' (<c>outer/inner</c>).</param>
/// <param name="ClassName"><c>Sequential</c>, <c>Functional</c> or <c>Model</c> (Keras 3 names its group after it).</param>
/// <param name="Trainable">The model's own <c>trainable</c> (true when its config does not record it, as tf.keras 2's
/// does not): it decides the order of tf.keras 2's saved variables.</param>
/// <param name="Members">Its layers in its <c>model.layers</c> order (the config's), input layers left out.</param>
internal sealed record KerasNestedModel(string Name, string ClassName, bool Trainable, IReadOnlyList<KerasNestedMember> Members)
{
    /// <summary>The graph names of every layer inside, nested models' included, in member order.</summary>
    public IEnumerable<string> Leaves() => Members.SelectMany(m => m.Model is { } sub ? sub.Leaves() : [m.Name]);
}

/// <summary>One layer of a <see cref="KerasNestedModel"/>: a graph layer, or a model nested one level deeper.</summary>
/// <param name="Name">The graph name (a leaf) or the nested model's path.</param>
/// <param name="ClassName">The Keras class.</param>
/// <param name="Trainable">The layer's <c>trainable</c> config entry (true when absent).</param>
/// <param name="Model">The nested model, or null for a layer.</param>
internal sealed record KerasNestedMember(string Name, string ClassName, bool Trainable, KerasNestedModel? Model = null);

/// <summary>
/// Expands nested models into the outer model's layer list. A nested model's input layers are replaced by the
/// tensors its call passes (in its <c>input_layers</c> order: Keras flattens the call's structure and the model's
/// inputs alike), a reference to its output k (<c>["base", node, k]</c>) becomes its k-th output layer, and each
/// inner layer reads what it read inside. Masks then flow through the inner layers as Keras's <c>Functional.call</c>
/// passes them (tf.keras 2 keras/engine/functional.py <c>_run_internal_graph</c>, Keras 3
/// keras/src/models/functional.py <c>call</c>: the call's mask is set on the inner inputs, the outputs keep the masks
/// the inner layers computed). Node indices of a nested model's single call are ignored (tf.keras 2 numbers it 1
/// after the model's own node, <c>_should_skip_first_node</c>; Keras 3 does so for Functional but not Sequential).
/// </summary>
internal static class KerasNestedModels
{
    /// <summary>Whether a layer entry of this class is a model.</summary>
    public static bool IsModel(string className) => className is "Sequential" or "Functional" or "Model";

    /// <summary>The model with every nested model expanded (recursively), every reference resolved to a graph layer
    /// name, and the nested models' structure in <see cref="KerasConfigReader.Declared.Nested"/>.</summary>
    public static KerasConfigReader.Declared Inline(KerasConfigReader.Declared model)
    {
        Expanded e = Expand(model, "", null);
        return model with
        {
            Layers = e.Defs, Outputs = e.Outputs, Nested = e.Members.Where(m => m.Model is not null).Select(m => m.Model!).ToList(),
            SharedCalls = SharedCalls(e), Order = e.Order,
        };
    }

    /// <summary>Every later call of a shared layer, and every layer of a shared nested model's later call, mapped to the
    /// layer whose weights it uses: followed to the end (a layer shared inside a shared model: <c>tower/call_1/d/call_1</c>
    /// → <c>tower/d</c>).</summary>
    private static Dictionary<string, string> SharedCalls(Expanded e)
    {
        var map = new Dictionary<string, string>(e.Shared, StringComparer.Ordinal);
        foreach (LayerDef d in e.Defs)
            if (d.SharedOf is not null && d.Call > 0) map.TryAdd(d.Name, d.SharedOf);
        return map.ToDictionary(p => p.Key, p =>
        {
            string owner = p.Value;
            while (map.TryGetValue(owner, out string? next)) owner = next;
            return owner;
        }, StringComparer.Ordinal);
    }

    /// <summary>A config with its nested models inlined.</summary>
    /// <param name="Defs">The outer and inlined layers' definitions, in dependency order.</param>
    /// <param name="Outputs">The model's outputs as graph names.</param>
    /// <param name="Members">The inlined nested models, for their weight groups.</param>
    /// <param name="Shared">For each layer of a shared nested model's later call, the layer whose weights it uses.</param>
    /// <param name="Order">The graph names in Keras's <c>model.layers</c> order (the config's), which <see cref="Defs"/>'
    /// dependency order can leave: a shared layer listed before a layer its first call reads (Keras lists a layer at the
    /// depth of its deepest call) runs after it.</param>
    private sealed record Expanded(List<LayerDef> Defs, List<string> Outputs, List<KerasNestedMember> Members, Dictionary<string, string> Shared,
        List<string> Order);

    /// <param name="model">A model as read, references unresolved.</param>
    /// <param name="prefix">Put before its layers' names: "" for the outer model, <c>base/</c> inside <c>base</c>.</param>
    /// <param name="call">The graph names its inputs receive (a nested model's call), or null for the outer model.</param>
    private static Expanded Expand(KerasConfigReader.Declared model, string prefix, IReadOnlyList<string>? call)
    {
        string label = prefix.Length == 0 ? $"model `{model.Name}`" : $"nested model `{prefix.TrimEnd('/')}`";
        // A shared layer's calls: a reference [layer, node, tensor] reads call `node` (Keras numbers the calls a model
        // keeps from 0, keras/engine/functional.py get_network_config's node_conversion_map, Keras 3's
        // node_reindexing_map) — from 1 for a nested model that keeps its own node 0 (NodeOffset); another layer's node
        // index is ignored (a nested model called once is node 1 or 0).
        var callCounts = model.Layers.Where(d => d.SharedOf is not null).GroupBy(d => d.SharedOf!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var offsets = callCounts.Keys.ToDictionary(l => l, l => NodeOffset(model, l, callCounts[l]), StringComparer.Ordinal);
        string Target(string layer, int node)
        {
            if (!callCounts.TryGetValue(layer, out int count)) return layer;
            int index = node - offsets[layer];
            return index >= 0 && index < count ? KerasConfigReader.CallName(layer, index)
                : throw new InvalidDataException($"{label} reads node {node} of shared layer `{prefix}{layer}`, which is called {count} times" +
                    (offsets[layer] == 1 ? " (nodes 1 to " + count + ": a nested model keeps node 0 for itself)" : ""));
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);             // layer -> graph name
        var outputs = new Dictionary<string, List<string>>(StringComparer.Ordinal);     // nested model -> its outputs
        var subModels = new Dictionary<string, KerasNestedModel>(StringComparer.Ordinal);
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);           // a later call's layer -> the first's
        if (call is not null)
        {
            if (call.Count != model.Inputs.Count)
                throw new InvalidDataException(
                    $"{label} takes {model.Inputs.Count} input(s) ({string.Join(", ", model.Inputs.Select(n => $"`{n}`"))}), but its call passes {call.Count}");
            for (int i = 0; i < call.Count; i++) names[model.Inputs[i]] = call[i];
        }

        string Resolve(string reference)
        {
            (string layer, int node, int tensor) = KerasConfigReader.ParseReference(reference);
            string target = Target(layer, node);
            if (outputs.TryGetValue(target, out List<string>? outs))
            {
                if (tensor >= outs.Count)
                    throw new InvalidDataException($"{label} reads output {tensor} of nested model `{prefix}{layer}`, which has {outs.Count}");
                if (model.IsSequential && outs.Count > 1)
                    throw new NotSupportedException(
                        $"nested model `{prefix}{layer}` has {outs.Count} outputs inside Sequential {label}, which passes them on as a list; " +
                        "use it in a functional model that reads each output");
                return outs[tensor];
            }
            if (tensor != 0)
                throw new NotSupportedException($"a reference to output {tensor} of layer `{prefix}{layer}`: layers with several outputs are not supported");
            // A layer not (yet) named is left for KerasGraph to report as undefined.
            return names.TryGetValue(target, out string? name) ? name : prefix + target;
        }

        var defs = new List<LayerDef>();
        var innerOrders = new Dictionary<string, List<string>>(StringComparer.Ordinal);   // nested model call -> its order
        foreach (LayerDef def in InDependencyOrder(model.Layers, r => KerasConfigReader.ParseReference(r) is var p ? Target(p.Layer, p.Node) : r))
        {
            if (call is not null && model.Inputs.Contains(def.Name)) continue;   // replaced by the call's tensors
            List<string> inbound = def.Inbound.Select(Resolve).ToList();
            if (!IsModel(def.ClassName))
            {
                names[def.Name] = prefix + def.Name;
                defs.Add(def with { Name = prefix + def.Name, Inbound = inbound, SharedOf = def.SharedOf is null ? null : prefix + def.SharedOf });
                continue;
            }
            KerasConfigReader.Declared inner = KerasConfigReader.ReadModel(def.ClassName, def.Config, nested: true);
            string innerPrefix = $"{prefix}{def.Name}/";
            Expanded e = Expand(inner, innerPrefix, inbound);
            defs.AddRange(e.Defs);
            foreach ((string later, string first) in e.Shared) shared[later] = first;
            outputs[def.Name] = e.Outputs;
            innerOrders[def.Name] = e.Order;
            if (def.Call == 0) subModels[def.Name] = new KerasNestedModel(prefix + def.Name, def.ClassName, Trainable(def.Config), e.Members);
            else
                // A shared nested model's later call (`tower/call_1/…`): each of its layers uses the first call's weights.
                foreach (LayerDef d in e.Defs) shared[d.Name] = $"{prefix}{def.SharedOf}/{d.Name[innerPrefix.Length..]}";
        }
        // Members in the config's order: Keras's model.layers, the order both Keras versions save variables in.
        var members = model.Layers
            .Where(d => d.ClassName != "InputLayer" && d.Call == 0)   // a shared layer once
            .Select(d => subModels.TryGetValue(d.Name, out KerasNestedModel? sub)
                ? new KerasNestedMember(sub.Name, d.ClassName, sub.Trainable, sub)
                : new KerasNestedMember(prefix + d.Name, d.ClassName, Trainable(d.Config)))
            .ToList();
        // Keras's model.layers order, which its files follow (Keras 3's per-class numbering, tf.keras 2's layer_names):
        // the config's, a nested model's layers in its own order at its place.
        List<string> order = model.Layers.Where(d => call is null || !model.Inputs.Contains(d.Name))
            .SelectMany(d => innerOrders.TryGetValue(d.Name, out List<string>? inner) ? inner : [prefix + d.Name]).ToList();
        return new Expanded(defs, model.Outputs.Select(Resolve).ToList(), members, shared, order);
    }

    /// <summary>The node index of a shared layer's first call in the references to it. tf.keras 2 and Keras 3 start a
    /// nested model's calls at 1 when it keeps its own node 0 linking its inputs to its outputs (tf.keras 2
    /// <c>_should_skip_first_node</c>: a Functional, Sequential included, built on an InputLayer; Keras 3 get_config: a
    /// Functional, its Sequential not being one), other layers' at 0. Read from the references when they show it (a
    /// node index equal to the number of calls, or 0), else from that rule (a Keras 3 entry carries <c>module</c>).</summary>
    private static int NodeOffset(KerasConfigReader.Declared model, string layer, int calls)
    {
        LayerDef first = model.Layers.First(d => d.SharedOf == layer && d.Call == 0);
        if (!IsModel(first.ClassName)) return 0;
        var nodes = model.Layers.SelectMany(d => d.Inbound).Concat(model.Outputs).Select(KerasConfigReader.ParseReference)
            .Where(r => r.Layer == layer).Select(r => r.Node).ToHashSet();
        if (nodes.Contains(calls)) return 1;
        if (nodes.Contains(0)) return 0;
        if (first.Module is not null) return first.ClassName == "Sequential" ? 0 : 1;
        return first.ClassName != "Sequential" || (first.Config.TryGetProperty("layers", out JsonElement layers) && layers.ValueKind == JsonValueKind.Array &&
            layers.GetArrayLength() > 0 && layers[0].TryGetProperty("class_name", out JsonElement c) && c.ValueKind == JsonValueKind.String && c.GetString() == "InputLayer") ? 1 : 0;
    }

    /// <summary>The layers with each after the layers it reads (by name), otherwise in the config's order (Keras writes
    /// them so already); layers that cannot be placed (a cycle, a missing name) keep their place at the end, for
    /// <see cref="KerasGraph"/> to report.</summary>
    /// <param name="layers">The model's layers (a shared layer's calls each one).</param>
    /// <param name="target">The layer a reference reads.</param>
    private static List<LayerDef> InDependencyOrder(List<LayerDef> layers, Func<string, string> target)
    {
        var declared = layers.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var pending = new List<LayerDef>(layers);
        var result = new List<LayerDef>();
        while (pending.Count > 0)
        {
            int index = pending.FindIndex(d => d.Inbound.All(r => target(r) is var l && (placed.Contains(l) || !declared.Contains(l))));
            if (index < 0) { result.AddRange(pending); break; }
            placed.Add(pending[index].Name);
            result.Add(pending[index]);
            pending.RemoveAt(index);
        }
        return result;
    }

    private static bool Trainable(JsonElement config) =>
        config.ValueKind != JsonValueKind.Object || !config.TryGetProperty("trainable", out JsonElement t) || t.ValueKind != JsonValueKind.False;
}
