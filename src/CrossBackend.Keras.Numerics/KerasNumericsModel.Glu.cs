using System.Numerics.Tensors;

namespace CrossBackend.Keras.Numerics;

public sealed partial class KerasNumericsModel<T>
{
    /// <summary>Keras 3's <c>glu</c> over the last axis (keras/src/backend/tensorflow/nn.py: <c>tf.split</c> in two
    /// halves a, b; <c>a * tf.sigmoid(b)</c>), which halves that axis.</summary>
    private static Tensor<T> Glu(Tensor<T> x, string layer)
    {
        int features = (int)x.Lengths[^1];
        KerasRuntimeShapes.EnsureGluHalves(layer, features);
        int half = features / 2, rows = features == 0 ? 0 : (int)(x.FlattenedLength / features);
        T[] data = TensorToArray(x);
        var output = new T[rows * half];
        for (int r = 0; r < rows; r++)
        {
            Span<T> gate = data.AsSpan(r * features + half, half);
            TensorPrimitives.Sigmoid<T>(gate, gate);
            TensorPrimitives.Multiply<T>(data.AsSpan(r * features, half), gate, output.AsSpan(r * half, half));
        }
        nint[] shape = x.Lengths.ToArray();
        shape[^1] = half;
        return Tensor.Create(output, shape);
    }

    /// <summary>Keras 3.7–3.11's <c>sparsemax</c> over rows of <paramref name="rowLength"/>, as its TensorFlow backend
    /// writes it (<see cref="KerasActivationKind.SparsemaxKeras3"/>): each row sorted descending, the running sum c_j,
    /// support where z_(j) − (c_j − 1) / j &gt; 0, τ = (Σ over the support of c_j − 1) / (support size), max(z − τ, 0).</summary>
    private static void SparsemaxRows(Span<T> values, int rowLength)
    {
        var sorted = new T[rowLength];
        for (int start = 0; start + rowLength <= values.Length; start += rowLength)
        {
            Span<T> row = values.Slice(start, rowLength);
            row.CopyTo(sorted);
            Array.Sort(sorted, (a, b) => b.CompareTo(a));
            T cumulative = T.Zero, supportedSum = T.Zero, count = T.Zero;
            for (int j = 0; j < rowLength; j++)
            {
                cumulative += sorted[j];
                if (sorted[j] - (cumulative - T.One) / T.CreateChecked(j + 1) > T.Zero)
                {
                    supportedSum += cumulative;
                    count += T.One;
                }
            }
            T tau = (supportedSum - T.One) / count;
            for (int i = 0; i < rowLength; i++) row[i] = T.Max(row[i] - tau, T.Zero);
        }
    }
}
