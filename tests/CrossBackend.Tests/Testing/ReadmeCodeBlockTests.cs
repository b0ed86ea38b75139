using System.Text.RegularExpressions;

namespace CrossBackend.Tests.Testing;

/// <summary>
/// Every C# block in the README is code that CI compiles and runs: the line before each block is a marker saying which
/// file it is (<c>&lt;!-- example: PATH --&gt;</c>, <c>&lt;!-- file: PATH --&gt;</c>: the whole file), which test checks
/// it (<c>&lt;!-- train-demo: ... --&gt;</c>, <see cref="Training.TrainDemoTests"/>), or where it is quoted from
/// (<c>&lt;!-- snippet: PATH --&gt;</c>: a region of a test file between <c>// README:begin</c> and <c>// README:end</c>,
/// run by that test). A block with no marker fails here, so a README example cannot drift from the code.
/// </summary>
public sealed partial class ReadmeCodeBlockTests
{
    /// <summary>A line kept out of the README's copy of a snippet region: test plumbing such as collecting a result.</summary>
    public const string NotInReadme = "// (not in README)";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CrossBackend.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No CrossBackend.sln above {AppContext.BaseDirectory}");
    }

    private sealed record Block(int Line, string Marker, string[] Code);

    /// <summary>The README's ```csharp blocks with the non-blank line before each.</summary>
    private static List<Block> Blocks(string[] lines)
    {
        var blocks = new List<Block>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i] != "```csharp") continue;
            int before = i - 1;
            while (before >= 0 && lines[before].Trim().Length == 0) before--;
            int end = Array.FindIndex(lines, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            blocks.Add(new Block(i + 1, before >= 0 ? lines[before].Trim() : "", lines[(i + 1)..end]));
            i = end;
        }
        return blocks;
    }

    [GeneratedRegex(@"^<!-- (example|file|snippet|train-demo): (\S+)")]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"^using [A-Za-z_][\w.]*;$")]
    private static partial Regex UsingDirective();

    [Test]
    public void EveryCSharpBlockIsCheckedCode()
    {
        string root = RepositoryRoot();
        string[] readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n").Split('\n');
        List<Block> blocks = Blocks(readme);
        Assert.That(blocks, Has.Count.GreaterThanOrEqualTo(8), "the README's C# blocks were found");
        foreach (Block block in blocks)
        {
            string where = $"README.md line {block.Line}";
            Match marker = MarkerPattern().Match(block.Marker);
            Assert.That(marker.Success, Is.True,
                $"{where}: a ```csharp block needs a marker on the line before it (<!-- snippet: PATH -->, <!-- file: PATH -->, ...) " +
                $"naming the checked code it quotes. Found: '{block.Marker}'");
            string kind = marker.Groups[1].Value, path = marker.Groups[2].Value;
            if (kind == "train-demo") continue;   // TrainDemoTests.TheReadmeQuotesTheCodeThatRuns
            string file = Path.Combine(root, path);
            Assert.That(File.Exists(file), Is.True, $"{where}: the marker names {path}, which does not exist");
            string[] source = File.ReadAllText(file).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
            if (kind is "example" or "file")
                Assert.That(block.Code, Is.EqualTo(source), $"{where}: the block is not {path}");
            else
                AssertQuotesARegion(block, source, path, where);
        }
    }

    /// <summary>The block's leading using directives are the file's; the rest is one README region of the file, its
    /// indentation removed and its <see cref="NotInReadme"/> lines left out.</summary>
    private static void AssertQuotesARegion(Block block, string[] source, string path, string where)
    {
        string[] code = block.Code;
        int usings = 0;
        while (usings < code.Length && UsingDirective().IsMatch(code[usings])) usings++;
        foreach (string directive in code[..usings])
            Assert.That(source, Does.Contain(directive), $"{where}: {path} lacks the README's '{directive}'");
        string[] body = code[usings..].SkipWhile(l => l.Length == 0).ToArray();

        var regions = new List<string[]>();
        for (int i = 0; i < source.Length; i++)
        {
            if (source[i].Trim() != "// README:begin") continue;
            int end = Array.FindIndex(source, i + 1, l => l.Trim() == "// README:end");
            Assert.That(end, Is.GreaterThan(i), $"{path} line {i + 1}: a README:begin without README:end");
            string[] lines = source[(i + 1)..end].Where(l => !l.TrimEnd().EndsWith(NotInReadme, StringComparison.Ordinal)).ToArray();
            int indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
            regions.Add(lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()).ToArray());
            i = end;
        }
        Assert.That(regions.Any(r => r.SequenceEqual(body)), Is.True,
            $"{where}: the block is not one of the {regions.Count} README regions of {path}. The block:\n{string.Join("\n", body)}");
    }
}
