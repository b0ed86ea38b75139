using System.Diagnostics.CodeAnalysis;

namespace CrossBackend;

// FastEstimator's collection-aware functions (to_tensor, cast, to_type, to_shape): a batch such as
// {"x": ..., "y": [..., ...], "z": {"key": ...}} in, the same structure out with each leaf converted. The walk and the
// .NET collection types it rebuilds are DataTree's; the leaves go through the single-tensor functions.
public static partial class Backend
{
    /// <summary>
    /// <paramref name="data"/> on the engine named <paramref name="targetType"/> ("torch", "numerics"), with its
    /// structure kept (FastEstimator's <c>to_tensor(data, target_type)</c>): every tensor of another engine copied
    /// (same shape, dtype and element order), every .NET array of numbers (rectangular or jagged) and every number made
    /// a tensor (a number gives a rank-0 tensor, as <c>np.array(5)</c>), tensors already there kept, null and strings
    /// kept as FastEstimator keeps them. A dictionary comes back as <c>Dictionary&lt;string, object?&gt;</c>, a list as
    /// <c>List&lt;object?&gt;</c>, a tuple as a tuple, a set as <c>HashSet&lt;object?&gt;</c> (<see cref="DataTree"/>).
    /// </summary>
    /// <remarks>
    /// <b>Examples</b> (FastEstimator's docstring, the same call on either engine):
    /// <code>
    /// var data = new Dictionary&lt;string, object?&gt;
    /// {
    ///     ["x"] = new double[10, 15], ["y"] = new List&lt;object&gt; { new double[4], new double[5, 3] },
    ///     ["z"] = new Dictionary&lt;string, object?&gt; { ["key"] = new double[2, 2] },
    /// };
    /// var p = Backend.ToTensor(data, "torch");
    /// // {"x": torch.Tensor, "y": [torch.Tensor, torch.Tensor], "z": {"key": torch.Tensor}}
    /// var n = Backend.ToTensor(p, "numerics");
    /// // {"x": Tensor&lt;double&gt;, "y": [Tensor&lt;double&gt;, Tensor&lt;double&gt;], "z": {"key": Tensor&lt;double&gt;}}
    /// </code>
    /// FastEstimator's test: <c>to_tensor((None, n), "torch")</c> → <c>(None, p)</c>, int16 kept.
    /// </remarks>
    /// <exception cref="ArgumentException">Another leaf (a <c>DateTime</c>, a ragged jagged array), or a structure
    /// that contains itself; the message names <c>data</c> and the path, e.g. <c>data["y"][1]</c>.</exception>
    [return: NotNullIfNotNull(nameof(data))]
    public static object? ToTensor(object? data, string targetType) =>
        ToTensor(data, TensorEngines.NamedFor(targetType, nameof(targetType)));

    /// <summary>A batch on the engine named <paramref name="targetType"/>: <see cref="ToTensor(object?, string)"/>
    /// for a dictionary, typed.</summary>
    public static Dictionary<string, object?> ToTensor<TValue>(IReadOnlyDictionary<string, TValue> data, string targetType) =>
        ToTensor(data, TensorEngines.NamedFor(targetType, nameof(targetType)));

    /// <summary>A batch on <paramref name="engine"/>: <see cref="ToTensor(object?, ITensorEngine, DType?)"/> for a
    /// dictionary, typed.</summary>
    public static Dictionary<string, object?> ToTensor<TValue>(IReadOnlyDictionary<string, TValue> data, ITensorEngine engine)
    {
        ArgumentNullException.ThrowIfNull(data);
        return (Dictionary<string, object?>)ToTensor((object)data, engine)!;
    }

    /// <summary>Every tensor of a batch cast to <paramref name="dtype"/> (FastEstimator's <c>cast(data, dtype)</c> on a
    /// dictionary), the structure kept: <see cref="Cast(object, DType)"/> for a dictionary, typed.</summary>
    /// <remarks><b>Examples</b> (FastEstimator's docstring): x (10, 15), y [(4,), (5, 3)], z {key (2, 2)} of float32
    /// → <c>Cast(data, "float64")</c> → <c>ToType</c> gives <b>{x: float64, y: [float64, float64], z: {key: float64}}</b>;
    /// with "uint8" every dtype is <b>uint8</b>; with "float16" <b>float16</b>.</remarks>
    public static Dictionary<string, object?> Cast<TValue>(IReadOnlyDictionary<string, TValue> data, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(data);
        return (Dictionary<string, object?>)CastTree(data, dtype, nameof(data))!;
    }

