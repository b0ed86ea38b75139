namespace CrossBackend;

/// <summary>Each general op with its backward step.</summary>
internal sealed partial class TapeOps<T>
{
    public TensorInfo Describe(TapeTensor<T> x) => inner.Describe(x.Value);
    public DType DTypeOf(TapeTensor<T> x) => inner.DTypeOf(x.Value);
    public long[] ShapeOf(TapeTensor<T> x) => inner.ShapeOf(x.Value);
    public TapeTensor<T> Adopt(object tensor, string argumentName) => Untracked(inner.Adopt(tensor, argumentName));
    public double[] ToHost(TapeTensor<T> x) => inner.ToHost(x.Value);
    public TapeTensor<T>[] Scoped(Func<TapeTensor<T>[]> body) => body();
    public TapeTensor<T> Full(long[] shape, double value, DType dtype) => Untracked(inner.Full(shape, value, dtype));
    public TapeTensor<T> FromValues(double[] values, long[] shape, DType dtype) => Untracked(inner.FromValues(values, shape, dtype));

    public TapeTensor<T> Cast(TapeTensor<T> x, DType dtype)
    {
        DType from = inner.DTypeOf(x.Value);
        T y = inner.Cast(x.Value, dtype);
        if (!from.IsFloatingPoint() || !dtype.IsFloatingPoint()) return Untracked(y);
        return Record(y, g => Accumulate(x, inner.Cast(g, from)), x);
    }

    public TapeTensor<T> Unary(UnaryOp op, TapeTensor<T> x)
    {
        T v = x.Value, y = inner.Unary(op, v);
        Func<T, T>? rule = op switch
        {
            UnaryOp.Negate => g => inner.Unary(UnaryOp.Negate, g),
            // PyTorch's abs_backward, g·sgn(x) with sgn(NaN) = 0 (the engines' Sign keeps NaN, NumPy's rule, which
            // made the gradient NaN at a NaN input): (x > 0) − (x < 0).
            UnaryOp.Abs => g => Mul(g, Sub(Mask(CompareOp.Greater, v, Scalar(0, v), g), Mask(CompareOp.Less, v, Scalar(0, v), g))),
            UnaryOp.Square => g => Mul(g, Mul(v, Scalar(2, v))),
            UnaryOp.Sqrt => g => Div(g, Mul(y, Scalar(2, v))),
            UnaryOp.Exp => g => Mul(g, y),
            UnaryOp.Log => g => Div(g, v),
            UnaryOp.Log1p => g => Div(g, Add(v, Scalar(1, v))),
            UnaryOp.Expm1 => g => Mul(g, Add(y, Scalar(1, v))),
            UnaryOp.Sigmoid => g => Mul(g, Mul(y, Sub(Scalar(1, v), y))),
            UnaryOp.Tanh => g => Mul(g, Sub(Scalar(1, v), inner.Unary(UnaryOp.Square, y))),
            UnaryOp.Softplus => g => Mul(g, inner.Unary(UnaryOp.Sigmoid, v)),
            UnaryOp.Reciprocal => g => inner.Unary(UnaryOp.Negate, Mul(g, inner.Unary(UnaryOp.Square, y))),
            UnaryOp.Cos => g => inner.Unary(UnaryOp.Negate, Mul(g, inner.Unary(UnaryOp.Sin, v))),
            UnaryOp.Sin => g => Mul(g, inner.Unary(UnaryOp.Cos, v)),
            // PyTorch's threshold_backward: 0 where x ≤ 0, g elsewhere (NaN included), selected so that an infinite g
            // leaves 0 where x ≤ 0.
            UnaryOp.Relu => g => inner.Where(inner.Compare(CompareOp.LessEqual, v, Scalar(0, v)), Scalar(0, g), g),
            _ => null,   // Sign, Floor, Round: zero gradient almost everywhere
        };
        return rule is null ? Untracked(y) : Record(y, g => Accumulate(x, rule(g)), x);
    }

