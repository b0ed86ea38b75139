using System.Collections;
using System.Runtime.CompilerServices;

namespace CrossBackend;

/// <summary>
/// FastEstimator's nested batches (<c>{"x": ..., "y": [..., ...], "z": {"key": ...}}</c>) walked once for
/// <see cref="Backend.ToTensor(object?, string)"/>, <see cref="Backend.Cast(object, DType)"/>,
/// <see cref="Backend.ToType{TValue}(IReadOnlyDictionary{string, TValue})"/> and
/// <see cref="Backend.ToShape(object?, bool, bool)"/>: each leaf is replaced by what the function makes of it, and the
/// structure is rebuilt around the results.
/// </summary>
/// <remarks>
/// <para>The .NET counterparts of FastEstimator's collections: a dictionary (any <see cref="IDictionary"/> or
/// <see cref="IReadOnlyDictionary{TKey, TValue}"/>) comes back as <c>Dictionary&lt;string, object?&gt;</c> (or
/// <c>Dictionary&lt;object, object?&gt;</c> when a key is not a string), a tuple (<c>Tuple</c> or <c>ValueTuple</c> of
/// up to 7 items) as the same kind of tuple of <c>object?</c>, a set (<see cref="ISet{T}"/>,
/// <see cref="IReadOnlySet{T}"/>) as <c>HashSet&lt;object?&gt;</c>, an array of non-numbers (<c>object[]</c>,
/// <c>torch.Tensor[]</c>) as <c>object?[]</c>, any other sequence (<c>List&lt;T&gt;</c>) as <c>List&lt;object?&gt;</c>.</para>
/// <para>Leaves: null (kept, as FastEstimator keeps None), engine tensors, .NET arrays of numbers (rectangular or
/// jagged: the counterparts of NumPy arrays, so never walked element by element), .NET numbers and strings. Checked
/// before collections, since a <c>Tensor&lt;float&gt;</c> and a string are sequences too.</para>
/// <para>A structure that contains itself is refused: FastEstimator would recurse until Python's stack ran out.</para>
/// </remarks>
internal static class DataTree
{
    /// <summary>The .NET number types a leaf may be (ToTensor widens the unsigned ones as for arrays).</summary>
    private static readonly HashSet<Type> NumberTypes =
    [
        typeof(double), typeof(float), typeof(Half), typeof(long), typeof(int), typeof(short), typeof(sbyte), typeof(byte),
        typeof(bool), typeof(ulong), typeof(uint), typeof(ushort),
    ];

    /// <summary>Whether <paramref name="type"/> is a .NET number type a leaf may hold.</summary>
    private static bool IsNumberType(Type type) => NumberTypes.Contains(type);

    /// <summary>Whether <paramref name="value"/> is a .NET number or an array of numbers: a leaf that is not a tensor,
    /// read by <see cref="HostLeaf"/> as NumPy reads a number or an array.</summary>
    public static bool IsHostNumbers(object value) => IsNumberArray(value) || IsNumberType(value.GetType());

    /// <summary>Whether <paramref name="value"/> is an array of numbers, of any rank, jagged or not (<c>float[,]</c>,
    /// <c>double[][]</c>): one leaf, as a NumPy array is.</summary>
    public static bool IsNumberArray(object value)
    {
        if (value is not Array) return false;
        Type type = value.GetType();
        while (type.IsArray) type = type.GetElementType()!;
        return IsNumberType(type);
    }

    /// <summary><paramref name="data"/> with every leaf replaced by <paramref name="leaf"/>'s result (called with the leaf
    /// and its path, e.g. <c>data["x"][2]</c>); null stays null.</summary>
    /// <exception cref="ArgumentException">The structure contains itself, or a tuple has more than 7 items; the message
    /// names <paramref name="name"/> and the path.</exception>
    public static object? Map(object? data, string name, Func<object, string, object?> leaf) =>
        Walk(data, name, name, leaf, new Dictionary<object, string>(ReferenceEqualityComparer.Instance));

    /// <summary>Whether <paramref name="value"/> is a collection the walk goes into (not a leaf).</summary>
    public static bool IsCollection(object value) =>
        value is not string && TensorEngines.OwnerOf(value.GetType()) is null && !IsHostNumbers(value)
        && (value is IEnumerable || IsTuple(value));

