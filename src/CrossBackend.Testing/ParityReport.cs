using System.Text;

namespace CrossBackend.Testing;

/// <summary>One comparison of an <see cref="EngineParity"/> run: an engine's result against another engine's or
/// against the reference.</summary>
/// <param name="Actual">The engine whose result is compared.</param>
/// <param name="Expected">The other engine's name, or "reference".</param>
/// <param name="Comparison">The element-wise comparison.</param>
public sealed record ParityComparison(string Actual, string Expected, TensorComparison Comparison)
{
    /// <summary>"torch vs numerics".</summary>
    public string Label => $"{Actual} vs {Expected}";
}

/// <summary>What an <see cref="EngineParity"/> run found: every comparison made, and the engines whose function
/// threw.</summary>
public sealed class ParityReport
{
    internal ParityReport(IReadOnlyList<string> engines, bool hasReference, IReadOnlyList<ParityComparison> comparisons,
        IReadOnlyDictionary<string, Exception> errors)
    {
        Engines = engines;
        HasReference = hasReference;
        Comparisons = comparisons;
        Errors = errors;
    }

    /// <summary>The engines run, by name.</summary>
    public IReadOnlyList<string> Engines { get; }

    /// <summary>Whether a reference result was compared too.</summary>
    public bool HasReference { get; }

    /// <summary>Every comparison made: each pair of engines, then each engine against the reference.</summary>
    public IReadOnlyList<ParityComparison> Comparisons { get; }

    /// <summary>Engines on which the function (or reading its result) threw, by name.</summary>
    public IReadOnlyDictionary<string, Exception> Errors { get; }

    /// <summary>Whether every engine ran and every comparison is close.</summary>
    public bool Passed => Errors.Count == 0 && Comparisons.All(c => c.Comparison.IsClose);

    /// <summary>The report: a summary line, then one block per engine that threw and per comparison that failed.</summary>
    public string Message
    {
        get
        {
            int failed = Comparisons.Count(c => !c.Comparison.IsClose);
            var text = new StringBuilder(Passed
                ? $"Engine parity holds: {Comparisons.Count} comparisons close"
                : $"Engine parity failed: {failed} of {Comparisons.Count} comparisons not close, {Errors.Count} engines threw");
            text.Append($" (engines: {string.Join(", ", Engines)}; reference: {(HasReference ? "yes" : "no")}).");
            foreach ((string engine, Exception e) in Errors)
                text.Append($"\n\n[{engine}] the function threw {e.GetType().Name}: {e.Message}");
            foreach (ParityComparison c in Comparisons.Where(c => !c.Comparison.IsClose))
                text.Append($"\n\n[{c.Label}]\n{c.Comparison.Message}");
            IEnumerable<string> close = Comparisons.Where(c => c.Comparison.IsClose).Select(c => c.Label);
            if (!Passed && close.Any()) text.Append($"\n\nClose: {string.Join("; ", close)}.");
            return text.ToString();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Message;
}
