namespace CrossBackend.Cli;

/// <summary>An exception's message as the CLI prints it: the first line, without the <c> (Parameter 'name')</c> that
/// <see cref="ArgumentException.Message"/> appends (the library's messages already name the argument).</summary>
internal static class ErrorText
{
    public static string Of(Exception e)
    {
        string line = e.Message.Split('\n')[0].TrimEnd();
        if (e is ArgumentException { ParamName: { } name })
        {
            // The suffix in the runtime's own words (it is localised), built the way ArgumentException builds it.
            string suffix = new ArgumentException("", name).Message;
            if (suffix.Length > 0 && line.EndsWith(suffix, StringComparison.Ordinal)) line = line[..^suffix.Length].TrimEnd();
        }
        return line;
    }
}
