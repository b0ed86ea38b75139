namespace CrossBackend;

/// <summary>Rows of a tensor picked along axis 0 (FastEstimator's <c>gather</c>).</summary>
internal sealed class GatherFunction() : FunctionProgram(ResultDTypes.SameAsInput, exact: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!, indices = inputs[1]!;
        long[] shape = o.ShapeOf(x), indexShape = o.ShapeOf(indices);
        if (shape.Length == 0)
            throw new ArgumentException("Argument `tensor` must have at least one axis to gather along. Received: tensor.shape=()", "tensor");
        // FastEstimator squeezes the indices first: (batch, 1) picks like (batch,), and one index ([2], [[2]]) becomes a
        // scalar, so the gathered axis goes (np.take / tf.gather with a scalar index): x (3, 2), [[2]] → x[2], shape (2,).
        long[] squeezed = indexShape.Where(d => d != 1).ToArray();
        RequireIndices(o, indices, shape[0], "indices");
        if (squeezed.Length > 0) return [o.Take(x, squeezed.Length == indexShape.Length ? indices : o.Reshape(indices, squeezed), 0)];
        return [o.Reshape(o.Take(x, o.Reshape(indices, [1]), 0), shape[1..])];
    }

    // Policy for negative indices: refused on every engine, naming the value and the valid range [0, n). FastEstimator
    // does not document negatives and its paths disagree: tf.gather (the TensorFlow path, whose numerics are the
    // default here) raises "indices[i] = -1 is not in [0, n)" on CPU, torch's index_select and gather raise too, while
    // NumPy's take and torch's tensor[indices] count from the end. A refusal on both engines is the one behaviour that
    // never gives a different row on one engine than on another; wrapping would silently accept an off-by-one label.
    /// <summary>Index tensors up to this many elements are checked on the host (one read of the indices: on torch 4
    /// native tensors, fewer than any reduction); larger ones by two reductions and one read of their 2–3 values.</summary>
    internal const long HostCheckLimit = 4096;

    internal static void RequireIndices<T>(ITensorOps<T> o, T indices, long n, string name) where T : class
    {
        long count = Shapes.Count(o.ShapeOf(indices));
        if (count > HostCheckLimit)
        {
            // One host read of [min, max] (and, for float indices, the largest distance to a whole number).
            var parts = new List<T> { o.Reshape(o.Reduce(ReduceOp.Min, indices, null, false), [1]), o.Reshape(o.Reduce(ReduceOp.Max, indices, null, false), [1]) };
            if (o.DTypeOf(indices).IsFloatingPoint())
                parts.Add(o.Reshape(o.Reduce(ReduceOp.Max, o.Abs(o.Sub(indices, o.Unary(UnaryOp.Floor, indices))), null, false), [1]));
            double[] summary = o.ToHost(o.Concat(parts, 0));
            if (summary[0] >= 0 && summary[1] < n && (summary.Length < 3 || summary[2] == 0)) return;   // NaN fails every test
        }
        foreach (double v in o.ToHost(indices))
            if (!(v == Math.Floor(v) && v >= 0 && v < n))
                throw new ArgumentOutOfRangeException(name, v,
                    $"Argument `{name}` must hold whole numbers in [0, {n}){(v < 0 ? $" (negative indices are refused on every engine, as tf.gather refuses them; to count from the end, add {n})" : "")}. Received: {name} holds {v}");
    }
}

/// <summary>One element per batch row: <c>tensor[arange(batch), indices]</c>.</summary>
internal sealed class GatherFromBatchFunction() : FunctionProgram(ResultDTypes.SameAsInput, exact: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!, indices = inputs[1]!;
        long[] shape = o.ShapeOf(x), indexShape = o.ShapeOf(indices);
        if (shape.Length < 2)
            throw new ArgumentException($"Argument `tensor` must have shape (batch, d1, ...), rank ≥ 2. Received: tensor.shape={TensorInfo.FormatShape(shape)}", "tensor");
        if (Shapes.Count(indexShape) != shape[0] || indexShape.Length == 0 || indexShape[0] != shape[0])
            throw new ArgumentException($"Argument `indices` must have shape (batch,) or (batch, 1) with the batch of `tensor`. Received: indices.shape={TensorInfo.FormatShape(indexShape)}, tensor.shape={TensorInfo.FormatShape(shape)}", "indices");
        GatherFunction.RequireIndices(o, indices, shape[1], "indices");
        // (batch, 1, 1, ...) broadcast over the trailing axes, then one take-along-axis on axis 1.
        long[] lifted = [shape[0], 1, .. Enumerable.Repeat(1L, shape.Length - 2)];
        long[] target = [shape[0], 1, .. shape[2..]];
        T reshaped = o.Reshape(indices, lifted);
        T index = shape.Length == 2 ? reshaped : o.BroadcastTo(reshaped, target);   // (batch, 1) is already the target
        return [o.Reshape(o.TakeAlongAxis(x, index, 1), Shapes.Without(target, 1))];
    }
}

