namespace CrossBackend;


/// <summary>Reshape with at most one −1.</summary>
internal sealed class ReshapeFunction(long[] shape) : FunctionProgram(ResultDTypes.SameAsInput, exact: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        return [o.Reshape(x, Resolve(shape, o.ShapeOf(x)))];
    }

    internal static long[] Resolve(long[] shape, long[] from)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = Shapes.Count(from), known = 1;
        int free = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1 && free < 0) { free = i; continue; }
            if (shape[i] < 0)
                throw new ArgumentException($"Argument `shape` must hold lengths ≥ 0 and at most one −1. Received: shape={TensorInfo.FormatShape(shape)}", nameof(shape));
            known *= shape[i];
        }
        long[] result = (long[])shape.Clone();
        if (free >= 0)
        {
            if (known == 0 || count % known != 0)
                throw new ArgumentException($"Argument `shape` cannot hold {count} elements. Received: shape={TensorInfo.FormatShape(shape)}, tensor.shape={TensorInfo.FormatShape(from)}", nameof(shape));
            result[free] = count / known;
        }
        else if (known != count)
            throw new ArgumentException($"Argument `shape` must describe {count} elements, as `tensor` has. Received: shape={TensorInfo.FormatShape(shape)}, tensor.shape={TensorInfo.FormatShape(from)}", nameof(shape));
        return result;
    }
}

/// <summary>Removes one length-1 axis, or all of them.</summary>
internal sealed class SqueezeFunction(int? axis) : FunctionProgram(ResultDTypes.SameAsInput, exact: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        if (axis is null) return [o.Reshape(x, shape.Where(d => d != 1).ToArray())];
        int a = Backend.Axis(axis.Value, shape.Length, "axis", "tensor", shape);
        if (shape[a] != 1)
            throw new ArgumentException($"Argument `axis` must name an axis of length 1. Received: axis={axis}, tensor.shape={TensorInfo.FormatShape(shape)}", nameof(axis));
        return [o.Reshape(x, Shapes.Without(shape, a))];
    }
}

/// <summary>Inserts a length-1 axis.</summary>
internal sealed class ExpandDimsFunction(int axis) : FunctionProgram(ResultDTypes.SameAsInput, exact: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        // The new axis may sit after the last one, so the range is the result's (rank + 1), not the tensor's.
        int rank = shape.Length + 1;
        if (axis < -rank || axis >= rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis,
                $"Argument `axis` must be in [{-rank}, {rank - 1}] for a tensor of rank {shape.Length} (the new axis's place in the rank-{rank} result). Received: axis={axis}, tensor.shape={TensorInfo.FormatShape(shape)}");
        int a = axis < 0 ? axis + rank : axis;
        return [o.Reshape(x, Shapes.With(shape, a))];
    }
}

/// <summary>Reorders axes (null: reverses them, NumPy's <c>transpose</c>).</summary>
internal sealed class PermuteFunction(int[]? order) : FunctionProgram(ResultDTypes.SameAsInput, exact: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        int rank = shape.Length;
        int[] resolved = order is null
            ? Enumerable.Range(0, rank).Reverse().ToArray()
            : Backend.Axes(order, rank, "permutation", "tensor", shape);
        if (resolved.Length != rank)
            throw new ArgumentException($"Argument `permutation` must name every axis of `tensor` once. Received: permutation=[{string.Join(", ", order!)}], tensor.shape={TensorInfo.FormatShape(shape)}", "permutation");
        return [o.Permute(x, resolved)];
    }
}

/// <summary>Joins tensors along an axis, in their promoted dtype.</summary>
internal sealed class ConcatFunction(int axis) : FunctionProgram(d => d.Aggregate(ResultDTypes.Promote), exact: true)
{
    public override DType ComputeDType(DType[] inputs)
    {
        // An integer dtype is computed natively where the engine has integer ops, else in float64 (TensorProgram).
        return inputs.Aggregate(ResultDTypes.Promote);
    }

    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T first = inputs[0]!;
        long[] shape = o.ShapeOf(first);
        int a = Backend.Axis(axis, shape.Length, "axis", "tensors[0]", shape);
        var xs = new List<T>();
        for (int i = 0; i < inputs.Length; i++)
        {
            T x = i == 0 ? first : o.DTypeOf(inputs[i]!) == o.DTypeOf(first) ? inputs[i]! : o.Cast(inputs[i]!, o.DTypeOf(first));
            long[] s = o.ShapeOf(x);
            bool fits = s.Length == shape.Length;
            for (int d = 0; fits && d < s.Length; d++) fits = d == a || s[d] == shape[d];
            if (!fits)
                throw new ArgumentException(
                    $"Argument `tensors` must hold tensors of one rank whose lengths agree except along `axis`. Received: tensors[0].shape={TensorInfo.FormatShape(shape)}, tensors[{i}].shape={TensorInfo.FormatShape(s)}, axis={axis}", "tensors");
            xs.Add(x);
        }
        return [xs.Count == 1 ? xs[0] : o.Concat(xs, a)];
    }
}

