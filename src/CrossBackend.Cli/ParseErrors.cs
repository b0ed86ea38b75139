using System.CommandLine;
using System.Text.RegularExpressions;

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
        // With --help the parser reports nothing (CliApp): the words it did not match are named as it names them without.
        IEnumerable<string> errors = parsed.Errors.Count > 0 ? parsed.Errors.Select(e => e.Message)
            : parsed.UnmatchedTokens.Select(t => $"Unrecognized command or argument '{t}'.");
        messages.AddRange(errors.Select(e => Suggest(Plain(e), parsed.CommandResult.Command))
            .Where(m => !named.Any(t => m.Contains($"'{t}'", StringComparison.Ordinal)))
            .OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : m.StartsWith("Required argument", StringComparison.Ordinal) ? 1 : 2));
        // The parser's own sentences ("Required command was not provided.") say what is wrong, not where to look.
        return $"{string.Join(" ", messages.Distinct())} Run `{CommandPath(parsed.CommandResult)} --help` for the commands and options.";
    }

    /// <summary>The parser's "Cannot parse argument 'ten' for option '--steps' as expected type 'System.Int32'." in the
    /// CLI's words, "--steps: 'ten' is not an integer." (the user never typed a .NET type name).</summary>
    internal static string Plain(string message)
    {
        Match m = Regex.Match(message, @"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$");
        if (!m.Success) return message;
        string? kind = m.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" => "an integer",
            "System.Double" or "System.Single" => "a number",
            _ => null,
        };
        return kind is null ? message : $"{m.Groups["option"].Value}: '{m.Groups["value"].Value}' is not {kind}.";
    }

    /// <summary>"Unrecognized command or argument '--lable-smoothing'." with "(did you mean '--label-smoothing'?)" when an
    /// option of <paramref name="command"/> (for a word, one of its subcommands) is one or two letters off.</summary>
    private static string Suggest(string message, Command command)
    {
        Match m = Regex.Match(message, @"^Unrecognized command or argument '(?<token>[^']+)'\.$");
        if (!m.Success) return message;
        string token = m.Groups["token"].Value;
        if (command is RootCommand && Benchmarks.Contains(token, StringComparer.OrdinalIgnoreCase))
            return $"{message} crossbackend has no {token} command: the benchmarks are a project of the repository, " +
                   "dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- interleaved --quick (README, Performance).";
        IEnumerable<string> known = token.StartsWith("--", StringComparison.Ordinal)
            ? command.Options.Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            : command.Subcommands.Select(c => c.Name);
        return NameSuggestion.Nearest(token, known) is { } best ? $"{message[..^1]} (did you mean '{best}'?)." : message;
    }

    /// <summary>Words a user may try as a command for the benchmarks, which are not part of the tool.</summary>
    private static readonly string[] Benchmarks = ["bench", "benchmark", "benchmarks"];

    /// <summary>"crossbackend", or "crossbackend keras inspect": the command the user was typing.</summary>
    private static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Parent is null ? "crossbackend" : r.Command.Name);
        return string.Join(" ", names);
    }
}