    public TapeTensor<T> Binary(BinaryOp op, TapeTensor<T> a, TapeTensor<T> b)
    {
        T va = a.Value, vb = b.Value, y = inner.Binary(op, va, vb);
        return Record(y, g =>
        {
            switch (op)
            {
                case BinaryOp.Add: Accumulate(a, g); Accumulate(b, g); break;
                case BinaryOp.Subtract: Accumulate(a, g); Accumulate(b, inner.Unary(UnaryOp.Negate, g)); break;
                case BinaryOp.Multiply: Accumulate(a, Mul(g, vb)); Accumulate(b, Mul(g, va)); break;
                case BinaryOp.Divide:
                    Accumulate(a, Div(g, vb));
                    if (b.Tracked) Accumulate(b, inner.Unary(UnaryOp.Negate, Div(Mul(g, y), vb)));
                    break;
                case BinaryOp.Power:
                    // PyTorch 1.13's pow_backward_self / pow_backward_exponent: 0 where the exponent is 0 (b·a^(b−1) is
                    // 0·∞ at a = 0), and 0 for the exponent where a = 0 and b ≥ 0 (y·log a is 0·(−∞) there), selected
                    // with where so the masked value never reaches the sum.
                    T none = Scalar(0, g);
                    if (a.Tracked)
                        Accumulate(a, inner.Where(inner.Compare(CompareOp.Equal, vb, Scalar(0, vb)), none,
                            Mul(g, Mul(vb, inner.Binary(BinaryOp.Power, va, Sub(vb, Scalar(1, vb)))))));
                    if (b.Tracked)
                    {
                        T byExponent = Mul(g, Mul(y, inner.Unary(UnaryOp.Log, va)));
                        T atZeroBase = inner.Where(inner.Compare(CompareOp.GreaterEqual, vb, Scalar(0, vb)), none, byExponent);
                        Accumulate(b, inner.Where(inner.Compare(CompareOp.Equal, va, Scalar(0, va)), atZeroBase, byExponent));
                    }
                    break;
                case BinaryOp.Maximum:
                case BinaryOp.Minimum:
                    // PyTorch 1.13's maximum/minimum backward: where(a == b, g/2, g), zeroed on the input that lost
                    // (a < b for maximum). A NaN on either side neither wins, loses nor ties, so both inputs get g.
                    // Selected with where, as PyTorch does, so an infinite gradient leaves 0 (not 0·∞ = NaN) on the loser.
                    CompareOp loses = op == BinaryOp.Maximum ? CompareOp.Less : CompareOp.Greater;
                    T zero = Scalar(0, g), shared = inner.Where(inner.Compare(CompareOp.Equal, va, vb), Mul(g, Scalar(0.5, g)), g);
                    Accumulate(a, inner.Where(inner.Compare(loses, va, vb), zero, shared));
                    Accumulate(b, inner.Where(inner.Compare(loses, vb, va), zero, shared));
                    break;
            }
        }, a, b);
    }

    public TapeTensor<T> Compare(CompareOp op, TapeTensor<T> a, TapeTensor<T> b) => Untracked(inner.Compare(op, a.Value, b.Value));

    public TapeTensor<T> Where(TapeTensor<T> condition, TapeTensor<T> a, TapeTensor<T> b)
    {
        T y = inner.Where(condition.Value, a.Value, b.Value);
        return Record(y, g =>
        {
            T zero = Zeros(g);
            Accumulate(a, inner.Where(condition.Value, g, zero));
            Accumulate(b, inner.Where(condition.Value, zero, g));
        }, a, b);
    }

    public TapeTensor<T> Clip(TapeTensor<T> x, double min, double max)
    {
        T v = x.Value, y = inner.Clip(v, min, max);
        // PyTorch's clamp: the gradient passes where min ≤ x ≤ max (bounds rounded to the dtype, as in the forward),
        // selected with where as PyTorch does (an infinite gradient leaves 0 outside, not NaN).
        return Record(y, g =>
        {
            T zero = Scalar(0, g);
            T belowMax = inner.Where(inner.Compare(CompareOp.LessEqual, v, inner.Clip(v, max, max)), g, zero);
            Accumulate(x, inner.Where(inner.Compare(CompareOp.GreaterEqual, v, inner.Clip(v, min, min)), belowMax, zero));
        }, x);
    }

