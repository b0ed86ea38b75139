using System.Globalization;

namespace CrossBackend;

/// <summary>The kinds of value a loss option takes (what the CLI parses and the tests enumerate).</summary>
public enum LossOptionKind
{
    /// <summary>true or false.</summary>
    Bool,
    /// <summary>A real number.</summary>
    Number,
    /// <summary>An integer, or none.</summary>
    Integer,
    /// <summary>Class index → weight.</summary>
    ClassWeights,
    /// <summary>One axis or a list of axes.</summary>
    Axes,
    /// <summary>A list of real numbers.</summary>
    Numbers,
    /// <summary>A tensor of the same engine as y_pred.</summary>
    Tensor,
    /// <summary>A <see cref="CrossBackend.Reduction"/>.</summary>
    Reduction,
    /// <summary>A real number, or a list of them with one per class (Keras 3's <c>alpha</c> of
    /// <c>categorical_focal_crossentropy</c>): a <c>double</c> or a <c>double[]</c>.</summary>
    NumberOrNumbers,
    /// <summary>One of a fixed set of words (FastEstimator's <c>'sum'</c> | <c>'mean'</c> | <c>'none'</c>), listed in the
    /// option's rule.</summary>
    Choice,
}

/// <summary>
/// One keyword argument of a loss, declared once: its Keras/FastEstimator name (snake_case, the CLI's
/// <c>--kebab-case</c>), its C# parameter name, its kind, default and the rule its values must satisfy.
/// </summary>
public sealed class LossOption
{
    private readonly Func<object?, bool>? _valid;

    /// <summary>Declares an option.</summary>
    /// <param name="name">The Keras/FastEstimator keyword, e.g. <c>from_logits</c>.</param>
    /// <param name="parameterName">The C# parameter name, e.g. <c>fromLogits</c>.</param>
    /// <param name="kind">The kind of value.</param>
    /// <param name="defaultValue">The value when the caller gives none.</param>
    /// <param name="description">One line for the CLI's help and the README.</param>
    /// <param name="rule">The rule in words for error messages, e.g. "in [0, 1]".</param>
    /// <param name="choices">For a choice option, the values it accepts.</param>
    /// <param name="valid">Whether a value satisfies the rule.</param>
    internal LossOption(string name, string parameterName, LossOptionKind kind, object? defaultValue, string description,
        string? rule = null, Func<object?, bool>? valid = null, IReadOnlyList<string>? choices = null)
    {
        Choices = choices;
        Name = name;
        ParameterName = parameterName;
        Kind = kind;
        Default = defaultValue;
        Description = description;
        Rule = rule;
        _valid = valid;
    }

    /// <summary>The Keras/FastEstimator keyword (snake_case).</summary>
    public string Name { get; }

    /// <summary>The C# parameter name.</summary>
    public string ParameterName { get; }

    /// <summary>The command-line flag: <c>--</c> and the name in kebab-case.</summary>
    public string CliName => "--" + Name.Replace('_', '-');

    /// <summary>The kind of value.</summary>
    public LossOptionKind Kind { get; }

    /// <summary>The default value (null: none).</summary>
    public object? Default { get; }

    /// <summary>One line describing the option.</summary>
    public string Description { get; }

    /// <summary>The rule its values satisfy, in words, or null.</summary>
    public string? Rule { get; }

    /// <summary>For a <see cref="LossOptionKind.Choice"/>: the words it accepts; otherwise null.</summary>
    public IReadOnlyList<string>? Choices { get; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the parameter when <paramref name="value"/>
    /// breaks the rule.</summary>
    internal void Check(object? value)
    {
        if (_valid is null || _valid(value)) return;
        throw new ArgumentOutOfRangeException(ParameterName, value,
            $"Argument `{ParameterName}` must be {Rule}. Received: {ParameterName}={Format(value)}");
    }

    internal static string Format(object? value) => value switch
    {
        null => "None",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        int[] axes => "(" + string.Join(", ", axes) + ")",
        double[] list => "[" + string.Join(", ", list.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <inheritdoc/>
    public override string ToString() => Name;

    // ---- Options shared by many losses, declared once ----

    internal static readonly LossOption Reduction = new("reduction", "reduction", LossOptionKind.Reduction,
        CrossBackend.Reduction.SumOverBatchSize, Reductions.Names + "; mean and mean_with_sample_weight are Keras 3's names");

    internal static readonly LossOption SampleWeights = new("sample_weights", "sampleWeights", LossOptionKind.Tensor, null,
        "per-sample weights: a scalar, (Batch,), a prefix of the per-element loss shape, or that shape with trailing 1s");

    internal static readonly LossOption Axis = new("axis", "axis", LossOptionKind.Axes, null,
        "the axis reduced over (default: the engine's class axis, -1 channels-last, 1 channels-first)");

    internal static readonly LossOption FromLogits = new("from_logits", "fromLogits", LossOptionKind.Bool, false,
        "y_pred holds logits rather than probabilities");

    internal static readonly LossOption LabelSmoothing = new("label_smoothing", "labelSmoothing", LossOptionKind.Number, 0.0,
        "label smoothing", "in [0, 1]", v => v is double d && d >= 0 && d <= 1);

    internal static readonly LossOption ClassWeights = new("class_weights", "classWeights", LossOptionKind.ClassWeights, null,
        "class index → weight (FastEstimator's class_weights; unlisted classes weigh 1)");

    /// <summary>A non-negative real number option (delta, gamma, ...).</summary>
    internal static LossOption NonNegative(string name, string parameterName, double defaultValue, string description) =>
        new(name, parameterName, LossOptionKind.Number, defaultValue, description, "a finite number >= 0",
            v => v is double d && double.IsFinite(d) && d >= 0);

    /// <summary>A real number option in [0, 1].</summary>
    internal static LossOption UnitInterval(string name, string parameterName, double defaultValue, string description) =>
        new(name, parameterName, LossOptionKind.Number, defaultValue, description, "in [0, 1]", v => v is double d && d >= 0 && d <= 1);

    /// <summary>An option taking one of <paramref name="choices"/> (a <see cref="LossOptionKind.Choice"/>).</summary>
    internal static LossOption OneOf(string name, string parameterName, string defaultValue, string description, params string[] choices) =>
        new(name, parameterName, LossOptionKind.Choice, defaultValue, description,
            "one of " + string.Join(", ", choices.Select(c => $"'{c}'")), v => v is string s && choices.Contains(s), choices);

    /// <summary>A boolean option.</summary>
    internal static LossOption Flag(string name, string parameterName, bool defaultValue, string description) =>
        new(name, parameterName, LossOptionKind.Bool, defaultValue, description);
}