/// <summary>Reverses (flip) or rotates (roll) elements along axes: one general op (torch: one native call).</summary>
internal sealed class ReorderFunction(int[] axes, long[]? shifts) : FunctionProgram(ResultDTypes.SameAsInput, exact: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        if (shifts is null) return [o.Flip(x, Backend.Axes(axes, shape.Length, "axis", "tensor", shape))];
        // A repeated axis rolls by the sum of its shifts (tf.roll's and torch.roll's rule), so the op sees each axis once.
        var total = new Dictionary<int, long>();
        for (int k = 0; k < axes.Length; k++)
        {
            int a = Backend.Axis(axes[k], shape.Length, "axis", "tensor", shape);
            total[a] = total.GetValueOrDefault(a) + shifts[k];
        }
        return [o.Roll(x, [.. total.Values], [.. total.Keys])];
    }
}

public static partial class Backend
{
    /// <summary>The same values in another shape (FastEstimator's <c>reshape</c>); at most one length may be −1.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] to [-1] → <b>[1, 2, 3, 4, 5, 6, 7, 8]</b>;
    /// to [2, 4] → <b>[[1, 2, 3, 4], [5, 6, 7, 8]]</b>.</remarks>
    public static T Reshape<T>(T tensor, long[] shape) where T : class =>
        Run<T>(nameof(Reshape), new ReshapeFunction(shape), [tensor], TensorName);

    /// <summary>Removes <paramref name="axis"/>, which must have length 1, or every length-1 axis when null
    /// (FastEstimator's <c>squeeze</c>). Engines without rank-0 tensors keep a squeezed scalar as shape [1].</summary>
    /// <remarks><b>Example</b> (FastEstimator): shape (3, 1, 2, 1) [[[[1],[2]]],[[[3],[4]]],[[[5],[6]]]] → <b>[[1, 2], [3, 4], [5, 6]]</b>;
    /// axis 1 → <b>[[[1], [2]], [[3], [4]], [[5], [6]]]</b>; axis 3 → <b>[[[1, 2]], [[3, 4]], [[5, 6]]]</b>.</remarks>
    public static T Squeeze<T>(T tensor, int? axis = null) where T : class =>
        Run<T>(nameof(Squeeze), new SqueezeFunction(axis), [tensor], TensorName);

    /// <summary>Inserts a length-1 axis at <paramref name="axis"/> (FastEstimator's <c>expand_dims</c>, default 1; in
    /// [−rank−1, rank]).</summary>
    /// <remarks><b>Example</b>: [2, 7, 5] → axis 0 <b>[[2, 7, 5]]</b>, axis 1 <b>[[2], [7], [5]]</b> (FastEstimator's
    /// docstring prints the values as 2, 5, 7: a typo — the values are not reordered).</remarks>
    public static T ExpandDims<T>(T tensor, int axis = 1) where T : class =>
        Run<T>(nameof(ExpandDims), new ExpandDimsFunction(axis), [tensor], TensorName);

    /// <summary>Reorders the axes: result axis i is input axis <paramref name="permutation"/>[i] (FastEstimator's
    /// <c>permute</c>, NumPy's <c>transpose(axes)</c>). On torch the result is <c>permute</c>'s view of
    /// <paramref name="tensor"/>'s memory (no copy; call <c>contiguous()</c> for a dense one, or use <see cref="Layout"/>);
    /// on the channels-last engine a dense copy.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]] with [2, 0, 1] →
    /// <b>[[[0, 2], [4, 6], [8, 10]], [[1, 3], [5, 7], [9, 11]]]</b>; with [0, 2, 1] → <b>[[[0, 2], [1, 3]], [[4, 6], [5, 7]], [[8, 10], [9, 11]]]</b>.</remarks>
    public static T Permute<T>(T tensor, int[] permutation) where T : class =>
        Run<T>(nameof(Permute), new PermuteFunction(permutation ?? throw new ArgumentNullException(nameof(permutation))), [tensor], TensorName);

    /// <summary>Reverses the order of the axes (FastEstimator's <c>transpose</c>: NumPy's <c>transpose</c>, torch's <c>.T</c>);
    /// a view on torch, as <see cref="Permute{T}(T, int[])"/>.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[0, 1, 2], [3, 4, 5], [6, 7, 8]] → <b>[[0, 3, 6], [1, 4, 7], [2, 5, 8]]</b>.</remarks>
    public static T Transpose<T>(T tensor) where T : class =>
        Run<T>(nameof(Transpose), new PermuteFunction(null), [tensor], TensorName);

