namespace CrossBackend;

/// <summary>
/// A leaf of a batch that is not a tensor: a .NET number or an array of numbers (rectangular, or jagged as a nested
/// Python list is), read as NumPy's <c>np.array(data)</c> reads it — its values row-major, its shape, its dtype.
/// Used by the collection-aware <see cref="Backend"/> functions and by <see cref="Backend.ToTensor(Array, ITensorEngine, DType?, long[])"/>.
/// </summary>
internal static class HostLeaf
{
    /// <summary>The values row-major as a one-dimensional array of the innermost element type, and the shape: a
    /// number is rank 0 (<c>np.array(5).shape == ()</c>), a jagged array has its nesting's lengths.</summary>
    /// <exception cref="ArgumentException">A jagged array whose rows differ in shape (or holds a null row), which no
    /// tensor can hold; the message names <paramref name="name"/> and the path to the row.</exception>
    public static (Array Flat, long[] Shape) Read(object value, string name, string path)
    {
        if (value is not Array array)
        {
            Array one = Array.CreateInstance(value.GetType(), 1);
            one.SetValue(value, 0);
            return (one, []);
        }
        long[] shape = ShapeOf(array, name, path);
        Type element = array.GetType();
        while (element.IsArray) element = element.GetElementType()!;
        Array flat = Array.CreateInstance(element, Shapes.Count(shape));
        int next = 0;
        Fill(array, flat, ref next);
        return (flat, shape);
    }

    /// <summary>The shape of a number (rank 0) or an array of numbers, jagged rows checked for one shape.</summary>
    public static long[] ShapeOf(object value, string name, string path)
    {
        if (value is not Array array) return [];
        long[] own = Enumerable.Range(0, array.Rank).Select(d => array.GetLongLength(d)).ToArray();
        if (!array.GetType().GetElementType()!.IsArray) return own;
        long[]? inner = null;
        int i = 0;
        foreach (object? row in array)
        {
            string at = $"{path}[{i++}]";
            if (row is null)
                throw new ArgumentException($"Argument `{name}` must hold arrays of one shape to make a tensor. Received: {at} is null", name);
            long[] shape = ShapeOf(row, name, at);
            inner ??= shape;
            if (!inner.AsSpan().SequenceEqual(shape))
                throw new ArgumentException(
                    $"Argument `{name}` must hold a jagged array whose rows have one shape to make a tensor (NumPy refuses ragged rows too). " +
                    $"Received: {at} has shape {TensorInfo.FormatShape(shape)}, {path}[0] has {TensorInfo.FormatShape(inner)}", name);
        }
        // An empty jagged array has no row to say its inner shape: its rank is unknown, and zero elements in any case.
        return [.. own, .. inner ?? []];
    }

    /// <summary>The dtype a tensor made of <paramref name="value"/> has: the .NET element type's, unsigned ones widened
    /// as <see cref="HostArrays.WidenUnsigned"/> widens them (ushort → int32, uint and ulong → int64).</summary>
    public static DType DTypeOf(object value)
    {
        Type type = value.GetType();
        while (type.IsArray) type = type.GetElementType()!;
        return DTypes.OfElementType(HostArrays.WidenedElementType(type));
    }

    private static void Fill(Array source, Array flat, ref int next)
    {
        if (!source.GetType().GetElementType()!.IsArray)
        {
            Array.Copy(HostArrays.Flatten(source), 0, flat, next, source.Length);
            next += source.Length;
            return;
        }
        foreach (object? row in source) Fill((Array)row!, flat, ref next);
    }
}
