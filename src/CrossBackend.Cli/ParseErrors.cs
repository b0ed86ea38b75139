using System.CommandLine;

namespace CrossBackend.Cli;

/// <summary>The parser's errors as one line that names what the user typed wrong.</summary>
internal static class ParseErrors
{
    /// <summary>Every error, unrecognised words first (System.CommandLine lists "Required command was not provided."
    /// before "Unrecognized command or argument 'bogus'", and printing only the first left 'bogus' unnamed); a value
    /// given as <c>--json=maybe</c> that the option does not take is named with its option.</summary>
    public static string Of(ParseResult parsed, IReadOnlyList<string> args)
    {
        var messages = new List<string>();
        var named = new List<string>();
        foreach (string token in parsed.UnmatchedTokens)
        {
            string? attached = args.FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal) && a.EndsWith("=" + token, StringComparison.Ordinal));
            if (attached is null) continue;
            string flag = attached[..^(token.Length + 1)];
            Option? option = parsed.CommandResult.Command.Options.FirstOrDefault(o => o.Name == flag || o.Aliases.Contains(flag));
            messages.Add(option is Option<bool>
                ? $"{flag}: '{token}' is not true or false (write {flag}, or {flag}=false to switch it off)."
                : $"{flag}: '{token}' is not a value it takes.");
            named.Add(token);
        }
        messages.AddRange(parsed.Errors.Select(e => e.Message)
            .Where(m => !named.Any(t => m.Contains($"'{t}'", StringComparison.Ordinal)))
            .OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : m.StartsWith("Required argument", StringComparison.Ordinal) ? 1 : 2));
        return string.Join(" ", messages.Distinct());
    }
}