/// <summary><c>yes</c> where the condition holds, else <c>no</c>; inputs ordered [values..., condition].</summary>
internal sealed class WhereFunction(double? yes, double? no, DType constantDType) : FunctionProgram(
    d => yes is not null && no is not null ? constantDType : d[0], exact: true)
{
    /// <summary>Both values are constants: the only input is the condition, and the result has the constants' dtype.</summary>
    private bool TwoConstants => yes is not null && no is not null;

    public override DType ComputeDType(DType[] inputs)
    {
        DType own = TwoConstants ? constantDType : inputs[0];
        return own.IsFloatingPoint() || !TwoConstants ? own : DType.Float64;
    }

    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T condition = inputs[^1]!;
        if (yes is double y0 && no is double n0)
        {
            DType dtype = constantDType.IsFloatingPoint() ? constantDType : DType.Float64;
            return [o.Where(condition, o.Scalar(y0, dtype), o.Scalar(n0, dtype))];
        }
        T first = inputs[0]!;
        DType own = o.DTypeOf(first);
        T a = yes is { } y ? o.Scalar(y, own) : first;
        T b = no is { } n ? o.Scalar(n, own) : yes is null && inputs.Length == 3 ? Cast(o, inputs[1]!, own) : first;
        foreach ((T t, string name) in new[] { (a, "yes"), (b, "no") })
            Backend.RequireBroadcast(o.ShapeOf(condition), o.ShapeOf(t), "condition", name);
        return [o.Where(condition, a, b)];
    }

    private static T Cast<T>(ITensorOps<T> o, T x, DType dtype) where T : class => o.DTypeOf(x) == dtype ? x : o.Cast(x, dtype);
}

public static partial class Backend
{
    /// <summary>The rows of <paramref name="tensor"/> at <paramref name="indices"/> along axis 0 (FastEstimator's
    /// <c>gather</c>: indices of any integer or float dtype, squeezed first, so (n, 1) picks like (n,) and a single index
    /// ([2], [[2]]) picks like a scalar: the axis goes, x (3, 2) → shape (2,), as FastEstimator gives on both its
    /// engines). Indices must be whole numbers in [0, n) (FastEstimator's torch path truncates 1.7 to 1): a negative index is refused on every engine, as <c>tf.gather</c> refuses it (NumPy's
    /// <c>take</c> and torch's <c>tensor[indices]</c> would count from the end; FastEstimator does not document either).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative, ≥ n or not a whole number; the message names
    /// <c>indices</c>, the value and the valid range.</exception>
    /// <remarks><b>Example</b> (FastEstimator): indices [1, 0, 1] of [[0, 1], [2, 3], [4, 5]] → <b>[[2, 3], [0, 1], [2, 3]]</b>.
    /// Indices above 2²⁴ into a float32 tensor pick exactly on every engine (on the channels-last engine the tensor is
    /// picked from in float64: a copy of twice its size).</remarks>
    public static T Gather<T>(T tensor, object indices) where T : class =>
        RunPicking<T>(nameof(Gather), new GatherFunction(), tensor, RequireNotMask(indices), axis: 0);

    /// <summary>Bool indices are refused, as <c>tf.gather</c> and <c>torch.index_select</c> refuse them: taken as 0/1 they
    /// would silently pick rows 1, 0, 1 where a NumPy or PyTorch user means the mask <c>x[mask]</c>.</summary>
    private static object RequireNotMask(object indices)
    {
        if (indices is not null && Inspect(indices, nameof(indices)).Info.DType == DType.Bool)
            throw new ArgumentException(
                "Argument `indices` must hold integer (or whole float) indices, not bools: tf.gather and torch.index_select refuse a mask, " +
                "and taken as 0/1 it would pick rows 0 and 1. To keep the rows where a mask is true, use Backend.Where, or gather at the " +
                "mask's true positions (their indices as int64). Received: indices.dtype=bool", nameof(indices));
        return indices!;
    }

