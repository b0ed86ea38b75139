namespace CrossBackend.Tests.References;

/// <summary>Every loss's float64 reference: one line per registered loss (the test fails for a loss without one).</summary>
public static class AllReferences
{
    public static IReadOnlyList<ILossReference> List { get; } =
    [
        new CategoricalCrossentropyReference(),
        new SparseCategoricalCrossentropyReference(),
        new BinaryCrossentropyReference(),
        new MeanSquaredErrorReference(),
        new DiceReference(),
        new TverskyReference(),
        new DiceScoreReference(),
        new CircleReference(),
        new CtcReference(),
    ];
}
