using System.Globalization;
using System.Text;

namespace CrossBackend;

/// <summary>
/// Prints any engine's tensor (or a .NET array) the way NumPy's <c>repr</c> prints an array, for examples, logs and
/// error reports: <c>array([[0.1, 0.2], [0.3, 0.4]], dtype=float32)</c>, summarised with <c>...</c> past 1000 elements.
/// </summary>
/// <remarks>
/// Follows NumPy's <c>array_repr</c> (NumPy 1.24) with the print options of <see cref="TensorFormatOptions"/>
/// (precision, threshold, edgeitems, linewidth, suppress, floatmode, sign); with the defaults: floats in positional
/// notation with at most 8 fraction digits (the fewest that identify each value in its dtype, aligned on the decimal
/// point), switching to scientific notation when a non-zero magnitude is ≥ 1e8 or &lt; 1e-4 or the largest/smallest ratio exceeds 1000;
/// <c>nan</c>/<c>inf</c>; integers right-aligned; booleans as <c>True</c>/<c>False</c>; rows wrapped at 75 characters;
/// the dtype printed unless it is NumPy's default (float64, int64, bool). The shape is printed for summarised arrays
/// (as NumPy 2.2+ does) and empty ones. bfloat16, which NumPy lacks, prints as <c>dtype=bfloat16</c>.
/// Reading the values copies them to the host, exactly (int64 as int64). Complex tensors are refused, not printed.
/// </remarks>
public static class TensorFormat
{
    /// <summary>The NumPy-style representation of <paramref name="tensor"/>.</summary>
    /// <param name="tensor">A tensor of any engine, or a .NET array (any rank).</param>
    /// <param name="options">Print options; <see cref="TensorFormatOptions.Default"/> when null.</param>
    /// <example><code>
    /// Console.WriteLine(TensorFormat.ToString(loss));   // array([0.22314353, 0.10536055, 0.35667497], dtype=float32)
    /// </code></example>
    /// <exception cref="ArgumentException">The value is not an array of numbers or bools, nor a tensor of a dtype
    /// CrossBackend holds (a complex tensor is refused: NumPy would print its imaginary part, which is not read).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (a negative precision).</exception>
    public static string ToString(object tensor, TensorFormatOptions? options = null)
    {
        options = (options ?? TensorFormatOptions.Default).Validated(nameof(options));
        (double[] values, long[] shape, DType dtype, long[]? int64) = Read(tensor, nameof(tensor));
        return Format(values, shape, dtype, options, int64);
    }

    /// <summary>One line naming the engine, shape, dtype and device, then the values: for error reports.</summary>
    /// <param name="tensor">A tensor of any engine, or a .NET array.</param>
    public static string Describe(object tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        string head = tensor is Array a
            ? $".NET {TypeName(a.GetType())}, shape {TensorInfo.FormatShape(HostArrays.ShapeOf(a))}"
            : TensorEngines.EngineOf(tensor, nameof(tensor)) is var e && e.Describe(tensor) is var info
                ? $"{e.Name} tensor, shape {info.ShapeText}, {info.DType.Name()}, on {info.Device}"
                : "";
        return head + ":\n" + ToString(tensor);
    }