    /// <summary>For each batch row b, <c>tensor[b, indices[b]]</c> (FastEstimator's <c>gather_from_batch</c>):
    /// (batch, d1, d2, …) with indices (batch,) or (batch, 1) gives (batch, d2, …). Indices must be whole numbers in
    /// [0, d1); negatives are refused on every engine, as for <see cref="Gather{T}"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative, ≥ d1 or not a whole number; the message names
    /// <c>indices</c>, the value and the valid range.</exception>
    /// <remarks><b>Example</b> (FastEstimator): indices [1, 0, 1] of [[0, 1], [2, 3], [4, 5]] → <b>[1, 2, 5]</b>; of
    /// [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]] → <b>[[2, 3], [4, 5], [10, 11]]</b>.</remarks>
    public static T GatherFromBatch<T>(T tensor, object indices) where T : class =>
        RunPicking<T>(nameof(GatherFromBatch), new GatherFromBatchFunction(), tensor, RequireNotMask(indices), axis: 1);

    /// <summary>Runs a program that picks along <paramref name="axis"/> of <paramref name="tensor"/> at
    /// <paramref name="indices"/>. On an engine whose float32 ops hold the indices as float32 values (exact only to 2²⁴;
    /// the channels-last engine gave row 16777216's values for index 16777217 before session 53), a float32 (float16,
    /// bfloat16) tensor longer than 2²⁴ along that axis is picked from in float64 and rounded back (exact); an engine
    /// that holds int64 indices as such (torch) picks in the tensor's own dtype, without the float64 copy.</summary>
    private static T RunPicking<T>(string function, ITensorProgram program, T tensor, object indices, int axis) where T : class
    {
        object?[] inputs = [tensor, indices];
        string[] names = ["tensor", "indices"];
        RequireTensors(inputs, names);
        (ITensorEngine engine, TensorInfo info) = Inspect(tensor, names[0]);
        bool widen = info.DType is DType.Float32 or DType.Float16 or DType.BFloat16 && info.Shape.Length > axis && info.Shape[axis] > 1 << 24
            && !TensorProgram.HoldsInt64(engine, tensor);
        object result = widen ? TensorProgram.RunWidened(program, inputs, names) : TensorProgram.Run(program, inputs, names)[0];
        return TypedResult.As<T>(result, tensor, $"Backend.{function}", names[0]);
    }

    /// <summary><paramref name="yes"/> where <paramref name="condition"/> is true (non-zero), else <paramref name="no"/>,
    /// broadcast (FastEstimator's <c>where</c>); <paramref name="no"/> is cast to <paramref name="yes"/>'s dtype, as
    /// FastEstimator does on torch, a number straight to that dtype (FastEstimator's torch path rounds it to float32
    /// first: 0.1 beside float64 becomes 0.10000000149; its TensorFlow path and this library keep 0.1).</summary>
    /// <remarks><b>Example</b> (FastEstimator): n = [[0, 1, 2], [3, 4, 5], [6, 7, 8]], where(n &gt; 4, n, −1) →
    /// <b>[[-1, -1, -1], [-1, -1, 5], [6, 7, 8]]</b>.</remarks>
    public static T Where<T>(object condition, T yes, T no) where T : class =>
        Run<T>(nameof(Where), new WhereFunction(null, null, DType.Other), [yes, no, condition], ["yes", "no", "condition"]);

    /// <summary><see cref="Where{T}(object, T, T)"/> with a constant for <paramref name="no"/>, in <paramref name="yes"/>'s dtype.</summary>
    public static T Where<T>(object condition, T yes, double no) where T : class =>
        Run<T>(nameof(Where), new WhereFunction(null, AsElementOf(yes, no, nameof(yes)), DType.Other), [yes, condition], ["yes", "condition"]);

    /// <summary><see cref="Where{T}(object, T, T)"/> with a constant for <paramref name="yes"/>, in <paramref name="no"/>'s dtype.</summary>
    public static T Where<T>(object condition, double yes, T no) where T : class =>
        Run<T>(nameof(Where), new WhereFunction(AsElementOf(no, yes, nameof(no)), null, DType.Other), [no, condition], ["no", "condition"]);

    /// <summary>
    /// A number meeting an integer tensor, converted on the host as <see cref="Cast(object, DType)"/> converts it (uint8
    /// −2.7 → 254, int32 3e9 → int32's minimum), as FastEstimator's <c>torch.tensor(no).type(yes.dtype)</c> does: an
    /// engine that computes integers in float64 would otherwise see −2.7 and round the result differently.
    /// </summary>
    private static double AsElementOf(object tensor, double number, string name) => Inspect(tensor, name).Info.DType.CastToInteger(number);

    /// <summary><see cref="Where{T}(object, T, T)"/> with two constants, in <paramref name="dtype"/> (default float32).</summary>
    public static object Where(object condition, double yes, double no, DType dtype = DType.Float32) =>
        RunUntyped(new WhereFunction(yes, no, dtype), [condition], ["condition"]);
}
