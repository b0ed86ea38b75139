using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Numerics;

/// <summary>GroupNormalization, UnitNormalization and Dot in Keras's layout (batch first, channels last).</summary>
public sealed partial class KerasNumericsModel<T>
{
    /// <summary>GroupNormalization (see <see cref="GroupNormSpec"/>): with the input seen as (outer, C, inner) around the
    /// grouped axis, group g of item b holds channels [g·C/G, (g + 1)·C/G) at every outer index of b and every inner
    /// index; per group the mean, then the mean of squared differences (two passes, tf.nn.moments), inv = γ / √(var + ε),
    /// y = x · inv + (β − mean · inv), all in <typeparamref name="T"/>.</summary>
    private static Func<object[], object> GroupNorm(KerasLayer layer, GroupNormSpec g)
    {
        (int axis, int groups) = KerasNormShapes.GroupAxis(g, layer.InputShapes[0], layer.Name, layer.ClassName);
        int i = 0;
        T[]? gamma = g.Scale ? Vector(layer.Weights[i++]) : null;
        T[]? beta = g.Center ? Vector(layer.Weights[i]) : null;
        T eps = T.CreateChecked(g.Epsilon);
        return v =>
        {
            Tensor<T> x = Float(v[0], layer.Name);
            T[] data = TensorToArray(x);
            int batch = (int)x.Lengths[0], channels = (int)x.Lengths[axis + 1];
            long outer = 1, inner = 1;
            for (int d = 1; d <= axis; d++) outer *= x.Lengths[d];
            for (int d = axis + 2; d < x.Rank; d++) inner *= x.Lengths[d];
            int width = channels / groups;
            T count = T.CreateChecked(outer * width * inner);
            var output = new T[data.Length];
            for (int b = 0; b < batch; b++)
                for (int group = 0; group < groups; group++)
                {
                    // The cells of one group: (o, c, k) for o in the item's outer block, c in the group, k in inner.
                    IEnumerable<long> Cells()
                    {
                        for (long o = 0; o < outer; o++)
                            for (int c = group * width; c < (group + 1) * width; c++)
                            {
                                long start = ((b * outer + o) * channels + c) * inner;
                                for (long k = 0; k < inner; k++) yield return start + k;
                            }
                    }
                    T sum = T.Zero;
                    foreach (long cell in Cells()) sum += data[cell];
                    T mean = sum / count;
                    T squares = T.Zero;
                    foreach (long cell in Cells()) { T d = data[cell] - mean; squares += d * d; }
                    T inv = T.One / T.Sqrt(squares / count + eps);
                    for (int c = group * width; c < (group + 1) * width; c++)
                    {
                        // Keras: inv = rsqrt(var + eps) * gamma; res = -mean * inv + beta; x * inv + res.
                        T scale = gamma is null ? inv : inv * gamma[c];
                        T shift = -mean * scale;
                        if (beta is not null) shift += beta[c];
                        for (long o = 0; o < outer; o++)
                        {
                            long start = ((b * outer + o) * channels + c) * inner;
                            for (long k = 0; k < inner; k++) output[start + k] = data[start + k] * scale + shift;
                        }
                    }
                }
            return Tensor.Create(output, x.Lengths);
        };
    }

    /// <summary>UnitNormalization (see <see cref="UnitNormSpec"/>): x · 1 / √max(Σ x², 1e-12) over the summed axes,
    /// per item and per index of the other axes.</summary>
    private static Func<object[], object> UnitNorm(KerasLayer layer, UnitNormSpec u)
    {
        int[] axes = KerasNormShapes.UnitAxes(u, layer.InputShapes[0], layer.Name, layer.ClassName).Select(a => a + 1).ToArray();
        T floor = T.CreateChecked(1e-12);
        return v =>
        {
            Tensor<T> x = Float(v[0], layer.Name);
            T[] data = TensorToArray(x);
            long[] shape = x.Lengths.ToArray().Select(n => (long)n).ToArray();
            var output = new T[data.Length];
            foreach (long[] cells in Runs(shape, axes))
            {
                T sum = T.Zero;
                foreach (long cell in cells) sum += data[cell] * data[cell];
                T inv = T.One / T.Sqrt(T.Max(sum, floor));
                foreach (long cell in cells) output[cell] = data[cell] * inv;
            }
            return Tensor.Create(output, x.Lengths);
        };
    }

    /// <summary>The flat indices of a row-major tensor of <paramref name="shape"/>, grouped by the index of every axis
    /// not in <paramref name="axes"/>: one group per reduction.</summary>
    private static IEnumerable<long[]> Runs(long[] shape, int[] axes)
    {
        long[] strides = new long[shape.Length];
        long total = 1;
        for (int d = shape.Length - 1; d >= 0; d--) { strides[d] = total; total *= shape[d]; }
        int[] kept = Enumerable.Range(0, shape.Length).Where(d => !axes.Contains(d)).ToArray();
        long groups = kept.Aggregate(1L, (p, d) => p * shape[d]), size = axes.Aggregate(1L, (p, d) => p * shape[d]);
        for (long g = 0; g < groups; g++)
        {
            long baseIndex = 0, rest = g;
            for (int j = kept.Length - 1; j >= 0; j--) { baseIndex += rest % shape[kept[j]] * strides[kept[j]]; rest /= shape[kept[j]]; }
            var cells = new long[size];
            for (long r = 0; r < size; r++)
            {
                long index = baseIndex, left = r;
                for (int j = axes.Length - 1; j >= 0; j--) { index += left % shape[axes[j]] * strides[axes[j]]; left /= shape[axes[j]]; }
                cells[r] = index;
            }
            yield return cells;
        }
    }

