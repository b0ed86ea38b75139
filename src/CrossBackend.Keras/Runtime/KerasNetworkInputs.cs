namespace CrossBackend.Keras;

/// <summary>The checks every runtime makes on the model it builds (every layer has its weights) and on the tensors a
/// network is called with: how many, and their shapes against the InputLayers', named by the inputs' Keras names.</summary>
internal static class KerasNetworkInputs
{
    /// <summary>Throws unless every layer of <paramref name="graph"/> has the weights it expects (parameter <c>model</c>).</summary>
    public static void EnsureWeights(KerasGraph graph)
    {
        if (!graph.HasWeights)
            throw new ArgumentException($"Argument `model` has layers without weights: {string.Join(", ", graph.Layers.Where(l => l.ExpectedWeights.Count != l.Weights.Count).Select(l => l.Name))}", "model");
    }

    /// <summary>Whether <paramref name="actual"/> (batch first) fits an InputLayer's <paramref name="expected"/>
    /// (batch excluded, −1 for a <c>None</c> axis).</summary>
    public static bool Fits(long[] expected, ReadOnlySpan<long> actual)
    {
        if (actual.Length != expected.Length + 1) return false;
        for (int d = 0; d < expected.Length; d++)
            if (expected[d] >= 0 && actual[d + 1] != expected[d]) return false;
        return true;
    }

    /// <summary>The model's inputs (or outputs) as Keras names them, in order: <c>`in_a`, `in_b`</c>.</summary>
    public static string Names(IReadOnlyList<string> names) => string.Join(", ", names.Select(n => $"`{n}`"));

    /// <summary>Throws unless <paramref name="count"/> tensors are one per input of <paramref name="graph"/>.</summary>
    public static void EnsureCount(KerasGraph graph, int count)
    {
        if (count != graph.Inputs.Count)
            throw new ArgumentException(
                $"Argument `inputs` must hold {graph.Inputs.Count} tensor{(graph.Inputs.Count == 1 ? "" : "s")} for model `{graph.Name}`, one per input in this order: " +
                $"{Names(graph.Inputs)} (Keras's model.inputs). Received: {count}", "inputs");
    }

    /// <summary>Throws unless the model has one input and one output: the single-tensor calls
    /// (<c>Forward(object)</c>, <c>Predict(data, shape)</c>) cannot feed or return more.</summary>
    /// <param name="graph">The model's architecture.</param>
    /// <param name="paramName">The caller's argument the refusal names: <c>input</c> for <c>Forward(object)</c>, the
    /// network for the extension <c>Predict(data, shape)</c>, whose data is not at fault.</param>
    public static void EnsureSingle(KerasGraph graph, string paramName = "input")
    {
        if (graph.Inputs.Count != 1 || graph.Outputs.Count != 1)
            throw new ArgumentException(
                $"model `{graph.Name}` has {graph.Inputs.Count} input{(graph.Inputs.Count == 1 ? "" : "s")} ({Names(graph.Inputs)}) and " +
                $"{graph.Outputs.Count} output{(graph.Outputs.Count == 1 ? "" : "s")} ({Names(graph.Outputs)}): pass one tensor per input as a list " +
                "(Forward(IReadOnlyList<object>), or Predict(IReadOnlyList<KerasInput>) in Keras's layout) and read one result per output", paramName);
    }

    /// <summary>The message for input <paramref name="index"/> of a wrong shape: its Keras name, the InputLayer's shape and the one given.</summary>
    public static string ShapeMessage(KerasGraph graph, int index, long[] expected, long[] actual, string layout) =>
        $"Argument `inputs[{index}]` (input `{graph.Inputs[index]}`) must have shape {KerasLayer.FormatBatchShape(expected)} ({layout}) for model `{graph.Name}`. " +
        $"Received: inputs[{index}].shape={TensorInfo.FormatShape(actual)}";
}
