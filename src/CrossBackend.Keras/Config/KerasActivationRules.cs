using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>
/// Activations whose numbers depend on the Keras release that wrote the file, checked against the writer's full
/// version (<see cref="KerasActivation.FromName"/> sees only the major): <c>sparsemax</c>. Every Keras 3 backend
/// computed its threshold from the sum of the cumulative sums over the support (keras/src/backend/tensorflow/nn.py
/// <c>sparsemax</c>) until keras-team/keras#23469 (merged 2026-08-19) summed the sorted logits instead; the releases
/// 3.7 to 3.11 predate the fix. For a later release, or a writer known only as "Keras 3", which threshold it computes
/// is not established here, so the layer is refused.
/// </summary>
internal static class KerasActivationRules
{
    /// <summary>Throws when the layer's config names <c>sparsemax</c> (at any depth: a wrapper's inner layer too) and the
    /// writer's release does not decide its threshold.</summary>
    public static void Check(JsonElement config, string layer, string className, string? kerasVersion)
    {
        if (!NamesSparsemax(config) || PreFixSparsemax(kerasVersion)) return;
        throw new NotSupportedException(
            $"layer `{layer}` ({className}) uses activation \"sparsemax\", whose threshold Keras 3.7 to 3.11 compute as (sum of the cumulative sums " +
            "over the support - 1) / k (outputs that need not sum to 1) and keras-team/keras#23469 (August 2026) corrected to (k-th cumulative " +
            "sum - 1) / k; " + (kerasVersion is null ? "the file does not say which Keras wrote it" : $"the file was written by Keras {kerasVersion}") +
            ", for which CrossBackend has not established the rule; give the writer's version (KerasGraph.FromJson(json, \"3.10.0\"), or Build(kerasVersion: \"3.10.0\") of an architecture written in C#) if it is 3.7 to 3.11");
    }

    /// <summary>Whether the writer is a Keras 3 release before the sparsemax fix: 3.0 to 3.11 (sparsemax itself exists from 3.7).</summary>
    internal static bool PreFixSparsemax(string? version)
    {
        return KerasConfigReader.Major(version) == 3 && KerasConfigReader.Minor(version) <= 11;
    }

    private static bool NamesSparsemax(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().Any(p =>
            (p.Value.ValueKind == JsonValueKind.String && p.Name.EndsWith("activation", StringComparison.Ordinal) && p.Value.GetString() == "sparsemax") ||
            NamesSparsemax(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Any(NamesSparsemax),
        _ => false,
    };
}
