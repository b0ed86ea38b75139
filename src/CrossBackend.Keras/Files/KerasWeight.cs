namespace CrossBackend.Keras;

/// <summary>One saved variable (a kernel, a bias, a moving mean, ...) exactly as Keras stored it.</summary>
/// <remarks>Shapes and element order are Keras's: a Conv2D kernel is (kh, kw, in, out), a Dense kernel (in, out).
/// Use <see cref="KerasLayout"/> to convert for a channels-first engine.</remarks>
public sealed class KerasWeight
{
    /// <summary>Creates a weight from row-major data.</summary>
    /// <param name="name">The name Keras gave it (<c>conv2d/kernel:0</c> in Keras 2, the index in Keras 3).</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="data">The elements in row-major order: <c>float[]</c> or <c>double[]</c>.</param>
    public KerasWeight(string name, long[] shape, Array data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (data is not (float[] or double[]))
            throw new ArgumentException($"Argument `data` must be a float[] or double[]. Received: {TensorFormat.TypeName(data.GetType())}", nameof(data));
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException(
                $"Argument `data` must hold {count} elements for shape {TensorInfo.FormatShape(shape)}. Received: {data.Length} elements", nameof(data));
        Name = name;
        Shape = shape;
        Data = data;
    }

    /// <summary>The name Keras gave the variable.</summary>
    public string Name { get; }

    /// <summary>The variable's shape in Keras's layout.</summary>
    public long[] Shape { get; }

    /// <summary>The elements, row-major: <c>float[]</c> (float32 and float16 files) or <c>double[]</c> (float64).</summary>
    public Array Data { get; }

    /// <summary>The stored element type (float16 weights are widened to float32 on reading).</summary>
    public DType DType => Data is double[] ? DType.Float64 : DType.Float32;

    /// <summary>The elements as float32 (a copy when stored as float64).</summary>
    public float[] ToSingleArray() => Data as float[] ?? Array.ConvertAll((double[])Data, v => (float)v);

    /// <summary>The elements as float64 (always a copy).</summary>
    public double[] ToDoubleArray() => Data is double[] d ? (double[])d.Clone() : Array.ConvertAll((float[])Data, v => (double)v);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {TensorInfo.FormatShape(Shape)} {DType.Name()}";
}

/// <summary>The variables a file holds for one layer, in Keras's order (kernel before bias; BatchNormalization's
/// gamma, beta, moving mean, moving variance).</summary>
/// <param name="Name">The group's name: the layer's name in Keras 2 files, the <c>layers/…</c> path in Keras 3
/// files (Keras 3 names it after the layer's class, numbered per class).</param>
/// <param name="Weights">The variables.</param>
public sealed record KerasWeightGroup(string Name, IReadOnlyList<KerasWeight> Weights);
