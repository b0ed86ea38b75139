namespace CrossBackend.Keras;

/// <summary>A model output in Keras's channels-last layout, as float64.</summary>
/// <param name="Values">Row-major values.</param>
/// <param name="Shape">The shape, batch first.</param>
public sealed record KerasPrediction(double[] Values, long[] Shape);

/// <summary>Running a built network on data given once in Keras's layout, whatever the engine's layout.</summary>
public static class KerasNetworkExtensions
{
    /// <summary>
    /// Runs the network on channels-last data (as Keras and NumPy hold it) and returns the output channels-last.
    /// For a channels-first engine, inputs of rank ≥ 3 move their channels to axis 1 on the way in and outputs of
    /// rank ≥ 3 move them back on the way out (the engine's MoveAxis); rank-2 data (features) and integer token ids of
    /// any rank (an Embedding input, which has no channels axis) pass as they are.
    /// </summary>
    /// <param name="network">The built network.</param>
    /// <param name="data">float[], double[], int[] or long[] (int for an Embedding input), row-major.</param>
    /// <param name="shape">The input shape, batch first.</param>
    public static KerasPrediction Predict(this IKerasNetwork network, Array data, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        KerasLayer input = network.Graph[network.Graph.Inputs[0]];
        long[] expected = ((InputSpec)input.Spec).Shape;
        if (shape.Length != expected.Length + 1 || shape.Skip(1).Zip(expected).Any(p => p.Second >= 0 && p.First != p.Second))
            throw new ArgumentException(
                $"Argument `input` must have shape {KerasLayer.FormatBatchShape(expected)} for model `{network.Graph.Name}`. Received: input.shape={TensorInfo.FormatShape(shape)}",
                nameof(shape));
        if (shape.Aggregate(1L, (a, b) => a * b) != data.Length)
            throw new ArgumentException($"Argument `data` must hold {shape.Aggregate(1L, (a, b) => a * b)} elements for shape {TensorInfo.FormatShape(shape)}. Received: {data.Length}", nameof(data));
        ITensorEngine engine = network.Engine;
        bool channelsFirst = engine.ClassAxis == 1;
        Array typed = data switch
        {
            float[] or double[] when ((InputSpec)input.Spec).DType is DType.Int32 or DType.Int64 or DType.UInt8 or DType.Int8 or DType.Int16 =>
                data is float[] f ? Array.ConvertAll(f, v => (long)v) : Array.ConvertAll((double[])data, v => (long)v),
            float[] f when network.DType == DType.Float64 => Array.ConvertAll(f, v => (double)v),
            double[] d when network.DType == DType.Float32 => Array.ConvertAll(d, v => (float)v),
            int[] i when ((InputSpec)input.Spec).DType.IsFloatingPoint() => network.DType == DType.Float64 ? Array.ConvertAll(i, v => (double)v) : Array.ConvertAll(i, v => (float)v),
            long[] l when ((InputSpec)input.Spec).DType.IsFloatingPoint() => network.DType == DType.Float64 ? Array.ConvertAll(l, v => (double)v) : Array.ConvertAll(l, v => (float)v),
            int[] i => Array.ConvertAll(i, v => (long)v),
            _ => data,
        };
        object tensor = engine.FromArray(typed, shape);
        bool indices = !((InputSpec)input.Spec).DType.IsFloatingPoint();
        object? moved = channelsFirst && shape.Length >= 3 && !indices ? engine.MoveAxis(tensor, shape.Length - 1, 1) : null;
        object output = network.Forward(moved ?? tensor);
        try
        {
            long[] outShape = engine.Describe(output).Shape;
            object keras = channelsFirst && outShape.Length >= 3 ? engine.MoveAxis(output, 1, outShape.Length - 1) : output;
            double[] values = engine.ToDoubleArray(keras, out long[] kerasShape);
            if (!ReferenceEquals(keras, output)) (keras as IDisposable)?.Dispose();
            return new KerasPrediction(values, kerasShape);
        }
        finally
        {
            (output as IDisposable)?.Dispose();
            (moved as IDisposable)?.Dispose();
            (tensor as IDisposable)?.Dispose();
        }
    }
}
