namespace CrossBackend.Tests.Testing;

/// <summary>The README's "Writing your own parity tests" example is the checked example project's code, so the
/// example a user copies is one that compiles and passes in CI.</summary>
public sealed class ReadmeExampleTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CrossBackend.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No CrossBackend.sln above {AppContext.BaseDirectory}");
    }

    [Test]
    public void ReadmeQuotesTheExampleProject()
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("\n## Writing your own parity tests\n", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThan(0), "README section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        Assert.That(readme.IndexOf("\n## ", section + 1, StringComparison.Ordinal), Is.GreaterThan(end), "the code block is in the section");
        string quoted = readme[start..end];
        string example = File.ReadAllText(Path.Combine(root, "examples", "CrossBackend.Examples.ParityTests", "ParityTests.cs"))
            .ReplaceLineEndings("\n").TrimEnd('\n');
        Assert.That(quoted, Is.EqualTo(example));
    }
}
