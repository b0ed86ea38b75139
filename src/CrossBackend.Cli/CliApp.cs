using System.CommandLine;
using CrossBackend.Cli.Parity;

namespace CrossBackend.Cli;

/// <summary>
/// The <c>crossbackend</c> command line. Exit codes: 0 success, 1 a parity disagreement, 2 bad input (one line on
/// stderr), 3 an unexpected failure (one line on stderr, no stack trace).
/// </summary>
public static class CliApp
{
    public const int Ok = 0, Disagreement = 1, BadInput = 2, Failure = 3;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        RootCommand root = new("CrossBackend: one loss function, every engine, the same number.")
        {
            ParityCommand.Create(stdout),
            LossCommand.Create(stdout),
            KerasCommand.Create(stdout),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine($"crossbackend: error: {parsed.Errors[0].Message}");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is CliException or ArgumentException)
        {
            stderr.WriteLine($"crossbackend: error: {FirstLine(e.Message)}");
            return BadInput;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"crossbackend: internal error: {e.GetType().Name}: {FirstLine(e.Message)}");
            return Failure;
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].TrimEnd();
}
