namespace CrossBackend.Keras;

/// <summary>A model output in Keras's channels-last layout, as float64.</summary>
/// <param name="Values">Row-major values.</param>
/// <param name="Shape">The shape, batch first.</param>
public sealed record KerasPrediction(double[] Values, long[] Shape);

/// <summary>One input of a model in Keras's channels-last layout, for
/// <see cref="KerasNetworkExtensions.Predict(IKerasNetwork, IReadOnlyList{KerasInput})"/>.</summary>
/// <param name="Data">float[], double[], int[] or long[] (int for an Embedding input), row-major.</param>
/// <param name="Shape">The shape, batch first.</param>
public sealed record KerasInput(Array Data, long[] Shape);

/// <summary>Running a built network on data given once in Keras's layout, whatever the engine's layout.</summary>
public static class KerasNetworkExtensions
{
    /// <summary>
    /// Runs a network of one input and one output on channels-last data (as Keras and NumPy hold it) and returns the
    /// output channels-last. For a channels-first engine, inputs of rank ≥ 3 move their channels to axis 1 on the way
    /// in and outputs of rank ≥ 3 move them back on the way out (the engine's MoveAxis); rank-2 data (features) and
    /// integer token ids of any rank (an Embedding input, which has no channels axis) pass as they are. A model of
    /// several inputs or outputs takes <see cref="Predict(IKerasNetwork, IReadOnlyList{KerasInput})"/>.
    /// </summary>
    /// <param name="network">The built network.</param>
    /// <param name="data">float[], double[], int[] or long[] (int for an Embedding input), row-major.</param>
    /// <param name="shape">The input shape, batch first.</param>
    public static KerasPrediction Predict(this IKerasNetwork network, Array data, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        KerasNetworkInputs.EnsureSingle(network.Graph, nameof(network));
        KerasLayer input = network.Graph[network.Graph.Inputs[0]];
        long[] expected = ((InputSpec)input.Spec).Shape;
        if (!KerasNetworkInputs.Fits(expected, shape))
            throw new ArgumentException(
                $"Argument `input` must have shape {KerasLayer.FormatBatchShape(expected)} for model `{network.Graph.Name}`. Received: input.shape={TensorInfo.FormatShape(shape)}",
                nameof(shape));
        CheckLength(data, shape, "data");
        return Run(network, [new KerasInput(data, shape)])[0];
    }

    /// <summary>
    /// Runs the network on one channels-last array per input, in <see cref="KerasGraph.Inputs"/> order (Keras's
    /// <c>model.inputs</c>: the config's <c>input_layers</c>), and returns one channels-last output per output in
    /// <see cref="KerasGraph.Outputs"/> order (<c>model.outputs</c>), each moved between layouts as
    /// <see cref="Predict(IKerasNetwork, Array, long[])"/> moves its one input and output.
    /// </summary>
    /// <param name="network">The built network.</param>
    /// <param name="inputs">One array with its shape per model input.</param>
    /// <exception cref="ArgumentNullException">An input, or its <see cref="KerasInput.Data"/> or <see cref="KerasInput.Shape"/>,
    /// is null (named <c>inputs[i]</c>, <c>inputs[i].Data</c>, <c>inputs[i].Shape</c>).</exception>
    /// <exception cref="ArgumentException">Not one array per input, or an input whose shape is not its InputLayer's
    /// (the message names the input and both shapes, Keras's layout), or whose data does not fill its shape.</exception>
    public static IReadOnlyList<KerasPrediction> Predict(this IKerasNetwork network, IReadOnlyList<KerasInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        KerasGraph graph = network.Graph;
        KerasNetworkInputs.EnsureCount(graph, inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            KerasInput x = inputs[i] ?? throw new ArgumentNullException($"inputs[{i}]");
            // A record's members are null when built so by a caller without nullable analysis: name them, not a NullReferenceException.
            ArgumentNullException.ThrowIfNull(x.Data, $"inputs[{i}].Data");
            ArgumentNullException.ThrowIfNull(x.Shape, $"inputs[{i}].Shape");
            long[] expected = ((InputSpec)graph[graph.Inputs[i]].Spec).Shape;
            if (!KerasNetworkInputs.Fits(expected, x.Shape))
                throw new ArgumentException(KerasNetworkInputs.ShapeMessage(graph, i, expected, x.Shape, "channels last"), nameof(inputs));
            CheckLength(x.Data, x.Shape, $"inputs[{i}].Data");
        }
        return Run(network, inputs);
    }

