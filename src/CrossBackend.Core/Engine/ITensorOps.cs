namespace CrossBackend;

/// <summary>
/// The flat set of general tensor operations an engine implements, each once (Keras 3's
/// <c>keras/src/backend/&lt;engine&gt;/numpy.py</c> and <c>nn.py</c>). Every loss and function of CrossBackend is
/// written once above these; an engine never sees a loss.
/// </summary>
/// <remarks>
/// <para><b>Contract</b> (the engine tests in <c>tests/CrossBackend.Tests/Ops</c> hold every engine to it):</para>
/// <list type="bullet">
/// <item>Every tensor argument and result is the engine's own <typeparamref name="TTensor"/>; inputs are never
/// modified.</item>
/// <item>Binary ops, comparisons and <see cref="Where"/> broadcast as NumPy does (trailing axes aligned, length-1
/// axes stretched). Both operands have the same dtype; callers cast first (there is no implicit promotion).</item>
/// <item>Axes may be negative (counted from the end). <c>axes: null</c> in <see cref="Reduce"/> means every axis.</item>
/// <item>A dtype is always given explicitly (a <see cref="DType"/>), never taken from another tensor.</item>
/// <item>Engines without rank-0 tensors (System.Numerics.Tensors) represent a scalar as shape [1]; a reduction over
/// every axis without <c>keepDims</c> returns that shape there and rank 0 elsewhere.</item>
/// <item>Comparisons return the engine's boolean mask (torch: <c>bool</c>; engines without a separate storage type
/// may use 0/1 in the input's type). A mask is only consumed by <see cref="Where"/> or <see cref="Cast"/>.</item>
/// <item>Index tensors (for <see cref="TakeAlongAxis"/>, <see cref="Take"/>, <see cref="OneHot"/>) hold integer values in
/// any numeric dtype, as <see cref="ArgMax"/> returns them.</item>
/// </list>
/// </remarks>
/// <typeparam name="TTensor">The engine's tensor type, e.g. <c>torch.Tensor</c> or <c>Tensor&lt;float&gt;</c>.</typeparam>
public interface ITensorOps<TTensor> where TTensor : class
{
    /// <summary>The engine these ops belong to.</summary>
    ITensorEngine Engine { get; }

    // ---- Information and host transfer ----

    /// <summary>Shape (in the engine's layout), dtype and device, read without touching the data.</summary>
    TensorInfo Describe(TTensor x);

    /// <summary>The dtype alone (<see cref="Describe"/>'s <see cref="TensorInfo.DType"/>); engines whose tensors carry
    /// their dtype cheaply answer without reading the shape or the device.</summary>
    DType DTypeOf(TTensor x) => Describe(x).DType;

    /// <summary>The shape alone (<see cref="Describe"/>'s <see cref="TensorInfo.Shape"/>), a fresh array the caller may
    /// keep; engines answer without reading the dtype or the device.</summary>
    long[] ShapeOf(TTensor x) => Describe(x).Shape;

    /// <summary>Turns another tensor of the same engine (e.g. integer labels beside float predictions) into one these
    /// ops compute with, without changing its values. Throws <see cref="ArgumentException"/> naming
    /// <paramref name="argumentName"/> when the object is not a tensor of this engine.</summary>
    TTensor Adopt(object tensor, string argumentName);

    /// <summary>The values copied to the host as float64, row-major.</summary>
    double[] ToHost(TTensor x);

    /// <summary>
    /// Runs one public call: engines with explicit memory management (TorchSharp's dispose scopes) dispose every
    /// temporary made inside <paramref name="body"/> and hand only its results to the caller's scope.
    /// </summary>
    TTensor[] Scoped(Func<TTensor[]> body);