    /// <summary><see cref="Cast{TValue}(IReadOnlyDictionary{string, TValue}, DType)"/> with NumPy's dtype name.</summary>
    public static Dictionary<string, object?> Cast<TValue>(IReadOnlyDictionary<string, TValue> data, string dtype) =>
        Cast(data, ParseDType(dtype));

    /// <summary>The dtype of every leaf of a batch (FastEstimator's <c>to_type(data)</c>), the structure kept: each
    /// tensor's <see cref="DType"/> (boxed), a .NET array's or number's as <see cref="ToType(object)"/> gives it, null
    /// kept: <see cref="ToType(object)"/> for a dictionary, typed.</summary>
    /// <remarks><b>Example</b> (FastEstimator's docstring and test): x (10, 15) float32, y [(4,) int8, (5, 3) float64],
    /// z {key (2, 2) int64} → <b>{x: float32, y: [int8, float64], z: {key: int64}}</b>.</remarks>
    public static Dictionary<string, object?> ToType<TValue>(IReadOnlyDictionary<string, TValue> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return (Dictionary<string, object?>)ToType((object)data);
    }

    /// <summary>
    /// The shape of every leaf of <paramref name="data"/>, the structure kept (FastEstimator's
    /// <c>to_shape(data, add_batch, exact_shape)</c>): each leaf's shape as <c>long?[]</c> — a tensor's in its engine's
    /// layout (<see cref="GetShape"/>), a .NET array's lengths, <c>[]</c> for a number (and a string, as
    /// <c>np.array("a").shape</c>); <paramref name="addBatch"/> puts a null (Python's None) first,
    /// <paramref name="exactShape"/> false gives nulls for the lengths. Null stays null.
    /// </summary>
    /// <remarks><b>Examples</b> (FastEstimator's docstring, either engine): x (10, 15), y [(4,), (5, 3)], z {key (2, 2)}
    /// → <b>{x: [10, 15], y: [[4], [5, 3]], z: {key: [2, 2]}}</b>; <c>addBatch: true</c> →
    /// <b>{x: [null, 10, 15], y: [[null, 4], [null, 5, 3]], z: {key: [null, 2, 2]}}</b>; <c>exactShape: false</c> →
    /// <b>{x: [null, null], y: [[null], [null, null]], z: {key: [null, null]}}</b>.</remarks>
    [return: NotNullIfNotNull(nameof(data))]
    public static object? ToShape(object? data, bool addBatch = false, bool exactShape = true) =>
        DataTree.Map(data, nameof(data), (leaf, path) => ShapeOfLeaf(leaf, addBatch, exactShape, nameof(data), path));

    /// <summary><see cref="ToShape(object?, bool, bool)"/> for a batch, typed.</summary>
    public static Dictionary<string, object?> ToShape<TValue>(IReadOnlyDictionary<string, TValue> data, bool addBatch = false, bool exactShape = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        return (Dictionary<string, object?>)ToShape((object)data, addBatch, exactShape)!;
    }

    private static object? CastTree(object data, DType dtype, string name) =>
        DataTree.Map(data, name, (leaf, path) => CastLeaf(leaf, dtype, name, path));

    /// <summary>One leaf of <see cref="Cast(object, DType)"/>: a tensor cast on its engine, a .NET array of numbers or a
    /// number cast on the host into the same kind of value (<see cref="HostCast"/>, FastEstimator's NumPy leaf).
    /// <paramref name="path"/> is <paramref name="name"/> itself for a leaf given alone.</summary>
    private static object CastLeaf(object leaf, DType dtype, string name, string path)
    {
        if (DataTree.IsHostNumbers(leaf)) return HostCast.Cast(leaf, dtype, path);
        if (TensorEngines.OwnerOf(leaf.GetType()) is null)
            throw LeafRefused(name, path, leaf, "tensors, .NET arrays of numbers or numbers", "");
        return path == name ? CastTensor(leaf, dtype, name) : AtPath(name, path, () => CastTensor(leaf, dtype, name));
    }