    /// <summary>Checked inputs (one per model input, in order) through the network: each moved to the engine's layout,
    /// every output moved back; the tensors made here are disposed, each once.</summary>
    private static KerasPrediction[] Run(IKerasNetwork network, IReadOnlyList<KerasInput> inputs)
    {
        KerasGraph graph = network.Graph;
        var owned = new List<object>();
        try
        {
            object[] tensors = inputs.Select((x, i) => ToEngine(network, graph[graph.Inputs[i]], x.Data, x.Shape, owned)).ToArray();
            IReadOnlyList<object> outputs = network.Forward(tensors);
            // The same tensor may be two outputs (or an input): dispose each once.
            foreach (object o in outputs) if (!owned.Any(t => ReferenceEquals(t, o))) owned.Add(o);
            return outputs.Select(o => FromEngine(network.Engine, o)).ToArray();
        }
        finally { Dispose(owned); }
    }

    private static void CheckLength(Array data, long[] shape, string name)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException($"Argument `{name}` must hold {count} elements for shape {TensorInfo.FormatShape(shape)}. Received: {data.Length}", name);
    }

    /// <summary>The data as an engine tensor in the engine's layout, typed for the input (ids as long, values in the
    /// network's dtype); every tensor made is added to <paramref name="owned"/>.</summary>
    private static object ToEngine(IKerasNetwork network, KerasLayer input, Array data, long[] shape, List<object> owned)
    {
        ITensorEngine engine = network.Engine;
        DType inputType = ((InputSpec)input.Spec).DType;
        Array typed = data switch
        {
            float[] or double[] when inputType is DType.Int32 or DType.Int64 or DType.UInt8 or DType.Int8 or DType.Int16 =>
                data is float[] f ? Array.ConvertAll(f, v => (long)v) : Array.ConvertAll((double[])data, v => (long)v),
            float[] f when network.DType == DType.Float64 => Array.ConvertAll(f, v => (double)v),
            double[] d when network.DType == DType.Float32 => Array.ConvertAll(d, v => (float)v),
            int[] i when inputType.IsFloatingPoint() => network.DType == DType.Float64 ? Array.ConvertAll(i, v => (double)v) : Array.ConvertAll(i, v => (float)v),
            long[] l when inputType.IsFloatingPoint() => network.DType == DType.Float64 ? Array.ConvertAll(l, v => (double)v) : Array.ConvertAll(l, v => (float)v),
            int[] i => Array.ConvertAll(i, v => (long)v),
            _ => data,
        };
        object tensor = engine.FromArray(typed, shape);
        owned.Add(tensor);
        if (engine.ClassAxis != 1 || shape.Length < 3 || !inputType.IsFloatingPoint()) return tensor;
        object moved = engine.MoveAxis(tensor, shape.Length - 1, 1);
        owned.Add(moved);
        return moved;
    }

    /// <summary>An engine output back in Keras's layout, as float64 (the output itself is not disposed here).</summary>
    private static KerasPrediction FromEngine(ITensorEngine engine, object output)
    {
        long[] outShape = engine.Describe(output).Shape;
        object keras = engine.ClassAxis == 1 && outShape.Length >= 3 ? engine.MoveAxis(output, 1, outShape.Length - 1) : output;
        try
        {
            double[] values = engine.ToDoubleArray(keras, out long[] kerasShape);
            return new KerasPrediction(values, kerasShape);
        }
        finally
        {
            if (!ReferenceEquals(keras, output)) (keras as IDisposable)?.Dispose();
        }
    }

    private static void Dispose(List<object> owned)
    {
        for (int i = owned.Count - 1; i >= 0; i--)
            if (owned.FindIndex(o => ReferenceEquals(o, owned[i])) == i) (owned[i] as IDisposable)?.Dispose();
    }
}
