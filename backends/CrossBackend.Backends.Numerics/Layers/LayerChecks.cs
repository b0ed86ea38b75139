using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Argument checks and tensor plumbing shared by the layer kernels.</summary>
internal static class LayerChecks
{
    public static long[] Shape<T>(Tensor<T> tensor) => TensorData.Shape(tensor.Lengths);

    public static void Rank<T>(Tensor<T> tensor, int rank, string name, string layout)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.Rank != rank)
            throw new ArgumentException(
                $"Argument `{name}` must have rank {rank} {layout}. Received: {name}.shape={TensorInfo.FormatShape(Shape(tensor))}", name);
    }

    public static void Length<T>(ReadOnlySpan<T> vector, long expected, string name)
    {
        if (vector.Length != expected)
            throw new ArgumentException($"Argument `{name}` must have length {expected}. Received: {name} has length {vector.Length}", name);
    }

    public static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"Argument `{name}` must be positive. Received: {name}={value}");
    }

    /// <summary>Windows of <paramref name="window"/> cells at <paramref name="stride"/> over <paramref name="padded"/>
    /// cells: floor((padded − window) / stride) + 1, and 0 when the window is longer (C#'s division truncates toward
    /// zero, so the plain formula gives 1 for (2 − 3) / 2 + 1).</summary>
    public static int OutputLength(int padded, int window, int stride) => padded < window ? 0 : (padded - window) / stride + 1;

    public static Tensor<T> Create<T>(T[] data, params long[] shape) => TensorData.Create(data, shape);

    /// <summary>The same elements under new lengths (a copy: Tensor&lt;T&gt;.Reshape in System.Numerics.Tensors 10.0.0
    /// refuses some valid reshapes, e.g. dropping a length-1 axis from (2, 1, 5, 3)).</summary>
    public static Tensor<T> Reshape<T>(Tensor<T> tensor, params nint[] lengths) => Tensor.Create(TensorData.ToArray(tensor), lengths);

    /// <summary>Runs body(first, end) over [0, count) in parallel chunks of at least <paramref name="minPerTask"/>
    /// items (inline when one chunk suffices).</summary>
    public static void ForRanges(int count, int minPerTask, Action<int, int> body)
    {
        int tasks = Math.Min(Environment.ProcessorCount * 4, Math.Max(1, count / Math.Max(1, minPerTask)));
        if (tasks <= 1) { body(0, count); return; }
        int per = (count + tasks - 1) / tasks;
        WorkerPool.For(tasks, t =>
        {
            int first = t * per;
            if (first < count) body(first, Math.Min(count, first + per));
        });
    }
}