    private static object ToTensorLeaf(object leaf, ITensorEngine engine, DType? dtype, string name, string path)
    {
        // FastEstimator keeps strings: torch's collate wraps them in lists rather than making tensors of them.
        if (leaf is string) return leaf;
        if (TensorEngines.OwnerOf(leaf.GetType()) is { } from)
            return AtPath(name, path, () => CopyTo(leaf, from, engine, dtype));
        if (!DataTree.IsHostNumbers(leaf))
            throw LeafRefused(name, path, leaf, "tensors, .NET arrays of numbers, numbers, strings", "");
        return AtPath(name, path, () =>
        {
            (Array flat, long[] shape) = HostLeaf.Read(leaf, name, path);
            object tensor = engine.FromArray(HostArrays.WidenUnsigned(flat, path), shape);
            return InDType(engine, tensor, dtype);
        });
    }

    /// <summary>A tensor copied to <paramref name="to"/> (kept when it is there already), in <paramref name="dtype"/>
    /// or its own dtype.</summary>
    private static object CopyTo(object tensor, ITensorEngine from, ITensorEngine to, DType? dtype)
    {
        DType own = from.Describe(tensor).DType;
        if (from == to) return dtype is { } same && same != own ? to.Cast(tensor, same) : tensor;
        object copy = to.FromArray(from.ToArray(tensor, out long[] shape), shape);
        return InDType(to, copy, dtype ?? own);
    }

    /// <summary><paramref name="tensor"/> of <paramref name="engine"/> cast to <paramref name="dtype"/> when given and
    /// different, else itself.</summary>
    private static object InDType(ITensorEngine engine, object tensor, DType? dtype) =>
        dtype is { } d && engine.Describe(tensor).DType != d ? engine.Cast(tensor, d) : tensor;

    private static DType TypeOfLeaf(object leaf, string name, string path)
    {
        if (TensorEngines.OwnerOf(leaf.GetType()) is { } engine) return engine.Describe(leaf).DType;
        if (DataTree.IsHostNumbers(leaf)) return HostLeaf.DTypeOf(leaf);
        throw LeafRefused(name, path, leaf, "tensors, .NET arrays of numbers or numbers", "");
    }

    private static long?[] ShapeOfLeaf(object leaf, bool addBatch, bool exactShape, string name, string path)
    {
        long[] shape = TensorEngines.OwnerOf(leaf.GetType()) is { } engine ? engine.Describe(leaf).Shape
            : DataTree.IsHostNumbers(leaf) || leaf is string ? HostLeaf.ShapeOf(leaf, name, path)
            : throw LeafRefused(name, path, leaf, "tensors, .NET arrays of numbers, numbers or strings", "");
        IEnumerable<long?> lengths = shape.Select(d => exactShape ? d : (long?)null);
        return (addBatch ? lengths.Prepend(null) : lengths).ToArray();
    }

    /// <summary>Runs a leaf's conversion; an <see cref="ArgumentException"/> it throws comes back naming the public
    /// argument and the leaf's path (the single-tensor functions name their own parameter).</summary>
    private static object AtPath(string name, string path, Func<object> convert)
    {
        try { return convert(); }
        catch (ArgumentException e) when (e.ParamName != name || !e.Message.Contains(path, StringComparison.Ordinal))
        {
            // ArgumentException.Message ends with " (Parameter '…')" naming the inner parameter: left out, this one names `name`.
            string inner = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new ArgumentException($"Argument `{name}` holds a value that cannot be converted at {path}: {inner}", name, e);
        }
    }

    private static ArgumentException LeafRefused(string name, string path, object leaf, string allowed, string fix) => new(
        $"Argument `{name}` must hold {allowed}, null, or dictionaries, lists, tuples and sets of them. " +
        $"Received: {path} is a {TensorFormat.TypeName(leaf.GetType())}{fix}", name);
}
