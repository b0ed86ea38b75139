namespace CrossBackend;

/// <summary>
/// Every loss, declared once. The CLI's <c>loss</c> and <c>parity</c> commands, the parity report and the tests
/// enumerate this list: adding a loss is one file in <c>Losses/</c> and one line here.
/// </summary>
public static class LossRegistry
{
    /// <summary>Every registered loss, in the order the CLI lists them.</summary>
    public static IReadOnlyList<LossDefinition> All { get; } =
    [
        CategoricalCrossentropyLoss.Definition,
        SparseCategoricalCrossentropyLoss.Definition,
        BinaryCrossentropyLoss.Definition,
        MeanSquaredErrorLoss.Definition,
        HingeLoss.Definition,
        SquaredHingeLoss.Definition,
        CategoricalHingeLoss.Definition,
        BinaryFocalCrossentropyLoss.Definition,
        CategoricalFocalCrossentropyLoss.Definition,
        CategoricalGeneralizedCrossEntropyLoss.Definition,
        FocalLossLoss.Definition,
        MeanAbsoluteErrorLoss.Definition,
        MeanAbsolutePercentageErrorLoss.Definition,
        MeanSquaredLogarithmicErrorLoss.Definition,
        CosineSimilarityLoss.Definition,
        HuberLoss.Definition,
        LogCoshLoss.Definition,
        PoissonLoss.Definition,
        KLDivergenceLoss.Definition,
        L1LossFunction.Definition,
        SmoothL1LossFunction.Definition,
        FeHuberLoss.Definition,
        L2RegularizationLoss.Definition,
        DiceLoss.Definition,
        TverskyLoss.Definition,
        DiceScoreLoss.Definition,
        CircleLoss.Definition,
        CtcLoss.Definition,
    ];

    /// <summary>The loss with this name; throws <see cref="ArgumentException"/> listing the known names otherwise.</summary>
    public static LossDefinition Get(string name) =>
        All.FirstOrDefault(d => d.Name == (name ?? throw new ArgumentNullException(nameof(name),
            $"Argument `name` must name a registered loss, e.g. \"categorical_crossentropy\". Received: name=null"))) ?? throw new ArgumentException(
            $"Unknown loss '{name}'. Known losses: {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));
}
