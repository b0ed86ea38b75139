using System.Collections;

namespace CrossBackend;

/// <summary>
/// Keyword arguments for a loss called by name (<see cref="LossDefinition.Compute"/>), keyed by the Keras name
/// (<c>"from_logits"</c>) or the C# parameter name (<c>"fromLogits"</c>). Omitted options take their defaults; an
/// unknown name or a value of the wrong kind is refused with a message that lists the loss's options.
/// </summary>
/// <example><code>
/// var args = new LossArguments { ["delta"] = 0.3, ["reduction"] = Reduction.Sum };
/// object loss = LossRegistry.Get("huber").Compute(yPred, yTrue, args);
/// </code></example>
public sealed class LossArguments : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    /// <summary>Gets or sets one argument.</summary>
    public object? this[string name]
    {
        get => _values.TryGetValue(name, out object? v) ? v : null;
        set => _values[name] = value;
    }

    /// <summary>Adds one argument (collection-initialiser form).</summary>
    public void Add(string name, object? value) => _values[name] = value;

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Every option of <paramref name="definition"/> with its value: given (normalised to the option's kind
    /// and checked against its rule) or the default.</summary>
    internal Dictionary<LossOption, object?> Resolve(LossDefinition definition)
    {
        var resolved = definition.Options.ToDictionary(o => o, o => o.Default);
        foreach ((string name, object? value) in _values)
        {
            if (definition.NoAxis is { } why && (name == LossOption.Axis.Name || name == LossOption.Axis.ParameterName))
                throw new ArgumentException(
                    $"Argument `axis` is not used by `{definition.Name}`: {why}. Remove it. Received: axis={FormatAxis(value)}", "axis");
            LossOption option = definition.Options.FirstOrDefault(o => o.Name == name || o.ParameterName == name)
                ?? throw new ArgumentException(
                    $"Loss `{definition.Name}` has no option `{name}`. Its options: {string.Join(", ", definition.Options.Select(o => o.Name))}.",
                    name);
            object? normalised = value is null && option.Default is not null ? NullForDefault(option) : Normalise(option, value);
            option.Check(normalised);
            resolved[option] = normalised;
        }
        return resolved;
    }

    private static string FormatAxis(object? value) => Normalise(LossOption.Axis, value) switch
    {
        int[] { Length: 1 } one => one[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
        int[] axes => LossOption.Format(axes),
        _ => value?.ToString() ?? "None",
    };

    /// <summary>
    /// An explicit null for an option that has a default: <c>reduction</c> null is Keras's <c>reduction=None</c>, no
    /// reduction (<c>keras.losses.Loss</c>'s <c>standardize_reduction</c> accepts None); for any other such option null
    /// is refused by name (it reached the loss as a NullReferenceException).
    /// </summary>
    private static object NullForDefault(LossOption option) => option.Kind == LossOptionKind.Reduction
        ? Reduction.None
        : throw new ArgumentException(
            $"Argument `{option.ParameterName}` must be {KindText(option.Kind)}, not None (null). Leave it out for its default, " +
            $"{LossOption.Format(option.Default)}. Received: {option.ParameterName}=None", option.ParameterName);

    private static object? Normalise(LossOption option, object? value)
    {
        if (value is null) return null;
        object? result = option.Kind switch
        {
            LossOptionKind.Bool => value as bool?,
            LossOptionKind.Number => value is double or float or int or long ? Convert.ToDouble(value) : null,
            LossOptionKind.Integer => Validate.IntegerOption(value, option.ParameterName),
            LossOptionKind.Axes => value switch { int a => new[] { a }, int[] a => a, long a => new[] { (int)a }, _ => null },
            LossOptionKind.Numbers => value switch
            {
                double[] d => d,
                float[] f => f.Select(v => (double)v).ToArray(),
                IEnumerable<double> e => e.ToArray(),
                _ => null,
            },
            LossOptionKind.NumberOrNumbers => value switch
            {
                double or float or int or long => Convert.ToDouble(value),
                double[] d => d,
                float[] f => f.Select(v => (double)v).ToArray(),
                IEnumerable<double> e => e.ToArray(),
                _ => null,
            },
            LossOptionKind.ClassWeights => value as IReadOnlyDictionary<int, double>,
            LossOptionKind.Reduction => value switch
            {
                Reduction r => r,
                string s => Reductions.Parse(s, option.ParameterName),
                _ => null,
            },
            LossOptionKind.Tensor => value,
            LossOptionKind.Choice => value as string,
            _ => null,
        };
        return result ?? throw new ArgumentException(
            $"Argument `{option.ParameterName}` must be {KindText(option.Kind)}. Received: a {TensorFormat.TypeName(value.GetType())}", option.ParameterName);
    }

    private static string KindText(LossOptionKind kind) => kind switch
    {
        LossOptionKind.Bool => "a bool",
        LossOptionKind.Number => "a number",
        LossOptionKind.Integer => "an integer",
        LossOptionKind.Axes => "an axis (int) or axes (int[])",
        LossOptionKind.Numbers => "a list of numbers (double[])",
        LossOptionKind.NumberOrNumbers => "a number or a list of numbers (double[])",
        LossOptionKind.ClassWeights => "a class → weight map (IReadOnlyDictionary<int, double>)",
        LossOptionKind.Reduction => "a Reduction",
        LossOptionKind.Choice => "a string",
        _ => "a tensor",
    };
}
