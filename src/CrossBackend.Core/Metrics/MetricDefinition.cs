namespace CrossBackend;

/// <summary>What a metric's <c>y_true</c> holds.</summary>
public enum MetricLabels
{
    /// <summary>Targets with y_pred's shape (one-hot, 0/1, masks).</summary>
    SameShape,
    /// <summary>One class index per sample: y_pred's shape without the class axis (optionally with a length-1 axis).</summary>
    ClassIndices,
}

/// <summary>
/// A metric declared once: its Keras (or FastEstimator) name, its keyword arguments and its published examples. The
/// registry (<see cref="MetricRegistry"/>) lists every definition; the tests run every example on every engine.
/// </summary>
public sealed class MetricDefinition
{
    private readonly Func<object, object, MetricCall, object> _compute;

    internal MetricDefinition(string name, string summary, MetricLabels labels, bool perSample, IReadOnlyList<string> options,
        Func<object, object, MetricCall, object> compute, IReadOnlyList<MetricExample> examples)
    {
        Name = name;
        Summary = summary;
        Labels = labels;
        PerSample = perSample;
        Options = options;
        _compute = compute;
        Examples = examples;
    }

    /// <summary>The name as Keras (or FastEstimator) spells it, e.g. <c>sparse_top_k_categorical_accuracy</c>.</summary>
    public string Name { get; }

    /// <summary>One line: what it computes.</summary>
    public string Summary { get; }

    /// <summary>What y_true holds.</summary>
    public MetricLabels Labels { get; }

    /// <summary>Whether the result is per sample or per element (Keras's metric functions; average with
    /// <see cref="Metrics.Mean{T}"/>) rather than one value for the batch.</summary>
    public bool PerSample { get; }

    /// <summary>The keyword arguments it takes, by Keras name.</summary>
    public IReadOnlyList<string> Options { get; }

    /// <summary>Whether y_pred may be an integer tensor (class ids, 0/1 masks), which the metric computes in floating
    /// point (Keras converts it to the metric's dtype): the accuracies, dice_score, the IoU family and r2_score. The
    /// others need scores and refuse integers.</summary>
    public bool IntegerPredictions { get; init; }

    /// <summary>The published examples this metric reproduces.</summary>
    public IReadOnlyList<MetricExample> Examples { get; }

    /// <summary>Computes the metric on the engine that owns <paramref name="yPred"/>.</summary>
    /// <param name="yPred">Predictions, a tensor of any engine.</param>
    /// <param name="yTrue">Targets, a tensor of the same engine.</param>
    /// <param name="arguments">Keyword arguments by Keras name (<see cref="Options"/>); tensor-valued ones as tensors of
    /// the same engine.</param>
    /// <exception cref="ArgumentException">An unknown argument, a value of the wrong kind, or a bad tensor.</exception>
    public object Compute(object yPred, object yTrue, IReadOnlyDictionary<string, object?>? arguments = null) =>
        _compute(yPred, yTrue, new MetricCall(this, arguments));

    /// <summary>For a metric that reduces the batch: whether the arguments (read through the call) leave one value, which
    /// Keras and FastEstimator return as a scalar. Null: never (per-sample and per-element metrics).</summary>
    internal Func<MetricCall, bool>? ScalarWhen { get; init; }

    /// <summary>Whether a call with <paramref name="arguments"/> returns one value that Keras and FastEstimator give as a
    /// scalar (shape <c>()</c>). Engines without rank-0 tensors hold it as shape (1,); reports print it as <c>[]</c>.</summary>
    internal bool ReturnsScalar(IReadOnlyDictionary<string, object?>? arguments) =>
        ScalarWhen?.Invoke(new MetricCall(this, arguments)) ?? false;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The keyword arguments of one call by name, checked against the metric's options.</summary>
internal sealed class MetricCall
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    public MetricCall(MetricDefinition metric, IReadOnlyDictionary<string, object?>? values)
    {
        _values = values ?? new Dictionary<string, object?>();
        foreach (string name in _values.Keys)
            if (!metric.Options.Contains(name))
                throw new ArgumentException(
                    $"Metric `{metric.Name}` has no argument `{name}`. Its arguments: {(metric.Options.Count == 0 ? "none" : string.Join(", ", metric.Options))}.", name);
    }

    /// <summary>An integer option: int, long, or a whole double or float (JSON numbers arrive as doubles).</summary>
    public int Int(string name, int fallback) => _values.TryGetValue(name, out object? v) && v is not null
        ? Validate.IntegerOption(v, name) ?? throw Wrong(name, "an integer", v)
        : fallback;

    public int? OptionalInt(string name) => _values.TryGetValue(name, out object? v) && v is not null
        ? Validate.IntegerOption(v, name) ?? throw Wrong(name, "an integer or null", v)
        : null;

