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

    /// <summary>Runs the CLI and asserts it refused the input as a user's mistake: exit code
    /// <see cref="CliApp.BadInput"/>, nothing on stdout, one line on stderr, which it returns.</summary>
    public static string Refused(params string[] args)
    {
        (int code, string stdout, string stderr) = Run(args);
        Assert.That(code, Is.EqualTo(CliApp.BadInput), stderr);
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), stderr);
        return stderr;
    }
}
