namespace CrossBackend.Cli;

/// <summary>An exception's message as the CLI prints it: the first line, without the <c> (Parameter 'name')</c> that
/// <see cref="ArgumentException.Message"/> appends (the library's messages already name the argument).</summary>
internal static class ErrorText
{
    public static string Of(Exception e) => Of(e, []);

    /// <summary>As <see cref="Of(Exception)"/>; when the library names one of its parameters (<c>labelSmoothing</c>, or a
    /// registry's Keras name such as <c>num_classes</c>) that came from an option on <paramref name="args"/>
    /// (<c>--label-smoothing</c>), or that is an option of the command the user typed (<paramref name="options"/>: a
    /// required one left out, <c>--num-classes</c>), the message names the option, which is what the user types.</summary>
    public static string Of(Exception e, IReadOnlyList<string> args, IEnumerable<string>? options = null)
    {
        string line = e.Message.Split('\n')[0].TrimEnd();
        if (e is ArgumentException { ParamName: { } name })
        {
            // The suffix in the runtime's own words (it is localised), built the way ArgumentException builds it.
            string suffix = new ArgumentException("", name).Message;
            if (suffix.Length > 0 && line.EndsWith(suffix, StringComparison.Ordinal)) line = line[..^suffix.Length].TrimEnd();
            string flag = Flag(name);
            if (args.Any(a => a == flag || a.StartsWith(flag + "=", StringComparison.Ordinal)) || (options?.Contains(flag) ?? false))
                line = line.Replace($"Argument `{name}`", flag).Replace($"`{name}`", flag).Replace($"{name}=", $"{flag}=").Replace($"{name}[", $"{flag}[");
            // y_true / y_pred keep Keras's names in the text (the README quotes them); the option that holds the
            // file goes in front, so the user knows which file to fix.
            else if (FileOptions.GetValueOrDefault(name) is { } file && args.Contains(file) && !line.StartsWith(file, StringComparison.Ordinal))
                line = $"{file}: {line}";
        }
        return line;
    }

    /// <summary>The library's parameter names for the two arrays, and the CLI options that read them.</summary>
    private static readonly Dictionary<string, string> FileOptions = new()
    {
        ["yTrue"] = "--true", ["y_true"] = "--true", ["yPred"] = "--pred", ["y_pred"] = "--pred",
    };

    /// <summary>A C# parameter name as the CLI's option for it: <c>labelSmoothing</c> → <c>--label-smoothing</c> (the
    /// options are the Keras keyword arguments in kebab-case, and the parameters the same words in camelCase); a Keras
    /// name the registries use (<c>summation_method</c>) → <c>--summation-method</c>.</summary>
    internal static string Flag(string parameter) =>
        "--" + string.Concat(parameter.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c == '_' ? "-" : c.ToString()));
}