    /// <summary>An integer option the metric cannot do without (Keras's <c>num_classes</c>).</summary>
    public int RequiredInt(string name, string metric) => OptionalInt(name) ?? throw new ArgumentException(
        $"Metric `{metric}` needs argument `{name}` (an integer). Received: {name}={(_values.ContainsKey(name) ? "null" : "not given")}", name);

    /// <summary>A list of integers (Keras's <c>target_class_ids</c>): one integer or a list of whole numbers, as
    /// <see cref="Numbers"/> reads them; null when not given.</summary>
    public int[]? Ints(string name) => Numbers(name)?.Select(v => v == Math.Floor(v) && v is >= int.MinValue and <= int.MaxValue ? (int)v
        : throw new ArgumentException($"Argument `{name}` must hold integers. Received: {name} item {v}", name)).ToArray();

    /// <summary>A word option (Keras's <c>curve</c>, <c>summation_method</c>, <c>class_aggregation</c>): its text;
    /// null when given as null (Python's None), <paramref name="fallback"/> when not given.</summary>
    public string? Word(string name, string? fallback) => _values.TryGetValue(name, out object? v)
        ? v switch { null => null, string s => s, Enum e => e.ToString(), _ => throw Wrong(name, "a name", v) }
        : fallback;

    public bool Bool(string name, bool fallback) => _values.TryGetValue(name, out object? v) && v is not null
        ? v as bool? ?? throw Wrong(name, "true or false", v)
        : fallback;

    /// <summary>A number option: any .NET number (double, float, Half, decimal, any integer type); null (Python's
    /// None) when given as null, <paramref name="fallback"/> when not given.</summary>
    public double? Number(string name, double? fallback) => _values.TryGetValue(name, out object? v)
        ? v is null ? null : Validate.Number(v) ?? throw Wrong(name, "a number", v)
        : fallback;

    public double Number(string name, double fallback) => Number(name, (double?)fallback) ?? fallback;

    public object? Tensor(string name) => _values.TryGetValue(name, out object? v) ? v : null;

    /// <summary>A number or a list of numbers (Keras's <c>thresholds</c>) as a list; null when not given or null. A list
    /// is any sequence of .NET numbers: double[], float[], int[], or object[] / List&lt;object&gt; of numbers (what a
    /// JSON list deserialises to).</summary>
    public double[]? Numbers(string name)
    {
        if (!_values.TryGetValue(name, out object? v) || v is null) return null;
        if (Validate.Number(v) is { } one) return [one];
        if (v is not System.Collections.IEnumerable list || v is string) throw Wrong(name, "a number or a list of numbers", v);
        var numbers = new List<double>();
        foreach (object? item in list)
            numbers.Add(item is not null && Validate.Number(item) is { } n ? n
                : throw new ArgumentException(
                    $"Argument `{name}` must be a number or a list of numbers; item {numbers.Count} is not a number. " +
                    $"Received: {name}[{numbers.Count}]={item ?? "null"}{(item is null ? "" : $" ({TensorFormat.TypeName(item.GetType())})")}", name));
        return [.. numbers];
    }

    /// <summary>Whether the call gives <paramref name="name"/> with a value (null counts as not given: a forwarded
    /// Keras config carries <c>threshold=None</c>).</summary>
    public bool Has(string name) => _values.TryGetValue(name, out object? v) && v is not null;

    /// <summary>A <see cref="ClassAverage"/> or Keras's/scikit-learn's spelling, any case ("binary", "macro", "micro",
    /// "weighted", "per_class"; null or "none"/"None" for per class, as Keras's <c>average=None</c>);
    /// <paramref name="fallback"/> when not given. Numbers ("1") are not names and are refused.</summary>
    public ClassAverage Average(ClassAverage fallback = ClassAverage.Binary, string name = "average")
    {
        if (!_values.TryGetValue(name, out object? v)) return fallback;
        return v switch
        {
            null => ClassAverage.PerClass,
            ClassAverage a when Enum.IsDefined(a) => a,
            string s when s.Equals("none", StringComparison.OrdinalIgnoreCase) => ClassAverage.PerClass,
            // By name only: Enum.TryParse would also take "1" as the enum's value.
            string s when Enum.GetNames<ClassAverage>().FirstOrDefault(n => n.Equals(s.Replace("_", ""), StringComparison.OrdinalIgnoreCase)) is { } n
                => Enum.Parse<ClassAverage>(n),
            _ => throw Wrong(name, "one of binary, macro, micro, weighted, per_class (any case), or none/null for per class", v),
        };
    }

    private static ArgumentException Wrong(string name, string what, object v) =>
        OptionValueError.Create(name, what, $"Argument `{name}` must be {what}. Received: {name}={v} ({TensorFormat.TypeName(v.GetType())})");
}
