using System.CommandLine;
using System.CommandLine.Help;
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
        RootCommand root = new("CrossBackend: one loss function, every engine, the same number.\n\n" +
                               "Examples:\n  crossbackend parity\n  crossbackend loss categorical_crossentropy --pred pred.npy --true true.npy\n" +
                               "  crossbackend metric f1_score --pred scores.npy --true onehot.npy --average macro\n" +
                               "  crossbackend keras inspect lenet.h5\n\nRun crossbackend COMMAND --help for a command's options and an example.")
        {
            ParityCommand.Create(stdout),
            LossCommand.Create(stdout),
            MetricCommand.Create(stdout),
            KerasCommand.Create(stdout),
            TrainDemoCommand.Create(stdout, stderr),
        };
        ParseResult parsed = root.Parse(args);
        // With --help System.CommandLine drops its errors and prints the help of the last command it knew, so
        // `crossbackend bench --help` printed the top-level help as if bench were a command: a word it does not know is
        // refused as it is without --help.
        if (parsed.Errors.Count > 0 || (parsed.Action is HelpAction && parsed.UnmatchedTokens.Count > 0))
        {
            stderr.WriteLine($"crossbackend: error: {ParseErrors.Of(parsed, args)}");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is CliException or ArgumentException)
        {
            stderr.WriteLine($"crossbackend: error: {ErrorText.Of(e, args, parsed.CommandResult.Command.Options.Select(o => o.Name))}");
            return BadInput;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"crossbackend: internal error: {e.GetType().Name}: {ErrorText.Of(e)}");
            return Failure;
        }
    }
}
