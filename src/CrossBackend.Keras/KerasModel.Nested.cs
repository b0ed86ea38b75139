namespace CrossBackend.Keras;

/// <summary>How the weights of nested models (<see cref="KerasNestedModel"/>) are found in the files.</summary>
public sealed partial class KerasModel
{
    /// <summary>What one file group feeds: a layer, or (tf.keras 2 layouts) a whole nested model.</summary>
    /// <param name="Name">The graph name: the tf.keras 2 group's name, and the key of Keras 3's group names.</param>
    /// <param name="ClassName">For the Keras 3 fallback name and messages.</param>
    /// <param name="Label">How messages name it.</param>
    /// <param name="Expected">The variables the group must hold, in the file's order.</param>
    /// <param name="Split">The group's variables handed to the graph's layers.</param>
    private sealed record WeightUnit(string Name, string ClassName, string Label, IReadOnlyList<(string Name, long[] Shape)> Expected,
        Func<IReadOnlyList<KerasWeight>, IEnumerable<(string Layer, IReadOnlyList<KerasWeight> Weights)>> Split);

    /// <summary>The groups a file holds for the graph, in <paramref name="layers"/>' order. Keras 3 saves every layer of
    /// a nested model in its own group (<c>layers/functional/layers/conv2d/vars</c>), so each layer is a unit there.
    /// tf.keras 2 (keras/saving/legacy/hdf5_format.py <c>save_weights_to_hdf5_group</c>) saves a nested model as one
    /// layer of the outer model: one group named after it, listing every inner variable (<see cref="Keras2Order"/>),
    /// which <c>load_weights</c> assigns by order.</summary>
    private static IEnumerable<WeightUnit> Units(KerasGraph graph, IEnumerable<KerasLayer> layers, bool keras3)
    {
        Dictionary<string, KerasNestedModel> owner = keras3 ? [] : NestedOwners(graph);
        var seen = new HashSet<KerasNestedModel>();
        foreach (KerasLayer layer in layers)
        {
            if (graph.SharedCalls.ContainsKey(layer.Name)) continue;   // a shared layer's later call: its first call's weights
            if (owner.TryGetValue(layer.Name, out KerasNestedModel? model))
            {
                if (seen.Add(model)) yield return NestedUnit(graph, model);
                continue;
            }
            yield return new WeightUnit(layer.Name, layer.ClassName, $"layer `{layer.Name}` ({layer.ClassName})", layer.ExpectedWeights,
                weights => [(layer.Name, weights)]);
        }
    }

    /// <summary>Each layer of a top-level nested model, mapped to that model.</summary>
    private static Dictionary<string, KerasNestedModel> NestedOwners(KerasGraph graph)
    {
        var owner = new Dictionary<string, KerasNestedModel>(StringComparer.Ordinal);
        foreach (KerasNestedModel model in graph.Nested)
            foreach (string leaf in model.Leaves()) owner[leaf] = model;
        return owner;
    }

    private static WeightUnit NestedUnit(KerasGraph graph, KerasNestedModel model)
    {
        List<(string Layer, int Index, string Name, long[] Shape)> order = Keras2Order(graph, model);
        return new WeightUnit(model.Name, model.ClassName, $"nested model `{model.Name}` ({model.ClassName})",
            order.Select(o => ($"{o.Layer}/{o.Name}", o.Shape)).ToArray(),
            weights =>
            {
                // Back to each layer's own order (kernel, bias; gamma, beta, moving mean, moving variance).
                var byLayer = new Dictionary<string, KerasWeight[]>(StringComparer.Ordinal);
                foreach (string leaf in model.Leaves()) byLayer[leaf] = new KerasWeight[graph[leaf].ExpectedWeights.Count];
                for (int i = 0; i < order.Count; i++) byLayer[order[i].Layer][order[i].Index] = weights[i];
                return byLayer.Where(p => p.Value.Length > 0).Select(p => (p.Key, (IReadOnlyList<KerasWeight>)p.Value));
            });
    }

    /// <summary>A nested model's variables in tf.keras 2's <c>_legacy_weights(model)</c> order,
    /// <c>model.trainable_weights + model.non_trainable_weights</c> (keras/engine/training.py <c>Model</c>): its layers'
    /// trainable variables, then their non-trainable ones; a frozen model (<c>trainable=False</c>) lists the same
    /// sequence as non-trainable ("all trainable vars, then all non-trainable vars"). A layer's variables are
    /// non-trainable when it is frozen (base_layer.py: then in its own order) or when Keras creates them so
    /// (<see cref="CreatedFrozen"/>). <c>base.trainable = False</c> freezes every inner layer too, so BatchNormalization's
    /// moving statistics come after every kernel of a trainable nested model, but next to their layer's γ and β in a
    /// frozen one.</summary>
    internal static List<(string Layer, int Index, string Name, long[] Shape)> Keras2Order(KerasGraph graph, KerasNestedModel model)
    {
        (var trainable, var frozen) = Split(graph, model);
        return [.. trainable, .. frozen];
    }

    private static (List<(string, int, string, long[])> Trainable, List<(string, int, string, long[])> Frozen) Split(KerasGraph graph, KerasNestedModel model)
    {
        var trainable = new List<(string, int, string, long[])>();
        var frozen = new List<(string, int, string, long[])>();
        foreach (KerasNestedMember member in model.Members)
        {
            List<(string, int, string, long[])> t = [], f = [];
            if (member.Model is { } sub) (t, f) = Split(graph, sub);
            else
            {
                IReadOnlyList<(string Name, long[] Shape)> expected = graph[member.Name].ExpectedWeights;
                for (int i = 0; i < expected.Count; i++)
                    (member.Trainable && !CreatedFrozen(expected[i].Name) ? t : f).Add((member.Name, i, expected[i].Name, expected[i].Shape));
            }
            trainable.AddRange(t);
            frozen.AddRange(f);
        }
        // A frozen model: "all trainable vars, then all non-trainable vars" of its layers, all non-trainable.
        return model.Trainable ? (trainable, frozen) : ([], [.. trainable, .. frozen]);
    }

    /// <summary>Variables Keras creates with <c>trainable=False</c>: BatchNormalization's <c>moving_mean</c> and
    /// <c>moving_variance</c> (also inside a wrapper, whose names end so), and Normalization's <c>mean</c>,
    /// <c>variance</c> and <c>count</c>.</summary>
    private static bool CreatedFrozen(string name) =>
        name[(name.LastIndexOf('/') + 1)..] is "moving_mean" or "moving_variance" or "mean" or "variance" or "count";

    /// <summary>Keras 3's groups of a nested model's layers: <c>&lt;path&gt;/layers/&lt;class&gt;[_k]</c>, numbered per class
    /// among the model's own layers (saving_lib's <c>_walk_saveable</c> yields a Sequential's or Functional's
    /// <c>layers</c> first, each container numbered on its own), a model nested in it the same way one level down.</summary>
    private static void NameNested(KerasNestedModel model, string path, Dictionary<string, string> names)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (KerasNestedMember member in model.Members)
        {
            string child = $"{path}/layers/{Numbered(counts, SnakeCase(member.ClassName))}";
            if (member.Model is { } sub) NameNested(sub, child, names);
            else names[member.Name] = child;
        }
    }
}