    public TapeTensor<T> Reduce(ReduceOp op, TapeTensor<T> x, int[]? axes, bool keepDims)
    {
        T v = x.Value, y = inner.Reduce(op, v, axes, keepDims);
        long[] shape = inner.ShapeOf(v);
        return Record(y, g =>
        {
            T up = Expand(g, shape, axes, keepDims);
            switch (op)
            {
                case ReduceOp.Sum: Accumulate(x, up); break;
                case ReduceOp.Mean:
                    long count = Shapes.Count(shape) / Math.Max(1, Shapes.Count(inner.ShapeOf(y)));
                    Accumulate(x, Div(up, Scalar(count, g)));
                    break;
                case ReduceOp.Max:
                case ReduceOp.Min:
                    // As PyTorch's amax/amin: the gradient is shared evenly among the tied extremes.
                    T mask = Mask(CompareOp.Equal, v, Expand(y, shape, axes, keepDims), g);
                    T ties = Expand(inner.Reduce(ReduceOp.Sum, mask, axes, keepDims), shape, axes, keepDims);
                    Accumulate(x, Div(Mul(up, mask), ties));
                    break;
                case ReduceOp.Prod: Accumulate(x, ProdGradient(up, v, Expand(y, shape, axes, keepDims), axes, keepDims, shape)); break;
                case ReduceOp.Variance:
                case ReduceOp.Std:
                    // var: 2(x − mean)/n; std: (x − mean)/(n·std), as PyTorch's var_backward/std_backward (correction 0).
                    long n = Shapes.Count(shape) / Math.Max(1, Shapes.Count(inner.ShapeOf(y)));
                    T centred = Sub(v, inner.Reduce(ReduceOp.Mean, v, axes, keepDims: true));
                    if (op == ReduceOp.Variance) { Accumulate(x, Mul(Mul(up, centred), Scalar(2.0 / n, g))); break; }
                    // std_backward masks the slices whose deviation is 0 to a zero gradient (a constant slice, where
                    // the formula is 0/0): ZScore of a constant feature must not turn every parameter's update NaN.
                    T std = Expand(y, shape, axes, keepDims);
                    T byStd = Mul(Mul(up, centred), Div(Scalar(1.0 / n, g), std));
                    Accumulate(x, inner.Where(inner.Compare(CompareOp.Equal, std, Scalar(0, std)), Scalar(0, g), byStd));
                    break;
            }
        }, x);
    }

    /// <summary>
    /// PyTorch 1.13's prod_backward: up·y/v where the slice has no zero; at a slice's only zero, up · the product of the
    /// other elements (y/v is 0/0 there); 0 everywhere in a slice with two zeros or more.
    /// </summary>
    private T ProdGradient(T up, T v, T product, int[]? axes, bool keepDims, long[] shape)
    {
        T zero = Scalar(0, v), one = Scalar(1, v);
        T isZero = inner.Compare(CompareOp.Equal, v, zero);
        T othersAtZero = Expand(inner.Reduce(ReduceOp.Prod, inner.Where(isZero, one, v), axes, keepDims), shape, axes, keepDims);
        T zeros = Expand(inner.Reduce(ReduceOp.Sum, inner.Cast(isZero, inner.DTypeOf(v)), axes, keepDims), shape, axes, keepDims);
        T atZero = inner.Where(inner.Compare(CompareOp.Equal, zeros, one), othersAtZero, zero);
        return inner.Where(isZero, Mul(up, atZero), Div(Mul(up, product), inner.Where(isZero, one, v)));
    }

    public TapeTensor<T> ArgMax(TapeTensor<T> x, int axis, bool keepDims) => Untracked(inner.ArgMax(x.Value, axis, keepDims));
    public TapeTensor<T> ArgMin(TapeTensor<T> x, int axis, bool keepDims) => Untracked(inner.ArgMin(x.Value, axis, keepDims));

    public TapeTensor<T> Softmax(TapeTensor<T> x, int axis)
    {
        T y = inner.Softmax(x.Value, axis);
        return Record(y, g => Accumulate(x, Mul(y, Sub(g, inner.Reduce(ReduceOp.Sum, Mul(g, y), [axis], keepDims: true)))), x);
    }

