using System.Text.Json.Nodes;

namespace CrossBackend.Keras;

/// <summary>The entry to functional models, and the layer-factory mode that lets <see cref="KerasFunctional.Apply"/>
/// reuse every Sequential builder method: a factory has no input layer, shares its builder's per-class name counters,
/// and is closed once the layers it made are wired.</summary>
public sealed partial class KerasArchitecture
{
    private bool _closed;

    /// <summary>A layer factory for one <see cref="KerasFunctional.Apply"/> call, numbering names with <paramref name="counts"/>.</summary>
    private KerasArchitecture(Dictionary<string, int> counts)
    {
        _counts = counts;
        _name = "";
        IsLayerFactory = true;
    }

    /// <summary>Starts a functional model (Keras's <c>keras.Model(inputs, outputs)</c>): inputs, branches, merges and
    /// attention layers, several inputs and outputs. Layers are named as a fresh Keras session names them, one counter
    /// per class across the model (<c>dense</c>, <c>dense_1</c>, …), so a weights file matches by name.</summary>
    /// <param name="name">The model's name.</param>
    public static KerasFunctional Functional(string name = "model") => new(name);

    private bool IsLayerFactory { get; }

    internal static KerasArchitecture LayerFactory(Dictionary<string, int> counts) => new(counts);

    /// <summary>The layer entries (<c>{"class_name", "config"}</c>) this factory made, in order; closes it.</summary>
    internal JsonObject[] TakeLayers()
    {
        _closed = true;
        return _layers.Select(l => (JsonObject)l!).ToArray();
    }

    /// <summary>The next auto name of a class in this builder's session (shared with the functional builder).</summary>
    internal static string NextName(Dictionary<string, int> counts, string className)
    {
        string snake = KerasModel.SnakeCase(className);
        int n = counts.TryGetValue(snake, out int c) ? c + 1 : 0;
        counts[snake] = n;
        return n == 0 ? snake : $"{snake}_{n}";
    }

    private void ThrowIfClosed(string className)
    {
        if (_closed)
            throw new InvalidOperationException(
                $"a {className} layer was added to the KerasArchitecture that a KerasFunctional.Apply call lent its lambda, after that call " +
                "returned; make every layer inside the lambda (or call Apply again)");
    }

    private static InvalidOperationException LayerFactoryMisuse(string method) => new(
        $"KerasArchitecture.{method}() was called on the layer factory that KerasFunctional.Apply lends its lambda; the lambda only adds " +
        "layers (l => l.Dense(3)); build the model with KerasFunctional.Build(outputs)");
}