    /// <summary>Joins <paramref name="tensors"/> of one engine along <paramref name="axis"/> (FastEstimator's
    /// <c>concat</c>, default axis 0), in their promoted dtype. FastEstimator returns None for an empty list; here an
    /// empty list is refused.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[0, 1]], [[2, 3]], [[4, 5]] → axis 0 <b>[[0, 1], [2, 3], [4, 5]]</b>,
    /// axis 1 <b>[[0, 1, 2, 3, 4, 5]]</b>.</remarks>
    public static T Concat<T>(IReadOnlyList<T> tensors, int axis = 0) where T : class
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
            throw new ArgumentException("Argument `tensors` must hold at least one tensor. Received: an empty list", nameof(tensors));
        return Run<T>(nameof(Concat), new ConcatFunction(axis), tensors.Cast<object?>().ToArray(),
            Enumerable.Range(0, tensors.Count).Select(i => $"tensors[{i}]").ToArray());
    }

    /// <summary>Reverses the elements along each of <paramref name="axis"/> (FastEstimator's <c>flip</c>).</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]] along [0] →
    /// <b>[[[8, 9], [10, 11]], [[4, 5], [6, 7]], [[0, 1], [2, 3]]]</b>; along [0, 1] → <b>[[[10, 11], [8, 9]], [[6, 7], [4, 5]], [[2, 3], [0, 1]]]</b>.
    /// Cost: one engine call (torch: <c>torch.flip</c>).</remarks>
    public static T Flip<T>(T tensor, int[] axis) where T : class =>
        Run<T>(nameof(Flip), new ReorderFunction(axis ?? throw new ArgumentNullException(nameof(axis)), null), [tensor], TensorName);

    /// <summary>Rotates the elements by <paramref name="shift"/> places along <paramref name="axis"/> (FastEstimator's
    /// <c>roll</c>: elements past the end come back at the start; negative shifts go the other way).</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[1, 2, 3], [5, 6, 7]] shift 1 axis 0 → <b>[[5, 6, 7], [1, 2, 3]]</b>;
    /// shift 2 axis 1 → <b>[[2, 3, 1], [6, 7, 5]]</b>; shift −2 axis 1 → <b>[[3, 1, 2], [7, 5, 6]]</b>;
    /// shifts [−1, −1] axes [0, 1] → <b>[[6, 7, 5], [2, 3, 1]]</b>. Cost: one engine call (torch: <c>torch.roll</c>); a
    /// repeated axis rolls by the sum of its shifts.</remarks>
    public static T Roll<T>(T tensor, int shift, int axis) where T : class => Roll(tensor, [shift], [axis]);

    /// <summary>Rotates along several axes, one shift per axis.</summary>
    public static T Roll<T>(T tensor, int[] shift, int[] axis) where T : class
    {
        ArgumentNullException.ThrowIfNull(shift);
        ArgumentNullException.ThrowIfNull(axis);
        if (shift.Length != axis.Length)
            throw new ArgumentException($"Arguments `shift` and `axis` must have the same length. Received: shift=[{string.Join(", ", shift)}], axis=[{string.Join(", ", axis)}]", nameof(shift));
        return Run<T>(nameof(Roll), new ReorderFunction(axis, shift.Select(s => (long)s).ToArray()), [tensor], TensorName);
    }

    /// <summary>The shape in the engine's layout (FastEstimator's <c>get_shape</c>). Engines without rank-0 tensors
    /// report a scalar as [1].</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]] → <b>[3, 2, 2]</b>.</remarks>
    public static long[] GetShape(object tensor) => Inspect(tensor, nameof(tensor)).Info.Shape;

    /// <summary>The channels, height and width of an image or a batch of images (rank 3 or 4) in the engine's layout
    /// (FastEstimator's <c>get_image_dims</c>): (…, H, W, C) on channels-last engines, (…, C, H, W) on channels-first ones.</summary>
    /// <remarks><b>Example</b> (FastEstimator): a (2, 12, 12, 3) channels-last batch and a (2, 3, 12, 12) channels-first
    /// batch both give <b>(3, 12, 12)</b>.</remarks>
    public static (long Channels, long Height, long Width) GetImageDims(object tensor)
    {
        (ITensorEngine engine, TensorInfo info) = Inspect(tensor, nameof(tensor));
        long[] s = info.Shape;
        if (s.Length is not (3 or 4))
            throw new ArgumentException($"Argument `tensor` must be an image (rank 3) or a batch of images (rank 4). Received: tensor.shape={TensorInfo.FormatShape(s)}", nameof(tensor));
        int r = s.Length;
        return engine.ClassAxis == -1 ? (s[r - 1], s[r - 3], s[r - 2]) : (s[r - 3], s[r - 2], s[r - 1]);
    }
}