    public TapeTensor<T> LogSoftmax(TapeTensor<T> x, int axis)
    {
        T y = inner.LogSoftmax(x.Value, axis);
        return Record(y, g => Accumulate(x, Sub(g, Mul(inner.Unary(UnaryOp.Exp, y), inner.Reduce(ReduceOp.Sum, g, [axis], keepDims: true)))), x);
    }

    public TapeTensor<T> Reshape(TapeTensor<T> x, long[] shape)
    {
        long[] original = inner.ShapeOf(x.Value);
        return Record(inner.Reshape(x.Value, shape), g => Accumulate(x, inner.Reshape(g, original)), x);
    }

    public TapeTensor<T> Permute(TapeTensor<T> x, int[] order) =>
        Record(inner.Permute(x.Value, order), g => Accumulate(x, inner.Permute(g, Shapes.Inverse(order))), x);

    public TapeTensor<T> BroadcastTo(TapeTensor<T> x, long[] shape) =>
        Record(inner.BroadcastTo(x.Value, shape), g => Accumulate(x, g), x);

    public TapeTensor<T> Concat(IReadOnlyList<TapeTensor<T>> xs, int axis)
    {
        T y = inner.Concat(xs.Select(t => t.Value).ToList(), axis);
        return Record(y, g =>
        {
            long start = 0;
            foreach (TapeTensor<T> t in xs)
            {
                long[] shape = inner.ShapeOf(t.Value);
                long length = shape[axis < 0 ? axis + shape.Length : axis];
                Accumulate(t, inner.Slice(g, axis, start, length));
                start += length;
            }
        }, [.. xs]);
    }

    /// <summary>
    /// Sorting sends each sorted place's gradient back to the element that the <b>stable</b> order puts there (as
    /// autograd differentiates the torch engine's <c>sort(stable=True)</c>): <see cref="ITensorOps{TTensor}.Unsort"/>,
    /// x[i]'s gradient being g at the place rank[i] the stable sort puts x[i] (by default ArgSort(ArgSort(x)), the
    /// inverse permutation; the channels-last engine scatters g by the stable order's integer positions, so a float32
    /// row longer than 2²⁴, whose indices float32 cannot hold, is differentiated too — refused before session 52).
    /// </summary>
    public TapeTensor<T> Sort(TapeTensor<T> x, int axis) =>
        Record(inner.Sort(x.Value, axis), g => Accumulate(x, inner.Unsort(x.Value, g, axis)), x);

    /// <summary>A permutation of <paramref name="sorted"/> along the axis: its gradient is g taken back at the stable
    /// order (place c of <paramref name="sorted"/> went to element ArgSort(x)[c]); x only orders, so it gets none.</summary>
    public TapeTensor<T> Unsort(TapeTensor<T> x, TapeTensor<T> sorted, int axis) =>
        Record(inner.Unsort(x.Value, sorted.Value, axis), g => Accumulate(sorted, inner.TakeAlongAxis(g, inner.ArgSort(x.Value, axis), axis)), sorted);

    public TapeTensor<T> ArgSort(TapeTensor<T> x, int axis) => Untracked(inner.ArgSort(x.Value, axis));

    public TapeTensor<T> Slice(TapeTensor<T> x, int axis, long start, long length)
    {
        long[] shape = inner.ShapeOf(x.Value);
        int d = axis < 0 ? axis + shape.Length : axis;
        return Record(inner.Slice(x.Value, axis, start, length), g =>
        {
            DType dtype = inner.DTypeOf(g);
            var parts = new List<T>();
            if (start > 0) parts.Add(inner.Full([.. shape[..d], start, .. shape[(d + 1)..]], 0, dtype));
            parts.Add(g);
            long after = shape[d] - start - length;
            if (after > 0) parts.Add(inner.Full([.. shape[..d], after, .. shape[(d + 1)..]], 0, dtype));
            Accumulate(x, parts.Count == 1 ? g : inner.Concat(parts, d));
        }, x);
    }

