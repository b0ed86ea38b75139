namespace CrossBackend.Tests.Reliability;

/// <summary>
/// One public loss call with fixed options, as an engine-independent delegate. The reliability tests (inputs left
/// untouched, thread safety, leaks) run over <see cref="LossCalls.All"/>, so a new loss or option is one more entry
/// here: give it a name and a lambda that calls the public API with <c>object</c> tensors.
/// </summary>
/// <param name="Name">Shown in test names, e.g. "cce logits mean weighted".</param>
/// <param name="Invoke">Calls the loss on (y_pred, y_true) of one engine and returns that engine's result tensor.</param>
/// <param name="Weights">The weights map the call passes (so tests can check it is left untouched), or null.</param>
public sealed record LossCall(string Name, Func<object, object, object> Invoke, IReadOnlyDictionary<int, double>? Weights = null)
{
    public override string ToString() => Name;
}

/// <summary>The table of calls every reliability test iterates over.</summary>
public static class LossCalls
{
    /// <summary>Classes the inputs built by <see cref="Inputs"/> have: enough for every weights map below.</summary>
    public const int Classes = 5;

    /// <summary>Every option combination of <see cref="Losses.CategoricalCrossentropy{TPred,TTrue}"/>.</summary>
    public static IEnumerable<LossCall> All()
    {
        foreach (bool fromLogits in new[] { false, true })
        foreach (bool averageLoss in new[] { true, false })
        foreach (bool weighted in new[] { false, true })
        {
            // A fresh map per call, so a test that checks "weights untouched" owns its own instance.
            Dictionary<int, double>? weights = weighted ? new() { [1] = 2.0, [3] = 0.5, [4] = 0.0 } : null;
            string name = $"categorical_crossentropy{(fromLogits ? " logits" : "")}{(averageLoss ? " mean" : " per-element")}{(weighted ? " weighted" : "")}";
            yield return new LossCall(name,
                (p, t) => Losses.CategoricalCrossentropy<object, object>(p, t, fromLogits, averageLoss, weights), weights);
        }
        // Add sparse_categorical_crossentropy, binary_crossentropy, label smoothing, sample weights, reductions and
        // the axis option here once they exist in core (issue 5 item 1 already tests their validation rules below).
    }

    /// <summary>Channels-last inputs for <see cref="All"/>: probabilities/logits in (0, 1]·3, soft labels.</summary>
    public static (double[] Pred, double[] True) Inputs(long[] shape, int seed)
    {
        var random = new Random(seed);
        long n = shape.Aggregate(1L, (a, b) => a * b);
        int classes = (int)shape[^1];
        var pred = new double[n];
        var yTrue = new double[n];
        for (long r = 0; r < n / classes; r++)
        {
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += yTrue[r * classes + c] = random.NextDouble();
            for (int c = 0; c < classes; c++)
            {
                yTrue[r * classes + c] = (float)(yTrue[r * classes + c] / sum);
                pred[r * classes + c] = (float)(0.01 + 3 * random.NextDouble());
            }
        }
        return (pred, yTrue);
    }
}
