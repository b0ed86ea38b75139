using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>The gradient of crossentropy from logits in one pass (<see cref="IFusedSoftmaxCrossentropyGradient{TTensor}"/>):
/// contiguous rows (class axis last), everything else declined to the tape's composed graph.</summary>
public sealed unsafe partial class NumericsOps<T> : IFusedSoftmaxCrossentropyGradient<Tensor<T>>
{
    /// <inheritdoc/>
    public Tensor<T>? SoftmaxCrossentropyGradient(Tensor<T> target, bool sparse, Tensor<T> logits, int axis, Tensor<T> upstream, double scale)
    {
        if (!Rows(logits, axis, out long[] shape, out RowLayout layout) || layout.Inner != 1) return null;
        long[] targetShape = ShapeOf(target, nameof(target));
        long upstreamCount = Shapes.Count(ShapeOf(upstream, nameof(upstream)));
        if (sparse ? Shapes.Count(targetShape) != layout.Rows : !targetShape.AsSpan().SequenceEqual(shape)) return null;
        if (upstreamCount != layout.Rows && upstreamCount != 1) return null;
        var gradient = GC.AllocateUninitializedArray<T>(checked(layout.Rows * layout.Classes));
        fixed (T* y = TensorData.Read(target), x = TensorData.Read(logits), u = TensorData.Read(upstream), d = gradient)
        {
            nint yp = (nint)y, xp = (nint)x, up = (nint)u, dp = (nint)d;
            T factor = T.CreateTruncating(scale);
            bool perRow = upstreamCount != 1;
            layout.ForEachChunk([MethodImpl(MethodImplOptions.AggressiveOptimization)] (first, end) =>
                SoftmaxCrossentropyGradientRows((T*)yp, sparse, (T*)xp, (T*)up, perRow, factor, (T*)dp, layout.Classes, first, end));
        }
        return Create(gradient, shape);
    }

    /// <summary>Rows [<paramref name="first"/>, <paramref name="end"/>): e = exp(x − max) into the gradient, then
    /// (e·Σy / Σe − y)·u over it. A row whose maximum or Σe is not finite (NaN or +∞ among its logits) is NaN, as the
    /// composed log-softmax makes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void SoftmaxCrossentropyGradientRows(T* y, bool sparse, T* x, T* u, bool perRow, T factor, T* d, int classes, int first, int end)
    {
        int w = Vector<T>.Count;
        for (int r = first; r < end; r++)
        {
            T* xs = x + (long)r * classes, ds = d + (long)r * classes, ys = sparse ? null : y + (long)r * classes;
            T scaledUpstream = (perRow ? u[r] : u[0]) * factor;
            T max = TensorPrimitives.Max(new ReadOnlySpan<T>(xs, classes));
            T sum = T.Zero, labels = T.One;
            int c = 0;
            if (Vector.IsHardwareAccelerated && classes >= w)
            {
                var m = new Vector<T>(max);
                Vector<T> e = Vector<T>.Zero;
                for (; c + w <= classes; c += w)
                {
                    Vector<T> v = RowMath<T>.Exp(Vector.Load(xs + c) - m);
                    v.Store(ds + c);
                    e += v;
                }
                sum = Vector.Sum(e);
            }
            for (; c < classes; c++) sum += ds[c] = T.Exp(xs[c] - max);
            if (!sparse) labels = TensorPrimitives.Sum(new ReadOnlySpan<T>(ys, classes));
            if (!T.IsFinite(max) || !T.IsFinite(sum))
            {
                new Span<T>(ds, classes).Fill(T.NaN);
                continue;
            }
            T ratio = labels / sum;
            if (sparse)
            {
                var row = new Span<T>(ds, classes);
                TensorPrimitives.Multiply(row, ratio * scaledUpstream, row);
                ds[int.CreateTruncating(y[r])] -= scaledUpstream;
                continue;
            }
            c = 0;
            if (Vector.IsHardwareAccelerated && classes >= w)
            {
                var k = new Vector<T>(ratio);
                var g = new Vector<T>(scaledUpstream);
                for (; c + w <= classes; c += w)
                    ((Vector.Load(ds + c) * k - Vector.Load(ys + c)) * g).Store(ds + c);
            }
            for (; c < classes; c++) ds[c] = (ds[c] * ratio - ys[c]) * scaledUpstream;
        }
    }
}
