using System.CommandLine;
using System.CommandLine.Parsing;

namespace CrossBackend.Cli;

/// <summary>
/// A loss or metric name that starts with <c>-</c> is an option the parser did not know: System.CommandLine puts an
/// unknown <c>--bogus</c> into the name's place, and <c>crossbackend loss --bogus …</c> answered "unknown loss '--bogus'".
/// It is refused as the parser refuses an unknown option elsewhere ("Unrecognized command or argument '--bogus'."), so
/// <see cref="ParseErrors"/> adds its did-you-mean from the command's options.
/// </summary>
internal static class OptionLikeName
{
    /// <summary>Refuses a value of <paramref name="name"/> (a command's name argument) that starts with <c>-</c>.</summary>
    public static Argument<string> Refused(this Argument<string> name)
    {
        name.Validators.Add(Check);
        return name;
    }

    /// <summary>Refuses a value of <paramref name="name"/> (<c>parity --loss NAME</c>) that starts with <c>-</c>.</summary>
    public static Option<string?> Refused(this Option<string?> name)
    {
        name.Validators.Add(Check);
        return name;
    }

    private static void Check(SymbolResult result)
    {
        if (result.Tokens is [{ Value: var token }, ..] && token.StartsWith('-'))
            result.AddError($"Unrecognized command or argument '{token}'.");
    }
}
