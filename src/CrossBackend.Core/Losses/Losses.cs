namespace CrossBackend;

/// <summary>
/// The losses, each written once and run on whichever engine owns the tensors it is given. Every method takes the
/// engine's own tensor type (<c>torch.Tensor</c>, <c>Tensor&lt;float&gt;</c>, ...) and returns the same type; called
/// with <see cref="object"/> arguments it dispatches on the runtime type, for object-typed pipelines.
/// </summary>
/// <remarks>
/// The structure follows Keras 3: each engine implements the general ops (<see cref="ITensorOps{TTensor}"/>) once; every
/// loss is one file here, composed from them, with one entry in <see cref="LossRegistry"/>. Options, weights, the
/// reduction and validation are applied once, above the engines.
/// </remarks>
public static partial class Losses
{
    /// <summary>Computes the registered loss <paramref name="name"/> (Keras's or FastEstimator's spelling) with keyword
    /// <paramref name="arguments"/>; see <see cref="LossDefinition.Compute"/>.</summary>
    public static object Compute(string name, object yPred, object? yTrue, LossArguments? arguments = null) =>
        LossRegistry.Get(name).Compute(yPred, yTrue, arguments);

    /// <summary>The gradient of the registered loss <paramref name="name"/> with respect to <paramref name="yPred"/>, on
    /// either engine; see <see cref="LossDefinition.Gradient"/>. FastEstimator's <c>get_gradient</c> for a loss.</summary>
    public static TPred Gradient<TPred>(string name, TPred yPred, object? yTrue, LossArguments? arguments = null) where TPred : class =>
        (TPred)LossRegistry.Get(name).Gradient(yPred, yTrue, arguments);

    /// <summary>The keyword arguments the crossentropy methods share, with FastEstimator's <c>average_loss</c> resolved.</summary>
    private static LossArguments CrossentropyArguments(bool fromLogits, bool averageLoss, IReadOnlyDictionary<int, double>? classWeights,
        double labelSmoothing, int? axis, Reduction? reduction, object? sampleWeights, int? ignoreClass = null)
    {
        var arguments = new LossArguments
        {
            [LossOption.FromLogits.Name] = fromLogits,
            [LossOption.ClassWeights.Name] = classWeights,
            [LossOption.LabelSmoothing.Name] = labelSmoothing,
            [LossOption.Axis.Name] = axis,
            [LossOption.Reduction.Name] = CrossentropyReduction(averageLoss, reduction),
            [LossOption.SampleWeights.Name] = sampleWeights,
        };
        if (ignoreClass is not null) arguments[SparseCategoricalCrossentropyLoss.IgnoreClass.Name] = ignoreClass;
        return arguments;
    }

    /// <summary>FastEstimator's <c>average_loss</c> shorthand beside an explicit reduction.</summary>
    private static Reduction CrossentropyReduction(bool averageLoss, Reduction? reduction)
    {
        if (reduction is { } r && r != Reduction.None && !averageLoss)
            throw new ArgumentException(
                $"Arguments `averageLoss` and `reduction` disagree: averageLoss=false means Reduction.None. Received: averageLoss=false, reduction={r}",
                nameof(reduction));
        return reduction ?? (averageLoss ? Reduction.SumOverBatchSize : Reduction.None);
    }
}