    /// <summary>A .NET type as C# writes it, for messages: <c>Tensor&lt;Int32&gt;</c> rather than the runtime's
    /// <c>Tensor`1</c>, <c>UInt16[]</c>, <c>Single[,]</c>, <c>Dictionary&lt;String, Int32&gt;</c>; with
    /// <paramref name="qualified"/>, the namespace too (<c>System.Numerics.Tensors.Tensor&lt;UInt16&gt;</c> rather than
    /// the runtime's <c>System.Numerics.Tensors.Tensor`1[[System.UInt16, System.Private.CoreLib, …]]</c>).</summary>
    public static string TypeName(Type type, bool qualified = false)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.IsArray) return TypeName(type.GetElementType()!, qualified) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (type.IsPointer || type.IsByRef) return TypeName(type.GetElementType()!, qualified) + (type.IsPointer ? "*" : "&");
        if (Nullable.GetUnderlyingType(type) is { } underlying) return TypeName(underlying, qualified) + "?";
        string name = type.Name;
        int tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        if (type.IsNested && !type.IsGenericParameter && type.DeclaringType is { } outer)
        {
            string container = TypeName(outer, qualified);
            int open = container.IndexOf('<');
            name = (open >= 0 ? container[..open] : container) + "." + name;
        }
        else if (qualified && !type.IsGenericParameter && type.Namespace is { Length: > 0 } ns) name = ns + "." + name;
        if (!type.IsGenericType) return name;
        Type[] own = type.GetGenericArguments();
        // A nested type's argument list also holds its declaring types' arguments, first.
        int inherited = type.IsNested && type.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments().Length : 0;
        return inherited >= own.Length ? name : name + "<" + string.Join(", ", own.Skip(inherited).Select(a => TypeName(a))) + ">";
    }

    /// <summary>Formats row-major host values of <paramref name="shape"/> as NumPy prints an array of
    /// <paramref name="dtype"/>; int64 values are printed from <paramref name="int64"/> when given (exact beyond 2⁵³).</summary>
    internal static string Format(double[] values, long[] shape, DType dtype, TensorFormatOptions o, long[]? int64 = null)
    {
        long size = Shapes.Count(shape);
        bool summarise = size > o.Threshold;
        var extras = new List<string>();
        if (o.ShowShape ?? summarise) extras.Add("shape=" + PythonShape(shape));
        bool implied = dtype is DType.Float64 or DType.Int64 or DType.Bool;
        const string prefix = "array(";
        if (size == 0)   // NumPy always names the dtype of an empty array, and its shape unless it is (0,)
            return prefix + "[]" + (shape.Length == 1 ? "" : ", shape=" + PythonShape(shape)) + ", dtype=" + DTypeName(dtype) + ")";
        if (o.ShowDType ?? !implied) extras.Add("dtype=" + DTypeName(dtype));

        string suffix = extras.Count == 0 ? ")" : ",";
        var shown = new Shown(shape, summarise ? o.EdgeItems : -1);
        Func<long, string> element = ElementFormatter(values, int64, shown, shape.Length == 0, dtype, o);
        string body = new ArrayWriter(shape, shown, element, o.LineWidth - suffix.Length, new string(' ', prefix.Length + 1), summarise).Write();
        string text = prefix + body + suffix;
        if (extras.Count == 0) return text;
        string extra = string.Join(", ", extras) + ")";
        int lastLine = text.Length - (text.LastIndexOf('\n') + 1);
        return text + (lastLine + extra.Length + 1 > o.LineWidth ? "\n" + new string(' ', prefix.Length) : " ") + extra;
    }

    private static (double[] Values, long[] Shape, DType DType, long[]? Int64) Read(object tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor is Array array)
        {
            Type element = array.GetType().GetElementType()!;
            if (element.IsArray)
                throw new ArgumentException(
                    $"Argument `{name}` must be a rectangular array such as float[,], not a jagged one. Received: a {TypeName(array.GetType())}. " +
                    "Copy it into a rectangular array of the same shape.", name);
            // Unsigned integers print as the engines hold them (uint16 → int32, uint32 and uint64 → int64).
            Array flat = HostArrays.WidenUnsigned(HostArrays.Flatten(array), name);
            DType dtype = DTypes.OfElementType(flat.GetType().GetElementType()!);
            if (dtype == DType.Other)
                throw new ArgumentException(
                    $"Argument `{name}` must be an array of numbers (floating point or integer) or bools. Received: a {TypeName(array.GetType())}. " +
                    "Convert it to one of those, e.g. to double[].", name);
            return (HostArrays.ToDoubles(flat), HostArrays.ShapeOf(array), dtype, flat as long[]);
        }
        ITensorEngine engine = TensorEngines.EngineOf(tensor, name);
        DType type = engine.Describe(tensor).DType;
        if (type == DType.Other)
            throw UnnamedDType.Refused(name, $"{name} is a {engine.Name} tensor", "print");
        // In the tensor's own type (int64 exact; bfloat16 as float32, exactly), as a host array is read.
        Array data = engine.ToArray(tensor, out long[] shape);
        return (HostArrays.ToDoubles(data), shape, type, data as long[]);
    }

    private static string PythonShape(long[] shape) => TensorInfo.FormatShape(shape);

    private static string DTypeName(DType dtype) => dtype.Name();

    /// <summary>Which indices of each axis are printed (all, or the edge items at each end).</summary>
    private sealed class Shown(long[] shape, int edgeItems)
    {
        public bool Summarised(int axis) => edgeItems >= 0 && shape[axis] > 2L * edgeItems;

        public IEnumerable<long> Indices(int axis) => Summarised(axis)
            ? Enumerable.Range(0, edgeItems).Select(i => (long)i).Concat(Enumerable.Range(0, edgeItems).Select(i => shape[axis] - edgeItems + i))
            : Enumerable.Range(0, (int)shape[axis]).Select(i => (long)i);

        /// <summary>The row-major offsets NumPy chooses the format from: the printed values, except that with 0 edge
        /// items a summarised axis gives all its values (_leading_trailing in numpy/core/arrayprint.py joins a[:0] and
        /// a[-0:], the whole axis), so <c>[..., 1.        ]</c> is as wide as the hidden 0.33333333.</summary>
        public IEnumerable<long> Offsets() => shape.Length == 0 ? [0L] : Flat(0, 0);

        private IEnumerable<long> FormatIndices(int axis) => edgeItems == 0
            ? Enumerable.Range(0, (int)shape[axis]).Select(i => (long)i)
            : Indices(axis);

        private IEnumerable<long> Flat(int axis, long offset)
        {
            long stride = 1;
            for (int d = axis + 1; d < shape.Length; d++) stride *= shape[d];
            foreach (long i in FormatIndices(axis))
            {
                if (axis == shape.Length - 1) yield return offset + i;
                else foreach (long f in Flat(axis + 1, offset + i * stride)) yield return f;
            }
        }
    }

    /// <summary>NumPy's <c>_formatArray</c>: nested brackets, rows wrapped to the line width, <c>...</c> where summarised.</summary>
    private sealed class ArrayWriter(long[] shape, Shown shown, Func<long, string> element, int lineWidth,
        string nextLinePrefix, bool summarise)
    {
        public string Write() => Recurse(0, 0, nextLinePrefix, lineWidth);

        private string Recurse(int axis, long offset, string hangingIndent, int currentWidth)
        {
            int axesLeft = shape.Length - axis;
            if (axesLeft == 0) return element(offset);
            string nextIndent = hangingIndent + " ";
            int nextWidth = currentWidth - 1;
            long stride = 1;
            for (int d = axis + 1; d < shape.Length; d++) stride *= shape[d];
            long length = shape[axis];
            bool summary = summarise && shown.Summarised(axis);
            long leading = summary ? (shown.Indices(axis).Count() / 2) : 0;
            long trailing = summary ? leading : length;
            var s = new StringBuilder();
            if (axesLeft == 1)
            {
                int elementWidth = currentWidth - 1;   // room for "," or "]"
                string line = hangingIndent;
                for (long i = 0; i < leading; i++)
                {
                    line = Extend(s, line, Recurse(axis + 1, offset + i * stride, nextIndent, nextWidth), elementWidth, hangingIndent);
                    line += ", ";
                }
                if (summary)
                {
                    line = Extend(s, line, "...", elementWidth, hangingIndent);
                    line += ", ";
                }
                for (long i = trailing; i > 1; i--)
                {
                    line = Extend(s, line, Recurse(axis + 1, offset + (length - i) * stride, nextIndent, nextWidth), elementWidth, hangingIndent);
                    line += ", ";
                }
                line = Extend(s, line, Recurse(axis + 1, offset + (length - 1) * stride, nextIndent, nextWidth), elementWidth, hangingIndent);
                s.Append(line);
            }
            else
            {
                string lineSeparator = "," + new string('\n', axesLeft - 1);
                for (long i = 0; i < leading; i++)
                    s.Append(hangingIndent).Append(Recurse(axis + 1, offset + i * stride, nextIndent, nextWidth)).Append(lineSeparator);
                if (summary) s.Append(hangingIndent).Append("...").Append(lineSeparator);
                for (long i = trailing; i > 1; i--)
                    s.Append(hangingIndent).Append(Recurse(axis + 1, offset + (length - i) * stride, nextIndent, nextWidth)).Append(lineSeparator);
                s.Append(hangingIndent).Append(Recurse(axis + 1, offset + (length - 1) * stride, nextIndent, nextWidth));
            }
            return "[" + s.ToString(hangingIndent.Length, s.Length - hangingIndent.Length) + "]";
        }

        /// <summary>NumPy's <c>_extendLine</c>: wrap before a word that would pass the width, unless wrapping cannot help.</summary>
        private static string Extend(StringBuilder s, string line, string word, int width, string indent)
        {
            if (line.Length + word.Length > width && line.Length > indent.Length)
            {
                s.Append(line.TrimEnd()).Append('\n');
                line = indent;
            }
            return line + word;
        }
    }

    /// <summary>The text of the element at a row-major offset, in one width for the printed values.</summary>
    private static Func<long, string> ElementFormatter(double[] values, long[]? int64, Shown shown, bool scalar, DType dtype, TensorFormatOptions options)
    {
        // NumPy's BoolFormat pads True to False's width, except in a 0-d array: array(True).
        if (dtype == DType.Bool) return i => values[i] != 0 ? (scalar ? "True" : " True") : "False";
        if (!dtype.IsFloatingPoint())
        {
            Func<long, string> text = int64 is not null
                ? i => int64[i].ToString(CultureInfo.InvariantCulture)
                : i => Integer(values[i]);
            int width = shown.Offsets().Select(i => text(i).Length).DefaultIfEmpty(0).Max();
            return i => text(i).PadLeft(width);
        }
        Func<double, string> number = FloatFormat.Create(shown.Offsets().Select(i => values[i]).ToArray(), dtype, options);
        return i => number(values[i]);
    }

    private static string Integer(double v) => ((long)v).ToString(CultureInfo.InvariantCulture);
}

/// <summary>Extension form of <see cref="TensorFormat.ToString(object, TensorFormatOptions?)"/>.</summary>
public static class TensorFormatExtensions
{
    /// <summary>The NumPy-style representation of a tensor of any engine (or a .NET array); see <see cref="TensorFormat"/>.</summary>
    /// <param name="tensor">A tensor of any engine, or a .NET array.</param>
    /// <param name="options">Print options; NumPy's defaults when null.</param>
    public static string ToNumPyString(this object tensor, TensorFormatOptions? options = null) => TensorFormat.ToString(tensor, options);
}
