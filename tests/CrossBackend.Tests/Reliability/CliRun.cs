using CrossBackend.Cli;

namespace CrossBackend.Tests.Reliability;

/// <summary>The CLI run in-process through its command code (<see cref="CliApp.Run"/>), with what it prints.</summary>
internal static class CliRun
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