    public TapeTensor<T> TakeAlongAxis(TapeTensor<T> x, TapeTensor<T> indices, int axis)
    {
        long[] shape = inner.ShapeOf(x.Value);
        int d = axis < 0 ? axis + shape.Length : axis;
        return Record(inner.TakeAlongAxis(x.Value, indices.Value, axis), g =>
        {
            if (inner.ShapeOf(indices.Value)[d] != 1)
                throw new NotSupportedException("The tape differentiates TakeAlongAxis only for one index per row.");
            T hot = inner.OneHot(inner.Reshape(indices.Value, Shapes.Without(inner.ShapeOf(indices.Value), d)),
                (int)shape[d], d, inner.DTypeOf(g));
            // Scattered with where, not multiplied: an infinite gradient (p^q at p = 0) leaves the other classes 0, as
            // PyTorch's gather backward does, rather than 0·∞ = NaN.
            Accumulate(x, inner.Where(inner.Compare(CompareOp.NotEqual, hot, Scalar(0, g)), g, Scalar(0, g)));
        }, x);
    }

    /// <summary>
    /// Take along any axis of a table of any rank (a row lookup of an embedding table, a percentile's pick): the
    /// backward scatters the gradient of each taken slice back to its index, repeated indices adding up (PyTorch's
    /// index_select/embedding backward), as one product with the indices' one-hot matrix, (n, m) · (m, rest) per
    /// leading block. Its cost is n·m·rest multiply-adds for a table of n slices and m indices.
    /// </summary>
    public TapeTensor<T> Take(TapeTensor<T> x, TapeTensor<T> indices, int axis)
    {
        T y = inner.Take(x.Value, indices.Value, axis);
        return Record(y, g =>
        {
            long[] shape = inner.ShapeOf(x.Value);
            int d = axis < 0 ? axis + shape.Length : axis;
            long before = Shapes.Count(shape[..d]), after = Shapes.Count(shape[(d + 1)..]);
            long m = Shapes.Count(inner.ShapeOf(indices.Value));
            // hot[j, i] = 1 where index i is j: (n, m); the gradient as (before, m, after); their product (before, n, after).
            T hot = inner.OneHot(inner.Reshape(indices.Value, [m]), (int)shape[d], 0, inner.DTypeOf(g));
            T blocks = inner.Reshape(g, [before, m, after]);
            T scattered = inner.MatMul(hot, before == 1 ? inner.Reshape(blocks, [m, after]) : blocks);   // hot broadcast over the blocks
            Accumulate(x, inner.Reshape(scattered, shape));
        }, x);
    }

    public TapeTensor<T> OneHot(TapeTensor<T> indices, int classes, int axis, DType dtype) =>
        Untracked(inner.OneHot(indices.Value, classes, axis, dtype));

    public TapeTensor<T> MatMul(TapeTensor<T> a, TapeTensor<T> b)
    {
        T va = a.Value, vb = b.Value;
        if (inner.RankOf(va) < 2 || inner.RankOf(vb) < 2)
            throw new NotSupportedException("The tape differentiates MatMul of operands of rank >= 2.");
        return Record(inner.MatMul(va, vb), g =>
        {
            if (a.Tracked) Accumulate(a, MatMulSwapped(g, false, vb, true));
            if (b.Tracked) Accumulate(b, MatMulSwapped(va, true, g, false));
        }, a, b);
    }

    /// <summary>op(x)·op(y), op swapping the last two axes where asked: the engine's in-place product
    /// (<see cref="IFusedTransposedMatMul{TTensor}"/>) where it takes the shapes, else a permuted copy and MatMul.</summary>
    private T MatMulSwapped(T x, bool swapX, T y, bool swapY) =>
        inner is IFusedTransposedMatMul<T> fused && fused.MatMulTransposed(x, swapX, y, swapY) is { } product
            ? product
            : inner.MatMul(swapX ? SwapLast(x) : x, swapY ? SwapLast(y) : y);

    private T SwapLast(T x)
    {
        int rank = inner.RankOf(x);
        int[] order = Enumerable.Range(0, rank).ToArray();
        (order[^1], order[^2]) = (order[^2], order[^1]);
        return inner.Permute(x, order);
    }
}