    // ---- Creation ----

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/> (rounded to
    /// <paramref name="dtype"/>).</summary>
    TTensor Full(long[] shape, double value, DType dtype);

    /// <summary>A tensor of <paramref name="shape"/> from row-major <paramref name="values"/>, rounded to
    /// <paramref name="dtype"/>.</summary>
    TTensor FromValues(double[] values, long[] shape, DType dtype);

    /// <summary>The values converted to <paramref name="dtype"/> (floats to integers truncate toward zero; to bool:
    /// non-zero is true).</summary>
    TTensor Cast(TTensor x, DType dtype);

    // ---- Element-wise ----

    /// <summary>One element-wise function of one tensor, in its dtype.</summary>
    TTensor Unary(UnaryOp op, TTensor x);

    /// <summary>One element-wise function of two tensors of the same dtype, broadcast.</summary>
    TTensor Binary(BinaryOp op, TTensor a, TTensor b);

    /// <summary>An element-wise comparison, broadcast; the result is the engine's boolean mask.</summary>
    TTensor Compare(CompareOp op, TTensor a, TTensor b);

    /// <summary><paramref name="a"/> where <paramref name="condition"/> holds, else <paramref name="b"/>; broadcast.</summary>
    TTensor Where(TTensor condition, TTensor a, TTensor b);

    /// <summary>Clamps to [<paramref name="min"/>, <paramref name="max"/>], with both bounds rounded to the tensor's
    /// dtype first (Keras: in float32 1 − 1e-7 is 0.99999988). NaN stays NaN.</summary>
    TTensor Clip(TTensor x, double min, double max);

    // ---- Reductions ----

    /// <summary>Reduces along <paramref name="axes"/> (null: every axis).</summary>
    TTensor Reduce(ReduceOp op, TTensor x, int[]? axes, bool keepDims);

    /// <summary>Σ a·b along <paramref name="axes"/> (null: every axis) of two tensors of the same shape and dtype:
    /// NumPy's <c>sum(a * b, axis)</c>, <c>torch.linalg.vecdot</c> for one axis. The same numbers as
    /// <c>Reduce(Sum, Binary(Multiply, a, b))</c> (products rounded to the dtype, then summed as <see cref="Reduce"/>
    /// sums); an engine may skip the product tensor.</summary>
    TTensor Dot(TTensor a, TTensor b, int[]? axes, bool keepDims);

    /// <summary>The index of the largest value along <paramref name="axis"/> (the first on ties; a NaN counts as the
    /// largest), as integer values.</summary>
    TTensor ArgMax(TTensor x, int axis, bool keepDims);

    /// <summary>The index of the smallest value along <paramref name="axis"/> (the first on ties).</summary>
    TTensor ArgMin(TTensor x, int axis, bool keepDims);

    /// <summary>exp(x − max) / Σ exp(x − max) along <paramref name="axis"/>.</summary>
    TTensor Softmax(TTensor x, int axis);

    /// <summary>x − max − log Σ exp(x − max) along <paramref name="axis"/>.</summary>
    TTensor LogSoftmax(TTensor x, int axis);

    // ---- Shape ----

    /// <summary>The same values in another shape of the same size (row-major order).</summary>
    TTensor Reshape(TTensor x, long[] shape);

    /// <summary>Axes reordered: result axis i is input axis <paramref name="order"/>[i] (NumPy's <c>transpose</c>).
    /// Like <see cref="Reshape"/>, <see cref="BroadcastTo"/> and <see cref="Slice"/>, it may return a view of
    /// <paramref name="x"/>'s memory on an engine with views (torch: <c>permute</c>, no copy); callers never write into
    /// results, and a kernel that needs dense memory checks for it.</summary>
    TTensor Permute(TTensor x, int[] order);

    /// <summary>Broadcast to <paramref name="shape"/> (NumPy's <c>broadcast_to</c>).</summary>
    TTensor BroadcastTo(TTensor x, long[] shape);

    /// <summary>The tensors joined along <paramref name="axis"/>.</summary>
    TTensor Concat(IReadOnlyList<TTensor> xs, int axis);

    /// <summary>Elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) along
    /// <paramref name="axis"/>.</summary>
    TTensor Slice(TTensor x, int axis, long start, long length);

    /// <summary>The elements in reverse order along each of <paramref name="axes"/> (distinct axes, negative counted
    /// from the end; NumPy's <c>flip</c>, <c>torch.flip</c>).</summary>
    TTensor Flip(TTensor x, int[] axes);

    /// <summary>The elements rotated by <paramref name="shifts"/>[k] places along <paramref name="axes"/>[k] (distinct
    /// axes): result[i] = x[(i − shift) mod n], so a positive shift moves elements toward higher indices and those past
    /// the end come back at the start (NumPy's <c>roll</c>, <c>torch.roll</c>). Any shift, negative or beyond the
    /// length, is taken modulo the length.</summary>
    TTensor Roll(TTensor x, long[] shifts, int[] axes);

    /// <summary>The values sorted ascending along <paramref name="axis"/>, NaN last (NumPy's <c>sort</c>,
    /// <c>torch.sort(...).values</c>).</summary>
    TTensor Sort(TTensor x, int axis);

    /// <summary>The indices that sort <paramref name="x"/> ascending along <paramref name="axis"/>, as integer values
    /// (<see cref="ArgMax"/>'s index type): <b>stable</b>, so equal values keep their input order, and NaN last, in input
    /// order (NumPy's <c>argsort(kind='stable')</c>, <c>torch.sort(..., stable=True).indices</c>). Taking
    /// <paramref name="x"/> along the axis at these indices gives <see cref="Sort"/>'s values; the tape differentiates
    /// Sort with them, so a tie's gradient goes to the element the stable order puts there on every engine.</summary>
    TTensor ArgSort(TTensor x, int axis);

    /// <summary>
    /// <see cref="Sort"/>'s values (or its gradient) sent back to the places they came from: result[…, i, …] =
    /// <paramref name="sorted"/>[…, rank(i), …] along <paramref name="axis"/>, where rank(i) is the place the stable sort
    /// of <paramref name="x"/> (<see cref="ArgSort"/>: ties in input order, NaN last) puts element i. The tape's backward
    /// of Sort. The default takes <paramref name="sorted"/> along the axis at ArgSort(ArgSort(x)) (the inverse
    /// permutation), whose indices are values of the compute dtype; an engine whose ops hold indices as float32 values
    /// (exact only to 2²⁴) scatters with integer positions instead, so that no row length is refused.
    /// </summary>
    TTensor Unsort(TTensor x, TTensor sorted, int axis) => TakeAlongAxis(sorted, ArgSort(ArgSort(x, axis), axis), axis);

    // ---- Indexing ----

    /// <summary>NumPy's <c>take_along_axis</c>: <paramref name="indices"/> has <paramref name="x"/>'s rank and
    /// selects along <paramref name="axis"/>.</summary>
    TTensor TakeAlongAxis(TTensor x, TTensor indices, int axis);

    /// <summary>NumPy's <c>take</c>: <c>x[..., indices, ...]</c> along <paramref name="axis"/>; the result's shape is
    /// x's with that axis replaced by <paramref name="indices"/>' shape.</summary>
    TTensor Take(TTensor x, TTensor indices, int axis);

    /// <summary>One-hot rows of <paramref name="classes"/> entries inserted at <paramref name="axis"/> of the result,
    /// in <paramref name="dtype"/>.</summary>
    TTensor OneHot(TTensor indices, int classes, int axis, DType dtype);

    // ---- Linear algebra ----

    /// <summary>Matrix product over the last two axes, leading axes broadcast (NumPy's <c>matmul</c>).</summary>
    TTensor MatMul(TTensor a, TTensor b);
}
