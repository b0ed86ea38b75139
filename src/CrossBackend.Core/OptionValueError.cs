namespace CrossBackend;

/// <summary>
/// An option given a value of the wrong kind (a word where a number goes). The library's message names the .NET type
/// it received ("Received: threshold=abc (String)"), which helps a caller of the API; the exception also carries what
/// the option takes (<see cref="Expected"/>), so the command line, which typed the value from text itself, can say it
/// in its own words. It stays an <see cref="ArgumentException"/> of that exact type (callers and tests match the type),
/// so what the option takes rides in <see cref="Exception.Data"/>.
/// </summary>
internal static class OptionValueError
{
    private const string ExpectedKey = "CrossBackend.OptionValueError.Expected";

    /// <summary>An <see cref="ArgumentException"/> for parameter <paramref name="name"/> that records
    /// <paramref name="expected"/> ("a number", "an integer", "true or false", …).</summary>
    public static ArgumentException Create(string name, string expected, string message)
    {
        var e = new ArgumentException(message, name);
        e.Data[ExpectedKey] = expected;
        return e;
    }

    /// <summary>What the refused option takes, or null when <paramref name="e"/> is not such an error.</summary>
    public static string? Expected(Exception e) => e.Data[ExpectedKey] as string;
}
