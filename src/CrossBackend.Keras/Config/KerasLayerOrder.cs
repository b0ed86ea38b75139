namespace CrossBackend.Keras;

/// <summary>
/// The order in which Keras lists a functional model's layers (<c>model.layers</c>, the config's <c>layers</c>), which
/// is the order Keras 3 numbers their weight groups by class (<c>layers/dense</c>, <c>layers/dense_1</c>, …) and so
/// decides which group a layer loads. Keras 3's keras/src/ops/function.py <c>map_graph</c> (tf.keras 2's
/// keras/engine/functional.py <c>_map_graph_network</c> is the same walk): a depth-first walk from each output in
/// turn numbers every layer when first reached, visiting a call's tensors in <c>tree.flatten((args, kwargs))</c>
/// order; a layer's depth is its longest path to an output; layers come deepest first, ties in walk order. This is
/// not the order the Python code made the layers in: two branches of equal depth come in the order the walk from the
/// outputs meets them. The two Keras versions flatten a keyword call differently — tf.keras 2's <c>Layer.__call__</c>
/// records the first argument apart (<c>Node((inputs,) + args, kwargs)</c>), so <c>mha(query=q, value=v, key=k)</c>
/// is q, k, v there and k, q, v in Keras 3 — which the caller's <c>parents</c> says.
/// </summary>
internal static class KerasLayerOrder
{
    /// <param name="outputs">The output layers, in the model's output order.</param>
    /// <param name="inputs">The input layers (the walk stops there).</param>
    /// <param name="parents">The layers whose outputs a layer reads, in the flattened call order of the Keras whose
    /// order is wanted.</param>
    public static List<string> Of(IReadOnlyList<string> outputs, IReadOnlySet<string> inputs, Func<string, IReadOnlyList<string>> parents)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var postOrder = new List<string>();   // every layer after the layers it reads

        void Visit(string layer)
        {
            if (finished.Contains(layer)) return;
            index.TryAdd(layer, index.Count);
            if (!inputs.Contains(layer))
                foreach (string parent in parents(layer)) Visit(parent);
            finished.Add(layer);
            postOrder.Add(layer);
        }

        foreach (string output in outputs) Visit(output);

        // Reversed, the post-order reaches every layer after all its readers, so its depth is final when reached.
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = postOrder.Count - 1; i >= 0; i--)
        {
            string layer = postOrder[i];
            int d = depth.GetValueOrDefault(layer);
            depth[layer] = d;
            if (inputs.Contains(layer)) continue;
            foreach (string parent in parents(layer)) depth[parent] = Math.Max(depth.GetValueOrDefault(parent), d + 1);
        }
        return postOrder.OrderByDescending(l => depth[l]).ThenBy(l => index[l]).ToList();
    }
}
