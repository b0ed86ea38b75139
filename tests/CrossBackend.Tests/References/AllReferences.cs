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
        new HingeReference(),
        new SquaredHingeReference(),
        new CategoricalHingeReference(),
        new BinaryFocalCrossentropyReference(),
        new CategoricalFocalCrossentropyReference(),
        new CategoricalGeneralizedCrossEntropyReference(),
        new FocalLossReference(),
        new MeanAbsoluteErrorReference(),
        new MeanAbsolutePercentageErrorReference(),
        new MeanSquaredLogarithmicErrorReference(),
        new CosineSimilarityReference(),
        new HuberReference(),
        new LogCoshReference(),
        new PoissonReference(),
        new KLDivergenceReference(),
        new L1LossReference(),
        new SmoothL1LossReference(),
        new FeHuberReference(),
        new L2RegularizationReference(),
        new DiceReference(),
        new TverskyReference(),
        new DiceScoreReference(),
        new CircleReference(),
        new CtcReference(),
    ];
}