    private static object? Walk(object? node, string path, string name, Func<object, string, object?> leaf, Dictionary<object, string> open)
    {
        if (node is null) return null;
        if (!IsCollection(node)) return leaf(node, path);
        // Open collections are those on the path from the root to here, by reference: the same list under two keys is
        // no cycle, a list inside itself is.
        if (!open.TryAdd(node, path))
            throw new ArgumentException(
                $"Argument `{name}` must not contain itself (a cycle; FastEstimator would recurse without end). " +
                $"Received: {path} is {open[node]} again, a {TensorFormat.TypeName(node.GetType())}", name);
        try
        {
            if (Entries(node) is { } entries)
            {
                var items = entries.Select(e => (e.Key, Value: Walk(e.Value, $"{path}[{FormatKey(e.Key)}]", name, leaf, open))).ToList();
                return items.All(e => e.Key is string)
                    ? items.ToDictionary(e => (string)e.Key, e => e.Value)
                    : items.ToDictionary(e => e.Key, e => e.Value);
            }
            if (node is ITuple tuple && IsTuple(node))
            {
                if (tuple.Length > 7)
                    throw new ArgumentException(
                        $"Argument `{name}` must hold tuples of at most 7 items (a longer .NET tuple nests another in its last item). " +
                        $"Received: {path} is a tuple of {tuple.Length} items; use a List<object?> instead", name);
                var values = new object?[tuple.Length];
                for (int i = 0; i < values.Length; i++) values[i] = Walk(tuple[i], $"{path}.Item{i + 1}", name, leaf, open);
                return Retuple(node.GetType(), values);
            }
            if (node is Array { Rank: > 1 })
                throw new ArgumentException(
                    $"Argument `{name}` must hold one-dimensional arrays of values that are not numbers (an object[] is a list). " +
                    $"Received: {path} is a {TensorFormat.TypeName(node.GetType())}", name);
            List<object?> list = [];
            int index = 0;
            foreach (object? item in (IEnumerable)node) list.Add(Walk(item, $"{path}[{index++}]", name, leaf, open));
            if (IsSet(node)) return new HashSet<object?>(list);
            return node is Array ? list.ToArray() : list;
        }
        finally { open.Remove(node); }
    }

    /// <summary>The key and value of each entry when <paramref name="node"/> is a dictionary, else null. Any
    /// <see cref="IDictionary"/>, and generic dictionaries that are only <see cref="IReadOnlyDictionary{TKey, TValue}"/>
    /// or <see cref="IDictionary{TKey, TValue}"/> (read through their <see cref="KeyValuePair{TKey, TValue}"/>s).</summary>
    private static IEnumerable<(object Key, object? Value)>? Entries(object node)
    {
        if (node is IDictionary dictionary)
        {
            // The dictionary's own enumerator: a Dictionary<K, V> enumerated as IEnumerable gives KeyValuePairs.
            var entries = new List<(object Key, object? Value)>();
            for (IDictionaryEnumerator e = dictionary.GetEnumerator(); e.MoveNext();) entries.Add((e.Key, e.Value));
            return entries;
        }
        Type? pairs = node.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType &&
            (i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IDictionary<,>)));
        if (pairs is null) return null;
        Type pair = typeof(KeyValuePair<,>).MakeGenericType(pairs.GetGenericArguments());
        var key = pair.GetProperty(nameof(KeyValuePair<int, int>.Key))!;
        var value = pair.GetProperty(nameof(KeyValuePair<int, int>.Value))!;
        return ((IEnumerable)node).Cast<object>().Select(p => (key.GetValue(p)!, value.GetValue(p))).ToList();
    }

    private static bool IsSet(object node) => node.GetType().GetInterfaces().Any(i => i.IsGenericType &&
        (i.GetGenericTypeDefinition() == typeof(ISet<>) || i.GetGenericTypeDefinition() == typeof(IReadOnlySet<>)));

    /// <summary>Whether <paramref name="value"/> is a <c>System.Tuple</c> or <c>System.ValueTuple</c> (FastEstimator's tuple).</summary>
    private static bool IsTuple(object value)
    {
        Type type = value.GetType();
        if (!type.IsGenericType || value is not ITuple) return false;
        string? ns = type.Namespace, definition = type.GetGenericTypeDefinition().Name;
        return ns == "System" && (definition.StartsWith("Tuple`", StringComparison.Ordinal) || definition.StartsWith("ValueTuple`", StringComparison.Ordinal));
    }

    /// <summary>A tuple of the same kind (Tuple or ValueTuple) and length holding <paramref name="values"/> as
    /// <c>object?</c> (at most 7: the caller refuses longer ones).</summary>
    private static object Retuple(Type type, object?[] values)
    {
        Type shaped = type.GetGenericTypeDefinition().MakeGenericType(Enumerable.Repeat(typeof(object), values.Length).ToArray());
        return Activator.CreateInstance(shaped, values)!;
    }

    private static string FormatKey(object key) => key is string s ? $"\"{s}\"" : Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