    /// <summary>Dot (see <see cref="DotSpec"/>): each input optionally L2-normalised along its dot axis in the writer's
    /// form, then out[b, i, j] = Σ_k x[b, i, k] · y[b, k, j] with x's dot axis moved last and y's first (after the batch),
    /// the other axes flattened in order; the result keeps x's other axes, then y's ((batch, 1) when none).</summary>
    private static Func<object[], object> Dot(KerasLayer layer, DotSpec d)
    {
        (int ax, int ay) = KerasNormShapes.DotAxes(d, layer.InputShapes[0], layer.InputShapes[1], layer.Name, layer.ClassName);
        return v =>
        {
            Tensor<T> x = Float(v[0], layer.Name), y = Float(v[1], layer.Name);
            long[] xs = x.Lengths.ToArray().Select(n => (long)n).ToArray(), ys = y.Lengths.ToArray().Select(n => (long)n).ToArray();
            if (xs[0] != ys[0] || xs[ax + 1] != ys[ay + 1])
                throw new ArgumentException(
                    $"layer `{layer.Name}` (Dot): its inputs {TensorInfo.FormatShape(xs)} and {TensorInfo.FormatShape(ys)} need one batch size and one length on the dot axes");
            T[] xd = Normalized(TensorToArray(x), xs, ax + 1, d.Normalization), yd = Normalized(TensorToArray(y), ys, ay + 1, d.Normalization);
            int batch = (int)xs[0];
            long depth = xs[ax + 1];
            long[] xOther = xs[1..].Where((_, i) => i != ax).ToArray(), yOther = ys[1..].Where((_, i) => i != ay).ToArray();
            long m = xOther.Aggregate(1L, (p, n) => p * n), n = yOther.Aggregate(1L, (p, q) => p * q);
            // x as (batch, m, depth), y as (batch, depth, n): the dot axes moved (Keras's transposes), the rest in order.
            T[] xm = Moved(xd, xs, ax + 1, last: true), ym = Moved(yd, ys, ay + 1, last: false);
            var output = new T[batch * m * n];
            for (int b = 0; b < batch; b++)
                for (long i = 0; i < m; i++)
                    for (long j = 0; j < n; j++)
                    {
                        T sum = T.Zero;
                        for (long k = 0; k < depth; k++) sum += xm[(b * m + i) * depth + k] * ym[(b * depth + k) * n + j];
                        output[(b * m + i) * n + j] = sum;
                    }
            long[] outShape = [.. xOther, .. yOther];
            return Tensor.Create(output, outShape.Length == 0 ? [batch, 1] : [batch, .. outShape.Select(s => (nint)s)]);
        };
    }

    /// <summary>The data with <paramref name="axis"/> moved to the end (<paramref name="last"/>) or right after the batch
    /// axis, the other axes in order.</summary>
    private static T[] Moved(T[] data, long[] shape, int axis, bool last)
    {
        int rank = shape.Length;
        int[] order = last
            ? [.. Enumerable.Range(0, rank).Where(a => a != axis), axis]
            : [0, axis, .. Enumerable.Range(1, rank - 1).Where(a => a != axis)];
        if (order.Select((a, i) => a == i).All(same => same)) return data;
        return TensorToArray(ShapeKernels.Permute(Tensor.Create(data, shape.Select(s => (nint)s).ToArray()), order));
    }

    /// <summary>Dot's normalisation along <paramref name="axis"/>: tf.keras 2's x · rsqrt(max(Σ x², 1e-12)) or Keras
    /// 3.6+'s x · min(rsqrt(Σ x²), 1 / 1e-7), with rsqrt as 1 / √.</summary>
    private static T[] Normalized(T[] data, long[] shape, int axis, KerasDotNormalize form)
    {
        if (form == KerasDotNormalize.None) return data;
        var output = new T[data.Length];
        T floor = T.CreateChecked(1e-12), cap = T.CreateChecked(1.0 / 1e-7);
        foreach (long[] cells in Runs(shape, [axis]))
        {
            T sum = T.Zero;
            foreach (long cell in cells) sum += data[cell] * data[cell];
            T inv = form == KerasDotNormalize.ClampedSquaredSum ? T.One / T.Sqrt(T.Max(sum, floor)) : T.Min(T.One / T.Sqrt(sum), cap);
            foreach (long cell in cells) output[cell] = data[cell] * inv;
        }
        return output;
    }
}
