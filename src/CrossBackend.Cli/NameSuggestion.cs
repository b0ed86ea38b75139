namespace CrossBackend.Cli;

/// <summary>"did you mean 'categorical_crossentropy'?" for a loss, metric, option or command name one or two edits away
/// from a known one (a dropped letter, a swapped pair, a capital); a far miss gets no guess.</summary>
internal static class NameSuggestion
{
    /// <summary>Edits (insert, delete, substitute, case ignored) allowed between the typed name and the suggestion.</summary>
    private const int MaxEdits = 2;

    /// <summary>The text to put before the list of known names: the nearest name within <see cref="MaxEdits"/>, or "".</summary>
    public static string DidYouMean(string typed, IEnumerable<string> known) =>
        Nearest(typed, known) is { } best ? $"did you mean '{best}'? " : "";

    /// <summary>The known name nearest <paramref name="typed"/> within <see cref="MaxEdits"/> edits, or null.</summary>
    public static string? Nearest(string typed, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = MaxEdits + 1;
        foreach (string name in known)
        {
            int d = Distance(typed.ToLowerInvariant(), name.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (name, d);
        }
        return best;
    }

    /// <summary>Levenshtein distance, one row at a time.</summary>
    private static int Distance(string a, string b)
    {
        int[] row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
